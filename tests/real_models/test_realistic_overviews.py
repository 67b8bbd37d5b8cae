"""Issue 16's targets on its realistic-depth corpus (tests/real_models/realistic.py: EfficientNet-B0,
ConvNeXt-T, Swin-T, ViT-B/16, MobileViT-S, BERT-base, GPT-2 small, T5-small from transformers'
default configs), checked from picture reports: the label policy at 480p, 1080p and 2160p and three
camera angles (tests/viewer/picture_policy.py), the default overview's blocks spanning at least
60% of the frame's width or height at every size, and every fold named "× N" on a block.

CI runs a fixed sample (BERT-base, MobileViT-S: 20-40 s together on 2 CPUs); NNVOX_LONG=1 runs all
eight (3-5 min; a record runs the model five times, tracing included)."""

from __future__ import annotations

import pytest

from nnvox.viewer.report import frame_fill
from tests.real_models.realistic import MODELS
from tests.viewer.picture_policy import SIZES, check_policy, reports

pytest.importorskip("transformers")

SAMPLE = ["bert-base", "mobilevit-s"]
FILL = 0.6  # the least part of the frame's width or height the overview's blocks span
CASES = [pytest.param(m, marks=pytest.mark.gl) for m in SAMPLE] + [
    pytest.param(m, marks=[pytest.mark.gl, pytest.mark.long]) for m in MODELS if m not in SAMPLE
]


@pytest.mark.parametrize("model", CASES)
def test_the_overview_reads_at_every_size_and_angle(model):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from tests.real_models.realistic import record
    from tests.scenes.test_fold_counts import check_folds_shown

    scene = build_scene(record(model))  # the default depth
    check_folds_shown(record(model), SceneOptions())  # every fold says "× N" on a block (T5's blocks 1-5)
    for size_name, size in SIZES.items():
        by_angle = reports(scene, size)
        check_policy(model, scene, size_name, by_angle)
        fill = frame_fill(by_angle["overview"])
        assert fill >= FILL, f"{model} {size_name}: the overview spans {fill:.0%} of the frame"


def test_stages_and_short_names_of_hugging_face_modules():
    """A base-model wrapper's children are the stages; a label names a module relative to its
    stage, by the shortest tail no other block of the stage reads as."""
    from nnvox.scenes.block_text import short_names, stage_label, stage_of

    names = [
        "input",
        "mobilevit.conv_stem.convolution",
        "mobilevit.encoder.layer.3.transformer.layer.0",
        "mobilevit.encoder.layer.3.conv_kxk",
        "mobilevit.encoder.layer.4.transformer.layer.0",
        "bert.encoder.layer.0.attention.output.dense",
        "bert.encoder.layer.0.output.dense",
        "features.0",
        "classifier",
    ]
    stages = stage_of([*names[:5], "classifier"])
    assert stages["mobilevit.encoder.layer.3.conv_kxk"] == "mobilevit.encoder"
    assert stages["classifier"] == "classifier"
    short = short_names(names[:5], stages)
    assert short["mobilevit.encoder.layer.3.transformer.layer.0"] == "layer.3.transformer.layer.0"
    assert short["mobilevit.encoder.layer.3.conv_kxk"] == "conv_kxk"
    assert stage_label("mobilevit.encoder", "conv_kxk") == "encoder: conv_kxk"
    bert = names[5:7]  # `dense` clashes, then `output.dense`
    assert short_names(bert, stage_of(bert)) == {bert[0]: "attention.output.dense", bert[1]: "layer.0.output.dense"}
    zoo = ["features.0", "features.1", "classifier"]  # a Sequential's numbered layers are no stages
    assert stage_of(zoo) == {"features.0": "features", "features.1": "features", "classifier": "classifier"}
    assert short_names(zoo, stage_of(zoo))["features.0"] == "features.0"

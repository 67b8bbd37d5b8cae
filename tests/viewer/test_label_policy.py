"""The label policy, checked from the picture's report (viewer/report.py) for the zoo's models at
480p, 1080p and 2160p and three camera angles (the checks and the rule for naming stages:
tests/viewer/picture_policy.py).

Each model's scene is built once and each size's renderer drawn at the three angles. CI runs a
fixed sample (digits-cnn, resnet18, seq-gpt); NNVOX_LONG=1 runs every model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.viewer.picture_policy import SIZES, check_policy, reports

SAMPLE = ["digits-cnn", "resnet18", "seq-gpt"]
LONG = ["resnet50", "vgg16", "mobilenet_v2", "digits-unet", "seq-lstm", "digits-resnet", "digits-mlp"]
MODELS = [pytest.param(m, marks=pytest.mark.gl) for m in SAMPLE] + [
    pytest.param(m, marks=[pytest.mark.gl, pytest.mark.long]) for m in LONG
]


@pytest.mark.parametrize("model", MODELS)
def test_the_label_policy_holds_at_every_size_and_angle(model):
    from nnvox.capture.targets import open_target
    from nnvox.scenes.build import build_scene

    scene = build_scene(open_target(model))  # the model run once on an input of its own
    for size_name, size in SIZES.items():
        check_policy(model, scene, size_name, reports(scene, size))


@pytest.mark.gl
def test_report_boxes_are_where_vtk_draws_the_labels(digits_run):
    """The report's label boxes agree with vtk's own anchors (display offsets included) to within
    vtk's rounding, less than the layout's gap between labels."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540))
    try:
        r.scene_renderer.reset_camera(azimuth=-10)
        r.render(scene.frame_at(len(digits_run.snapshots) - 1))
        report = picture_report(r)
        layout = r.scene_renderer.label_layout
        for label in layout.labels:
            if not label.actor.GetVisibility():
                continue
            size = layout._bbox(label.actor, label.actor.GetInput())
            x, y = label.actor.GetAnchorDC()[:2]
            shown = next(lb for lb in report["labels"] if lb["block"] == label.block and lb["kind"] == "block")
            expected = [x + size[0], 540 - (y + size[3]), x + size[2], 540 - (y + size[1])]
            assert np.allclose(shown["box"], expected, atol=1.5), label.block  # vtk rounds; GAP is 3 px
    finally:
        r.close()


@pytest.mark.gl
def test_a_crowded_view_hides_the_least_important_labels_and_focus_brings_one_back(digits_run):
    """With text this large, not every label fits: some are hidden, each with its reason, none
    piled; focusing a hidden block (selected, under the cursor) shows its label."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=480, height=270, text_scale=3.0))
    try:
        frame = scene.frame_at(len(digits_run.snapshots) - 1)
        r.render(frame)
        report = picture_report(r)
        assert not any(report["checks"].values())
        hidden = next(h["block"] for h in report["hidden_labels"] if h["reason"] == "no free place near its block")
        r.scene_renderer.label_layout.focus = (hidden,)
        r.render(frame)
        again = picture_report(r)
        assert hidden in {lb["block"] for lb in again["labels"]}
        assert not any(again["checks"].values())
    finally:
        r.close()


@pytest.mark.gl
def test_labels_keep_off_the_histogram_panel_while_it_shows(digits_run):
    """While a selected layer's histogram panel shows, its rectangle is held like the legends':
    here a panel across the picture's middle band, where the labels stand without it."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.histogram import HistogramSource
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    scene = build_scene(digits_run)
    band = (0.0, 0.25, 1.0, 0.75)  # x0, y0, x1, y1 from the bottom-left, fractions
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540, histogram_box=band))
    t = scene.n_snapshots - 1
    frame = scene.frame_at(t)
    try:
        r.render(frame)
        free = picture_report(r)
        r.render(frame, HistogramSource(scene).at("conv2", t))
        held = picture_report(r)
    finally:
        r.close()
    top, bottom = 540 * (1 - band[3]), 540 * (1 - band[1])
    under = lambda report: [lb["text"] for lb in report["labels"] if lb["box"][1] < bottom and lb["box"][3] > top]
    assert under(free) and not under(held)
    assert not any(held["checks"].values())


def test_report_is_refused_for_a_video_and_must_be_json():
    from nnvox.errors import NnvoxError
    from nnvox.scenes.view import OutputSpec, SpecError, check_applies

    with pytest.raises(NnvoxError, match="--report does not apply to a video"):
        check_applies("a video", OutputSpec(report="x.json"))
    with pytest.raises(SpecError, match=r"ending in \.json"):
        OutputSpec(report="x.txt")


@pytest.mark.gl
def test_export_writes_the_report_beside_the_still(digits_run, tmp_path):
    import nnvox

    out = nnvox.render_png(digits_run, tmp_path / "still.png", output=nnvox.OutputSpec(report=tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert out.exists() and report["image"] == {"width": 1920, "height": 1080}
    assert {"position", "focal_point", "view_up", "view_angle"} <= set(report["camera"])
    assert {b["name"] for b in report["blocks"]} == {b["name"] for b in report["blocks"] if b["box"]}
    assert any(lb["kind"] == "classes" for lb in report["labels"]) and not any(report["checks"].values())
    assert not [p for p in tmp_path.iterdir() if p.name not in ("still.png", "r.json")]  # no temporaries left

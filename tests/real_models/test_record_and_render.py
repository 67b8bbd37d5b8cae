"""Issue 14 on real models, end to end: two snapshots recorded by `nnvox.Recorder` around real
optimizer steps, every mode's scene and frame, and every mode exported as a still (GL).

Every model of the corpus, in CI (the whole file takes about 40 s on 2 CPUs).
Whatever fails today is xfail(strict=True) with what is wrong (KNOWN).
"""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.capture.trace import trace
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import MODES, SceneOptions
from tests.real_models import facts as F
from tests.real_models.corpus import CORPUS, build
from tests.real_models.training import probe_inputs, record

BATCH = 4
TIED = {
    "gpt2": ("transformer.wte", "lm_head"),
    "nanogpt": ("transformer.wte", "lm_head"),
    "nanogpt-manual": ("transformer.wte", "lm_head"),
}  # embedding, head

# model -> what is wrong today; every test of that model is marked (a model that cannot be recorded
# has no run to draw). Removed by whoever fixes it.
KNOWN: dict[str, str] = {}
# (model, test) -> what is wrong today, for the tests of a model that records but does not draw.
KNOWN_DRAWING: dict[tuple[str, str], str] = {}


def models(test: str, names=None):
    """pytest params of the corpus models for `test`, marked xfail where that applies."""
    out = []
    for name in names or CORPUS:
        marks = []
        reason = KNOWN.get(name) or KNOWN_DRAWING.get((name, test))
        if reason:
            marks.append(pytest.mark.xfail(strict=True, reason=f"issue 14: {reason}"))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    """name -> the run of two snapshots recorded around two optimizer steps (once a session)."""
    runs = {}

    def get(name: str):
        if name not in runs:
            runs[name] = record(name, tmp_path_factory.mktemp("real-models") / name, batch=BATCH, steps=2)
        return runs[name]

    return get


@pytest.mark.parametrize("name", models("recorded"))
def test_two_snapshots_are_recorded_of_the_traced_graph(name, recorded):
    run = recorded(name)
    assert len(run.snapshots) == 2
    assert len(run.probe_labels) == BATCH, "each probe sample is one of the batch"
    model, inputs = build(name, BATCH)
    assert F.graph(run.architecture) == F.graph(trace(model, probe_inputs(name, inputs)).architecture)


def _values(frame, block) -> np.ndarray:
    v = frame.values[block.name]
    return v[np.isfinite(v)]  # grids are padded with NaN beyond a layer's last value


@pytest.mark.parametrize("name", models("modes"))
def test_every_mode_draws_every_block(name, recorded):
    """Each mode's scene at the last snapshot: every block has values (weights not blank, the run's
    weights seen to move), and the heads-up line reports no NaN/Inf where the model computed none.
    (A layer's change or gradient may be 0 in fp16 where it vanished: MobileViT's stem after one step.)"""
    run = recorded(name)
    for mode in MODES:
        scene = build_scene(run, SceneOptions(mode=mode))
        frame = scene.frame_at(scene.n_snapshots - 1)
        assert "NaN" not in frame.hud and "Inf" not in frame.hud, f"{mode}: {frame.hud}"
        largest = {}
        for block in scene.blocks:
            values = _values(frame, block)
            assert values.size, f"{mode}: {block.name} is blank"
            largest[block.name] = float(np.abs(values).max())
        if mode == "weights":
            assert min(largest.values()) > 0, f"weights of 0: {[b for b, v in largest.items() if v == 0]}"
        elif mode != "activations":
            assert max(largest.values()) > 0, f"{mode}: nothing moved"


@pytest.mark.parametrize("name", models("tied", TIED))
def test_a_tied_head_shows_its_embedding_weights_in_every_weight_mode(name, recorded):
    run = recorded(name)
    embedding, head = TIED[name]
    for mode in MODES[1:]:
        scene = build_scene(run, SceneOptions(mode=mode))
        frame = scene.frame_at(scene.n_snapshots - 1)
        names = {b.name for b in scene.blocks}
        assert {embedding, head} <= names, f"{mode}: {sorted(names)}"
        np.testing.assert_array_equal(frame.values[head], frame.values[embedding], err_msg=mode)


@pytest.mark.gl
@pytest.mark.parametrize("name", models("stills"))
def test_every_mode_exports_a_still(name, recorded, tmp_path):
    import imageio.v3 as iio

    from nnvox.viewer.export import render_png

    run = recorded(name)
    for mode in MODES:
        image = iio.imread(render_png(run, tmp_path / f"{mode}.png", width=480, height=270, mode=mode))
        assert image.shape[:2] == (270, 480)
        colours = np.unique(image.reshape(-1, image.shape[-1])[:, :3], axis=0)
        assert len(colours) > 50, f"{mode}: a still of {len(colours)} colours"

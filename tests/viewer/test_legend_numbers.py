"""A colour bar's numbers where the picture is about one layer (viewer/overlays/legend_focus.py): a
forward pass's stage, an opened layer, a kernels grid show that layer's scale's ends, the very ends
its colours span, with the layer named; a picture of several scales on one bar keeps "− 0 +" (an
eighth watch: "activation − 0 +" left nobody able to say how big a red is)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_kernels import kernel_plan
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from tests.viewer.picture_policy import drawn_texts

pytestmark = pytest.mark.gl
W, H = 1920, 1080
ACTIVATION = ("activation of {name}", "{name} activation", "{name}")  # (legends.focus_titles)
KERNELS = ("kernel weights of {name}", "kernels of {name}", "kernel weights", "kernels")
SAVE = None  # a folder to write the pictures to, to look at them


def _bars(scene, pose=None, lit=None, subject=()):
    """{title: (words under it, left to right)} of the bars a lecture's picture draws of `scene` at
    `pose` (the overview where None), its blocks lit as `lit` gives (a forward pass) and its shot
    about `subject`: read from the texts drawn."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    frame = scene.frame_at(scene.n_snapshots - 1)
    if lit is not None:
        frame = dataclasses.replace(frame, lit=lit)
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        pane.set_subject(subject)
        if pose is not None:
            pane.apply_pose(pose)
        picture = renderer.render(frame)
        if SAVE:
            import imageio.v3 as iio

            iio.imwrite(f"{SAVE}/{scene.mode}-{'-'.join(subject) or 'none'}-{lit is not None}.png", picture)
        texts = {t["text"]: t for t in drawn_texts(renderer) if t["box"] is not None}
        out = {}
        for part in pane.overlays.legends.parts:
            if not part[0].GetVisibility():
                continue
            drawn = [p for p in part[2:] if p.GetInput()]  # (a blank middle: a narrow bar's marked ends alone)
            words = [p.GetInput() for p in drawn]
            assert all(w in texts for w in [*words, part[1].GetInput()]), (words, sorted(texts))
            at = [p.GetPosition()[0] for p in drawn]  # the ends', then the middle's
            out[part[1].GetInput()] = tuple(w for _, w in sorted(zip(at, words)))
        return out
    finally:
        renderer.close()


def _named(bars, name: str, forms) -> tuple[str, ...]:
    """The words of the bar whose title is one of `forms` (legends.focus_titles) for layer `name`."""
    titles = [t for t in bars if t in {f.format(name=name) for f in forms}]
    assert len(titles) == 1, (name, bars)
    return bars[titles[0]]


def _number(word: str) -> float:
    return float(word.replace("≤", "").replace("≥", "").replace("−", "-").replace("+", "").strip())


def _printed(words, scale):
    """The printed ends against the scale's own, to their two significant digits."""
    lo, hi = _number(words[0]), _number(words[-1])
    assert float(f"{scale.lo:.2g}") == lo and float(f"{scale.hi:.2g}") == hi, (words, scale)
    # a diverging scale's "0" between its ends, or its marked ends alone under a bar too narrow for both
    assert len(words) in ((2, 3) if scale.diverging else (2,)) and (len(words) == 2 or words[1] == "0"), words


def test_a_forward_pass_stage_shows_its_scale_and_an_overview_its_signs(lenet_run):
    scene = build_scene(lenet_run, SceneOptions())
    blocks = {b.name: b for b in scene.blocks}
    overview = _bars(scene)
    assert overview["activation"] == ("−", "0", "+"), overview  # several stages' scales on one bar
    for front in ("relu1", "conv2", "fc1"):  # the pass lit up to `front`, the blocks ahead dimmed
        lit = {b.name: 1.0 if b.order <= blocks[front].order else 0.3 for b in scene.blocks}
        bars = _bars(scene, lit=lit)
        _printed(_named(bars, front, ACTIVATION), blocks[front].scale)
    assert blocks["relu1"].scale != blocks["conv2"].scale  # (the stages' scales differ: each its own numbers)


def test_an_opened_layer_and_its_kernels_show_their_scales(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"input", "conv1"})))
    conv1 = next(b for b in scene.blocks if b.name == "conv1")
    bars = _bars(scene, open_pose(scene, ["input", "conv1"], W / H), subject=("input", "conv1"))
    _printed(_named(bars, "conv1", ACTIVATION), conv1.scale)
    _printed(_named(bars, "conv1", KERNELS), kernel_plan(lenet_run, conv1).scale)  # the kernels' colours' scale


def test_a_kernels_grid_shows_its_weights_scale(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(mode="weights", opened=frozenset({"conv1"})))
    conv1 = next(b for b in scene.blocks if b.name == "conv1")
    bars = _bars(scene, open_pose(scene, ["conv1"], W / H), subject=("conv1",))
    _printed(_named(bars, "conv1", ("weight of {name}", "{name} weight", "{name}")), conv1.scale)
    assert len({b.scale for b in scene.blocks}) > 1  # (a bar of several layers' scales elsewhere)
    wide = _bars(scene)
    assert wide["weight, per layer"] == ("−", "0", "+"), wide


def test_the_numbers_colour_the_bar_as_the_layer(lenet_run):
    """The printed ends are those the layer's colours span: a value at the printed top takes the
    scale's top colour, one at 0 its middle."""
    scene = build_scene(lenet_run, SceneOptions())
    conv1 = next(b for b in scene.blocks if b.name == "conv1")
    q = conv1.scale.quantise(np.array([conv1.scale.hi, 0.0, conv1.scale.lo], dtype=np.float32))
    assert q[0] > q[1] > q[2]

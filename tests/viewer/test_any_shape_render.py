"""No shape crashes a render: scenes of layers of any rank and size (tests/scenes/test_any_shape.py
builds them) render off screen, every block drawn where the scene puts it."""

from __future__ import annotations

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from tests.scenes.test_any_shape import NAMED, Chain, architectures, record

pytestmark = pytest.mark.gl
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import example, given, settings  # noqa: E402


def render_every_block(scene, *, visible: bool = True) -> None:
    """One frame without text in which every block draws pixels (hiding its actor changes the
    image; `visible=False`: where some may be too small to), and one with labels, legend and
    heads-up line: the text of every block's shape."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    frame = scene.frame_at(0)
    plain = OffscreenRenderer(
        scene, RenderOptions(width=640, height=360, show_labels=False, show_legend=False, show_hud=False)
    )
    try:
        image = plain.render(frame)
        assert image.shape == (360, 640, 3)
        for b in scene.blocks if visible else ():
            actor = plain.scene_renderer.visuals[b.name].actor
            actor.VisibilityOff()
            without = plain.render(frame)
            actor.VisibilityOn()
            assert (without != image).any(), f"{b.name} ({b.panels} x {b.rows} x {b.cols}) draws nothing"
    finally:
        plain.close()
    full = OffscreenRenderer(scene, RenderOptions(width=640, height=360))
    try:
        assert full.render(frame).shape == (360, 640, 3)
    finally:
        full.close()


def test_the_named_shapes_render(tmp_path):
    """ConvNeXt's and Swin's channels-last blocks (the ZeroDivisionError of issue 14), 1 x 50000,
    20000 x 1 x 1, rank 0 to 6, an empty axis: one chain, one scene, rendered."""
    shapes = [s for s in NAMED if s != (0,)] + [(3,)]
    run = record(Chain(shapes, [None] * len(shapes)), (3, 8, 8), tmp_path / "run")
    render_every_block(build_scene(run))
    # every channel at full size (the window's expanded view): 20,000 slices dwarf the input plane
    render_every_block(
        build_scene(run, SceneOptions(group=False, fold=False, max_channels=10**6, max_map=10**6)), visible=False
    )


@settings(max_examples=8)
@given(arch=architectures())
@example(arch=((3, 8, 8), [((7, 7, 768), None), ((3136, 96), (96, 9000)), ((2048, 1, 1), (4, 3, 900, 1))]))
@example(arch=((), [((), (2, 0, 1, 1))]))
def test_architectures_of_random_shapes_render(arch, tmp_path_factory):
    inputs, layers = arch
    run = record(Chain([s for s, _ in layers], [w for _, w in layers]), inputs, tmp_path_factory.mktemp("run") / "run")
    render_every_block(build_scene(run))
    if any(w is not None for _, w in layers):
        render_every_block(build_scene(run, SceneOptions(mode="weights")))

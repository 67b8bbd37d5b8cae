"""A block the forward pass has not reached is drawn opaque and dark (visuals.lit_strength): its
colours mixed into the background, nothing behind it showing through. Translucent (0.12 opacity,
before), each unreached layer showed the layers behind it as two or three blurred, offset copies of
the input. The page draws the same rule (tests/web/test_unlit_blocks.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import CameraPose
from nnvox.scenes.colour import lut
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.visuals import UNLIT_ENTRY, UNLIT_STRENGTH, dimmed

pytestmark = pytest.mark.gl
W, H = 320, 240


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def along_the_chain(scene) -> CameraPose:
    """Looking down the chain from before the input, a little from its right and above: the input's
    face covers the middle of conv1 (as tall and wide, behind it), conv1's left and top edges show."""
    x0, _, y0, y1, z0, z1 = scene.block("input").bounds
    direction = np.array([-1.0, -0.12, 0.12]) / np.linalg.norm([1.0, 0.12, 0.12])
    return CameraPose((x0, (y0 + y1) / 2, (z0 + z1) / 2), tuple(direction), (0.0, 0.0, 1.0), 0.75 * (z1 - z0))


def with_behind(scene, behind: float, input_lit: float):
    """The last snapshot with every block lit but the input (`input_lit`), conv1 (behind it) all `behind`."""
    frame = scene.frame_at(scene.n_snapshots - 1)
    values = {**frame.values, "conv1": np.full_like(frame.values["conv1"], behind)}
    return dataclasses.replace(frame, values=values, lit=dict.fromkeys(frame.lit, 1.0) | {"input": input_lit})


def input_face(shape) -> tuple[slice, slice]:
    """The middle of the picture, well inside the input's face (it spans 1 / 1.4 of the height)."""
    h, w = shape[:2]
    return slice(h // 2 - h // 5, h // 2 + h // 5), slice(w // 2 - h // 5, w // 2 + h // 5)


def test_nothing_behind_an_unlit_block_shows_through_it(scene):
    from nnvox.viewer.offscreen import OffscreenRenderer

    conv1 = scene.block("conv1").scale
    bright, dark = 0.0, conv1.lo  # white and the deepest blue on conv1's diverging scale
    options = RenderOptions(width=W, height=H, show_labels=False, show_legend=False, show_hud=False, show_metrics=False)
    r = OffscreenRenderer(scene, options)
    try:
        r.scene_renderer.apply_pose(along_the_chain(scene))
        shots = {
            (b, lit): r.render(with_behind(scene, b, lit)).astype(int) for b in (bright, dark) for lit in (0.0, 1.0)
        }
    finally:
        r.close()
    face = input_face((H, W))
    for lit in (0.0, 1.0):
        changed = np.abs(shots[bright, lit] - shots[dark, lit]).max(axis=2) > 0
        assert changed.sum() > 500, lit  # conv1 behind: its change shows beside the input ...
        assert not changed[face].any(), lit  # ... and none of it through the input, unlit or lit
    unlit, lit = shots[bright, 0.0][face], shots[bright, 1.0][face]
    # unlit, every pixel is the input table's middle colour mixed into the background, 0.18 of it kept:
    # the plane's shape, none of its values
    background = np.array(options.background)
    expected = dimmed(lut(scene.block("input").scale.cmap)[UNLIT_ENTRY], background, UNLIT_STRENGTH)
    assert np.abs(unlit - expected).max() <= 1
    assert np.abs(lit - background).max() > 200  # the digit's white strokes: there were values to hide


def _rgba(table) -> np.ndarray:
    return np.array([table.GetTableValue(i) for i in range(256)])


def test_an_unlit_blocks_colours_are_one_colour_mixed_into_the_background(scene):
    """The rule itself: shown at lit 0, every entry of a colour table is its middle colour, 0.18 of it
    over the background (no value hints what the pass will find: the answer's column hinted its top
    class); half lit, half way to its own colours; lit, the table itself."""
    from nnvox.viewer.visuals import dimmed_lut, lit_strength

    background = (24, 24, 30)
    assert lit_strength(0.0) == UNLIT_STRENGTH and lit_strength(1.0) == 1.0
    unlit = _rgba(dimmed_lut("viridis", background, 0.0))
    assert np.allclose(unlit[:, 3], 1.0)  # opaque
    expected = dimmed(lut("viridis")[UNLIT_ENTRY], background, UNLIT_STRENGTH) / 255
    assert np.abs(unlit[:, :3] - expected).max() < 1.5 / 255
    table = lut("viridis").astype(float)
    half = dimmed(table[UNLIT_ENTRY] + 0.5 * (table - table[UNLIT_ENTRY]), background, lit_strength(0.5)) / 255
    assert np.abs(_rgba(dimmed_lut("viridis", background, 0.5))[:, :3] - half).max() < 1.5 / 255
    assert np.abs(_rgba(dimmed_lut("viridis", background, 1.0))[:, :3] - table / 255).max() < 1.5 / 255

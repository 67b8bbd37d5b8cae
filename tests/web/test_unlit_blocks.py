"""The page draws a block the forward pass has not reached as the desktop does (visuals.lit_colours,
tests/viewer/test_unlit_blocks.py): opaque, one colour for every value (its table's middle), 0.18 of
it over the background (the entry and share Python sends), so nothing behind it shows through and no
value ahead of the pass, the answer least, shows."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.viewer.visuals import UNLIT_ENTRY, UNLIT_STRENGTH, dimmed
from tests.viewer.test_unlit_blocks import along_the_chain
from tests.web.test_browser import TOLERANCE, _off_lines, desktop_rgb, front_centre, shown, voxels
from tests.web.test_overlays import _picture


def unlit_colour(block, background) -> np.ndarray:
    """Every voxel of an unreached block: its table's middle colour, 0.18 of it over the background."""
    return dimmed(lut(block.scale.cmap)[UNLIT_ENTRY], background, UNLIT_STRENGTH).astype(int)


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def test_an_unreached_block_shows_the_desktops_dimmed_colours(digits_page, scene):
    # conv2: a block of maps (a dense layer's vector has no inner voxels clear of its rim)
    page, block, last = digits_page.page, scene.block("conv2"), scene.n_snapshots - 1
    cells = voxels(digits_page, scene, block)
    background = page.evaluate("window.nnvoxViewer.scene.colours.background")
    assert page.evaluate("window.nnvoxViewer.scene.colours.unlit_strength") == UNLIT_STRENGTH
    page.evaluate("window.nnvoxViewer.forward.set(0.3)")  # partway: conv2 not reached yet
    try:
        assert page.evaluate("window.nnvoxViewer.forward.lit()['conv2']") == 0
        pixels = shown(digits_page, block, cells)
    finally:
        page.evaluate("window.nnvoxViewer.forward.set(null)")
    expected = unlit_colour(block, background)
    wrong = [(rc, pixels[rc]) for rc in cells if np.abs(pixels[rc] - expected).max() > TOLERANCE]
    assert not wrong, f"{len(wrong)} of {len(cells)} voxels not {expected}, e.g. {wrong[:3]}"
    assert max(np.abs(desktop_rgb(scene, block, last, *rc) - background).max() for rc in cells) > 60  # lit, they differ


def test_an_unreached_output_column_is_dimmed_as_the_desktop_dims_it(digits_page, scene):
    """The output too (a column, no inner voxels): every class's cell one colour, as every unreached
    block, so the column does not hint its top class; its class texts hidden until the pass gets there."""
    page, block, last = digits_page.page, scene.block(scene.blocks[-1].name), scene.n_snapshots - 1
    assert block.role == "output" and block.cols == 1
    segments = [(a, b) for path in scene.edge_paths for a, b in itertools.pairwise(digits_page.screens(path))]
    rows = [(r, 0) for r in range(block.rows)]
    points = digits_page.screens([front_centre(block, *rc) for rc in rows])
    cells = [rc for rc, p in zip(rows, points) if _off_lines(segments, p)]
    background = page.evaluate("window.nnvoxViewer.scene.colours.background")
    page.evaluate("window.nnvoxViewer.forward.set(0.3)")
    try:
        assert page.evaluate(f"window.nnvoxViewer.forward.lit()['{block.name}']") == 0
        pixels = shown(digits_page, block, cells)
        texts = page.evaluate("window.nnvoxViewer.classes.map((c) => c.top.style.opacity)")
    finally:
        page.evaluate("window.nnvoxViewer.forward.set(null)")
    expected = unlit_colour(block, background)
    wrong = [(rc, pixels[rc]) for rc in cells if np.abs(pixels[rc] - expected).max() > TOLERANCE]
    assert len(cells) >= block.rows // 2 and not wrong, (
        f"{len(wrong)} of {len(cells)} cells not {expected}, e.g. {wrong[:3]}"
    )
    lit = [desktop_rgb(scene, block, last, *rc) for rc in cells]
    assert np.ptp(lit, axis=0).max() > 60  # lit, the top class stands out: unlit, none did
    assert texts == ["0"]


DRAW = """([pose, fill]) => {
  const v = window.nnvoxViewer, s = v.stage;
  s.setPose(pose);
  s.controls.target.copy(s.centre);
  s.controls.update();
  s.resize(s.renderer.domElement.clientWidth, s.renderer.domElement.clientHeight);
  v.meshes.forEach((m) => m.setLit(m.block.name === "input" ? 0 : 1));
  const conv1 = v.meshes.find((m) => m.block.name === "conv1");
  conv1.show(new Uint8Array(conv1.atlas.length).fill(fill));
  s.requestDraw();
}"""


def test_nothing_behind_an_unreached_block_shows_through_it(digits_page, scene):
    """Looking down the chain, the unlit input covers conv1's middle: conv1 all bright or all dark
    changes the picture round the input and nowhere on it."""
    page, conv1, block = digits_page.page, scene.block("conv1"), scene.block("input")
    pose = along_the_chain(scene).to_dict()
    bright, dark = (int(conv1.scale.quantise(np.array([v]))[0]) for v in (0.0, conv1.scale.lo))
    pictures = []
    try:
        for fill in (bright, dark):
            page.evaluate(DRAW, [pose, fill])
            pictures.append(_picture(digits_page))
        inner = [(r, c) for r in range(2, block.rows - 2) for c in range(2, block.cols - 2)]
        points = np.round(digits_page.screens([front_centre(block, *rc) for rc in inner])).astype(int)
    finally:
        page.evaluate(f"window.nnvoxViewer.stage.reset(); window.nnvoxViewer.timeline.set({scene.n_snapshots - 1})")
    changed = np.abs(pictures[0] - pictures[1]).max(axis=2) > 0
    assert changed.sum() > 500  # conv1 stands out round the input ...
    xs, ys = points[:, 0], points[:, 1]
    assert not changed[ys, xs].any()  # ... and shows through none of the input's voxels
    assert (ys.max() - ys.min()) > 100  # the input fills the middle of the picture

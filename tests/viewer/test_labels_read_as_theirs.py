"""Issue 17 (the lecture's labels, fresh-eyes watch 3, findings 1, 2 and 9): a student copies a
layer's name off the screen, so no label stands where it reads as another block's: right over or
under another block (its middle within that block's width), or beside it, nearer than by its own
(label_layout.reads_as). LeNet's "pool1 6 × 14 × 14" stood 3 px under conv2's box through the
lecture's forward pass; the digits CNN's "input" stood on conv1's box at the left edge."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.viewer.label_layout import READS_AS, reads_as


def test_a_label_right_under_a_block_reads_as_its_label_before_one_beside_its_own():
    conv1, grid = np.array([0, 100, 300, 160.0]), np.array([400, 0, 1000, 300.0])
    label = np.array([200, 40, 397, 98.0])  # beside the grid (3 px), 2 px under conv1's box
    own, other = reads_as(label, grid[None], 40)[0], reads_as(label, conv1[None], 40)[0]
    assert other == pytest.approx(2) and own == pytest.approx(3 + 40) and other < own
    above = np.array([500, 303, 700, 360.0])  # centred over its grid: its own alone
    assert reads_as(above, grid[None], 40)[0] == pytest.approx(3) and np.isinf(reads_as(above, conv1[None], 40)[0])
    assert np.isinf(reads_as(label - np.array([0, 100, 0, 100]), conv1[None], 40)[0])  # far under it: not its label


def _misread(layout) -> list[str]:
    """The shown block labels that read as another block's, as 'label as block'."""
    placement, fonts = layout.placement, {lb.block: lb.actor.GetTextProperty().GetFontSize() for lb in layout.labels}
    blocks = {b: r for b, r in placement.blocks.items() if np.isfinite(r).all()}
    out = []
    for kind, block, _, box in placement.shown:
        if kind != "block":
            continue
        near = READS_AS * fonts[block]
        own = reads_as(box, blocks[block][None], near)[0]
        for other, rect in blocks.items():
            gap = reads_as(box, rect[None], near)[0]
            if other != block and np.isfinite(gap) and gap <= own:
                out.append(f"{block} as {other}")
    return out


@pytest.mark.gl
def test_the_digits_cnns_labels_read_as_their_own_blocks_and_the_input_keeps_its(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540))
    try:
        frame = scene.frame_at(len(digits_run.snapshots) - 1)
        for azimuth, zoom in ((-10, 1.0), (15, 1.0), (0, 1.05)):
            r.scene_renderer.reset_camera(azimuth=azimuth, zoom=zoom)
            r.render(frame)
            layout = r.scene_renderer.label_layout
            assert "input" in {b for kind, b, _, _ in layout.placement.shown if kind == "block"}, (azimuth, zoom)
            if zoom == 1.0:  # closer, the input's label finds no place but on conv1's box: shown there
                assert not _misread(layout), (azimuth, zoom, _misread(layout))
    finally:
        r.close()


@pytest.mark.gl
def test_lenets_labels_read_as_their_own_blocks_as_the_lecture_orbits_it(lenet_run):
    """The lecture's forward pass at 1080p: its overview turned as the orbit turns it."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080))
    try:
        frame = scene.frame_at(scene.n_snapshots - 1)
        shown = set()
        for azimuth in (-4, 3, 10, 17):
            r.scene_renderer.reset_camera(azimuth=azimuth)
            r.render(frame)
            layout = r.scene_renderer.label_layout
            assert not _misread(layout), (azimuth, _misread(layout))
            shown |= {b for kind, b, _, _ in layout.placement.shown if kind == "block"}
        assert len(shown) >= 8, shown
    finally:
        r.close()

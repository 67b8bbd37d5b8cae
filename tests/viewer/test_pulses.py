"""The forward pass's dots read over a lit block (viewer/overlays/pulses.py): a wire runs from its
source's middle to its target's, so most of a dot's way is drawn over a block's face, where the pale
dot alone was lost on a map's near-white zeros (the lecture's pool1 -> conv2 at 720p). Each dot has
a ring of the background's colour; measured on the rendered pixels."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import vtk

from nnvox.viewer.overlays.pulses import DOT_HEIGHTS, RING_HEIGHTS

pytestmark = pytest.mark.gl


def _pixel(renderer, point) -> tuple[int, int]:
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(*point)
    dx, dy = coord.GetComputedDoubleDisplayValue(renderer.renderer)
    return renderer.options.height - 1 - round(dy), round(dx)


def test_a_dot_over_a_lit_block_has_a_dark_ring_round_its_pale_middle(plain_renderer):
    scene, r = plain_renderer
    frame = scene.frame_at(scene.n_snapshots - 1)
    block = scene.block("conv1")
    centre = np.array(block.panel_centres()[0])
    bare = r.render(dataclasses.replace(frame, pulses=np.zeros((0, 3))))
    dotted = r.render(dataclasses.replace(frame, pulses=centre[None, :]))
    row, col = _pixel(r.scene_renderer, centre)
    height = r.options.height
    pulse = np.array(r.options.theme.colours.pulse) * 255
    background = np.array(r.options.theme.colours.background, dtype=float)
    assert np.abs(dotted[row, col, :3].astype(float) - pulse).max() < 40, dotted[row, col]
    ring_at = round(height / DOT_HEIGHTS / 2 + height / RING_HEIGHTS / 2)  # the middle of the ring's width
    for dr, dc in ((0, ring_at), (0, -ring_at), (ring_at, 0), (-ring_at, 0)):
        ring = dotted[row + dr, col + dc, :3].astype(float)
        assert np.abs(ring - background).max() < 30, (dr, dc, ring)
        assert (
            np.abs(bare[row + dr, col + dc, :3].astype(float) - background).max() > 60
        )  # over the block, not the page

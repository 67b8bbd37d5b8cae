"""The explained convolution's window and the value it computes, as a hall sees them. Watch 6
finding 4: the 25 px window's 1 px rays vanished from row 20: the outlines stand 5 px or more at
1080p and the rays 3 or more. Watch 9 finding 5: while the window swept between stops a band as
wide as the input moved down its rows, not the 5 x 5 window the caption speaks of: the window
stays 5 x 5 at every position, swept ones too. Watch 9 finding 7: the value under way was framed
at its cell's size, about 10 px at 1080p, invisible from row 20: a ring at least 30 px across
(at 1080p, in a 16:9 and a 4:3 frame) stands round it, clear of its cell (its colour shows) and
of the inset's tables. Watch 9 finding 10: the first position says what is done already, in the
frame. Watch 10 finding 3: over a sweep the ring stands on the position the tables print (a hop's),
not the map's last computed value."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene

pytestmark = pytest.mark.gl

RING_LEAST = 30 / 1080  # of the frame's height: a marker read from the back of a hall


def _cell_centre(renderer, sheet, cell) -> tuple[int, int]:
    """The pixel (column, row from the top) of the middle of the sheet's cell (row, column)."""
    import vtk

    v, (x, y, z) = sheet.voxel, sheet.origin
    left, top = y + sheet.cols * v / 2, z + sheet.rows * v / 2
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(x, left - (cell[1] + 0.5) * v, top - (cell[0] + 0.5) * v)
    px, py = coord.GetComputedDoubleViewportValue(renderer)
    return round(px), round(renderer.GetSize()[1] - py)


@pytest.mark.parametrize("size", [(1920, 1080), (1440, 1080)])
def test_the_value_under_way_is_ringed_and_the_window_stays_five_by_five(size, lenet_run):
    import vtk

    from nnvox.scenes.explain import Explanation, done_cells, focused, sheet_block
    from nnvox.scenes.shots import explain_pose
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 9, seconds=26, lead=0.5, tail=0.5)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(
            explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach, pane.safe_share())
        )
        explain = pane.overlays.explain
        outline, rays = explain.widths
        assert outline >= 5 * size[1] / 1080 and rays >= 3 * size[1] / 1080, (outline, rays)
        last = len(lenet_run.snapshots) - 1
        moments = [explained.at(k / 399, last) for k in range(400)]
        source = scene.block(explained.source)
        sweeping = [m for m in moments if m.sweeping]
        assert len(sweeping) > 10
        for m in sweeping[:: max(1, len(sweeping) // 12)]:  # the window 5 x 5 input pixels while it sweeps
            pane.show_explain(m)
            _, y0, y1, z0, z1 = explain.window_actor.GetBounds()[1:]
            assert (y1 - y0) / source.voxel == pytest.approx(5.5, abs=0.01), m.step.position  # (its margins)
            assert (z1 - z0) / source.voxel == pytest.approx(5.5, abs=0.01), m.step.position
        pane.show_explain(moments[0])  # the first position says what is done already, inside the frame
        aside, before = explain.inset.aside, moments[0].before
        assert before is not None and aside.GetVisibility() and aside.GetInput().split("\n") == [before]
        box = [0, 0, 0, 0]
        vtk.vtkTextRenderer().GetBoundingBox(aside.GetTextProperty(), aside.GetInput(), box, 72)
        x, y = aside.GetPosition()
        assert x >= 0 and x + box[1] - box[0] <= size[0] and y <= size[1], (size, x, box)
        sheet = sheet_block(scene.block("conv1"))
        frame = scene.frame_at(last, sample=9)
        for m in (moments[0], sweeping[len(sweeping) // 2], moments[-1]):  # a walked, a swept and the padded corner
            pane.show_explain(m)
            ringed = r.render(focused(frame, m)).astype(int)
            explain.output_actor.SetVisibility(False)
            bare = r.render(focused(frame, m)).astype(int)
            ring = np.abs(ringed - bare).max(axis=2) > 40
            rows, cols = np.nonzero(ring)
            wide, tall = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
            where = (size, m.step.position)
            assert min(wide, tall) >= RING_LEAST * size[1], (where, wide, tall)
            assert max(wide, tall) <= 3 * RING_LEAST * size[1], (where, wide, tall)  # a ring, not a frame of the map
            # round the output of the position the tables print (over a sweep the hop's, held while
            # the map fills on: watch 10), a cell already computed
            cell = (m.step.position[1], m.step.position[2])  # (conv1's map drawn one cell a value)
            assert done_cells(scene.block("conv1"), m)[1][cell], where
            x, y = _cell_centre(pane.renderer, sheet, cell)
            assert cols.min() < x < cols.max() and rows.min() < y < rows.max(), where  # round its cell
            assert not ring[y - 1 : y + 2, x - 1 : x + 2].any(), where  # the cell's colour shows inside it
            assert cols.max() < explain.inset.tables_left, (where, cols.max(), explain.inset.tables_left)
    finally:
        r.close()

"""Issue 17 item 4: the output's "top 5 of 10" list stood beside the column's top cells whatever the
classes, so "9  99%" sat next to row 0 while the lit row 9 was at the bottom, and students read the
list as the rows in order. A thin line now runs from each entry to its row, and the list stands
with its first entry level with its class's row where it fits there, else from the column's top
(viewer/label_layout.py); tested by pixels on the trained LeNet's overview, where the column is too
short on screen for a text per row."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

SIZE = (1920, 1080)


def _leader_path(renderer, top: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Where the line from class `top`'s row to the list's first entry may run: the image columns
    between the column and the list (clear of the top-class frame, up to the entry), and the two
    ends' image rows (the row's at the column's side, the entry's middle)."""
    from nnvox.viewer.label_layout import project

    layout = renderer.scene_renderer.label_layout
    placement = layout.placement
    column = placement.blocks["fc2"]
    (box,) = [box for kind, block, _, box in placement.shown if kind == "classes" and block == "fc2"]
    assert box[0] > column[2], "the list stands right of the column"
    anchors = renderer.scene_renderer.visuals["fc2"].class_texts.row_anchors
    ((_, row_y),) = project(anchors[top][None], layout.matrix(), *SIZE)
    lines = 6  # the heading "top 5 of 10" over five entries, sharing the list's height evenly
    entry_y = box[3] - 1.5 * (box[3] - box[1]) / lines  # the first entry's middle (y up)
    xs = np.arange(int(column[2]) + 6, int(box[0]) - 1)
    assert len(xs) >= 10, "room between the column and the list for the lines"
    flip = lambda y: int(SIZE[1] - 1 - np.round(y))
    return xs, np.full(len(xs), flip(entry_y)), float(flip(row_y)), float(flip(entry_y))


def _bent_run(renderer, image, xs: np.ndarray, row: float, entry: float) -> float:
    """The best share of leader-coloured pixels over a line bent at right angles (the lanes of
    label_layout.list_route) from the row's height at the column, across to some lane, along it to
    the entry's height and on to the list: found in the pixels, whichever lane it turns in."""
    best = 0.0
    for k, lane in enumerate(xs):
        first = np.full(k + 1, int(row))
        upright = np.arange(min(int(row), int(entry)), max(int(row), int(entry)) + 1)
        last = np.full(len(xs) - k, int(entry))
        rows = np.concatenate([first, upright, last])
        cols = np.concatenate([xs[: k + 1], np.full(len(upright), lane), xs[k:]])
        best = max(best, float((_off_leader(renderer, image, rows, cols) <= 40).mean()))
    return best


def _off_leader(renderer, image, rows: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """How far (max over RGB) each pixel at (`rows`[i], or one beside it, `xs`[i]) is from the
    list's line's colour (the labels' at class_rows.LIST_LINE_OPACITY over the background)."""
    options = renderer.options
    from nnvox.viewer.overlays.class_rows import LIST_LINE_OPACITY as a

    leader = a * np.array(options.text_colour) + (1 - a) * np.array(options.background)
    return np.array([np.abs(image[r - 1 : r + 2, x].astype(int) - leader).max(axis=1).min() for r, x in zip(rows, xs)])


def _ink(image, row: float, x0: int, width: int) -> float:
    """The share of the pixels at image row `row` (or one beside it) from `x0` over `width` that
    are the text's bright ink."""
    band = image[int(row) - 2 : int(row) + 3, x0 : x0 + width].astype(int)
    return float((band.min(axis=2) > 200).any(axis=0).mean())


@pytest.mark.parametrize("sample", [9, 0])  # the 9 whose row is the column's bottom, and a 0 at its top
def test_the_top_entry_runs_level_to_its_classs_row(lenet_run, sample):
    """The list's first entry is tied to its class's row by a line: level with it where the list
    fits there (the 0 at the column's top); where it does not (the 9 at the column's bottom: at 40 px
    capitals the list, 372 px tall at 1080p, would reach 70 px into the legends' strip), the list
    hangs from the column's top and the line climbs from the row to the entry."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.camera import overview
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        # the mistake shot's angle, with the room the window's overview keeps for the class texts
        pane.apply_pose(overview(scene.bounds, pane.aspect, azimuth=14, elevation=-15, beside=pane.class_room()))
        frame = scene.frame_at(scene.n_snapshots - 1, sample=sample)
        image = r.render(frame)
        assert pane.label_layout.shown_forms["fc2"] == "top"  # the list, not a text per row
        top = int(np.argmax(frame.values["fc2"].ravel()))
        xs, rows, row, entry = _leader_path(r, top)
        assert _ink(image, entry, int(xs[-1]) + 2, 30) > 0.2, "the first entry's text where the line ends"
        run = _bent_run(r, image, xs, row, entry)  # (the answer's line alone: watch 7)
        assert run >= 0.9, f"class {top}'s row has no line to the list's first entry: {run:.2f} of one drawn"
        if sample == 0:  # room for the list level with the column's top row
            assert abs(entry - row) <= 2, f"the first entry {entry - row:+.0f} px off its row's level"
        # the pass never shows its answer early: no lines while the output is not yet lit
        early = scene.frame_at(scene.n_snapshots - 1, sample=sample, reveal=0.15)
        assert early.lit["fc2"] == 0
        image = r.render(early)
        assert not pane.label_layout.class_leaders
        assert (_off_leader(r, image, rows, xs) > 40).mean() > 0.9
    finally:
        r.close()

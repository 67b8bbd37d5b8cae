"""The score chart of a scrub over training (overlays/score_chart.py; lecturer's watch 5: the score
line read as a run-on list of 11 numbers): its points are the run's softmax for the sample's true
class as numpy computes it, its line ends at the scrub's position with the value there printed, its
text at the heads-up line's size, and it stands clear of the blocks, labels, class lists, caption and
heads-up line at 16:9 and 9:16. Read from rendered pictures and the drawn polydata."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.overlays.answer_dock import TOUCH
from nnvox.viewer.overlays.score_chart import drawn_to

# the lecture's 9 from before training to epoch 10 (the demo run's recorded scores)
LECTURE_NINE = (0.104, 0.512, 0.762, 0.933, 0.696, 0.988, 0.992, 0.909, 0.999, 0.962, 1.0)
CAPTION = "The same 9 after each epoch: the guess sharpens, though not every epoch helps"


def test_the_line_is_drawn_up_to_the_scrubs_position_never_past_it():
    points, value = drawn_to(LECTURE_NINE, 4.0, 0, 10)
    np.testing.assert_allclose(points[:, 1], LECTURE_NINE[:5])  # the dip at epoch 4: 93 -> 70
    assert points[-1, 0] == 4.0 and value == pytest.approx(0.696)
    points, value = drawn_to(LECTURE_NINE, 3.25, 0, 10)  # easing from epoch 3 to 4: a quarter of the fall
    assert points[-1, 0] == 3.25 and value == pytest.approx(0.933 + 0.25 * (0.696 - 0.933))
    assert len(drawn_to(LECTURE_NINE, 0.0, 0, 10)[0]) == 1  # before training: the dot alone
    points, _ = drawn_to(LECTURE_NINE, 7.0, 2, 10)  # a scrub from epoch 2
    assert points[0, 0] == 2 and len(points) == 6


def _lecture_renderer(run, size, sample):
    from nnvox.scenes.shots import camera_move
    from nnvox.scenes.storyboard import CameraKey, CameraMove
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(run)
    keys = (CameraKey(at=0.0, target="overview"), CameraKey(at=1.0, target="overview"))
    pose = camera_move(CameraMove(move="keys", keys=keys), scene, size[0] / size[1], captioned=True)(0.5)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], hall=True))
    pane = r.scene_renderer
    pane.apply_pose(pose)
    pane.set_caption(CAPTION, 1.0)
    pane.overlays.hud.show_scores(0)
    return scene, r, pane


def _numpy_scores(run, key, sample, label):
    out = []
    for i in range(len(run.snapshots)):
        z = run.read(i, [key], sample=sample)[key].astype(np.float64).ravel()
        out.append(float(np.exp(z[label] - z.max()) / np.exp(z - z.max()).sum()))
    return np.array(out)


def _drawn(actor) -> np.ndarray:
    """An actor's polydata points in pixels (the chart draws in normalised viewport coordinates)."""
    from vtk.util.numpy_support import vtk_to_numpy

    poly = actor.GetMapper().GetInput()
    return vtk_to_numpy(poly.GetPoints().GetData())[:, :2] if poly.GetNumberOfPoints() else np.empty((0, 2))


@pytest.mark.gl
def test_the_charts_points_are_the_runs_softmax_and_end_at_the_frames_position(digits_run):
    sample = 3
    scene, r, pane = _lecture_renderer(digits_run, (1280, 720), sample)
    try:
        chart = pane.overlays.hud.chart
        output = next(b for b in scene.blocks if b.role == "output")
        expected = _numpy_scores(digits_run, output.key, sample, digits_run.sample_label(0, sample))
        last = scene.n_snapshots - 1
        assert np.ptp(expected) > 0.05  # training moved it: heights that can tell snapshots apart
        for t in (1.0, last - 0.5, float(last)):
            for _ in range(2):  # the labels' layout keeps off the chart from its first picture on
                r.render(scene.frame_at(t, sample=sample))
            assert chart.origin is not None, "the chart found a free place"
            w, h = pane.renderer.GetSize()
            pts = _drawn(chart.curve) * (w, h)
            ox, oy = chart.origin
            x0, y0, x1, y1 = chart.shape.area
            k = (pts[:, 0] - ox - x0) / (x1 - x0) * last  # back to snapshot positions and scores
            score = (pts[:, 1] - oy - y0) / (y1 - y0)
            whole = np.isclose(k, np.round(k), atol=1e-3)
            np.testing.assert_allclose(score[whole], expected[np.round(k[whole]).astype(int)], atol=2e-3)
            assert k[-1] == pytest.approx(t, abs=1e-3), "the line ends at the frame's position"
            dot = _drawn(chart.dot).mean(axis=0) * (w, h)
            np.testing.assert_allclose(dot, pts[-1], atol=1.0)
            between = np.interp(t, np.arange(last + 1), expected)
            assert chart.value.GetInput() == f"{between * 100:.0f}%"
    finally:
        r.close()


def _clear(boxes, others, touch=0.5) -> bool:
    """Whether no box of `boxes` overlaps any of `others` (pixels, x0, y0, x1, y1)."""
    for b in boxes:
        for o in others:
            if b[0] < o[2] - touch and o[0] < b[2] - touch and b[1] < o[3] - touch and o[1] < b[3] - touch:
                return False
    return True


@pytest.mark.gl
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_the_chart_stands_clear_of_blocks_labels_and_lists_at_its_size(lenet_run, size):
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.label_layout import block_rectangles
    from nnvox.viewer.overlays.answer_dock import on_frame

    scene, r, pane = _lecture_renderer(lenet_run, size, 9)
    try:
        for _ in range(3):
            image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        chart, layout = pane.overlays.hud.chart, pane.label_layout
        assert chart.origin is not None and chart.value.GetVisibility()
        w, h = pane.renderer.GetSize()
        boxes = np.array(chart.drawn_boxes()) * (w, h, w, h)
        rects = block_rectangles(np.array([b.bounds for b in scene.blocks]), camera_matrix(pane.renderer)[0], w, h)
        labels = [box for *_, box in layout.placement.shown]
        # a test with labels to keep clear of (the class list, where the layout shows it, among them:
        # a storyboard's settled class forms show it; this picture's may not)
        assert sum(kind == "block" for kind, *_ in layout.placement.shown) >= 5
        hud = chart._hud_box(h)
        caption = pane.overlays.caption.band()
        assert _clear(boxes, [*rects[on_frame(rects, w, h)], *labels, hud, caption])
        # the value and the title at the heads-up line's size at 1080p (37 px capitals), on the shorter side
        assert (
            chart.value.GetTextProperty().GetFontSize()
            >= 0.95 * pane.overlays.hud.actor.GetTextProperty().GetFontSize() * min(1, w / h)
        )
        # the value's ink: its digits as tall as a 1080p frame's heads-up line's (>= 26 px for 37 px text)
        x, y = chart.value.GetPosition()
        rows = slice(int(h - y - chart.shape.line), int(h - y + chart.shape.line))
        cols = slice(int(x), int(x + 3 * chart.shape.line))
        ink = np.flatnonzero((image[rows, cols, :3].astype(int).min(axis=2) > 150).any(axis=1))
        assert ink.size and ink.max() - ink.min() + 1 >= 26, ink
    finally:
        r.close()


@pytest.mark.gl
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_the_charts_numbers_are_as_tall_as_the_other_texts(lenet_run, size):
    """The ticks' numbers and the scale's ends as tall as the heads-up line's capitals (37 px at
    1080p, on the frame's shorter side): an eighth watch read them at 33-36 px, borderline from row
    20. Measured on "1" and "100%" as drawn (no round digit's overshoot)."""
    scene, r, pane = _lecture_renderer(lenet_run, size, 9)
    try:
        for _ in range(3):
            image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        chart = pane.overlays.hud.chart
        texts = [t for t in (*chart.ticks, *chart.ends) if t.GetVisibility() and t.GetInput() in ("1", "100%")]
        assert len(texts) == 2, [t.GetInput() for t in (*chart.ticks, *chart.ends) if t.GetVisibility()]
        for text in texts:
            assert _ink_height(image, text, chart.shape.line) >= 37 * min(size) / 1080, text.GetInput()
    finally:
        r.close()


def _ink_height(image: np.ndarray, text, line: float) -> int:
    """The height (px) of a chart's text's light ink as drawn: a tick's number (centred under its
    position) or an end's (right of its position, centred on it), `line` a text line's height."""
    x, y = text.GetPosition()
    h, ticked = image.shape[0], text.GetTextProperty().GetVerticalJustification() == 2  # (vtk's top)
    rows = slice(int(h - y) - 2, int(h - y + 1.3 * line)) if ticked else slice(int(h - y - line), int(h - y + line))
    cols = slice(int(x - line), int(x + line)) if ticked else slice(int(x - 3 * line), int(x) + 2)
    ink = np.flatnonzero((image[rows, cols, :3].astype(int).min(axis=2) > 150).any(axis=1))
    return int(ink.max() - ink.min() + 1) if ink.size else 0


@pytest.mark.gl
def test_a_scrub_from_a_later_start_on_the_same_renderer_redraws_its_ticks(digits_run):
    """Storyboard shots share a renderer: a scrub from snapshot 2 after one from 0 of the same sample
    numbers its ticks from 2 (the first scrub's ticks were kept: the same trail of scores)."""
    sample = 3
    scene, r, pane = _lecture_renderer(digits_run, (1280, 720), sample)
    try:
        chart, last = pane.overlays.hud.chart, scene.n_snapshots - 1
        for _ in range(2):
            r.render(scene.frame_at(float(last), sample=sample))
        assert chart.tick_at and min(chart.tick_at) < 2, chart.tick_at
        pane.overlays.hud.show_scores(2)
        for _ in range(2):
            r.render(scene.frame_at(float(last), sample=sample))
        assert chart.tick_at and min(chart.tick_at) >= 2, chart.tick_at
    finally:
        r.close()


def stroke_width(image: np.ndarray, box, threshold: float = 128.0) -> float:
    """The median width (pixels) of the horizontal runs of light ink in `box` (x0, y0, x1, y1, image
    rows down): a text's stroke width, 3-4 px for vtk's regular at 37-40 px capitals, 7-8 for bold."""
    x0, y0, x1, y1 = (round(v) for v in box)
    ink = image[y0:y1, x0:x1, :3].astype(float) @ np.array([0.299, 0.587, 0.114]) > threshold
    edges = np.diff(np.pad(ink.astype(int), ((0, 0), (1, 1))), axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    runs = ends[1] - starts[1]
    return float(np.median(runs)) if runs.size else 0.0


@pytest.mark.gl
@pytest.mark.parametrize("zoom", [1.0, 0.5])
def test_the_plot_is_as_tall_as_its_free_place_allows_and_its_title_bold(lenet_run, zoom):
    """Watch 6: the plot was 100 px tall (the 93% -> 70% dip fell 23 px, finer steps not seen) and its
    title light at 37 px (its lowercase 29 px). The 0%..100% axis is drawn as tall as the free place
    allows, up to 200 px at 1080p, leaving the blocks room for their labels (the overview's band
    under the heads-up line holds the 100 px plot and the labels; the network zoomed out and lower
    in the frame, 150 px or more), and the title is bold at the numbers' size: its strokes as wide as
    the labels' (>= 6 px), not the regular's 3-4."""
    scene, r, pane = _lecture_renderer(lenet_run, (1920, 1080), 9)
    camera = pane.renderer.GetActiveCamera()
    if zoom != 1:  # the network small and low in the frame: room under the heads-up line
        _network_small_and_low(camera)
    try:
        for _ in range(3):
            image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        chart = pane.overlays.hud.chart
        assert chart.origin is not None
        h = image.shape[0]
        (ox, oy), (x0, y0, _, y1) = chart.origin, chart.shape.area
        column = image[:, round(ox + x0) - 1 : round(ox + x0) + 2, :3].astype(float).max(axis=1)
        axis = column @ np.array([0.299, 0.587, 0.114]) > 70  # the axis line over the dark background
        rows = np.arange(int(h - (oy + y1)) - 2, int(h - (oy + y0)) + 3)
        drawn = rows[axis[rows]]
        assert drawn.size and drawn.max() - drawn.min() >= (98 if zoom == 1 else 150), np.ptp(drawn)
        # as tall as the free place allows: the next taller shape has no free place
        w, held = image.shape[1], chart.held(image.shape[1], h)
        taller = [s for s in chart.shapes.values() if s.height > chart.shape.height]
        assert all(max(chart._free(s, held, w, h).values()) < -TOUCH for s in taller)
        if zoom == 1:  # the labels keep their places: none hidden for the chart (the output's list aside)
            hidden = [name for name, _, why in pane.label_layout.placement.hidden if name != "fc2"]
            assert not hidden, hidden
        assert chart.title.GetTextProperty().GetFontSize() == chart.font  # the heads-up line's and the numbers'
        assert chart.title.GetTextProperty().GetBold()
        tx0, ty0, tx1, ty1 = chart.shape.parts[0]
        box = (ox + tx0, h - (oy + ty1), ox + tx1, h - (oy + ty0))
        assert stroke_width(image, box) >= 6, f"the title's strokes are {stroke_width(image, box)} px"
    finally:
        r.close()


def _network_small_and_low(camera, zoom: float = 0.5, lift: float = 20.0) -> None:
    """The camera zoomed out and raised: the network small and low in the frame, room over it."""
    camera.Zoom(zoom)
    up = lift * np.array(camera.GetViewUp())
    camera.SetFocalPoint(*(np.array(camera.GetFocalPoint()) + up))
    camera.SetPosition(*(np.array(camera.GetPosition()) + up))


def _line_width(image: np.ndarray, pts: np.ndarray) -> float:
    """The drawn curve's width (pixels, across it) at the middle of its longest segment: the light
    ink's run down the column there, times the segment's cosine (`pts`: its points, pixels, y up)."""
    k = int(np.argmax(np.hypot(*np.diff(pts, axis=0).T)))
    (xa, ya), (xb, yb) = pts[k], pts[k + 1]
    x, y = round((xa + xb) / 2), (ya + yb) / 2
    h = image.shape[0]
    rows = np.arange(int(h - y) - 40, int(h - y) + 41)
    light = image[rows, x, :3].astype(float) @ np.array([0.299, 0.587, 0.114]) > 128
    return float(light.sum()) * float(np.cos(np.arctan2(abs(yb - ya), abs(xb - xa))))


@pytest.mark.gl
@pytest.mark.parametrize("size", [(854, 480), (1440, 1080), (1920, 1080), (3840, 2160)])
def test_the_line_is_4_px_wide_at_1080p_scaled_with_the_frame_and_its_value_off_the_axis(lenet_run, size):
    """Watch 9, finding 7: the score's line read 2 px wide at 1080p, and at epoch 0 its "10%" ran
    along the x-axis. The line is >= 4 px at 1080p, in proportion at 480p-2160p (16:9 and 4:3), and
    the value's digits stand clear over the baseline where the score is near 0 (before training).
    The plot 0%-100% is 200 px at 1080p where the frame has room for it (the lecture's was 103 px)."""
    scene, r, pane = _lecture_renderer(lenet_run, size, 9)
    _network_small_and_low(pane.renderer.GetActiveCamera(), 0.4, 45.0)
    try:
        chart, h = pane.overlays.hud.chart, size[1]
        for t in (1.0, 0.0):
            for _ in range(3):
                image = r.render(scene.frame_at(t, sample=9))
            assert chart.origin is not None, "the chart found a free place"
            if t == 1.0:
                width = _line_width(image, _drawn(chart.curve) * size)
                assert width >= max(2.0, 4.0 * h / 1080) - 0.5, f"the line is {width:.1f} px wide at {size}"
        (ox, oy), (x0, y0, _, y1) = chart.origin, chart.shape.area
        # 0% to 100% as tall as the free place allows (the next taller shape has none), and with the
        # room a 16:9 frame has over the network small and low, 200 px at 1080p (the lecture's was 103)
        column = image[:, round(ox + x0) - 1 : round(ox + x0) + 2, :3].astype(float).max(axis=1)
        axis = column @ np.array([0.299, 0.587, 0.114]) > 70  # the y-axis line over the dark background
        rows = np.arange(int(h - (oy + y1)) - 2, int(h - (oy + y0)) + 3)
        drawn = rows[axis[rows]]
        assert drawn.size and abs(np.ptp(drawn) - (y1 - y0)) <= 2, (np.ptp(drawn), y1 - y0)
        held = chart.held(*size)
        taller = [s for s in chart.shapes.values() if s.height > chart.shape.height]
        assert all(max(chart._free(s, held, *size).values()) < -TOUCH for s in taller)
        if size[0] / size[1] > 1.5:  # (a 4:3 frame's wider network leaves it 125-150 px here)
            assert np.ptp(drawn) >= 0.95 * 200 * h / 1080, (np.ptp(drawn), size)  # (its font rounded)
        assert float(chart.value.GetInput().rstrip("%")) < 20  # before training: near the baseline
        axis_row = round(h - (oy + y0))
        x, _ = chart.value.GetPosition()
        cols = slice(int(x), int(x + 3 * chart.shape.line))
        rows = np.arange(axis_row - int(1.5 * chart.shape.line), axis_row + 3)
        ink = rows[
            (image[rows, cols, :3].astype(int).min(axis=2) > 180).any(axis=1)
        ]  # the value's (the axis is dimmer)
        assert ink.size, "the value is drawn"
        assert ink.max() <= axis_row - max(2, h // 270), (ink.max(), axis_row)
    finally:
        r.close()

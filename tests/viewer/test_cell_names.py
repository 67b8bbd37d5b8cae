"""The output column reads from a hall (watch 6, finding 5): each class's digit on its own cell where
the cells stand large enough to carry it at a lecture's least text (CELL_TEXT), else the list of top
classes names them, its lines to the cells 3 px at 1080p in the labels' colour. Tested by pixels on
the demo's LeNet (fc2, a column of 10) at 1080p."""

import numpy as np
import pytest

from nnvox.viewer.overlays.class_rows import CELL_FONT, CELL_TEXT, answer_lines, list_line_width, name_colours


def _brightness(image: np.ndarray) -> np.ndarray:
    return image.astype(float) @ np.array([0.299, 0.587, 0.114])


@pytest.fixture(scope="module")
def lenet_1080p(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    renderer = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080))
    yield scene, renderer
    renderer.close()


def test_the_line_width_scales_with_the_frame_height():
    assert list_line_width(1080) == pytest.approx(3.0)
    assert list_line_width(2160) == pytest.approx(6.0)
    assert list_line_width(480) >= 1.0
    assert list_line_width(100) == 1.0


def test_a_digit_is_dark_on_a_bright_cell_and_light_on_a_dark_one(lenet_run):
    from nnvox.scenes.build import build_scene

    fc2 = build_scene(lenet_run).block("fc2")
    background, text = (24, 24, 30), (235, 235, 240)
    colours = name_colours(fc2, np.array([0.0] * 9 + [1.0]), 1.0, background, text)
    assert colours[0] == text and colours[9] == background  # viridis: dark blue at 0, yellow at 1


def test_the_answers_line_alone_is_drawn_from_its_entry_to_its_cell():
    """Watch 7, finding 5: five lines, the list by probability and the cells by class, crossed 4-6
    times. Of the layout's lines (three segments each, the entries' in order), the first entry's
    alone, in a lane midway; one for each list."""
    from nnvox.viewer.label_layout import list_route

    rows, entries = [10.0, 90.0, 50.0, 30.0, 70.0], [100.0, 80.0, 60.0, 40.0, 20.0]
    five = list_route(0.0, 60.0, list(zip(rows, entries)))
    assert len(five) == 15  # (the layout's route: a lane each, some crossing)
    assert answer_lines(five) == [(0.0, 10.0, 30.0, 10.0), (30.0, 10.0, 30.0, 100.0), (30.0, 100.0, 60.0, 100.0)]
    other = list_route(200.0, 150.0, [(5.0, 6.0), (7.0, 8.0)])  # a second output's list, left of its column
    assert answer_lines(five + other) == answer_lines(five) + list_route(200.0, 150.0, [(5.0, 6.0)])
    assert answer_lines([]) == []


def _drawn_lines(layout) -> np.ndarray:
    """(n, 4) the list's lines as drawn (the class lines' polydata, pixels y up)."""
    from vtk.util.numpy_support import vtk_to_numpy

    points = layout.class_lines.lines.GetPoints()
    return vtk_to_numpy(points.GetData())[:, :2].reshape(-1, 4) if points is not None else np.empty((0, 4))


@pytest.mark.gl
def test_the_answers_line_alone_is_drawn_3_px_and_bright_at_1080p(lenet_1080p):
    """The overview's list of the top 5 draws one line, from its first entry to the answer's cell
    (watch 7: five crossed into a tangle); across its longest piece at least 3 pixels stand well
    off the background and the brightest is near the labels' colour (they were 1 px at 0.6 opacity:
    grey, watch 6)."""
    scene, renderer = lenet_1080p
    frame = scene.frame_at(scene.n_snapshots - 1, sample=4)
    image = renderer.render(frame)
    layout = renderer.scene_renderer.overlays.labels.layout
    assert len(layout.class_leaders) == 15, "the overview lists the top 5, each entry's line kept room for"
    drawn = _drawn_lines(layout)
    assert drawn.shape == (3, 4), f"{len(drawn)} pieces drawn, not the answer's line alone"
    assert np.allclose(drawn[0, :2], layout.class_leaders[0][:2]) and np.allclose(
        drawn[2, 2:], layout.class_leaders[2][2:]
    )
    (c,) = [c for c in layout.classes if c.block == "fc2"]
    assert c.order[0] == int(np.argmax(frame.values["fc2"].ravel()))  # the first entry: the answer
    background = _brightness(np.array(renderer.options.background, float))
    text = _brightness(np.array(renderer.options.text_colour, float))
    x0, y0, x1, y1 = max(drawn, key=lambda s: abs(s[2] - s[0]) + abs(s[3] - s[1]))
    row, x = image.shape[0] - 1 - round((y0 + y1) / 2), round((x0 + x1) / 2)
    across = _brightness(image[row, x - 8 : x + 9] if x0 == x1 else image[row - 8 : row + 9, x])
    lit = int((across > background + 0.5 * (text - background)).sum())
    assert lit >= 3, f"the line at ({x}, {row}): {lit} px across ({across.round().tolist()})"
    assert across.max() >= background + 0.8 * (text - background)


def _cell_contrast(renderer, names, image, k: int) -> int:
    """Pixels within the middle of class k's cell (as drawn on screen) far from the cell's own colour."""
    x, y = names.actors[k].GetPosition()
    half = int(0.3 * names.size)
    row = image.shape[0] - 1 - round(y)
    patch = image[row - half : row + half + 1, round(x) - half : round(x) + half + 1].astype(int)
    typical = np.median(patch.reshape(-1, 3), axis=0)
    return int((np.abs(patch - typical).max(axis=-1) > 80).sum())


@pytest.mark.gl
def test_large_cells_carry_their_digits_small_ones_rely_on_the_list(lenet_1080p):
    scene, renderer = lenet_1080p
    frame = scene.frame_at(scene.n_snapshots - 1, sample=4)
    renderer.render(frame)
    names = renderer.scene_renderer.overlays.class_rows.names["fc2"]
    assert names.size < CELL_TEXT * 1080 and not any(a.GetVisibility() for a in names.actors)
    camera = renderer.renderer.GetActiveCamera()
    b = scene.block("fc2").bounds
    kept = camera.GetPosition(), camera.GetFocalPoint()
    try:
        camera.SetFocalPoint((b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2)
        camera.Zoom(3.1)  # (a lecture's picture: digits of its least text at least, test_cell_digit_size.py;
        # at 2.6 the names stand beside the rows, none on the cells: they were drawn there a picture late)
        image = renderer.render(frame)
        assert names.size >= CELL_TEXT * 1080 and round(CELL_FONT * names.size) >= renderer.options.text_size(0.0)
        for k in range(10):
            assert names.actors[k].GetVisibility() and names.actors[k].GetInput() == str(k)
            assert _cell_contrast(renderer, names, image, k) >= 20, f"class {k}'s cell shows no digit"
    finally:
        camera.SetPosition(*kept[0])
        camera.SetFocalPoint(*kept[1])

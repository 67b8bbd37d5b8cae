"""The output reads: each class is one lit row beside its label, brighter the more probable, the top
class framed; tested by pixels on the recorded digits CNN's classifier (fc2, a column of 10)."""

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.colour import lut
from nnvox.viewer.overlays.class_rows import FRAME_PAD, class_box, top_class

pytestmark = pytest.mark.gl


def _pixel(renderer, point) -> tuple[int, int]:
    """Image (row, col) where a world point is drawn."""
    import vtk

    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(*point)
    dx, dy = coord.GetComputedDoubleDisplayValue(renderer.renderer)
    return renderer.options.height - 1 - round(dy), round(dx)


def _row_point(block, row: int, across: float = 0.0) -> tuple[float, float, float]:
    """On the column's front face at the height of `row`'s label, `across` (-0.5..0.5) from its middle."""
    x, y, _ = block.origin
    label_z = block.bounds[5] - (row + 0.5) * block.voxel  # where OutputVisual anchors the row's label
    return (x, y - across * block.voxel, label_z)


def _brightness(rgb) -> float:
    r, g, b = (float(c) for c in rgb)
    return 0.299 * r + 0.587 * g + 0.114 * b


def _rows(renderer, block, image, across: float = 0.0) -> np.ndarray:
    return np.array([image[_pixel(renderer, _row_point(block, r, across))] for r in range(block.rows)], dtype=int)


def _framed_pixel(renderer, block, cls: int):
    """Where the frame's left edge runs beside class `cls`'s cell (its front-left vertical edge)."""
    x0, _, _, y1, _, _ = class_box(block, FRAME_PAD)
    z = block.bounds[5] - (cls + 0.5) * block.voxel
    return _pixel(renderer, (x0, y1, z))


def _off(image, pixel, colour, reach: int = 2) -> int:
    """How far from `colour` the nearest-coloured pixel within `reach` of `pixel` is (the frame's
    2-pixel line runs beside the block's outline, which is drawn over it where the two meet)."""
    r, c = pixel
    patch = image[r - reach : r + reach + 1, c - reach : c + reach + 1].astype(int)
    return int(np.abs(patch - np.asarray(colour)).max(axis=-1).min())


def test_each_class_is_a_row_lit_by_its_probability_the_top_one_brightest(plain_renderer):
    scene, renderer = plain_renderer
    fc2 = scene.block("fc2")
    assert (fc2.rows, fc2.cols) == (10, 1)
    for sample in (0, 3, 7):
        frame = scene.frame_at(scene.n_snapshots - 1, sample=sample)
        image = renderer.render(frame)
        p = frame.values["fc2"].ravel()
        rows = _rows(renderer, fc2, image)
        expected = lut(fc2.scale.cmap)[fc2.scale.quantise(p.astype(np.float32))].astype(int)
        assert np.abs(rows - expected).max() <= 3, f"sample {sample}: rows {rows.tolist()} for p {p.round(2)}"
        brightness = [_brightness(c) for c in rows]
        assert int(np.argmax(brightness)) == int(np.argmax(p)), f"sample {sample}"
        # a row is one colour across the column's width (the probabilities once lay across it)
        for across in (-0.3, 0.3):
            np.testing.assert_allclose(_rows(renderer, fc2, image, across), rows, atol=3)
        frames = renderer.scene_renderer.overlays.class_rows.frames
        assert frames["fc2"].framed == int(np.argmax(p)) and frames["fc2"].actor.GetVisibility()
        text = np.array(renderer.options.text_colour)
        top = _framed_pixel(renderer, fc2, int(np.argmax(p)))
        assert _off(image, top, text) <= 40, "the top class is framed in the labels' colour"
        other = _framed_pixel(renderer, fc2, (int(np.argmax(p)) + 5) % 10)
        assert _off(image, other, text) > 40, "only the top class is framed"


def test_a_uniform_output_lights_every_row_alike_and_frames_none(plain_renderer):
    scene, renderer = plain_renderer
    fc2 = scene.block("fc2")
    frame = scene.frame_at(scene.n_snapshots - 1, sample=2)
    uniform = dataclasses.replace(frame, values={**frame.values, "fc2": np.full((1, 10, 1), 0.1, np.float32)})
    image = renderer.render(uniform)
    rows = _rows(renderer, fc2, image)
    assert np.abs(rows - rows[0]).max() <= 2, rows.tolist()
    assert not renderer.scene_renderer.overlays.class_rows.frames["fc2"].actor.GetVisibility()
    text = np.array(renderer.options.text_colour)
    assert all(np.abs(image[_framed_pixel(renderer, fc2, c)].astype(int) - text).max() > 40 for c in range(10))
    # a sharp output after it frames again, and its rows differ
    sharp = renderer.render(frame)
    assert np.ptp([_brightness(c) for c in _rows(renderer, fc2, sharp)]) > 50


def test_the_frame_waits_for_the_forward_pass_to_reach_the_output(plain_renderer):
    scene, renderer = plain_renderer
    renderer.render(scene.frame_at(scene.n_snapshots - 1, sample=1, reveal=0.15))
    assert not renderer.scene_renderer.overlays.class_rows.frames["fc2"].actor.GetVisibility()
    renderer.render(scene.frame_at(scene.n_snapshots - 1, sample=1, reveal=1.0))
    assert renderer.scene_renderer.overlays.class_rows.frames["fc2"].actor.GetVisibility()


def test_top_class_is_none_for_alike_or_broken_outputs():
    assert top_class(np.array([0.1, 0.7, 0.2]), 3) == 1
    assert top_class(np.array([0.1, 0.2, 0.9]), 2) == 1  # padding past the classes is not a class
    assert top_class(np.full(10, 0.1), 10) is None
    assert top_class(np.array([0.5, np.nan, 0.5]), 3) is None


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_lenets_column_lights_its_top_class_and_lists_the_top_5_in_the_overview(lenet_run, size):
    """Beside 28 x 28 maps the column is drawn taller than the tallest block (COLUMN_HEIGHT times),
    its top class lit. Its rows, about 25 px apart at 1080p, carried a text each at 19 px capitals;
    at the hall's 24 px (theme.HALL_TEXT, a 32 px font) they are not a line apart, so the overview
    lists the top 5 (label_layout: rows where their texts' lines are apart)."""
    from nnvox.scenes.arrange import COLUMN_HEIGHT
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    fc2 = scene.block("fc2")
    tallest = max(b.rows * b.voxel for b in scene.blocks if b.name != "fc2")
    assert fc2.rows * fc2.voxel >= COLUMN_HEIGHT * tallest - 1e-9
    renderer = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    try:
        frame = scene.frame_at(scene.n_snapshots - 1, sample=4)
        image = renderer.render(frame)
        visual = renderer.scene_renderer.visuals["fc2"]
        assert visual.top.GetVisibility() and not any(label.GetVisibility() for label in visual.labels)
        p = frame.values["fc2"].ravel()
        brightness = [_brightness(c) for c in _rows(renderer, fc2, image)]
        assert int(np.argmax(brightness)) == int(np.argmax(p))
    finally:
        renderer.close()


def test_a_few_classes_keep_ten_classes_row_spacing_not_giant_cubes():
    """A 2-class classifier's column keeps the row spacing of ten classes beside the network: before,
    grown to 1.5x the tallest block, its two voxels drew as two cubes taller than the network."""
    import torch
    from torch import nn

    from nnvox.capture.single_pass import single_pass_run
    from nnvox.scenes.arrange import COLUMN_FULL_ROWS, COLUMN_HEIGHT
    from nnvox.scenes.build import build_scene

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2)
    ).eval()
    scene = build_scene(single_pass_run(model, torch.randn(1, 3, 28, 28), name="two-classes", weights=False))
    column = next(b for b in scene.blocks if b.role == "output")
    tallest = max(b.rows * b.voxel for b in scene.blocks if b is not column)
    assert column.rows == 2
    assert column.rows * column.voxel == pytest.approx(COLUMN_HEIGHT * tallest * 2 / COLUMN_FULL_ROWS)
    assert column.voxel * column.cols < 0.5 * tallest  # a thin column, not a cube as wide as a map


def _class_text_pixels(renderer, image) -> int:
    """Bright pixels (text on the dark background) inside the boxes the label layout gave the output's
    class texts, right of the column (its bright outline is no text)."""
    placement = renderer.scene_renderer.overlays.labels.layout.placement
    right_of_column = int(np.ceil(placement.blocks["fc2"][2])) + 2
    boxes = [box for kind, block, _, box in placement.shown if kind == "classes" and block == "fc2"]
    assert boxes, "the class texts are placed beside the column"
    count = 0
    for x0, y0, x1, y1 in boxes:  # pane pixels, y up from the bottom
        rows = slice(max(0, image.shape[0] - int(np.ceil(y1))), image.shape[0] - int(y0))
        region = image[rows, max(right_of_column, int(x0)) : int(np.ceil(x1))].astype(float)
        count += int((region @ np.array([0.299, 0.587, 0.114]) > 120).sum())
    return count


def test_the_class_texts_wait_for_the_forward_pass_to_reach_the_output(digits_run):
    """Mid-pass (conv1 lit, the output not yet) the class texts' region holds no text pixels: the
    pass never shows its answer before it gets there; once the output is lit, the texts read."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    renderer = OffscreenRenderer(scene, RenderOptions(width=960, height=540, show_legend=False, show_hud=False))
    try:
        early = scene.frame_at(scene.n_snapshots - 1, sample=1, reveal=0.15)
        assert early.lit["fc2"] == 0 and early.lit["conv1"] > 0
        before = _class_text_pixels(renderer, renderer.render(early))
        after = _class_text_pixels(renderer, renderer.render(scene.frame_at(scene.n_snapshots - 1, sample=1)))
        assert before == 0, f"{before} text pixels beside the output before the pass reached it"
        assert after > 50, f"only {after} text pixels beside the lit output"
    finally:
        renderer.close()

"""A layer opened into its maps, drawn: each map found face-on in the image (separate near-square
regions in a grid), its pixels the colours of the recorded values, each kernel's the colours of the
recorded weights; a storyboard's `open` shot animates it and names a bad layer on its line."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import vtk
from scipy import ndimage

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.open_kernels import kernel_plan, kernel_quads, kernel_values
from nnvox.scenes.open_layer import grid_places, open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

SAMPLE = 3


@pytest.fixture(scope="module")
def opened(lenet_run):
    """conv1 open, framed face-on as an `open` shot frames it, 1280 x 720."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"conv1"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    pane = renderer.scene_renderer
    pane.apply_pose(open_pose(scene, "conv1", pane.aspect))
    frame = scene.frame_at(1.0, sample=SAMPLE)
    image = renderer.render(frame)
    yield scene, renderer, frame, image
    renderer.close()


def _pixel(renderer, point) -> tuple[int, int]:
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(*point)
    dx, dy = coord.GetComputedDoubleDisplayValue(renderer.scene_renderer.renderer)
    return renderer.options.height - 1 - round(dy), round(dx)


def test_each_map_is_a_separate_near_square_region_in_a_grid(opened):
    scene, _, _, image = opened
    block = scene.block("conv1")
    background = np.asarray(RenderOptions().background)
    # what is not background, thin lines (edges, the block's outline) and text opened away
    ink = np.abs(image.astype(int) - background).max(axis=2) > 24
    solid = ndimage.binary_opening(ink, structure=np.ones((7, 7)))
    labels, _ = ndimage.label(solid)
    boxes = ndimage.find_objects(labels)
    sizes = np.array([(b[0].stop - b[0].start) * (b[1].stop - b[1].start) for b in boxes])
    maps = [b for b, s in zip(boxes, sizes) if s > 0.5 * sizes.max()]
    assert len(maps) == block.panels, f"{len(maps)} map-sized regions, expected {block.panels}"
    gr, gc = block.opened
    for b in maps:
        h, w = b[0].stop - b[0].start, b[1].stop - b[1].start
        assert abs(w / h - block.cols / block.rows) < 0.08, (w, h)  # face-on: the map's own aspect
        assert h > 0.15 * image.shape[0]  # and large: a lecture's back row reads it
    rows = sorted({round((b[0].start + b[0].stop) / 2 / 20) for b in maps})
    cols = sorted({round((b[1].start + b[1].stop) / 2 / 20) for b in maps})
    assert (len(rows), len(cols)) == (gr, gc)  # laid out as the grid


def test_a_maps_pixels_are_the_colours_of_the_recorded_values(opened):
    scene, renderer, frame, image = opened
    block = scene.block("conv1")
    places, v = grid_places(block), block.voxel
    checked = matched = 0
    for k in (0, block.panels - 1):
        x, y, z = places[k]
        values = frame.values["conv1"][k]
        for r in range(1, block.rows, 3):
            for c in range(1, block.cols, 3):
                point = (x - block.cols * v / 2 + (c + 0.5) * v, y - 0.01, z + block.rows * v / 2 - (r + 0.5) * v)
                expected = lut(block.scale.cmap)[block.scale.quantise(values[r : r + 1, c])[0]].astype(int)
                checked += 1
                matched += int(np.abs(image[_pixel(renderer, point)].astype(int) - expected).max() <= 3)
    assert checked > 150 and matched / checked >= 0.97, f"{matched}/{checked}"


def test_each_kernel_beside_its_map_shows_the_recorded_weights(opened, lenet_run):
    scene, renderer, frame, image = opened
    block = scene.block("conv1")
    plan = kernel_plan(lenet_run, block)
    assert plan is not None and plan.size == (5, 5) and plan.inputs == 1
    weights = kernel_values(lenet_run, plan, frame.t)
    recorded = lenet_run.read(1, ["param/conv1.weight"])["param/conv1.weight"]
    assert np.array_equal(weights, recorded[:, :1])
    quads = kernel_quads(block, plan).reshape(block.panels, 1, 5, 5, 4, 3)
    places = grid_places(block)
    assert np.all(quads[..., 0].max(axis=(1, 2, 3, 4)) < places[:, 0] - block.cols * block.voxel / 2)  # left of it
    table = lut(plan.scale.cmap)
    matched = 0
    for k in range(block.panels):
        for r, c in ((0, 0), (2, 2), (4, 1)):
            centre = quads[k, 0, r, c].mean(axis=0)
            expected = table[plan.scale.quantise(weights[k, 0, r : r + 1, c])[0]].astype(int)
            matched += int(np.abs(image[_pixel(renderer, centre)].astype(int) - expected).max() <= 3)
    assert matched >= 0.95 * 3 * block.panels


BOARD = """\
[video]
size = "320x180"
fps = 5

[[shot]]
run = "run"
duration = 2
forward = true
timeline = "all"
open = "{layer}"
"""


def test_an_open_shot_flies_the_maps_out_stays_open_to_the_cut_and_names_a_bad_layer(lenet_run, tmp_path):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(BOARD.format(layer="conv1"))
    frames = sorted(render_storyboard(board, tmp_path / "out", progress=False).glob("frame-*.png"))
    assert len(frames) == 10
    import imageio.v3 as iio

    first, middle, last = (iio.imread(frames[k]).astype(int) for k in (0, 5, 9))
    assert np.abs(first - middle).mean() > 5  # opened: a different picture, face-on
    # still open at its last frame (the maps flew back while the caption spoke of them side by side)
    assert np.abs(middle - last).mean() < np.abs(first - last).mean() / 2
    for layer, says in (
        ("fc2", r"line 10: open: layer 'fc2' has no feature maps .*; layers that open: input, conv1"),
        ("conv9", r"line 10: open: layer 'conv9' is not drawn in this scene"),
    ):
        board.write_text(BOARD.format(layer=layer))
        with pytest.raises(NnvoxError, match=says):
            render_storyboard(board, tmp_path / "bad", progress=False)


FADING = """\
[video]
size = "640x360"
fps = 10

[[shot]]
run = "run"
duration = 2
open = "conv1"
"""


def test_the_open_layouts_labels_fade_in_once_the_maps_have_arrived(lenet_run, tmp_path):
    """Labels (and kernels) appeared all at once as the maps arrived: now over LABELS_SECONDS, each
    frame of the fade between the picture without them and the picture with them."""
    import imageio.v3 as iio

    from nnvox.scenes.open_layer import LABELS_SECONDS, OPEN_SECONDS

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(FADING)
    frames = [
        iio.imread(f).astype(int)
        for f in sorted(render_storyboard(board, tmp_path / "out", progress=False).glob("*.png"))
    ]
    seconds = [2 * k / (len(frames) - 1) for k in range(len(frames))]
    arrived = min(OPEN_SECONDS, 2 / 3)
    after = [k for k, s in enumerate(seconds) if s >= arrived]  # the camera and maps hold still from here
    full = frames[after[-1]]
    apart = [float(np.abs(frames[k] - full).mean()) for k in after]
    fading = [d for k, d in zip(after, apart) if seconds[k] < arrived + LABELS_SECONDS]
    assert len(fading) >= 3 and fading[0] > 0.2, apart
    assert all(a > b for a, b in itertools.pairwise(fading)), apart  # fading in, frame by frame
    assert all(d < 1e-6 for k, d in zip(after, apart) if seconds[k] >= arrived + LABELS_SECONDS), apart


def test_flying_maps_move_in_the_points_own_buffer(opened):
    """Each frame the maps fly wrote a new deep-copied vtk array: now the same array, written in place."""
    from vtk.util.numpy_support import vtk_to_numpy

    from nnvox.scenes.open_layer import map_places, slab_corners

    scene, renderer, _, _ = opened
    visual, block = renderer.scene_renderer.visuals["conv1"], scene.block("conv1")
    points = visual.poly.GetPoints()
    before = points.GetData().GetAddressAsString("vtkDataArray")
    try:
        for u in (0.25, 0.5):
            visual.open_to(u)
            assert points.GetData().GetAddressAsString("vtkDataArray") == before, u
            expected = slab_corners(block, map_places(block, u)).reshape(-1, 3)
            assert np.allclose(vtk_to_numpy(points.GetData()), expected, atol=1e-5), u
    finally:
        visual.open_to(1.0)

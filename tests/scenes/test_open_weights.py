"""A convolution's weights opened into kernel tiles (scenes/open_weights.py), the distance-from-start
mode's |w - w0| on one scale for every layer, and the kernel beside an open map named. No GL."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.layout import weight_block, weight_panels
from nnvox.scenes.open_kernels import kernel_cell, kernel_label, kernel_label_anchor, kernel_plan, kernel_quads
from nnvox.scenes.open_layer import (
    KERNEL_PAD,
    closed_scene,
    grid_places,
    map_places,
    open_scene,
    openable,
    opened,
    slab_corners,
)
from nnvox.scenes.open_weights import (
    MOST_CHANNELS,
    MOST_FILTERS,
    as_tiles,
    filter_labels,
    grid_note,
    input_labels,
    label_room,
    stack_places,
    tile_of,
    tile_values,
)
from nnvox.scenes.scene import Block, SceneOptions
from nnvox.viewer.overlays.legends import AT_LEAST, colour_bars


def _weights_block(kernels, **more) -> Block:
    shape = weight_block(kernels)
    return Block(
        name="conv",
        kind="Conv2d",
        role="weights",
        key="param/conv.weight",
        panels=shape.panels,
        rows=shape.rows,
        cols=shape.cols,
        origin=(10.0, 0.0, 0.0),
        pitch=2.0,
        voxel=0.5,
        thickness=0.5,
        scale=ColourScale(-1.0, 1.0, "diverging", True),
        order=1,
        title="conv · Conv2d",
        subtitle="",
        kernels=kernels,
        **more,
    )


@pytest.fixture(scope="module")
def weights(digits_run):
    closed = build_scene(digits_run, SceneOptions(mode="weights"))
    names = [b.name for b in closed.blocks if b.kernels is not None]
    return closed, open_scene(closed, names), names


def test_a_conv_weight_opens_into_a_column_per_filter_and_a_row_per_input(weights):
    closed, scene, names = weights
    assert names and set(names) <= set(openable(closed))
    for name in names:
        block, (out, inputs, kh, kw) = scene.block(name), closed.block(name).kernels
        assert block.opened == (min(inputs, MOST_CHANNELS), min(out, MOST_FILTERS))
        assert (block.panels, block.rows, block.cols) == (np.prod(block.opened), kh, kw)
        filters, channel = tile_of(block)
        places = grid_places(block)
        # filter f's kernels stand in column f, left to right; input i's in row i, top to bottom
        for f in range(1, block.opened[1]):
            assert (places[filters == f, 0] > places[filters == f - 1, 0] + kw * block.voxel).all()
        for i in range(1, block.opened[0]):
            assert (places[channel == i, 2] < places[channel == i - 1, 2] - kh * block.voxel).all()
        corners = slab_corners(block, map_places(block, 1.0))
        front = corners[:, 0]  # each tile's front face: a kh x kw square facing the camera (-y)
        assert np.allclose(front[:, :, 1], front[:, :1, 1])
        assert np.allclose(np.ptp(front[:, :, 0], axis=1), kw * block.voxel)
        assert np.allclose(np.ptp(front[:, :, 2], axis=1), kh * block.voxel)


def test_opening_lifts_each_kernel_out_of_its_tile_in_the_stack_and_closing_undoes_it(weights):
    closed, scene, names = weights
    for name in names:
        block, stack = scene.block(name), closed.block(name)
        start = slab_corners(block, map_places(block, 0.0))[:, 0]  # front faces before the flight
        filters, _ = tile_of(block)
        assert np.allclose(start[:, :, 0], block.origin[0] + filters[:, None] * block.pitch)  # its filter's panel
        half = np.array([stack.cols, stack.rows]) * stack.voxel / 2  # within that panel's face, in y and z
        assert (np.abs(start[:, :, 1:] - np.array(block.origin[1:])) <= half + 1e-6).all()
        assert np.allclose(stack_places(block), map_places(block, 0.0).centres)
    back = closed_scene(scene)
    assert np.allclose([b.bounds for b in back.blocks], [b.bounds for b in closed.blocks])
    same = lambda b: (b.panels, b.rows, b.cols, b.opened, b.gap, b.kernels)
    assert [same(b) for b in back.blocks] == [same(b) for b in closed.blocks]


def test_tile_values_are_the_kernels_of_the_recorded_weight(weights, digits_run):
    closed, scene, names = weights
    for name in names:
        block = scene.block(name)
        w = digits_run.read(2, [block.key])[block.key]
        tiles = scene.frame_at(2).values[name]
        filters, channel = tile_of(block)
        assert tiles.shape == (block.panels, block.rows, block.cols)
        assert np.array_equal(tiles, w[filters, channel])
        assert np.array_equal(tile_values(block, closed.frame_at(2).values[name]), tiles)


def test_a_big_layer_shows_its_first_filters_and_inputs_and_says_so():
    block = as_tiles(_weights_block((64, 40, 3, 3)))
    filters, channel = tile_of(block)
    assert block.panels == MOST_FILTERS * MOST_CHANNELS and filters.max() == MOST_FILTERS - 1
    assert channel.max() == MOST_CHANNELS - 1
    assert (
        grid_note(block) == f"the first {MOST_FILTERS} of 64 filters and the first {MOST_CHANNELS} of 40 input channels"
    )
    assert grid_note(as_tiles(_weights_block((6, 1, 5, 5)))) is None
    stacked = np.arange(64 * 40 * 9, dtype=np.float32).reshape(64, 40, 3, 3)
    tiles = tile_values(block, weight_panels(stacked, weight_block((64, 40, 3, 3))))
    assert np.array_equal(tiles, stacked[filters, channel])


def test_a_matrix_of_weights_opens_as_one_face_on_map(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="weights"))
    linear = [b.name for b in scene.blocks if b.kind == "Linear"]
    assert linear and set(linear) <= set(openable(scene))
    block = open_scene(scene, linear[:1]).block(linear[0])
    assert block.opened == (1, 1) and block.panels == 1 and block.kernels is None


@pytest.mark.parametrize("t", [1.0, 2.5])
def test_distance_from_start_is_how_far_each_recorded_weight_moved(digits_run, t):
    scene = build_scene(digits_run, SceneOptions(mode="distance-from-start"))
    frame = scene.frame_at(t)
    lo, a = int(t), t - int(t)
    for block in scene.blocks:
        w = [digits_run.read(i, [block.key])[block.key] for i in (0, lo, min(lo + 1, 3))]
        moved = (1 - a) * np.abs(w[1] - w[0]) + a * np.abs(w[2] - w[0])
        if block.kernels is not None:
            expected = weight_panels(moved, weight_block(block.kernels))
            assert np.allclose(frame.values[block.name], expected, equal_nan=True, atol=1e-6)
        else:
            assert np.allclose(frame.values[block.name].ravel()[: moved.size], moved.ravel(), atol=1e-6)


def test_distance_from_start_has_one_scale_for_every_layer_from_zero(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="distance-from-start"))
    scales = {b.scale for b in scene.blocks}
    assert len(scales) == 1 and len(scene.blocks) > 1
    (scale,) = scales
    tops = [max(map(abs, digits_run.limits[f"since_start/{b.key}"])) for b in scene.blocks]
    assert scale.lo == 0.0 and scale.hi == pytest.approx(max(tops)) and not scale.diverging
    (bar,) = colour_bars(scene.mode, scene.blocks)
    # its title names the quantity and that every layer shares the scale, in plain words (no "weight
    # units"); its ends are the shared scale's, as numbers to check against
    assert all("same scale for all layers" in t for t in bar.titles[:2]) and bar.titles[0].startswith("how far")
    assert not any("units" in t for t in bar.titles)
    lo, hi = (float(w.removeprefix(AT_LEAST)) for w in bar.words)  # the top "≥ 0.26": a robust top
    assert lo == scale.lo and hi == pytest.approx(scale.hi, rel=0.05) and hi > 0
    signed = build_scene(digits_run, SceneOptions(mode="change-from-start"))
    assert len({b.scale for b in signed.blocks}) > 1  # the signed change keeps a scale per layer


def test_an_open_weight_keeps_room_for_its_labels_inside_its_bounds(weights):
    _, scene, names = weights
    for name in names:
        block = scene.block(name)
        alone = (
            sum(scene.block(n).kernels is not None for n in names) == 1
        )  # (a row beside another grid: SHARED_ROW_ROOM)
        (left, top), places = label_room(block, alone), grid_places(block)
        x0, _, _, _, z0, z1 = block.bounds
        # (a single row alone keeps none left: its first number says "filter 0" over its column)
        assert block.margin == (left, top) and top > 0 and (left > 0 or block.opened[0] == 1)
        pad = block.gap * KERNEL_PAD
        first_left = places[:, 0].min() - block.cols * block.voxel / 2
        top_row = places[:, 2].max() + block.rows * block.voxel / 2
        assert first_left == pytest.approx(x0 + left + block.gap)  # the input channels' labels stand in it
        assert top_row == pytest.approx(z1 - top - block.gap + pad)  # the filters' numbers over the top row
        # the outline stands off the last row too (it sat on its bottom edge)
        bottom_row = places[:, 2].min() - block.rows * block.voxel / 2
        assert bottom_row - z0 == pytest.approx(pad) and pad > 0
        filters, channel = tile_of(block)
        assert [k for k, _ in filter_labels(block)] == list(np.flatnonzero(channel == 0))
        words = [str(f) for f in filters[channel == 0]]
        if block.opened[0] == 1:  # one row keeps no room for "filter" left of it: its first number says it
            words[0] = "filter 0"
        assert [text for _, text in filter_labels(block)] == words
        rows = input_labels(block)
        assert [k for k, _ in rows] == (list(np.flatnonzero(filters == 0)) if block.opened[0] > 1 else [])
        assert not rows or rows[0][1] == "input 0"


def test_the_kernel_beside_a_map_is_named_once_under_the_first_clear_of_the_map(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"conv1"})))
    block = scene.block("conv1")
    plan = kernel_plan(lenet_run, block)
    assert kernel_label(plan) == "kernel"
    x, _, z = kernel_label_anchor(block, plan)
    first = kernel_quads(block, plan)[:25].reshape(-1, 3)
    assert first[:, 0].min() < x < first[:, 0].max()  # ends under the kernel, short of the map beside it
    assert z < first[:, 2].min()  # under the kernel
    cell = kernel_cell(block, plan)
    # large beside its 28 x 28 map: 5 cells about 0.4 of the map's height (the gap beside a map 0.6 of
    # its side, open_layer.GAP_BESIDE_KERNEL: a whole side made the grid 6.5 maps wide, watch 8)
    assert cell >= 2.2 * block.voxel


@pytest.mark.parametrize("kernels", [(6, 1, 5, 5), (16, 6, 5, 5)])
def test_no_kernel_stands_flush_with_its_grids_outline_and_one_row_is_centred(kernels):
    # the lecture's weights shot: conv1's six kernels stood flush right in their box, "filter" far left
    block = opened(_weights_block(kernels))
    tiles = slab_corners(block, map_places(block, 1.0))[:, 0]  # (P, 4 corners, xyz) of the front faces
    x0, x1 = block.bounds[:2]
    left, right = tiles[..., 0].min() - x0, x1 - tiles[..., 0].max()
    assert right >= block.gap - 1e-9  # a gap right of the last column, as between columns
    if block.opened[0] == 1:  # one row: "filter" its only label left of it, the tiles centred in the box
        assert right == pytest.approx(left)

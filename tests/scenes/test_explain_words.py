"""scenes/explain's words (watch 8, finding 5): where the window stands said only where its patch
shows it, and what the patch's values are named from what the layer reads (conv2 reads pool1's
maps, not pixels)."""

import dataclasses

import numpy as np

from nnvox.scenes import explain as ex


def _patch(values) -> ex.Step:
    """A 5 x 5 one-channel window on `values` (the background 0), wholly inside the input."""
    inputs = np.asarray(values, np.float32)[None]
    inside = np.ones(inputs.shape, bool)
    return ex.Step((0, 0, 0), inputs, np.ones_like(inputs), inside, (0, 4), (0, 4), (0, 0), "conv", 0.0, 0.0)


STROKE_BELOW = [[0] * 5, [0] * 5, [0] * 5, [0.2, 0.9, 2.8, 2.8, 2.8], [2.7, 2.8, 2.8, 2.8, 2.8]]


def test_the_side_of_the_ink_a_window_sits_on_is_read_from_its_patch():
    below = np.array(STROKE_BELOW)
    assert ex.edge_side(_patch(below), 0.0) == "top"  # the ink below it: on the stroke's top edge
    assert ex.edge_side(_patch(below[::-1]), 0.0) == "bottom"
    assert ex.edge_side(_patch(below.T), 0.0) == "left"
    assert ex.edge_side(_patch(below.T[:, ::-1]), 0.0) == "right"
    # nothing said where the patch shows no edge: all ink, no ink, a thin line through it, ink at its top only
    line = np.zeros((5, 5))
    line[2] = 2.8
    for values in (np.full((5, 5), 2.8), np.zeros((5, 5)), line):
        assert ex.edge_side(_patch(values), 0.0) is None, values
    # the background is the input's (MNIST's black: -0.42 after normalisation), not 0
    assert ex.edge_side(_patch(below - 0.42), -0.42) == "top"
    # padding reads no ink: a window half in the padding above a stroke still reads the stroke below
    inside = np.broadcast_to(np.arange(5)[:, None] >= 2, (1, 5, 5))
    padded = dataclasses.replace(_patch(np.where(inside[0], 2.8, 0.0)), inside=inside)
    assert ex.edge_side(padded, 0.0) == "top"
    assert ex.window_place(_patch(below), 0.0, True, "input") == "on a stroke's top edge"
    assert ex.window_place(_patch(below), 0.0, False, "pool1") == "on the top edge of strong pool1 values"
    assert ex.window_place(_patch(np.zeros((5, 5))), 0.0, True, "input") is None


def _moments(run, layer: str, seconds: float = 26.0, fps: int = 10):
    from nnvox.scenes.build import build_scene

    explained = ex.Explanation(run, build_scene(run), layer, 0, 9, seconds=seconds, lead=0.5, tail=0.5)
    last = len(run.snapshots) - 1
    n = int(seconds * fps)
    return explained, [explained.at(k / (n - 1), last) for k in range(n)]


def test_the_window_says_where_it_stands_only_where_its_patch_shows_it(lenet_run):
    """The lecture's walk starts on the 9's top edge: its first walked positions say so; every note
    is true of the patch it is shown with (its first rows background, its last the stroke), none
    while the window sweeps, none on the padded corner."""
    explained, moments = _moments(lenet_run, "conv1")
    assert moments[0].where == "on a stroke's top edge", moments[0].step.position  # the walk's first position
    assert all(m.where is None for m in moments if m.sweeping)
    for m in (m for m in moments if m.where is not None):
        side = m.where.removeprefix("on a stroke's ").removesuffix(" edge")
        ink = np.where(m.step.inside, np.abs(m.step.inputs - explained.background), 0.0).sum(axis=0)
        lines = {"top": ink.sum(1), "bottom": ink.sum(1)[::-1], "left": ink.sum(0), "right": ink.sum(0)[::-1]}[side]
        assert lines[0] <= ex.BLANK * lines.max() and lines[-1] >= ex.FULL * lines.max(), (m.step.position, lines)
    assert moments[-1].where is None  # the padded corner reads no ink


def test_an_inner_layers_values_are_named_by_the_layer_not_as_pixels(lenet_run):
    """conv2 reads pool1's maps: its scale is "pool1 value" and no note speaks of strokes or ink;
    conv1 reads the image's pixels; fc1 reads pool2's values (through a flatten that is not drawn)."""
    explained, moments = _moments(lenet_run, "conv2", seconds=12.0, fps=5)
    assert {m.reads for m in moments} == {"pool1 value"} and explained.black is None
    notes = [m.where for m in moments if m.where is not None]
    assert all(n.endswith("of strong pool1 values") for n in notes), notes
    assert _moments(lenet_run, "conv1", seconds=4.0, fps=2)[1][0].reads == "input pixel value"
    assert _moments(lenet_run, "fc1", seconds=4.0, fps=2)[1][0].reads == "pool2 value"


def test_the_cells_sum_is_what_the_printed_products_add_to(lenet_run):
    """The sum's first line (viewer/overlays/explain_inset.cells_total) is the 25 printed product
    cells added, exactly to their 2 decimals, which differs from the exact sum where rounding moves
    it (watch 8: 4.00 against 4.027): both are printed, each named."""
    from nnvox.viewer.overlays.explain_inset import cell_text, cells_total, printed_products

    _, moments = _moments(lenet_run, "conv1", seconds=26.0, fps=2)
    differ = 0
    for m in moments:
        s = m.step
        cells = [cell_text(float(p), True) for p in printed_products(s.inputs, s.weights).ravel()]
        cents = sum(round(float(c.replace("−", "-")) * 100) for c in cells)
        assert cells_total(s) == ex.printed(cents, 2), (s.position, cells_total(s), cents)
        differ += round(cents * 10) != ex.shown_sum(s)[0]
    assert differ, "no position where the rounded cells and the exact sum differ: the test shows nothing"


def test_the_first_position_says_which_values_are_done_already(lenet_run):
    """Watch 9 finding 10: the shot opens on "row 6, column 16 · 185 of 784" with the map's top
    filled, and nothing said positions 1-184 were computed already. The first position the window
    stands on says which ("rows 0–5, 16 of row 6 done"), from where it stands; no other does, and
    the inset lays its notes out with those words among them (Moment.places)."""
    assert ex.done_before(184, 28) == "rows 0–5, 16 of row 6 done"
    assert ex.done_before(28, 28) == "row 0 done" and ex.done_before(3, 28) == "3 of row 0 done"
    assert ex.done_before(0, 28) is None and ex.done_before(5, 0) is None  # the map's start; a dense layer
    _, moments = _moments(lenet_run, "conv1")
    first = moments[0].step.position
    rows, cols = first[1], first[2]
    index = rows * 28 + cols
    assert moments[0].done == index + 1 and index > 0  # the map before it computed already
    words = f"rows 0–{rows - 1}, {cols} of row {rows} done" if cols else f"rows 0–{rows - 1} done"
    assert moments[0].before == words, (moments[0].before, first)
    assert {m.before for m in moments if m.done == index + 1} == {words}
    assert all(m.before is None for m in moments if m.done != index + 1)
    assert words in moments[0].places
    _, dense = _moments(lenet_run, "fc1", seconds=4.0, fps=2)
    assert all(m.before is None for m in dense)  # a dense layer's units start at unit 0

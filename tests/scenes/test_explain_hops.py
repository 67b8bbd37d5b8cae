"""Watch 10 finding 3: over the lecture's sweep (position 188 to 784 in about 3 s) the window, its
25 patch cells, 25 products and four sums changed almost every frame, the window wrapping to a new
row each frame: flicker, not sliding. Over a sweep the window and the inset's tables hop, at most
MOST_A_SECOND times in any second, each hop held HELD at least, down the column the sweep left
from, while the map fills on behind it frame by frame."""

import itertools

import pytest

from nnvox.scenes import explain as ex

FPS = 30
MOST_A_SECOND = 4  # printed positions a second at most over a sweep (a class follows 3-4 hops a second)
HELD = 0.25  # seconds each hop's position stands at least


def _moments(run, seconds: float, lead: float = 0.5, tail: float = 0.5):
    from nnvox.scenes.build import build_scene

    explained = ex.Explanation(run, build_scene(run), "conv1", 0, 9, seconds=seconds, lead=lead, tail=tail)
    last = len(run.snapshots) - 1
    n = round(seconds * FPS)
    return explained, [explained.at(k / (n - 1), last) for k in range(n)]


@pytest.mark.parametrize("seconds", [26, 34, 12])
def test_over_a_sweep_the_printed_position_hops_a_few_times_a_second_and_holds(lenet_run, seconds):
    explained, moments = _moments(lenet_run, seconds)
    changes = [k for k in range(1, len(moments)) if moments[k].step.position != moments[k - 1].step.position]
    most = max(sum(1 for c in changes if k <= c < k + FPS) for k in range(len(moments)))
    assert most <= MOST_A_SECOND, (seconds, most, [round(c / FPS, 2) for c in changes])
    sweeping = [k for k, m in enumerate(moments) if m.sweeping]
    assert len(sweeping) >= FPS, len(sweeping)
    hops = [k for k in changes if moments[k].sweeping and moments[k - 1].sweeping]
    assert hops, "the window never hops over the sweep"
    for a, b in itertools.pairwise(hops):  # each hop's position held at least HELD
        assert b - a >= HELD * FPS, (a, b)
    # the map fills on behind the held window: its count grows in most of the sweep's frames
    grown = sum(1 for k in sweeping[1:] if moments[k].done > moments[k - 1].done)
    assert grown >= 0.7 * (len(sweeping) - 1), (grown, len(sweeping))
    total = len(explained.positions)
    assert moments[sweeping[-1]].done - moments[sweeping[0]].done >= 0.5 * total  # (the long sweep)


def test_the_hops_step_down_one_column_and_print_computed_positions(lenet_run):
    """The window steps straight down the map (hopping to the last computed position jumped it from
    column 16 to 0 to 11 to 9 ...), always on a value already computed, its tables that position's."""
    explained, moments = _moments(lenet_run, 26)
    sweeping = [m for m in moments if m.sweeping]
    held = list(dict.fromkeys(m.step.position for m in sweeping))
    assert len(held) >= 4, held
    columns = {p[2] for p in held[1:]}  # (the first: the next position after the stop)
    assert len(columns) == 1, held
    rows = [p[1] for p in held]
    assert rows == sorted(rows) and rows[-1] - rows[0] >= 12, rows
    for m in sweeping:
        at = explained.positions.index(m.step.position)
        assert at < m.done, (m.step.position, m.done)  # its value computed, drawn on the map


def test_a_dense_layers_units_hop_too(lenet_run):
    """A dense layer's units (no map, no stops) are swept after the walk: they hop as well."""
    from nnvox.scenes.build import build_scene

    seconds = 12
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "fc1", 0, 9, seconds=seconds, lead=0.5, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    n = seconds * FPS
    moments = [explained.at(k / (n - 1), last) for k in range(n)]
    changes = [k for k in range(1, n) if moments[k].step.position != moments[k - 1].step.position]
    most = max(sum(1 for c in changes if k <= c < k + FPS) for k in range(n))
    assert changes and most <= MOST_A_SECOND, (most, [round(c / FPS, 2) for c in changes])

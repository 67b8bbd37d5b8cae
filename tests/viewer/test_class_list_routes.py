"""Watch 5: the straight lines from fc2's cells to its list of top classes ("9 70% / 7 29% / 3 / 1
/ 8", beside a column whose rows run 0 to 9) slanted into one another, and no cell read as its
digit. The list stays in order of probability, so where that is not the rows' order some lines must
cross between the column and the list; they are bent at right angles in lanes of their own
(label_layout.list_route): each leaves its row level with it and meets its entry level with it, two
lines cross only square (a lane across another's level run), never along a slant or on one
another, and no more often than the order forces."""

from itertools import combinations

import numpy as np
import pytest

from nnvox.viewer.label_layout import list_route

COLUMN, NEAR = 100.0, 190.0  # the column's right edge, the list's left edge (pixels)
ROW_PITCH, ENTRY_PITCH = 12.0, 40.0  # fc2's cells, the list's entries (y up, class 0 / entry 0 on top)


def _ends(classes: list[int]) -> list[tuple[float, float]]:
    """(row height, entry height) for a list of `classes`, most probable first."""
    return [(600 - ROW_PITCH * c, 640 - ENTRY_PITCH * k) for k, c in enumerate(classes)]


def _meet(a, b) -> tuple[float, float] | None:
    """Where segments a and b (x0, y0, x1, y1) touch: one horizontal and one vertical, or None."""
    for h, v in ((a, b), (b, a)):
        if h[1] == h[3] and v[0] == v[2]:
            x, y = v[0], h[1]
            if min(h[0], h[2]) <= x <= max(h[0], h[2]) and min(v[1], v[3]) <= y <= max(v[1], v[3]):
                return x, y
            return None
    return None


def _overlap(a, b) -> bool:
    """Whether a and b run along one another: both level (or both upright) within 3 px, sharing a stretch."""
    for axis in (1, 0):  # level: same y; upright: same x
        if a[axis] == a[axis + 2] and b[axis] == b[axis + 2] and abs(a[axis] - b[axis]) < 3:
            other = 1 - axis
            lo = max(min(a[other], a[other + 2]), min(b[other], b[other + 2]))
            hi = min(max(a[other], a[other + 2]), max(b[other], b[other + 2]))
            return hi - lo > 1e-9
    return False


def _inversions(classes: list[int]) -> int:
    return sum(1 for i, j in combinations(range(len(classes)), 2) if classes[i] > classes[j])


@pytest.mark.parametrize(
    "classes",
    [[9, 7, 3, 1, 8], [0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [5, 0, 9, 2, 6], [2, 8], [6, 3, 0, 1, 2]],
)
def test_lines_leave_their_rows_and_meet_their_entries_crossing_only_square(classes):
    ends = _ends(classes)
    segments = list_route(COLUMN, NEAR, ends)
    assert len(segments) == 3 * len(classes)
    lines = [segments[3 * k : 3 * k + 3] for k in range(len(classes))]
    for (row, entry), (first, lane, last) in zip(ends, lines):
        assert first[:2] == (COLUMN, row) and first[3] == row, "leaves the column level with its row"
        assert last[2:] == (NEAR, entry) and last[1] == entry, "meets the list level with its entry"
        assert lane[0] == lane[2] and COLUMN < lane[0] < NEAR, "turns in a lane between the two"
    lanes = [line[1][0] for line in lines]
    assert len(set(lanes)) == len(lanes), "a lane of its own each"
    crossings = 0
    for i, j in combinations(range(len(lines)), 2):
        for a in lines[i]:
            for b in lines[j]:
                assert not _overlap(a, b), f"lines {classes[i]} and {classes[j]} run along one another"
                assert not (a[0] != a[2] and a[1] != a[3]), "no slanting piece"
                crossings += _meet(a, b) is not None
    assert crossings <= _inversions(classes), f"{crossings} crossings where the order forces {_inversions(classes)}"
    if classes == sorted(classes):
        assert crossings == 0


def test_straight_lines_crossed_where_the_bent_ones_cross_less():
    """The lecture's list "9 7 3 1 8": the straight lines cross each other 7 times (the order's
    inversions), at slants; the bent ones no more, all square."""
    classes = [9, 7, 3, 1, 8]
    ends = np.array(_ends(classes))

    def crossed(a, b) -> bool:  # straight lines from (COLUMN, row) to (NEAR, entry)
        return (a[0] - b[0]) * (a[1] - b[1]) < 0

    straight = sum(crossed(ends[i], ends[j]) for i, j in combinations(range(len(ends)), 2))
    assert straight == _inversions(classes) == 7

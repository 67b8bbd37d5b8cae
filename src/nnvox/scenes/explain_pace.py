"""The pace of an explaining shot (scenes/explain.py): which output positions it has visited at
each moment. The window stands on the first position of its walk from the shot's first frame
(the map before it computed already) and still while the shot fades in, then walks one row slowly,
a few positions a second, each with its own sum (a class sees it slide and the map fill cell by
cell), into the first of a few positions chosen from the data where it stops a while (a whole window of
the background, the window fullest of the stroke, the one across a stroke's edge where the map
answers most; and the last position, reading padding, where the shot leaves it on screen long
enough), so a class can follow the sum there; it sweeps quickly over the rest in reading order,
filling the map, easing out of each stop and into the next. Without a padded stop at the end, the
finished map is held a while."""

from __future__ import annotations

import numpy as np

SETTLE = 0.3  # seconds after the fade-in before the window moves: the caption has come in
WALK = 9  # consecutive positions of one row the window walks through one by one, into its first stop
WALK_SECONDS = 0.28  # ... each this long (3.6 a second: each sum read, the window seen to slide)
WALK_MOST = 0.3  # ... and all of them at most this share of a shot (a short one walks faster)
STOP_SHARE = 0.85  # of the rest of the shot after the fade-in, spent standing on the chosen positions
END_HOLD = 0.08  # ... and on the finished map, where the last stop is not the map's end already
DIGIT = 0.5  # the window reads the digit where it reads at least this much of the most ink a window reads
EDGE = (0.25, 0.6)  # ... and straddles a stroke's edge where it reads between these shares of it
PADDED_SECONDS = 1.75  # a stop on the padded last position only where each stop then lasts this long


def stops(ink: np.ndarray, outputs: np.ndarray, inside: np.ndarray, grid: tuple[int, int]) -> tuple[int, ...]:
    """Where the window stops, as indices in reading order: the window fullest of the digit's
    stroke, the one across a stroke's edge with the largest value either way, and a background
    position (a whole window of the input's background, the nearest the digit's middle); none two
    with the same printed value (scenes/explain.shown_sum: a class saw two background stops as
    one frozen panel). `ink`: how far each window's inputs stand from the background; `inside`:
    whether a window lies wholly inside the input (reads no padding)."""
    if ink.size == 0 or not ink.max() > 0:
        return ()
    most = ink.max()
    rows, cols = np.divmod(np.arange(ink.size), grid[1])
    weight = ink / ink.sum()
    middle = (float((rows * weight).sum()), float((cols * weight).sum()))
    candidates = [int(np.argmax(ink))]
    edge = np.flatnonzero(inside & (ink >= EDGE[0] * most) & (ink <= EDGE[1] * most))
    if edge.size:
        candidates.append(int(edge[np.argmax(np.abs(outputs[edge]))]))
    blank = np.flatnonzero(inside & (ink <= 1e-3 * most))
    if blank.size:
        far = (rows[blank] - middle[0]) ** 2 + (cols[blank] - middle[1]) ** 2
        candidates.append(int(blank[np.argmin(far)]))
    return tuple(sorted(distinct(candidates, outputs)))


def distinct(candidates: list[int], outputs: np.ndarray) -> list[int]:
    """`candidates` in order, less any whose value prints (to 3 decimals) as one before it does."""
    kept, seen = [], set()
    for k in candidates:
        printed = round(float(outputs[k]) * 1000)
        if printed not in seen:
            kept.append(k)
            seen.add(printed)
    return kept


def walk(stopping: tuple[int, ...], total: int, width: int) -> tuple[int, ...]:
    """The positions (indices in reading order) the window walks through one by one: WALK
    consecutive ones of the first stop's row (`width` positions a row), ending on the stop where
    the row allows, else from the row's start through it; no stops (a dense layer's units): the
    first WALK."""
    if not stopping:
        return tuple(range(min(WALK, total)))
    first = stopping[0]
    row_start = first - first % width
    row_end = min(row_start + width, total)
    start = max(row_start, min(first - WALK + 1, row_end - WALK))
    return tuple(range(start, min(start + WALK, row_end)))


def with_padded_end(
    chosen: tuple[int, ...],
    outputs: np.ndarray,
    padded: bool,
    seconds: float,
    lead: float = 0.0,
    tail: float = 0.0,
    walking: int = 0,
) -> tuple[int, ...]:
    """`chosen` and the last position, where it reads padding (`padded`), its value is not one
    already stopped on, and the window still stands on each stop, that one too, at least
    PADDED_SECONDS before the shot fades out (`tail` seconds), after walking `walking` positions;
    else `chosen` alone (a padding stop under a second or two taught nothing)."""
    last = len(outputs) - 1
    if not padded or not chosen or last in chosen or len(distinct([*chosen, last], outputs)) == len(chosen):
        return chosen
    stopping = (*chosen, last)
    return stopping if stop_seconds(len(stopping), seconds, lead, tail, walking) >= PADDED_SECONDS else chosen


def _start(seconds: float, lead: float) -> float:
    """The fraction of the shot before the window moves: its fade-in and SETTLE."""
    return min(lead + SETTLE, 0.5 * seconds) / seconds if lead > 0 else 0.0


def active_seconds(seconds: float, lead: float = 0.0, tail: float = 0.0) -> float:
    """Seconds from the window's first move to the shot's fade-out."""
    return max(seconds * (1.0 - _start(seconds, lead)) - tail, 0.0)


def walk_seconds(walking: int, active: float) -> float:
    """Seconds the window stands on each of `walking` positions walked one by one (WALK_SECONDS,
    less where that would take more than WALK_MOST of the `active` seconds)."""
    return min(WALK_SECONDS, WALK_MOST * active / walking) if walking else 0.0


def stop_seconds(count: int, seconds: float, lead: float = 0.0, tail: float = 0.0, walking: int = 0) -> float:
    """Seconds the window stands on each of `count` stops, after walking `walking` positions."""
    active = active_seconds(seconds, lead, tail)
    rest = active - walking * walk_seconds(walking, active)
    return STOP_SHARE * rest / max(count, 1)


def first_visited(stopping: tuple[int, ...], walked: tuple[int, ...]) -> int:
    """The position the window stands on from the shot's first frame: the walk's first, where it
    walks into a stop (the map before it computed already: a class saw the window race over the
    background under a heading naming a stop still ahead, then jump back to the walk's start)."""
    return walked[0] if stopping and walked else 0


def eased(n: int) -> np.ndarray:
    """Shares of a sweep's time on each of its `n` positions: the window leaves a stop and lands on
    the next slowly, fastest halfway (smoothstep; a sweep at one pace landed 16 positions in one
    frame, which a class took for the camera jumping)."""
    y = np.linspace(0.0, 1.0, n + 1)
    tau = 0.5 - np.sin(np.arcsin(1.0 - 2.0 * y) / 3.0)  # smoothstep's inverse
    return np.diff(tau)


def dwell(total: int, stopping: tuple[int, ...], walked: tuple[int, ...], active: float) -> np.ndarray:
    """Seconds the window stands on each of `total` positions over `active` seconds: none before
    the first it visits (first_visited), a stop's share, a walked position's WALK_SECONDS, the last
    the rest of the shot (its stop, or the finished map held), the others swept over, eased into
    each stop (eased)."""
    begin = first_visited(stopping, walked)
    walking = [k for k in walked if k not in stopping and k != total - 1]
    each = walk_seconds(len(walking), active)
    rest = active - each * len(walking)
    held = STOP_SHARE * rest / len(stopping) if stopping else 0.0
    end = held if stopping and stopping[-1] == total - 1 else END_HOLD * rest
    others = [k for k in stopping if k != total - 1]
    swept = np.ones(total, bool)
    swept[:begin] = swept[walking] = swept[others] = swept[-1] = False
    fast = int(swept.sum())
    spare = rest - held * len(others) - end  # what the quick sweeps share
    d = np.zeros(total)
    for run in np.split(np.flatnonzero(swept), np.flatnonzero(np.diff(np.flatnonzero(swept)) > 1) + 1):
        if run.size:
            d[run] = spare / fast * (run.size * eased(run.size) if stopping else 1.0)  # no stops: evenly
    d[walking] = each
    d[others] = held
    d[-1] = end if fast else end + spare
    return d


def schedule(
    progress: float,
    total: int,
    stopping: tuple[int, ...] = (),
    seconds: float = 1.0,
    lead: float = 0.0,
    tail: float = 0.0,
    walked: tuple[int, ...] = (),
) -> int:
    """How many of `total` positions are done at `progress` (0..1) of a shot `seconds` long that fades
    in over `lead` seconds and out over its last `tail`: the first position it visits (first_visited)
    until the fade-in has settled, then the window on each position for its dwell (`walked` ones one by one, a stop on
    each of `stopping`, the rest swept quickly), the last reached before the fade-out. At least one
    is always under way, so the window is on the input from the first frame."""
    start = _start(seconds, lead)
    end = 1.0 - min(tail / seconds, 0.5 * (1.0 - start))
    u = (min(max(progress, 0.0), 1.0) - start) / max(end - start, 1e-9)
    if u <= 0:
        return first_visited(tuple(stopping), tuple(walked)) + 1
    active = (end - start) * seconds
    d = dwell(total, tuple(stopping), tuple(walked), active)
    return min(1 + int(np.searchsorted(np.cumsum(d[:-1]), u * active, side="right")), total)

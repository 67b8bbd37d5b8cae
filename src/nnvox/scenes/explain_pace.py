"""The pace of an explaining shot (scenes/explain.py): which output positions it has visited at
each moment. The window stands on the first position of its walk from the shot's first frame
(the map before it computed already) and still while the shot fades in, then walks a few positions of
one row, WALK_SECONDS each (the first, where the class meets the 25 products, FIRST_WALK_SECONDS),
each with its own sum (a class sees it slide and the map fill cell by cell, the lecturer says each
sum; 9 steps at 0.28 s flashed 75 numbers 3-4 times a second), into
the first of the positions chosen from the data where it stops. A stop lasts as long as
a lecturer needs to point at the window's products and its sum and say them: the first, where the
class meets the arithmetic, at least FIRST_READING, each other at least READING. So a shot keeps as
many of the chosen positions as its length allows, the most telling first (IMPORTANCE: across a
stroke's edge where the map answers most, then the last position, reading padding, then the window
fullest of the stroke and the background): a short shot stops once, long; a long one on all.
Between stops the window sweeps over the rest in reading order, filling the map slowly enough for
the class to watch (the rest of the shot: at 1.9 s for 597 positions nobody saw it), easing out of
each stop and into the next; the window and the inset's numbers hop over it, a few times a second,
each hop's position held and printed while the map fills on (hopped: watch 9 sat through six
seconds of "–" tables, watch 10 saw a new position every frame as flicker). Where a sweep starts
or ends the numbers go over LEAVING and come in over ARRIVING, with the heading's words, which
change there ("sliding to ..."); from one walked position or stop to the next they change together
(legible).
Without a padded stop at the end, the finished map is held a while."""

from __future__ import annotations

import numpy as np

SETTLE = 0.3  # seconds after the fade-in before the window moves: the caption has come in
# consecutive positions of one row the window walks through one by one, into its first stop: two
# and the stop (four at 2.5 s each in a 22 s shot: a lecturer's watch found 2.5 s too little to point
# at the patch, the kernel, the products and the sum; fewer positions rather than a longer shot)
WALK = 3
# ... each this long: a lecturer points at the patch, the kernel, the products and the sum and says
# it ("3.88, then 4.68, ...") as the map's cell fills (watch 7 asked 4-5 s; at 2.5 s, at 1.0 s and
# at 0.75 s a step the walk went too fast to talk over) ...
WALK_SECONDS = 4.0
# ... the first of them longer: there the lecturer walks the class through all 25 products and the
# sum for the first time (watch 8: 4.3 s was not enough for that, asked 8-10 s); its seconds after
# the fade-in and SETTLE, which it stands through as well (about 9 s on screen in the lecture's 26 s)
FIRST_WALK_SECONDS = 8.2
# ... and all of them at most this share of a shot, each shortened alike where they would take more
# (a short shot walks faster: a 12 s shot about 3.6 s on the first, 1.7 s on the next)
WALK_MOST = 0.52
# seconds a stop lasts at least: a lecturer points at the 5 x 5 window's products and the sum and
# says them (the padded corner: "padding reads 0"); not frozen longer (at 5.5 s it read as stuck)
# (2.5 s and 4 s let the lecture's 26 s shot keep a third stop once the sweep was cut to 3 s, each
# stop then no longer than before: watch 9 asked the first stop and the padded corner held longer)
READING = 2.75
FIRST_READING = 4.5  # ... the first stop: the class meets the arithmetic there (at 8.5 s it froze)
# of the shot after the fade-in (its active seconds), the sweeps between stops, which fill the map in
# front of the class; the rest of what the walk leaves is spent standing on the stops. About 3 s of
# the lecture's 26 s shot: at 1.9 s for 597 positions nobody saw it, at 6 s watch 9 sat through six
# seconds of empty tables ("–") while the window swept to row 27, column 27; the 3 s saved hold the
# first stop (about 5.9 s) and the padded corner (about 3.7 s) longer
SWEEP_SHARE = 0.12
# hops a second, at most, of the window and the inset's tables while it sweeps: each hop's position
# held, its numbers printed with it, while the map behind fills smoothly (watch 10: a new window
# position, 25 patch cells, 25 products and four sums almost every frame read as flicker, the window
# wrapping to a new row each frame jumping round the digit; watch 9 had asked for the tables printed,
# not "–", so they hop rather than blank)
HOPS = 3.0
ARRIVING = 0.25  # seconds the numbers and heading take to come in after a sweep's start or end (no pop)
LEAVING = 0.15  # ... and to go before it
END_HOLD = 0.08  # ... of which the finished map's hold, where the last stop is not the map's end already
# Which stops a shot keeps first: the window across a stroke's edge where the map answers most (its
# sum far from 0, a dark cell of the map: on sample 9 of the lecture's run, 2.7-5.2 on conv1's six
# maps, where the window fullest of the stroke gave -0.07 on map 0, its products cancelling), then
# the last position, reading padding (zeros), then the fullest, then the background.
IMPORTANCE = ("edge", "padding", "fullest", "background")
EDGE = (0.25, 0.6)  # a window straddles a stroke's edge where it reads these shares of the most ink one reads


def stops(ink: np.ndarray, outputs: np.ndarray, inside: np.ndarray, grid: tuple[int, int]) -> tuple[int, ...]:
    """Where the window may stop, as indices, the most telling first (IMPORTANCE), none two with the
    same printed value (scenes/explain.shown_sum: a class saw two background stops as one frozen
    panel). `ink`: how far each window's inputs stand from the background; `inside`: whether a
    window lies wholly inside the input (reads no padding)."""
    found = candidates(ink, outputs, inside, grid)
    return tuple(distinct([found[name] for name in IMPORTANCE if name in found], outputs))


def candidates(ink: np.ndarray, outputs: np.ndarray, inside: np.ndarray, grid: tuple[int, int]) -> dict[str, int]:
    """The positions worth a stop, by name: the window fullest of the digit's stroke, the one across
    a stroke's edge with the largest value either way, a background position (a whole window of
    the input's background, the nearest the digit's middle) and the last position where it reads
    padding; none where no window reads the digit."""
    if ink.size == 0 or not ink.max() > 0:
        return {}
    most = ink.max()
    rows, cols = np.divmod(np.arange(ink.size), grid[1])
    weight = ink / ink.sum()
    middle = (float((rows * weight).sum()), float((cols * weight).sum()))
    found = {"fullest": int(np.argmax(ink))}
    edge = np.flatnonzero(inside & (ink >= EDGE[0] * most) & (ink <= EDGE[1] * most))
    if edge.size:
        found["edge"] = int(edge[np.argmax(np.abs(outputs[edge]))])
    blank = np.flatnonzero(inside & (ink <= 1e-3 * most))
    if blank.size:
        far = (rows[blank] - middle[0]) ** 2 + (cols[blank] - middle[1]) ** 2
        found["background"] = int(blank[np.argmin(far)])
    if not inside[-1]:
        found["padding"] = ink.size - 1
    return found


def distinct(candidates: list[int], outputs: np.ndarray) -> list[int]:
    """`candidates` in order, less any whose value prints (to 3 decimals) as one before it does."""
    unique, seen = [], set()
    for k in candidates:
        printed = round(float(outputs[k]) * 1000)
        if printed not in seen:
            unique.append(k)
            seen.add(printed)
    return unique


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


def kept(
    ranked: tuple[int, ...], total: int, width: int, seconds: float, lead: float = 0.0, tail: float = 0.0
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The stops a shot of `seconds` keeps, in reading order, and the positions walked into the
    first (walk): the most of `ranked` (the most telling first) whose each stop then lasts at least
    its reading time (reading_times); the first alone, as long as the shot allows, where none do."""
    active = active_seconds(seconds, lead, tail)
    for n in range(len(ranked), 1, -1):
        stopping = tuple(sorted(ranked[:n]))
        walked = walk(stopping, total, width)
        if stop_budget(total, stopping, walked, active) >= reading_times(n).sum():
            return stopping, walked
    stopping = tuple(ranked[:1])
    return stopping, walk(stopping, total, width)


def reading_times(count: int) -> np.ndarray:
    """The least seconds each of `count` stops needs, in visiting order: FIRST_READING, then READING."""
    return np.array([FIRST_READING] + [READING] * (count - 1))[:count]


def _start(seconds: float, lead: float) -> float:
    """The fraction of the shot before the window moves: its fade-in and SETTLE."""
    return min(lead + SETTLE, 0.5 * seconds) / seconds if lead > 0 else 0.0


def active_seconds(seconds: float, lead: float = 0.0, tail: float = 0.0) -> float:
    """Seconds from the window's first move to the shot's fade-out."""
    return max(seconds * (1.0 - _start(seconds, lead)) - tail, 0.0)


def walk_seconds(walking: int, active: float) -> np.ndarray:
    """Seconds the window stands on each of `walking` positions walked one by one: the first
    FIRST_WALK_SECONDS, the others WALK_SECONDS, all shortened alike where together they would take
    more than WALK_MOST of the `active` seconds."""
    if not walking:
        return np.zeros(0)
    wanted = np.array([FIRST_WALK_SECONDS] + [WALK_SECONDS] * (walking - 1))
    return wanted * min(1.0, WALK_MOST * active / wanted.sum())


def walked_one_by_one(total: int, stopping: tuple[int, ...], walked: tuple[int, ...]) -> list[int]:
    """The walked positions the window stands on for their walk_seconds: the walk less its stop."""
    return [k for k in walked if k not in stopping and k != total - 1]


def walking_pace(
    total: int, stopping: tuple[int, ...], walked: tuple[int, ...], active: float
) -> tuple[list[int], np.ndarray, float]:
    """The positions walked one by one (walked_one_by_one), the seconds on each (walk_seconds) and
    the seconds the walk leaves of `active`: one count for the stops' budget and the dwell."""
    walking = walked_one_by_one(total, stopping, walked)
    each = walk_seconds(len(walking), active)
    return walking, each, active - float(each.sum())


def stop_budget(total: int, stopping: tuple[int, ...], walked: tuple[int, ...], active: float) -> float:
    """Seconds the window stands on `stopping` in all, over `active` seconds: what the walk leaves,
    less the sweeps (SWEEP_SHARE of `active`) and the finished map's hold where the last stop is not
    the map's end."""
    rest = walking_pace(total, stopping, walked, active)[2]
    end = 0.0 if stopping and stopping[-1] == total - 1 else END_HOLD * rest
    return max(rest - SWEEP_SHARE * active - end, 0.0)


def stop_seconds(total: int, stopping: tuple[int, ...], walked: tuple[int, ...], active: float) -> np.ndarray:
    """Seconds the window stands on each of `stopping` (visiting order): the stop budget shared in
    proportion to their reading times, so the first stands longest and none under its own where the
    shot allows (kept)."""
    if not stopping:
        return np.zeros(0)
    need = reading_times(len(stopping))
    return stop_budget(total, stopping, walked, active) * need / need.sum()


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


def swept_over(total: int, stopping: tuple[int, ...], walked: tuple[int, ...]) -> np.ndarray:
    """Whether the window sweeps over each of `total` positions (not before the first it visits,
    not a walked one, a stop or the last)."""
    swept = np.ones(total, bool)
    swept[: first_visited(stopping, walked)] = False
    swept[walked_one_by_one(total, stopping, walked)] = False
    swept[[k for k in stopping if k != total - 1]] = False
    swept[-1] = False
    return swept


def dwell(total: int, stopping: tuple[int, ...], walked: tuple[int, ...], active: float) -> np.ndarray:
    """Seconds the window stands on each of `total` positions over `active` seconds: none before
    the first it visits (first_visited), a stop its stop_seconds, a walked position its
    walk_seconds, the last the rest of the shot (its stop, or the finished map held), the others
    swept over, eased into each stop (eased)."""
    walking, each, rest = walking_pace(total, stopping, walked, active)
    held = stop_seconds(total, stopping, walked, active)
    others = [k for k in stopping if k != total - 1]
    end = held[-1] if len(others) < len(stopping) else END_HOLD * rest
    swept = swept_over(total, stopping, walked)
    fast = int(swept.sum())
    spare = rest - held[: len(others)].sum() - end  # what the quick sweeps share
    d = np.zeros(total)
    for run in np.split(np.flatnonzero(swept), np.flatnonzero(np.diff(np.flatnonzero(swept)) > 1) + 1):
        if run.size:
            d[run] = spare / fast * (run.size * eased(run.size) if stopping else 1.0)  # no stops: evenly
    d[walking] = each
    d[others] = held[: len(others)]
    d[-1] = end if fast else end + spare
    return d


def _clock(
    progress: float,
    total: int,
    stopping: tuple[int, ...],
    seconds: float,
    lead: float,
    tail: float,
    walked: tuple[int, ...],
) -> tuple[int, float, float]:
    """How many positions are done at `progress`, the seconds since the window arrived on the last
    of them (inf where it has stood there since the shot's first frame) and the seconds until it
    leaves it (inf: the last position, or while the shot comes in); on a position swept over, since
    the sweep began and until it ends (one heading over a sweep)."""
    start = _start(seconds, lead)
    end = 1.0 - min(tail / seconds, 0.5 * (1.0 - start))
    u = (min(max(progress, 0.0), 1.0) - start) / max(end - start, 1e-9)
    begin = first_visited(tuple(stopping), tuple(walked))
    if u <= 0:
        return begin + 1, float("inf"), float("inf")
    active = (end - start) * seconds
    ends = np.cumsum(dwell(total, tuple(stopping), tuple(walked), active)[:-1])
    k = min(int(np.searchsorted(ends, u * active, side="right")), total - 1)
    first = last = k
    swept = swept_over(total, tuple(stopping), tuple(walked))
    while swept[k] and first > 0 and swept[first - 1]:
        first -= 1
    while swept[k] and swept[last + 1]:  # (the last position is never swept over)
        last += 1
    since = float("inf") if first <= begin else u * active - float(ends[first - 1])
    until = float("inf") if last == total - 1 else float(ends[last]) - u * active
    return k + 1, since, until


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
    return _clock(progress, total, stopping, seconds, lead, tail, walked)[0]


def arrived(
    progress: float,
    total: int,
    stopping: tuple[int, ...] = (),
    seconds: float = 1.0,
    lead: float = 0.0,
    tail: float = 0.0,
    walked: tuple[int, ...] = (),
) -> tuple[float, float]:
    """The seconds since the window arrived on the position it stands on at `progress` (as
    schedule) and until it leaves it (inf: there from the first frame, or to the last); over a
    sweep, since it began and until it ends."""
    return _clock(progress, total, stopping, seconds, lead, tail, walked)[1:]


def legible(
    progress: float,
    total: int,
    stopping: tuple[int, ...] = (),
    seconds: float = 1.0,
    lead: float = 0.0,
    tail: float = 0.0,
    walked: tuple[int, ...] = (),
) -> float:
    """How far the numbers of the position the window stands on at `progress` (as schedule) are
    shown, 0 to 1: after a sweep's start or end coming in over ARRIVING, before one going over
    LEAVING, with the heading's words (Explanation._titled), which change there ("sliding to ...");
    over the sweep, those of each position it passes (the first position: there from the shot's
    first frame). From a walked position or a stop to the next the window steps: the heading, the
    products and the sum of the new position replace the old ones in one frame, together (fading
    each out and in greyed the products for 0.4 s at every step, and the heading changed before
    them: a lecturer's watch saw a grey flash every second). (The heading fades by its words:
    Explanation._titled, with `arrived`.)"""
    done, since, until = _clock(progress, total, stopping, seconds, lead, tail, walked)
    swept = swept_over(total, tuple(stopping), tuple(walked))
    k = done - 1
    if not swept[k] and k > first_visited(tuple(stopping), tuple(walked)) and not swept[k - 1]:
        since = float("inf")  # stepped here from a position whose numbers were shown
    if not swept[k] and k < total - 1 and not swept[k + 1]:
        until = float("inf")  # ... and steps on to one
    return min(since / ARRIVING, until / LEAVING, 1.0)


def hopped(
    progress: float,
    total: int,
    stopping: tuple[int, ...] = (),
    seconds: float = 1.0,
    lead: float = 0.0,
    tail: float = 0.0,
    walked: tuple[int, ...] = (),
    width: int = 0,
) -> int:
    """The index of the position the window stands on at `progress`, its tables printed with it
    (schedule's last done, except over a sweep): over a sweep, one the map had reached at the
    start of the current hop, the sweep cut into equal hops of at least 1 / HOPS seconds, the first
    where it begins, the last ending where it lands (so the printed position changes at most
    HOPS + 1 times in any second). On a map (`width` positions a row) the hops keep the column the
    sweep left from, the window stepping straight down the map (the last computed position of
    that column; hopping to the map's last computed one jumped it from side to side)."""
    k = schedule(progress, total, stopping, seconds, lead, tail, walked) - 1
    swept = swept_over(total, tuple(stopping), tuple(walked))
    if not swept[k]:
        return k
    start = _start(seconds, lead)
    end = 1.0 - min(tail / seconds, 0.5 * (1.0 - start))
    now = (min(max(progress, 0.0), 1.0) - start) * seconds  # seconds since the window first moved
    ends = np.cumsum(dwell(total, tuple(stopping), tuple(walked), (end - start) * seconds)[:-1])
    first = last = k
    while first > 0 and swept[first - 1]:
        first -= 1
    while swept[last + 1]:  # (the last position is never swept over)
        last += 1
    began = float(ends[first - 1]) if first > 0 else 0.0
    length = float(ends[last]) - began
    slot = length / max(int(length * HOPS), 1)
    at = began + np.floor(max(now - began, 0.0) / slot) * slot
    front = min(int(np.searchsorted(ends, at, side="right")), last)
    if width > 0:  # the last computed position in the column the sweep left from
        column = max(first - 1, 0) % width
        front = front - (front % width - column) % width
    return max(first, front)

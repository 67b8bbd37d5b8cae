"""The pace of an explaining shot (scenes/explain.py): which output positions it has visited at
each moment. The window stands still while the shot fades in, stops for a while on a few positions
chosen from the data, each with a sum of its own (a whole window of the background, the window
fullest of the stroke, the one across a stroke's edge where the map answers most; and the last
position, reading padding, where the shot leaves it on screen long enough), so a class can follow
the sum there, and sweeps quickly over the rest in reading order, filling the map; the finished
map is held at the end, the window on its last position."""

from __future__ import annotations

import math

import numpy as np

SETTLE = 0.3  # seconds after the fade-in before the window moves: the caption has come in
STOP_SHARE = 0.76  # of the shot after the fade-in, spent standing on the chosen positions
END_HOLD = 0.08  # ... and on the finished map
DIGIT = 0.5  # the window reads the digit where it reads at least this much of the most ink a window reads
EDGE = (0.25, 0.6)  # ... and straddles a stroke's edge where it reads between these shares of it
PADDED_SECONDS = 2.0  # a stop on the padded last position only where each stop then lasts this long


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


def with_padded_end(
    chosen: tuple[int, ...], outputs: np.ndarray, padded: bool, seconds: float, lead: float = 0.0, tail: float = 0.0
) -> tuple[int, ...]:
    """`chosen` and the last position, where it reads padding (`padded`), its value is not one
    already stopped on, and the window still stands on each stop, that one too, at least
    PADDED_SECONDS before the shot fades out (`tail` seconds); else `chosen` alone (a padding stop
    under a second taught nothing)."""
    last = len(outputs) - 1
    if not padded or not chosen or last in chosen or len(distinct([*chosen, last], outputs)) == len(chosen):
        return chosen
    stopping = (*chosen, last)
    return stopping if stop_seconds(len(stopping), seconds, lead, tail) >= PADDED_SECONDS else chosen


def _start(seconds: float, lead: float) -> float:
    """The fraction of the shot before the window moves: its fade-in and SETTLE."""
    return min(lead + SETTLE, 0.5 * seconds) / seconds if lead > 0 else 0.0


def active_seconds(seconds: float, lead: float = 0.0, tail: float = 0.0) -> float:
    """Seconds from the window's first move to the shot's fade-out."""
    return max(seconds * (1.0 - _start(seconds, lead)) - tail, 0.0)


def stop_seconds(count: int, seconds: float, lead: float = 0.0, tail: float = 0.0) -> float:
    """Seconds the window stands on each of `count` stops."""
    return STOP_SHARE * active_seconds(seconds, lead, tail) / max(count, 1)


def schedule(
    progress: float, total: int, stopping: tuple[int, ...] = (), seconds: float = 1.0, lead: float = 0.0, tail=0.0
) -> int:
    """How many of `total` positions are done at `progress` (0..1) of a shot `seconds` long that fades
    in over `lead` seconds and out over its last `tail`: the first position until the fade-in has
    settled, then a sweep to each of `stopping` (indices) and a stop there, STOP_SHARE of the time
    shared among the stops, the sweeps (at one pace) sharing the rest but END_HOLD; the last
    position reached before the fade-out. At least one is always under way, so the window is on
    the input from the first frame. No stops (a dense layer's units): one pace."""
    start = _start(seconds, lead)
    end = 1.0 - min(tail / seconds, 0.5 * (1.0 - start))
    u = (min(max(progress, 0.0), 1.0) - start) / max(end - start, 1e-9)
    if u <= 0:
        return 1
    moving = 1.0 - END_HOLD - (STOP_SHARE if stopping else 0.0)
    marks = [k + 1 for k in stopping]  # done when standing on stop k
    sweeps = np.diff([1, *marks, total])  # positions passed between stops
    rate = moving / max(int(sweeps.sum()), 1)
    hold = STOP_SHARE / len(stopping) if stopping else 0.0
    at, done = 0.0, 1
    for mark, sweep in zip([*marks, total], sweeps, strict=True):
        if u < at + sweep * rate:
            return done + math.floor((u - at) / rate)
        at, done = at + sweep * rate, mark
        if mark != total:
            if u < at + hold:
                return done
            at += hold
    return total

"""The pace of an explaining shot (scenes/explain.py): which output positions it has visited at
each moment. The window stands still while the shot fades in, stops for a while on a few positions
chosen from the data (the background, and the highest and lowest values of the map where the window
reads the digit), so a class can follow the sum there, and sweeps quickly over the rest in reading
order, filling the map; the finished map is held at the end."""

from __future__ import annotations

import math

import numpy as np

SETTLE = 0.3  # seconds after the fade-in before the window moves: the caption has come in
STOP_SHARE = 0.72  # of the shot after the fade-in, spent standing on the chosen positions
END_HOLD = 0.08  # ... and on the finished map
DIGIT = 0.5  # the window reads the digit where it reads at least this much of the map's most ink


def stops(ink: np.ndarray, outputs: np.ndarray, inside: np.ndarray, grid: tuple[int, int]) -> tuple[int, ...]:
    """Where the window stops, as indices in reading order: a background position (a whole window
    of the input's background, the nearest the digit's middle), and the lowest and highest output
    among the positions that read the digit. `ink`: how far each window's inputs stand from the
    background; `inside`: whether a window lies wholly inside the input (reads no padding)."""
    if ink.size == 0 or not ink.max() > 0:
        return ()
    digit = np.flatnonzero(ink >= DIGIT * ink.max())
    rows, cols = np.divmod(np.arange(ink.size), grid[1])
    weight = ink / ink.sum()
    middle = (float((rows * weight).sum()), float((cols * weight).sum()))
    blank = np.flatnonzero(inside & (ink <= 1e-3 * ink.max()))
    chosen = [int(digit[np.argmin(outputs[digit])]), int(digit[np.argmax(outputs[digit])])]
    if blank.size:
        far = (rows[blank] - middle[0]) ** 2 + (cols[blank] - middle[1]) ** 2
        chosen.append(int(blank[np.argmin(far)]))
    return tuple(sorted(set(chosen)))


def schedule(
    progress: float, total: int, stopping: tuple[int, ...] = (), seconds: float = 1.0, lead: float = 0.0
) -> int:
    """How many of `total` positions are done at `progress` (0..1) of a shot `seconds` long that fades
    in over `lead` seconds: the first position until the fade-in has settled, then a sweep to each
    of `stopping` (indices) and a stop there, STOP_SHARE of the time shared among the stops, the
    sweeps (at one pace) sharing the rest but END_HOLD. At least one is always under way, so the
    window is on the input from the first frame. No stops (a dense layer's units): one pace."""
    start = min(lead + SETTLE, 0.5 * seconds) / seconds if lead > 0 else 0.0
    u = (min(max(progress, 0.0), 1.0) - start) / (1.0 - start)
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

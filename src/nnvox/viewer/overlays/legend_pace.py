"""How a lecture's colour bars change with the picture: in three phases, each a picture's step at a
time (ColourLegends._move): out (a bar leaving fades, a title or numbers changing fade), slide (the
bars left move into their slots; a text gone out takes its new words), in (a bar coming fades in at
its place, the new words fade in). Never the old and the new words at once nor a swap in one
picture: as every other text of the lecture switches (a stage caption's out, then in).

A change rides the camera's move: the strip reads the view where the camera next stands still
(camera_stops, at most LOOK_AHEAD away) from the move's first picture, and its phases fit before the
camera stops (change_step). In a followed forward pass (5 s a stage, the camera's travel 0.8 s) the
bar named a stage only once it was lit whole, 0.8 s in, and "probability" faded in 0.83-1.13 s into
pool2's step, as fc2 came into view: pool2's hold was still for 3.70 s of its 5 s, not 4.07."""

from __future__ import annotations

import dataclasses

import numpy as np

CHANGE_PHASE = 0.25  # seconds each phase takes at most: a whole change (out, slide, in) 0.75 s
PHASES = 3
LEAST_PHASE = 0.1  # seconds: a change as the camera stops takes no less a phase (not a swap in a picture)
LOOK_AHEAD = 1.0  # seconds: the farthest ahead of a moving camera's picture the strip reads its view


def camera_stops(poses: list, fps: float) -> list[tuple[int, float]]:
    """For each picture of a shot (its camera `poses`), the picture whose view the strip shows
    (where the camera next stands still, itself where it stands still now; at most LOOK_AHEAD
    ahead) and the seconds till then."""
    keys = [None if p is None else np.hstack(dataclasses.astuple(p)).astype(float) for p in poses]
    # a picture the camera moved to (from the one before) looks to where the move ends: the first
    # picture the next one keeps; one it held looks at itself (a move's last still picture too)
    held = [k == 0 or _alike(keys[k - 1], keys[k]) for k in range(len(keys))]
    ends = [k + 1 >= len(keys) or _alike(keys[k], keys[k + 1]) for k in range(len(keys))]
    most = max(round(LOOK_AHEAD * fps), 0)
    out, stop = [], len(keys) - 1
    for k in range(len(keys) - 1, -1, -1):  # from the end: the next picture a move ends on, at or after each
        stop = k if ends[k] else stop
        target = min(k if held[k] else stop, k + most)
        out.append((target, (target - k) / fps))
    return out[::-1]


def _alike(a, b) -> bool:
    """Whether two poses (flattened) are one picture's: float noise aside (a step's first pose is its
    hold's, blended a step's 1e-15 of the way: not a move)."""
    if a is None or b is None:
        return a is b
    return bool(np.allclose(a, b, rtol=0.0, atol=1e-7 * max(1.0, float(np.abs(a).max()))))


def change_step(fps: float, left: float) -> float:
    """A fade's share one picture takes: each phase over CHANGE_PHASE, or a third of the `left`
    seconds till the camera stops where that is less (a short travel's changes end with it), over
    LEAST_PHASE and two pictures at the least."""
    phase = CHANGE_PHASE if left <= 0 else max(min(CHANGE_PHASE, left / PHASES), LEAST_PHASE)
    return 1.0 / max(phase * fps, 2.0)


def strip_goal(seen: tuple[int, ...], levels: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each bar's light and place are going: lit where `seen`; the bars seen or still fading
    out take the strip's slots in their order (one fading keeps its place till it is gone)."""
    lit = np.array([float(i in seen) for i in range(len(levels))])
    present = [i for i in range(len(levels)) if i in seen or levels[i] > 0]
    goal = slots.copy()
    for slot, i in enumerate(present):
        goal[i] = slot
    return lit, goal


def swapped(shown: list[list[str]], wanted: list[list[str]], lights: list[np.ndarray], levels, step: float):
    """The out phase of the bars' texts: each text whose words change fades a `step` (at once on a
    bar not drawn); the (bar, text, words) to write where one is out. Whether all are out."""
    swaps = []
    for i, (now, new) in enumerate(zip(shown, wanted, strict=True)):
        for j, (a, b) in enumerate(zip(now, new, strict=True)):
            if a == b:
                continue
            lights[i][j] = 0.0 if levels[i] <= 0 else max(0.0, lights[i][j] - step)
            if lights[i][j] <= 0:
                swaps.append((i, j, b))
    return swaps


def texts_steady(shown: list[list[str]], wanted: list[list[str]], lights: list[np.ndarray]) -> bool:
    """Whether every text has its words and is drawn whole."""
    return shown == wanted and all(np.all(light >= 1.0) for light in lights)

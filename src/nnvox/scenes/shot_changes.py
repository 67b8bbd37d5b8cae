"""How one shot gives way to the next, frame by frame, as numbers (storyboard.transitions picks the
way): the frames of a cross-fade, and each frame's level in a dip (1: as drawn, 0: the background).
Pure functions of the storyboard and the frame rate, so every render dips on the same frames."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.shots import frame_count, move_seconds
from nnvox.scenes.storyboard import Shot, Storyboard


def change_seconds(board: Storyboard, shot: Shot) -> float:
    """Seconds of the change into `shot`: a cross-fade's, or each half of a dip's (its `fade`, else
    the video's fade_seconds)."""
    return board.fade_seconds if shot.fade is None else shot.fade


def dip_seconds(board: Storyboard, into: Shot, darkened: Shot) -> float:
    """Seconds of one half of the dip into shot `into`, in the shot it darkens (`into` itself as it
    fades in, the shot before as it fades out): the change's length (change_seconds), at most a
    third of the darkened shot, so a short shot still shows itself undimmed between its fade-in
    and its fade-out."""
    return min(change_seconds(board, into), darkened.duration / 3)


def dip_frames(board: Storyboard, into: Shot, darkened: Shot, fps: int) -> int:
    """Frames of one half of a dip (dip_seconds)."""
    return round(dip_seconds(board, into, darkened) * fps)


def coming_in(board: Storyboard, i: int, way: str) -> float:
    """Seconds shot i takes to come in by `way` (a dip's fade-in, a cross-fade, the camera's move
    from the shot before; 0 for a cut), for what waits until then (an explained layer's window)."""
    shot = board.shots[i]
    if way == "dip":
        return dip_seconds(board, shot, shot)
    if way == "move":
        return move_seconds(shot.duration)
    return change_seconds(board, shot) if way == "fade" else 0.0


def going_out(board: Storyboard, i: int, ways: list[str]) -> float:
    """Seconds shot i takes to dip out before the next shot comes in (0 where the next does not dip
    in), for what must finish before then (an explained layer's window on its last position)."""
    if i + 1 >= len(board.shots) or ways[i + 1] != "dip":
        return 0.0
    return dip_seconds(board, board.shots[i + 1], board.shots[i])


def cross_fade_frames(board: Storyboard, fps: int, ways: list[str]) -> list[int]:
    """Frames of each shot that cross-fade from the shot before (only where "fade" is asked)."""
    return [round(change_seconds(board, s) * fps) if way == "fade" else 0 for s, way in zip(board.shots, ways)]


# A "move": seconds over which the shot before's last frames dissolve into the shot's first, which
# starts from the same camera pose: texts and marks the new shot does not show fade out, its own
# fade in (the lecture's top-5 list, relu3's label and the output's row gaps vanished in one frame
# at 26 s). The shot before holds still there (its move eased to a stop, its answer held), so the
# dissolve shows no double picture, and the new shot starts whole from its first frame.
MOVE_FADE = 0.3


def move_fade_frames(board: Storyboard, fps: int, ways: list[str]) -> list[int]:
    """Of each shot that carries the camera on ("move"), the frames of the shot before that
    dissolve into its first: MOVE_FADE, at most a third of the shot before."""
    return [
        min(round(MOVE_FADE * fps), frame_count(board.shots[i - 1], fps) // 3) if way == "move" and i else 0
        for i, way in enumerate(ways)
    ]


def dip_levels(board: Storyboard, fps: int, ways: list[str]) -> list[np.ndarray]:
    """Each shot's frames' levels: 1 as drawn, falling linearly to 0 (the background alone) over a
    dip's out-half at the shot's end, rising from 0 over its in-half at the next shot's start. The
    last frame before the change and the first after are background alone, so the texts switch
    on a blank frame and no frame holds two shots."""
    levels = []
    for i, (shot, way) in enumerate(zip(board.shots, ways)):
        n = frame_count(shot, fps)
        level = np.ones(n)
        k = np.arange(n)
        if way == "dip" and (into := dip_frames(board, shot, shot, fps)):
            level = np.minimum(level, k / into)
        after = board.shots[i + 1] if i + 1 < len(board.shots) else None
        if after is not None and ways[i + 1] == "dip" and (out := dip_frames(board, after, shot, fps)):
            level = np.minimum(level, (n - 1 - k) / out)
        levels.append(level)
    return levels

"""A close-up (the camera on a layer) fades the network out at the frame's sides: the subject
stands whole in the frame and its neighbours run on past the side edges; cut there, they read as
accidental (the lecture's conv1 close-up sliced relu2 at the right edge, 23-32 s). So each side
edge has a band over which the blocks fade into the background (drawn by viewer/overlays/
edge_fade.py), stopping short of the subject, eased in as the camera moves onto the layer. The
frame's edges in gaps between blocks was tried first: LeNet's blocks stand a few pixels apart on
screen, and the gaps move as the camera pans, so the only framing with no block cut was the whole
network. Pure numbers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnvox.scenes.camera import CameraPath, CameraPose, Key
from nnvox.scenes.framing import screen_axes
from nnvox.scenes.storyboard import CameraMove

BAND = 0.12  # of the frame's width: each side's fade, from the edge (the background) inwards (the picture)
SUBJECT_GAP = 0.02  # of the frame's width: the band stops this far short of the subject
_ANY = CameraPose((0.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, 1.0), 1.0)  # a stand-in: only the keys' timing counts


def close_share(move: CameraMove) -> Callable[[float], float]:
    """How far (0..1) the camera of `move` is on a layer at each fraction of its shot: 1 at and
    between keys on layers, eased as it moves from another key onto one (and off it), 0 elsewhere
    (a focus move: from its start into the layer)."""
    if move.move == "focus":
        path = CameraPath((Key(0.0, _ANY), Key(0.6, _ANY, move.ease), Key(1.0, _ANY, "linear")))
        on = [0.0, 1.0, 1.0]
    elif move.keys:
        path = CameraPath(tuple(Key(k.at, _ANY, k.ease) for k in move.keys))
        on = [float(k.layer is not None) for k in move.keys]
    else:
        return lambda s: 0.0

    def share(s: float) -> float:
        i, u = path.where(s)
        a, b = on[i], on[min(i + 1, len(on) - 1)]
        return a + (b - a) * u

    return share


def fade_bands(pose: CameraPose, subject, aspect: float, share: float) -> tuple[float, float]:
    """The (left, right) fade bands (of the frame's width) of a close-up `share` (close_share) of
    the way onto its layer under `pose`: BAND, `share` of it, and never within SUBJECT_GAP of
    the `subject` boxes (n, 6) on screen."""
    if share <= 0:
        return (0.0, 0.0)
    boxes = np.asarray(subject, float).reshape(-1, 6)
    right, _ = screen_axes(np.asarray(pose.direction, float))
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]].reshape(-1, 3)
    x = (corners - np.asarray(pose.focal)) @ right / (pose.scale * aspect)  # -1..1 across the frame
    left_room, right_room = (x.min() + 1) / 2 - SUBJECT_GAP, (1 - x.max()) / 2 - SUBJECT_GAP
    return tuple(float(share * min(BAND, max(room, 0.0))) for room in (left_room, right_room))

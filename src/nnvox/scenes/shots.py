"""What each frame of a storyboard shot shows: timeline position, forward-pass reveal, camera pose.
Pure functions of the shot, the scene and the frame number, so a storyboard renders the same
frames every time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nnvox.scenes.camera import CameraPath, CameraPose, Key, ease, flythrough, focus, orbit, overview
from nnvox.scenes.scene import Scene
from nnvox.scenes.storyboard import CameraKey, CameraMove, Shot, resolve


@dataclass(frozen=True)
class ShotFrame:
    progress: float  # 0..1 through the shot
    t: float  # timeline position
    reveal: float | None  # forward pass, or None for every layer lit
    pose: CameraPose | None  # None on title cards


def frame_count(shot: Shot, fps: int) -> int:
    return max(1, round(shot.duration * fps))


CAPTIONED = {"band": 0.6, "lift": 0.13}  # the whole network above a caption at the bottom


def camera_move(
    move: CameraMove, scene: Scene, aspect: float, captioned: bool = False
) -> Callable[[float], CameraPose]:
    """The pose at each fraction (0..1) of a shot; `captioned` keeps wide shots clear of the caption."""
    bounds = scene.bounds
    blocks = {b.name: b.bounds for b in scene.blocks}
    room = CAPTIONED if captioned else {}
    wrapped = scene.wrapped
    whole = overview(bounds, aspect, **_angle(move), wrapped=wrapped, **room)
    if move.move == "overview":
        pose = move.view or whole
        return lambda s: pose
    if move.move == "orbit":
        swing = orbit(bounds, aspect, move.degrees, **_angle(move), wrapped=wrapped, **room)
        return lambda s: swing(ease(move.ease, s))
    if move.move == "flythrough":
        ordered = [b.bounds for b in sorted(scene.blocks, key=lambda b: (b.order, b.bounds[0]))]
        return flythrough(ordered, bounds, aspect, waypoints=move.waypoints, zoom=move.zoom, wrapped=wrapped).at
    if move.move == "focus":  # from the overview (or a saved view) into the block, then hold it
        close = focus(blocks[move.layer], bounds, aspect, **_angle(move), wrapped=wrapped)
        return CameraPath((Key(0.0, move.view or whole), Key(0.6, close, move.ease), Key(1.0, close, "linear"))).at
    return _keyframes(move, scene, aspect, room)


def _angle(a: CameraMove | CameraKey) -> dict:
    """The camera angle a move or key asks for, as the camera functions take it."""
    return {"azimuth": a.azimuth, "elevation": a.elevation, "zoom": a.zoom}


def _keyframes(move: CameraMove, scene: Scene, aspect: float, room: dict) -> Callable[[float], CameraPose]:
    """A keyframed move: each key a saved view, a layer in focus or an overview, eased between."""
    bounds, wrapped = scene.bounds, scene.wrapped
    blocks = {b.name: b.bounds for b in scene.blocks}
    keys = []
    for k in move.keys:  # keyframes
        if isinstance(k.target, CameraPose):
            pose = k.target
        elif k.target.startswith("layer:"):
            pose = focus(blocks[k.target[len("layer:") :]], bounds, aspect, **_angle(k), wrapped=wrapped)
        else:
            pose = overview(bounds, aspect, **_angle(k), wrapped=wrapped, **room)
        keys.append(Key(k.at, pose, k.ease))
    if keys[0].at > 0:  # hold the first pose until its key, the last after its own
        keys.insert(0, Key(0.0, keys[0].pose, "linear"))
    if keys[-1].at < 1:
        keys.append(Key(1.0, keys[-1].pose, "linear"))
    return CameraPath(tuple(keys)).at


def shot_frames(shot: Shot, scene: Scene | None, aspect: float, fps: int) -> list[ShotFrame]:
    n = frame_count(shot, fps)
    progress = [k / max(n - 1, 1) for k in range(n)]
    if scene is None:  # a title card
        return [ShotFrame(p, 0.0, None, None) for p in progress]
    last = scene.n_snapshots - 1
    start, end = (resolve(p, last) for p in shot.timeline) if shot.timeline is not None else (float(last), float(last))
    camera = camera_move(shot.camera, scene, aspect, captioned=shot.caption is not None)
    # the forward pass lights the layers over most of the shot, then holds the network lit
    return [
        ShotFrame(
            p, start + (end - start) * ease(shot.ease, p), min(1.0, p / 0.85) if shot.forward else None, camera(p)
        )
        for p in progress
    ]

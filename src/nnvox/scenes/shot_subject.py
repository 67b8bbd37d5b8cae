"""What a storyboard shot is about: the layers whose texts it draws at the subject's size
(viewer/theme.SUBJECT_TEXT), the rest at the lecture's least size."""

from __future__ import annotations

from nnvox.scenes.storyboard import Shot


def shot_subject(shot: Shot) -> frozenset[str]:
    """The layers `shot` opens or explains, and those its camera moves to (a focus, or keys on a layer)."""
    camera = shot.camera
    names = {*shot.open, shot.explain, camera.layer, *(k.layer for k in camera.keys)}
    if "input" in names and shot.view.attribution:  # the plane under the input is framed with it (shots.focused_bounds)
        names.add(shot.view.attribution)  # attribution_planes names the input's plane by its method
    return frozenset(n for n in names if n)

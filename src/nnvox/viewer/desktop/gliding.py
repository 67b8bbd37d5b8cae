"""A glide under way in the window (scenes.transition): one pane's block actors placed through
their vtk transforms on each tick of the window's timer, never rebuilt. Its edges, outlines and
labels, drawn for the blocks' final places, are hidden until the blocks arrive; the camera, where it
showed the overview, moves from the old overview to the new one."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import vtk

from nnvox.scenes.camera import CameraPose, blend, ease, network_boxes, overview
from nnvox.scenes.scene import Scene, SceneOptions
from nnvox.scenes.selection import select
from nnvox.scenes.transition import DURATION, EASING, Glide, scene_glide
from nnvox.viewer.class_room import class_room
from nnvox.viewer.renderer import SceneRenderer
from nnvox.viewer.theme import Box


class GlidingBlocks:
    """`renderer`: the SceneRenderer whose blocks glide (the finer scene's); `camera`: the poses
    to move between, or None to leave the camera where the reader put it; `started`: the clock's
    time (seconds) at u = 0."""

    def __init__(
        self, renderer: SceneRenderer, glide: Glide, camera: tuple[CameraPose, CameraPose] | None, started: float
    ):
        self.renderer, self.glide, self.camera, self.started = renderer, glide, camera, started
        self.actors = {name: v.actor for name, v in renderer.visuals.items() if name in glide.home}
        blocks = set(renderer.overlays.blocks.props)
        self.hidden = [
            prop
            for overlay in renderer.overlays.all
            for prop in overlay.props
            if isinstance(prop, vtk.vtkProp3D) and prop not in blocks and prop.GetVisibility()
        ]
        for prop in self.hidden:
            prop.VisibilityOff()
        renderer.overlay.DrawOff()  # labels and class texts: they would float where blocks are not yet
        self.place(0.0)

    def place(self, u: float) -> None:
        """Blocks (and the camera) a fraction u of the way through."""
        for name, p in self.glide.at(u).items():
            self.actors[name].SetScale(*p.scale)
            self.actors[name].SetPosition(*p.offset)
        if self.camera is not None:
            self.renderer.apply_pose(blend(*self.camera, ease(EASING, u)))
        self.renderer.renderer.ResetCameraClippingRange()

    def tick(self, now: float) -> bool:
        """Place for the clock's time `now`; False once the glide is over."""
        u = (now - self.started) / DURATION
        self.place(min(max(u, 0.0), 1.0))
        return u < 1.0

    def finish(self) -> None:
        """Blocks back at the places they were built for, everything shown again."""
        for actor in self.actors.values():
            actor.SetScale(1.0, 1.0, 1.0)
            actor.SetPosition(0.0, 0.0, 0.0)
        for prop in self.hidden:
            prop.VisibilityOn()
        self.renderer.overlay.DrawOn()
        if self.camera is not None:
            self.renderer.apply_pose(self.camera[1])


def same_pose(a: CameraPose, b: CameraPose) -> bool:
    """The same camera, but for rounding."""
    pairs = ((a.focal, b.focal), (a.direction, b.direction), (a.up, b.up), ((a.scale,), (b.scale,)))
    return all(np.allclose(x, y, rtol=1e-6, atol=1e-6 * max(abs(a.scale), 1.0)) for x, y in pairs)


WHOLE: Box = (0.0, 0.0, 1.0, 1.0)


def overview_of(scene: Scene, pane: SceneRenderer, room: Box = WHOLE) -> CameraPose:
    """The pose that shows the whole of `scene` in the part `room` of `pane` (normalised x0, y0,
    x1, y1: where no panel is), as SceneRenderer.reset_camera does in the whole pane."""
    x0, y0, x1, y1 = room
    pose = overview(
        scene.bounds,
        pane.aspect * (x1 - x0) / (y1 - y0),
        wrapped=scene.wrapped,
        boxes=network_boxes(scene),
        # `scene`'s own class texts (not the pane's scene: a switch frames the new one), of the room's width
        beside=class_room(scene, pane.options, pane.stage.pane_width, pane.stage.pane_height) / (x1 - x0),
    )
    return dataclasses.replace(pose, scale=pose.scale / (y1 - y0))  # the scale is half the whole pane's height


def centre_in(camera, room: Box) -> None:
    """Draw what `camera` looks at in the middle of `room`, not of the whole pane (a parallel
    projection's window centre; sizes and picking unchanged)."""
    x0, y0, x1, y1 = room
    camera.SetWindowCenter(1.0 - (x0 + x1), 1.0 - (y0 + y1))


def start_glide(
    old: SceneRenderer,
    animated: SceneRenderer,
    new: Scene,
    run,
    coarse: SceneOptions,
    camera_moved: bool,
    room: Box = WHOLE,
) -> GlidingBlocks:
    """From `old`'s scene to `new`: `animated` is the finer scene's renderer (the new one when
    opening), `coarse` the coarser scene's options. The camera follows the overview (in the
    part `room` of the pane) unless `camera_moved`."""
    arch = run.architecture
    opening = animated is not old
    glide = scene_glide(old.scene, new, select(arch, coarse), [n.name for n in arch.nodes], opening=opening)
    camera = None if camera_moved else (overview_of(old.scene, old, room), overview_of(new, old, room))
    return GlidingBlocks(animated, glide, camera, time.perf_counter())


OPEN_DURATION = 0.8  # seconds an open layer's maps take to fly out of their stack (or back), one after another


class OpeningMaps:
    """A layer opening into its maps in the window, or closing back into its stack: `renderer`
    holds the open scene, whose maps fly (SceneRenderer.open_to) as the camera moves between the
    poses `camera` (to face the grid opening; back to where it was closing). The same tick and
    finish as GlidingBlocks, so the window runs either."""

    def __init__(self, renderer: SceneRenderer, opening: bool, camera: tuple[CameraPose, CameraPose], started: float):
        self.renderer, self.opening, self.camera, self.started = renderer, opening, camera, started
        self.place(0.0)

    def place(self, u: float) -> None:
        self.renderer.open_to(u if self.opening else 1.0 - u)
        self.renderer.apply_pose(blend(*self.camera, ease(EASING, u)))

    def tick(self, now: float) -> bool:
        u = (now - self.started) / OPEN_DURATION
        self.place(min(max(u, 0.0), 1.0))
        return u < 1.0

    def finish(self) -> None:
        self.place(1.0)

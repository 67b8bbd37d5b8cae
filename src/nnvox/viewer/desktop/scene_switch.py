"""Which scene the window's panes show and how it changes to another: at once (a mode, a
comparison's difference), or gliding (opening or closing a module, a depth change: the blocks move
from the old layout to the new one, desktop/gliding.py). The camera stays where the reader moved
it; where it showed the overview, it shows the new scene's overview. Panels shown beside the
network leave it `room`: the part of its pane it is fitted and centred in; a comparison's panes
themselves move beside the window's panels (Panes.place), built again there."""

from __future__ import annotations

import dataclasses
import time

from nnvox.capture.run import Run
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.desktop.gliding import (
    WHOLE,
    GlidingBlocks,
    OpeningMaps,
    centre_in,
    overview_of,
    same_pose,
    start_glide,
)
from nnvox.viewer.desktop.panes import Panes
from nnvox.viewer.theme import Box

WINDOW_BAND = 0.5  # of the pane's height an open layer's maps fill: clear of the legends and insets below


class SceneSwitch:
    def __init__(self, panes: Panes, run: Run):
        self.panes, self.run = panes, run
        self.scene = self.renderer = None  # the first pane's scene and SceneRenderer
        self.shown: SceneOptions | None = None  # the options they were built from
        self.overview = None  # the camera pose that shows the whole of that scene
        self.gliding: GlidingBlocks | OpeningMaps | None = None
        # per open layer, in the order opened: (its name, where the reader had moved the camera before
        # it opened (None: the overview), what `facing` was then); closing it goes back there
        self.before_open: list[tuple[str, object, tuple | None]] = []
        self.facing: tuple[str, object] | None = None  # the open layer and the pose facing its maps
        self.then: SceneOptions | None = None  # closing: the scene shown when the glide ends
        self.room = WHOLE  # the part of the pane (normalised x0, y0, x1, y1) no panel holds
        self.choices: tuple[Box, ...] = (WHOLE,)  # the rooms it was chosen from
        self.difference = False  # a comparison's: the difference shown on the right

    def show(self, options: SceneOptions, difference: bool = False) -> None:
        """The panes of `options`, at once."""
        self.difference = difference
        self.before_open = [e for e in self.before_open if e[0] in options.opened]  # layers closed by the switch
        kept = self.moved_camera()
        panes = self.panes.build(options, difference)
        self.scene, self.renderer, self.shown = panes[0].scene, panes[0].renderer, options
        self.overview = overview_of(self.scene, self.renderer, self.room)
        self.renderer.apply_pose(kept or self.overview)
        centre_in(self.renderer.renderer.GetActiveCamera(), self.room)

    def make_room(self, choices: tuple[Box, ...], columns: tuple[float, float] = (0.0, 1.0)) -> bool:
        """The network drawn in the room of its pane, of `choices`, where it is largest: refitted
        there where the camera showed the overview, else only moved over with it. `columns`: the
        window's, where a comparison's panes go; True where they moved (built again: their frames
        must be drawn)."""
        if self.renderer is None:
            return False
        moved = self.panes.place(columns)
        if choices == self.choices and not moved:
            return False
        self.choices = choices
        if moved:
            self.show(self.shown, self.difference)
        room = min(choices, key=lambda box: overview_of(self.scene, self.renderer, box).scale)
        facing = self.facing is not None and same_pose(self.renderer.pose(), self.facing[1])
        kept, self.room = self.moved_camera(), room
        if facing:  # still facing an open layer's maps: face them in the new room
            kept = self._face(self.facing[0])
        self.overview = overview_of(self.scene, self.renderer, room)
        self.renderer.apply_pose(kept or self.overview)
        centre_in(self.renderer.renderer.GetActiveCamera(), room)
        return moved

    def moved_camera(self):
        """The camera's pose where the reader moved it away from the overview, else None."""
        if self.overview is None:
            return None
        pose = self.renderer.pose()
        return None if same_pose(pose, self.overview) else pose

    def glide_to(self, options: SceneOptions, opening: bool) -> None:
        """Opening, the new scene is shown at once and its blocks grow out of the old ones' places;
        closing, the old blocks shrink into the new ones' places first, the new scene shown after
        (`end_glide`)."""
        old, old_options, moved = self.renderer, self.shown, self.moved_camera() is not None
        scene = self.panes.scene_for(options)  # first: a scene that cannot be built leaves the window as it was
        if opening:
            self.show(options)
        animated, coarse = (self.renderer, old_options) if opening else (old, options)
        self.gliding = start_glide(old, animated, scene, self.run, coarse, moved, self.room)
        self.then = None if opening else options

    def open_layer(self, options: SceneOptions, name: str, opening: bool) -> None:
        """Layer `name` opened into its maps (options with it open) or closed into its stack (without):
        opening, the open scene is shown at once and its maps fly out of the stack as the camera turns
        to face them; closing, they fly back first, the camera back where it was before they opened,
        and the closed scene is shown after (`end_glide`)."""
        scene = self.panes.scene_for(options)  # first: a scene that cannot be built leaves the window as it was
        pose = self.renderer.pose()
        if opening:
            entry = (name, self.moved_camera(), self.facing)  # camera None: the overview, wherever the panels leave it
            self.before_open = [e for e in self.before_open if e[0] != name] + [entry]
            self.show(options)
            target = self._face(name)
        else:
            entry = next((e for e in self.before_open if e[0] == name), (name, None, None))
            self.before_open = [e for e in self.before_open if e[0] != name]
            self.facing = entry[2] if entry[2] is not None and entry[2][0] in options.opened else None
            target = entry[1] or overview_of(scene, self.renderer, self.room)
        self.gliding = OpeningMaps(self.renderer, opening, (pose, target), time.perf_counter())
        self.then = None if opening else options

    def _face(self, name: str):
        """The pose facing open layer `name`'s maps in the room no panel holds."""
        x0, y0, x1, y1 = self.room
        pose = open_pose(self.scene, name, self.renderer.aspect * (x1 - x0) / (y1 - y0), band=WINDOW_BAND)
        self.facing = (name, dataclasses.replace(pose, scale=pose.scale / (y1 - y0)))
        return self.facing[1]

    def tick(self, now: float) -> bool:
        """The glide under way placed for the clock's time; False when there is none or it is over."""
        return self.gliding is not None and self.gliding.tick(now)

    def end_glide(self) -> bool:
        """A glide under way jumps to its end; True where that changed the scene shown (a closing's)."""
        gliding, then, self.gliding, self.then = self.gliding, self.then, None, None
        if gliding is None:
            return False
        gliding.finish()
        if then is not None:
            self.show(then)
        return then is not None

"""Which scene the window's panes show and how it changes to another: at once (a mode, a
comparison's difference), or gliding (opening or closing a module, a depth change: the blocks move
from the old layout to the new one, desktop/gliding.py). The camera stays where the reader moved
it; where it showed the overview, it shows the new scene's overview. Panels shown beside the
network leave it `room`: the columns it is fitted and centred in."""

from __future__ import annotations

from nnvox.capture.run import Run
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.desktop.gliding import GlidingBlocks, centre_in, overview_of, same_pose, start_glide
from nnvox.viewer.desktop.panes import Panes


class SceneSwitch:
    def __init__(self, panes: Panes, run: Run):
        self.panes, self.run = panes, run
        self.scene = self.renderer = None  # the first pane's scene and SceneRenderer
        self.shown: SceneOptions | None = None  # the options they were built from
        self.overview = None  # the camera pose that shows the whole of that scene
        self.gliding: GlidingBlocks | None = None
        self.then: SceneOptions | None = None  # closing: the scene shown when the glide ends
        self.room = (0.0, 1.0)  # the columns (normalised x from, to) no panel holds

    def show(self, options: SceneOptions, difference: bool = False) -> None:
        """The panes of `options`, at once."""
        kept = self.moved_camera()
        panes = self.panes.build(options, difference)
        self.scene, self.renderer, self.shown = panes[0].scene, panes[0].renderer, options
        self.overview = overview_of(self.scene, self.renderer, self.room)
        self.renderer.apply_pose(kept or self.overview)
        centre_in(self.renderer.renderer.GetActiveCamera(), self.room)

    def make_room(self, room: tuple[float, float]) -> None:
        """The network drawn in the columns `room`: refitted there where the camera showed the
        overview, else only moved over with them."""
        if room == self.room or self.renderer is None:
            return
        kept, self.room = self.moved_camera(), room
        self.overview = overview_of(self.scene, self.renderer, room)
        self.renderer.apply_pose(kept or self.overview)
        centre_in(self.renderer.renderer.GetActiveCamera(), room)

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

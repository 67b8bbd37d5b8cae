"""SceneRenderer: one pane of a picture, composed of overlays (viewer/overlays/) built once for a
Scene; `draw(frame)` hands each the frame and they only write new values. Off-screen rendering and
the desktop window both draw through it. Here too: the pane's camera and picking."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.camera import CameraPose, network_boxes, overview
from nnvox.scenes.histogram import Histogram
from nnvox.scenes.scene import Frame, Scene
from nnvox.viewer.class_room import class_room
from nnvox.viewer.open_flight import FlightTexts
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays import Shown, Stage, compose
from nnvox.viewer.overlays.base import paced, settled
from nnvox.viewer.theme import DEFAULT_THEME, TITLE_SAFE, to_unit

HEALTH_RGB = dict(DEFAULT_THEME.colours.health)  # the default theme's flag colours, as tests read them


def _overlay_layer(renderer: vtk.vtkRenderer, viewport) -> vtk.vtkRenderer:
    """A second layer sharing the camera: labels drawn there are never hidden behind blocks."""
    overlay = vtk.vtkRenderer()
    overlay.SetLayer(1)
    overlay.SetViewport(*viewport)
    overlay.SetActiveCamera(renderer.GetActiveCamera())
    overlay.InteractiveOff()
    window = renderer.GetRenderWindow()
    window.SetNumberOfLayers(max(2, window.GetNumberOfLayers()))
    window.AddRenderer(overlay)
    return overlay


class SceneRenderer:
    """`viewport` (x0, y0, x1, y1, normalised) places the scene in part of the window: comparisons
    draw two scenes side by side, their renderers sharing one camera."""

    def __init__(
        self,
        scene: Scene,
        renderer: vtk.vtkRenderer,
        options: RenderOptions = RenderOptions(),
        viewport: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
    ):
        self.scene, self.renderer, self.options, self.viewport = scene, renderer, options, viewport
        renderer.SetBackground(*to_unit(options.background))
        renderer.SetBackgroundAlpha(0.0 if options.transparent else 1.0)
        renderer.SetViewport(*viewport)
        self.overlay = _overlay_layer(renderer, viewport)
        self.stage = Stage(scene, renderer, self.overlay, options, viewport)
        self.overlays = compose(self.stage)
        self.visuals = self.overlays.blocks.visuals
        self.overlays.class_rows.keep_over(self.overlays.caption)  # the docked answer over the caption, as the legends
        self.opening = 1.0  # open blocks: how far from their stacks (0) to their grids (1), see open_to
        self._held: set = set()  # what open_to hides while the maps fly
        opens = self.label_layout is not None and any(b.opened is not None for b in scene.blocks)
        self._flight = FlightTexts(scene, self.label_layout) if opens else None  # labels going with the blocks
        self._explained: set[str] | None = None  # while a layer is explained: the blocks drawn
        self._named: str | None = None  # ... and the explained layer, named over its map
        self._unlabelled: list = []  # the labels hidden for this render (their blocks are not drawn)
        # after the label layout places labels as a render starts; put back as it ends
        self.overlay.AddObserver("StartEvent", self._hide_undrawn_labels, -10.0)
        self.overlay.AddObserver("EndEvent", self._restore_labels)
        self.reset_camera()

    @property
    def label_layout(self):
        return self.overlays.labels.layout if self.overlays.labels is not None else None

    def draw(self, frame: Frame, histogram: Histogram | None = None) -> None:
        """Write a frame's values; `histogram` (of the selected layer) shows the panel, None hides it."""
        shown = Shown(frame, histogram)
        for overlay in self.overlays.all:
            overlay.update(shown)
        self._keep_labels_off_panels()
        if self.opening < 1.0:
            self._hold_open_layout()

    def _keep_labels_off_panels(self) -> None:
        """The caption's band, where shown, is kept clear of labels as the histogram panel is (a
        label's box over a caption's first line cut its capitals); the explained layer's inset
        reaches to the framed blocks and stays above the caption (its opaque backing hides the
        blocks after them, and their labels with them)."""
        caption = self.overlays.caption.box()
        explained = self.overlays.explain
        if explained.inset.shown:
            explained.inset.fit_cover(explained.framed_right() + 0.02 * self.stage.pane_width, caption)
        layout = self.label_layout
        if layout is not None and caption is not None:
            w, h = self.stage.pane_width, self.stage.pane_height
            x0, y0, x1, y1 = caption
            layout.panels = (*layout.panels, (x0 / w, y0 / h, x1 / w, y1 / h))

    def pace(self, fps: float) -> None:
        """The pictures a second the next shot is drawn at, for the overlays that move on by
        themselves from picture to picture (overlays/base.Overlay): a bar's fade, a docked list's light."""
        paced(self.overlays.all, fps)

    @property
    def steady(self) -> bool:
        """Whether a picture drawn again now, of the same frame and pose, is the same picture: no
        overlay is still moving on by itself (overlays/base.Overlay.steady)."""
        return settled(self.overlays.all)

    def open_to(self, u: float) -> None:
        """The scene's open blocks a fraction u of the way from their stacks (0) to their grids (1)
        (scenes/open_layer.py), the blocks that made room for them gliding back from where they stood,
        their labels, class texts and edges going with them (viewer/open_flight.py); what is drawn for
        the open layout alone (the maps' labels, kernels, outlines) shows only at u = 1."""
        from nnvox.scenes.open_layer import neighbour_offsets

        if u == self.opening:
            return
        self.opening = u
        for block in self.scene.blocks:
            if block.opened is not None:
                self.visuals[block.name].open_to(u)
        for name, (dx, dz) in neighbour_offsets(self.scene, u).items():
            self.visuals[name].actor.SetPosition(dx, 0.0, dz)
        self.overlays.edges.fly(u)
        if self._flight is not None:
            self._flight.move(u)
        self.show_open_layout(u >= 1.0)

    def show_open_layout(self, shown: bool) -> None:
        """Show or hide what is drawn for the open layout alone: the maps' labels and kernels, and
        the 3D props placed for it (outlines, the top class's frame); the block labels and edges stay."""
        self.overlays.open_maps.show(shown)
        if not shown:
            self._hold_open_layout()
            return
        for prop in self._held:
            prop.SetVisibility(True)
        self._held.clear()

    def _hold_open_layout(self) -> None:
        """Hide what stands where the open layout puts it (every 3D prop of the pane but the blocks
        and edges) until the maps arrive; each frame, as overlays may show their props again."""
        kept = {*self.overlays.blocks.props, *self.overlays.edges.props}
        props = self.renderer.GetViewProps()
        props.InitTraversal()
        for _ in range(props.GetNumberOfItems()):
            prop = props.GetNextProp()
            if isinstance(prop, vtk.vtkProp3D) and prop not in kept and prop.GetVisibility():
                prop.SetVisibility(False)
                self._held.add(prop)

    def set_caption(self, text: str | None, opacity: float = 1.0) -> None:
        """Show `text` (wrapped to the caption's width), fading with `opacity`; None hides it."""
        self.overlays.caption.show(text, opacity)

    def show_field(self, box: tuple[tuple[int, int], ...] | None) -> None:
        """Outline on the input plane the rows and columns (first, last) a voxel sees; None hides it."""
        self.overlays.field.show(box)

    def set_subject(self, names) -> None:
        """The layers the shot drawn now is about (scenes/shot_subject.py): their labels drawn at
        the subject's size (theme.SUBJECT_TEXT) and placed first; () for none."""
        if self.overlays.labels is not None:
            self.overlays.labels.set_subject(names)

    def show_explain(self, moment) -> None:
        """Show one step of an explained layer (scenes.explain.Moment); None hides it. The blocks
        other than the layer and its input are not drawn meanwhile: the inset's panel covers them in
        the picture, and a cross-fade (which blends the picture without the panel) showed them."""
        self.overlays.explain.show(moment)
        if self.overlays.hud is not None:  # a lecture's heads-up line gives the inset's heading the top edge
            self.overlays.hud.make_way(moment is not None)
        for strip in (self.overlays.legends, self.overlays.caption):  # a lecture's legends give it their room
            if strip is not None:
                strip.make_way(moment is not None)
        self._explained = None if moment is None else {moment.layer, moment.source}
        self._named = None if moment is None else moment.layer
        # no edges at all: the window's rays join the input to the map, and the input's edge ran into
        # the pulled-out map's covered rows, across their "not yet computed"
        self.overlays.edges.drawn = None if moment is None else set()
        self.overlays.outlines.drawn = self._explained  # the other blocks' boxes not drawn either
        for name, visual in self.visuals.items():
            visual.actor.SetVisibility(self._explained is None or name in self._explained)

    def _hide_undrawn_labels(self, *_) -> None:
        """The labels of blocks an explaining shot does not draw, hidden for this render (the inset's
        panel covers where they stand, but not in a cross-fade's text layer, drawn without it); and
        the explained layer's, named over its map ("map 0 of conv1"): under the map, the output
        cell on its last row and the window's lines crossed its text. With them the block labels'
        leader lines: laid out before (a 4:3 frame's moved the explained layer's label and drew its
        leader alone under the map)."""
        explaining = self._explained is not None and self.undrawn_labels()
        leaders = [self.overlays.labels.layout.leaders.actor] if explaining else []
        if self.overlays.labels is not None:  # a close-up's covered blocks' leaders (overlays/edge_fade.py)
            self.overlays.edge_fade.trim_leaders(self.overlays.labels.layout.leaders.lines)
        for actor in self.undrawn_labels() + leaders:
            if actor.GetVisibility():
                actor.SetVisibility(False)
                self._unlabelled.append(actor)

    def undrawn_labels(self) -> list:
        """The label actors a render leaves out (an explaining shot's: see _hide_undrawn_labels),
        visible between renders as the label layout left them; and those of the blocks a close-up's
        side edges cover (overlays/edge_fade.py: a label pinned at the edge over a block not drawn)."""
        if self.overlays.labels is None:
            return []
        labels = self.overlays.labels.labels.items()
        covered = self.overlays.edge_fade.hidden
        if self._explained is None:
            return [actor for name, actor in labels if name in covered]
        inset = self.overlays.explain.inset  # (16:9: the input's label fell on the sum or the scale under it)
        banded = inset.banded or inset.compact
        return [
            actor
            for name, actor in labels
            if name not in self._explained or name == self._named or name in covered or banded
        ]

    def _restore_labels(self, *_) -> None:
        for actor in self._unlabelled:
            actor.SetVisibility(True)  # as the label layout left it: it re-places only when the view changes
        self._unlabelled.clear()

    def remove(self) -> None:
        """Take every actor of this scene out of the window (switching to another scene)."""
        for overlay in self.overlays.all:
            for prop in overlay.props:
                self.renderer.RemoveViewProp(prop)
        self.overlay.RemoveAllViewProps()  # labels, pulses, and what else never hides behind a block
        self.renderer.GetRenderWindow().RemoveRenderer(self.overlay)

    # --- camera ------------------------------------------------------------------------------
    @property
    def aspect(self) -> float:
        """Width over height of this renderer's part of the image."""
        return self.stage.pane_width / self.stage.pane_height

    def reset_camera(self, zoom: float = 1.0, azimuth: float = 0.0, scale: float | None = None) -> float:
        """The overview (see scenes.camera.overview); returns the scale used."""
        scene = self.scene
        boxes = network_boxes(scene)
        pose = overview(
            scene.bounds,
            self.aspect,
            azimuth=azimuth,
            zoom=zoom,
            scale=scale,
            wrapped=scene.wrapped,
            boxes=boxes,
            beside=self.class_room(),
            safe=self.safe_share(),
        )
        self.apply_pose(pose)
        return pose.scale

    def class_room(self) -> float:
        """Of this pane's width, the room its output's class texts take beside the column (the
        overview keeps it free)."""
        return class_room(self.scene, self.options, self.stage.pane_width, self.stage.pane_height)

    def safe_share(self) -> float:
        """Of this pane's width, the margin the overview keeps the network off the left edge: a
        lecture picture's title-safe margin (the class texts' room keeps it on the right)."""
        return TITLE_SAFE if self.options.hall else 0.0

    def apply_pose(self, pose: CameraPose) -> None:
        cam = self.renderer.GetActiveCamera()
        cam.ParallelProjectionOn()  # a diagram: far layers are not shrunk, so sizes compare truly
        x0, x1, y0, y1, z0, z1 = self.scene.bounds
        # far enough to be outside the scene from any focal point
        distance = 2 * float(np.linalg.norm([x1 - x0, y1 - y0, z1 - z0 + 6])) + 10
        focal = np.asarray(pose.focal)
        cam.SetFocalPoint(*focal)
        cam.SetPosition(*(focal + np.asarray(pose.direction) * distance))
        cam.SetViewUp(*pose.up)
        cam.SetParallelScale(pose.scale)
        self.renderer.ResetCameraClippingRange()

    def pose(self) -> CameraPose:
        """The camera as it is now (the window saves this as a view)."""
        cam = self.renderer.GetActiveCamera()
        focal, position = np.asarray(cam.GetFocalPoint()), np.asarray(cam.GetPosition())
        return CameraPose.from_dict(
            {"focal": focal, "direction": position - focal, "up": cam.GetViewUp(), "scale": cam.GetParallelScale()}
        )

    # --- picking -----------------------------------------------------------------------------
    def block_at(self, x: int, y: int) -> str | None:
        """The block drawn at display position (x, y), origin bottom-left, or None."""
        picker = vtk.vtkPropPicker()
        picker.PickFromListOn()  # blocks only: an edge arriving at a block's face is not a miss
        for actor in self.overlays.blocks.props:
            picker.AddPickList(actor)
        if not picker.Pick(x, y, 0, self.renderer):
            return None
        return self.overlays.blocks.name_of(picker.GetActor())

    def point_at(self, x: int, y: int) -> tuple[str, tuple[float, float, float]] | None:
        """The block and the world point on its surface at display position (x, y), or None."""
        picker = vtk.vtkCellPicker()
        picker.SetTolerance(0.0005)
        picker.PickFromListOn()  # blocks only: edges and outlines run over their faces
        for actor in self.overlays.blocks.props:
            picker.AddPickList(actor)
        if not picker.Pick(x, y, 0, self.renderer):
            return None
        name = self.overlays.blocks.name_of(picker.GetActor())
        return None if name is None else (name, tuple(picker.GetPickPosition()))

"""SceneRenderer: builds every actor once for a Scene; `draw(frame)` only writes new values."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.capture.health import UNHEALTHY
from nnvox.scenes.camera import CameraPose, overview
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.colour import lut as colour_table
from nnvox.scenes.histogram import Histogram
from nnvox.scenes.scene import Frame, Scene
from nnvox.viewer.histogram_panel import HistogramPanel
from nnvox.viewer.label_layout import LabelLayout
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.visuals import make_billboard, outline_boxes, visual_for

LEGEND_TOP = 0.142  # colour legends fill the picture below this (a fraction of its height)
EDGE_RGB = (0.55, 0.56, 0.62)
OUTLINE_RGB = (140, 143, 158)
# flagged layers' outlines, in order of precedence
SELECTED_RGB = (255, 255, 255)
HEALTH_RGB = {"exploding": (200, 80, 255), "vanishing": (70, 130, 255), "dead": (240, 60, 60), "saturated": (255, 150, 40)}

LEGENDS = {
    "viridis": ("value ÷ layer range (0 = low, 1 = high)", (0.0, 1.0)),
    "diverging": ("signed value ÷ layer's largest magnitude (0 = zero)", (-1.0, 1.0)),
    "difference": ("left − right ÷ layer's range (0 = equal)", (-1.0, 1.0)),
}


def _range_text(scale: ColourScale) -> str:
    if scale.diverging:
        return f"±{scale.hi:.3g}"
    return f"{scale.lo:.3g} … {scale.hi:.3g}"


def _rgb(c) -> tuple[float, float, float]:
    return tuple(v / 255 for v in c)


class SceneRenderer:
    """`viewport` (x0, y0, x1, y1, normalised) places the scene in part of the window: comparisons
    draw two scenes side by side, their renderers sharing one camera."""

    def __init__(self, scene: Scene, renderer: vtk.vtkRenderer, options: RenderOptions = RenderOptions(),
                 viewport: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)):
        self.scene = scene
        self.renderer = renderer
        self.options = options
        self.viewport = viewport
        renderer.SetBackground(*_rgb(options.background))
        renderer.SetBackgroundAlpha(0.0 if options.transparent else 1.0)
        renderer.SetViewport(*viewport)
        self.overlay = self._add_overlay()
        self.visuals = {b.name: visual_for(b, renderer, options, self.overlay) for b in scene.blocks}
        self.labels: dict[str, vtk.vtkBillboardTextActor3D] = {}
        self._label_lit: dict[str, float] = {}
        self._unit_actors: dict[str, vtk.vtkActor] = {}  # frames around dead / saturated units
        self._unit_keys: dict[str, tuple] = {}
        self._add_outlines_and_edges()
        if options.show_labels:
            self._add_block_labels()
        self.pulse_points, self.pulse_actor = self._add_pulses()
        self.hud = self._add_hud() if options.show_hud else None
        self.caption = self._add_caption()
        self.legends = self._add_legends() if options.show_legend else []
        self.inset = None
        if options.show_metrics and scene.n_snapshots > 1 and scene.metrics:
            from nnvox.viewer.inset import MetricsInset

            self.inset = MetricsInset(renderer, scene.metrics, options, options.metrics_box)
        self.histogram = HistogramPanel(renderer, options, options.histogram_box)
        self.clouds = None
        if scene.clouds:
            from nnvox.viewer.clouds_visual import CloudsVisual

            self.clouds = CloudsVisual(scene, renderer, options, self.overlay)
        self.selected: str | None = None
        self.reset_camera()

    # --- built once -------------------------------------------------------------------------
    def _add_overlay(self) -> vtk.vtkRenderer:
        """A second layer sharing the camera: labels drawn there are never hidden behind blocks."""
        overlay = vtk.vtkRenderer()
        overlay.SetLayer(1)
        overlay.SetViewport(*self.viewport)
        overlay.SetActiveCamera(self.renderer.GetActiveCamera())
        overlay.InteractiveOff()
        window = self.renderer.GetRenderWindow()
        window.SetNumberOfLayers(max(2, window.GetNumberOfLayers()))
        window.AddRenderer(overlay)
        return overlay

    def _add_outlines_and_edges(self) -> None:
        """Block outlines and straight edges in one grey actor; skip connections (arcs) in one amber
        actor, so they stand out from the boxes they jump over."""
        straight = [p for p, skip in zip(self.scene.edge_paths, self.scene.skips) if not skip]
        arcs = [p for p, skip in zip(self.scene.edge_paths, self.scene.skips) if skip]
        width = max(1.0, self.options.height / 720)
        self.frame_actor = self._lines_actor(straight, EDGE_RGB, width)
        self.arc_actor = self._lines_actor(arcs, (0.98, 0.72, 0.25), 1.6 * width)
        self.outline_actor, self._outline_colours = self._add_outlines(width)

    def _add_outlines(self, width: float):
        """Every block's box in one actor, coloured per block: grey, or a health flag's colour."""
        from vtk.util.numpy_support import numpy_to_vtk

        pad = 0.15
        poly = outline_boxes(tuple(v + (pad if k % 2 else -pad) for k, v in enumerate(b.bounds)) for b in self.scene.blocks)
        colours = np.tile(np.array(OUTLINE_RGB, dtype=np.uint8), (poly.GetNumberOfCells(), 1))
        array = numpy_to_vtk(colours, deep=False)
        array.SetName("health")
        poly.GetCellData().SetScalars(array)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(poly)
        mapper.SetColorModeToDirectScalars()
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        actor.GetProperty().LightingOff()
        actor.GetProperty().SetLineWidth(width)
        self.renderer.AddActor(actor)
        self._outline_state: dict[str, tuple] = {}
        return actor, (colours, array, poly)

    def _show_health(self, health: dict[str, dict[str, float]]) -> None:
        """Outline colours for flagged layers; only touched when a flag changes."""
        colours, array, poly = self._outline_colours
        per_block = colours.shape[0] // max(len(self.scene.blocks), 1)
        changed = False
        for i, b in enumerate(self.scene.blocks):
            h = health.get(b.name, {})
            flag = "selected" if b.name == self.selected else next((f for f in HEALTH_RGB if h.get(f, 0) > UNHEALTHY), None)
            if self._outline_state.get(b.name) != flag:
                self._outline_state[b.name] = flag
                colours[i * per_block : (i + 1) * per_block] = SELECTED_RGB if flag == "selected" else HEALTH_RGB.get(flag, OUTLINE_RGB)
                changed = True
        if changed:
            array.Modified()
            poly.Modified()

    def _show_units(self, what: str, stuck: dict[str, tuple[int, ...]]) -> None:
        """A frame in `what`'s colour (dead: red, saturated: orange) around each such unit's slice
        (maps) or cell (dense layers); rebuilt only when the set changes (from one snapshot to another)."""
        key = tuple(sorted(stuck.items()))
        if key == self._unit_keys.get(what, ()):
            return
        self._unit_keys[what] = key
        boxes = []
        for name, units in stuck.items():
            b = self.scene.block(name)
            x0, x1, y0, y1, z0, z1 = b.bounds
            starts = b.panel_centres()[:, 0]
            for u in units:
                if b.role == "feature":  # the slice of channel u
                    boxes.append((starts[u] - 0.05, starts[u] + b.thickness + 0.05, y0 - 0.05, y1 + 0.05, z0 - 0.05, z1 + 0.05))
                else:  # unit u's cell on the grid's front face
                    r, c = divmod(u, b.cols)
                    left, top = y1 - c * b.voxel, z1 - r * b.voxel
                    boxes.append((x0 - 0.05, x0 + b.thickness + 0.05, left - b.voxel, left, top - b.voxel, top))
        if what not in self._unit_actors:
            actor = self._unit_actors[what] = vtk.vtkActor()
            actor.SetMapper(vtk.vtkPolyDataMapper())
            actor.GetProperty().SetColor(*_rgb(HEALTH_RGB[what]))
            actor.GetProperty().SetLineWidth(max(1.5, self.options.height / 500))
            actor.GetProperty().LightingOff()
            self.renderer.AddActor(actor)
        self._unit_actors[what].GetMapper().SetInputData(outline_boxes(boxes))

    def _lines_actor(self, paths, colour, width) -> vtk.vtkActor:
        append = vtk.vtkAppendPolyData()
        for path in paths:
            points = vtk.vtkPoints()
            for p in path:
                points.InsertNextPoint(*p)
            line = vtk.vtkPolyLineSource()
            line.SetPoints(points)
            line.Update()
            append.AddInputData(line.GetOutput())
        if not paths:
            append.AddInputData(vtk.vtkPolyData())
        append.Update()
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(append.GetOutput())
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        prop = actor.GetProperty()
        prop.SetColor(*colour)
        prop.LightingOff()
        prop.SetLineWidth(width)
        self.renderer.AddActor(actor)
        return actor

    def _add_block_labels(self) -> None:
        """Name and shape above or below the block, and a LabelLayout pushes apart labels that still
        overlap from where the camera looks. A branch lane's blocks are labelled on their far side
        (above the lane above the path, below the one below), a path block on the side its column
        leaves free, else alternating with its neighbours: two labels never share the gap between lanes.
        Attribution planes under the network are labelled below and leave the alternation alone
        (the network's labels sit where they would without them); the blocks above them, above."""
        chain = [b for b in self.scene.blocks if b.labelled and b.kind != "Attribution"]
        planes = [b.bounds[:2] for b in self.scene.blocks if b.kind == "Attribution"]
        over_plane = {b.name for b in chain if any(x0 < b.bounds[1] and b.bounds[0] < x1 for x0, x1 in planes)}
        lanes_at: dict[float, set[float]] = {}  # column (x of the front face) -> its blocks' lanes
        for b in self.scene.blocks:
            lanes_at.setdefault(b.origin[0], set()).add(np.sign(b.lane))
        above_of, last = {}, False  # the path's last label side
        for b in chain:
            if b.lane or b.name in over_plane:
                above_of[b.name] = b.lane >= 0
                continue
            taken = lanes_at[b.origin[0]]
            last = above_of[b.name] = (1 not in taken) if (1 in taken) != (-1 in taken) else not last
        placed = []
        for b in (b for b in self.scene.blocks if b.labelled):
            x0, x1, y0, y1, z_bottom, z_top = b.bounds
            text = f"{b.title}\n{b.subtitle}"
            if b.role not in ("input", "output"):
                text += f"   {_range_text(b.scale)}"
            above = above_of.get(b.name, False)
            actor = make_billboard(self.options, text, below=not above)
            # Anchor on the far top edge or the near bottom edge: outside the block's silhouette.
            anchor = ((x0 + x1) / 2, y1 if above else y0, z_top + 0.8 if above else z_bottom - 0.8)
            actor.SetPosition(*anchor)
            self.overlay.AddActor(actor)
            self.labels[b.name] = actor
            placed.append((actor, anchor, 1 if above else -1))
        # an output's class names and probabilities stay put: labels keep clear of them
        fixed = [(actor, actor.GetPosition(), f"{actor.GetInput()}  100%")
                 for v in self.visuals.values() for actor in getattr(v, "labels", ())]
        self.label_layout = LabelLayout(self.overlay, placed, _rgb(self.options.text_colour), fixed)

    def _add_pulses(self):
        """One actor for the forward pass's travelling dots; a frame only replaces its points."""
        points = vtk.vtkPoints()
        poly = vtk.vtkPolyData()
        poly.SetPoints(points)
        glyph = vtk.vtkVertexGlyphFilter()
        glyph.SetInputData(poly)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(glyph.GetOutputPort())
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        prop = actor.GetProperty()
        prop.SetColor(1.0, 0.93, 0.6)
        prop.SetPointSize(max(4.0, self.options.height / 90))
        prop.RenderPointsAsSpheresOn()
        prop.LightingOff()
        self.overlay.AddActor(actor)  # never hidden behind a block
        return (points, poly), actor

    def _add_hud(self) -> vtk.vtkTextActor:
        hud = vtk.vtkTextActor()
        tp = hud.GetTextProperty()
        tp.SetFontSize(self.options.text_size(0.024, 9))
        tp.SetColor(*_rgb(self.options.text_colour))
        tp.SetVerticalJustificationToTop()
        hud.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        hud.SetPosition(0.012, 0.975)
        self.renderer.AddViewProp(hud)
        return hud

    def _add_caption(self) -> vtk.vtkTextActor:
        """A storyboard's caption: centred low, above the legends and left of the insets, on a dark band."""
        caption = vtk.vtkTextActor()
        tp = caption.GetTextProperty()
        tp.SetFontSize(self.options.text_size(0.034, 10))
        tp.SetColor(1.0, 1.0, 1.0)
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToBottom()
        tp.SetBackgroundColor(0.0, 0.0, 0.0)
        tp.SetFrame(False)
        caption.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        caption.SetPosition(0.42, LEGEND_TOP + 0.008)
        caption.SetVisibility(False)
        self.renderer.AddViewProp(caption)
        return caption

    def set_caption(self, text: str | None, opacity: float = 1.0) -> None:
        """Show `text` (wrapped to the caption's width), fading with `opacity`; None hides it."""
        if not text or opacity <= 0:
            self.caption.SetVisibility(False)
            return
        import textwrap

        vx0, _, vx1, _ = self.viewport
        chars = max(20, int(self.options.width * (vx1 - vx0) * 0.52 / (0.55 * self.options.text_size(0.034, 10))))
        self.caption.SetInput(textwrap.fill(text, chars))
        tp = self.caption.GetTextProperty()
        tp.SetOpacity(opacity)
        tp.SetBackgroundOpacity(0.55 * opacity)
        self.caption.SetVisibility(True)

    def _add_legends(self) -> list[vtk.vtkProp]:
        """A colour bar per colour map in use, ticks under it and its title over it (vtk's own title
        shares the ticks' side and runs into them)."""
        cmaps = [c for c in LEGENDS if any(b.scale.cmap == c for b in self.scene.blocks)]
        props = []
        size = self.options.text_size(0.018)
        # as wide as at full width in a narrower pane, so the title fits over the bar
        width = min(0.45, 0.3 / (self.viewport[2] - self.viewport[0]))
        # Everything under LEGEND_TOP (the caption sits just above): the title's line, then the
        # bar with its ticks in what is left (less in a thumbnail, where text has a minimum size).
        pane_px = self.options.height * (self.viewport[3] - self.viewport[1])
        heading_y = min(0.118, LEGEND_TOP - 1.25 * round(size * 1.1) / pane_px)
        box = heading_y - 0.008 - 0.015
        for i, cmap in enumerate(cmaps):
            title, (lo, hi) = LEGENDS[cmap]
            table = colour_table(cmap)[1:]
            lut = vtk.vtkLookupTable()
            lut.SetNumberOfTableValues(len(table))
            lut.SetTableRange(lo, hi)
            for k, (r, g, b) in enumerate(table):
                lut.SetTableValue(k, r / 255, g / 255, b / 255, 1.0)
            lut.Build()
            bar = vtk.vtkScalarBarActor()
            bar.SetLookupTable(lut)
            bar.SetOrientationToHorizontal()
            bar.SetTextPositionToPrecedeScalarBar()  # ticks under the bar
            bar.SetNumberOfLabels(5 if cmap == "diverging" else 3)
            bar.SetLabelFormat("%.1f")
            bar.UnconstrainedFontSizeOn()
            bar.SetBarRatio(0.3)
            bar.SetTextPad(max(1, size // 4))
            x = 0.02 + (width + 0.04) * i
            bar.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            bar.SetPosition(x, 0.015)
            bar.SetWidth(width)
            bar.SetHeight(box)  # the bar sits at the top of this box, its ticks under it
            heading = vtk.vtkTextActor()
            heading.SetInput(title)
            heading.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            heading.SetPosition(x + width / 2, heading_y)
            for tp, font in ((bar.GetLabelTextProperty(), size), (heading.GetTextProperty(), round(size * 1.1))):
                tp.SetColor(*_rgb(self.options.text_colour))
                tp.SetFontSize(font)
                tp.ShadowOff()
                tp.ItalicOff()
                tp.BoldOff()
            heading.GetTextProperty().SetJustificationToCentered()
            heading.GetTextProperty().SetVerticalJustificationToBottom()
            for prop in (bar, heading):
                self.renderer.AddViewProp(prop)
                props.append(prop)
        return props

    @property
    def aspect(self) -> float:
        """Width over height of this renderer's part of the image."""
        vx0, vy0, vx1, vy1 = self.viewport
        return self.options.width * (vx1 - vx0) / (self.options.height * (vy1 - vy0))

    def reset_camera(self, zoom: float = 1.0, azimuth: float = 0.0, scale: float | None = None) -> float:
        """The overview (see scenes.camera.overview); returns the scale used."""
        pose = overview(self.scene.bounds, self.aspect, azimuth=azimuth, zoom=zoom, scale=scale, wrapped=self.scene.wrapped)
        self.apply_pose(pose)
        return pose.scale

    def apply_pose(self, pose: CameraPose) -> None:
        cam = self.renderer.GetActiveCamera()
        cam.ParallelProjectionOn()  # a diagram: far layers are not shrunk, so sizes compare truly
        x0, x1, y0, y1, z0, z1 = self.scene.bounds
        distance = 2 * float(np.linalg.norm([x1 - x0, y1 - y0, z1 - z0 + 6])) + 10  # outside the scene from any focal point
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
        return CameraPose.from_dict({"focal": focal, "direction": position - focal, "up": cam.GetViewUp(),
                                     "scale": cam.GetParallelScale()})

    def block_at(self, x: int, y: int) -> str | None:
        """The block drawn at display position (x, y), origin bottom-left, or None."""
        picker = vtk.vtkPropPicker()
        if not picker.Pick(x, y, 0, self.renderer):
            return None
        actor = picker.GetActor()
        return next((name for name, v in self.visuals.items() if v.actor is actor or v.actor == actor), None)

    def point_at(self, x: int, y: int) -> tuple[str, tuple[float, float, float]] | None:
        """The block and the world point on its surface at display position (x, y), or None."""
        picker = vtk.vtkCellPicker()
        picker.SetTolerance(0.0005)
        picker.PickFromListOn()  # blocks only: edges and outlines run over their faces
        for v in self.visuals.values():
            picker.AddPickList(v.actor)
        if not picker.Pick(x, y, 0, self.renderer):
            return None
        actor = picker.GetActor()
        name = next((name for name, v in self.visuals.items() if v.actor is actor or v.actor == actor), None)
        return None if name is None else (name, tuple(picker.GetPickPosition()))

    def show_field(self, box: tuple[tuple[int, int], ...] | None) -> None:
        """Outline on the input plane the rows and columns (first, last) a voxel sees; None hides it."""
        if not hasattr(self, "_field"):
            self._field = vtk.vtkOutlineSource()
            mapper = vtk.vtkPolyDataMapper()
            mapper.SetInputConnection(self._field.GetOutputPort())
            self._field_actor = vtk.vtkActor()
            self._field_actor.SetMapper(mapper)
            self._field_actor.GetProperty().SetColor(0.98, 0.72, 0.25)
            self._field_actor.GetProperty().SetLineWidth(max(2.0, self.options.height / 300))
            self._field_actor.GetProperty().LightingOff()
            self.overlay.AddActor(self._field_actor)
        source = next((b for b in self.scene.blocks if b.key == "probe"), None)
        if box is None or source is None or len(box) != 2:
            self._field_actor.SetVisibility(False)
            return
        (r0, r1), (c0, c1) = box
        v, (x, y, z) = source.voxel, source.origin
        left, top = y + source.cols * v / 2, z + source.rows * v / 2
        self._field.SetBounds(x - 0.3, x + source.thickness + 0.3, left - (c1 + 1) * v, left - c0 * v, top - (r1 + 1) * v, top - r0 * v)
        self._field_actor.SetVisibility(True)

    def remove(self) -> None:
        """Take every actor of this scene out of the window (switching to another scene)."""
        own = [self.frame_actor, self.arc_actor, self.outline_actor, self.caption, *self.legends,
               *self._unit_actors.values(),
               *(v.actor for v in self.visuals.values())]
        own += self.inset.actors if self.inset is not None else []
        own += self.histogram.actors
        own += [*self.clouds.actors, self.clouds.legend] if self.clouds is not None else []
        for actor in own + ([self.hud] if self.hud is not None else []):
            self.renderer.RemoveViewProp(actor)
        self.overlay.RemoveAllViewProps()  # block labels and class labels
        self.renderer.GetRenderWindow().RemoveRenderer(self.overlay)

    def _fit(self, text: str) -> str:
        """Heads-up lines longer than the pane is wide break at their " · " separators."""
        vx0, _, vx1, _ = self.viewport
        room = int(self.options.width * (vx1 - vx0) * 0.97 / (0.55 * self.options.text_size(0.024, 9)))
        lines = []
        for line in text.split("\n"):
            parts, current = line.split("   ·   "), ""
            for part in parts:
                candidate = f"{current}   ·   {part}" if current else part
                if current and len(candidate) > room:
                    lines.append(current)
                    candidate = part
                current = candidate
            lines.append(current)
        return "\n".join(lines)

    # --- per frame -------------------------------------------------------------------------
    def draw(self, frame: Frame, histogram: Histogram | None = None) -> None:
        """Write a frame's values; `histogram` (of the selected layer) shows the panel, None hides it."""
        self.selected = histogram.block if histogram is not None else None
        self.histogram.show(histogram)
        for name, visual in self.visuals.items():
            visual.update(frame.values[name], frame.lit[name], frame.texts.get(name))
            label = self.labels.get(name)
            if label is not None and self._label_lit.get(name) != frame.lit[name]:
                self._label_lit[name] = frame.lit[name]  # labels dim with their block in the forward pass
                label.GetTextProperty().SetOpacity(0.3 + 0.7 * frame.lit[name])
                label.GetTextProperty().SetBackgroundOpacity(0.65 * frame.lit[name])
        self._show_health(frame.health)
        self._show_units("dead", frame.dead)
        self._show_units("saturated", frame.saturated)
        if self.clouds is not None:
            self.clouds.update(frame.points, frame.clusters)
        if self.inset is not None:
            self.inset.move_to(frame.t)
        if self.hud is not None:
            self.hud.SetInput(self._fit(frame.hud))
        points, poly = self.pulse_points
        if len(frame.pulses) or points.GetNumberOfPoints():
            from vtk.util.numpy_support import numpy_to_vtk

            points.SetData(numpy_to_vtk(np.ascontiguousarray(frame.pulses, dtype=np.float32), deep=True))
            poly.Modified()

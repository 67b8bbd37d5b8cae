"""A 2D figure of the snapshot under the timeline cursor (confusion, mistakes, filters, ...) drawn
over the window's top-right corner; made again only when the snapshot, figure or layer changes."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.viewer.theme import DEFAULT_THEME

PANEL_FIGURES = ("confusion", "mistakes", "filters", "histograms", "correlation", "health")

FRAME = DEFAULT_THEME.colours.figure_frame  # the panel's border
BOX = DEFAULT_THEME.layout.figure_box  # normalised viewport, above the histogram panel: left, bottom, right, top
CAPTION = DEFAULT_THEME.fonts.figure_caption
MIN_HEIGHT = 0.2  # of the window's height: a figure raised over what is below it keeps this much


def caption_size(window_height: int) -> int:
    """The figure's caption's font size in pixels: the window's own text's (theme.fonts.figure_caption)."""
    return max(CAPTION.minimum, round(CAPTION.fraction * window_height))


def available_figures(run: Run, voxel: bool = False) -> tuple[str, ...]:
    """The figures this run can draw (confusion and mistakes need a held-out set; the voxel figure a
    clicked voxel)."""
    held_out = tuple(f for f in PANEL_FIGURES if run.evaluation is not None or f not in ("confusion", "mistakes"))
    return ("voxel", *held_out) if voxel else held_out


class FigurePanel:
    """The figure in a renderer of its own on the window's top layer, so nothing of the scene (its
    labels included) draws over it. It takes no mouse input: the window asks `plot_at` where a
    click fell."""

    def __init__(self):
        import vtk

        self._image = vtk.vtkImageData()
        mapper = vtk.vtkImageMapper()
        mapper.SetInputData(self._image)
        mapper.SetColorWindow(255)
        mapper.SetColorLevel(127.5)
        actor = vtk.vtkActor2D()
        actor.SetMapper(mapper)
        self.renderer = vtk.vtkRenderer()
        self.renderer.SetViewport(*BOX)
        self.renderer.InteractiveOff()
        self.renderer.AddViewProp(actor)
        self.renderer.DrawOff()
        self._made: OrderedDict[tuple, tuple[np.ndarray, list]] = OrderedDict()  # a few kept: scrubbing back is instant
        self._shown: list = []  # the plots' regions of the figure on screen, in panel pixels from the top left
        self._window = (1, 1)
        self.box = BOX  # where it is now: its bottom raised over a marks' legend below it (`show`)
        self._key: tuple | None = None  # the figure on screen: not uploaded again while it stays

    def place(self, window) -> None:
        """On top of every other renderer of `window` (call again when renderers come and go)."""
        others = window.GetRenderers()
        others.InitTraversal()
        layers = [r.GetLayer() for r in iter(others.GetNextItem, None) if r is not self.renderer]
        top = max(layers, default=0) + 1
        window.SetNumberOfLayers(max(window.GetNumberOfLayers(), top + 1))
        self.renderer.SetLayer(top)
        if not window.HasRenderer(self.renderer):
            window.AddRenderer(self.renderer)

    def show(
        self,
        run: Run,
        figure: str | None,
        snapshot: int,
        layer: str | None,
        window: tuple[int, int],
        voxel: tuple[int, ...] | None = None,
        sample: int = 0,
        floor: float = 0.0,
    ) -> None:
        """Draw `figure` of `snapshot` (for `layer` when it has weights, else the figure's default;
        the voxel figure takes apart `voxel` (channel, row, column) of `layer` for `sample`); its
        bottom at least `floor` (normalised: clear of what shares its column, desktop/panels.figure_floor)."""
        self.renderer.SetDraw(figure is not None)
        self._shown = []
        if figure is None:
            return
        self._window = window
        self.box = (BOX[0], max(BOX[1], min(floor, BOX[3] - MIN_HEIGHT)), BOX[2], BOX[3])
        self.renderer.SetViewport(*self.box)
        x0, y0, x1, y1 = self.box
        width, height = round((x1 - x0) * window[0]), round((y1 - y0) * window[1])
        key = (figure, snapshot, layer, width, height, voxel, sample)
        if key not in self._made:
            size = (width, height, caption_size(window[1]))
            self._made[key] = _figure(run, figure, snapshot, layer, size, voxel, sample)
            if len(self._made) > 16:
                self._made.popitem(last=False)
        image, self._shown = self._made[key]
        if key != self._key:
            self._key = key
            self._set(image)

    def plot_at(self, x: int, y: int) -> int | None:
        """Which plot of the figure on screen is under window pixel (x, y) (vtk's, from the bottom
        left): its index in drawing order, or None."""
        px, py = x - self.box[0] * self._window[0], self.box[3] * self._window[1] - y
        return next((k for k, (x0, y0, x1, y1) in enumerate(self._shown) if x0 <= px <= x1 and y0 <= py <= y1), None)

    def _set(self, image: np.ndarray) -> None:
        from vtkmodules.util.numpy_support import numpy_to_vtk

        image = image.copy()
        # a border: it reads as a panel over the scene
        image[:2], image[-2:], image[:, :2], image[:, -2:] = FRAME, FRAME, FRAME, FRAME
        h, w = image.shape[:2]
        pixels = numpy_to_vtk(np.ascontiguousarray(image[::-1]).reshape(-1, 3), deep=True)  # vtk rows run bottom-up
        self._image.SetDimensions(w, h, 1)
        self._image.GetPointData().SetScalars(pixels)
        self._image.Modified()


def _figure(
    run: Run,
    figure: str,
    snapshot: int,
    layer: str | None,
    size: tuple[int, int, int],
    voxel: tuple[int, ...] | None,
    sample: int,
) -> tuple[np.ndarray, list]:
    """The figure's image and its plots' regions; `size`: its width, height and caption's font size, in pixels."""
    from nnvox.viewer.figures import figure_image

    width, height, caption = size
    regions: list = []
    try:
        image = figure_image(
            run,
            figure,
            t=snapshot,
            layer=layer,
            width=width,
            height=height,
            voxel=voxel,
            sample=sample,
            regions=regions,
            caption=caption,
        )
    except NnvoxError:
        if layer is None or figure == "voxel":
            raise
        regions.clear()  # the selected layer has no weights: the figure's default layer
        image = figure_image(run, figure, t=snapshot, width=width, height=height, regions=regions, caption=caption)
    return image, regions

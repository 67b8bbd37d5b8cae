"""The one protocol of everything drawn with a scene: an overlay is built once from a Stage (the
scene, the pane's vtk renderers, the options and through them the theme), then `update(shown)`
only writes new values into what it built (see shared/notes/rendering.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import vtk

from nnvox.scenes.histogram import Histogram
from nnvox.scenes.scene import Frame, Scene
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.theme import Box, Colours, Fonts, Layout, Theme


@dataclass(frozen=True)
class Stage:
    """Where overlays draw: `renderer` holds the scene's pane (its part of the window is `viewport`);
    `overlay` is a layer over it sharing its camera, for what must never hide behind a block."""

    scene: Scene
    renderer: vtk.vtkRenderer
    overlay: vtk.vtkRenderer
    options: RenderOptions
    viewport: Box = (0.0, 0.0, 1.0, 1.0)

    @property
    def theme(self) -> Theme:
        return self.options.theme

    @property
    def colours(self) -> Colours:
        return self.options.theme.colours

    @property
    def fonts(self) -> Fonts:
        return self.options.theme.fonts

    @property
    def layout(self) -> Layout:
        return self.options.theme.layout

    @property
    def pane_width(self) -> float:
        """The pane's width in pixels."""
        return self.options.width * (self.viewport[2] - self.viewport[0])

    @property
    def pane_height(self) -> float:
        return self.options.height * (self.viewport[3] - self.viewport[1])


@dataclass(frozen=True)
class Shown:
    """What a pane shows now: the scene's frame, and the selected layer's histogram (None: no layer
    is selected)."""

    frame: Frame
    histogram: Histogram | None = None

    @property
    def selected(self) -> str | None:
        return self.histogram.block if self.histogram is not None else None


class Overlay(Protocol):
    """Built once: `__init__(stage, ...)` adds its props to the stage's renderers and lists those of
    `stage.renderer` in `props` (the overlay layer is cleared whole). `update` writes values only.

    An overlay whose look moves on from one picture to the next by itself (a bar fading over
    seconds, a docked list's light rising) also has `pace(fps)`, the pictures a second it is drawn
    at, and `steady`, whether a picture drawn again now draws it the same: an export reuses a
    picture only while every overlay is steady (storyboard_export._still), and paces them all
    (paced, settled)."""

    props: list[vtk.vtkProp]

    def update(self, shown: Shown) -> None: ...


def paced(overlays: Iterable, fps: float) -> None:
    """Tell every overlay that moves on by itself the pictures a second it is drawn at (Overlay)."""
    for overlay in overlays:
        if hasattr(overlay, "pace"):
            overlay.pace(fps)


def settled(overlays: Iterable) -> bool:
    """Whether every overlay draws the same again (Overlay.steady; one without it always does)."""
    return all(getattr(overlay, "steady", True) for overlay in overlays)


def add_props(renderer: vtk.vtkRenderer, props: Iterable[vtk.vtkProp]) -> list[vtk.vtkProp]:
    """Add `props` to `renderer` in order (the order vtk draws them in); returns them as a list."""
    props = list(props)
    for prop in props:
        renderer.AddViewProp(prop)
    return props

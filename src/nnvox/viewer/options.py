"""Render and video options."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.scenes.presets import check_size


@dataclass(frozen=True)
class RenderOptions:
    width: int = 1280
    height: int = 720
    background: tuple[int, int, int] = (24, 24, 30)
    text_colour: tuple[int, int, int] = (235, 235, 240)
    anti_alias: bool = False  # MSAA costs 1.7-2.2x per frame in software GL
    show_labels: bool = True
    show_legend: bool = True
    show_hud: bool = True
    show_metrics: bool = True
    metrics_box: tuple[float, float, float, float] = (0.7, 0.02, 0.98, 0.15)  # loss/accuracy inset, normalised
    histogram_box: tuple[float, float, float, float] = (0.7, 0.19, 0.98, 0.40)  # the selected layer's histogram
    text_scale: float = 1.0  # smaller text for panes sharing the window (comparisons)
    transparent: bool = False  # RGBA frames with a clear background (WebM, ProRes, PNG overlays)

    def text_size(self, fraction: float, minimum: int = 8) -> int:
        """A font size in pixels: `fraction` of the image height, scaled for the pane."""
        return max(minimum, round(self.height * fraction * self.text_scale))

    def __post_init__(self):
        check_size(self.width, self.height)  # whole numbers, 16 to 8192 a side


@dataclass(frozen=True)
class VideoOptions:
    fps: int = 30
    crf: int = 18
    seconds_per_snapshot: float = 0.8
    forward_seconds: float = 2.5  # the opening forward-pass animation
    hold_seconds: float = 1.5  # still frames at the end
    orbit_degrees: float = 30.0  # gentle camera sweep over the whole video; 0 for a fixed camera

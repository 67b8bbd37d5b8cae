"""Cross-fades that mix only the 3D picture. A frame near a cut is rendered as two layers: the
picture (blocks, edges, pulses: everything but text) and the overlay (heads-up line, caption,
legends, labels, insets: every 2D actor and billboard text) with its coverage. The pictures of the
two shots blend; the overlay is one shot's or the other's, switching at the fade's midpoint, so two
shots' texts and colour bars never overlay into garbled double text or a false colour scale.

The overlay is rendered twice with the 3D props hidden, over black and over white: over black it is
its colour times its coverage (premultiplied), and white minus black is what it leaves uncovered,
so anti-aliased text edges and semi-transparent label boxes composite exactly. Those two passes draw
no voxels: a layered frame costs one picture render plus two cheap overlay renders (measured in
benchmarks/bench_video.py)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

OVERLAY_CLASSES = ("vtkActor2D", "vtkBillboardTextActor3D")  # text, colour bars, insets, labels


@dataclass(frozen=True)
class Layers:
    """One frame as a picture (H, W, C float) and an overlay over it: `ink` its premultiplied colour
    (H, W, 3 float), `cover` its coverage (H, W, 1 float, 0 = picture shows through)."""

    picture: np.ndarray
    ink: np.ndarray
    cover: np.ndarray

    @classmethod
    def flat(cls, image: np.ndarray) -> Layers:
        """An image with no overlay of its own (a title card, a 2D figure): all of it blends."""
        h, w = image.shape[:2]
        return cls(image.astype(np.float32), np.zeros((h, w, 3), np.float32), np.zeros((h, w, 1), np.float32))

    def over(self, picture: np.ndarray) -> np.ndarray:
        """This overlay composited over `picture`, as uint8."""
        out = picture.copy()
        out[..., :3] = self.ink + (1 - self.cover) * picture[..., :3]
        if out.shape[2] == 4:  # a transparent video: the overlay is opaque where it covers
            out[..., 3:] = 255 * self.cover + (1 - self.cover) * picture[..., 3:]
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)

    def image(self) -> np.ndarray:
        return self.over(self.picture)


def as_layers(drawn: np.ndarray | Layers) -> Layers:
    return drawn if isinstance(drawn, Layers) else Layers.flat(drawn)


def as_image(drawn: np.ndarray | Layers) -> np.ndarray:
    return drawn.image() if isinstance(drawn, Layers) else drawn


def cross_fade(before: Layers, after: Layers, a: float) -> np.ndarray:
    """The frame `a` (0..1) of the way from `before` to `after`: the pictures mixed, the overlay
    `before`'s until the midpoint and `after`'s from there."""
    picture = before.picture * (1 - a) + after.picture * a
    return (before if a < 0.5 else after).over(picture)


def _is_overlay(prop) -> bool:
    return any(prop.IsA(name) for name in OVERLAY_CLASSES)


def _props(renderer) -> list:
    props = renderer.GetViewProps()
    return [props.GetItemAsObject(i) for i in range(props.GetNumberOfItems())]


@contextmanager
def _hiding(window, hide):
    """Props for which `hide(prop)` is true hidden while rendering, restored after. Hidden from a
    low-priority StartEvent observer of each renderer, so after anything that sets visibility as a
    render starts (the label layout), and saved once each, so the state before is what comes back."""
    saved: dict[int, tuple] = {}

    def hide_now(renderer, _event):
        for prop in _props(renderer):
            if prop.GetVisibility() and hide(prop):
                saved.setdefault(id(prop), (prop, prop.GetVisibility()))
                prop.SetVisibility(False)

    renderers = window.GetRenderers()
    watched = [renderers.GetItemAsObject(i) for i in range(renderers.GetNumberOfItems())]
    tags = [(r, r.AddObserver("StartEvent", hide_now, -100.0)) for r in watched]
    try:
        yield watched
    finally:
        for r, tag in tags:
            r.RemoveObserver(tag)
        for prop, visible in saved.values():
            prop.SetVisibility(visible)


def render_layers(offscreen, frame, histogram=None) -> Layers:
    """Draw `frame` in an OffscreenRenderer as Layers: the picture without text, then the overlay
    without the picture over black and over white."""
    from nnvox.viewer.offscreen import grab

    window, pixels, alpha = offscreen.window, offscreen._pixels, offscreen.options.transparent
    with _hiding(window, _is_overlay):
        picture = offscreen.render(frame, histogram).astype(np.float32)  # (draws the frame's values too)
    grounds = []
    with _hiding(window, lambda prop: not _is_overlay(prop)) as renderers:
        backgrounds = [(r, r.GetBackground(), r.GetBackgroundAlpha()) for r in renderers]
        for level in (0.0, 1.0):
            for r, _, _ in backgrounds:
                r.SetBackground(level, level, level)
                r.SetBackgroundAlpha(1.0)
            window.Render()
            grounds.append(grab(window, pixels, alpha)[..., :3].astype(np.float32))
        for r, colour, opacity in backgrounds:
            r.SetBackground(*colour)
            r.SetBackgroundAlpha(opacity)
    black, white = grounds
    cover = np.clip(1 - (white - black).mean(axis=2, keepdims=True) / 255, 0.0, 1.0)
    return Layers(picture, black, cover)

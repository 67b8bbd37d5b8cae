"""How frames change between shots: a dip scales one shot's frame towards the background (the
default where the camera cannot carry on: scenes/storyboard.transitions); a cross-fade, only where
asked by name, mixes only the 3D picture. A frame near a cut is rendered as two layers: the
picture (blocks, edges, pulses: everything but text) and the overlay (heads-up line, caption,
legends, labels, insets: every 2D actor and billboard text) with its coverage. The pictures of the
two shots blend; the overlay is one shot's or the other's, switching at the fade's midpoint, so two
shots' texts and colour bars never overlay into garbled double text or a false colour scale.

The overlay is rendered with the 3D props hidden over a clear black: its colour comes back times its
coverage (premultiplied) and the alpha channel is that coverage, so anti-aliased text edges and
semi-transparent label boxes composite exactly. Text is most of a frame's cost in software GL (at
720p ~40 of ~57 ms), so a layered frame costs about two plain ones (benchmarks/bench_video.py)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

OVERLAY_CLASSES = ("vtkActor2D", "vtkBillboardTextActor3D")  # text, colour bars, insets, labels
# the object name of a 2D actor that belongs to the picture, not the texts (a close-up's covers over
# the blocks the frame's edges cut: overlays/edge_fade.py), so the picture layer keeps it
PICTURE_2D = "nnvox picture"


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

    def composite(self) -> np.ndarray:
        """This overlay composited over its picture, as floats."""
        out = self.picture.copy()
        out[..., :3] = self.ink + (1 - self.cover) * self.picture[..., :3]
        if out.shape[2] == 4:  # a transparent video: the overlay is opaque where it covers
            out[..., 3:] = 255 * self.cover + (1 - self.cover) * self.picture[..., 3:]
        return out

    def over(self, picture: np.ndarray) -> np.ndarray:
        """This overlay composited over `picture`, as uint8."""
        out = Layers(picture.astype(np.float32), self.ink, self.cover).composite()
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


SAME_TEXT = 2.0  # levels (of 255): an overlay pixel two shots draw alike (a label that stays put)
# Of a frame, the most a piece of overlay (a label, its box, a legend: pixels that touch) may cover to
# switch whole where any of its pixels differs between two shots: a label moved by a pixel matches
# its old self at scattered pixels, which stayed while the rest faded (torn glyphs). Larger pieces
# (the caption's band, a panel) switch pixel by pixel, the band staying where both draw it.
WHOLE_PIECE = 0.05
PIECE_COVER = 0.25  # covered at least this much to make a piece: the faint anti-aliased fringes between
# a line's glyphs joined the whole heads-up line into one piece, dimmed whole for its one new word
SAME_SHAPE = 0.9  # of a piece's inked pixels alike at both shots: drawn in the same shape (it blends)


def texts_switched(before: Layers, after: Layers, a: float) -> np.ndarray:
    """The frame `a` (0..1) of the way from `before` to `after` where a camera move changes shots at
    one pose (shot_changes.MOVE_FADE): the pictures mixed; the overlay pixels both shots draw alike
    stay; a text drawn in the same shape at both, only lit or dimmed, blends from one to the other;
    the others switch in two halves, `before`'s fading out, then `after`'s fading in, so a label that
    moves or changes size between the shots never shows twice (one image dissolve drew the old label
    and the new one overlaid), and one that only dims never blinks out and back (the forward pass's
    labels did, dimming at its first frame)."""
    from scipy.ndimage import binary_dilation

    picture = before.picture * (1 - a) + after.picture * a
    differs = (np.abs(before.cover - after.cover)[..., 0] * 255 > SAME_TEXT) | (
        np.abs(before.ink - after.ink).max(axis=2) > SAME_TEXT
    )
    drawn = (before.cover[..., 0] > PIECE_COVER) | (after.cover[..., 0] > PIECE_COVER)
    pieces = _pieces(drawn)
    alike = _same_shape(before.cover[..., 0], after.cover[..., 0], pieces)
    fringe = binary_dilation(alike, iterations=2) & (pieces == 0)  # its anti-aliased edges, under PIECE_COVER
    blends = differs & (alike | fringe)
    same = ~_switching(differs & ~blends, drawn, pieces)[..., None]
    out = picture
    for layer, weight in ((before, max(0.0, 1 - 2 * a)), (after, max(0.0, 2 * a - 1))):
        w = np.where(same, 1.0 if layer is before else 0.0, weight).astype(np.float32)
        out = Layers(out, layer.ink * w, layer.cover * w).composite()
    mixed = Layers(picture, before.ink * (1 - a) + after.ink * a, before.cover * (1 - a) + after.cover * a)
    out = np.where(blends[..., None], mixed.composite(), out)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _pieces(drawn: np.ndarray) -> np.ndarray:
    """Each piece of overlay (touching pixels drawn at either shot) numbered from 1, 0 elsewhere."""
    from scipy.ndimage import label

    return label(drawn)[0]


def _same_shape(before: np.ndarray, after: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    """The pixels of the pieces drawn in the same shape at both shots, at any strength (a label dimmed
    with its block, or drawn a pixel off): each piece's pixels covered at least half its strongest, alike
    (within a pixel) at SAME_SHAPE of them."""
    from scipy.ndimage import binary_dilation

    if not pieces.any():
        return np.zeros(pieces.shape, bool)
    index = np.arange(pieces.max() + 1)
    top_before, top_after = (_strongest(c, pieces, index.size) for c in (before, after))
    inked_before, inked_after = before > top_before[pieces] / 2, after > top_after[pieces] / 2
    shown = (pieces > 0) & (inked_before | inked_after)
    size = np.bincount(pieces[shown], minlength=index.size)
    grown_before, grown_after = binary_dilation(inked_before), binary_dilation(inked_after)  # a pixel off alike
    unlike = np.bincount(pieces[(inked_before & ~grown_after) | (inked_after & ~grown_before)], minlength=index.size)
    # drawn at both (a caption's band at a fade's end, 1.5/255, is not a text drawn there: the old caption's
    # words under the new one's faint band blended, the rest switched, and it read cut mid-word)
    alike = (unlike <= (1 - SAME_SHAPE) * size) & (top_before >= PIECE_COVER) & (top_after >= PIECE_COVER)
    alike[0] = False
    return alike[pieces]


def _strongest(cover: np.ndarray, pieces: np.ndarray, n: int) -> np.ndarray:
    """Each piece's strongest coverage (index 0: of the pixels in none), as scipy.ndimage.maximum
    gives it: that sorted the whole frame twice a dissolve frame (1.1 s of CPU at 1080p)."""
    top = np.zeros(n, cover.dtype)
    drawn = pieces > 0
    np.maximum.at(top, pieces[drawn], cover[drawn])
    rest = cover[~drawn]
    top[0] = rest.max() if rest.size else 0
    return top


def _switching(differs: np.ndarray, drawn: np.ndarray, pieces: np.ndarray | None = None) -> np.ndarray:
    """The overlay pixels that switch: each piece of overlay (touching pixels either shot draws) up
    to WHOLE_PIECE of the frame wholly where any of its pixels `differs`, larger ones where they differ."""
    if not differs.any():
        return differs
    pieces = _pieces(drawn) if pieces is None else pieces
    sizes = np.bincount(pieces.ravel())
    changed = np.unique(pieces[differs & (pieces > 0)])
    changed = changed[sizes[changed] <= WHOLE_PIECE * differs.size]
    return differs | np.isin(pieces, changed)


def dipped(image: np.ndarray, background: tuple[int, int, int], level: float) -> np.ndarray:
    """`image` (uint8) `level` (0..1) of the way from the background: a dip's frame. A transparent
    frame's alpha goes to 0 with it, so a dipped overlay fades out of the video it is laid over."""
    ground = np.array([*background, 0][: image.shape[2]], np.float32)
    values = np.arange(256, dtype=np.float32)[:, None]  # each level of each channel, looked up (4x faster)
    table = np.clip(ground + level * (values - ground) + 0.5, 0, 255).astype(np.uint8)
    out = np.empty_like(image)
    for c in range(image.shape[2]):
        np.take(table[:, c], image[..., c], out=out[..., c])
    return out


def _is_overlay(prop) -> bool:
    return prop.GetObjectName() != PICTURE_2D and any(prop.IsA(name) for name in OVERLAY_CLASSES)


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
    without the picture."""
    with _hiding(offscreen.window, _is_overlay):
        picture = offscreen.render(frame, histogram).astype(np.float32)  # (draws the frame's values too)
    ink, cover = _overlay(offscreen)
    return Layers(picture, ink, cover)


def _overlay(offscreen) -> tuple[np.ndarray, np.ndarray]:
    """The overlay's premultiplied colour and coverage: drawn over a clear black, the frame buffer's
    alpha is its coverage (off-screen frame buffers have alpha even without alpha bit planes); where
    none comes back, a second pass over white measures it (white minus black: what shows through)."""
    from nnvox.viewer.offscreen import grab

    window, pixels = offscreen.window, offscreen._pixels
    with _hiding(window, lambda prop: not _is_overlay(prop)) as renderers:
        backgrounds = [(r, r.GetBackground(), r.GetBackgroundAlpha()) for r in renderers]
        try:
            _clear(renderers, 0.0)
            window.Render()
            black = grab(window, pixels, True).astype(np.float32)
            if black[..., 3].min() < 255:
                return black[..., :3], black[..., 3:] / 255
            _clear(renderers, 1.0)
            window.Render()
            white = grab(window, pixels, False).astype(np.float32)
        finally:
            for r, colour, opacity in backgrounds:
                r.SetBackground(*colour)
                r.SetBackgroundAlpha(opacity)
    ink = black[..., :3]
    return ink, np.clip(1 - (white - ink).mean(axis=2, keepdims=True) / 255, 0.0, 1.0)


def _clear(renderers, level: float) -> None:
    for r in renderers:
        r.SetBackground(level, level, level)
        r.SetBackgroundAlpha(0.0)

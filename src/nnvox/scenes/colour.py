"""Colour maps and per-layer colour scales, as plain numpy so tests can compute expected pixels.

Texel values are 1-byte indices: 0 means "no value" (padding, gaps between kernels), 1 means a
non-finite value (NaN or ±Inf in the data: a distinct magenta), 2..255 span the scale.

Frames keep the two apart: padding is NaN, non-finite data is ±Inf (see `mark_nonfinite`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_VALUE_RGB = (38, 38, 44)  # padding: close to the background, clearly not data
NONFINITE_RGB = (255, 0, 255)  # NaN / Inf in the data: a colour no scale uses
LEVELS = 254  # indices 2..255

# Control points sampled from matplotlib's maps (viridis; ColorBrewer RdBu reversed; gray), as hex RGB.
# "viridis" is the upper part of matplotlib's viridis, from VIRIDIS_FROM of it up (its stops: viridis at
# 13 even steps over that part): its full low end (440154, dark purple) stood only 1.16:1 off the dark
# background (WCAG contrast), so a projector with weak blacks drew a layer's low values as one smear
# with the background; from 0.35 its lowest colour (2f6c8e) stands 3:1 off it (WCAG's least for
# graphics). The part keeps viridis' lightness rising all along (order readable without hue, so for
# every colour vision): tests/scenes/test_colour_contrast.py.
VIRIDIS_FROM = 0.35
_HEX_STOPS = {
    "viridis": "2f6c8e 29798e 24868e 20938c 1fa188 26ad81 38b977 52c569 70cf57 93d741 b8de29 dde318 fde725",
    "diverging": "053061 2166ac 4393c3 92c5de d1e5f0 f7f7f7 fddbc7 f4a582 d6604d b2182b 67001f",
    "gray": "000000 ffffff",
}


def hex_colours(text: str) -> tuple[tuple[int, int, int], ...]:
    """ "440154 472c7a ..." as RGB triples: palettes written one row each."""
    return tuple(tuple(bytes.fromhex(c)) for c in text.split())


_STOPS = {name: list(hex_colours(stops)) for name, stops in _HEX_STOPS.items()}
_STOPS["difference"] = _STOPS["diverging"]  # left − right in a comparison: its own legend, the same colours


def lut(name: str) -> np.ndarray:
    """256 x 3 uint8 table: entry 0 no value, entry 1 non-finite, entries 2..255 run along the map."""
    stops = np.asarray(_STOPS[name], dtype=np.float64)
    pos = np.linspace(0.0, 1.0, len(stops))
    x = np.linspace(0.0, 1.0, LEVELS)
    table = np.stack([np.interp(x, pos, stops[:, c]) for c in range(3)], axis=1)
    return np.vstack([NO_VALUE_RGB, NONFINITE_RGB, np.round(table)]).astype(np.uint8)


def mark_nonfinite(values: np.ndarray) -> np.ndarray:
    """Data NaN becomes +Inf, so NaN is left to mean padding: both non-finite kinds show magenta."""
    return np.where(np.isnan(values), np.float32(np.inf), values) if np.isnan(values).any() else values


def show_masked(values: np.ndarray, low: float) -> np.ndarray:
    """A deliberate mask's -Inf (what a softmax turns into zeros) drawn at `low`, the scale's low end,
    where it is the values' only non-finite kind: with NaN or +Inf among them, left as they are (magenta)."""
    masked = np.isneginf(values)
    if not masked.any() or np.isnan(values).any() or np.isposinf(values).any():
        return values
    return np.where(masked, np.float32(low), values).astype(values.dtype, copy=False)


def finite_limits(values: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """Percentiles `low` and `high` (0..100) of the finite values; (0, 1) when there are none: data
    all NaN or ±Inf draws magenta whatever the scale, so the scale need only exist."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 1.0
    lo, hi = np.percentile(finite, [low, high])
    return float(lo), float(hi)


@dataclass(frozen=True)
class ColourScale:
    """Fixed for a layer over the whole run. Diverging scales are symmetric about zero."""

    lo: float
    hi: float
    cmap: str
    diverging: bool

    @classmethod
    def robust(cls, lo: float, hi: float, *, signed: bool | None = None, cmap: str | None = None) -> ColourScale:
        """From robust limits (percentiles). Signed data (or signed=True) gets a zero-centred scale."""
        lo, hi = float(lo), float(hi)
        if signed is None:
            signed = lo < 0 < hi and -lo > 0.05 * hi
        if signed:
            m = max(abs(lo), abs(hi), 1e-12)
            return cls(-m, m, cmap or "diverging", True)
        if hi <= lo:
            hi = lo + 1e-12
        return cls(lo, hi, cmap or "viridis", False)

    def quantise(self, values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Map values to texel indices 2..255 (0 for NaN padding, 1 for ±Inf data), into `out` when given."""
        scale = (LEVELS - 1) / (self.hi - self.lo)
        with np.errstate(invalid="ignore"):
            q = np.clip((values - self.lo) * scale, 0.0, LEVELS - 1.0) + 2.5
        q[np.isinf(values)] = 1.0
        q = np.nan_to_num(q, nan=0.0)
        if out is None:
            return q.astype(np.uint8)
        np.copyto(out, q, casting="unsafe")
        return out

    def rgb(self, value: float) -> np.ndarray:
        """The colour a single value maps to (what a block's pixel must show)."""
        return lut(self.cmap)[int(self.quantise(np.asarray([value], dtype=np.float32))[0])]

"""The sequential colour map's low end stands off the dark background (scenes/colour.py's
VIRIDIS_FROM): a projector with weak blacks drew the full viridis' dark purple (1.16:1 against the
background, WCAG contrast) as one smear with it, epochs 1-5 of the distance shot alike. The map keeps
its lightness rising from end to end, so its order reads without hue (every colour vision)."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.colour import LEVELS, VIRIDIS_FROM, lut
from nnvox.viewer.theme import Colours, relative_luminance

LEAST_CONTRAST = 3.0  # WCAG 2.1's least for graphics a reader must make out (1.4.11)


def contrast(a, b) -> float:
    """WCAG's contrast ratio of two sRGB colours, 1 (the same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(tuple(int(v) for v in a)), relative_luminance(tuple(int(v) for v in b))))
    return (lb + 0.05) / (la + 0.05)


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* (0 black .. 100 white) of sRGB colours (n, 3)."""
    c = rgb.astype(float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(y > 216 / 24389, 116 * np.cbrt(y) - 16, y * 24389 / 27)


def test_the_sequential_maps_lowest_colour_stands_off_the_dark_background():
    low = lut("viridis")[2]
    assert contrast(low, Colours().background) >= LEAST_CONTRAST, (low, contrast(low, Colours().background))


def test_the_maps_lightness_rises_from_end_to_end_over_a_wide_range():
    stars = lightness(lut("viridis")[2:].astype(int))
    assert len(stars) == LEVELS
    assert (np.diff(stars) >= -0.3).all()  # rounding to bytes aside, never darker further up
    assert stars[-1] - stars[0] >= 45  # about 250 levels apart: neighbouring values stay apart


def test_the_map_is_viridis_from_its_stated_point_up():
    colormaps = pytest.importorskip("matplotlib").colormaps
    x = np.linspace(VIRIDIS_FROM, 1.0, LEVELS)
    expected = np.round(np.array([colormaps["viridis"](v)[:3] for v in x]) * 255)
    assert np.abs(lut("viridis")[2:].astype(int) - expected).max() <= 3

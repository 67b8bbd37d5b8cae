"""Video sizes and frame rates: the quality presets, explicit sizes."""

from __future__ import annotations

import math
import re
from numbers import Integral, Real

from nnvox.errors import NnvoxError, NnvoxTypeError, NnvoxValueError
from nnvox.memory import size_text

WIDTHS = {480: 854, 720: 1280, 1080: 1920, 1440: 2560, 2160: 3840}  # 16:9, even: yuv420p needs it
# manim's quality presets; any of these heights with another fps works too ("1080p30", "720p60")
PRESETS = ("480p15", "720p30", "1080p60", "1440p60", "2160p60")
MAX_SIDE = 8192


def preset_size(name: str) -> tuple[int, int, int]:
    """ "1080p60" -> (1920, 1080, 60). A height alone ("1080p") means 30 fps (15 at 480p)."""
    if not isinstance(name, str):
        raise NnvoxTypeError(f'a preset is text such as "1080p30", got {name!r}')
    match = re.fullmatch(r"(\d{3,4})p(\d{1,3})?", name)
    if not match or int(match[1]) not in WIDTHS:
        raise NnvoxError(
            f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}, or a height "
            f"({', '.join(f'{h}p' for h in WIDTHS)}) with any fps (e.g. 1080p30)"
        )
    height = int(match[1])
    fps = int(match[2]) if match[2] else (15 if height == 480 else 30)
    if not 1 <= fps <= 240:
        raise NnvoxError(f"fps {fps} in preset {name!r} is out of range; use 1 to 240")
    return WIDTHS[height], height, fps


def parse_size(text: str) -> tuple[int, int]:
    """ "1600x900" -> (1600, 900)."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise NnvoxError(f"size {text!r} is not WIDTHxHEIGHT (for example 1600x900)") from None
    return check_size(w, h)


def check_size(width, height) -> tuple[int, int]:
    """An image size in range: whole numbers, 16 to 8192 a side (a frame of 8192 x 8192 is 256 MB
    as RGBA; larger would exhaust memory in the renderer before saying why)."""
    if not all(isinstance(v, Integral) and not isinstance(v, bool) for v in (width, height)):
        raise NnvoxTypeError(f"an image size is two whole numbers (width, height), got {width!r} x {height!r}")
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE):
        frame = f" ({size_text(4 * width * height)} a frame)" if width * height > MAX_SIDE**2 else ""
        raise NnvoxValueError(f"size {width}x{height} is out of range{frame}; use 16 to {MAX_SIDE} pixels a side")
    return int(width), int(height)


def check_fps(fps) -> int:
    if isinstance(fps, bool) or not isinstance(fps, Real) or not (1 <= fps <= 240) or fps != int(fps):
        raise NnvoxValueError(f"fps {fps!r} is out of range; use a whole number from 1 to 240")
    return int(fps)


def output_size(preset: str, size: str | tuple[int, int] | None = None, fps: int | None = None) -> tuple[int, int, int]:
    """Width, height and fps from a preset, overridden by an explicit size and fps."""
    width, height, preset_fps = preset_size(preset)
    if size is not None:
        if isinstance(size, str):
            width, height = parse_size(size)
        elif isinstance(size, (tuple, list)) and len(size) == 2:
            width, height = check_size(*size)
        else:
            raise NnvoxTypeError(f'size is "WIDTHxHEIGHT" or (width, height), got {size!r}')
    return width, height, check_fps(preset_fps if fps is None else fps)


def gif_cap_bytes(megabytes: float | None) -> int | None:
    """A GIF size cap in bytes from megabytes; None or 0 means no cap."""
    if megabytes is None or (not isinstance(megabytes, bool) and megabytes == 0):
        return None
    if isinstance(megabytes, bool) or not isinstance(megabytes, Real) or not 0 < megabytes < math.inf:
        raise NnvoxError(
            f"the GIF size cap (gif_max_mb) must be a positive number of megabytes, or 0 for none; got {megabytes!r}"
        )
    return max(1, int(megabytes * 1e6))

"""Video sizes and frame rates: the quality presets, explicit sizes."""

from __future__ import annotations

import re

from nnvox.errors import NnvoxError

WIDTHS = {480: 854, 720: 1280, 1080: 1920, 1440: 2560, 2160: 3840}  # 16:9, even: yuv420p needs it
# manim's quality presets; any of these heights with another fps works too ("1080p30", "720p60")
PRESETS = ("480p15", "720p30", "1080p60", "1440p60", "2160p60")


def preset_size(name: str) -> tuple[int, int, int]:
    """"1080p60" -> (1920, 1080, 60). A height alone ("1080p") means 30 fps (15 at 480p)."""
    match = re.fullmatch(r"(\d{3,4})p(\d{1,3})?", name)
    if not match or int(match[1]) not in WIDTHS:
        raise NnvoxError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}, or a height "
                         f"({', '.join(f'{h}p' for h in WIDTHS)}) with any fps (e.g. 1080p30)")
    height = int(match[1])
    fps = int(match[2]) if match[2] else (15 if height == 480 else 30)
    if not 1 <= fps <= 240:
        raise NnvoxError(f"fps {fps} in preset {name!r} is out of range; use 1 to 240")
    return WIDTHS[height], height, fps


def parse_size(text: str) -> tuple[int, int]:
    """"1600x900" -> (1600, 900)."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise NnvoxError(f"size {text!r} is not WIDTHxHEIGHT (for example 1600x900)") from None
    if w < 16 or h < 16 or w > 8192 or h > 8192:
        raise NnvoxError(f"size {w}x{h} is out of range; use 16 to 8192 pixels a side")
    return w, h


def output_size(preset: str, size: str | tuple[int, int] | None = None, fps: int | None = None) -> tuple[int, int, int]:
    """Width, height and fps from a preset, overridden by an explicit size and fps."""
    width, height, preset_fps = preset_size(preset)
    if size is not None:
        width, height = parse_size(size) if isinstance(size, str) else size
    fps = preset_fps if fps is None else fps
    if fps <= 0 or fps > 240:
        raise NnvoxError(f"fps {fps} is out of range; use 1 to 240")
    return width, height, fps

"""Video sizes and frame rates: the quality presets, explicit sizes."""

from __future__ import annotations

from nnvox.errors import NnvoxError

# name -> (width, height, fps), as manim names them. Even sizes: H.264 with yuv420p needs them.
PRESETS: dict[str, tuple[int, int, int]] = {
    "480p15": (854, 480, 15),
    "720p30": (1280, 720, 30),
    "1080p60": (1920, 1080, 60),
    "1440p60": (2560, 1440, 60),
    "2160p60": (3840, 2160, 60),
    # the size alone: 30 fps (15 at 480p), half the frames to render of the 60 fps presets
    "480p": (854, 480, 15),
    "720p": (1280, 720, 30),
    "1080p": (1920, 1080, 30),
    "1440p": (2560, 1440, 30),
    "2160p": (3840, 2160, 30),
}


def preset_size(name: str) -> tuple[int, int, int]:
    try:
        return PRESETS[name]
    except KeyError:
        raise NnvoxError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None


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

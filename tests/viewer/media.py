"""Decoding what nnvox wrote with the bundled ffmpeg: stream descriptions and raw frames."""

from __future__ import annotations

import re
import subprocess

import imageio_ffmpeg
import numpy as np


def stream(path) -> str:
    """ffmpeg's one-line description of the file's video stream (codec, profile, pixel format, size, fps)."""
    info = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    return next(line for line in info.splitlines() if "Video:" in line)


def size_of(line: str) -> tuple[int, int]:
    w, h = re.search(r"\b(\d{2,5})x(\d{2,5})\b", line).groups()
    return int(w), int(h)


def decode(path, *, rgba: bool = False, decoder: str | None = None) -> np.ndarray:
    """Every frame as (n, height, width, 3 or 4) uint8. VP9's alpha needs the libvpx decoder."""
    w, h = size_of(stream(path))
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error"] + (["-c:v", decoder] if decoder else [])
    cmd += ["-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgba" if rgba else "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    c = 4 if rgba else 3
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, c)

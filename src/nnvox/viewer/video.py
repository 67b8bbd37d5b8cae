"""Lecture-ready MP4 through imageio-ffmpeg's bundled ffmpeg: H.264 High, yuv420p, faststart."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnvox.errors import NnvoxError


class Mp4Writer:
    def __init__(self, path: Path, width: int, height: int, fps: int, crf: int = 18):
        import imageio_ffmpeg

        if width % 2 or height % 2:
            raise NnvoxError(f"video size {width}x{height} must be even in both dimensions for H.264")
        self.path = path
        self.size = (width, height)
        # macro_block_size=2: the default 16 would silently rescale 1080 to 1088.
        self._gen = imageio_ffmpeg.write_frames(
            str(path),
            self.size,
            fps=fps,
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            macro_block_size=2,
            quality=None,
            output_params=["-profile:v", "high", "-crf", str(crf), "-preset", "veryfast", "-movflags", "+faststart"],
        )
        self._gen.send(None)
        self.frames = 0

    def write(self, image: np.ndarray) -> None:
        self._gen.send(np.ascontiguousarray(image))
        self.frames += 1

    def close(self) -> None:
        self._gen.close()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

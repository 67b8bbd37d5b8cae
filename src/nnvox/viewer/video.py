"""Lecture-ready MP4 through imageio-ffmpeg's bundled ffmpeg: H.264 High, yuv420p, faststart."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np

from nnvox.errors import NnvoxError


class Mp4Writer:
    """Frames go to ffmpeg from a sender thread, so rendering the next frame overlaps encoding
    this one (pipe writes release the GIL). The queue is short: memory stays flat."""

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
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._send, name="nnvox-mp4", daemon=True)
        self._thread.start()

    def _send(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._gen.send(frame)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            raise NnvoxError(f"video encoding to {self.path} failed: {self._error}") from None

    def write(self, image: np.ndarray) -> None:
        self._check()
        if image.shape[:2] != self.size[::-1]:
            raise NnvoxError(f"frame of {image.shape[1]}x{image.shape[0]} does not match the video's {self.size[0]}x{self.size[1]}")
        self._queue.put(np.ascontiguousarray(image))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._gen.close()
        self._check()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

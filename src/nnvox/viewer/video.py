"""Video and image-sequence writers, chosen by the output's suffix, all through imageio-ffmpeg's
bundled ffmpeg (or imageio for PNGs):

- .mp4  H.264 High, yuv420p, faststart: plays in PowerPoint, Keynote and every browser
- .webm VP9; with a transparent background, yuva420p (alpha) for overlays on slides
- .mov  ProRes 4444 (alpha when transparent), what video editors take for overlays
- .gif  one optimised palette (palettegen/paletteuse), re-encoded smaller until under a size cap
- a folder: a numbered PNG sequence (RGBA when transparent)

Frames go to the encoder from a sender thread, so rendering the next frame overlaps encoding this
one (pipe writes release the GIL); the queue is short, so memory stays flat however long the video.
"""

from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from nnvox.errors import NnvoxError

VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".gif")


class FrameWriter:
    """Takes (height, width, 3 or 4) uint8 frames; `_consume` runs on the sender thread."""

    def __init__(self, path: Path, width: int, height: int, fps: int, alpha: bool):
        self.path, self.size, self.fps, self.alpha = path, (width, height), fps, alpha
        self.frames = 0
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._send, name=f"nnvox-{path.suffix or 'png'}", daemon=True)
        self._thread.start()

    def _consume(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """After the last frame (on the caller's thread)."""

    def _send(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._consume(frame)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            raise NnvoxError(f"writing {self.path} failed: {self._error}") from None

    def write(self, image: np.ndarray) -> None:
        self._check()
        channels = 4 if self.alpha else 3
        if image.shape != (self.size[1], self.size[0], channels):
            raise NnvoxError(f"frame of shape {image.shape} does not match the output's {self.size[0]}x{self.size[1]}x{channels}")
        self._queue.put(np.ascontiguousarray(image))
        self.frames += 1

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._check()
        try:
            self._finish()
        except NnvoxError:
            raise
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            raise NnvoxError(f"writing {self.path} failed: {exc}") from None

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


ENCODER_NICE = 19
_PIPE_BYTES = 1 << 20  # a 720p frame crosses in 3 writes instead of 42 through the default 64 KiB


def _at_low_priority(start):
    """`start()`, which spawns the encoder, called from a thread at the lowest CPU priority, so the
    encoder inherits it (Linux keeps nice values per thread; elsewhere it simply starts as usual).
    Software rendering keeps both cores busy in bursts: an encoder at normal priority preempts a
    rendering thread and the whole frame waits for it; at low priority it fills the gaps."""
    import os
    import sys

    if sys.platform != "linux":
        return start()
    result: list = []

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, ENCODER_NICE)  # this thread only (Linux)
        except OSError:
            pass  # not allowed: normal priority, still correct
        try:
            result.append(start())
        except BaseException as exc:  # re-raised in the caller's thread
            result.append(exc)

    thread = threading.Thread(target=run, name="nnvox-encoder-start")
    thread.start()
    thread.join()
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


class FfmpegWriter(FrameWriter):
    """One ffmpeg process (imageio-ffmpeg's bundled binary) fed raw frames through a large pipe, at
    low priority; its messages are kept for a one-line error."""

    def __init__(self, path: Path, width: int, height: int, fps: int, *, alpha: bool, codec: str, pix_fmt: str,
                 params: list[str]):
        import imageio_ffmpeg

        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo",
               "-pix_fmt", "rgba" if alpha else "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
               "-an", "-c:v", codec, "-pix_fmt", pix_fmt, *params, str(path)]
        self._log = tempfile.TemporaryFile()
        self._proc = _at_low_priority(lambda: subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                                               stderr=self._log))
        try:
            import fcntl

            fcntl.fcntl(self._proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        except (ImportError, OSError, AttributeError):
            pass  # not Linux, or a lower limit: the default pipe only means more, smaller writes
        super().__init__(path, width, height, fps, alpha)

    def _message(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"ffmpeg exited with code {self._proc.poll()}"

    def _consume(self, frame: np.ndarray) -> None:
        try:
            self._proc.stdin.write(frame.data)
        except (BrokenPipeError, ValueError):
            self._proc.wait()
            raise OSError(self._message()) from None

    def _finish(self) -> None:
        try:
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            if self._proc.wait():
                raise NnvoxError(f"writing {self.path} failed: {self._message()}")
        finally:
            self._log.close()


def _encoder_threads() -> list[str]:
    """x264 on one thread where the machine has two cores or fewer: rendering keeps them busy, and
    the encoder's own threads only queue behind it (720p export 7% faster measured on 2 cores,
    1080p unchanged); its default (1.5 threads a core) elsewhere."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return ["-threads", "1"] if cores <= 2 else []


def mp4_writer(path: Path, width: int, height: int, fps: int, crf: int = 18) -> FfmpegWriter:
    return FfmpegWriter(path, width, height, fps, alpha=False, codec="libx264", pix_fmt="yuv420p",
                        params=["-profile:v", "high", "-crf", str(crf), "-preset", "veryfast", "-movflags", "+faststart",
                                *_encoder_threads()])


def webm_writer(path: Path, width: int, height: int, fps: int, alpha: bool, crf: int = 32) -> FfmpegWriter:
    return FfmpegWriter(path, width, height, fps, alpha=alpha, codec="libvpx-vp9", pix_fmt="yuva420p" if alpha else "yuv420p",
                        params=["-b:v", "0", "-crf", str(crf), "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"])


def mov_writer(path: Path, width: int, height: int, fps: int, alpha: bool) -> FfmpegWriter:
    return FfmpegWriter(path, width, height, fps, alpha=alpha, codec="prores_ks",
                        pix_fmt="yuva444p10le" if alpha else "yuv422p10le",
                        params=["-profile:v", "4444" if alpha else "hq", "-vendor", "apl0"])


class PngSequenceWriter(FrameWriter):
    """frame-00000.png, frame-00001.png, ... in a folder; fast zlib level (PNG is lossless anyway)."""

    def __init__(self, folder: Path, width: int, height: int, fps: int, alpha: bool):
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.glob("frame-*.png")):
            raise NnvoxError(f"{folder} already holds frame-*.png files; choose an empty folder or delete them")
        self._written = 0
        super().__init__(folder, width, height, fps, alpha)

    def _consume(self, frame: np.ndarray) -> None:
        from PIL import Image

        Image.fromarray(frame).save(self.path / f"frame-{self._written:05d}.png", compress_level=1)
        self._written += 1


class GifWriter(FrameWriter):
    """Frames are kept raw in a temporary file; on close, one palette is made for the whole clip
    and the GIF is encoded, then re-encoded smaller (85% each time) until it fits `max_bytes`."""

    def __init__(self, path: Path, width: int, height: int, fps: int, max_bytes: int | None):
        self.max_bytes = max_bytes
        self._raw = tempfile.NamedTemporaryFile(prefix="nnvox-gif-", suffix=".rgb", delete=False)
        self.scale = 1.0  # of the frame size, after fitting the cap
        super().__init__(path, width, height, fps, alpha=False)

    def _consume(self, frame: np.ndarray) -> None:
        self._raw.write(frame.tobytes())

    def _encode(self, scale: float) -> int:
        import imageio_ffmpeg

        w, h = self.size
        tw, th = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
        graph = (f"scale={tw}:{th}:flags=lanczos,split[a][b];[a]palettegen=stats_mode=full[p];"
                 "[b][p]paletteuse=dither=sierra2_4a")
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{w}x{h}", "-r", str(self.fps), "-i", self._raw.name, "-filter_complex", graph, "-loop", "0",
               str(self.path)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise NnvoxError(f"GIF encoding of {self.path} failed: {done.stderr.strip().splitlines()[-1:]}")
        return self.path.stat().st_size

    def _finish(self) -> None:
        self._raw.close()
        try:
            scale = 1.0
            size = self._encode(scale)
            while self.max_bytes and size > self.max_bytes:
                scale *= 0.85
                if self.size[0] * scale < 64:
                    raise NnvoxError(f"{self.path.name} stays over {self.max_bytes / 1e6:.1f} MB even at "
                                     f"{round(self.size[0] * scale)} px wide; shorten the clip, lower fps or raise the cap")
                size = self._encode(scale)
            self.scale = scale
        finally:
            Path(self._raw.name).unlink(missing_ok=True)


def open_writer(out: Path, width: int, height: int, fps: int, *, transparent: bool = False, crf: int = 18,
                gif_max_mb: float | None = 8.0) -> FrameWriter:
    """The writer for `out`: by suffix, or a PNG sequence when `out` has none (a folder)."""
    suffix = out.suffix.lower()
    if fps <= 0:
        raise NnvoxError(f"fps must be positive, got {fps}")
    if suffix in (".mp4", ".webm", ".mov", ".gif") and (width % 2 or height % 2):
        raise NnvoxError(f"video size {width}x{height} must be even in both dimensions (yuv420p and most players need it)")
    if transparent and suffix in (".mp4", ".gif"):
        raise NnvoxError(f"{suffix} cannot hold a transparent background; write .webm (VP9), .mov (ProRes 4444) or a PNG folder")
    if suffix == ".mp4":
        return mp4_writer(out, width, height, fps, crf)
    if suffix == ".webm":
        return webm_writer(out, width, height, fps, transparent)
    if suffix == ".mov":
        return mov_writer(out, width, height, fps, transparent)
    if suffix == ".gif":
        return GifWriter(out, width, height, fps, None if gif_max_mb is None else int(gif_max_mb * 1e6))
    if suffix == "":
        return PngSequenceWriter(out, width, height, fps, transparent)
    raise NnvoxError(f"cannot write {out.name}: use .mp4, .webm, .mov, .gif, .png, or a folder for a PNG sequence")

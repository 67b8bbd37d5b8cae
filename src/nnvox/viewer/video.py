"""Video and image-sequence writers, chosen by the output's suffix, all through imageio-ffmpeg's
bundled ffmpeg (or Pillow for PNGs):

- .mp4  H.264 High, yuv420p, faststart: plays in PowerPoint, Keynote and every browser
- .webm VP9; with a transparent background, yuva420p (alpha) for overlays on slides
- .mov  ProRes 4444 (alpha when transparent), what video editors take for overlays
- .gif  one optimised palette (palettegen/paletteuse), re-encoded smaller until under a size cap
- a folder: a numbered PNG sequence (RGBA when transparent)

Frames go to the encoder from a sender thread, so rendering the next frame overlaps encoding this
one (pipe writes release the GIL); the queue is short, so memory stays flat however long the video.

Nothing is written under the output's own name until it is complete: the encoder writes a
temporary beside it (nnvox.files), published by rename once finished and fsynced. A failure or an
interrupt kills the encoder and removes the temporary; a killed export leaves only a temporary
named with its process id, which the next export to that folder removes. The previous file under
the final name is never touched until the new one replaces it whole.
"""

from __future__ import annotations

import errno
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from nnvox.errors import NnvoxError
from nnvox.files import publish, remove_temporary, temporary_path
from nnvox.scenes.presets import gif_cap_bytes
from nnvox.viewer.chapters import CHAPTER_MUXERS, add_chapters
from nnvox.viewer.outputs import encoder_error, publish_sequence, write_error

# Failures of writing itself, said as one line; anything else is a bug and keeps its traceback.
_WRITE_ERRORS = (NnvoxError, OSError, RuntimeError, subprocess.SubprocessError)


class FrameWriter:
    """Takes (height, width, 3 or 4) uint8 frames; `_consume` runs on the sender thread and writes
    to the subclass's `_temporaries`, which `_finish` publishes once complete. Left by an exception
    (`with`, or `abort()`), a writer stops its encoder and removes them instead."""

    _temporaries: list[Path]

    def __init__(self, path: Path, width: int, height: int, fps: int, alpha: bool):
        self.path, self.size, self.fps, self.alpha = path, (width, height), fps, alpha
        self.frames = 0
        self._closed = self._stopping = False
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._send, name=f"nnvox-{path.suffix or 'png'}", daemon=True)
        self._thread.start()

    def _consume(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """After the last frame (on the caller's thread): complete the output and publish it."""

    def _stop(self) -> None:
        """On abort, before the sender is drained: stop whatever it may be blocked on (the encoder)."""

    def _release(self) -> None:
        """Last, after closing or aborting: close files and pipes."""

    def set_chapters(self, chapters: list[tuple[float, str]]) -> None:
        """Chapter markers ((start in seconds, title), viewer/chapters.py) for the finished file, where
        its container keeps them: a GIF or a PNG folder has none."""

    def _send(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._error is None and not self._stopping:
                try:
                    self._consume(frame)
                except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
                    self._error = exc

    def _failure(self, exc: BaseException) -> NnvoxError:
        if isinstance(exc, NnvoxError):
            return exc
        if isinstance(exc, OSError):
            return write_error(self.path, exc)
        return NnvoxError(f"writing {self.path} failed: {exc}")

    def _check(self) -> None:
        if self._error is not None:
            raise self._failure(self._error) from None

    def write(self, image: np.ndarray) -> None:
        if self._closed:
            raise NnvoxError(f"the writer of {self.path} is closed; open a new one to write more frames")
        self._check()
        channels = 4 if self.alpha else 3
        if image.shape != (self.size[1], self.size[0], channels):
            raise NnvoxError(
                f"frame of shape {image.shape} does not match the output's {self.size[0]}x{self.size[1]}x{channels}"
            )
        self._queue.put(np.ascontiguousarray(image))
        self.frames += 1

    def _drain(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def close(self) -> None:
        """Wait for the last frame, complete the output and publish it; on any failure abort
        instead (the previous output stays) and say why in one line. A second close does nothing."""
        if self._closed:
            return
        try:
            self._drain()
            self._check()
            self._finish()
        except BaseException as exc:
            self.abort()
            if isinstance(exc, _WRITE_ERRORS):
                raise self._failure(exc) from None
            raise
        self._closed = True
        self._release()

    def abort(self) -> None:
        """Stop without publishing: the encoder killed and waited for, the temporaries removed."""
        if self._closed:
            return
        self._closed = self._stopping = True
        try:
            self._stop()
            self._drain()
        finally:
            self._release()
            for tmp in self._temporaries:
                remove_temporary(tmp)

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:  # an error or an interrupt while frames were coming: nothing half-made is published
            self.abort()


ENCODER_NICE = 19
_PIPE_BYTES = 1 << 20  # a 720p frame crosses in 3 writes instead of 42 through the default 64 KiB
_PR_SET_PDEATHSIG = 1


def _encoder_setup():
    """What the encoder's process does before ffmpeg starts (Linux): ask to be killed when the
    thread that started it dies, so it never outlives a killed export, and drop to the lowest CPU
    priority. Software rendering keeps both cores busy in bursts: an encoder at normal priority
    preempts a rendering thread and the whole frame waits for it; at low priority it fills the gaps."""
    if sys.platform != "linux":
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    parent = os.getpid()

    def setup() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the export died before the request took hold
            os._exit(1)
        try:
            os.setpriority(os.PRIO_PROCESS, 0, ENCODER_NICE)
        except OSError:
            pass  # not allowed: normal priority, still correct

    return setup


def start_encoder(cmd: list[str], **popen) -> subprocess.Popen:
    """ffmpeg started from the calling thread (PDEATHSIG follows the thread that forks)."""
    return subprocess.Popen(cmd, preexec_fn=_encoder_setup(), **popen)


def _stop_encoder(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _run_encoder(cmd: list[str], log) -> int:
    """One whole ffmpeg run; interrupted, it is killed and waited for, not left running."""
    proc = start_encoder(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    try:
        return proc.wait()
    finally:
        _stop_encoder(proc)


def _ffmpeg_command(
    width: int, height: int, fps: int, alpha: bool, codec: str, pix_fmt: str, params: list[str], muxer: str, out: Path
) -> list[str]:
    """ffmpeg reading raw RGB(A) frames on stdin and encoding them into `out`."""
    import imageio_ffmpeg

    source = ["-f", "rawvideo", "-pix_fmt", "rgba" if alpha else "rgb24", "-s", f"{width}x{height}", "-r", str(fps)]
    encode = ["-an", "-c:v", codec, "-pix_fmt", pix_fmt, *params, "-f", muxer]
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *source, "-i", "-", *encode, str(out)]


class FfmpegWriter(FrameWriter):
    """One ffmpeg process (imageio-ffmpeg's bundled binary) fed raw frames through a large pipe, at
    low priority, writing `encoded` (by default a temporary beside `path`, published on close) in
    the container `muxer`; its messages are kept for a one-line error."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: int,
        *,
        alpha: bool,
        codec: str,
        pix_fmt: str,
        params: list[str],
        muxer: str,
        encoded: Path | None = None,
    ):
        self._encoded = encoded or temporary_path(path)
        self._temporaries = [self._encoded]
        self._muxer, self._chapters = muxer, []
        cmd = _ffmpeg_command(width, height, fps, alpha, codec, pix_fmt, params, muxer, self._encoded)
        try:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 (unnamed: nothing left behind, even killed; _release() closes it)
            self._proc = start_encoder(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
        except OSError as exc:  # a missing or unrunnable ffmpeg, a full temp folder
            fix = (
                "reinstall imageio-ffmpeg (or point IMAGEIO_FFMPEG_EXE at a working ffmpeg)"
                if exc.filename == cmd[0]
                else f"free space in {tempfile.gettempdir()}"
            )
            raise NnvoxError(
                f"cannot start ffmpeg to write {path}: {exc.strerror or exc} ({exc.filename}); {fix}"
            ) from None
        try:
            import fcntl

            fcntl.fcntl(self._proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        except (ImportError, OSError, AttributeError):
            pass  # not Linux, or a lower limit: the default pipe only means more, smaller writes
        super().__init__(path, width, height, fps, alpha)

    def _message(self, code: int | None) -> str:
        """ffmpeg's messages, naming the output (not its temporary)."""
        if code == -getattr(signal, "SIGXFSZ", 0):
            return os.strerror(errno.EFBIG)  # killed for going over a file size limit (ulimit -f)
        self._log.seek(0)
        text = self._log.read().decode(errors="replace").strip() or f"ffmpeg exited with code {code}"
        for tmp in self._temporaries:
            text = text.replace(str(tmp), str(self.path))
        return text

    def _consume(self, frame: np.ndarray) -> None:
        try:
            self._proc.stdin.write(frame.data)
        except (BrokenPipeError, ValueError):
            raise encoder_error(self.path, self._message(self._proc.wait())) from None

    def _end(self) -> None:
        """The last frame sent: wait for the encoder to complete its file."""
        try:
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        if code := self._proc.wait():
            raise encoder_error(self.path, self._message(code))

    def _finish(self) -> None:
        self._end()
        publish(self._with_chapters(), self.path)

    def set_chapters(self, chapters: list[tuple[float, str]]) -> None:
        if self._muxer in CHAPTER_MUXERS:
            self._chapters = list(chapters)

    def _with_chapters(self) -> Path:
        """The encoded file, remuxed with the chapters into a second temporary where there are any
        (stream copy: seconds, not a re-encode); the first temporary is removed once it is made."""
        if not self._chapters:
            return self._encoded
        marked = temporary_path(self.path)
        self._temporaries.append(marked)
        seconds = self.frames / self.fps
        code, text = add_chapters(self._encoded, marked, self._chapters, seconds, self._muxer, start_encoder)
        if code:
            raise encoder_error(self.path, text.replace(str(marked), str(self.path)))
        remove_temporary(self._encoded)
        return marked

    def _stop(self) -> None:
        _stop_encoder(self._proc)

    def _release(self) -> None:
        for f in (self._proc.stdin, self._log):
            try:
                f.close()
            except OSError:
                pass


def _encoder_threads() -> list[str]:
    """x264 on one thread where the machine has two cores or fewer: rendering keeps them busy, and
    the encoder's own threads only queue behind it (720p export 7% faster measured on 2 cores,
    1080p unchanged); its default (1.5 threads a core) elsewhere."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return ["-threads", "1"] if cores <= 2 else []


def mp4_writer(
    path: Path, width: int, height: int, fps: int, crf: int = 18, encoded: Path | None = None
) -> FfmpegWriter:
    """`encoded`: where the encoder writes (by default a temporary beside `path`, published as it)."""
    params = ["-profile:v", "high", "-crf", str(crf), "-preset", "veryfast", "-movflags", "+faststart"]
    frames = {"alpha": False, "pix_fmt": "yuv420p"}
    return FfmpegWriter(
        path,
        width,
        height,
        fps,
        **frames,
        codec="libx264",
        muxer="mp4",
        params=[*params, *_encoder_threads()],
        encoded=encoded,
    )


def webm_writer(path: Path, width: int, height: int, fps: int, alpha: bool, crf: int = 32) -> FfmpegWriter:
    params = ["-b:v", "0", "-crf", str(crf), "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"]
    frames = {"alpha": alpha, "pix_fmt": "yuva420p" if alpha else "yuv420p"}
    return FfmpegWriter(path, width, height, fps, **frames, codec="libvpx-vp9", muxer="webm", params=params)


def mov_writer(path: Path, width: int, height: int, fps: int, alpha: bool) -> FfmpegWriter:
    params = ["-profile:v", "4444" if alpha else "hq", "-vendor", "apl0"]
    frames = {"alpha": alpha, "pix_fmt": "yuva444p10le" if alpha else "yuv422p10le"}
    return FfmpegWriter(path, width, height, fps, **frames, codec="prores_ks", muxer="mov", params=params)


class PngSequenceWriter(FrameWriter):
    """frame-00000.png, frame-00001.png, ... in a temporary folder beside `folder`, each fsynced as
    written (fast zlib level: PNG is lossless anyway); on close the folder is published whole, in
    one step replacing a previous sequence there (a folder holding anything else is refused)."""

    def __init__(self, folder: Path, width: int, height: int, fps: int, alpha: bool):
        self._tmp = temporary_path(folder)
        try:
            self._tmp.mkdir()
        except OSError as exc:
            raise write_error(folder, exc) from None
        self._temporaries = [self._tmp]
        self._written = 0
        super().__init__(folder, width, height, fps, alpha)

    def _consume(self, frame: np.ndarray) -> None:
        from PIL import Image

        with open(self._tmp / f"frame-{self._written:05d}.png", "wb") as f:
            Image.fromarray(frame).save(f, format="PNG", compress_level=1)
            os.fsync(f.fileno())
        self._written += 1

    def _finish(self) -> None:
        publish_sequence(self._tmp, self.path)


class GifWriter(FfmpegWriter):
    """Frames stream into a lossless intermediate beside the output (RGB H.264 at qp 0 in Matroska:
    a rendered clip's flat background and still blocks compress far below raw, and nothing goes to
    the temp folder); on close one palette is made for the whole clip from it and the GIF encoded,
    then re-encoded smaller (85% each time) until it fits `max_bytes`, and published."""

    def __init__(self, path: Path, width: int, height: int, fps: int, max_bytes: int | None):
        self.max_bytes = max_bytes
        self.scale = 1.0  # of the frame size, after fitting the cap
        self._gif = temporary_path(path)
        super().__init__(
            path,
            width,
            height,
            fps,
            alpha=False,
            codec="libx264rgb",
            pix_fmt="rgb24",
            muxer="matroska",
            params=["-qp", "0", "-preset", "ultrafast", *_encoder_threads()],
            encoded=temporary_path(path.with_name(path.name + ".lossless.mkv")),
        )
        self._temporaries.append(self._gif)

    def _encode(self, scale: float) -> int:
        import imageio_ffmpeg

        w, h = self.size
        tw, th = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
        graph = (
            f"scale={tw}:{th}:flags=lanczos,split[a][b];[a]palettegen=stats_mode=full[p];"
            "[b][p]paletteuse=dither=sierra2_4a"
        )
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(self._encoded),
            "-filter_complex",
            graph,
            "-loop",
            "0",
            "-f",
            "gif",
            str(self._gif),
        ]
        self._log.seek(0)
        self._log.truncate()
        if code := _run_encoder(cmd, self._log):
            raise encoder_error(self.path, self._message(code))
        return self._gif.stat().st_size

    def _finish(self) -> None:
        self._end()
        scale = 1.0
        size = self._encode(scale)
        while self.max_bytes and size > self.max_bytes:
            scale *= 0.85
            if self.size[0] * scale < 64:
                raise NnvoxError(
                    f"{self.path.name} stays over {self.max_bytes / 1e6:.1f} MB even at "
                    f"{round(self.size[0] * scale)} px wide; shorten the clip, lower fps or raise the cap"
                )
            size = self._encode(scale)
        self.scale = scale
        publish(self._gif, self.path)
        remove_temporary(self._encoded)


def open_writer(
    out: Path,
    width: int,
    height: int,
    fps: int,
    *,
    transparent: bool = False,
    crf: int = 18,
    gif_max_mb: float | None = 8.0,
) -> FrameWriter:
    """The writer for `out`: by suffix, or a PNG sequence when `out` has none (a folder)."""
    suffix = out.suffix.lower()
    if fps <= 0:
        raise NnvoxError(f"fps must be positive, got {fps}")
    if suffix in (".mp4", ".webm", ".mov", ".gif") and (width % 2 or height % 2):
        raise NnvoxError(
            f"video size {width}x{height} must be even in both dimensions (yuv420p and most players need it)"
        )
    if transparent and suffix in (".mp4", ".gif"):
        raise NnvoxError(
            f"{suffix} cannot hold a transparent background; write .webm (VP9), .mov (ProRes 4444) or a PNG folder"
        )
    if suffix == ".mp4":
        return mp4_writer(out, width, height, fps, crf)
    if suffix == ".webm":
        return webm_writer(out, width, height, fps, transparent)
    if suffix == ".mov":
        return mov_writer(out, width, height, fps, transparent)
    if suffix == ".gif":
        return GifWriter(out, width, height, fps, gif_cap_bytes(gif_max_mb))
    if suffix == "":
        return PngSequenceWriter(out, width, height, fps, transparent)
    raise NnvoxError(f"cannot write {out.name}: use .mp4, .webm, .mov, .gif, .png, or a folder for a PNG sequence")

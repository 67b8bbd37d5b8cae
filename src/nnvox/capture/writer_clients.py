"""How a Recorder hands snapshots to its RunWriter: in the calling thread (InlineWriter), or over a
pipe to a writer process (ChildWriter), so serialising and fsyncing never compete with training."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from nnvox.capture.writer import CLOSE, HEADER, SNAPSHOT, RunWriter, encode, error_text


class InlineWriter:
    """Writes in the calling thread (background=False)."""

    def __init__(self, out: Path, replaces: Path | None = None, lock_fds: tuple[int, ...] = ()):
        # (lock_fds: ChildWriter's signature; this process holds the lock itself)
        self.run = RunWriter(out, replaces)
        self.error: str | None = None

    def _do(self, fn, *args) -> None:
        if self.error is None:
            try:
                fn(*args)
            except Exception as exc:  # noqa: BLE001 (reported as the child writer's are: one line, raised by the Recorder)
                self.error = error_text(exc)

    def header(self, manifest, inputs, labels) -> None:
        self._do(self.run.header, manifest, inputs, labels)

    def snapshot(self, meta, tensors) -> None:
        self._do(self.run.snapshot, meta, tensors)

    def poll(self) -> None:
        pass

    flush = poll

    def close(self) -> None:
        self._do(self.run.close)

    def abandon(self) -> None:
        pass  # every snapshot is written and listed already


_POLL_SECONDS = 0.2


def _write_all(fd: int, buffers: list) -> None:
    """Every buffer to the pipe in as few system calls as the kernel allows (writev), none copied."""
    views = [memoryview(b).cast("B") for b in buffers]
    while views:
        done = os.writev(fd, views[:1024])  # IOV_MAX
        while views and done >= views[0].nbytes:
            done -= views[0].nbytes
            views.pop(0)
        if done:
            views[0] = views[0][done:]


class ChildWriter:
    """Hands each snapshot to a writer process, so writing never competes with training."""

    def __init__(self, out: Path, replaces: Path | None = None, lock_fds: tuple[int, ...] = ()):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        # The writer needs no BLAS: one thread, so it never competes with training for cores.
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        # It inherits the run's lock: no second writer starts while it still finishes frames
        # handed over by a training process that has died.
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nnvox.capture.writer",
                str(out),
                *([str(replaces)] if replaces else []),
                "--lock-fds",
                ",".join(map(str, lock_fds)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            pass_fds=lock_fds,
        )
        self.sent = self.acked = 0
        self._acks = b""  # acknowledgements read but not yet counted
        self._polled = 0.0
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.error: str | None = None
        # A large pipe buffer makes handing over a frame a memcpy, not a wait for the child (which
        # may still be starting up); bigger frames block until it reads: backpressure.
        try:
            limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
            fcntl.fcntl(self.proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, min(limit, 1 << 20))
        except (OSError, ValueError, AttributeError):
            pass  # not Linux: the default pipe size only means more waiting

    def _send(self, frame: list) -> None:
        if self.error is not None:
            return
        try:
            _write_all(self.proc.stdin.fileno(), frame)
            self.sent += 1
        except (OSError, ValueError):  # a broken pipe: the writer process stopped
            self._read_acks(block=True)
            self.error = self.error or f"the writer process stopped (exit code {self.proc.poll()})"

    def _read_acks(self, block: bool) -> None:
        """Count the acknowledgements that arrived ("ok" per frame, or "error <why>"); with `block`,
        wait for all. Raw reads: a buffered readline costs more than the rest of a poll."""
        fd = self.proc.stdout.fileno()
        while self.error is None and self.acked < self.sent:
            line, newline, rest = self._acks.partition(b"\n")
            if newline:
                self._acks = rest
                if line.startswith(b"error"):
                    self.error = line[6:].decode()
                else:
                    self.acked += 1
                continue
            if block:
                select.select([fd], [], [], None)
            try:
                chunk = os.read(fd, 65536)  # non-blocking: one system call when nothing came
            except BlockingIOError:
                if block:
                    continue
                return
            if not chunk:  # the process ended
                self.error = f"the writer process stopped (exit code {self.proc.wait()})"
            self._acks += chunk

    def header(self, manifest, inputs, labels) -> None:
        inputs = inputs if isinstance(inputs, dict) else {"inputs": inputs}  # (the probe's input tensors by key)
        self._send(encode(HEADER, {**inputs, "labels": labels}, {"manifest": manifest}))

    def snapshot(self, meta, tensors) -> None:
        self._send(encode(SNAPSHOT, tensors, {"meta": meta}))

    def poll(self) -> None:
        """Take in the acknowledgements so far; at most a few times a second (a snapshot every few
        milliseconds then pays for no system call), so a failure shows within a fraction of a second."""
        now = time.monotonic()
        if now - self._polled >= _POLL_SECONDS:
            self._polled = now
            self._read_acks(block=False)

    def flush(self) -> None:
        self._read_acks(block=True)

    def close(self) -> None:
        self._send([CLOSE + bytes(8)])
        self._read_acks(block=True)  # the last ack means everything is on disk
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        # No proc.wait(): the child's interpreter shutdown (~15 ms) holds no data; it exits alone.

    def abandon(self) -> None:
        """Stop without marking the run finished: the writer lists what it was handed and exits."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        self.proc.wait()

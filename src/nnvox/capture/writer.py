"""Writes a run folder: the probe, one safetensors file per snapshot, and the manifest that lists them.

Runs inside the training process (`RunWriter`) or as a child process fed over a pipe
(`python -m nnvox.capture.writer`), so serialising, summarising and fsyncing never compete with
training for the GIL. Frames are one type byte, an 8-byte length, a JSON layout and raw array bytes: no pickle.
The child acknowledges each frame on stdout ("ok" once the manifest lists it, or "error <message>");
when its parent dies it still finishes every frame it received, so what was handed over is kept.
"""

from __future__ import annotations

import json
import os
import select
import struct
import sys
from pathlib import Path

import numpy as np

from nnvox.capture.aliases import stored_once, with_aliases
from nnvox.capture.detail import VIEW_PREFIX, pool_maps, view_factor
from nnvox.capture.health import judged, layer_health
from nnvox.capture.masking import kinds_of
from nnvox.capture.mistakes import MISTAKE_PREFIX
from nnvox.capture.run_format import (
    ALIASES_SCHEMA,
    MANIFEST,
    PROBE_FILE,
    read_file,
    sampled,
    snapshot_file_name,
    snapshot_metadata,
    tensor_stats,
    to_float32,
    to_storage_dtype,
    update_ratio,
)
from nnvox.capture.storage import atomic_write_json, save_tensors
from nnvox.errors import one_line
from nnvox.files import exchange, fsync_path

HEADER, SNAPSHOT, CLOSE = b"H", b"S", b"C"


def gradient_norms(
    tensors: dict[str, np.ndarray], measured: dict[str, float], aliases: dict[str, str] | None = None
) -> dict[str, float]:
    """Each gradient's L2 norm: those the recorder measured, and those of the gradients it sent
    whole in float32, taken here (float64 sums), off the training process's time; a tied weight's
    under each of its names (`aliases`: {"grad/<name>": "grad/<name sent>"})."""
    norms = dict(measured)
    for k, g in tensors.items():
        if k.startswith("grad/") and k[5:] not in norms and g.dtype == np.float32:
            flat = g.ravel().astype(np.float64)
            norms[k[5:]] = float(np.sqrt(np.dot(flat, flat)))
    for alias, target in (aliases or {}).items():
        if alias.startswith("grad/") and target[5:] in norms:
            norms[alias[5:]] = norms[target[5:]]
    return norms


class RunWriter:
    """Writes into `out`; with `replaces`, `out` is a new folder that takes the old run's place the
    moment its first snapshot is listed (one atomic swap), so a recording that fails before that
    leaves the old run as it was, and one that gets that far never leaves neither."""

    def __init__(self, out: Path, replaces: Path | None = None):
        self.out = Path(out)
        self.replaces = None if replaces is None else Path(replaces)
        self.manifest: dict = {}
        self._first: dict[str, np.ndarray] | None = None
        self._previous: dict[str, np.ndarray] | None = None

    def header(
        self, manifest: dict, probe_inputs: np.ndarray | dict[str, np.ndarray], probe_labels: np.ndarray
    ) -> None:
        """Start the run, or resume it when the manifest already lists snapshots (the probe stays).
        `probe_inputs`: the probe's input tensor, or all of them by key ("inputs", "inputs.1", ...)."""
        self.manifest = manifest
        if manifest["snapshots"]:
            self._reload_references()
        else:
            inputs = probe_inputs if isinstance(probe_inputs, dict) else {"inputs": probe_inputs}
            save_tensors(self.out / PROBE_FILE, {**inputs, "labels": probe_labels})
        atomic_write_json(self.out / MANIFEST, self.manifest)

    def _reload_references(self) -> None:
        """On resume: the first and last weights again, so change summaries carry on."""
        snaps = self.manifest["snapshots"]
        # (read as every reader does: a weight stored once is found under each of its names)
        first, last = (read_file(str(self.out / snaps[i]["file"])) for i in (0, -1))
        params = lambda t: {k: sampled(v) for k, v in t.items() if k.startswith("param/")}
        self._first, self._previous = params(first), params(last)

    def snapshot(self, meta: dict, tensors: dict[str, np.ndarray], list_now: bool = True) -> None:
        """Write one snapshot's file; with `list_now`, the manifest too (else `list_snapshots` later)."""
        fname = snapshot_file_name(meta["index"])
        # A tensor the recorder sent once for several names (tied weights) is summarised, and its
        # change measured, under each name, as the scene asks for it; it is stored once (below).
        names = meta.pop("aliases", {})
        meta["grad_norms"] = gradient_norms(tensors, meta.get("grad_norms", {}), names)
        tensors = with_aliases(tensors, names)
        # Summaries travel inside the snapshot file: written atomically with it, and the manifest
        # (rewritten after every snapshot) stays small however long the run.
        extremes = meta.pop("extremes", {})
        if not meta["grad_norms"]:
            del meta["grad_norms"]
        # (not of the mistakes' rows: they take the probe's colour scales, and headers stay small to parse)
        summary = {k: tensor_stats(v, extremes.get(k)) for k, v in tensors.items() if not k.startswith(MISTAKE_PREFIX)}
        summary.update(self._change_stats(tensors))
        converted: dict[int, np.ndarray] = {}  # one conversion per array, however many names it has
        for v in tensors.values():
            if id(v) not in converted:
                converted[id(v)] = to_storage_dtype(v)
        stored = {k: converted[id(v)] for k, v in tensors.items()}
        stored.update(self._views(tensors))
        stored, aliases = stored_once(stored)
        metadata = snapshot_metadata(
            summary, self._health(tensors), kinds_of(tensors, {k: s[4] for k, s in summary.items()}), aliases
        )
        if aliases:
            self.manifest["schema"] = max(self.manifest["schema"], ALIASES_SCHEMA)
        # The folder is synced once the manifest is written (the next list_snapshots): that sync
        # makes this rename durable too, before the manifest can name the file.
        size = save_tensors(self.out / fname, stored, metadata, sync_folder=False)
        self.manifest["snapshots"].append({**meta, "file": fname, "bytes": size})
        if list_now:
            self.list_snapshots()

    def list_snapshots(self) -> None:
        """Rewrite the manifest: from now on, a reader sees every snapshot written so far."""
        atomic_write_json(self.out / MANIFEST, self.manifest)
        if self.replaces is not None and self.manifest["snapshots"]:
            self._take_place()

    def _take_place(self) -> None:
        """The new run takes the old one's name in one swap; the old run's files are then removed
        (anything the user put in its folder meanwhile stays, in a folder named for it)."""
        import datetime as dt

        from nnvox.capture.run_lock import remove_run

        final = self.replaces
        try:
            exchange(self.out, final)
        except FileNotFoundError:  # the old run was moved or deleted meanwhile: nothing to swap with
            os.rename(self.out, final)
            old = None
        else:
            old = self.out
        fsync_path(final.parent)
        self.out, self.replaces = final, None
        if old is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            remove_run(old, keep_rest_as=final.with_name(f"{final.name}.replaced-{stamp}"))

    def _health(self, tensors: dict[str, np.ndarray]) -> dict[str, dict]:
        """Dead and saturated fractions, the share of active values, and which units are dead, over
        the whole probe batch, measured once here so a timeline move reads only the sample it shows."""
        kinds = {f"act/{n['name']}": n["kind"] for n in self.manifest["architecture"]["nodes"]}
        return {
            k: h
            for k, v in tensors.items()
            if judged(kinds.get(k, "")) and (h := layer_health(kinds[k], to_float32(v), units=True))
        }

    def _views(self, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Maps larger than the scene draws, pooled as it pools them: a timeline move then reads
        and converts only what is drawn (a sixteenth of a 224 x 224 map) for a few percent more disk."""
        out = {}
        for k, v in tensors.items():
            mistake, key = (MISTAKE_PREFIX, k[len(MISTAKE_PREFIX) :]) if k.startswith(MISTAKE_PREFIX) else ("", k)
            if key.startswith("act/") and v.ndim == 4 and (f := view_factor(v.shape[1:])) > 1:
                out[mistake + VIEW_PREFIX + key] = to_storage_dtype(pool_maps(to_float32(v), f))
                self.manifest.setdefault("views", {})[key] = f
        return out

    def _change_stats(self, tensors: dict[str, np.ndarray]) -> dict[str, list[float]]:
        """Summaries of how each weight changed since the previous snapshot and since the first, so
        the change modes get colour scales fixed over the run without reading it all again. From
        the same strided sample of each weight every time: min and max are the sample's."""
        params = {k: sampled(v) for k, v in tensors.items() if k.startswith("param/")}
        out = {}
        for ref, prefix in ((self._previous, "change/"), (self._first, "since_start/")):
            if ref is not None:
                out.update(
                    {
                        prefix + k: tensor_stats(v - ref[k])
                        for k, v in params.items()
                        if k in ref and ref[k].shape == v.shape
                    }
                )
        if self._previous is not None:  # each step relative to the layer's typical weight size
            out.update(
                {
                    "update/" + k: tensor_stats(update_ratio(v, self._previous[k]))
                    for k, v in params.items()
                    if k in self._previous and self._previous[k].shape == v.shape
                }
            )
        self._previous = params
        if self._first is None:
            self._first = params
        return out

    def close(self) -> None:
        self.manifest["closed"] = True
        self.list_snapshots()


def encode(kind: bytes, tensors: dict[str, np.ndarray], info: dict) -> list:
    """A frame, as buffers to write in turn: kind, length, then a JSON layout (names, dtypes,
    shapes) and the raw arrays back to back, never copied. Cheaper than a safetensors container
    for the ~30 small arrays of a snapshot, in the training process where every microsecond counts."""
    arrays = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    layout = [[k, a.dtype.str, a.shape] for k, a in arrays.items()]
    head = json.dumps({"info": info, "tensors": layout}).encode()
    length = 8 + len(head) + sum(a.nbytes for a in arrays.values())
    return [kind + struct.pack("<QQ", length, len(head)) + head, *(a for a in arrays.values() if a.nbytes)]


def _read_exact(stream, n: int) -> bytearray | None:
    """n bytes read straight into one buffer (a snapshot can be tens of MB: no joined copy)."""
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            return None
        got += k
    return buf


def _decode(body: bytearray) -> tuple[dict, dict[str, np.ndarray]]:
    head_len = struct.unpack("<Q", body[:8])[0]
    head = json.loads(body[8 : 8 + head_len])
    tensors, offset = {}, 8 + head_len
    for name, dtype, shape in head["tensors"]:
        dtype = np.dtype(dtype)
        count = int(np.prod(shape))
        tensors[name] = np.frombuffer(body, dtype, count, offset).reshape(shape)
        offset += count * dtype.itemsize
    return head["info"], tensors


class _Parent:
    """Acknowledgements to the parent on stdout; a parent that died meanwhile is no reason to stop
    writing what it handed over."""

    def __init__(self, stdout):
        self.stdout, self.gone = stdout, False

    def ack(self, text: str) -> None:
        if self.gone:
            return
        try:
            self.stdout.write(text)
            self.stdout.flush()
        except (BrokenPipeError, ValueError, OSError):
            self.gone = True
            try:  # what stays buffered would be flushed at exit, into the broken pipe, with a traceback
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass


class _Session:
    """The child's state: the writer, how many snapshots wait to be listed, and whether a write failed
    (then the frames that follow are read and dropped, never half applied)."""

    def __init__(self, writer: RunWriter, parent: _Parent, lock_fds: tuple[int, ...]):
        self.writer, self.parent, self.lock_fds = writer, parent, lock_fds
        self.unlisted = 0  # snapshots written whose listing (and acknowledgement) waits
        self.failed = False

    def list_written(self) -> None:
        """List (and acknowledge) the snapshots written since the last listing, if any."""
        if not self.unlisted or self.failed:
            return
        self.writer.list_snapshots()
        self.parent.ack("ok\n" * self.unlisted)
        self.unlisted = 0

    def apply(self, kind: bytes, body) -> bool:
        """One frame; True once the run is closed."""
        if self.failed:
            return False
        if kind == HEADER:
            info, tensors = _decode(body)
            labels = tensors.pop("labels")
            self.writer.header(info["manifest"], tensors, labels)
            self.parent.ack("ok\n")
        elif kind == SNAPSHOT:
            info, tensors = _decode(body)
            self.writer.snapshot(info["meta"], tensors, list_now=False)
            self.unlisted += 1
        elif kind == CLOSE:
            self.writer.close()  # lists every snapshot too
            for fd in self.lock_fds:  # the run's lock (inherited): free before the last ack, not at exit
                os.close(fd)
            self.parent.ack("ok\n" * (self.unlisted + 1))
            return True
        return False

    def fail(self, exc: Exception) -> None:
        """Reported to the parent, which raises a one-line error."""
        try:  # what was written before stays listed, if the disk allows
            self.list_written()
        except OSError:
            pass
        self.parent.ack(f"error {one_line(error_text(exc))}\n")
        self.failed = True


def _read_frame(stdin) -> tuple[bytes, bytearray | bytes] | None:
    """The next frame's kind and body, or None at the end of input (the parent went away)."""
    head = _read_exact(stdin, 9)
    if head is None:
        return None
    kind, length = head[:1], struct.unpack("<Q", head[1:])[0]
    body = _read_exact(stdin, length) if length else b""
    return None if body is None else (bytes(kind), body)


def serve(out: Path, stdin=None, stdout=None, replaces: Path | None = None, lock_fds: tuple[int, ...] = ()) -> int:
    """The child's loop: apply frames until CLOSE or end of input (the parent went away).

    A snapshot is acknowledged once the manifest lists it. The manifest is rewritten when the writer
    has caught up (no frame waiting), so when frames queue up, one rewrite lists several, and the
    last snapshot and CLOSE share one: close() waits less."""
    stdin = stdin or sys.stdin.buffer.raw  # unbuffered: select() then sees every byte still waiting
    session = _Session(RunWriter(out, replaces), _Parent(stdout or sys.stdout), lock_fds)
    while True:
        try:
            if session.unlisted and not select.select([stdin], [], [], 0)[0]:
                session.list_written()
            frame = _read_frame(stdin)
            if frame is None:
                session.list_written()
                return 0  # parent gone: everything it handed over is written
            if session.apply(*frame):
                return 0
        except Exception as exc:  # noqa: BLE001 (reported to the parent, which raises a one-line error)
            session.fail(exc)


def error_text(exc: BaseException) -> str:
    """A write failure as the parent reports it: the errno's name first where there is one
    (ENOSPC, EACCES, ...), so the advice given fits the cause."""
    import errno

    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        return f"{errno.errorcode[exc.errno]}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


def main(argv: list[str]) -> int:
    """python -m nnvox.capture.writer OUT [REPLACES] [--lock-fds 3,4]"""
    import signal

    # Ctrl-C reaches the whole process group: the training process stops, and this one finishes
    # writing what it was handed (it ends when the pipe closes), as it does when its parent dies.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fds = ()
    if "--lock-fds" in argv:
        at = argv.index("--lock-fds")
        fds, argv = tuple(int(v) for v in argv[at + 1].split(",") if v), argv[:at] + argv[at + 2 :]
    return serve(Path(argv[0]), replaces=Path(argv[1]) if len(argv) > 1 else None, lock_fds=fds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

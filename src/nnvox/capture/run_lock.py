"""One writer per run folder, and only nnvox's own files ever replaced.

The lock is an exclusive flock on the run folder itself (its directory), not on a lock file: it
follows the folder through the swap that replaces a run (`files.exchange`), it needs no file that
could be left behind, and the kernel drops it when every process holding it is gone, so a killed
recorder never leaves a stale lock. Readers (view, export, info) never take it.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import json
import os
import re
import socket
import sys
from pathlib import Path

from nnvox.capture.run_format import EVALUATION_FILE, MANIFEST, PROBE_FILE, STATS_KEY, read_manifest
from nnvox.errors import NnvoxError
from nnvox.files import is_temporary, temporary_path, temporary_writer, writer_alive

HOLDER = ".nnvox-writer.json"  # who holds the lock: process id, host, command, since when
_SNAPSHOT = re.compile(r"^snapshot-\d{5,}\.safetensors$")


def is_run_file(name: str) -> bool:
    """A name nnvox writes in a run folder."""
    return name in (MANIFEST, PROBE_FILE, EVALUATION_FILE, HOLDER) or bool(_SNAPSHOT.match(name)) or is_temporary(name)


def foreign_entries(folder: Path, listed: set[str]) -> list[str]:
    """What in `folder` nnvox did not write (sorted), so never its to replace or delete: anything
    not named as nnvox names its files, and any file so named but not of the kind nnvox writes there
    (a file its manifest lists, `listed`, is nnvox's; another is looked into)."""
    foreign = []
    for entry in os.scandir(folder):
        name = entry.name
        if (
            not is_run_file(name)
            or not entry.is_file(follow_symlinks=False)
            or (name not in listed and name.endswith(".safetensors") and not _written_by_nnvox(Path(entry.path)))
        ):
            foreign.append(name)
    return sorted(foreign)


def _manifest(folder: Path) -> dict | None:
    """The folder's manifest, read and checked as every reader does; None if there is none nnvox can read."""
    try:
        return read_manifest(folder)[0]
    except NnvoxError:
        return None


_OWN_KEYS = {PROBE_FILE: ("inputs", "labels"), EVALUATION_FILE: ("inputs", "labels")}


def _written_by_nnvox(path: Path) -> bool:
    """Whether a safetensors file not listed by a manifest is one nnvox wrote (a killed recording's
    probe, held-out set or last snapshot): its header holds nnvox's keys."""
    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            if not 0 < n <= 1 << 24:
                return False
            header = json.loads(f.read(n))
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(header, dict):
        return False
    if path.name in _OWN_KEYS:
        return all(k in header for k in _OWN_KEYS[path.name])
    return isinstance(header.get("__metadata__"), dict) and STATS_KEY in header["__metadata__"]


def holds_run(folder: Path) -> bool:
    """Whether `folder` holds a manifest that nnvox wrote (read and checked as every reader does)."""
    return _manifest(folder) is not None


def check_replaceable(folder: Path, *, replacing: bool) -> None:
    """Refuse, with one line, to write into a folder holding anything nnvox did not write (with
    `replacing`, that would be deleted with the old run; without, mixed into a run)."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise NnvoxError(f"{folder} is a file, not a run folder; choose a folder for the run")
    manifest = _manifest(folder)  # (read once: its listing and whether nnvox can read it at all)
    listed = (
        set()
        if manifest is None
        else (
            {s["file"] for s in manifest["snapshots"]}
            | {PROBE_FILE}
            | ({EVALUATION_FILE} if "evaluation" in manifest else set())
        )
    )
    foreign = foreign_entries(folder, listed)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        what = (
            "holds files nnvox did not write"
            if (folder / MANIFEST).exists()
            else "is not an nnvox run folder and holds other files"
        )
        verb = "replace" if replacing else "record into"
        raise NnvoxError(f"{folder} {what} ({shown}); nnvox will not {verb} it: choose a new or empty folder")
    if replacing and (folder / MANIFEST).exists() and manifest is None:
        raise NnvoxError(
            f"{folder / MANIFEST} is not a manifest nnvox can read; nnvox will not replace that folder: "
            "choose a new or empty one (or move that folder away yourself)"
        )


class RunLock:
    """An exclusive lock on one run folder, held until `release()` (or this process and every
    child given `fds` end). Refuses at once, naming the holder, when another writer has it."""

    def __init__(self):
        self._fds: list[int] = []

    @property
    def fds(self) -> tuple[int, ...]:
        """Descriptors a writer process inherits, so the lock lasts as long as it writes."""
        return tuple(self._fds)

    def add(self, folder: Path) -> None:
        """Lock `folder` too (a replacement run's folder, locked before it takes the old one's name)."""
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise NnvoxError(
                f"{folder} is being recorded by {_holder(folder)}; one writer per run: wait for it "
                "to finish, or record into another folder"
            ) from None
        self._fds.append(fd)

    def announce(self, folder: Path) -> None:
        """Say who holds the lock, for the message a second writer gets."""
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv)[:200],
            "since": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
        tmp = temporary_path(
            folder / HOLDER
        )  # whole or absent; not fsynced: a note, not data (recording set-up stays fast)
        tmp.write_text(json.dumps(info))
        os.replace(tmp, folder / HOLDER)

    def release(self, folder: Path | None = None) -> None:
        """Drop the lock (and the holder note in `folder`, the run's final place)."""
        if folder is not None:
            try:
                (folder / HOLDER).unlink(missing_ok=True)
            except OSError:
                pass
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()


def _holder(folder: Path) -> str:
    try:
        with open(folder / HOLDER, "rb") as f:
            info = json.loads(f.read(4096))
        return f"process {int(info['pid'])} on {info['host']} ({info['command']}, since {info['since']})"
    except Exception:  # noqa: BLE001 (a note only: whatever the file holds, the refusal itself stands)
        return "another process"


def remove_run(folder: Path, keep_rest_as: Path | None = None) -> None:
    """Delete a replaced (or never completed) run: the files nnvox wrote in it (a temporary only
    when its writer is gone), then the folder if nothing else is left. Anything else is the user's
    (put there while the run was replaced): it stays, in its folder renamed to `keep_rest_as`."""
    for entry in os.scandir(folder):
        pid = temporary_writer(entry.name)
        if (
            is_run_file(entry.name)
            and entry.is_file(follow_symlinks=False)
            and (pid is None or pid == os.getpid() or not writer_alive(pid))
        ):
            os.unlink(entry.path)
    try:
        folder.rmdir()
    except OSError:
        if keep_rest_as is not None:
            os.rename(folder, keep_rest_as)

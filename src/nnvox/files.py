"""Files nnvox writes: each under a temporary name unique to its writer, renamed when complete.

A reader (or the user) never sees a half-written file under a final name, two writers never share a
temporary file, and a killed writer's leftovers carry its process id, so a later writer can tell
they are stale and remove them: they are nnvox's own, never anything the user made.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMPORARY = re.compile(r"^\..+\.nnvox-(\d{1,9})-[0-9a-f]{6}\.tmp$")
# What a temporary folder of nnvox's may hold (a replacement run's files, a PNG sequence's frames):
# a stale one is removed only when it holds nothing else, so nothing of the user's goes with it.
_OWN_CONTENTS = re.compile(
    r"^(manifest\.json|probe\.safetensors|evaluation\.safetensors|\.nnvox-writer\.json"
    r"|snapshot-\d{5,}\.safetensors|frame-\d{5,}\.png)$"
)


def temporary_path(final: Path) -> Path:
    """A name beside `final` (same folder, so the rename is atomic) no other writer uses."""
    final = Path(final)
    return final.with_name(f".{final.name}.nnvox-{os.getpid()}-{secrets.token_hex(3)}.tmp")


def is_temporary(name: str) -> bool:
    return _TEMPORARY.match(name) is not None


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's: its entries') data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_temporary(path: Path) -> None:
    """A temporary of nnvox's: a file, or a folder of files it writes (and only then: anything else in
    it is someone's, and the folder stays)."""
    if path.is_dir() and not path.is_symlink():
        if all(
            e.is_file(follow_symlinks=False) and (_OWN_CONTENTS.match(e.name) or is_temporary(e.name))
            for e in os.scandir(path)
        ):
            shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def publish(tmp: Path, final: Path, *, sync_folder: bool = True) -> None:
    """Make a complete temporary file (or folder) visible under its final name: fsync, rename,
    and (unless the caller syncs the folder later) fsync the folder so the rename is durable."""
    if tmp.is_dir():
        for f in tmp.iterdir():
            fsync_path(f)
        fsync_path(tmp)
    else:
        fsync_path(tmp)
    os.replace(tmp, final)
    if sync_folder:
        fsync_path(final.parent)


@contextmanager
def atomic_output(final: Path, *, sync_folder: bool = True) -> Iterator[Path]:
    """Yields a temporary path beside `final` to write (a file, or a folder the caller creates);
    published under `final` when the block completes, removed if it raises (or is interrupted)."""
    final = Path(final)
    tmp = temporary_path(final)
    try:
        yield tmp
        publish(tmp, final, sync_folder=sync_folder)
    except BaseException:
        remove_temporary(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes, *, sync_folder: bool = True) -> None:
    with atomic_output(path, sync_folder=sync_folder) as tmp, open(tmp, "wb") as f:
        f.write(data)


def writer_alive(pid: int) -> bool:
    """Whether the process that wrote a temporary may still be writing it (this one included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's live process, or no process number we can ask about: not ours to judge
    return True


def temporary_writer(name: str) -> int | None:
    """The process id in a temporary's name, or None for a name that is not one."""
    m = _TEMPORARY.match(name)
    return int(m.group(1)) if m else None


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove temporary files a killed nnvox writer left in `folder` (its process is gone); returns
    their names. Only names of nnvox's own pattern are touched, and never a live writer's."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = temporary_writer(entry.name)
        if pid is not None and pid != os.getpid() and not writer_alive(pid):
            remove_temporary(Path(entry.path))
            removed.append(entry.name)
    return removed


DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_ADVICE = {  # what to do when a write failed, by its errno
    errno.ENOSPC: "free space on that disk",
    errno.EDQUOT: "free space (the disk quota is full)",
    errno.EFBIG: "the file size limit was reached: raise it (ulimit -f) or write less",
    errno.EACCES: "make the folder writable or choose another",
    errno.EPERM: "make the folder writable or choose another",
    errno.EROFS: "choose a folder on a writable disk",
    errno.EIO: "check the disk",
    errno.ENOENT: "the folder was moved or deleted while writing",
}


def write_advice(code: int | str | None) -> str:
    """What to do about a write that failed with this errno (its number or name, as ENOSPC), or ''."""
    return _ADVICE.get(getattr(errno, code, None) if isinstance(code, str) else code, "")


_RENAME_EXCHANGE = 2  # renameat2 flag (Linux 3.15+)


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE), so there is no moment when
    neither exists. Where the file system cannot (some network ones), three renames through a third
    name, undone if one fails: `b` is then missing for a moment, never lost."""
    import ctypes
    import errno

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_cwd = -100
        if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(a))
    between = temporary_path(b)
    os.rename(b, between)
    try:
        os.rename(a, b)
    except BaseException:
        os.rename(between, b)
        raise
    os.rename(between, a)

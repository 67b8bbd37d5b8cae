"""Where exports land. An output path is checked before anything renders (its folder exists, is a
folder and takes a new file; a file is not asked of a folder, nor a folder of a file); every output
is written under a temporary name beside its final one and published whole (nnvox.files); a write
that fails (a full disk, a read-only folder) is one line that says the previous file is kept."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import numpy as np

from nnvox.errors import NnvoxError, path_argument
from nnvox.files import (
    DISK_FULL,
    atomic_output,
    exchange,
    fsync_path,
    remove_stale_temporaries,
    temporary_path,
    write_advice,
)

VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".gif")
SEQUENCE_FRAME = re.compile(r"^frame-\d{5,}\.png$")
SEQUENCE_MARK = ".nnvox-sequence"  # in every sequence nnvox writes: frame-NNNNN.png is a common name, not a proof
_NAME_MAX = 255 - 40  # room for the temporary name's prefix and suffix (".NAME.nnvox-PID-RANDOM.tmp")


def write_error(out: Path, exc: OSError) -> NnvoxError:
    """One line for a write to `out` that failed, by its cause and what to do; the previous `out` is
    always kept."""
    folder = out.parent.resolve()
    cause = (
        "the file grew past the size this system allows"
        if exc.errno == errno.EFBIG
        else "the disk holding it is full"
        if exc.errno in DISK_FULL
        else "cannot write there"
    )
    advice = write_advice(exc.errno)
    return NnvoxError(
        f"writing {out} failed: {cause} ({exc.strerror or exc}, in {folder})"
        + (f"; {advice} and export again" if advice else "")
        + f" (any previous {out.name} is kept)"
    )


_LOG_PREFIX = re.compile(r"^(\[[^\]]*\]\s*)+")  # ffmpeg's "[libx264 @ 0x55...] " before a message


def encoder_error(out: Path, log: str) -> NnvoxError:
    """An encoder's messages as one line: a cause it names in the system's words (a full disk, a
    refused folder) reads as the line a write of our own gives; otherwise its first message, the
    cause (the lines after it are consequences: "Nothing was written into output file", ...)."""
    for code in (*DISK_FULL, errno.EACCES, errno.EPERM, errno.EROFS):
        if os.strerror(code) in log:
            return write_error(out, OSError(code, os.strerror(code)))
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return NnvoxError(f"writing {out} failed: {_LOG_PREFIX.sub('', lines[0]) if lines else 'the encoder failed'}")


def _check_folder(out: Path) -> None:
    folder = out.parent
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p == p.parent)
    if existing.exists() and not existing.is_dir():
        raise NnvoxError(
            f"{existing} is a file, not a folder, so {out} cannot be written there; choose another output path"
        )
    if existing != folder:
        raise NnvoxError(f"output folder {folder} does not exist; create it first (mkdir -p {folder})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise write_error(out, OSError(errno.EACCES, os.strerror(errno.EACCES)))
    probe = temporary_path(out)  # what the export itself will do first: root passes os.access on a read-only disk
    try:
        with open(probe, "xb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise write_error(out, exc) from None


def _check_sequence_folder(out: Path) -> None:
    """A PNG sequence goes into a new or empty folder, or replaces a sequence nnvox wrote (its mark and
    frames, nothing else)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise NnvoxError(f"{out} is a file; a PNG sequence is written to a folder: give a new folder name")
    entries = list(os.scandir(out))
    ours = any(e.name == SEQUENCE_MARK for e in entries)
    other = next(
        (
            e.name
            for e in entries
            if not (
                ((SEQUENCE_FRAME.match(e.name) and ours) or e.name == SEQUENCE_MARK)
                and e.is_file(follow_symlinks=False)
            )
        ),
        None,
    )
    if other is not None:
        raise NnvoxError(
            f"{out} holds files that are not a PNG sequence nnvox wrote (such as {other}); give a new folder name, "
            "so nothing of yours is replaced"
        )


def check_output(out: str | Path, suffixes: tuple[str, ...]) -> Path:
    """`out` checked before anything renders, and stale temporaries of killed exports beside it
    removed. `suffixes` may include "" (a folder: a PNG sequence)."""
    path_argument(out, "the output")
    if "\0" in str(out):
        raise NnvoxError(f"output path {str(out)!r} holds a NUL character; give a plain file name")
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        endings = [x for x in suffixes if x]
        files = ", ".join(endings[:-1]) + " or " + endings[-1] if len(endings) > 1 else endings[0]
        raise NnvoxError(
            f"cannot write {out.name or out}: use a file ending in {files}"
            + (", or a folder (PNG sequence)" if "" in suffixes else "")
        )
    if out.name in ("", ".", ".."):
        raise NnvoxError(
            f"output {str(out)!r} names no file or folder of its own; give a new name, e.g. {out / 'frames'}"
        )
    if out.name.lower() in (*VIDEO_SUFFIXES, ".png"):  # a name was meant, not a hidden folder of frames
        raise NnvoxError(f"output {out.name!r} is a suffix with no name; give a name, e.g. clip{out.name}")
    if len(os.fsencode(out.name)) > _NAME_MAX:
        raise NnvoxError(
            f"output name {out.name[:40]}... is {len(os.fsencode(out.name))} bytes long; "
            f"use a name of at most {_NAME_MAX}"
        )
    try:  # (a path the system refuses to even look at, such as a folder name over 255 bytes: one line too)
        if out.suffix:
            if out.is_dir():
                raise NnvoxError(f"{out} is a folder; give a file name to write, e.g. {out / ('export' + out.suffix)}")
        else:
            _check_sequence_folder(out)
        _check_folder(out)
    except OSError as exc:
        raise write_error(out, exc) from None
    remove_stale_temporaries(out.parent)
    return out


def write_png(out: Path, image: np.ndarray) -> Path:
    """A still, written under a temporary name and published whole."""
    import imageio.v3 as iio

    try:
        with atomic_output(out) as tmp:
            iio.imwrite(tmp, image, extension=".png")
    except OSError as exc:
        raise write_error(out, exc) from None
    return out


def publish_sequence(tmp: Path, out: Path) -> None:
    """A complete PNG sequence folder (its files fsynced) made visible under `out`: renamed there,
    or swapped in one step with the sequence it replaces, which is then removed."""
    import shutil

    (tmp / SEQUENCE_MARK).write_text("a PNG sequence nnvox wrote: the next export to this folder replaces it whole\n")
    fsync_path(tmp)
    if out.exists():
        _check_sequence_folder(out)  # again, at the moment of replacing: still nothing but a sequence
        exchange(tmp, out)
        shutil.rmtree(tmp)  # the old sequence; if killed here, a stale temporary the next export removes
    else:
        os.replace(tmp, out)
    fsync_path(out.parent)

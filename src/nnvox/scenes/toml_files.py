"""TOML files users write (storyboards, saved views) read as untrusted text: one line for each way
one can be wrong, naming the file and, where known, the line, never a traceback.
"""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from nnvox.errors import NnvoxError

MAX_BYTES = 1 << 20  # a storyboard of a thousand shots is ~100 kB; more is not one


def read_toml(path: Path, what: str, missing: str) -> tuple[dict, str]:
    """The parsed document and its text. `what` names the file in messages ("storyboard x.toml");
    `missing` ends the message for a file that is not there, saying how to make one."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        raise NnvoxError(f"{what} {missing}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise NnvoxError(f"{what} is {kind}; give a .toml file")
    if info.st_size > MAX_BYTES:
        raise NnvoxError(
            f"{what} is {info.st_size / 1e6:.1f} MB, over the {MAX_BYTES >> 20} MB a TOML file of "
            "nnvox's may hold; is it the right file?"
        )
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)  # bounded even if the file grew since stat
    except OSError as exc:
        raise NnvoxError(f"cannot read {what} ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NnvoxError(
            f"{what}, line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise NnvoxError(f"{what}: not valid TOML ({exc})") from None
    except RecursionError:
        raise NnvoxError(f"{what}: arrays or tables nested too deeply to be a storyboard or view") from None

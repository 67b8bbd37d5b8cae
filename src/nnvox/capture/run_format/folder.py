"""Files inside a run folder: a name the manifest gives is a plain name, and the file it names is a
regular file inside the folder (a link only if it stays inside), of the size the manifest says."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nnvox.capture.json_checks import Invalid, show, text
from nnvox.capture.run_format.keys import FILE_NAME_LIMIT, refused
from nnvox.errors import NnvoxError


def file_name(value, what: str) -> str:
    """A plain file name: the folder's own file, never a path out of it."""
    name = text(value, what, FILE_NAME_LIMIT)
    if not name or name in (".", "..") or any(c in name for c in "/\\") or not name.isprintable():
        raise Invalid(f"{what} {show(name)} is not a plain file name inside the run folder")
    return name


def member(folder: Path, name: str) -> os.stat_result:
    """The stat of `folder/name`, a regular file inside the folder (a symbolic link only if it
    resolves inside too). Raises Invalid for anything else: a device, a FIFO, a folder, a link out."""
    path = os.path.join(folder, name)
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))  # (a loop of links: realpath stops; the stat below says ELOOP)
        if not target.is_relative_to(Path(folder).resolve()):
            raise Invalid(f"{show(name)} is a symbolic link out of the run folder (to {show(str(target))})")
        st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Invalid(f"{show(name)} is not a regular file")
    return st


def check_members(path: Path, manifest: dict) -> None:
    """Every file a checked manifest lists is a regular file inside the folder; snapshots of the size written."""
    listed = [manifest["probe"]["file"]] + ([manifest["evaluation"]["file"]] if "evaluation" in manifest else [])
    for name, size in [(n, None) for n in listed] + [(s["file"], s["bytes"]) for s in manifest["snapshots"]]:
        f = path / name
        try:
            st = member(path, name)
        except FileNotFoundError:
            raise NnvoxError(
                f"{'run' if size is None else 'snapshot'} file {f} is missing; restore it or re-record the run"
            ) from None
        except Invalid as exc:
            raise refused(f, str(exc)) from None
        except OSError as exc:
            raise NnvoxError(f"{f} cannot be read ({exc.strerror or exc}); check the folder's permissions") from None
        if size is None:
            continue
        if st.st_size < size:
            raise NnvoxError(
                f"snapshot file {f} is truncated ({st.st_size} of {size} bytes); delete it or re-record the run"
            )
        if st.st_size != size:
            raise refused(f, f"{st.st_size} bytes, the manifest says {size}")

"""The runs `nnvox serve` offers, read again lazily: a run whose manifest changed (a Recorder wrote
a snapshot) is opened again, and the modes it can show worked out again, when it is next asked
about (a stat per request); a folder named on the command line that is not itself a run is a folder
of runs, TensorBoard's logdir: its subfolders that hold a run are listed, looked for again at most
every LOOK_SECONDS when the run list is asked for (or a run it does not know), so a run started
after the server is offered too (and a named folder a Recorder has not yet written to, once it
has). A run keeps its place (its number in URLs) once listed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from nnvox.capture.run import MANIFEST, Run, open_run
from nnvox.errors import NnvoxError
from nnvox.viewer.web.source import manifest_stamp

LOOK_SECONDS = 2.0  # how often folders of runs are listed again (the page polls every 2 s)


class ServedRun:
    """One run folder as last read: the Run, the modes it can show, and the manifest stamp they are of."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.stamp = manifest_stamp(path)
        self.run: Run = open_run(path)
        self._modes: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    def current(self) -> ServedRun:
        """Read again if the manifest changed (a run caught mid-write keeps what was read)."""
        stamp = manifest_stamp(self.path)
        if stamp is None or stamp == self.stamp:
            return self
        with self._lock:
            if stamp != self.stamp:
                try:
                    run = open_run(self.path)
                except NnvoxError:
                    return self  # stamp kept: the next request tries again
                self.run, self._modes, self.stamp = run, None, stamp
        return self

    def modes(self) -> tuple[str, ...]:
        """The modes the run can show (views.showable_modes) as last read: worked out once per read."""
        from nnvox.viewer.web.views import showable_modes

        modes = self._modes
        if modes is None:
            modes = self._modes = showable_modes(self.run)
        return modes


def _holds_run(folder: Path) -> bool:
    return os.path.lexists(folder / MANIFEST)


class RunCatalogue:
    """The runs found under the named folders, in the order found (their numbers in URLs)."""

    def __init__(self, paths: list[Path], look_seconds: float = LOOK_SECONDS):
        self.look_seconds = look_seconds
        self.parents: list[Path] = []  # folders of runs, listed again now and then
        named = []
        for path in map(Path, paths):
            if path.is_dir() and not _holds_run(path):
                self.parents.append(path)
            else:
                named.append(path)  # a run folder: checked now, a bad one is told before serving
        self.runs = [ServedRun(p, n) for p, n in zip(named, folder_names(named))]
        self._lock = threading.Lock()
        self._looked = float("-inf")
        self.look()

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.runs]

    def __getitem__(self, index: int) -> ServedRun:
        return self.runs[index].current()

    def look(self) -> None:
        """List the folders of runs again (at most every look_seconds, however many requests ask: a
        page naming a run that is not there must not list a folder of thousands on every request); a
        new run folder that opens is added at the end."""
        if not self.parents or time.monotonic() - self._looked < self.look_seconds:
            return
        with self._lock:
            self._looked = time.monotonic()
            known = {r.path.resolve() for r in self.runs}
            found = [
                folder
                for parent in self.parents
                for folder in ([parent] if _holds_run(parent) else sorted(parent.iterdir() if parent.is_dir() else []))
                if folder.is_dir() and _holds_run(folder) and folder.resolve() not in known
            ]  # (a folder named before its Recorder wrote the first snapshot is itself the run)
            if not found:
                return
            names = folder_names([r.path for r in self.runs] + found)[len(self.runs) :]
            for path, name in zip(found, names):
                name = unclaimed(name, self.names)
                try:
                    self.runs.append(ServedRun(path, name))
                except NnvoxError:
                    continue  # not a whole run yet (a Recorder before its first snapshot): next look


def unclaimed(name: str, taken: list[str]) -> str:
    """`name`, or where a run has it already the first of name-N, name-N+1, ... (N: the runs so far
    and one) that none has."""
    if name not in taken:
        return name
    n = len(taken) + 1
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def folder_names(paths: list[Path]) -> list[str]:
    """Each run's name in URLs and on the page: its folder's name; two folders of one name are told
    apart by their parent folders' names (a/lenet, b/lenet -> a-lenet, b-lenet), else by a number."""
    folders = [p.resolve() for p in paths]
    own = [f.name for f in folders]
    names = [f"{f.parent.name}-{f.name}" if own.count(f.name) > 1 and f.parent.name else f.name for f in folders]
    for i in range(len(names)):
        if names.count(names[i]) > 1 or names[i].isdigit():
            names[i] = f"{names[i]}-{i + 1}"
    return names

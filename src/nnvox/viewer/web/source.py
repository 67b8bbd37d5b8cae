"""One run shown with one view spec, as `nnvox serve` and the notebook widget hand it to the page:
the scene description first, then each snapshot's piece when the page asks for it (a few kept).
The pieces come from the same functions the HTML export embeds (frames.snapshot_piece,
payload.describe): one payload, three ways to deliver it.

A run that a Recorder is still writing is followed: `refresh` re-reads it when its manifest changed
(a stat per call), so new snapshots appear on the page's timeline. Each read is one immutable
`Reading` (run, scene, description, version), swapped in whole only when it succeeded; the version
names the run's contents (its snapshots as listed), not the count of reads, so two sources built
from the same run agree on it and a piece is kept under the version it was computed for: a page
never gets a snapshot quantised with other colour scales than the description it holds."""

from __future__ import annotations

import json
import os
import threading
import zlib
from pathlib import Path
from typing import NamedTuple

from nnvox.capture.run import MANIFEST, Run, open_run
from nnvox.errors import NnvoxError
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.web.kept import Kept

KEPT_PIECES = 32  # snapshots kept computed per source: a timeline's worth for small runs...
PIECE_BUDGET = 16 * 1024 * 1024  # ...and at most this many bytes of them (frames.SnapshotPiece.nbytes)


def kept_pieces(entries: int = KEPT_PIECES, budget: int = PIECE_BUDGET) -> Kept:
    """Computed snapshot pieces, kept by entries and by their bytes as sent (indices and header)."""
    return Kept(entries, budget, size=lambda piece: piece.nbytes)


class StaleVersion(LookupError):
    """A piece asked for by a page that holds another version of the run's description."""


class Reading(NamedTuple):
    """One successful read of the run as the spec shows it."""

    run: Run
    scene: object
    sample: int
    description: dict
    version: str
    numbers: object  # view_numbers.ViewNumbers: bins and statistics' groups its pieces share
    encoded: bytes  # the description as sent (JSON), encoded once a reading


def run_version(run: Run) -> str:
    """The run's contents as read, in a few characters: its snapshots (files, sizes, metrics) and
    whether it is closed. The same run read twice gives the same version; a snapshot more, another."""
    snapshots = run.snapshots
    listed = "\n".join(snapshots.file(i) for i in range(len(snapshots))).encode()
    crc = zlib.crc32(snapshots.metric_values.tobytes(), zlib.crc32(listed))
    return f"{len(snapshots)}{'c' if run.closed else 'o'}{crc:08x}"


def manifest_stamp(folder: Path) -> tuple[int, int] | None:
    """When and how big the run's manifest was last written (None: not there)."""
    try:
        st = os.stat(folder / MANIFEST)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class RunSource:
    """The description and pieces of `run` as `spec` shows it (mode, sample; the page starts at its
    `t`, by default the last snapshot). Safe to share between threads (the server answers each
    request in its own): pieces are computed in parallel, each once."""

    def __init__(self, run: Run | str | Path, spec: ViewSpec | None = None, pieces: Kept | None = None):
        """`pieces`: where computed pieces are kept, shared with other sources under one budget
        (`nnvox serve`'s views); by default this source's own."""
        self.spec = spec or ViewSpec()
        self._reading = threading.Lock()  # one re-read at a time; pieces go on from the last reading
        self._pieces: Kept = kept_pieces() if pieces is None else pieces
        self._own = object()  # this source's part of a shared `pieces`
        stamp = None  # a Run the caller read earlier: the first refresh reads it again
        if not isinstance(run, Run):
            stamp = manifest_stamp(Path(run))  # taken before reading: a write meanwhile is seen next time
            run = open_run(run)
        self.path = run.path
        self._now = self._read(run)
        self._stamp = stamp

    def _read(self, run: Run) -> Reading:
        from nnvox.scenes.build import build_scene
        from nnvox.viewer.web import spec_description
        from nnvox.viewer.web.view_numbers import view_numbers
        from nnvox.viewer.web.views import menu, showable_modes

        scene = build_scene(run, self.spec.scene_options())
        sample = self.spec.sample_in(run)
        run.check_sample(sample)
        t = scene.n_snapshots - 1 if self.spec.t is None else min(self.spec.t, scene.n_snapshots - 1)
        version = run_version(run)
        views = menu(scene, showable_modes(run, self.spec))  # a mode the run cannot show is not offered
        numbers = view_numbers(scene)
        description = {**spec_description(scene, self.spec, sample, t, numbers), "views": views, "live": not run.closed}
        description["opened"] = self.spec.open[0] if len(self.spec.open) == 1 else None  # a double-click closes it
        description["version"] = version
        encoded = json.dumps(description, separators=(",", ":"), allow_nan=False).encode()
        return Reading(run, scene, sample, description, version, numbers, encoded)

    run = property(lambda self: self._now.run)
    scene = property(lambda self: self._now.scene)
    sample = property(lambda self: self._now.sample)
    description = property(lambda self: self._now.description)
    version = property(lambda self: self._now.version)
    encoded = property(lambda self: self._now.encoded)

    @property
    def live(self) -> bool:
        """Whether the run may still grow (its Recorder has not closed it)."""
        return not self._now.run.closed

    @property
    def n_snapshots(self) -> int:
        return self._now.scene.n_snapshots

    def refresh(self) -> bool:
        """Read the run again if its manifest changed since; whether what it shows changed. A
        manifest caught half written, or a run that no longer reads, keeps what was shown and is
        tried again on the next call (the stamp moves only with a read that succeeded)."""
        with self._reading:
            stamp = manifest_stamp(self.path)
            if stamp is None or stamp == self._stamp:
                return False
            try:
                now = self._read(open_run(self.path))
            except NnvoxError:
                return False
            before, self._now, self._stamp = self._now, now, stamp
            return now.version != before.version

    def piece(self, i: int, version: str | None = None):
        """Snapshot i's piece (frames.SnapshotPiece); IndexError outside the run's snapshots,
        StaleVersion when `version` (the page's) is not the run's as read now."""
        from nnvox.viewer.theme import DEFAULT_THEME
        from nnvox.viewer.web.frames import snapshot_piece

        now = self._now  # one reading throughout, whatever a refresh swaps in meanwhile
        if version is not None and version != now.version:
            raise StaleVersion(
                f"the run was read again (version {now.version}, the page's {version}): ask for its scene"
            )
        if not 0 <= i < now.scene.n_snapshots:
            raise IndexError(f"snapshot {i} is not in {now.run.name} (0 to {now.scene.n_snapshots - 1})")
        build = lambda: snapshot_piece(now.scene, i, now.sample, DEFAULT_THEME.layout.top_classes, now.numbers)
        return self._pieces.get((self._own, now.version, i), build)

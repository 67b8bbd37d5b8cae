"""One run shown with one view spec, as `nnvox serve` and the notebook widget hand it to the page:
the scene description first, then each snapshot's piece when the page asks for it (a few kept).
The pieces come from the same functions the HTML export embeds (frames.snapshot_piece,
payload.describe): one payload, three ways to deliver it.

A run that a Recorder is still writing is followed: `refresh` re-reads it when its manifest changed
(a stat per call), so new snapshots appear on the page's timeline."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from nnvox.capture.run import MANIFEST, Run, open_run
from nnvox.errors import NnvoxError
from nnvox.scenes.view import ViewSpec

KEPT_PIECES = 32  # snapshots kept computed per source: a timeline's worth for small runs, bounded for big ones


class RunSource:
    """The description and pieces of `run` as `spec` shows it (mode, sample; the page starts at its
    `t`, by default the last snapshot). Safe to share between threads (the server answers each request in its own)."""

    def __init__(self, run: Run | str | Path, spec: ViewSpec | None = None):
        self.spec = spec or ViewSpec()
        self._lock = threading.RLock()
        self._pieces: OrderedDict[int, object] = OrderedDict()
        run = run if isinstance(run, Run) else open_run(run)
        self.path = run.path
        self.version = 0  # grows each time the run was read again
        self._stamp = self._manifest_stamp()
        self._load(run)

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path / MANIFEST)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _load(self, run: Run) -> None:
        from nnvox.scenes.build import build_scene
        from nnvox.viewer.web import spec_description

        scene = build_scene(run, self.spec.scene_options())
        sample = self.spec.sample_in(run)
        run.check_sample(sample)
        t = scene.n_snapshots - 1 if self.spec.t is None else min(self.spec.t, scene.n_snapshots - 1)
        from nnvox.viewer.web.views import menu, showable_modes

        description = spec_description(scene, self.spec, sample, t)
        self.run, self.scene, self.sample = run, scene, sample
        views = menu(scene, showable_modes(run, self.spec))  # a mode the run cannot show is not offered
        self.description = {**description, "views": views, "live": not run.closed, "version": self.version}
        self._pieces.clear()

    @property
    def live(self) -> bool:
        """Whether the run may still grow (its Recorder has not closed it)."""
        return not self.run.closed

    def refresh(self) -> bool:
        """Read the run again if its manifest changed since; whether it did. A manifest caught half
        written, or a run that no longer reads, keeps what was shown (the next call tries again)."""
        with self._lock:
            stamp = self._manifest_stamp()
            if stamp is None or stamp == self._stamp:
                return False
            try:
                run = open_run(self.path)
            except NnvoxError:
                return False
            self._stamp = stamp
            self.version += 1
            self._load(run)
            return True

    @property
    def n_snapshots(self) -> int:
        return self.scene.n_snapshots

    def piece(self, i: int):
        """Snapshot i's piece (frames.SnapshotPiece); IndexError outside the run's snapshots."""
        from nnvox.viewer.theme import DEFAULT_THEME
        from nnvox.viewer.web.frames import snapshot_piece

        with self._lock:
            if not 0 <= i < self.scene.n_snapshots:
                raise IndexError(f"snapshot {i} is not in {self.run.name} (0 to {self.scene.n_snapshots - 1})")
            if i in self._pieces:
                self._pieces.move_to_end(i)
                return self._pieces[i]
            piece = snapshot_piece(self.scene, i, self.sample, DEFAULT_THEME.layout.top_classes)
            self._pieces[i] = piece
            if len(self._pieces) > KEPT_PIECES:
                self._pieces.popitem(last=False)
            return piece

"""Where a Recorder writes: the run folder, held by one writer at a time (its lock), or, while it
replaces a run, a folder of its own that the first snapshot swaps in; and the writer it hands
snapshots to. A recording that fails before its header is written leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nnvox.capture.run_format import MANIFEST
from nnvox.capture.run_lock import RunLock, check_replaceable, remove_run
from nnvox.capture.writer_clients import ChildWriter, InlineWriter
from nnvox.errors import NnvoxError
from nnvox.files import remove_stale_temporaries, temporary_path, write_advice


class RunFolder:
    """The run folder a Recorder writes, its lock and its writer."""

    def __init__(self, out: Path):
        self.out = out
        self.lock = RunLock()
        self.folder = out  # where files go: a replacement's own folder until its first snapshot swaps it in
        self.replacing = False
        self.writer = None  # started once the run's header is ready

    def lock_folder(self, folder: Path) -> None:
        """One writer per run: refused at once, naming the holder, while another records here."""
        try:
            self.lock.add(folder)
        except OSError as exc:
            raise NnvoxError(f"cannot open run folder {folder}: {exc.strerror}") from None
        remove_stale_temporaries(folder)  # a killed writer's half-written files, never anything else

    def claim(self, overwrite: bool) -> bool:
        """Before the model runs: whether `out` holds a run to replace (only with `overwrite`, only
        nnvox's own), and its lock, so a second writer is refused before the forward pass, not after."""
        existing = (self.out / MANIFEST).exists()
        if existing and not overwrite:
            raise NnvoxError(
                f"{self.out} already holds a run; choose a new folder, or continue it (resume=True, "
                "--resume) or replace it (overwrite=True, --overwrite)"
            )
        check_replaceable(self.out, replacing=existing)
        if self.out.is_dir():
            self.lock_folder(self.out)
        return existing

    def create(self, existing: bool, write_header: Callable[[], None]) -> None:
        """Make the folder (a replacement's own, beside the old run), lock and announce it, and
        `write_header()`; on any failure, remove what this recorder made."""
        created = [p for p in (self.out, *self.out.parents) if not p.exists()]  # removed again on failure
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NnvoxError(f"cannot create run folder {self.out}: {exc.strerror}") from None
        ours = False  # whether what is in the new folder is this recorder's to remove on failure
        try:
            if not self.lock.fds:  # the folder is new (perhaps just made by another recorder starting too)
                self.lock_folder(self.out)
                if (self.out / MANIFEST).exists():  # that other recorder got here first
                    raise NnvoxError(
                        f"{self.out} already holds a run (another recorder just started one); choose a new folder"
                    )
            ours = True
            self.replacing = existing
            if existing:
                remove_stale_temporaries(self.out.parent)  # replacement folders of killed recorders
                self.folder = temporary_path(self.out)
                self.folder.mkdir()
                self.lock.add(self.folder)
                self.lock.announce(self.out)
            self.lock.announce(self.folder)
            write_header()
        except BaseException:
            self._undo(created if ours else [])
            raise

    def _undo(self, created: list[Path]) -> None:
        if self.writer is not None:  # (interrupted while handing over the header) done with the folder first
            self.writer.abandon()
        if self.replacing:
            remove_run(self.folder)
        elif created:
            remove_run(self.out)
            for folder in created[1:]:
                try:
                    folder.rmdir()
                except OSError:
                    break

    def open_writer(self, background: bool):
        """The writer: a child process (`background`) or this thread."""
        kind = ChildWriter if background else InlineWriter
        self.writer = kind(self.folder, self.out if self.replacing else None, self.lock.fds)
        return self.writer

    def raise_writer_error(self) -> None:
        self.writer.poll()
        if self.writer.error is not None:
            fix = write_advice(self.writer.error.partition(":")[0]) or "see the cause above"
            raise NnvoxError(
                f"writing snapshots to {self.out} failed ({self.writer.error}); the run stays readable up to "
                f"the last complete snapshot: {fix}, then continue it with resume=True (nnvox record --resume)"
            )

    def finish(self) -> None:
        """Release the run: a replacement that never got a snapshot is removed (the old run stays)."""
        if self.replacing and self.folder.exists():
            self.writer.abandon()  # the writer is done with the folder before it goes
            remove_run(self.folder)
        self.lock.release(self.out)

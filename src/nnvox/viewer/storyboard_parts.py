"""A storyboard's .mp4 rendered by several processes at once: its shots split into runs that need
nothing of the shots before them (a shot that dips in, or cuts: no cross-fade, no camera carried on,
no move dissolve), each run into its own H.264 part, and the parts joined in order without
re-encoding (ffmpeg's concat demuxer, stream copy). Runs that draw with the same renderer (one per
scene and heads-up style) go to one worker, in the storyboard's order: a renderer keeps state from
the shots it drew (the label layout after an explained layer placed the overview's labels otherwise),
so its shots are drawn in the order one process draws them; whichever worker is free takes the next
such task.

Why: a lecture's export keeps about 1.3 of 2 cores busy (the label settling, overlays and numpy
between two renders are one Python thread; llvmpipe and the encoder fill the rest in bursts); two
workers keep both busy. Each run starts at a dip from the background or a cut, so a part's first
frame is a key frame where the picture changes anyway and the joins are invisible; the frames are
the ones one process renders.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from nnvox.errors import NnvoxError
from nnvox.files import publish, remove_temporary, temporary_path
from nnvox.scenes.shot_changes import cross_fade_frames, move_fade_frames
from nnvox.scenes.shots import frame_count
from nnvox.scenes.storyboard import Storyboard, transitions
from nnvox.scenes.view import OutputSpec

CARD_WEIGHT = 0.1  # a title card's frame against a scene's, in a run's expected cost (its text drawn once)
_POLL_SECONDS = 0.5  # how often the parent looks at its workers while no frame is reported


def runs_of_shots(board: Storyboard, fps: int) -> list[list[int]]:
    """The storyboard's shot indices in runs, each starting where a shot needs nothing of the one
    before: it is not carried on by a camera move, cross-faded into, or dissolved into."""
    ways = transitions(board)
    blends, dissolves = cross_fade_frames(board, fps, ways), move_fade_frames(board, fps, ways)
    runs: list[list[int]] = []
    for i in range(len(board.shots)):
        joined = i > 0 and (ways[i] == "move" or blends[i] or dissolves[i])
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _renderer_of(shot) -> tuple | None:
    """Which renderer of a painter draws `shot` (storyboard_export._Painter): its scene's in its
    heads-up style, the title cards' one, or none (a 2D figure)."""
    from nnvox.viewer.storyboard_export import _scene_key

    if shot.figure is not None:
        return None
    return ("card",) if shot.source is None else (_scene_key(shot), shot.view.hud)


def tasks_of(board: Storyboard, fps: int) -> list[list[list[int]]]:
    """The runs of shots (runs_of_shots) grouped where they share a renderer, each group's runs in
    the storyboard's order: one worker draws a group as one process would."""
    groups: list[tuple[set, list[list[int]]]] = []
    for run in runs_of_shots(board, fps):
        keys = {k for i in run if (k := _renderer_of(board.shots[i])) is not None}
        shared = [g for g in groups if g[0] & keys]
        merged = (keys.union(*(g[0] for g in shared)), [r for g in shared for r in g[1]] + [run])
        groups = [g for g in groups if not g[0] & keys] + [merged]
    return [sorted(runs) for _, runs in groups]


def _cost(board: Storyboard, run: list[int], fps: int) -> float:
    shots = [board.shots[i] for i in run]
    return sum(frame_count(s, fps) * (1.0 if s.source is not None else CARD_WEIGHT) for s in shots)


def render_parts(board: Storyboard, out: Path, output: OutputSpec, *, workers: int, progress: bool) -> Path:
    """Render `board` to the .mp4 `out` with `workers` processes (see the module's note)."""
    from nnvox.viewer.export import ProgressBar
    from nnvox.viewer.storyboard_export import _size

    width, height, fps = _size(board, output)
    runs = runs_of_shots(board, fps)
    parts = [temporary_path(out.with_name(f"{out.stem}-part{k}.mp4")) for k in range(len(runs))]
    context = multiprocessing.get_context("spawn")  # vtk and its GL context are not fork-safe
    tasks, reports = context.Queue(), context.Queue()
    groups = tasks_of(board, fps)
    for group in sorted(groups, key=lambda g: -sum(_cost(board, r, fps) for r in g)):  # the longest first
        tasks.put([(runs.index(r), r, str(parts[runs.index(r)])) for r in group])
    size = (width, height, fps)
    procs = [
        context.Process(target=_worker, args=(str(board.path), size, tasks, reports, os.getpid()), daemon=True)
        for _ in range(min(workers, len(groups)))
    ]
    total = sum(frame_count(s, fps) for s in board.shots)
    try:
        for p in procs:
            tasks.put(None)  # one stop for each worker, after every run
            p.start()
        with ProgressBar(progress, total, out) as tick:
            _follow(procs, reports, len(runs), tick)
        _join(parts, out)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
        for part in parts:
            remove_temporary(part)
    return out


def _follow(procs, reports, runs: int, tick) -> None:
    """Tick the progress bar for each frame the workers write, until every run is done; a worker's
    error raised here (the first one reported), as one process would raise it."""
    done = 0
    while done < runs:
        try:
            kind, value = reports.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if any(p.exitcode for p in procs) or all(p.exitcode is not None for p in procs):
                raise NnvoxError("a storyboard worker process ended before its shots were rendered") from None
            continue
        if kind == "frames":
            for _ in range(value):
                tick()
        elif kind == "done":
            done += 1
        elif kind == "nnvox":
            raise NnvoxError(value)
        else:
            raise RuntimeError(f"a storyboard worker failed:\n{value}")


def _join(parts: list[Path], out: Path) -> None:
    """The parts, in order, as one faststart .mp4 at `out` (stream copy: nothing re-encoded)."""
    import imageio_ffmpeg

    from nnvox.viewer.outputs import encoder_error
    from nnvox.viewer.video import start_encoder

    joined = temporary_path(out)
    with tempfile.TemporaryDirectory(prefix="nnvox-parts-") as folder:
        listing = Path(folder) / "parts.txt"
        listing.write_text("".join("file '" + str(p).replace("'", "'\\''") + "'\n" for p in parts))
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "concat", "-safe", "0"]
        cmd += ["-i", str(listing), "-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(joined)]
        try:
            proc = start_encoder(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, err = proc.communicate()
            if proc.returncode:
                raise encoder_error(out, err.decode(errors="replace").strip().replace(str(joined), str(out)))
            publish(joined, out)
        finally:
            remove_temporary(joined)


def _worker(storyboard: str, size: tuple[int, int, int], tasks, reports, parent: int) -> None:
    """A worker process: renders runs of shots from `tasks` until a None, each into its part."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers on Ctrl-C
    _die_with_parent(parent)
    try:
        _render_runs(storyboard, size, tasks, reports)
    except NnvoxError as exc:
        reports.put(("nnvox", str(exc)))
    except BaseException:  # noqa: BLE001 (sent whole to the parent, which raises it)
        reports.put(("error", traceback.format_exc()))


def _render_runs(storyboard: str, size: tuple[int, int, int], tasks, reports) -> None:
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.storyboard_export import _Painter, _Scenes, board_look, write_shots
    from nnvox.viewer.video import mp4_writer

    board = load_storyboard(storyboard)
    width, height, fps = size
    look = board_look(board, width, height)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    try:
        while (task := tasks.get()) is not None:
            for k, run, part in task:
                with mp4_writer(Path(part), width, height, fps, board.crf, encoded=Path(part)) as writer:
                    sent = [0]

                    def write(image, writer=writer, sent=sent) -> None:
                        writer.write(image)
                        sent[0] += 1
                        if sent[0] % 10 == 0:
                            reports.put(("frames", 10))

                    write_shots(board, painter, run, fps, write)
                reports.put(("frames", sent[0] % 10))
                reports.put(("done", k))
    finally:
        scenes.close()
        painter.close()


def _die_with_parent(parent: int) -> None:
    """Linux: killed when the parent dies, so a killed export leaves no worker rendering on."""
    if sys.platform != "linux":
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)

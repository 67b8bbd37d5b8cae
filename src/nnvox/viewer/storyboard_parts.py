"""A storyboard's .mp4 rendered by several processes at once: its shots split into runs that need
nothing of the shots before them (a shot that dips in, or cuts: no cross-fade, no camera carried on,
no move dissolve), each run into its own H.264 part, and the parts joined in order without
re-encoding (ffmpeg's concat demuxer, stream copy). Runs that draw with the same renderer (one per
scene and heads-up style) go to one worker, in the storyboard's order: a renderer keeps state from
the shots it drew (the label layout after an explained layer placed the overview's labels otherwise),
so its shots are drawn in the order one process draws them; whichever worker is free takes the next
such task. A renderer that draws more than a worker's share (the lecture's one scene: 68% of its
frames) has its runs cut between two runs (balanced): the later task first rehearses the run its
renderer drew last (storyboard_export.rehearse: its labels settled, its last REHEARSED_FRAMES
frames drawn and dropped), after which it draws the frames one process draws (tested pixel for
pixel; with none drawn, the lecture's epochs shot placed its labels otherwise).

Why: a lecture's export keeps about 1.3 of 2 cores busy (the label settling, overlays and numpy
between two renders are one Python thread; llvmpipe and the encoder fill the rest in bursts); two
workers keep both busy. Each run starts at a dip from the background or a cut, so a part's first
frame is a key frame where the picture changes anyway and the joins are invisible; the frames are
the ones one process renders.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from multiprocessing import connection
from pathlib import Path

from nnvox.errors import NnvoxError, one_line
from nnvox.files import publish, remove_temporary, temporary_path
from nnvox.scenes.shot_changes import cross_fade_frames, move_fade_frames
from nnvox.scenes.shots import frame_count
from nnvox.scenes.storyboard import Storyboard, transitions
from nnvox.scenes.view import OutputSpec

CARD_WEIGHT = 0.1  # a title card's frame against a scene's, in a run's expected cost (its text drawn once)
REHEARSAL_WEIGHT = 0.3  # a rehearsed shot's frame against a drawn one's: its label settling, a few frames drawn
# pictures of a rehearsed shot drawn: its labels' places, carried from one picture to the next, settle
# again. A count of pictures, not seconds: 3 settled them at 60 fps (0.05 s) as at 5 fps (0.6 s);
# on the demo's run, with none drawn 89 of 240 frames differed at 60 fps (test_storyboard_parts_balance)
REHEARSED_FRAMES = 3


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


Task = tuple[list[int], list[list[int]]]  # the shots a worker rehearses first, then the runs it draws


def balanced(board: Storyboard, fps: int, workers: int) -> list[Task]:
    """The tasks of tasks_of, costliest first; one whose runs cost more than a worker's share of
    the storyboard is cut between its runs where they pass the share, each task after the first
    rehearsing the shots its renderers drew last before it (storyboard_export.rehearse), so it
    draws the frames one process draws (the lecture's one scene drew 68% of its frames)."""
    groups = tasks_of(board, fps)
    share = sum(_cost(board, run, fps) for group in groups for run in group) / max(workers, 1)
    tasks = [task for group in groups for task in (_cut(board, group, share, fps) if workers > 1 else [([], group)])]
    return sorted(tasks, key=lambda task: -_task_cost(board, task, fps))


def _cut(board: Storyboard, group: list[list[int]], share: float, fps: int) -> list[Task]:
    tasks: list[Task] = [([], [])]
    spent = 0.0
    for k, run in enumerate(group):
        cost = _cost(board, run, fps)
        if tasks[-1][1] and spent + cost > share:
            tasks.append((_drawn_last(board, group[:k], run), []))
            spent = _task_cost(board, tasks[-1], fps)
        tasks[-1][1].append(run)
        spent += cost
    return tasks


def _drawn_last(board: Storyboard, before: list[list[int]], run: list[int]) -> list[int]:
    """For each renderer `run` draws with, the last shot of the runs `before` it drawn with it,
    and the shots of its run up to it (a camera carried on from them: its path starts from theirs)."""
    keys = {_renderer_of(board.shots[i]) for i in run} - {None}
    last = {_renderer_of(board.shots[i]): r[: r.index(i) + 1] for r in before for i in r}
    return sorted({i for key in keys if key in last for i in last[key]})


def start_task(board: Storyboard, scenes, painter, task: Task, fps: int) -> None:
    """Make ready to draw `task`'s runs as one process draws them: its renderers new, as one process
    comes to its first shot of them (this worker may have drawn a later task of the same renderers:
    tasks go costliest first), then its rehearsed shots rehearsed, and the renderers only the
    rehearsal drew closed (a rehearsed run's other scene or style: its GL context and pictures
    would be kept for the rest of the task, never drawn with)."""
    from nnvox.viewer.storyboard_export import rehearse

    rehearsed, runs = task
    drawn = {_renderer_of(board.shots[i]) for run in runs for i in run}
    scenes.drop_renderers(drawn)
    for i in rehearsed:
        rehearse(board, painter, i, fps, REHEARSED_FRAMES)
    scenes.drop_renderers({_renderer_of(board.shots[i]) for i in rehearsed} - drawn)


def _task_cost(board: Storyboard, task: Task, fps: int) -> float:
    rehearsed, runs = task
    cost = sum(_cost(board, run, fps) for run in runs)
    return cost + REHEARSAL_WEIGHT * sum(frame_count(board.shots[i], fps) for i in rehearsed)


def render_parts(board: Storyboard, out: Path, output: OutputSpec, *, workers: int, progress: bool) -> Path:
    """Render `board` to the .mp4 `out` with `workers` processes (see the module's note). A failure
    is one line naming `out` and its cause; the workers are stopped, their parts removed, and the
    previous `out` is left as it was (the joined file is published only when whole)."""
    from nnvox.viewer.chapters import board_chapters, lazy_scenes
    from nnvox.viewer.export import ProgressBar
    from nnvox.viewer.storyboard_export import _size

    width, height, fps = _size(board, output)
    chapters = board_chapters(board, fps, lazy_scenes(board))  # before any worker starts
    runs = runs_of_shots(board, fps)
    parts = [temporary_path(out.with_name(f"{out.stem}-part{k}.mp4")) for k in range(len(runs))]
    tasks = [
        (rehearsed, [(runs.index(r), r, str(parts[runs.index(r)])) for r in drawn])
        for rehearsed, drawn in balanced(board, fps, workers)
    ]
    context = multiprocessing.get_context("spawn")  # vtk and its GL context are not fork-safe
    links: dict = {}
    total = sum(frame_count(s, fps) for s in board.shots)
    try:
        for _ in range(min(workers, len(tasks))):
            here, there = context.Pipe()
            args = (str(board.path), (width, height, fps), there, os.getpid())
            process = context.Process(target=_worker, args=args, daemon=True)
            process.start()
            there.close()  # the worker's end: only the worker holds it, so its death reads as the end of the pipe
            links[here] = process
        with ProgressBar(progress, total, out) as tick:
            _follow(links, tasks, Outcome(out, parts), tick)
        _join(parts, out, chapters, total / fps)
    finally:
        for link, process in links.items():
            if process.is_alive():
                process.terminate()
            process.join()
            link.close()
        for part in parts:
            remove_temporary(part)
    return out


class WorkerError(RuntimeError):
    """A worker's failure that is a bug in nnvox: one line, its traceback kept as the cause."""


class _WorkerTraceback(Exception):
    def __init__(self, text: str):
        super().__init__(text)

    def __str__(self) -> str:
        return "the worker's traceback:\n" + self.args[0]


class Outcome:
    """What a worker's report says, in the words of the export of `out`: the hidden part files it
    writes never named, only `out` (what the user asked for)."""

    def __init__(self, out: Path, parts: list[Path]):
        self.out, self.parts = out, parts

    def said(self, text: str) -> str:
        for part in self.parts:
            text = text.replace(str(part), str(self.out))
        return one_line(text)

    def failure(self, report: tuple) -> BaseException:
        """The exception one process would raise for a worker's error `report`."""
        kind, *rest = report
        if kind == "nnvox":  # the user's input or machine (a storyboard's line, a full disk): as one process says it
            return NnvoxError(self.said(rest[0]))
        if kind == "memory":
            return MemoryError(self.said(f"rendering {self.out}: {rest[0]}"))
        name, message, trace = rest
        error = WorkerError(self.said(f"rendering {self.out} failed in a worker process: {name}: {message}"))
        error.__cause__ = _WorkerTraceback(trace)
        return error

    def ended(self, code: int) -> NnvoxError:
        """A worker that ended before reporting its runs done, with exit code `code`."""
        how = f"exited with code {code}"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
            how = f"was killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
        return NnvoxError(f"rendering {self.out} failed: a worker process {how} before its shots were rendered")


def _follow(links: dict, tasks: list, outcome: Outcome, tick) -> None:
    """Hand each idle worker the next task (None: stop), tick the progress bar for each frame the
    workers write, until every worker has ended. The first worker's error is raised here as one
    process would raise it; a worker that ends without one before its runs are done (killed) is
    noticed the moment it ends: its pipe reads as ended, whatever the other workers report."""
    waiting, runs, done = list(tasks), sum(len(t[1]) for t in tasks), 0
    open_links = dict(links)
    while open_links:
        for link in connection.wait(list(open_links)):
            try:
                report = link.recv()
            except EOFError:  # every report it sent was read before this
                process = open_links.pop(link)
                process.join()
                if process.exitcode:
                    raise outcome.ended(process.exitcode) from None
                continue
            kind = report[0]
            if kind == "frames":
                for _ in range(report[1]):
                    tick()
            elif kind == "done":
                done += 1
            elif kind == "idle":
                try:
                    link.send(waiting.pop(0) if waiting else None)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # it has just died: its end of the pipe says so next
            else:
                raise outcome.failure(report)
    if done < runs:
        raise NnvoxError(
            f"rendering {outcome.out} failed: the worker processes ended with {runs - done} runs not rendered"
        )


def _join(parts: list[Path], out: Path, chapters: list[tuple[float, str]], seconds: float) -> None:
    """The parts, in order, as one faststart .mp4 at `out` (stream copy: nothing re-encoded), with
    the storyboard's chapters (chapters.py) `seconds` long in all."""
    import imageio_ffmpeg

    from nnvox.viewer.chapters import ffmetadata
    from nnvox.viewer.outputs import encoder_error
    from nnvox.viewer.video import start_encoder

    joined = temporary_path(out)
    with tempfile.TemporaryDirectory(prefix="nnvox-parts-") as folder:
        listing, metadata = Path(folder) / "parts.txt", Path(folder) / "chapters.txt"
        # absolute: ffmpeg's concat reads a listed path from the listing's own folder (a relative `out`,
        # `make demo`'s nnvox-demo/, was looked for in this temporary folder)
        listing.write_text("".join("file '" + str(Path(p).absolute()).replace("'", "'\\''") + "'\n" for p in parts))
        metadata.write_text(ffmetadata(chapters, seconds), encoding="utf-8")
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "concat", "-safe", "0"]
        cmd += ["-i", str(listing), "-i", str(metadata), "-map", "0", "-map_metadata", "1", "-map_chapters", "1"]
        cmd += ["-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(joined)]
        try:
            proc = start_encoder(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, err = proc.communicate()
            if proc.returncode:
                raise encoder_error(out, err.decode(errors="replace").strip().replace(str(joined), str(out)))
            publish(joined, out)
        finally:
            remove_temporary(joined)


def _worker(storyboard: str, size: tuple[int, int, int], link, parent: int) -> None:
    """A worker process: renders the tasks the parent sends on `link` (its runs of shots, each into
    its part) until a None; its reports and its error go back on `link`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers on Ctrl-C
    _die_with_parent(parent)
    try:
        _render_tasks(storyboard, size, link)
    except NnvoxError as exc:
        link.send(("nnvox", str(exc)))
    except MemoryError as exc:
        link.send(("memory", one_line(exc) or "out of memory"))
    except BaseException as exc:  # noqa: BLE001 (sent to the parent, which raises it)
        link.send(("error", type(exc).__name__, one_line(exc), traceback.format_exc()))


def _render_tasks(storyboard: str, size: tuple[int, int, int], link) -> None:
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.storyboard_export import _Painter, _Scenes, board_look, write_shots
    from nnvox.viewer.video import mp4_writer

    board = load_storyboard(storyboard)
    width, height, fps = size
    look = board_look(board, width, height)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    try:
        link.send(("idle",))
        while (task := link.recv()) is not None:
            rehearsed, drawn = task
            start_task(board, scenes, painter, (rehearsed, [run for _, run, _ in drawn]), fps)
            for k, run, part in drawn:
                with mp4_writer(Path(part), width, height, fps, board.crf, encoded=Path(part)) as writer:
                    sent = [0]

                    def write(image, writer=writer, sent=sent) -> None:
                        writer.write(image)
                        sent[0] += 1
                        if sent[0] % 10 == 0:
                            link.send(("frames", 10))

                    write_shots(board, painter, run, fps, write)
                link.send(("frames", sent[0] % 10))
                link.send(("done", k))
            link.send(("idle",))
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

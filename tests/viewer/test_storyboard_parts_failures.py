"""A storyboard rendered in parts (viewer/storyboard_parts.py) that fails: one line naming the
user's output and the cause, noticed at once, no part file left, the previous output untouched."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

from nnvox.errors import NnvoxError
from nnvox.viewer.storyboard_parts import Outcome, WorkerError, _follow

from .test_storyboard_parts import board  # noqa: F401 (the fixture)


class _Ended:
    """A worker process as _follow sees it: ended with `exitcode` once joined."""

    def __init__(self, exitcode: int):
        self.exitcode = exitcode

    def join(self) -> None:
        pass


def _killed(out) -> str:
    how = "was killed by SIGKILL (out of memory?)"
    return f"rendering {out} failed: a worker process {how} before its shots were rendered"


def _chatty(link, stop: threading.Event) -> None:
    """A worker that keeps reporting frames (a long run) until told to stop, or 5 s have passed."""
    link.recv()  # its first task
    end = time.perf_counter() + 5
    while not stop.is_set() and time.perf_counter() < end:
        link.send(("frames", 10))
        time.sleep(0.01)
    link.close()


def test_a_killed_worker_is_noticed_at_once_while_another_reports_frames(tmp_path):
    out = tmp_path / "lecture.mp4"
    (busy, busy_end), (dead, dead_end) = multiprocessing.Pipe(), multiprocessing.Pipe()
    stop = threading.Event()
    chatter = threading.Thread(target=_chatty, args=(busy_end, stop), daemon=True)
    busy_end.send(("idle",))
    chatter.start()
    dead_end.close()  # killed before it said anything: its pipe ends
    start = time.perf_counter()
    try:
        with pytest.raises(NnvoxError) as caught:
            _follow(
                {busy: _Ended(0), dead: _Ended(-signal.SIGKILL)},
                [([], [(0, [1], "a")]), ([], [(1, [2], "b")])],
                Outcome(out, []),
                lambda: None,
            )
    finally:
        stop.set()
    assert time.perf_counter() - start < 1.0  # not after the other worker's frames stop (5 s)
    assert str(caught.value) == _killed(out)


def test_a_worker_that_ended_after_its_last_report_is_not_a_failure(tmp_path):
    # its reports still in the pipe when it has already ended: every one is read, nothing raised
    link, end = multiprocessing.Pipe()
    for report in (("idle",), ("frames", 7), ("done", 0), ("idle",)):
        end.send(report)
    end.close()
    ticks = []
    _follow({link: _Ended(0)}, [([], [(0, [0], "part")])], Outcome(tmp_path / "x.mp4", []), lambda: ticks.append(1))
    assert len(ticks) == 7


def test_a_workers_error_names_the_output_not_its_hidden_part(tmp_path):
    out, part = tmp_path / "talk.mp4", tmp_path / ".talk-part1.mp4.nnvox-12-abcdef.tmp"
    outcome = Outcome(out, [part])
    said = outcome.failure(("nnvox", f"writing {part} failed: No space left on device"))
    assert isinstance(said, NnvoxError) and str(said) == f"writing {out} failed: No space left on device"
    bug = outcome.failure(("error", "ValueError", "bad shape", "Traceback (most recent call last):\n  ...\n"))
    assert isinstance(bug, WorkerError) and "\n" not in str(bug)
    assert str(bug) == f"rendering {out} failed in a worker process: ValueError: bad shape"
    assert "Traceback" in str(bug.__cause__)  # NNVOX_DEBUG=1 shows where


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".toml" and p.name != "run")


@pytest.mark.gl
def test_an_encoder_error_in_a_worker_names_the_output_and_leaves_it_as_it_was(board, tmp_path, monkeypatch):  # noqa: F811
    from nnvox.viewer.storyboard_export import render_storyboard

    ffmpeg = tmp_path / "ffmpeg"  # an encoder that refuses its output, naming the file it was given
    ffmpeg.write_text('#!/bin/sh\nfor a; do last=$a; done\necho "$last: Invalid argument" >&2\nexit 1\n')
    ffmpeg.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(ffmpeg))  # the workers' ffmpeg: they start after this
    out = tmp_path / "talk.mp4"
    out.write_bytes(b"the previous talk")
    with pytest.raises(NnvoxError) as caught:
        render_storyboard(board, out, progress=False, workers=2)
    assert str(caught.value) == f"writing {out} failed: {out}: Invalid argument"
    assert out.read_bytes() == b"the previous talk"
    assert _leftovers(tmp_path) == ["ffmpeg", "talk.mp4"]


@pytest.mark.gl
def test_a_worker_killed_mid_export_stops_it_at_once_with_one_line(board, tmp_path):  # noqa: F811
    from nnvox.viewer.storyboard_export import render_storyboard

    out = tmp_path / "talk.mp4"
    out.write_bytes(b"the previous talk")
    caught: list[BaseException] = []

    def export() -> None:
        try:
            render_storyboard(board, out, progress=False, workers=2)
        except BaseException as exc:  # noqa: BLE001 (looked at below)
            caught.append(exc)

    thread = threading.Thread(target=export)
    thread.start()
    while len(workers := multiprocessing.active_children()) < 2 and thread.is_alive():
        time.sleep(0.01)
    os.kill(workers[0].pid, signal.SIGKILL)
    thread.join(timeout=30)
    assert not thread.is_alive() and not multiprocessing.active_children()
    assert [str(e) for e in caught] == [_killed(out)]
    assert out.read_bytes() == b"the previous talk"
    assert _leftovers(tmp_path) == ["talk.mp4"]


@pytest.mark.gl
def test_a_bad_shot_found_by_the_workers_is_one_line_on_its_line(board, tmp_path):  # noqa: F811
    # the workers open the runs and build the scenes: the user's mistake comes back as one process says it
    from nnvox.viewer.storyboard_export import render_storyboard

    board.write_text(board.read_text().replace('mode = "weights"\n', 'mode = "weights"\nexplain = "nowhere"\n'))
    with pytest.raises(NnvoxError, match=r"^board\.toml, line 26: explain: layer 'nowhere' is not in the model"):
        render_storyboard(board, tmp_path / "talk.mp4", progress=False, workers=2)
    assert _leftovers(tmp_path) == []

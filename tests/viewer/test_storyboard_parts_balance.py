"""A storyboard's frames shared fairly between two workers (viewer/storyboard_parts.balanced): a
scene drawn in most of the shots is cut between its runs, the worker that starts later rehearsing
the shot its renderer drew last (storyboard_export.rehearse), and every frame is the one a single
process draws."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.storyboard_parts import REHEARSED_FRAMES, balanced, start_task

FPS = 5
# the lecture's overview, explained layer and epochs in one scene (one renderer): its labels were
# placed otherwise in the epochs shot by a renderer that had not drawn the explained layer
BOARD = """\
[video]
size = "320x180"
fps = 5

[[shot]]
run = "run"
duration = 2
timeline = "last"
sample = 9
caption = "LeNet-style: two convolution and pooling stages"

[[shot]]
run = "run"
duration = 3
timeline = "last"
sample = 9
explain = "conv1"
transition = "dip"
caption = "A 5 × 5 window slides over the 9"

[[shot]]
run = "run"
duration = 3
timeline = "all"
sample = 9
transition = "dip"
camera = { keys = [ { at = 0, overview = true }, { at = 1, overview = true } ] }
caption = "The same 9 after each epoch"
"""


@pytest.fixture
def board(tmp_path, lenet_run):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    path = tmp_path / "board.toml"
    path.write_text(BOARD)
    return load_storyboard(path)


def test_one_scenes_runs_are_cut_where_they_pass_a_workers_share(board):
    # 10 + 15 + 15 frames of one scene: each task after the first rehearses the shot before it
    assert balanced(board, FPS, 2) == [([1], [[2]]), ([0], [[1]]), ([], [[0]])]
    assert balanced(board, FPS, 1) == [([], [[0], [1], [2]])]


def _drawn(board, rehearsed: list[int], run: list[int], fps: int) -> list[np.ndarray]:
    """The frames of `run` drawn by a painter of their own after rehearsing `rehearsed`."""
    from nnvox.viewer.storyboard_export import _Painter, _Scenes, board_look, rehearse, write_shots

    look = board_look(board, 320, 180)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    frames: list[np.ndarray] = []
    try:
        for i in rehearsed:
            rehearse(board, painter, i, fps, REHEARSED_FRAMES)
        write_shots(board, painter, run, fps, lambda image: frames.append(image.copy()))
    finally:
        scenes.close()
        painter.close()
    return frames


def _tasks_drawn_apart(board, fps: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The frames of one pass, and of the balanced tasks drawn as one worker draws them if it takes
    them in the reverse order (a later task of a renderer before its first), put in the
    storyboard's order."""
    from nnvox.viewer.storyboard_export import _Painter, _Scenes, board_look, write_shots

    one_pass = _drawn(board, [], list(range(len(board.shots))), fps)
    look = board_look(board, 320, 180)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    drawn: dict[int, list] = {}
    try:
        for task in balanced(board, fps, 2)[::-1]:
            start_task(board, scenes, painter, task, fps)
            for run in task[1]:
                drawn[run[0]] = frames = []
                write_shots(board, painter, run, fps, lambda image, frames=frames: frames.append(image.copy()))
    finally:
        scenes.close()
        painter.close()
    return one_pass, [f for first in sorted(drawn) for f in drawn[first]]


@pytest.mark.gl
def test_a_rehearsed_task_draws_the_frames_of_one_pass(board):
    one_pass, parts = _tasks_drawn_apart(board, FPS)
    assert len(parts) == len(one_pass) == 40
    assert [k for k, (a, b) in enumerate(zip(one_pass, parts)) if not np.array_equal(a, b)] == []
    fresh = _drawn(board, [], [2], FPS)  # unrehearsed, the epochs shot's labels stood elsewhere
    assert any(not np.array_equal(a, b) for a, b in zip(one_pass[25:], fresh))


@pytest.mark.gl
def test_a_task_after_a_camera_move_rehearses_the_moves_run(tmp_path, digits_run):
    # the forward pass shares the renderer of shots 1-2, where shot 2's camera carries on from 1
    from .test_storyboard_parts import BOARD

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    board = load_storyboard(tmp_path / "board.toml")
    assert ([1, 2], [[4]]) in balanced(board, 10, 2)
    one_pass, parts = _tasks_drawn_apart(board, 10)
    assert len(parts) == len(one_pass) == 30
    assert [k for k, (a, b) in enumerate(zip(one_pass, parts)) if not np.array_equal(a, b)] == []


# a run of two styles of one scene (the detail heads-up line, then the lecture's), then a shot
# in the lecture's style alone: the task that draws it rehearses the run, both of its shots
STYLES = """\
[video]
size = "320x180"
fps = 10

[[shot]]
run = "run"
duration = 2
hud = "detail"

[[shot]]
run = "run"
duration = 2
transition = "move"

[[shot]]
run = "run"
duration = 3
transition = "dip"
"""


def test_a_task_keeps_no_renderer_its_rehearsal_alone_drew(tmp_path, monkeypatch):
    from nnvox.viewer import storyboard_export
    from nnvox.viewer.storyboard_parts import _renderer_of

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "manifest.json").write_text("{}")
    (tmp_path / "board.toml").write_text(STYLES)
    board = load_storyboard(tmp_path / "board.toml")
    detail, lecture = (_renderer_of(board.shots[i]) for i in (0, 2))
    assert detail != lecture and _renderer_of(board.shots[1]) == lecture
    task = next(t for t in balanced(board, 10, 2) if t[1] == [[2]])
    assert task == ([0, 1], [[2]])

    class Scenes:  # the renderers a worker holds: made as a shot is drawn, closed when dropped
        def __init__(self):
            self.held: set = set()

        def drop_renderers(self, keys) -> None:
            self.held -= set(keys)

    scenes = Scenes()
    scenes.held = {lecture}  # a costlier task drew the lecture's style before
    rehearsed = []
    rehearse = lambda board, painter, i, fps, drawn: (
        rehearsed.append(i),
        scenes.held.add(_renderer_of(board.shots[i])),
    )
    monkeypatch.setattr(storyboard_export, "rehearse", rehearse)
    start_task(board, scenes, None, task, 10)
    assert rehearsed == [0, 1]
    assert scenes.held == {lecture}  # the detail style's, drawn only in rehearsal, closed


@pytest.mark.gl
@pytest.mark.long
@pytest.mark.timeout(1200)  # 480 pictures at 60 fps, over 300 s on a loaded machine
def test_a_rehearsal_of_a_few_frames_settles_the_labels_at_60_fps(board):
    """REHEARSED_FRAMES counts pictures, not seconds: the labels' places carry from one picture to
    the next, so 3 pictures settle them at 60 fps (0.05 s) as at 5 (0.6 s). The board shortened to
    4 s (240 frames); on the demo's run 89 of them differed with none drawn, none with 3."""
    text = BOARD.replace("duration = 2\n", "duration = 1\n").replace("duration = 3\n", "duration = 1.5\n")
    board.path.write_text(text)
    short = load_storyboard(board.path)
    one_pass, parts = _tasks_drawn_apart(short, 60)
    assert len(parts) == len(one_pass) == 240
    assert [k for k, (a, b) in enumerate(zip(one_pass, parts)) if not np.array_equal(a, b)] == []
    fresh = _drawn(short, [], [2], 60)  # unrehearsed, the epochs shot's labels stood elsewhere
    assert any(not np.array_equal(a, b) for a, b in zip(one_pass[150:], fresh))

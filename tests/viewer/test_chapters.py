"""Chapter markers in storyboard videos (two lecturer watches: "a chapter marker at each stage where I
can pause"): one per shot titled by its caption (a title card by its title), one per stage of a
followed pass with stage captions at the stage's start, read back from the file with ffmpeg. Added by
a stream-copy remux into a temporary: a failed remux leaves the previous file and no temporary."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest
import torch

from nnvox.errors import NnvoxError
from nnvox.models.nets import LeNet
from nnvox.scenes.build import build_scene
from nnvox.scenes.follow import pass_schedule
from nnvox.scenes.storyboard import CameraMove, Shot, load_storyboard
from nnvox.viewer import video
from nnvox.viewer.chapters import board_chapters, read_chapters
from tests.scenes.test_layout_graphs import run_of

from .media import decode

BOARD = """\
[video]
size = "320x180"
fps = 4
title = "Learning digits"
title_seconds = 0.5
fade_seconds = 0.25

[[shot]]
run = "run"
duration = 0.75
timeline = 0
caption = "Before training"

[[shot]]
run = "run"
duration = 0.75
timeline = 3
transition = "fade"
caption = "After 3 epochs = 97%; #1"
"""


@pytest.mark.gl
def test_a_rendered_board_has_a_chapter_at_each_shot_start(tmp_path, digits_run):
    from nnvox.viewer.storyboard_export import render_storyboard

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    out = render_storyboard(tmp_path / "board.toml", tmp_path / "talk.mp4", progress=False)
    chapters = read_chapters(out)
    assert [title for _, _, title in chapters] == ["Learning digits", "Before training", "After 3 epochs = 97%; #1"]
    frame = 1 / 4
    starts, ends = [s for s, _, _ in chapters], [e for _, e, _ in chapters]
    assert np.allclose(starts, [0.0, 0.5, 1.25], atol=frame)  # 2 title frames, then 3 a shot
    assert np.allclose(ends, [0.5, 1.25, 2.0], atol=frame)
    assert len(decode(out)) == 8  # the remux copied every frame
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


@pytest.mark.gl
def test_a_board_rendered_in_parts_has_the_same_chapters(tmp_path, digits_run):
    from nnvox.viewer.storyboard_export import render_storyboard
    from nnvox.viewer.storyboard_parts import runs_of_shots

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD.replace('"fade"', '"dip"'))
    assert len(runs_of_shots(load_storyboard(tmp_path / "board.toml"), 4)) > 1  # really in parts
    out = render_storyboard(tmp_path / "board.toml", tmp_path / "talk.mp4", progress=False, workers=2)
    chapters = read_chapters(out)
    assert [t for _, _, t in chapters] == ["Learning digits", "Before training", "After 3 epochs = 97%; #1"]
    assert np.allclose([s for s, _, _ in chapters], [0.0, 0.5, 1.25], atol=1 / 4)


def _frames(n: int = 12) -> list[np.ndarray]:
    return [np.full((64, 96, 3), 20 * k, np.uint8) for k in range(n)]


@pytest.mark.parametrize("suffix", [".mp4", ".mov"])
def test_a_writer_given_chapters_writes_them_and_every_frame(tmp_path, suffix):
    out = tmp_path / f"clip{suffix}"
    with video.open_writer(out, 96, 64, 4) as writer:
        writer.set_chapters([(0.0, "one"), (1.5, "two")])
        for f in _frames():
            writer.write(f)
    assert [(round(s, 3), round(e, 3), t) for s, e, t in read_chapters(out)] == [(0, 1.5, "one"), (1.5, 3.0, "two")]
    assert len(decode(out)) == 12


def test_a_failed_remux_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "clip.mp4"
    out.write_bytes(b"the previous lecture")
    monkeypatch.setattr(video, "add_chapters", lambda *a: (1, "Invalid data found when processing input"))
    writer = video.open_writer(out, 96, 64, 4)
    writer.set_chapters([(0.0, "one")])
    for f in _frames(4):
        writer.write(f)
    with pytest.raises(NnvoxError, match=r"clip\.mp4"):
        writer.close()
    assert out.read_bytes() == b"the previous lecture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_a_gif_takes_no_chapters(tmp_path):
    out = tmp_path / "clip.gif"
    with video.open_writer(out, 96, 64, 4) as writer:
        writer.set_chapters([(0.0, "one")])
        for f in _frames(4):
            writer.write(f)
    assert read_chapters(out) == []


NAMES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3", "fc2")


def _followed(scene, duration: float) -> Shot:
    """A followed pass of `duration` over the LeNet's stages, each with a stage caption."""
    stages = tuple((name, f"{name}: on screen") for name in NAMES)
    shot = Shot(2, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    return Shot(**{**shot.__dict__, "stage_captions": stages})


def test_a_followed_pass_has_a_chapter_at_each_stage_start(tmp_path):
    """Its first chapter carries the first stage's caption, on screen from its first frame (the
    summary shows only at the answer: watch 10 saw a 1 s chapter titled by a caption not shown)."""
    torch.manual_seed(0)
    scene = build_scene(run_of(LeNet(), torch.randn(2, 1, 28, 28), tmp_path / "run"))
    fps, duration, title = 30, 33.0, 2.0
    card = Shot(1, title, None, title="How a CNN reads digits")
    shot = _followed(scene, duration)
    board = types.SimpleNamespace(shots=[card, shot])
    chapters = board_chapters(board, fps, lambda s: scene if s is shot else None)
    schedule = pass_schedule(scene.levels, duration)
    expected = [(0.0, "How a CNN reads digits"), (title, "conv1: on screen")]
    expected += [(title + schedule.lead + k * schedule.step, f"{n}: on screen") for k, n in enumerate(NAMES) if k]
    expected += [(title + schedule.answer_start, "The 9 flows")]
    assert [t for _, t in chapters] == [t for _, t in expected]
    assert np.allclose([s for s, _ in chapters], [s for s, _ in expected], atol=1 / fps)


def test_a_pass_the_camera_moves_into_starts_its_chapter_where_its_caption_dissolves_in(tmp_path):
    """A "move" dissolves the shot before's last 0.3 s into the pass's first frame, its conv1 caption
    in (watch 10: shown from 10.7 s, its chapter at 11 s): the chapter starts there, not at 3.0 s."""
    torch.manual_seed(0)
    scene = build_scene(run_of(LeNet(), torch.randn(2, 1, 28, 28), tmp_path / "run"))
    overview = Shot(1, 3.0, Path("run"), caption="The network")
    shot = _followed(scene, 33.0)
    board = types.SimpleNamespace(shots=[overview, shot])
    chapters = board_chapters(board, 30, lambda s: scene if s is shot else None)
    assert chapters[:3] == [(0.0, "The network"), (pytest.approx(2.7), "conv1: on screen"), chapters[2]]
    assert chapters[2][1] == "relu1: on screen"


STOPS_BOARD = """\
[video]
size = "320x180"
fps = 10

[[shot]]
run = "run"
duration = 6.0
timeline = "all"
stops = "auto"
caption = "Each epoch"
"""


def test_a_scrub_with_stops_has_a_chapter_at_each_snapshot(tmp_path, digits_run):
    """Each snapshot shown, passed or stopped on (watch 10: "Epoch 1 of 10" ran over epochs 2 and
    3), at the frame it first shows, titled by the heads-up's words."""
    from nnvox.scenes.scrub_stops import scrub_stops
    from nnvox.viewer.chapters import lazy_scenes

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(STOPS_BOARD)
    board = load_storyboard(tmp_path / "board.toml")
    scene_of = lazy_scenes(board)
    chapters = board_chapters(board, 10, scene_of)
    stops, times = scrub_stops(scene_of(board.shots[0]), 0, [0, 1, 2, 3], 6.0)
    begins = np.concatenate([[0.0], np.cumsum(times)])
    assert len(stops) < 4  # some snapshots only passed: they have chapters too
    expected = [(0.0, "Each epoch")] + [(begins[k], f"Epoch {k} of 3") for k in (1, 2, 3)]
    assert [t for _, t in chapters] == [t for _, t in expected]
    assert np.allclose([s for s, _ in chapters], [s for s, _ in expected], atol=0.1 + 1e-9)


EXPLAIN_BOARD = """\
[video]
size = "320x180"
fps = 10

[[shot]]
run = "run"
duration = 3
timeline = "last"
sample = 9
caption = "The network"

[[shot]]
run = "run"
duration = 26
timeline = "last"
sample = 9
explain = "conv1"
transition = "dip"
caption = "A window slides"
"""


def test_an_explained_layer_has_a_chapter_at_each_place_the_window_stands(tmp_path, lenet_run):
    """Each position it walks or stops on, its sweeps and its last, titled as the heading names it
    there (watch 10: one 26 s chapter over five states), at the frame the window gets there (its
    dwell, explain_pace: the window waits the dip in and SETTLE, then stands on each its seconds)."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.explain import Explanation
    from nnvox.scenes.shot_changes import coming_in, going_out
    from nnvox.scenes.storyboard import transitions
    from nnvox.viewer.chapters import lazy_scenes

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(EXPLAIN_BOARD)
    board = load_storyboard(tmp_path / "board.toml")
    scene_of = lazy_scenes(board)
    chapters = board_chapters(board, 10, scene_of)
    assert chapters[:2] == [(0.0, "The network"), (3.0, "A window slides")]
    ways = transitions(board)
    lead, tail = coming_in(board, 1, ways[1]), going_out(board, 1, ways)
    explained = Explanation(lenet_run, scene_of(board.shots[1]), "conv1", 0, 9, seconds=26, lead=lead, tail=tail)
    stops = explained.stops(len(lenet_run.snapshots) - 1)
    walked = pace.walk(stops, 784, 28)
    active = 26 - (lead + pace.SETTLE) - tail
    arrive = 3.0 + lead + pace.SETTLE + np.concatenate([[0.0], np.cumsum(pace.dwell(784, stops, walked, active))])
    place = lambda k: f"conv1: map 0, row {k // 28}, column {k % 28}"
    visited = sorted({*walked[1:], *stops, 783})  # the walk's first: there from the first frame
    expected, before = [], walked[0]
    for k in visited:
        if k > before + 1:  # swept over to k
            to = f"row {k // 28}, column {k % 28}" if k in stops else "its last value"
            expected.append((arrive[before + 1], f"conv1: map 0, sliding to {to}"))
        expected.append((arrive[k], place(k)))
        before = k
    assert len(expected) >= 4
    assert [t for _, t in chapters[2:]] == [t for _, t in expected]
    assert np.allclose([s for s, _ in chapters[2:]], [s for s, _ in expected], atol=0.1 + 1e-9)

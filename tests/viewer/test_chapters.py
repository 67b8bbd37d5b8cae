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


def test_a_followed_pass_has_a_chapter_at_each_stage_start(tmp_path):
    torch.manual_seed(0)
    scene = build_scene(run_of(LeNet(), torch.randn(2, 1, 28, 28), tmp_path / "run"))
    fps, duration, title = 30, 33.0, 2.0
    card = Shot(1, title, None, title="How a CNN reads digits")
    stages = tuple((name, f"{name}: on screen") for name in NAMES)
    shot = Shot(2, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    shot = Shot(**{**shot.__dict__, "stage_captions": stages})
    board = types.SimpleNamespace(shots=[card, shot])
    chapters = board_chapters(board, fps, lambda s: scene if s is shot else None)
    schedule = pass_schedule(scene.levels, duration)
    expected = [(0.0, "How a CNN reads digits"), (title, "The 9 flows")]
    expected += [(title + schedule.lead + k * schedule.step, f"{n}: on screen") for k, n in enumerate(NAMES)]
    expected += [(title + schedule.answer_start, "The 9 flows")]
    assert [t for _, t in chapters] == [t for _, t in expected]
    assert np.allclose([s for s, _ in chapters], [s for s, _ in expected], atol=1 / fps)


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


def test_a_scrub_with_stops_has_a_chapter_at_each_stop(tmp_path, digits_run):
    from nnvox.scenes.scrub_stops import scrub_stops
    from nnvox.viewer.chapters import lazy_scenes

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(STOPS_BOARD)
    board = load_storyboard(tmp_path / "board.toml")
    scene_of = lazy_scenes(board)
    chapters = board_chapters(board, 10, scene_of)
    stops, times = scrub_stops(scene_of(board.shots[0]), 0, [0, 1, 2, 3], 6.0)
    begins = np.concatenate([[0.0], np.cumsum(times)])
    expected = [(0.0, "Each epoch")] + [(begins[k], f"Epoch {k} of 3") for k in stops if k > 0]
    assert len(expected) > 1
    assert [t for _, t in chapters] == [t for _, t in expected]
    assert np.allclose([s for s, _ in chapters], [s for s, _ in expected], atol=0.1)

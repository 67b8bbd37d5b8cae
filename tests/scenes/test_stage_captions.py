"""A forward pass's caption per stage (storyboard stage_captions; watch 7, finding 2: the lecture's 33 s
pass kept one caption and never named the stage on screen). On the frames of a mnist-lenet pass at the
lecture's step times: each step's layer's caption from the step's start to the next's (the first's from
the shot's start), the shot's own only from the answer on (watch 8, finding 3: the summary flashed for
1.3 s over the lead), none on a step without one, and no text for under MIN_CAPTION_SECONDS; at each
change the old one fades out and the new one in, never two overlaid. Loading: a name the model lacks,
or a table that cannot apply, is a one-line error on its line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nnvox.errors import NnvoxError
from nnvox.models.nets import LeNet
from nnvox.scenes.build import build_scene
from nnvox.scenes.follow import pass_schedule
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.stage_captions import MIN_CAPTION_SECONDS, SWITCH_SECONDS
from nnvox.scenes.storyboard import CameraMove, Shot, check_layers, load_storyboard
from tests.scenes.test_layout_graphs import run_of

FPS, DURATION = 30, 33.0  # the lecture's forward pass
CAPTION = "The 9 flows left to right"
NAMES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3", "fc2")
STAGES = tuple((name, f"{name}: on screen") for name in NAMES)


@pytest.fixture(scope="module")
def lenet_scene(tmp_path_factory):
    torch.manual_seed(0)
    run = run_of(LeNet(), torch.randn(2, 1, 28, 28), tmp_path_factory.mktemp("lenet") / "run")
    return build_scene(run)


def _frames(scene, stages=STAGES, duration=DURATION):
    shot = Shot(1, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption=CAPTION)
    shot = Shot(**{**shot.__dict__, "stage_captions": stages})
    return shot_frames(shot, scene, 16 / 9, FPS)


def _at(frames, seconds: float):
    f = frames[round(seconds * FPS)]
    return f.caption, f.caption_shown


def test_each_step_shows_its_layers_caption_from_its_start_to_the_next(lenet_scene):
    assert [b.name for b in sorted(lenet_scene.blocks, key=lambda b: b.order)][1:] == list(NAMES)
    schedule = pass_schedule(lenet_scene.levels, DURATION)  # 1 s lead, a step each 3 s, the answer at 28 s
    frames = _frames(lenet_scene)
    assert _at(frames, 0.5) == ("conv1: on screen", 1.0)  # the lead: the first stage's, not the summary
    for k, name in enumerate(NAMES):
        start = schedule.lead + k * schedule.step
        # all the step long, lit and held: its own, whole once switched in
        for seconds in np.arange(start + SWITCH_SECONDS, start + schedule.step - SWITCH_SECONDS, 0.25):
            assert _at(frames, seconds) == (f"{name}: on screen", 1.0), (name, seconds)
    for seconds in (schedule.answer_start + SWITCH_SECONDS, DURATION - 0.1):  # the answer: the shot's own again
        assert _at(frames, seconds) == (CAPTION, 1.0)


def test_a_switch_fades_the_old_caption_out_then_the_new_in_never_both(lenet_scene):
    frames = _frames(lenet_scene)
    texts = [f.caption for f in frames]
    changes = [k for k in range(1, len(frames)) if texts[k] != texts[k - 1]]
    assert len(changes) == len(NAMES)  # into each stage's after the first, then the shot's for the answer
    for k in changes:  # the old one gone before the new one shows (one caption actor, one text)
        assert frames[k - 1].caption_shown < 0.35 and frames[k].caption_shown < 0.35
        out = [f.caption_shown for f in frames[k - 6 : k]]
        into = [f.caption_shown for f in frames[k : k + 6]]
        assert out == sorted(out, reverse=True) and into == sorted(into), (out, into)
        assert (
            out[0] == 1.0 and into[-1] == 1.0
        )  # a switch over SWITCH_SECONDS (0.2 s): whole 6 frames (0.2 s) either side
    assert all(f.caption_shown == 1.0 for f in frames[: changes[0] - 6])


def test_unnamed_steps_show_no_caption_and_a_grouped_step_its_first_named(lenet_scene):
    frames = _frames(lenet_scene, stages=(("relu1", "relu1 text"), ("pool2", "pool2 text")))
    schedule = pass_schedule(lenet_scene.levels, DURATION)
    middle = lambda k: schedule.lead + (k + 0.5) * schedule.step
    shown = [_at(frames, middle(k))[0] for k in range(9)]
    assert shown == [None, "relu1 text", None, None, None, "pool2 text", None, None, None]
    assert _at(frames, 0.5)[0] is None and _at(frames, DURATION - 0.1)[0] == CAPTION
    stages = (("relu1", "relu1 text"), ("relu2", "relu2 text"), ("conv2", "conv2 text"))
    short = _frames(lenet_scene, stages=stages, duration=12.0)
    grouped = pass_schedule(lenet_scene.levels, 12.0)  # 4 steps: conv1+relu1, pool1+conv2+relu2, ...
    assert grouped.steps[:2] == ((1, 2), (3, 5))
    assert [_at(short, grouped.lead + (k + 0.5) * grouped.step)[0] for k in range(3)] == [
        "relu1 text",
        "conv2 text",
        None,
    ]


@pytest.mark.parametrize("duration", [6.0, 9.0, 12.0, 20.0, 33.0, 51.0])
def test_the_summary_shows_only_with_the_answer_and_no_text_flashes(lenet_scene, duration):
    """The shot's own caption (the pass's summary) never over the lead or a step, whatever the
    shot's length; every text on screen for MIN_CAPTION_SECONDS or more, its fades included."""
    frames = _frames(lenet_scene, duration=duration)
    schedule = pass_schedule(lenet_scene.levels, duration)
    seconds = lambda k: k * duration / (len(frames) - 1)
    walking = [f.caption for k, f in enumerate(frames) if seconds(k) < schedule.answer_start]
    assert CAPTION not in walking, (duration, schedule)
    runs, k = [], 0
    while k < len(frames):
        end = k
        while end + 1 < len(frames) and frames[end + 1].caption == frames[k].caption:
            end += 1
        if frames[k].caption is not None:
            runs.append((frames[k].caption, (end - k + 1) / FPS))
        k = end + 1
    assert runs and all(length >= MIN_CAPTION_SECONDS - 1.5 / FPS for _, length in runs), (duration, runs)


def _board(tmp_path, lines: str) -> Path:
    run = tmp_path / "run"
    run.mkdir(exist_ok=True)
    (run / "manifest.json").write_text("{}")
    path = tmp_path / "s.toml"
    path.write_text('[video]\npreset = "480p30"\n\n[[shot]]\nrun = "run"\nduration = 20\n' + lines)
    return path


@pytest.mark.parametrize(
    "lines, line, words",
    [
        ('forward = true\ncaption = "c"\nstage_captions = "conv1"\n', 9, "table of layer names"),
        ('forward = true\ncaption = "c"\nstage_captions = { conv1 = 3 }\n', 9, "stage_captions.conv1 must be text"),
        ('caption = "c"\nstage_captions = { conv1 = "x" }\n', 8, "add forward = true"),
        ('forward = true\nstage_captions = { conv1 = "x" }\n', 8, "needs the shot's caption"),
    ],
)
def test_a_stage_captions_table_that_cannot_apply_is_an_error_on_its_line(tmp_path, lines, line, words):
    with pytest.raises(NnvoxError) as err:
        load_storyboard(_board(tmp_path, lines))
    message = str(err.value)
    assert message.startswith(f"s.toml, line {line}: ") and words in message and "\n" not in message, message


@pytest.mark.parametrize(
    "lines, line",
    [
        ('forward = true\ncaption = "c"\nstage_captions = { conv1 = "a", relu9 = "b" }\n', 9),
        ('forward = true\ncaption = "c"\n\n[shot.stage_captions]\nconv1 = "a"\nrelu9 = "b"\n', 12),
    ],
)
def test_a_layer_the_model_lacks_is_named_on_its_line(tmp_path, lines, line):
    board = load_storyboard(_board(tmp_path, lines))
    shot = board.shots[0]
    assert dict(shot.stage_captions) == {"conv1": "a", "relu9": "b"}
    with pytest.raises(NnvoxError) as err:
        check_layers(board, shot, ["input", *NAMES])
    message = str(err.value)
    assert message.startswith(f"s.toml, line {line}: layer 'relu9'") and "did you mean 'relu" in message, message

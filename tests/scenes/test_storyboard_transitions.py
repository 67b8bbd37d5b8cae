"""How a shot follows the one before (a camera carried on, a dip, a cut or a cross-fade) and scrubs that
step from snapshot to snapshot (`hold = 1`): chosen and checked as text, computed as pure functions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.shots import shot_frames, timeline_at
from nnvox.scenes.storyboard import MOVE_SECONDS, load_storyboard, transitions

SHOTS = """\
[video]
preset = "480p15"
title = "A title"

[[shot]]
run = "run"
duration = 2
camera = { keys = [ { at = 0, overview = true }, { at = 1, overview = true, azimuth = 30 } ] }

[[shot]]
run = "run"
duration = 2
camera = { move = "focus", layer = "conv2" }

[[shot]]
run = "run"
duration = 2
mode = "weights"

[[shot]]
run = "run"
duration = 2
mode = "weights"
transition = "cut"

[[shot]]
title = "The end"
duration = 1
"""


@pytest.fixture
def folder(tmp_path, digits_run):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    return tmp_path


def _board(folder, text: str):
    (folder / "board.toml").write_text(text)
    return load_storyboard(folder / "board.toml")


def test_the_same_network_in_the_same_mode_carries_the_camera_on_and_the_rest_dip(folder):
    assert transitions(_board(folder, SHOTS)) == ["cut", "dip", "move", "dip", "cut", "dip"]
    chosen = SHOTS.replace('camera = { move = "focus"', 'transition = "fade"\ncamera = { move = "focus"')
    assert transitions(_board(folder, chosen))[2] == "fade"


@pytest.mark.parametrize(
    "edit, message",
    [
        (('mode = "weights"\n\n', 'mode = "weights"\ntransition = "move"\n\n'), r'line 19: transition "move" carries'),
        (('title = "The end"', 'title = "The end"\ntransition = "move"'), r'line 28: transition "move" carries'),
        (
            ('transition = "cut"', 'transition = "wipe"'),
            r"line 24: transition 'wipe' is not one of move, dip, cut, fade",
        ),
    ],
)
def test_a_transition_that_cannot_be_is_named_with_its_line(folder, edit, message):
    old, new = edit
    assert old in SHOTS
    with pytest.raises(NnvoxError, match=message) as err:
        _board(folder, SHOTS.replace(old, new, 1))
    assert str(err.value).startswith("board.toml, line") and "\n" not in str(err.value)


def test_hold_1_steps_from_snapshot_to_snapshot_each_for_an_equal_stretch():
    n, last = 300, 10
    ts = [timeline_at(0.0, last, k / (n - 1), 1.0) for k in range(n)]
    assert all(t == round(t) for t in ts), "a frame between two snapshots"
    counts = np.bincount(np.array(ts, dtype=int), minlength=last + 1)
    assert counts.max() - counts.min() <= 1, counts
    assert ts == sorted(ts) and ts[0] == 0 and ts[-1] == last
    backwards = [timeline_at(last, 0.0, k / (n - 1), 1.0) for k in range(n)]
    assert backwards == ts[::-1]


def test_a_carried_camera_starts_at_the_last_pose_and_eases_into_its_own(folder, digits_run):
    board = _board(folder, SHOTS)
    scene = build_scene(digits_run)
    first, second = board.shots[1], board.shots[2]
    before = shot_frames(first, scene, 16 / 9, 15)[-1].pose
    own = shot_frames(second, scene, 16 / 9, 15)
    carried = shot_frames(second, scene, 16 / 9, 15, carried=before)
    assert np.allclose(carried[0].pose.focal, before.focal) and carried[0].pose.scale == pytest.approx(before.scale)
    assert not np.allclose(own[0].pose.focal, before.focal)  # a cut would jump
    seconds = min(MOVE_SECONDS, second.duration / 3)  # a short shot's move takes a third of it
    settled = [k for k, f in enumerate(carried) if f.progress * second.duration >= seconds]
    assert 0 < len(settled) < len(carried)
    for k in settled:
        a, b = carried[k].pose, own[k].pose
        assert (
            np.allclose(a.focal, b.focal)
            and np.allclose(a.direction, b.direction)
            and a.scale == pytest.approx(b.scale)
        )
    steps = [np.linalg.norm(np.subtract(a.pose.focal, b.pose.focal)) for a, b in itertools.pairwise(carried)]
    jump = np.linalg.norm(np.subtract(own[0].pose.focal, before.focal))
    assert max(steps) < jump / 4, (max(steps), jump)  # the move spread over frames, no jump at the cut

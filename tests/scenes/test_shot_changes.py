"""How shots change, as numbers (no GL): a dip takes the shot before down to the background and the
next one up from it, never both at once; a forward pass starts from the network lit and dims the
blocks ahead of it smoothly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.frames import lit_at
from nnvox.scenes.shot_changes import MOVE_FADE, coming_in, cross_fade_frames, dip_levels, move_fade_frames
from nnvox.scenes.shots import DIM_SECONDS, forward_light, frame_count, shot_frames
from nnvox.scenes.storyboard import load_storyboard, transitions

FPS = 30

# A title card, two shots of one mode (a move), another mode (a dip), a short shot asking for a
# cross-fade, a cut, and an end card (a dip).
SHOTS = """\
[video]
title = "A title"
title_seconds = 2
fade_seconds = 0.5

[[shot]]
run = "run"
duration = 3

[[shot]]
run = "run"
duration = 3
forward = true

[[shot]]
run = "run"
duration = 3
mode = "weights"

[[shot]]
run = "run"
duration = 0.6
transition = "fade"

[[shot]]
run = "run"
duration = 2
mode = "weights"
transition = "cut"

[[shot]]
title = "The end"
duration = 2
fade = 0.3
"""


@pytest.fixture
def board(tmp_path, digits_run):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(SHOTS)
    return load_storyboard(tmp_path / "board.toml")


def test_a_dip_takes_one_shot_down_to_the_background_and_the_next_up_never_both(board):
    ways = transitions(board)
    assert ways == ["cut", "dip", "move", "dip", "fade", "cut", "dip"]
    levels = dip_levels(board, FPS, ways)
    assert [len(x) for x in levels] == [frame_count(s, FPS) for s in board.shots]
    for i, way in enumerate(ways[1:], start=1):
        before, after = levels[i - 1], levels[i]
        if way != "dip":  # a move, a cut or a cross-fade: each side as drawn
            assert before[-1] == 1 and after[0] == 1, (i, way)
            continue
        seconds = board.shots[i].fade or board.fade_seconds
        into = round(min(seconds, board.shots[i].duration / 3) * FPS)
        out = round(min(seconds, board.shots[i - 1].duration / 3) * FPS)
        # the blank middle: both frames next to the change are the background alone
        assert before[-1] == 0 and after[0] == 0
        assert np.all(np.diff(before[-out - 1 :]) < 0) and before[-out - 1] == 1  # down, steadily
        assert np.all(np.diff(after[: into + 1]) > 0) and after[into] == 1  # then up
    assert levels[0][0] == 1  # the video opens on its title card as drawn (the card fades in by itself)
    # a cross-fade only where asked, over the video's fade_seconds
    assert cross_fade_frames(board, FPS, ways) == [0, 0, 0, 0, 15, 0, 0]
    # a move dissolves its first MOVE_FADE from the shot before's last frame (texts fade, never pop)
    assert move_fade_frames(board, FPS, ways) == [0, 0, round(MOVE_FADE * FPS), 0, 0, 0, 0]
    assert move_fade_frames(board, 4, ways)[2] == 1  # 0.3 s at 4 fps: one frame


def test_a_shot_coming_in_waits_for_its_dip_its_cross_fade_or_its_camera_move(board):
    ways = transitions(board)
    assert coming_in(board, 3, "dip") == 0.5
    assert coming_in(board, 4, "dip") == pytest.approx(0.2)  # a third of the 0.6 s shot
    assert coming_in(board, 4, "fade") == 0.5
    assert coming_in(board, 6, ways[6]) == 0.3  # its own fade
    assert coming_in(board, 2, "move") == 1.0  # the camera's move: 1.2 s, at most a third of the 3 s shot
    assert coming_in(board, 5, "cut") == 0.0


def test_a_forward_pass_starts_from_the_network_lit_and_dims_what_it_has_not_reached(board, digits_run):
    scene = build_scene(digits_run)
    shot = board.shots[2]
    frames = shot_frames(shot, scene, 16 / 9, FPS)
    light = np.array([list(forward_light(scene, f.reveal, f.dimmed).values()) for f in frames])
    inputs = [b.order == 0 for b in scene.blocks]
    assert light[0].min() == 1.0  # as the lit shot before left it
    assert (light[:, inputs] == 1).all()  # the pass starts at the input: it stays lit
    # dimmed, not in one frame: each block's light falls by at most a fifth of its range per frame
    steps = np.abs(np.diff(light, axis=0))
    assert steps.max() <= 0.2, steps.max()
    ahead = light[:, [not x for x in inputs]]
    dim_frames = round(DIM_SECONDS * FPS)
    assert (ahead[dim_frames] < 0.05).any()  # dark ahead of the pass before it has gone far
    assert np.all(np.diff(ahead[: dim_frames + 1, -1]) <= 0)  # the last block only dims until the pass nears it
    # then the pass's own light: the same as a pass from dark once the dimming is done
    own = np.array([[lit_at(f.reveal, b.order, scene.levels) for b in scene.blocks] for f in frames])
    assert np.allclose(light[dim_frames:][:, ~np.array(inputs)], own[dim_frames:][:, ~np.array(inputs)])
    # a pass from dark jumps at its first frame: what this replaces
    assert (1 - own[0]).max() == 1.0


def test_every_frame_of_a_forward_shot_is_dimmed_or_lit_in_order(board, digits_run):
    """Blocks further along the pass are never lighter than blocks it reached before (the pulse's
    order holds while the network dims)."""
    scene = build_scene(digits_run)
    order = np.argsort([b.order for b in scene.blocks], kind="stable")
    for f in shot_frames(board.shots[2], scene, 16 / 9, FPS):
        light = np.array(list(forward_light(scene, f.reveal, f.dimmed).values()))[order]
        assert all(a >= b - 1e-12 for a, b in itertools.pairwise(light)), (f.progress, light)

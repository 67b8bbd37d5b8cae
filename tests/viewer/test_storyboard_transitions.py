"""On the frames of a transition: two shots of one network in one mode follow each other with one
continuous camera move (no dissolve ghosting two poses), and each block's label keeps its side of
its block through a shot's camera move."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.storyboard import MOVE_SECONDS
from nnvox.viewer.storyboard_export import render_storyboard
from tests.viewer.picture_policy import one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

W, H, FPS = 320, 180, 10

# Two shots of the same run and mode whose camera poses differ at the cut (the first ends turned
# 30 degrees, the second starts facing conv2): the default transition carries the camera on.
BOARD = f"""\
[video]
size = "{W}x{H}"
fps = {FPS}
fade_seconds = 0.5

[[shot]]
run = "run"
duration = 1
timeline = "last"
camera = {{ keys = [ {{ at = 0, overview = true }}, {{ at = 1, overview = true, azimuth = 30 }} ] }}

[[shot]]
run = "run"
duration = 3
timeline = "last"
camera = {{ move = "focus", layer = "conv2", azimuth = -20 }}
"""


def _write(run, folder, text: str):
    (folder / "run").symlink_to(run.path, target_is_directory=True)
    (folder / "board.toml").write_text(text)
    return folder / "board.toml"


def _frames(board) -> list[np.ndarray]:
    out = render_storyboard(board, board.parent / "frames", progress=False)
    return [np.asarray(Image.open(f)).astype(int) for f in sorted(out.glob("frame-*.png"))]


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that differ visibly between two pictures."""
    return float((np.abs(a - b).max(axis=2) > 24).mean())


def _layers(path) -> tuple[list, list]:
    """Each shot's frames as Layers (3D picture, texts), the second carrying the camera on from the first."""
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.storyboard_export import _Painter, _Scenes

    board = load_storyboard(path)
    look = RenderOptions(width=W, height=H)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    try:
        every = set(range(-100, 100))
        return tuple(list(painter.images(shot, FPS, every, moves=i == 1)) for i, shot in enumerate(board.shots))
    finally:
        scenes.close()
        painter.close()


def test_shots_of_one_network_in_one_mode_follow_with_one_camera_move(digits_run, tmp_path):
    first, second = ([f.picture for f in shot] for shot in _layers(_write(digits_run, tmp_path, BOARD)))
    # the second shot's picture starts where the first's ended, then moves on frame by frame
    assert _changed(first[-1], second[0]) < 0.001, _changed(first[-1], second[0])
    # eased out of the first pose: the frames just after the cut move the least of the move's
    steps = [_changed(a, b) for a, b in itertools.pairwise(second[: round(MOVE_SECONDS * FPS)])]
    ends = _changed(first[-1], second[-1])
    assert ends > 0.1 and steps[0] < ends / 4 and steps[0] <= max(steps) / 2, (steps, ends)


def test_the_video_cuts_to_the_carried_move_not_a_dissolve(digits_run, tmp_path):
    """The video's frames at the cut are one shot's or the other's, whole: the move's first frame
    (its text the second shot's) with no trace of the dissolve that ghosted two poses."""
    board = _write(digits_run, tmp_path, BOARD)
    frames = _frames(board)
    cut = FPS
    assert len(frames) == cut + 3 * FPS
    carried = _layers(board)[1][0].image().astype(int)  # the move's first frame, its texts over it
    still = np.abs(frames[cut] - carried).max(axis=2) <= 3
    assert still.mean() > 0.995, still.mean()
    faded = tmp_path / "faded"
    faded.mkdir()
    dissolved = _frames(
        _write(digits_run, faded, BOARD.replace("duration = 3\n", 'duration = 3\ntransition = "fade"\n'))
    )
    assert (np.abs(dissolved[cut] - carried).max(axis=2) <= 3).mean() < 0.95  # the dissolve is asked by name


def test_each_label_keeps_its_side_of_its_block_through_a_shot(lenet_run, tmp_path, monkeypatch):
    """The earlier lecture's scrub close-up on fc2 (its camera turning from -15 to -5 degrees): laid
    out frame by frame, relu2's label jumped from above its block to below it mid-shot. With the
    lecture's short 40 px labels that turn (at elevation 11.2) no longer flips a label; seen from
    below, at the mistake shot's elevation -15, a 30 degree turn (-30 to 0) flips three frame by
    frame (pool2, fc1 and relu3 between above and below their blocks), and the held layout none
    (the 10 degree turn from -16.5 flipped three too until every label read as one form a shot and
    the one-form settle started from the short forms' own places: it then flipped none)."""
    from nnvox.viewer.label_layout import LabelLayout, side_of

    shot = (
        'duration = 4\ntimeline = "last"\nsample = 9\n'
        'camera = { keys = [ { at = 0, layer = "fc2", azimuth = -30, elevation = -15, zoom = 0.7 },'
        ' { at = 1, layer = "fc2", azimuth = 0, elevation = -15, zoom = 0.7 } ] }\n'
    )
    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 6, shot)

    def sides() -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for _, r in shot_pictures(board):
            placement = r.scene_renderer.label_layout.placement
            for kind, block, _, box in placement.shown:
                if kind == "block":
                    seen.setdefault(block, set()).add(side_of(box, placement.blocks[block]))
        return seen

    with monkeypatch.context() as patch:  # every frame deciding for itself, as before
        patch.setattr(LabelLayout, "settle_label_sides", lambda *_: {})
        alone = sides()
    assert any(len(s) > 1 for s in alone.values()), f"the move no longer flips a label: {alone}"  # the case is real
    held = sides()
    assert held and all(len(s) == 1 for s in held.values()), {b: s for b, s in held.items() if len(s) > 1}


# Activations at the first snapshot, then the weights (a dip: another mode), then an end card (a
# dip); {way}: the transition asked for, if any.
CHANGES = f"""\
[video]
size = "{W}x{H}"
fps = {FPS}
fade_seconds = 0.3

[[shot]]
run = "run"
duration = 1
timeline = 0

[[shot]]
run = "run"
duration = 1.2
mode = "weights"
timeline = "last"
{{way}}
[[shot]]
title = "The end"
duration = 1
{{way}}"""


def _two_pictures(frame: np.ndarray, own: np.ndarray, background: np.ndarray) -> float:
    """The share of pixels of `frame` that are not `own` (the frame of the one shot showing then)
    scaled towards the background by one level: what a second picture overlaid leaves."""
    f, o = frame - background, own - background
    level = float((f * o).sum() / max((o * o).sum(), 1))
    return float((np.abs(f - level * o).max(axis=2) > 3).mean())


def _changes(digits_run, folder, transition: str | None) -> list[np.ndarray]:
    folder.mkdir()
    way = f'transition = "{transition}"\n' if transition else ""
    return _frames(_write(digits_run, folder, CHANGES.format(way=way)))


def test_no_frame_of_a_shot_change_holds_two_pictures(digits_run, tmp_path):
    """Between modes and into the end card the default is a dip: each frame is one shot's frame (as
    a cut shows it) scaled towards the background, the middle the background alone; the
    cross-fade, asked by name, overlays two (the end card's title over a ghost network)."""
    from nnvox.viewer.options import RenderOptions

    background = np.array(RenderOptions(width=W, height=H).background)
    dipped, cut = _changes(digits_run, tmp_path / "dip", None), _changes(digits_run, tmp_path / "cut", "cut")
    assert len(dipped) == len(cut) == FPS + 12 + FPS
    for k, (frame, own) in enumerate(zip(dipped, cut)):
        assert _two_pictures(frame, own, background) < 0.001, (k, _two_pictures(frame, own, background))
    changes = (FPS, FPS + 12)  # the first frames of the weights and of the card
    for first in changes:  # the blank middle: the frames either side of the change show the background alone
        for k in (first - 1, first):
            assert (np.abs(dipped[k] - background).max(axis=2) <= 1).all(), k
    assert np.abs(dipped[changes[0] - 2] - cut[changes[0] - 2]).mean() > 1  # dimmed before the blank, not cut
    faded = _changes(digits_run, tmp_path / "fade", "fade")
    ghosts = [_two_pictures(frame, own, background) for frame, own in zip(faded, cut)]
    assert max(ghosts[changes[1] : changes[1] + 3]) > 0.02, ghosts  # the check sees a dissolve's ghost


# A lit overview, then the forward pass under the same camera (the camera carried on, still).
LIT_THEN_FORWARD = f"""\
[video]
size = "{W}x{H}"
fps = 15

[[shot]]
run = "run"
duration = 1
timeline = "last"

[[shot]]
run = "run"
duration = 2
timeline = "last"
forward = true
"""

# Mean absolute difference (0..255) between two frames. Measured at 320x180 on digits-cnn, 15 fps,
# the dimming over 0.5 s (a quarter of the 2 s shot): with the blocks ahead drawn opaque and dark
# (visuals.lit_strength) the pass's largest step is 3.0 and its first dimmed frame 0.56; the sudden
# darkening 11.5 (ReLU and pooling on their conv's scale, near white where zero, darken more than
# on viridis's dark purple: 2.0, 0.42 and 8.7 then; translucent blocks darkened less: 1.4 and 7.3).
STEP_BOUND = 3.5


def test_a_forward_pass_after_a_lit_shot_dims_smoothly(digits_run, tmp_path, monkeypatch):
    """The pass used to start with every layer unlit: the frame after a lit overview darkened at
    once. Now no step from the overview's last frame through the pass's first second is larger
    than a bound; the same board with the dimming (and the move's dissolve, which would soften
    the jump) taken away breaks it."""
    from nnvox.scenes import shot_changes, shots

    def steps(folder) -> list[float]:
        frames = _frames(_write(digits_run, folder, LIT_THEN_FORWARD))[15 - 1 : 15 + 15]
        return [float(np.abs(a - b).mean()) for a, b in itertools.pairwise(frames)]

    (tmp_path / "smooth").mkdir()
    smooth = steps(tmp_path / "smooth")
    assert max(smooth) < STEP_BOUND, smooth
    assert smooth[1] < STEP_BOUND / 4, smooth  # the first dimmed frame: no jump
    assert sum(smooth) > 2 * STEP_BOUND  # the network does darken over that second
    monkeypatch.setattr(shots, "DIM_SECONDS", 0.0)
    monkeypatch.setattr(shot_changes, "MOVE_FADE", 0.0)
    (tmp_path / "sudden").mkdir()
    sudden = steps(tmp_path / "sudden")
    assert sudden[0] > 1.5 * STEP_BOUND, sudden


def test_a_layer_flies_open_only_out_of_a_stack_just_seen(digits_run, tmp_path):
    """Its maps fly out where the camera carries on from the same network closed (or the video starts
    with it); after a dip or a cut it stands open from the first frame, and the same weights in
    another weights mode stay open."""
    from nnvox.scenes.storyboard import load_storyboard, transitions
    from nnvox.viewer.storyboard_export import _opening

    shot = '[[shot]]\nrun = "run"\nduration = 1\nmode = "{}"\n{}'
    shots = [("weights", 'open = "conv1"\n'), ("activations", ""), ("activations", 'open = "conv1"\n')]
    shots += [("weights", 'open = "conv1"\n')]
    shots += [("distance-from-start", 'open = "conv1"\n'), ("activations", 'open = "conv1"\n')]
    board = load_storyboard(_write(digits_run, tmp_path, "\n".join(shot.format(m, o) for m, o in shots)))
    ways = transitions(board)
    assert ways == ["cut", "dip", "move", "dip", "dip", "dip"]
    flies, shown = zip(*(_opening(board, i, way) for i, way in enumerate(ways)))
    assert flies == (True, False, True, False, False, False)
    assert shown == (False, False, False, False, True, False)

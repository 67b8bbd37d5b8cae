"""Storyboards: what loads, what each frame shows, and errors that name the line."""

from __future__ import annotations

import itertools
import textwrap

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import network_boxes, overview
from nnvox.scenes.shots import frame_count, shot_frames
from nnvox.scenes.storyboard import check_layers, check_runs, load_storyboard

GOOD = """\
[video]
preset = "480p15"
title = "How a CNN learns"
subtitle = "recorded while it trained"
title_seconds = 1.5

[[shot]]
run = "run"
duration = 2
timeline = 0
forward = true
caption = "Before training"

[[shot]]
run = "run"
duration = 3
timeline = [0, 3]
mode = "weights"
camera = { move = "orbit", degrees = 60 }
histogram = "conv2"

[[shot]]
run = "run"
duration = 1
camera = { keys = [
    { at = 0, overview = true },
    { at = 0.5, layer = "conv2", ease = "out" },
    { at = 1, view = "view.toml" },
] }
"""

VIEW = """\
[camera]
focal = [10.0, 0.0, 0.0]
direction = [-0.7, -0.7, 0.2]
up = [0.0, 0.0, 1.0]
scale = 6.0
"""


@pytest.fixture
def board_dir(tmp_path, digits_run):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "view.toml").write_text(VIEW)
    return tmp_path


def write(folder, text: str):
    path = folder / "board.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_storyboard_loads_with_its_title_card_shots_and_defaults(board_dir, digits_run):
    board = load_storyboard(write(board_dir, GOOD))
    assert next(s.title for s in board.shots) == "How a CNN learns"
    assert len(board.shots) == 4 and board.seconds == pytest.approx(7.5)
    opening, first, second, third = board.shots
    assert opening.run is None and first.forward and first.timeline == (0.0, 0.0)
    assert second.view.mode == "weights" and second.camera.move == "orbit" and second.camera.degrees == 60
    assert third.camera.move == "keyframes" and [k.at for k in third.camera.keys] == [0, 0.5, 1]
    assert third.camera.keys[2].target.scale == 6.0
    check_runs(board, {first.run: digits_run})
    check_layers(board, second, [b.name for b in build_scene(digits_run).blocks])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ('caption = "Before training"', 'captoin = "Before training"'),
            r"line 12: unknown key 'captoin' in \[\[shot\]\]; did you mean 'caption'\?",
        ),
        (('preset = "480p15"', 'preset = "480p15"\nspeed = 2'), r"line 3: unknown key 'speed' in \[video\]"),
        (("duration = 3", "duration = -3"), r"line 16: duration must be positive, got -3"),
        (('run = "run"\nduration = 1', 'run = "missing"\nduration = 1'), r"line 23: run 'missing' not found"),
        (('mode = "weights"', 'mode = "wieghts"'), r"line 18: mode 'wieghts' is not one of activations"),
        (("degrees = 60 }", 'degrees = "lots" }'), r"line 19: camera degrees must be a number"),
        (("{ at = 0.5, layer", "{ at = 1.5, layer"), r"line 25: camera key at must be between 0 and 1"),
        (('view = "view.toml"', 'view = "nowhere.toml"'), r"line 25: view file .*nowhere.toml not found"),
        (("forward = true", 'forward = "yes"'), r"line 11: forward is true or false"),
        (('preset = "480p15"', 'preset = "4k"'), r"line 2: unknown preset .4k.; choose one of 480p15"),
        (("timeline = 0\n", "timeline = [0, 1, 2]\n"), r"line 10: timeline is \[from, to\], one snapshot position"),
        (("timeline = 0\n", 'timeline = "end"\n'), r"line 10: timeline position 'end' is not a number"),
        (
            ("forward = true", "forward = true\nmistake = 0"),
            r"line 12: mistake is a rank among each snapshot's most confident mistakes",
        ),
        (("forward = true", "forward = true\nsample = 2\nmistake = 1"), r"line 13: give sample or mistake, not both"),
        (("forward = true", "forward = true\nhold = 1.5"), r"line 12: hold must be between 0 and 1, got 1.5"),
        (
            ("timeline = [0, 3]", "timeline = [0, 3]\nlinger = 1.5"),
            r"line 18: linger 1.5 s holds each end of a 3 s shot: use under 1.5",
        ),
        (
            ("forward = true", "forward = true\nlinger = 0.5"),
            r"line 12: linger holds a scrub's ends: give the shot timeline = \"all\" or \[from, to\]",
        ),
    ],
)
def test_mistakes_are_named_with_their_line(board_dir, edit, message):
    old, new = edit
    assert old in GOOD
    with pytest.raises(NnvoxError, match=message) as err:
        load_storyboard(write(board_dir, GOOD.replace(old, new, 1)))
    assert str(err.value).startswith("board.toml, line") and "\n" not in str(err.value)


def test_what_needs_the_run_is_checked_against_it(board_dir, digits_run):
    board = load_storyboard(write(board_dir, GOOD.replace("timeline = [0, 3]", "timeline = [0, 9]")))
    with pytest.raises(NnvoxError, match=r"line 17: timeline \[0.0, 9.0\] goes past the run's last snapshot \(3\)"):
        check_runs(board, {board.shots[1].run: digits_run})
    board = load_storyboard(write(board_dir, GOOD.replace('histogram = "conv2"', 'histogram = "conv9"')))
    with pytest.raises(
        NnvoxError, match=r"line 20: layer 'conv9' is not drawn in weights mode; did you mean 'conv2'\?"
    ):
        check_layers(board, board.shots[2], [b.name for b in build_scene(digits_run).blocks])
    board = load_storyboard(write(board_dir, GOOD.replace("forward = true", "forward = true\nsample = 99")))
    with pytest.raises(NnvoxError, match=r"line 12: sample 99 is out of range"):
        check_runs(board, {board.shots[1].run: digits_run})
    board = load_storyboard(write(board_dir, GOOD.replace("forward = true", "forward = true\nmistake = 99")))
    with pytest.raises(NnvoxError, match=r"line 12: mistake 99 is out of range; the run keeps the 8 most confident"):
        check_runs(board, {board.shots[1].run: digits_run})
    board = load_storyboard(write(board_dir, GOOD.replace("forward = true", "forward = true\nmistake = 2")))
    check_runs(board, {board.shots[1].run: digits_run})
    assert board.shots[1].sample_in(digits_run) == digits_run.probe_count + 1


def test_a_shot_holds_the_view_spec_the_python_api_takes(board_dir):
    """A shot's view options are a ViewSpec, the one the command line and export() take."""
    from nnvox.scenes.view import ViewSpec

    text = GOOD.replace("forward = true", 'forward = true\nmistake = 2\nfeature_space = "pca"\nclusters = "elbow"')
    _, first, second, third = load_storyboard(write(board_dir, text)).shots
    assert first.view == ViewSpec(mistake=2, feature_space="pca", clusters="elbow")
    assert second.view == ViewSpec(mode="weights", histogram="conv2") and third.view == ViewSpec()


def test_bad_toml_and_empty_boards(board_dir):
    with pytest.raises(NnvoxError, match="not valid TOML"):
        load_storyboard(write(board_dir, "[[shot]\nrun = 1"))
    with pytest.raises(NnvoxError, match="no shots"):
        load_storyboard(write(board_dir, '[video]\npreset = "720p30"\n'))
    with pytest.raises(NnvoxError, match=r"needs a run .* or a title"):
        load_storyboard(write(board_dir, "[[shot]]\nduration = 2\n"))
    with pytest.raises(NnvoxError, match="does not exist"):
        load_storyboard(board_dir / "nope.toml")


def test_each_frame_of_a_shot_is_a_pure_function_of_the_shot(board_dir, digits_run):
    board = load_storyboard(write(board_dir, GOOD))
    _, forward, orbit_shot, keyed = board.shots
    scene = build_scene(digits_run)
    frames = shot_frames(forward, scene, 16 / 9, 15)
    assert len(frames) == frame_count(forward, 15) == 30
    assert frames == shot_frames(forward, scene, 16 / 9, 15)  # the same every time
    assert frames[0].reveal == 0.0 and frames[-1].reveal == 1.0 and {f.t for f in frames} == {0.0}
    scrub = shot_frames(orbit_shot, build_scene(digits_run), 16 / 9, 15)
    assert scrub[0].t == 0.0 and scrub[-1].t == 3.0 and all(a.t <= b.t for a, b in itertools.pairwise(scrub))
    assert len({f.pose.scale for f in scrub}) == 1  # an orbit keeps its zoom
    board = load_storyboard(write(board_dir, GOOD.replace("timeline = [0, 3]", 'timeline = "all"')))
    everything = shot_frames(board.shots[2], scene, 16 / 9, 15)
    assert [f.t for f in everything] == [f.t for f in scrub]
    keyed_frames = shot_frames(keyed, scene, 16 / 9, 15)
    whole = overview(scene.bounds, 16 / 9, boxes=network_boxes(scene))  # the blocks framed, as shots frame them
    assert np.allclose(keyed_frames[0].pose.focal, whole.focal)
    assert np.allclose(keyed_frames[-1].pose.focal, (10.0, 0.0, 0.0)) and keyed_frames[-1].pose.scale == 6.0


def test_the_lectures_scrubs_show_the_snapshot_their_heads_up_line_names(tmp_path, digits_run):
    """The heads-up line names the snapshot nearest the cursor; a scrub blended throughout showed
    class rows between two snapshots under it ("Before training" over rows half-way to epoch 1), and
    a short blend still showed percentages no snapshot recorded. The lecture's scrubs step from
    snapshot to snapshot (hold = 1): every frame shows exactly the one the line names."""
    from importlib.resources import files

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "lecture.toml").write_text(files("nnvox.storyboards").joinpath("lecture.toml").read_text())
    scene = build_scene(digits_run)
    scrubs = [s for s in load_storyboard(tmp_path / "lecture.toml").shots if s.timeline == ("first", "last")]
    assert scrubs
    for shot in scrubs:
        frames = shot_frames(shot, scene, 16 / 9, 30)
        snapshots = {round(f.t) for f in frames}
        assert snapshots == set(range(scene.n_snapshots)), "every snapshot shown"
        exact = [abs(f.t - round(f.t)) < 1e-9 for f in frames]
        assert all(exact), f"line {shot.line}: {len(frames) - sum(exact)} of {len(frames)} frames between two"
        for f in frames:  # the line's words come from the snapshot the picture is nearest
            frame = scene.frame_at(f.t, sample=shot.sample_in(digits_run))
            assert frame.snapshot == round(f.t) and abs(f.t - frame.snapshot) <= 0.5
            if abs(f.t - frame.snapshot) < 1e-9:
                assert frame.texts == scene.frame_at(frame.snapshot, sample=shot.sample_in(digits_run)).texts


def test_a_scrub_lingers_on_its_first_and_last_snapshots(board_dir, digits_run):
    """`linger`: the first and last snapshots held that long each, the others sharing the rest
    evenly (a class saw 'before training' for 1.1 s and the trained network for 1.2 s)."""
    board = GOOD.replace("timeline = [0, 3]", 'timeline = [0, 3]\nhold = 1\nease = "linear"\nlinger = 1')
    shot = load_storyboard(write(board_dir, board)).shots[2]
    shown = [round(f.t) for f in shot_frames(shot, build_scene(digits_run), 16 / 9, 30)]
    held = [len(list(g)) for _, g in itertools.groupby(shown)]
    assert [k for k, _ in itertools.groupby(shown)] == [0, 1, 2, 3]
    assert held[0] == held[-1] == 30 and abs(held[1] - held[2]) <= 1 and held[1] + held[2] == 30, held


@pytest.mark.parametrize("hold, easing", [(0.0, "smooth"), (1.0, "smooth"), (0.0, "linear")])
def test_a_lingering_scrub_holds_its_ends_whatever_its_hold_and_ease(board_dir, digits_run, hold, easing):
    """The first and last snapshots held `linger` seconds each under any `hold` and `ease` (a blended
    or eased scrub held its first snapshot one frame, its last over 4 s), the timeline moving on
    between them without a jump."""
    board = GOOD.replace("timeline = [0, 3]", f'timeline = [0, 3]\nhold = {hold}\nease = "{easing}"\nlinger = 1')
    shot = load_storyboard(write(board_dir, board)).shots[2]
    times = [f.t for f in shot_frames(shot, build_scene(digits_run), 16 / 9, 30)]
    assert times[:30] == [0.0] * 30 and times[-30:] == [3.0] * 30, (times[:31], times[-31:])
    assert all(a <= b for a, b in itertools.pairwise(times))
    middle = times[29:61]
    assert max(b - a for a, b in itertools.pairwise(middle)) <= (1.0 if hold else 0.25)

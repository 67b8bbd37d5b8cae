"""The lecture storyboard `nnvox demo` ships, checked as text against the model the demo trains (no GL):
it parses, names only layers of that model and probe samples it records, lasts about 60-90 s (at most 110), tells its
story in a teaching order at a readable pace, and shows no command-line text or method jargon."""

import itertools
from importlib.resources import files

import pytest

from nnvox.cli.commands import DEMO_MODEL
from nnvox.scenes.storyboard import load_storyboard

LECTURE = files("nnvox.storyboards").joinpath("lecture.toml")


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """Loaded beside a stand-in for the run the demo records next to it (loading checks it is there)."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "run").mkdir()
    (folder / "run" / "manifest.json").write_text("{}")
    (folder / "lecture.toml").write_bytes(LECTURE.read_bytes())
    return load_storyboard(folder / "lecture.toml")


@pytest.fixture(scope="module")
def layers():
    from nnvox.models.resolve import resolve_model

    model = resolve_model(DEMO_MODEL).build()
    return {name for name, _ in model.named_modules() if name} | {"input"}


def _named_layers(shot) -> dict[str, str]:
    """Each key of the shot that names a layer, with the layer."""
    named = {"histogram": shot.view.histogram, "camera": shot.camera.layer, "explain": shot.explain}
    named |= {f"open {i}": layer for i, layer in enumerate(shot.open)}
    for i, key in enumerate(shot.camera.keys):
        if isinstance(key.target, str) and key.target.startswith("layer:"):
            named[f"camera key {i}"] = key.target[len("layer:") :]
    return {k: v for k, v in named.items() if v is not None}


def test_the_demo_trains_the_28_by_28_lenet():
    assert DEMO_MODEL == "mnist-lenet"


def test_the_lecture_lasts_about_three_minutes_at_1080p30(board):
    # the issue asked "about 60-90 s"; nine lecturer watches asked for time to talk over each thing
    # shown (5 s a forward stage, 9 s on the first convolution step, the telling epochs about 6 s):
    # the lead chose about three minutes, with chapters to pause at (the demo's render stays within
    # its 4 minutes on 2 cores)
    assert 60 <= board.seconds <= 200, board.seconds
    assert board.preset == "1080p30" and board.size is None and board.fps is None


def test_the_lecture_names_only_layers_the_demo_model_has(board, layers):
    named = [(shot.line, key, layer) for shot in board.shots for key, layer in _named_layers(shot).items()]
    assert named, "the lecture names no layer: its close-ups are gone"
    assert [n for n in named if n[2] not in layers] == []


def test_the_lecture_shows_recorded_samples_and_the_story_it_promises(board):
    """Probe samples within the demo's ten (one a class), a recorded mistake, a convolution explained,
    a layer opened, the timeline scrubbed over training and a forward pass: the issue's shot list."""
    scenes = [s for s in board.shots if s.run is not None]
    assert all(0 <= s.view.sample < 10 for s in scenes)
    assert any(s.view.mistake == 1 for s in scenes)
    assert any(s.explain == "conv1" for s in scenes) and any("conv1" in s.open for s in scenes)
    assert any(s.timeline == ("first", "last") for s in scenes)  # timeline = "all"
    assert any(s.forward for s in scenes)


def test_no_command_line_text_on_screen(board):
    texts = [t for s in board.shots for t in (s.caption, s.title, s.subtitle) if t]
    assert texts
    assert [t for t in texts if "nnvox " in t or "--" in t or ".toml" in t or "`" in t] == []


def _still(shot) -> bool:
    """Whether a shot's camera reads as still: keyframes that aim at one thing and turn under 2
    degrees a second (the earlier mistake shot's 10 degrees in 9 s was watched as a static shot)."""
    camera = shot.camera
    if camera.move in ("orbit", "flythrough", "focus", "follow") or shot.open or shot.explain:
        return False  # an opening or explaining shot sets its own moving camera
    keys = camera.keys
    if len({k.target for k in keys}) > 1 or len({k.zoom for k in keys}) > 1:
        return False
    turn = sum(abs(b.azimuth - a.azimuth) + abs(b.elevation - a.elevation) for a, b in itertools.pairwise(keys))
    return turn / shot.duration < 2


def _overview(shot) -> bool:
    return bool(shot.camera.keys) and all(k.target == "overview" for k in shot.camera.keys)


def test_the_architecture_comes_first_then_a_forward_pass_slow_enough_to_read(board, layers):
    """The whole network framed before the forward pass (a student sees the map before the trip),
    about a second a layer at least, and the answer held 2 s or more before the cut (the pass's
    schedule: scenes/follow.py)."""
    from nnvox.scenes.follow import pass_schedule

    scenes = [s for s in board.shots if s.run is not None]
    forward = next(i for i, s in enumerate(scenes) if s.forward)
    assert forward >= 1 and _overview(scenes[forward - 1]) and not scenes[forward - 1].forward
    shot = scenes[forward]
    drawn = len(layers) - 1  # the model's layers, the input aside
    schedule = pass_schedule(drawn + 1, shot.duration)
    assert schedule.step * len(schedule.steps) / drawn >= 0.9, "under a second a layer"
    assert 2 <= shot.duration - schedule.answer_start <= 6, "the answer held 2-6 s"


def test_every_scrub_shows_recorded_snapshots_only(board):
    """A scrub steps from snapshot to snapshot (hold = 1, or stops, which show each as recorded): no
    frame blends two epochs' values under a heads-up line that names one."""
    scrubs = [s for s in board.shots if s.timeline and s.timeline[0] != s.timeline[1]]
    assert len(scrubs) == 2 and all(s.hold == 1 or s.stops for s in scrubs), [(s.line, s.hold) for s in scrubs]


def test_no_long_shot_of_a_still_moment_holds_a_still_camera(board):
    """Over 5 s on one snapshot, the camera moves (a scrub's picture changes by itself)."""
    moment = lambda s: s.run is not None and s.duration > 5 and s.timeline != ("first", "last")
    still = [(s.line, s.duration) for s in board.shots if moment(s) and _still(s)]
    assert still == []


JARGON = ("gradient", "logit", "softmax", "tensor", "saliency", "attribution")  # method names a class has not met


def test_no_method_jargon_in_the_captions(board):
    captions = [s.caption for s in board.shots if s.caption]
    assert captions
    assert [c for c in captions if any(word in c.lower() for word in JARGON)] == []


def test_every_caption_of_the_lecture_is_at_most_two_lines_at_1080p(board):
    """A third line, one word long, read as a layout slip (the overview's caption did); at 40 px
    capitals (theme.CAPTION_TEXT) across the frame inside its title-safe margins, in the lecture's
    look (bold), as the lecture draws it (measured inside the 2% edge margins, the kernels shot's
    caption passed here and drew three lines over its grid's frame, watch 11)."""
    import vtk

    from nnvox.viewer.overlays.caption import wrapped
    from nnvox.viewer.storyboard_export import board_look
    from nnvox.viewer.theme import TITLE_SAFE

    options, prop = board_look(board, 1920, 1080), vtk.vtkTextProperty()
    prop.SetFontSize(options.caption_font())
    prop.SetBold(options.bold)
    room = 1920 * (1 - 2 * TITLE_SAFE)
    long = [c for s in board.shots if (c := s.caption) and wrapped(c, room, prop).count("\n") > 1]
    assert long == []

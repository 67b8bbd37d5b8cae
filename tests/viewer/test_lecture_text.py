"""Issue 17 item 6, the lecture style's text and framing, on the 28 x 28 LeNet (the demo's model)
and the 8 x 8 digits CNN at 480p, 1080p and 2160p, from the rendered picture: every text (block
labels, class texts and percentages, legend titles and the words under the bars, the heads-up line, the metrics inset,
the marks' legend) at least 2.2% of the frame's height as drawn; none within the frame's edge
margin, nothing drawn there at all (a clipped tick or percentage would be); no two texts
overlapping; the label policy; and the overview filling the frame (tests/viewer/picture_policy.py)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.viewer.picture_policy import (
    NO_VIOLATIONS,
    SIZES,
    board_pictures,
    check_lecture_text,
    drawn_texts,
    edge_band_pixels,
    fill,
    legend_words_missing,
    one_shot_board,
    shot_pictures,
)

pytestmark = pytest.mark.gl


def _render(scene, size, **options):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    return OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], **options))


@pytest.mark.parametrize("model", ["lenet_run", "digits_run"])
def test_every_text_reads_from_the_back_of_the_hall_and_none_is_cut_off(model, request):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.report import picture_report

    scene = build_scene(request.getfixturevalue(model))
    frame = scene.frame_at(scene.n_snapshots - 1)
    for size_name, size in SIZES.items():
        r = _render(scene, size)
        try:
            image = r.render(frame)
            report, texts = picture_report(r), drawn_texts(r)
        finally:
            r.close()
        where = f"{model} {size_name}"
        assert report["checks"] == NO_VIOLATIONS, where
        assert {"text", "label"} <= {t["kind"] for t in texts}, where  # both kinds measured
        assert not legend_words_missing(texts, scene), where  # titles and the words under the bars
        classes = [lb for lb in report["labels"] if lb["kind"] == "classes"]
        assert classes, f"{where}: the output's class texts"
        column = next(b["box"] for b in report["blocks"] if b["name"] == classes[0]["block"])
        for lb in classes:  # beside their column, never over it (the report checks other blocks)
            assert lb["box"][0] >= column[2] or lb["box"][2] <= column[0], f"{where}: {lb['text']!r} over the column"
        check_lecture_text(where, texts, size)
        assert edge_band_pixels(image, r.options.background, size) == 0, where


def _block_pixels(scene, size, pose) -> int:
    """Pixels the blocks cover from `pose`, with no text, legend or inset drawn."""
    r = _render(scene, size, show_labels=False, show_legend=False, show_hud=False, show_metrics=False)
    try:
        r.scene_renderer.apply_pose(pose)
        image = r.render(scene.frame_at(scene.n_snapshots - 1))
    finally:
        r.close()
    return int((np.abs(image[..., :3].astype(int) - np.asarray(r.options.background)).max(axis=-1) > 8).sum())


@pytest.mark.parametrize("model", ["lenet_run", "digits_run"])
def test_the_overview_fills_the_title_safe_area(model, request):
    """The default overview fills a lecture's title-safe area (theme.TITLE_SAFE: a projector's
    overscan clips the frame's edges): the blocks start at its left edge, the output's list of top
    classes ends at its right edge (the width binds: the labels, the heads-up line and the legends'
    strip leave height to spare), nothing of the network in the margin; its chain reads left to
    right as a level line (issue 17: not a rising diagonal), and the blocks cover more of the frame
    than the overview of the fixed angle fitted to the scene's box did (before the overview chose
    its angle and fitted the blocks themselves)."""
    from nnvox.scenes import camera
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.report import picture_report
    from nnvox.viewer.theme import TITLE_SAFE

    scene = build_scene(request.getfixturevalue(model))
    size = SIZES["1080p"]
    r = _render(scene, size)
    try:
        r.render(scene.frame_at(scene.n_snapshots - 1))
        report = picture_report(r)
        pose = r.scene_renderer.pose()
    finally:
        r.close()
    safe_left, safe_right = TITLE_SAFE * size[0], (1 - TITLE_SAFE) * size[0]
    blocks = np.array([b["visible"] for b in report["blocks"] if b["visible"] is not None])
    listed = np.array([lb["box"] for lb in report["labels"] if lb["kind"] == "classes"])
    left, right, end = blocks[:, 0].min(), blocks[:, 2].max(), listed[:, 2].max()
    # (at the safe edges to 1% of the width; the input stood 38 px from the frame's left edge, in
    # the margin, before the overview kept title-safe)
    assert safe_left - 1 <= left <= safe_left + 0.01 * size[0], f"{model}: the network starts at {left:.0f} px"
    assert safe_right - 0.01 * size[0] <= end <= safe_right + 1, f"{model}: its class list ends at {end:.0f} px"
    # LeNet's blocks 78% of the safe width (the rest its top-5 list at 40 px capitals and its
    # gaps), as the digits CNN's; of the safe height 31% and 32%
    width, height = fill(report)
    width, height = width / (1 - 2 * TITLE_SAFE), height / (1 - 2 * TITLE_SAFE)
    assert right - left >= 0.76 * (safe_right - safe_left) and height >= 0.28, f"{model}: {width:.0%} x {height:.0%}"
    boxes = np.array([b["box"] for b in report["blocks"]])
    x, y = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    rise = np.degrees(np.arctan(-np.polyfit(x, y, 1)[0]))  # the blocks' centres, left to right (y runs down)
    assert abs(rise) <= camera.MAX_SLOPE + 0.5, f"{model}: the chain rises {rise:.1f} degrees"  # was 16
    direction = camera.view_direction(False)
    centre, scale = camera.fit(scene.bounds, direction, size[0] / size[1])
    before = camera._posed(centre, direction, scale)
    # LeNet 0.88x, the digits CNN 1.29x (1.07x and 1.24x as a rising diagonal): a level chain fits
    # the width, and LeNet's long row of blocks, their gaps sized for the side faces, is wider than
    # 16:9; its top-5 list at the hall's size (24 px capitals) with 2% of the width off the edge
    # takes 14% of the width right of the output (10% at 19 px: LeNet was 0.96x)
    gain = _block_pixels(scene, size, pose) / _block_pixels(scene, size, before)
    # (LeNet 0.64x since the list's 40 px capitals, theme.HALL_TEXT 3.7%, and the title-safe
    # margins: about 0.70x with the input in the left margin, 0.80x at 32 px, 0.86x at 24 px)
    assert gain >= 0.62, f"{model}: {gain:.2f}x"


# the lecture's change-from-start shot (src/nnvox/storyboards/lecture.toml), its camera's two ends
CHANGE_KEYS = (
    '{ at = 0, layer = "conv2", zoom = 0.7, azimuth = -10 }, { at = 1, layer = "conv2", zoom = 0.7, azimuth = 5 }'
)
CHANGE_SHOT = f"""duration = 1
mode = "change-from-start"
timeline = "all"
ease = "linear"
camera = {{ keys = [ {CHANGE_KEYS} ] }}
caption = "How far each weight of the two convolutions has moved from its random start: white not at all"
"""


def _printed(word: str) -> float:
    """A bar's printed end as a number ("≤ −0.090" -> -0.09)."""
    return float(word.replace("≤", "").replace("≥", "").replace("−", "-").strip())


def test_the_change_shots_legend_reads_whole_at_every_size(lenet_run, tmp_path):
    """Its title was cut at the frame's left edge ("change since the start, per layer..."), and its
    tick numbers (-1.0 ... 1.0, fractions of each layer's own range) read as values. The shot is
    about conv2 (its camera's layer), so its bar now shows conv2's own scale (legend_focus.py, watch
    8 #9): titled with the layer, its ends the very ends conv2's colours span, each marked as a
    percentile's end (values lie past it), its 0 between; the title inside the frame."""
    for size_name, size in SIZES.items():
        board = one_shot_board(tmp_path, lenet_run, size, 2, CHANGE_SHOT)
        for k, (_, r) in enumerate(shot_pictures(board)):
            where = f"change shot {size_name} frame {k}"
            texts = drawn_texts(r)
            shown = [t["text"] for t in texts if t["kind"] == "text"]
            scale = next(b.scale for b in r.scene_renderer.scene.blocks if b.name == "conv2")
            assert "conv2: weight change since the start" in shown, f"{where}: {shown}"
            ends = [w for w in shown if w.startswith(("≤", "≥"))]
            assert len(ends) == 2 and ends[0].startswith("≤") and ends[1].startswith("≥"), f"{where}: {shown}"
            # to the scale's two significant digits (the shot's conv2 ±0.09 on the 1-epoch run)
            assert [_printed(w) for w in ends] == [float(f"{scale.lo:.2g}"), float(f"{scale.hi:.2g}")], where
            assert "0" in shown and not {"−", "+"} & set(shown), f"{where}: the overview's words ({shown})"
            assert not [t for t in texts if t["kind"] == "ticks"], f"{where}: numbers under a per-layer bar"
            check_lecture_text(where, texts, size)  # (a close-up's blocks may run off the frame: no band check)


@pytest.mark.parametrize("model", ["lenet_run", "digits_run"])
def test_the_networks_input_and_output_are_named_at_every_size(model, request):
    """LeNet's stages are one module each, so every label is a stage boundary; the output's, placed
    last, found no room at 480p (relu3's label had taken the place under the column). The ends are
    now placed first where the scene's order hides one of them."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.report import picture_report

    scene = build_scene(request.getfixturevalue(model))
    ends = {b.name for b in scene.blocks if b.role in ("input", "output")}
    for size_name, size in SIZES.items():
        r = _render(scene, size)
        try:
            r.render(scene.frame_at(scene.n_snapshots - 1))
            report = picture_report(r)
        finally:
            r.close()
        named = {lb["block"] for lb in report["labels"] if lb["kind"] == "block"}
        assert ends <= named, f"{model} {size_name}: {report['hidden_labels']}"
        # at 32 px capitals (theme.HALL_TEXT) the digits CNN's 1080p overview has no room for relu3's
        # label, even its first line alone: one label at most goes unshown above 480p
        hidden = report["hidden_labels"]
        assert size_name == "480p" or len(hidden) <= 1, f"{model} {size_name}: {hidden}"


# --- issue 17 item 4: an output's class texts keep one form (one text per row, or the list of the
# top classes) through a camera move. The lecture's mistake shot (a 9-s overview whose camera turns
# and rises) switched from "top 5 of 10" to ten row labels mid-shot: the rule decided per frame. A
# storyboard shot now decides once for all its poses, and the window holds the form while the reader
# drags and decides again when the view settles (viewer/label_layout.py).

FORMS_SIZE = (1920, 1080)
# from the lecture's mistake shot's first pose (src/nnvox/storyboards/lecture.toml, on a probe
# sample) in to the output: its rows a line of the hall's text apart only near the end (the mistake
# shot's own move, which crossed that line at 19 px capitals, lists the top classes throughout at 24;
# at 40 px the move ends nearer, zoom 1.0 turned 5 degrees, for the rows to fit at its end)
MISTAKE_MOVE = (
    "camera = { keys = [ { at = 0, overview = true, azimuth = 12.5, elevation = -8.8 },"
    ' { at = 1, layer = "fc2", zoom = 1.0, azimuth = -5 } ] }'
)
MISTAKE_SHOT = f"""duration = 9
timeline = "last"
sample = 9
{MISTAKE_MOVE}
caption = "Its most confident mistake on held-out digits; under the input, the pixels behind its answer"
"""


def _forms_per_frame(board) -> list[str | None]:
    """The class-text form each frame of the board's one shot shows, as the storyboard renders it."""
    return [r.scene_renderer.label_layout.shown_forms["fc2"] for _, r in shot_pictures(board)]


def test_a_shot_keeps_one_form_of_class_texts_along_its_camera_move(lenet_run, tmp_path, monkeypatch):
    from nnvox.viewer.label_layout import LabelLayout

    board = one_shot_board(tmp_path, lenet_run, FORMS_SIZE, 3, MISTAKE_SHOT)
    with monkeypatch.context() as patch:  # every frame deciding for itself, as before
        patch.setattr(LabelLayout, "settle_class_forms", lambda *_: {})
        alone = _forms_per_frame(board)
    assert len(set(alone)) > 1, f"the move no longer crosses the rows' limit: {alone}"  # the case is real
    held = _forms_per_frame(board)
    assert len(held) == 27 and len(set(held)) == 1, held
    if held[0] is None:  # at 40 px capitals some of the overview's poses have room for neither form
        pytest.xfail("a pose with room for no form hides the class texts through the shot (label_layout)")
    # rows only where they fit at every pose: not here, where the first frames have no room for them
    assert held[0] == "top", held


def test_the_window_holds_the_form_while_the_view_moves_and_decides_when_it_settles(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.camera import focus, overview
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    frame = scene.frame_at(scene.n_snapshots - 1)
    r = OffscreenRenderer(scene, RenderOptions(width=FORMS_SIZE[0], height=FORMS_SIZE[1]))
    try:
        pane = r.scene_renderer
        layout = pane.label_layout
        far = overview(scene.bounds, pane.aspect, azimuth=14, elevation=-15, beside=pane.class_room())
        fc2 = next(b.bounds for b in scene.blocks if b.name == "fc2")
        near = focus(
            fc2, scene.bounds, pane.aspect, azimuth=-5, zoom=0.9
        )  # a class-rows close-up (rows fit at 40 px capitals)
        pane.apply_pose(far)
        r.render(frame)
        first = layout.shown_forms["fc2"]
        pane.apply_pose(near)
        r.render(frame)
        second = layout.shown_forms["fc2"]
        assert first != second, (first, second)  # the two views choose differently
        pane.apply_pose(far)
        r.render(frame)
        layout.hold_class_forms()  # a drag starts (the style's StartInteractionEvent)
        pane.apply_pose(near)
        r.render(frame)
        assert layout.shown_forms["fc2"] == first  # held while the view moves
        layout.settle_class_forms((), None)  # the drag ends (EndInteractionEvent): decided again
        r.render(frame)
        assert layout.shown_forms["fc2"] == second
    finally:
        r.close()


def test_every_shot_of_the_lecture_keeps_its_texts_whole_and_its_class_texts_in_one_form(lenet_run, tmp_path):
    """The demo's own storyboard on mnist-lenet at 480p and 1080p, a frame a second: every text at
    the lecture size, inside the frame, none over another; the class texts in one form a shot."""
    from pathlib import Path

    import nnvox
    from nnvox.scenes.storyboard import load_storyboard

    (tmp_path / "lecture.toml").write_text((Path(nnvox.__file__).parent / "storyboards" / "lecture.toml").read_text())
    (tmp_path / "run").symlink_to(lenet_run.path)  # the board's run = "run", next to it
    board = load_storyboard(tmp_path / "lecture.toml")
    for size_name in ("480p", "1080p"):
        w, h = SIZES[size_name]
        forms: dict[int, set] = {}
        for i, _, r in board_pictures(board, size=(w, h), fps=1):
            if r is None:
                continue
            check_lecture_text(f"lecture {size_name} shot {i}", drawn_texts(r), (w, h))
            layout = r.scene_renderer.label_layout
            if layout.list_room("fc2"):  # (a list hides where its column leaves it no room in the frame)
                forms.setdefault(i, set()).add(layout.shown_forms.get("fc2"))
        assert len(forms) >= 5 and all(len(f) == 1 for f in forms.values()), f"{size_name}: {forms}"


@pytest.mark.parametrize("layer", ["conv1", "conv2"])
def test_an_open_layers_texts_read_and_cover_none_of_its_maps(layer, lenet_run):
    """A layer opened into its maps, framed as an open shot frames it and in the overview: the
    lecture's text checks, and no label over a map (conv2's 16 small maps' "map k" labels covered
    each other and the maps, the note under the grid its bottom row in the overview: an open
    layer's texts show only where the camera leaves them room)."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.open_layer import grid_places, open_pose
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.label_layout import block_rectangles

    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({layer})))
    block = scene.block(layer)
    w, h = block.cols * block.voxel / 2, block.rows * block.voxel / 2
    maps = np.array([(x - w, x + w, y, y, z - h, z + h) for x, y, z in grid_places(block)])
    labelled = 0
    for (size_name, size), facing in ((s, f) for s in SIZES.items() for f in (True, False)):
        r = _render(scene, size)
        try:
            if facing:
                r.scene_renderer.apply_pose(open_pose(scene, layer, size[0] / size[1]))
            r.render(scene.frame_at(scene.n_snapshots - 1))
            texts = drawn_texts(r)
            rects = block_rectangles(maps, r.scene_renderer.label_layout.matrix(), *size)
        finally:
            r.close()
        where = f"open {layer} {size_name} {'facing it' if facing else 'overview'}"
        check_lecture_text(where, texts, size)
        labelled += facing and any(t["text"].startswith("map ") for t in texts)
        for t in (t for t in texts if t["kind"] == "label"):
            x0, y0, x1, y1 = t["box"]
            over = (rects[:, 0] < x1) & (x0 < rects[:, 2]) & (rects[:, 1] < y1) & (y0 < rects[:, 3])
            assert not over.any(), f"{where}: {t['text']!r} over map {int(np.argmax(over))}"
    assert labelled == len(SIZES), f"open {layer}: maps unlabelled where the camera faces them"

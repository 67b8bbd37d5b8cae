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
    check_lecture_text,
    drawn_texts,
    edge_band_pixels,
    fill,
    legend_words_missing,
    one_shot_board,
    shot_pictures,
)

pytestmark = pytest.mark.gl


@pytest.fixture(scope="module")
def lenet_run(tmp_path_factory):
    from tests.conftest import record_digits

    return record_digits(tmp_path_factory.mktemp("runs") / "lenet", epochs=1, model="mnist-lenet")


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
        cmaps = {b.scale.cmap for b in scene.blocks}
        assert not legend_words_missing(texts, scene.mode, cmaps), where  # titles and the words under the bars
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
def test_the_overview_fills_the_frame(model, request):
    """The default overview's blocks span nearly all of the frame's width and most of its height,
    and cover more of it than the overview of the fixed angle fitted to the scene's box did (before
    the overview chose its angle and fitted the blocks themselves)."""
    from nnvox.scenes import camera
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.report import picture_report

    scene = build_scene(request.getfixturevalue(model))
    size = SIZES["1080p"]
    r = _render(scene, size)
    try:
        r.render(scene.frame_at(scene.n_snapshots - 1))
        width, height = fill(picture_report(r))
        pose = r.scene_renderer.pose()
    finally:
        r.close()
    assert width >= 0.85 and height >= 0.55, f"{model}: the blocks span {width:.0%} x {height:.0%} of the frame"
    direction = camera.view_direction(False)
    centre, scale = camera.fit(scene.bounds, direction, size[0] / size[1])
    before = camera._posed(centre, direction, scale)
    assert _block_pixels(scene, size, pose) >= 1.05 * _block_pixels(scene, size, before), model  # 1.07x, 1.24x


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


def test_the_change_shots_legend_reads_whole_at_every_size(lenet_run, tmp_path):
    """Its title was cut at the frame's left edge ("change since the start, per layer..."), and its
    tick numbers (-1.0 ... 1.0, fractions of each layer's own range) read as values: the title now
    stays inside the frame, and words under the bar say what its ends and middle mean."""
    for size_name, size in SIZES.items():
        board = one_shot_board(tmp_path, lenet_run, size, 2, CHANGE_SHOT)
        for k, (_, r) in enumerate(shot_pictures(board)):
            where = f"change shot {size_name} frame {k}"
            texts = drawn_texts(r)
            assert not legend_words_missing(texts, "change-from-start", ["diverging"]), where
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
        assert size_name == "480p" or not report["hidden_labels"], f"{model} {size_name}: {report['hidden_labels']}"

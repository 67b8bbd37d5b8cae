"""Dead and saturated unit frames as drawn: they fade with their layer during the forward pass (a full
red frame on a greyed-out layer read as a red blob), the legend explains each mark on screen and only
those, and a lecture storyboard's shots leave them off (trial finding 3, issue 17 item 6)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import NONFINITE_RGB
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.theme import DEFAULT_THEME

pytestmark = pytest.mark.gl
DEAD = DEFAULT_THEME.colours.health_rgb("dead")
W, H = 960, 540


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def _renderer(scene, **options):
    from nnvox.viewer.offscreen import OffscreenRenderer

    return OffscreenRenderer(scene, RenderOptions(width=W, height=H, **options))


def _last_layer(scene):
    """The last feature-map layer: the forward pass reaches it last (its frames are dim longest)."""
    return max((b for b in scene.blocks if b.role == "feature"), key=lambda b: b.order)


def _frame(scene, reveal=None, **planted):
    frame = scene.frame_at(scene.n_snapshots - 1, reveal=reveal)
    return dataclasses.replace(frame, **planted)


def _redness(image, without):
    """How red the pixels the frames changed are: red less green, averaged over the changed pixels."""
    changed = np.abs(image.astype(int) - without).max(axis=2) > 12
    assert changed.sum() > 30, "the frames drew nothing"
    px = image[changed].astype(int)
    return float((px[:, 0] - px[:, 1]).mean())


def test_unit_frames_dim_on_a_layer_the_forward_pass_has_not_reached(scene):
    block = _last_layer(scene)
    planted = {"dead": {block.name: tuple(range(min(3, block.panels)))}, "saturated": {}}
    reveal = 0.5 * block.order / scene.levels  # half way to the layer: it is not lit yet
    assert _frame(scene, reveal).lit[block.name] == 0.0
    r = _renderer(scene, show_labels=False, show_legend=False, show_hud=False, show_metrics=False)
    try:
        full = _redness(r.render(_frame(scene, **planted)), r.render(_frame(scene, dead={}, saturated={})))
        mid = _redness(
            r.render(_frame(scene, reveal, **planted)), r.render(_frame(scene, reveal, dead={}, saturated={}))
        )
    finally:
        r.close()
    assert full > 100  # the dead colour, (240, 60, 60), at full strength on a reached layer
    assert mid < 0.3 * full  # dimmed as the layer's voxels are (visuals.lit_strength), not a red blob


def _swatch_pixels(image, colour, options) -> int:
    """Pixels of `colour` in the legend's column above the metrics inset (where mark entries go: from
    its left edge, or further left where the words, a note's too, would reach the frame's edge), or
    in a lecture's picture (no inset) in the strip's bottom right (legends.notes_corner)."""
    x0, _, _, top = options.metrics_box
    band = image[round(H * (1 - top - 0.15)) : round(H * (1 - top)), round(W * (x0 - 0.16)) : round(W * (x0 + 0.03))]
    corner = image[round(H * 0.75) :, round(W * (options.theme.layout.lecture_notes_left - 0.02)) :]
    return sum(int((np.abs(b.astype(int) - colour).max(axis=2) <= 40).sum()) for b in (band, corner))


@pytest.mark.parametrize("marks", [True, False])
def test_a_legend_entry_explains_each_mark_drawn_and_only_those(scene, marks):
    from nnvox.viewer.overlays.legends import drawn_marks

    block = _last_layer(scene)
    dead = {block.name: (0,)}
    options = RenderOptions(width=W, height=H, show_marks=marks)
    r = _renderer(scene, show_marks=marks)
    try:
        clean = _frame(scene, dead={}, saturated={})
        if drawn_marks(clean, options):
            pytest.skip("this run's frame already has marks of its own")
        planted = _frame(scene, dead=dead, saturated={})
        values = dict(planted.values)
        values[block.name] = values[block.name].copy()
        values[block.name][0, 0, 0] = np.inf  # one value not a number: a magenta voxel
        broken = dataclasses.replace(clean, values=values)
        seen = {name: r.render(f) for name, f in (("clean", clean), ("dead", planted), ("broken", broken))}
    finally:
        r.close()
    assert drawn_marks(planted, options) == (("dead",) if marks else ())
    assert drawn_marks(broken, options) == ("nonfinite",)
    assert _swatch_pixels(seen["clean"], DEAD, options) == 0
    assert (_swatch_pixels(seen["dead"], DEAD, options) > 20) == marks  # the red frame's swatch iff frames drawn
    assert _swatch_pixels(seen["broken"], NONFINITE_RGB, options) > 20  # magenta's entry
    assert _swatch_pixels(seen["dead"], NONFINITE_RGB, options) == 0
    if not marks:  # and no frame in the picture either
        np.testing.assert_array_equal(seen["dead"], seen["clean"])


def test_a_lecture_storyboard_shot_draws_no_unit_frames_and_a_detail_shot_does(tmp_path, digits_run):
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.storyboard_export import _scene_key, _Scenes

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    shot = '[[shot]]\nrun = "run"\nduration = 1\nhud = "{}"\n'
    (tmp_path / "b.toml").write_text(shot.format("lecture") + shot.format("detail"))
    board = load_storyboard(tmp_path / "b.toml")
    scenes = _Scenes(board, RenderOptions(width=W, height=H))
    try:
        lecture, detail = (scenes.renderer(_scene_key(s), s.view.hud) for s in board.shots)
        assert not lecture.scene_renderer.options.show_marks and detail.scene_renderer.options.show_marks
    finally:
        scenes.close()

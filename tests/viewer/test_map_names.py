"""An open layer's map names where "map k" does not fit (viewer/overlays/map_names.py): the number
alone over each map, "map 0" heading them, thinned to every other (fourth) column where neighbours
would touch, never smaller than a grid index (theme.INDEX_TEXT) in a lecture's picture. conv2's 16
maps of 10 x 10 showed no names at all at 1080p."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.overlays.map_names import map_name_forms

pytestmark = pytest.mark.gl

SIZE = (1920, 1080)


def _names(r) -> list[dict]:
    from tests.viewer.picture_policy import drawn_texts

    texts = drawn_texts(r)
    return [t for t in texts if t["kind"] == "label" and (t["text"].startswith("map ") or t["text"].isdigit())]


def _spaced(names: list[dict]) -> float:
    """The least gap (pixels) between two names side by side (one row: boxes overlapping in y)."""
    from nnvox.viewer.overlays.grid_indices import GAP

    least = np.inf
    for i, a in enumerate(names):
        for b in names[:i]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if ay0 < by1 and by0 < ay1:
                least = min(least, max(bx0 - ax1, ax0 - bx1) / (GAP * (ay1 - ay0)))
    return least


def test_the_forms_go_from_names_to_numbers_thinned_to_one_a_row():
    forms = map_name_forms(range(16), 4, (54, 50), (50,))
    assert [(f, t[1], s) for f, t, s in forms] == [(54, "map 1", 1), (50, "map 1", 1)] + [
        (50, "1", s) for s in (1, 2, 4)
    ]
    assert all(t[0] == "map 0" for _, t, _ in forms)  # "map" heads the numbers
    assert [s for _, _, s in map_name_forms(range(64), 8, (50,), (50,))][1:] == [1, 2, 4, 8]


def _open_conv2(lenet_run):
    from nnvox.scenes.open_layer import open_pose
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"conv2"})))
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    r.scene_renderer.apply_pose(open_pose(scene, "conv2", SIZE[0] / SIZE[1]))
    return r, scene.frame_at(scene.n_snapshots - 1)


def test_conv2s_sixteen_maps_are_numbered_clear_of_each_other_at_an_index_size(lenet_run):
    from nnvox.viewer.options import hall_font
    from nnvox.viewer.theme import INDEX_TEXT

    r, frame = _open_conv2(lenet_run)
    try:
        r.render(frame)
        names = _names(r)
        in_order = sorted(names, key=lambda t: (-t["box"][1], t["box"][0]))  # row by row from the top left
        assert [t["text"] for t in in_order] == ["map 0"] + [str(k) for k in range(1, 16)]
        assert {t["font"] for t in names} == {hall_font(SIZE[1], INDEX_TEXT)}
        assert _spaced(names) >= 1.0
    finally:
        r.close()


def test_wider_numbers_are_thinned_to_every_other_column_before_none(lenet_run, monkeypatch):
    """Maps numbered 100-115 (a wide layer's), the camera drawn back step by step: every other
    column's numbers where neighbours would touch, never nearer than grid_indices.GAP, never smaller
    than a grid index; none only where the rows leave no room for a line."""
    from nnvox.viewer.options import hall_font
    from nnvox.viewer.overlays import map_names
    from nnvox.viewer.theme import INDEX_TEXT

    forms = map_names.map_name_forms
    monkeypatch.setattr(map_names, "map_name_forms", lambda channels, *a: forms([c + 100 for c in channels], *a))
    r, frame = _open_conv2(lenet_run)
    try:
        # from nearer than open_pose: its columns, a kernel's 0.6 of a map apart (was 1.0), leave "map 100"
        # and "101" under grid_indices.GAP apart there, the numbers thinned from the first picture
        r.scene_renderer.renderer.GetActiveCamera().Zoom(1.2)
        seen = []
        for _ in range(22):
            r.render(frame)
            names = _names(r)
            seen.append([t["text"] for t in sorted(names, key=lambda t: (-t["box"][1], t["box"][0]))])
            assert {t["font"] for t in names} <= {hall_font(SIZE[1], INDEX_TEXT)}
            assert _spaced(names) >= 1.0, seen[-1]
            r.scene_renderer.renderer.GetActiveCamera().Zoom(0.97)
        assert seen[0] == ["map 100"] + [str(k) for k in range(101, 116)], seen[0]
        assert ["map 100"] + [str(k) for k in range(102, 116, 2)] in seen, seen
        assert seen[-1] == [], seen  # the rows too near for a line: none
    finally:
        r.close()


def test_an_open_layers_texts_keep_off_the_caption(lenet_run, tmp_path):
    """conv2 open at 720p as a captioned storyboard shot frames it: no text of the open layout on
    the caption's band (the note under the grid, "kernels of the first 3 of 6 input maps", stood on it)."""
    from nnvox.scenes.shots import shot_frames
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(
        '[[shot]]\nrun = "run"\nduration = 6\ntimeline = "last"\nopen = ["conv2"]\ntransition = "dip"\n'
        'caption = "conv2\'s sixteen maps of the 9, each with the kernels that make it"\n'
    )
    shot = load_storyboard(tmp_path / "board.toml").shots[0]
    scene = build_scene(lenet_run, dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open)))
    r = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    try:
        pane = r.scene_renderer
        frame = shot_frames(shot, scene, pane.aspect, 5, opens=False, safe=pane.safe_share())[-1]
        pane.open_to(frame.opened)
        pane.apply_pose(frame.pose)
        pane.set_caption(shot.caption)
        r.render(scene.frame_at(scene.n_snapshots - 1))
        band = np.array(pane.overlays.caption.band())
        drawn = pane.overlays.open_maps.drawn_boxes()
        assert len(drawn) >= 16  # the maps' names at least
        for box in drawn:
            x0, y0, x1, y1 = np.array(box) * (1280, 720, 1280, 720)
            assert x1 <= band[0] or band[2] <= x0 or y1 <= band[1] or band[3] <= y0, (box, band)
    finally:
        r.close()

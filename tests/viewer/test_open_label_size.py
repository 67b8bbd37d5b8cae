"""An open layer's "map k" names keep one size through a storyboard shot (viewer/overlays/open_maps):
the lecture's close-up on conv1 switched them to the subject's larger size in one frame, mid-shot,
where its camera's slow turn first left them room."""

from __future__ import annotations

import dataclasses

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.shot_subject import shot_subject
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.options import RenderOptions

pytestmark = pytest.mark.gl

SHOT = """\
[[shot]]
run = "run"
duration = 9
timeline = "last"
open = ["input", "conv1"]
camera = {{ keys = [ {{ at = 0, overview = true }}, {{ at = 0.35, layer = "conv1", zoom = {zoom}, azimuth = -6 }},\
 {{ at = 1, layer = "conv1", zoom = {zoom}, azimuth = 6 }} ] }}
caption = "conv1's six maps side by side: each 5 × 5 filter picks out different strokes of the 9"
"""


def _sizes(lenet_run, tmp_path, zoom: float, settled: bool) -> list[tuple | None]:
    """The map names' font size and texts at each frame of the shot (5 fps, 1080p) where they show, else None."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.overlays.map_names import MapNames

    board = tmp_path / "board.toml"
    board.write_text(SHOT.format(zoom=zoom))
    shot = load_storyboard(board).shots[0]
    scene = build_scene(lenet_run, dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open)))
    renderer = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080))
    try:
        pane = renderer.scene_renderer
        pane.set_subject(shot_subject(shot))
        frames = shot_frames(shot, scene, pane.aspect, 5)
        maps = pane.overlays.open_maps
        if settled:
            maps.settle(frames, lambda f: (pane.open_to(f.opened), pane.apply_pose(f.pose)))
        names = next(t for t in maps.texts if isinstance(t, MapNames))
        sizes = []
        for f in frames:
            pane.open_to(f.opened)
            pane.apply_pose(f.pose)
            maps.place_labels()
            shown = f.labels >= 1.0 and names.actors and names.actors[0].GetVisibility()
            # the size, and the form: "map k" each, or the numbers alone (map_names.py)
            form = shown and (
                names.actors[0].GetTextProperty().GetFontSize(),
                tuple(a.GetInput() for a in names.actors),
            )
            sizes.append(form if shown else None)
        return sizes
    finally:
        renderer.close()


@pytest.mark.parametrize("zoom", [0.75, 0.9])
def test_the_map_names_keep_one_size_through_the_shot(lenet_run, tmp_path, zoom):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    sizes = _sizes(lenet_run, tmp_path, zoom, settled=True)
    shown = [s for s in sizes if s is not None]
    assert len(shown) >= 0.6 * len(sizes)  # named through most of the shot, once the maps have arrived
    assert len(set(shown)) == 1, sizes  # unsettled (the largest that fits at each frame): 25 px, then 35 mid-shot

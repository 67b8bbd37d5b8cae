"""The lecture's conv1 shot named its six maps ("map 0" ... "map 5") at a note's size, not the
subject's: the names of the right column's maps, wider than a map, passed the grid's outline (the
last map stood flush with it), and a name larger than a note's must stand inside the grid. The open
grid keeps room right of its last column (scene.OPEN_END): the names fit at the subject's size."""

import pytest

pytestmark = pytest.mark.gl

SIZE = (1280, 720)
SHOT = """[[shot]]
run = "run"
duration = 8
open = ["input", "conv1"]
camera = { keys = [ { at = 0, overview = true }, { at = 0.35, layer = "conv1", zoom = 0.75, azimuth = -6 },
                    { at = 1, layer = "conv1", zoom = 0.75, azimuth = 6 } ] }
"""


def test_an_open_layers_map_names_fit_at_the_subjects_size(lenet_run, tmp_path):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.open_layer import open_scene
    from nnvox.scenes.shots import shot_frames
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.map_names import MapNames

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(SHOT)
    shot = load_storyboard(tmp_path / "board.toml").shots[0]
    scene = open_scene(build_scene(lenet_run), ["input", "conv1"])
    frames = shot_frames(shot, scene, SIZE[0] / SIZE[1], 10, opens=False)
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        (names,) = [t for t in pane.overlays.open_maps.texts if isinstance(t, MapNames)]
        font, texts, _ = names.forms[0]  # the best form: "map k" over each at the subject's size
        assert font == r.options.subject_font() and texts[:2] == ["map 0", "map 1"]
        for f in frames[len(frames) // 2 :: 5]:  # the camera on conv1
            pane.open_to(f.opened)
            pane.apply_pose(f.pose)
            assert names.ranks[0] in names.fitting(*camera_matrix(pane.renderer)), f.progress
    finally:
        r.close()

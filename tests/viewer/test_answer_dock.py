"""The lecture's last close-up (mistake 1, the camera keyed onto the input) lost the wrong answer:
its output column and list of top classes were out of the frame, the left third empty. In a shot of
a mistake the list docks to the frame where the camera leaves its column out (overlays/class_rows.
AnswerDock): tested on the pixels of that close-up."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

SIZE = (1280, 720)


def _close_up(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.scenes.shots import camera_move
    from nnvox.scenes.storyboard import CameraKey, CameraMove

    scene = build_scene(lenet_run, SceneOptions(attribution="integrated-gradients"))
    keys = (CameraKey(at=0.0, target="layer:input", azimuth=0.0, elevation=0.0, zoom=1.0),)
    return scene, camera_move(CameraMove(move="keys", keys=keys), scene, SIZE[0] / SIZE[1], captioned=True)(1.0)


@pytest.mark.parametrize("docks", [True, False])
def test_a_mistakes_close_up_keeps_its_wrong_answer_on_screen(lenet_run, docks):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene, pose = _close_up(lenet_run)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=scene.probe_count)  # the most confident mistake
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        pane.overlays.class_rows.dock(docks)
        image = r.render(frame)
        dock = pane.overlays.class_rows.docks["fc2"].actor
        # the left third, above the caption's band and under the heads-up line: the blocks leave it empty
        third = np.abs(image[80:500, : SIZE[0] // 3].astype(int) - np.array(r.options.background)).max(axis=2)
        if not docks:  # the window, or a shot of no mistake: nothing docks (and the old close-up's third)
            assert not dock.GetVisibility() and (third > 60).sum() < 50
            return
        assert dock.GetVisibility() and dock.GetTextProperty().GetOpacity() == pytest.approx(1.0)
        lines = dock.GetInput().splitlines()
        predicted = int(np.nanargmax(frame.values["fc2"].ravel()))
        assert (
            lines[0] == "the network's answer" and lines[2] == frame.texts["fc2"][predicted]
        )  # its wrong answer first
        # beside the input it answers (the digit and its attribution plane), not alone in a corner
        from nnvox.viewer.camera_matrix import camera_matrix
        from nnvox.viewer.label_layout import block_rectangles
        from nnvox.viewer.overlays.class_rows import input_group

        m, w, h = camera_matrix(pane.renderer)
        rects = block_rectangles(np.array([b.bounds for b in scene.blocks]), m, w, h)
        group = rects[input_group(scene.blocks)]
        assert len(group) == 2  # the digit and its attribution plane
        gx0, gy0, gy1 = group[:, 0].min(), group[:, 1].min(), group[:, 3].max()
        x0, y0, x1, y1 = (np.array(pane.overlays.class_rows.docks["fc2"].box) * (w, h, w, h)).round().astype(int)
        assert 0 < gx0 - x1 < 0.08 * h, "its right end a gap from the input's left edge"
        assert gy0 - 0.05 * h <= y0 and y1 <= (gy0 + gy1) / 2 + 1, "level with the lower half of the input's group"
        ink = np.abs(image[h - y1 : h - y0, x0:x1].astype(int) - np.array(r.options.background)).max(axis=2) > 60
        assert ink.sum() > 500 and np.ptp(np.flatnonzero(ink.any(axis=1))) > 100, "the list drawn there, not one line"
    finally:
        r.close()

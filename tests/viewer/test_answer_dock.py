"""The lecture's last close-up (mistake 1, the camera keyed onto the input) lost the wrong answer:
its output column and list of top classes were out of the frame, the left third empty. In a shot of
a mistake the list docks to the frame where the camera leaves its column out (overlays/class_rows.
AnswerDock): tested on the pixels of that close-up."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

SIZE = (1280, 720)


def _close_up(lenet_run, size=SIZE):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.scenes.shots import camera_move
    from nnvox.scenes.storyboard import CameraKey, CameraMove

    scene = build_scene(lenet_run, SceneOptions(attribution="integrated-gradients"))
    keys = (CameraKey(at=0.0, target="layer:input", azimuth=0.0, elevation=0.0, zoom=1.0),)
    return scene, camera_move(CameraMove(move="keys", keys=keys), scene, size[0] / size[1], captioned=True)(1.0)


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
        if not docks:  # the window, or a shot of no mistake: nothing docks (the list's ink: the next test)
            assert not dock.GetVisibility()
            return
        assert dock.GetVisibility() and dock.GetTextProperty().GetOpacity() == pytest.approx(1.0)
        lines = dock.GetInput().splitlines()
        predicted = int(np.nanargmax(frame.values["fc2"].ravel()))
        assert lines[0] == "its answer" and lines[2] == frame.texts["fc2"][predicted]  # its wrong answer first
        # beside the input it answers (the digit and its attribution plane), not alone in a corner
        from nnvox.viewer.camera_matrix import camera_matrix
        from nnvox.viewer.label_layout import block_rectangles
        from nnvox.viewer.overlays.answer_dock import input_group

        m, w, h = camera_matrix(pane.renderer)
        rects = block_rectangles(np.array([b.bounds for b in scene.blocks]), m, w, h)
        group = rects[input_group(scene.blocks)]
        assert len(group) == 2  # the digit and its attribution plane
        gx0, gy0, gy1 = group[:, 0].min(), group[:, 1].min(), group[:, 3].max()
        x0, y0, x1, y1 = (np.array(pane.overlays.class_rows.docks["fc2"].box) * (w, h, w, h)).round().astype(int)
        assert 0 < gx0 - x1 < 0.08 * h, "its right end a gap from the input's left edge"
        # level with the group's lower half, or where taller than that half (40 px capitals) ending
        # level with its bottom: beside the group, not in a corner
        assert gy0 - 0.05 * h <= y0 and y1 <= max((gy0 + gy1) / 2, gy0 + (y1 - y0)) + 1, "beside the input's group"
        ink = np.abs(image[h - y1 : h - y0, x0:x1].astype(int) - np.array(r.options.background)).max(axis=2) > 60
        assert ink.sum() > 500 and np.ptp(np.flatnonzero(ink.any(axis=1))) > 100, "the list drawn there, not one line"
    finally:
        r.close()


LECTURE_CAPTION = (
    "Red pixels pushed it to its wrong answer, blue ones against it: "
    "found by fading the digit in from an all-zero image"
)


@pytest.mark.parametrize("size", [(854, 480), (1280, 720)], ids=["480p", "720p"])
def test_the_docked_answer_stands_over_the_caption_inside_title_safe(lenet_run, size):
    """At 40 px capitals (1080p) the docked list reached down over the caption's first line (the
    lecture's close-up at 480p): it keeps over the caption's band, as the legends' notes do, and
    inside the title-safe margins. Read off the pixels: the list's ink is what docking it changes."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import TITLE_SAFE

    scene, pose = _close_up(lenet_run, size)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=scene.probe_count)  # the most confident mistake
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        pane.overlays.caption.show(LECTURE_CAPTION)
        images = []
        for docks in (False, True):
            pane.overlays.class_rows.dock(docks)
            images.append(r.render(frame).astype(int))
        band = pane.overlays.caption.band()  # pixels of the pane, y up
        assert pane.overlays.class_rows.docks["fc2"].actor.GetVisibility()
    finally:
        r.close()
    w, h = size
    ink = np.abs(images[1] - images[0]).max(axis=2) > 60
    rows, cols = np.nonzero(ink)
    assert len(rows) > 200, "the list drew nothing"
    lowest = h - 1 - rows.max()  # the list's lowest ink, y up
    assert lowest > band[3], (lowest, band)  # over the caption's band, not on its first line
    assert rows.min() >= TITLE_SAFE * h - 1 and lowest >= TITLE_SAFE * h - 1, (rows.min(), lowest)
    assert cols.min() >= TITLE_SAFE * w - 1 and cols.max() <= (1 - TITLE_SAFE) * w + 1, (cols.min(), cols.max())

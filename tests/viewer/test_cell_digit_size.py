"""In a lecture's picture the digits on the output column's cells are never smaller than its least
text (28 px capitals at 1080p, theme.NOTE_TEXT): an eighth watch read 21 px digits on fc2's cells
during the forward pass, too small for row 20 (the list of top classes beside the column names
them). Measured on the pixels drawn, on the demo's LeNet at 1080p, as the camera comes closer."""

import numpy as np
import pytest

from nnvox.viewer.overlays.class_rows import CELL_TEXT

pytestmark = pytest.mark.gl
LEAST_DIGIT = 27  # px at 1080p: the digits' ink, no smaller (the watch asked for 27 or none)


def _digit_height(image: np.ndarray, names, k: int) -> int:
    """The ink height (px) of class k's digit within its cell as drawn: the rows of the cell's middle
    far from the cell's own colour."""
    x, y = names.actors[k].GetPosition()
    half = int(0.45 * names.size)
    row = image.shape[0] - 1 - round(y)
    patch = image[row - half : row + half + 1, round(x) - half // 2 : round(x) + half // 2 + 1].astype(int)
    typical = np.median(patch.reshape(-1, 3), axis=0)
    ink = np.where((np.abs(patch - typical).max(axis=-1) > 80).any(axis=1))[0]
    return int(ink.max() - ink.min() + 1) if ink.size else 0


def test_the_cells_digits_are_at_least_the_lectures_least_text_or_not_drawn(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    renderer = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080, hall=True))
    try:
        frame = scene.frame_at(scene.n_snapshots - 1, sample=4)
        names = renderer.scene_renderer.overlays.class_rows.names["fc2"]
        camera = renderer.renderer.GetActiveCamera()
        b = scene.block("fc2").bounds
        camera.SetFocalPoint((b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2)
        drawn, hidden = [], []  # (cell size, digit height) where drawn; cell sizes where not
        for _ in range(12):
            image = renderer.render(frame)
            if any(a.GetVisibility() for a in names.actors):
                drawn.append((names.size, _digit_height(image, names, 1)))  # "1": no overshoot
            elif names.size >= CELL_TEXT * 1080:
                hidden.append(names.size)
            camera.Zoom(1.15)
    finally:
        renderer.close()
    assert drawn and hidden, (drawn, hidden)  # (the zooms cross the least size)
    assert all(h >= LEAST_DIGIT for _, h in drawn), drawn
    assert max(hidden) < min(s for s, _ in drawn), (hidden, drawn)  # hidden on the smaller cells only


def test_a_right_hand_comparison_pane_names_its_cells(lenet_run):
    """Two panes side by side: the right one's names are placed in the window's pixels and judged
    inside the pane from its own corner (they were judged from the window's, so every name of a
    right-hand pane stood "outside" it and none was drawn)."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    renderer = OffscreenRenderer([scene, scene], RenderOptions(width=1920, height=1080, hall=True))
    try:
        frame = scene.frame_at(scene.n_snapshots - 1, sample=4)
        b = scene.block("fc2").bounds
        for pane in renderer.panes:  # each pane's camera on the column, close enough for the digits
            camera = pane.renderer.GetActiveCamera()
            camera.SetFocalPoint((b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2)
            camera.Zoom(4.5)
        for _ in range(2):  # (the second as a shot's: the labels' layout settled on the first)
            renderer.render([frame, frame])
        shown = [sum(a.GetVisibility() for a in p.overlays.class_rows.names["fc2"].actors) for p in renderer.panes]
        left, right = (p.overlays.class_rows.names["fc2"] for p in renderer.panes)
        assert right.size == pytest.approx(left.size, rel=0.05) and left.size >= 50, (left.size, right.size)
    finally:
        renderer.close()
    assert shown[0] >= 5 and shown[1] == shown[0], shown

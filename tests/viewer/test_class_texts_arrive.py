"""An output's class texts arrive with the forward pass (visuals.class_text_opacity): hidden while
the output is less than half lit, then fading in where they stay. The lecture's top-5 list faded in
0.7 s before the pulse reached a still-dark column, at the column's top, then jumped in one frame
to its place beside the top class's row as its lines appeared."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.frames import lit_at
from nnvox.viewer.visuals import CLASS_TEXT_FROM

pytestmark = pytest.mark.gl


def _reveal_for(scene, name: str, lit: float) -> float:
    """The forward pass's reveal at which block `name` is `lit` (bisected: light grows with reveal)."""
    order, lo, hi = scene.block(name).order, 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if lit_at(mid, order, scene.levels) < lit else (lo, mid)
    return hi


def test_the_list_of_top_classes_shows_only_from_half_lit_and_only_at_its_place(lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    output = scene.blocks[-1].name
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    pane = renderer.scene_renderer
    texts = pane.visuals[output].class_texts
    last = scene.n_snapshots - 1
    try:
        seen = []
        for lit in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0):
            renderer.render(scene.frame_at(last, sample=9, reveal=_reveal_for(scene, output, lit)))
            opacity = texts.top.GetTextProperty().GetOpacity()
            boxes = [box for kind, block, _, box in pane.label_layout.placement.shown if kind == "classes"]
            assert texts.top.GetVisibility() and len(boxes) == 1, "the lecture's network lists its top classes"
            seen.append((lit, opacity, np.asarray(boxes[0])))
    finally:
        renderer.close()
    final = seen[-1][2]
    for lit, opacity, box in seen:
        if lit < CLASS_TEXT_FROM:
            assert opacity == 0, f"the list shows ({opacity:.2f}) at {lit:.2f} of the output's light"
        else:
            assert opacity > 0, f"the list is hidden at {lit:.2f} of the output's light"
            assert np.abs(box - final).max() <= 1, f"at {lit:.2f} lit the list stands at {box}, then at {final}"

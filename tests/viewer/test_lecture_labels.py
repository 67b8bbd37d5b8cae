"""Issue 17 items 6 and 7: block labels in the lecture style. Each label's second line carried its
layer's colour range ('±4.19', '0 … 4.19'), never explained in a lecture's pictures: videos and
stills now leave it out (the legends' titles say the colours are per layer), the window keeps it
for the engineer (RenderOptions.label_ranges)."""

from __future__ import annotations

import pytest

from nnvox.scenes.build import build_scene


def _label_texts(scene, **options) -> dict[str, str]:
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    r = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080, **options))
    try:
        r.render(scene.frame_at(scene.n_snapshots - 1))
        return {b: t for kind, b, t, _ in r.scene_renderer.label_layout.placement.shown if kind == "block"}
    finally:
        r.close()


def _ranged(text: str) -> bool:
    return "±" in text or "…" in text


@pytest.mark.gl
def test_lecture_labels_carry_no_colour_range_and_the_windows_do(lenet_run):
    scene = build_scene(lenet_run)
    lecture, engineer = _label_texts(scene), _label_texts(scene, label_ranges=True)
    assert len(lecture) >= 8 and not [t for t in lecture.values() if _ranged(t)], lecture
    middle = [t for b, t in engineer.items() if scene.block(b).role not in ("input", "output")]
    assert middle and all(_ranged(t) for t in middle), engineer  # the engineer's: every layer's range


def test_the_window_draws_labels_with_their_ranges():
    from nnvox.viewer.desktop.panes import window_options
    from nnvox.viewer.options import RenderOptions

    assert not RenderOptions().label_ranges  # videos and stills: the lecture style
    assert all(window_options((1280, 720), comparing=c).label_ranges for c in (False, True))

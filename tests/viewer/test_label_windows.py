"""Labels shown for part of a shot (label_layout.LabelWindows): the lecture's mistake shot, its
push-in from the overview onto the input, had pool2's and fc2's labels hidden for the whole shot
(no room at some of its frames; watch 5: "pool2 and fc2 have no labels"). Each now shows for the
run of frames where it has room, fading in or out once, never coming and going."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gl

SIZE = (854, 480)


def _runs(flags: list[bool]) -> int:
    """How many runs of True `flags` holds."""
    return sum(1 for k, f in enumerate(flags) if f and (k == 0 or not flags[k - 1]))


def test_the_mistake_shots_labels_show_where_they_have_room_coming_or_going_once(lenet_run, tmp_path):
    from tests.viewer.picture_policy import one_shot_board, shot_pictures
    from tests.viewer.test_lecture_labels import _lecture_shot

    shot = _lecture_shot("mistake")
    assert 'layer = "input"' in shot and "mistake" in shot, shot  # the lecture's push-in
    shown, light = {}, {}
    for _, r in shot_pictures(one_shot_board(tmp_path, lenet_run, SIZE, 10, shot)):
        layout = r.scene_renderer.label_layout
        placed = {b for kind, b, _, _ in layout.placement.shown if kind == "block"}
        for name, actor in r.scene_renderer.overlays.labels.labels.items():
            opacity = actor.GetTextProperty().GetOpacity() if actor.GetVisibility() else 0.0
            shown.setdefault(name, []).append(name in placed and opacity > 0)
            light.setdefault(name, []).append(opacity)
    # fc2's window at 480p stood only where its line back ended beside its column (label_layout.lands,
    # watch 6 finding 1: a line that points at nothing reads as another block's): it has none now
    for name in ("pool2",):
        assert any(shown[name]), f"{name}'s label hidden through the shot"
    comes = {name: _runs(flags) for name, flags in shown.items() if _runs(flags) > 1}
    assert not comes, f"labels coming and going mid-shot (runs shown): {comes}"
    windowed = layout.held_windows
    assert windowed, "no label shown for part of the shot"
    for name in windowed:  # each fades in (after the shot's first frame) or out (before its last), not in one frame
        frames = [k for k, s in enumerate(shown[name]) if s]
        if not frames:  # (a window between this test's frames)
            continue
        first, last = frames[0], frames[-1]
        full = max(light[name])
        assert first == 0 or light[name][first] < full, (name, light[name][first : first + 4])
        assert last == len(shown[name]) - 1 or light[name][last] < full, (name, light[name][last - 3 : last + 1])

"""Labels that stay put (issue 17, the watch's finding 4): at a camera move to the next shot every
label faded out and back in a new layout (the lecture's 6.6 s, 20.7 s and 86.7 s), the top-5 list
jumped 190 px where the snapshot changed the top class (50.5 s), and the answer's place followed
its top class's row. Checked on the layout's data and on the overlay pixels a move dissolves."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.storyboard import load_storyboard, transitions

pytestmark = pytest.mark.gl

MOVE = """\
[video]
size = "854x480"
fps = 6

[[shot]]
run = "{run}"
duration = 1.5
timeline = "last"
sample = 9
camera = {{ keys = [ {{ at = 0, overview = true, azimuth = 12, elevation = 3, zoom = 0.9 }},
  {{ at = 1, overview = true }} ] }}
caption = "LeNet-style: two convolution and pooling stages, two dense layers"

[[shot]]
run = "{run}"
duration = 1.5
timeline = "last"
sample = 9
forward = true
camera = {{ move = "orbit", degrees = 14, azimuth = 3, ease = "smooth" }}
caption = "The 9 flows left to right"
"""

SCRUB = """\
[video]
size = "854x480"
fps = 6

[[shot]]
run = "{run}"
duration = 2
timeline = "all"
hold = 1
sample = {sample}
ease = "linear"
camera = {{ keys = [ {{ at = 0, overview = true }}, {{ at = 1, overview = true }} ] }}
caption = "The same 9 after each epoch"
"""


def _board(tmp_path, text: str, run, sample: int = 9):
    path = tmp_path / "board.toml"
    path.write_text(text.format(run=run.path, sample=sample))
    return load_storyboard(path)


def _painted(board, layered_ends: bool = False):
    """Each frame of each shot as render_storyboard paints it (a move carrying the camera and the
    labels on): (shot, frame index, drawn, {block: its label's (text, box)}, the class texts' boxes)."""
    from nnvox.scenes.presets import output_size
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.storyboard_export import _Painter, _scene_key, _Scenes

    width, height, fps = output_size(board.preset, board.size, board.fps)
    look = RenderOptions(width=width, height=height)
    scenes, moves = _Scenes(board, look), transitions(board)
    painter = _Painter(board, scenes, look)
    try:
        for i, shot in enumerate(board.shots):
            layout = scenes.renderer(_scene_key(shot), shot.view.hud).scene_renderer.label_layout
            layered = {-1, 0} if layered_ends else set()
            for k, drawn in enumerate(painter.images(shot, fps, layered, moves=moves[i] == "move")):
                shown = layout.placement.shown
                labels = {b: (t, tuple(box)) for kind, b, t, box in shown if kind == "block"}
                classes = [tuple(box) for kind, _, _, box in shown if kind == "classes"]
                yield i, k, drawn, labels, classes, layout
    finally:
        scenes.close()
        painter.close()


def _same(a: tuple, b: tuple) -> bool:
    """Two labels' (text, box) alike: the same text within half a pixel of the same place."""
    return a[0] == b[0] and np.allclose(a[1], b[1], atol=0.5)


def _ends(board):
    """The last frame of the first shot and the first of the second: (drawn, labels) each."""
    frames = list(_painted(board, layered_ends=True))
    last = max(k for i, k, *_ in frames if i == 0)
    ends = [f for f in frames if (f[0], f[1]) in ((0, last), (1, 0))]
    return [(drawn, labels) for _, _, drawn, labels, _, _ in ends]


def test_a_move_keeps_the_labels_both_shots_show_where_they_stand(lenet_run, tmp_path, monkeypatch):
    from nnvox.viewer import label_layout
    from nnvox.viewer.cross_fade import SAME_TEXT, _switching

    board = _board(tmp_path, MOVE, lenet_run)
    with monkeypatch.context() as patch:  # as before: the next shot laid out anew
        patch.setattr(label_layout.LabelLayout, "carry_on", lambda self, carried: None)
        (_, before), (_, after) = _ends(board)
    moved = [b for b in before.keys() & after.keys() if not _same(before[b], after[b])]
    assert moved, "the move no longer lays a common label out anew: the case is gone"
    (old, before), (new, after) = _ends(board)
    common = before.keys() & after.keys()
    assert len(common) >= len(before) - 1, (sorted(before), sorted(after))  # none dropped but for room
    # a label whose text changes (its shape line back where the next shot has room) may move with it
    alike = {b for b in common if before[b][0] == after[b][0]}
    kept = [b for b in alike if _same(before[b], after[b])]
    assert len(alike) >= len(common) - 1 and len(kept) == len(alike), sorted(alike - set(kept))
    # and on the overlay's pixels: no kept label's pixels switch (fade out and in) in the dissolve
    differs = (np.abs(old.cover - new.cover)[..., 0] * 255 > SAME_TEXT) | (
        np.abs(old.ink - new.ink).max(axis=2) > SAME_TEXT
    )
    switching = _switching(differs, (old.cover[..., 0] > 0.01) | (new.cover[..., 0] > 0.01))
    h = switching.shape[0]
    for b in kept:
        x0, y0, x1, y1 = (round(float(v)) for v in before[b][1])
        box = switching[h - y1 : h - y0, x0:x1]  # the layout's y runs up
        assert box.mean() < 0.05, f"{b}'s label fades out and in at the move ({box.mean():.0%} of its box)"


def test_the_answer_list_stays_put_when_the_top_class_changes(lenet_run, tmp_path):
    first, last = (np.argmax(lenet_run.read(i, ["act/fc2"])["act/fc2"], axis=1) for i in (0, 1))
    sample = int(np.flatnonzero(first != last)[0])  # a digit whose guess changes in training
    tops, places = set(), set()
    for *_, classes, layout in _painted(_board(tmp_path, SCRUB, lenet_run, sample)):
        if classes:
            places.add(tuple(np.round(classes[0])))  # (float noise aside)
            tops.add(layout.classes[0].order[0])
    assert len(tops) > 1, f"the scrub's top class never changes ({tops}): the case is gone"
    assert len(places) == 1, sorted(places)  # the list stands in one place through the shot


def test_no_label_changes_side_within_a_shot(lenet_run, tmp_path):
    from nnvox.viewer.label_layout import side_of

    sides: dict[tuple[int, str], set[str]] = {}
    for i, _, _, labels, _, layout in _painted(_board(tmp_path, MOVE, lenet_run)):
        for b, (_, box) in labels.items():
            sides.setdefault((i, b), set()).add(side_of(np.array(box), layout.placement.blocks[b]))
    flipped = {key: s for key, s in sides.items() if len(s) > 1}
    assert not flipped, flipped


MISTAKE = """\
[video]
size = "854x480"
fps = 10

[[shot]]
run = "{run}"
duration = 3
timeline = "last"
mistake = 1
attribution = "integrated-gradients"
camera = {{ keys = [ {{ at = 0, overview = true, azimuth = 20, elevation = -5 }},
  {{ at = 1, overview = true, azimuth = 8 }} ] }}
caption = "The most confident mistake among the 1,000 test digits"
"""


# Not solved yet: a held label whose place is taken as the camera turns is laid out anew on its side
# (label_layout._seek -> _find), a jump of 47-61 px at 480p for pool1, conv2 and relu2 here (34 px
# for pool1 before the 40 px labels); moving it the least from where it stood did not clear it.
@pytest.mark.xfail(strict=True, reason="labels still jump within a turning shot (the watch's 85.63 s)")
def test_a_label_never_jumps_while_the_camera_turns(lenet_run, tmp_path):
    """The lecture's mistake shot (85.63 s): pool1's and conv2's labels swapped places in one frame."""
    steps: dict[str, list[float]] = {}
    last: dict[str, tuple] = {}
    for _, _, _, _, _, layout in _painted(_board(tmp_path, MISTAKE, lenet_run)):
        for label in layout.labels:
            if not label.actor.GetVisibility():
                last.pop(label.block, None)
                continue
            offset = np.array(label.actor.GetDisplayOffset(), float)
            if label.block in last:
                steps.setdefault(label.block, []).append(float(np.abs(offset - last[label.block]).max()))
            last[label.block] = offset
    assert len(steps) >= 6, sorted(steps)  # the network's labels were followed
    size = layout.labels[0].actor.GetTextProperty().GetFontSize()
    jumps = {b: max(s) for b, s in steps.items() if max(s) > size}
    assert not jumps, f"labels jumped by more than a line ({size} px) in one frame: {jumps}"

"""Issue 17 items 4 and 6: the lecture's answer always reads. In every shot that frames the whole
network (the overview, the forward pass's orbit, the epochs, the mistake), the output's class
texts show at every frame, in one form, right of the column and inside the frame, at 480p, 1080p
and 2160p: the overview keeps the room they take beside the column (viewer/class_room.py), and a
move between two overviews stays an overview at each frame. Before, the overview kept 4% of the
width (too little for "top 5 of 10" with its lines to the rows), and the mistake shot hid the
class texts at some frames and showed them at others (its camera's blend drifted the column into
their room), so the "predicted 0, true 6" story had no answer on the column."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.viewer.picture_policy import SIZES, board_pictures

pytestmark = pytest.mark.gl


def _wide(shot) -> bool:
    """A shot of the activations whose camera frames the whole network at every frame."""
    move = shot.camera
    whole = move.move == "orbit" or (move.move == "keyframes" and all(k.target == "overview" for k in move.keys))
    return shot.source is not None and shot.figure is None and shot.view.mode == "activations" and whole


def _wide_shots(lenet_run, folder: Path):
    import nnvox
    from nnvox.scenes.storyboard import load_storyboard

    (folder / "lecture.toml").write_text((Path(nnvox.__file__).parent / "storyboards" / "lecture.toml").read_text())
    (folder / "run").symlink_to(lenet_run.path)  # the board's run = "run", next to it
    board = load_storyboard(folder / "lecture.toml")
    return dataclasses.replace(board, shots=tuple(s for s in board.shots if _wide(s)))


@pytest.mark.parametrize("size_name", ["480p", "1080p", "2160p"])
def test_the_lectures_wide_shots_show_the_answer_at_every_frame(lenet_run, tmp_path, size_name):
    from nnvox.viewer.label_layout import CLASS_FORMS

    board = _wide_shots(lenet_run, tmp_path)
    # overview, epochs (the mistake's overview is now one shot with its push-in onto the input: its
    # answer list is test_dock_takeover's and test_labels_stay_put's; the forward pass follows the
    # stages now, camera = "follow", and leaves the network's left part out)
    assert len(board.shots) >= 2, [s.caption for s in board.shots]
    w, h = SIZES[size_name]
    forms: dict[int, set] = {}
    for i, _, r in board_pictures(board, size=(w, h), fps=1):
        layout = r.scene_renderer.label_layout
        form = layout.shown_forms.get("fc2")
        where = f"{size_name} shot {i} ({board.shots[i].caption})"
        assert form in CLASS_FORMS, f"{where}: class texts hidden: {layout.placement.hidden}"
        forms.setdefault(i, set()).add(form)
        column = layout.placement.blocks["fc2"]
        boxes = [box for kind, block, _, box in layout.placement.shown if kind == "classes" and block == "fc2"]
        assert boxes, where
        for x0, y0, x1, y1 in boxes:  # right of the column (not over fc1's label), inside the frame
            assert x0 >= column[2] and x1 <= w and y0 >= 0 and y1 <= h, f"{where}: {(x0, y0, x1, y1)} by {column}"
    assert len(forms) == len(board.shots) and all(len(f) == 1 for f in forms.values()), forms

"""Watch 8, finding 4: the lecture's overview labelled conv1 with its shape and pool1 without (5 of
10 shapes), the epochs shot only pool1 and relu2: students ask why pool1 has no size. A label that
finds no room in two lines falls back to its name alone (label_layout.shortened); in a lecture's shot
now, where any does, every label does for the whole shot (the stage captions state the shapes). The
window and the page keep their rule (each label its own form)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def lecture_shot(key: str) -> str:
    """The lecture's first shot with `key` (its TOML keys but the run), 3 s long, at its last snapshot
    (a scrub's stops need longer: the labels are laid out as for any snapshot)."""
    import nnvox

    text = (Path(nnvox.__file__).parent / "storyboards" / "lecture.toml").read_text()
    shot = next(s for s in text.split("[[shot]]")[1:] if re.search(rf"(?m)^{key}", s))
    shot = re.sub(r"(?m)^(run|stops|stage_captions) = .*$", "", shot)
    shot = re.sub(r"(?m)^timeline = .*$", 'timeline = "last"', shot)
    return re.sub(r"(?m)^duration = .*$", "duration = 3", shot)


SHOTS = {  # a key line each of the lecture's shots starts its own with
    "overview": 'caption = "LeNet',
    "forward pass": 'camera = "follow"',
    "epochs": 'caption = "The same 9 after each epoch',
    "mistake": "mistake = ",
}


@pytest.mark.gl
@pytest.mark.parametrize("size_name", ["480p", "1080p", "2160p"])
@pytest.mark.parametrize("shot", list(SHOTS))
def test_a_lecture_shots_labels_all_show_their_shapes_or_none_does(shot, size_name, lenet_run, tmp_path):
    from tests.viewer.picture_policy import SIZES, one_shot_board, shot_pictures

    board = one_shot_board(tmp_path, lenet_run, SIZES[size_name], 1, lecture_shot(SHOTS[shot]))
    forms, frames = {}, 0  # (block, frame) -> whether its label showed its shape line
    for _, r in shot_pictures(board):
        layout = r.scene_renderer.label_layout
        shaped = {lb.block for lb in layout.labels if len(lb.texts[0].split("\n")) > 1}
        for kind, block, text, _ in layout.placement.shown:
            if kind == "block" and block in shaped:
                forms[block, frames] = "\n" in text
        frames += 1
    assert frames >= 3 and len(forms) >= 4 * frames // 2, forms
    assert len(set(forms.values())) == 1, sorted(forms.items())

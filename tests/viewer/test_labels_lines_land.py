"""Issue 17, fresh-eyes watch 6, finding 1 (the worst thing in the lecture): in the forward pass's
final hold the "pool1" label's line pointed at conv2, whose block then had two labels while pool1's
had none. Rendered at 30 frames a second, the label kept its pixel offset from frame to frame while
the camera pulled back and its block shrank away under it; its line back, with no overlap left
between the two, ran from the label's middle (label_layout._along) to beside its block, under conv2.
(At 5 or 10 frames a second the label was placed afresh, under its own block.) Now a place whose
line would not end on its own block is no place (label_layout.lands), kept or found."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.viewer.label_layout import LANDS, _leader, clear_leader, lands


def _ends_on(rect, segment) -> bool:
    """Whether a drawn line's end at the block lies on the block's rectangle (a pixel's slack)."""
    x0, y0 = segment[:2]
    return rect[0] - 1 <= x0 <= rect[2] + 1 and rect[1] - 1 <= y0 <= rect[3] + 1


def test_a_line_that_would_end_beside_its_block_is_no_place():
    pool1, conv2 = np.array([579, 533, 709, 629.0]), np.array([720, 557, 931, 637.0])
    drifted = np.array([716, 443, 869, 500.0])  # under the gap right of pool1, under conv2's left
    line = _leader(pool1, drifted)
    assert not _ends_on(pool1, line) and conv2[0] <= line[0] <= conv2[2]  # the case: it points at conv2
    assert not lands(pool1, drifted)
    assert clear_leader(pool1, drifted, np.empty((0, 4))) == (False, None)
    under = np.array([567, 443, 720, 500.0])  # centred under pool1: its line ends on pool1
    assert lands(pool1, under) and clear_leader(pool1, under, np.empty((0, 4)))[0]
    assert _ends_on(pool1, _leader(pool1, under))
    grazing = under + np.array([709 - LANDS + 1 - 567, 0, 709 - LANDS + 1 - 567, 0])  # a corner's overlap
    assert not lands(pool1, grazing)
    beside = np.array([720, 560, 860, 600.0])  # right of pool1, level with it: a sideways line
    assert lands(pool1, beside) and not lands(pool1, beside + np.array([0, 66, 0, 66]))
    near = np.array([600, 631, 700, 660.0])  # just over it (within 2 GAP): no line, nothing to land
    assert _leader(pool1, near) is None and lands(pool1, near)


def _lines_off_their_blocks(layout) -> list[str]:
    """The shown labels whose line back (as drawn) does not end on their own block's rectangle."""
    from nnvox.viewer.label_layout import _leader

    blocks = layout.placement.blocks
    out = []
    for kind, block, _, box in layout.placement.shown:
        line = _leader(blocks[block], box) if kind == "block" else None
        if line is not None and not (lands(blocks[block], box) and _ends_on(blocks[block], line)):
            out.append(block)
    return out


# the lecture's forward pass ends pulling back from the last blocks to the whole network and holds:
# here the pull-back alone, from close on pool1 to the overview, at 30 frames a second (0.8 s), and a hold
PULL_BACK = """duration = 1.4
timeline = "last"
sample = 9
camera = { keys = [ { at = 0, layer = "pool1" }, { at = 0.6, overview = true }, { at = 1, overview = true } ] }
caption = "The 9 flows left to right: convolutions filter, ReLU zeroes negatives, pooling keeps 2 × 2 maxima"
"""


@pytest.mark.gl
def test_labels_lines_end_on_their_own_blocks_through_a_pull_back_at_30_fps(lenet_run, tmp_path):
    from tests.viewer.picture_policy import one_shot_board, shot_pictures
    from tests.viewer.test_labels_read_as_theirs import _misread

    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 30, PULL_BACK)
    off, misread, frames = {}, {}, 0
    for k, (_, r) in enumerate(shot_pictures(board)):
        layout = r.scene_renderer.label_layout
        off[k], misread[k], frames = _lines_off_their_blocks(layout), _misread(layout), k + 1
    assert frames >= 40
    assert not any(off.values()), {k: v for k, v in off.items() if v}
    assert not any(misread.values()), {k: v for k, v in misread.items() if v}


@pytest.mark.gl
@pytest.mark.long
def test_the_lectures_forward_pass_at_30_fps_names_each_block_by_its_own_label(lenet_run, tmp_path):
    """The full-shot variant: the lecture's forward pass as it stands in lecture.toml, at 1080p and
    30 frames a second (minutes): no label's line off its own block, none reading as another's."""
    import re
    from pathlib import Path

    import nnvox
    from tests.viewer.picture_policy import one_shot_board, shot_pictures
    from tests.viewer.test_labels_read_as_theirs import _misread

    text = (Path(nnvox.__file__).parent / "storyboards" / "lecture.toml").read_text()
    shot = re.sub(r"(?m)^run = .*$", "", text.split("[[shot]]")[2])
    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 30, shot)
    wrong = {}
    for k, (_, r) in enumerate(shot_pictures(board)):
        layout = r.scene_renderer.label_layout
        found = _lines_off_their_blocks(layout) + _misread(layout)
        if found:
            wrong[k] = found
    assert not wrong, wrong

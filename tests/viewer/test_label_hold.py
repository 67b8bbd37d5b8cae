"""Issue 17 item 7: labels hold still through a shot. In the lecture's scrub over training (an
overview turning from -8 to 4 degrees while the timeline steps through the snapshots) relu3's label
was hidden for the first seconds and then appeared: its line back to its block, drawn through the
middle of the two's overlap, grazed pool2's label by a pixel at the first poses. The line now runs
wherever along the overlap crosses nothing (label_layout.clear_leader), and a storyboard shot
decides once which labels show (label_layout.settle_label_sides): each frame of a scrub shows the
same labels (a held label whose side has no room at some pose stands on another there, rather
than hide), each block's label hidden only where its block is out of the picture."""

from __future__ import annotations

import numpy as np
import pytest

from tests.viewer.picture_policy import one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

# a scrub over training whose camera swings wide (the lecture's turns from -8 to 4 degrees): labels
# find room at some of its poses and not at others (at the angles of then: a captioned overview's
# framing has since turned 1.5 degrees and dropped 6.2)
SCRUB = """duration = 4
timeline = "all"
hold = 1
sample = 9
ease = "linear"
camera = { keys = [ { at = 0, overview = true, azimuth = -36.5, elevation = 26.2 },
  { at = 1, overview = true, azimuth = 33.5, elevation = -3.8 } ] }
caption = "The same 9 after each epoch: from an even guess to a hesitant 9 to a sure one"
"""


def _shown_per_frame(board) -> list[frozenset[str]]:
    return [
        frozenset(b for kind, b, _, _ in r.scene_renderer.label_layout.placement.shown if kind == "block")
        for _, r in shot_pictures(board)
    ]


# What a held shot owes: the same labels in every frame, and no fewer than its most crowded frame
# shows deciding alone (a held set can hardly hold more: each of its labels finds room at every
# frame). At 40 px bold with the lecture's short labels ('conv1', was 'conv1 · Conv2d') it holds 8,
# its most crowded frame alone shows 8 (frames deciding alone: 8 to 10 labels, 5 different sets);
# with the long labels it held 6 where that frame showed 7. 3 frames a second (12 frames) show
# the same case as 6 did (5.3 CPU s for both layouts, 12.9 at 6).
def test_a_scrub_shows_the_same_labels_in_every_frame(lenet_run, tmp_path, monkeypatch):
    from nnvox.viewer import label_layout

    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 3, SCRUB)
    with monkeypatch.context() as patch:  # as before: every frame deciding for itself
        patch.setattr(label_layout.LabelLayout, "settle_label_sides", lambda *_: {})
        before = _shown_per_frame(board)
    assert len(set(before)) > 1, "the scrub no longer shows a label come and go"  # the case is real
    held = _shown_per_frame(board)
    assert len(set(held)) == 1, [sorted(s ^ held[0]) for s in held]
    assert len(held[0]) >= min(map(len, before)), sorted(held[0])  # as many as the frame with the fewest before


def test_a_line_back_runs_clear_of_what_stands_at_the_overlaps_middle():
    from nnvox.viewer.label_layout import _crossed, _leader, clear_leader

    block = np.array([100.0, 100.0, 160.0, 140.0])
    label = np.array([80.0, 200.0, 240.0, 230.0])  # above it, overlapping x 100..160
    neighbour = np.array([[0.0, 150.0, 131.0, 190.0]])  # another label, its right edge past the middle (130)
    assert _crossed(_leader(block, label), neighbour).any()
    clear, at = clear_leader(block, label, neighbour)
    assert clear and 131 < at <= 160, at
    assert not _crossed(_leader(block, label, at), neighbour).any()
    wall = np.array([[0.0, 150.0, 300.0, 190.0]])  # across the whole overlap: no line clears it
    assert clear_leader(block, label, wall) == (False, None)


# the lecture's scrub itself (src/nnvox/storyboards/lecture.toml, shot 5), as it renders now
LECTURE_SCRUB = """duration = 10
timeline = "all"
hold = 1
sample = 9
ease = "linear"
camera = { keys = [ { at = 0, overview = true, azimuth = -8, elevation = 10 },
  { at = 1, overview = true, azimuth = 4, elevation = 6 } ] }
caption = "The same 9 after each epoch: from an even guess to a hesitant 9 to a sure one"
"""


def _jumps(board) -> int:
    """Times a label moved more than 12 px from its block's middle between two frames."""
    count, before = 0, {}
    for _, r in shot_pictures(board):
        labels = r.scene_renderer.label_layout.labels
        now = {lb.block: np.array(lb.actor.GetDisplayOffset()) for lb in labels if lb.actor.GetVisibility()}
        count += sum(int(np.abs(now[b] - before[b]).max() > 12) for b in now if b in before)
        before = now
    return count


def test_a_label_stays_where_it_stood_while_that_place_is_free(lenet_run, tmp_path, monkeypatch):
    """Through a shot a label keeps its place beside its block from one frame to the next where it
    is still free, rather than take the first free place anew (which jumped between sides of a
    neighbour's label as the camera turned)."""
    from nnvox.viewer.label_layout import LabelLayout
    from nnvox.viewer.overlays.score_chart import ScoreChart

    # 3 frames a second: the same jumps as 6 (3 held, 11 placing afresh), in half the time (8 CPU s)
    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 3, LECTURE_SCRUB)
    # the scrub's score chart finds no free place at this swinging camera's first 14 frames and the
    # labels give way to it where it arrives (two moves, held or not): measured without it, the
    # holding alone (the lecture's still epochs shot has the chart from its first frame)
    monkeypatch.setattr(ScoreChart, "drawn_boxes", lambda self: ())
    seek = LabelLayout._seek
    with monkeypatch.context() as patch:  # each frame placing its labels afresh, as before

        def afresh(self, *args):
            self._last = {}
            return seek(self, *args)

        patch.setattr(LabelLayout, "_seek", afresh)
        before = _jumps(board)
    held = _jumps(board)
    assert held < before, (held, before)  # 3 and 11 jumps over the 30 frames

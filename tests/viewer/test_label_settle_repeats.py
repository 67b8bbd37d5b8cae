"""A storyboard shot's label settle lays out each run of poses that draw the same picture once
(storyboard_export.picture_repeats: a held camera on a held snapshot, most of the lecture's stops
and holds), counting it at each: the same holds as laying out every pose, in fewer placings (the
settle was over half of the demo's CPU)."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

# the lecture's epochs shot in small: a still overview stopping on the telling snapshots
STOPS = """duration = 8
timeline = "all"
stops = "auto"
sample = 9
camera = { keys = [ { at = 0, overview = true }, { at = 1, overview = true } ] }
caption = "The same 9 after each epoch: the guess sharpens, though not every epoch helps"
"""


def test_repeated_pictures_are_laid_out_once_with_the_same_holds(lenet_run, tmp_path, monkeypatch):
    from nnvox.viewer import storyboard_export
    from nnvox.viewer.label_layout import LabelLayout

    settle, seen = LabelLayout.settle_label_sides, []

    def both(self, poses, place, repeats=None):
        poses, counts = list(poses), []
        results = []
        for given in (None, repeats):
            placed = []

            def counted(f, placed=placed):
                placed.append(f)
                place(f)

            held = settle(self, poses, counted, given)
            results.append((held, set(self.held_shown), set(self.held_short), dict(self.held_windows)))
            counts.append(len(placed))
        seen.append((poses, repeats, results, counts))
        return results[-1][0]

    monkeypatch.setattr(LabelLayout, "settle_label_sides", both)
    board = one_shot_board(tmp_path, lenet_run, (960, 540), 10, STOPS)
    list(shot_pictures(board))
    (poses, repeats, (every, once), (placed_every, placed_once)) = seen[0]
    assert repeats == storyboard_export.picture_repeats(poses)
    assert len(set(repeats)) < len(poses), "no pose repeats the picture before: the case is gone"
    assert every == once  # the same sides, labels shown, short forms and windows
    assert placed_once < placed_every, (placed_once, placed_every)
    # each run of alike poses placed once a pass: the passes' placings shrink by the runs' share
    assert placed_once * len(poses) <= placed_every * len(set(repeats)) + len(poses)

"""A rendered scrub with data-chosen stops (storyboard `stops = "auto"`): each snapshot's picture on
screen for the frames its seconds give, and the picture of the snapshot held is that snapshot's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

BOARD = """\
[video]
size = "320x180"
fps = 4

[[shot]]
run = "run"
duration = {duration}
timeline = {timeline}
{stops}sample = 1
"""


def frames(tmp_path, name: str, **fields) -> list[bytes]:
    path = tmp_path / f"{name}.toml"
    path.write_text(BOARD.format(**fields))
    out = render_storyboard(path, tmp_path / name, progress=False)
    return [np.asarray(Image.open(f)).tobytes() for f in sorted(out.glob("frame-*.png"))]


def test_a_stopping_scrub_holds_its_ends_and_passes_the_rest(tmp_path, digits_run):
    """4 snapshots in 7 s (the shortest it may: needed_seconds): the two ends held 3 s (12 frames
    at 4 fps), the two between passed in 0.5 s each (2 frames), each the picture of its snapshot
    drawn alone."""
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    shown = frames(tmp_path, "scrub", duration=7, timeline='"all"', stops='stops = "auto"\n')
    runs = [(picture, len(list(g))) for picture, g in itertools.groupby(shown)]
    assert [n for _, n in runs] == [12, 2, 2, 12]
    # the picture held is the snapshot's own: it differs from the first where the snapshot drawn
    # alone differs from the first drawn alone, pixel for pixel (the scrub holds one form of each
    # label through its snapshots, a still its own: the shape lines a pose of the scrub had no room
    # for are left off every held frame, so the pictures are compared by what changes)
    stills = [frames(tmp_path, f"still{k}", duration=0.25, timeline=k, stops="") for k in range(4)]
    assert all(len(s) == 1 for s in stills)
    # the scrub draws the sample's scores so far as a chart under the heads-up line, which a still
    # has not (overlays/score_chart.py): compared under both (the frame's top 35%)
    rows = lambda a: np.frombuffer(a, np.uint8).reshape(180, -1)
    top = round(0.35 * 180)
    changed = lambda a, b: rows(a)[top:] != rows(b)[top:]
    for k in range(1, 4):
        assert changed(runs[k][0], runs[0][0]).any()
        assert np.array_equal(changed(runs[k][0], runs[0][0]), changed(stills[k][0], stills[0][0])), k

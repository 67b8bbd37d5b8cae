"""A forward pass's stage captions as drawn (storyboard stage_captions, scenes/stage_captions.py): the
same short pass rendered with and without them reads alike in the lead and with the answer (the shot's
own caption) and differs in the caption's band while a named stage is on screen."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.scenes.follow import pass_schedule
from nnvox.scenes.stage_captions import SWITCH_SECONDS
from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

FPS, DURATION = 2, 6.0
BOARD = """\
[video]
size = "320x180"
fps = 2

[[shot]]
run = "run"
duration = 6
timeline = "last"
forward = true
camera = "follow"
caption = "THE DIGIT FLOWS"
"""


def _render(tmp_path, digits_run, name: str, extra: str) -> list[np.ndarray]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "run").symlink_to(digits_run.path, target_is_directory=True)
    (folder / "board.toml").write_text(BOARD + extra)
    out = render_storyboard(folder / "board.toml", folder / "frames", progress=False)
    return [np.asarray(Image.open(f)).astype(int) for f in sorted(out.glob("frame-*.png"))]


def test_a_stage_caption_is_drawn_while_its_stage_is_on_screen_only(tmp_path, digits_run):
    plain = _render(tmp_path, digits_run, "plain", "")
    staged = _render(tmp_path, digits_run, "staged", 'stage_captions = { conv1 = "CONV ONE" }\n')
    schedule = pass_schedule(build_scene(digits_run).levels, DURATION)
    band = lambda image: image[-60:, 40:-40]  # the caption's band, low and centred
    differs = [k for k, (a, b) in enumerate(zip(plain, staged)) if np.abs(band(a) - band(b)).max() > 60]
    # drawn for conv1's step alone (from its start to the next step's, the switches' fades about them)
    seconds = [k * DURATION / (len(plain) - 1) for k in differs]
    start, end = schedule.lead - SWITCH_SECONDS / 2, schedule.lead + schedule.step + SWITCH_SECONDS / 2
    assert differs and start <= seconds[0] and seconds[-1] <= end, (seconds, start, end)
    assert differs == list(range(differs[0], differs[-1] + 1)) and len(differs) >= schedule.step * FPS - 2, differs

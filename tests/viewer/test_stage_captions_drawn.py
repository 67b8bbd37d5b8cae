"""A forward pass's stage captions as drawn (storyboard stage_captions, scenes/stage_captions.py): the
same short pass rendered with and without them reads alike with the answer (the shot's own caption, the
pass's summary) and differs in the caption's band while the pass walks: the named stage's text from the
shot's start (the lead included: watch 8, finding 3, the summary flashed over the lead's dive) to the
next step's, then no text on the steps without one, never the summary before the answer."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.scenes.follow import pass_schedule
from nnvox.scenes.stage_captions import SWITCH_SECONDS
from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

FPS, DURATION = 2, 8.0
BOARD = """\
[video]
size = "320x180"
fps = 2

[[shot]]
run = "run"
duration = 8
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


def test_a_stage_caption_is_drawn_from_the_shots_start_and_the_summary_only_with_the_answer(tmp_path, digits_run):
    plain = _render(tmp_path, digits_run, "plain", "")
    staged = _render(tmp_path, digits_run, "staged", 'stage_captions = { conv1 = "CONV ONE" }\n')
    schedule = pass_schedule(build_scene(digits_run).levels, DURATION)
    assert len(schedule.steps) >= 2 and schedule.steps[0][0] == 1
    band = lambda image: image[123:141, 90:230].max(axis=2) > 150  # the caption line's light letters
    summary = band(plain[-2])  # the shot's own caption, as drawn with the answer (its last frame fades out)
    shown = lambda image: float(band(image)[summary].mean())  # how much of the summary is drawn
    seconds = lambda k: k * DURATION / (len(plain) - 1)
    half = SWITCH_SECONDS / 2
    conv1_end = schedule.lead + schedule.step - half
    checked = []
    for k, (a, b) in enumerate(zip(plain[:-1], staged[:-1])):
        t = seconds(k)
        if half < t < conv1_end:  # the lead and conv1's step: its own text, not the summary
            assert band(b).sum() > 20 and shown(b) < 0.5 and shown(a) > 0.9, t
        elif conv1_end + SWITCH_SECONDS < t < schedule.answer_start - half:
            assert shown(b) < 0.5 and shown(a) > 0.9, t  # a step without a caption: not the summary
        elif t > schedule.answer_start + half:  # the answer: the summary, as drawn without stage captions
            assert shown(b) > 0.9 and shown(a) > 0.9, t
        else:
            continue
        checked.append(t)
    assert len(checked) >= len(plain) - 5, checked

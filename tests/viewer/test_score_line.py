"""The heads-up line in a storyboard's pictures, read from rendered frames: in a scrub over training
its last line gives the sample's score for its true class so far, inside title-safe at 16:9 and 4:3
at the hall's size (its oldest scores left out where all do not fit, never cut); and the forward
pass's answer (", predicted 9") fades in with the output's class texts, where it came in one frame
(lecturer's watch 3, findings 5 and 8)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.heads_up import ScoreTrail
from nnvox.viewer.theme import TITLE_SAFE

pytestmark = pytest.mark.gl

# the lecture's 9 from before training to epoch 10 (the demo run's recorded scores)
LECTURE_NINE = (0.104, 0.512, 0.762, 0.933, 0.696, 0.988, 0.992, 0.909, 0.999, 0.962, 1.0)


def _renderer(scene, size):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    w, h = size
    return OffscreenRenderer(scene, RenderOptions(width=w, height=h, hall=True, show_labels=False, show_legend=False))


def _ink_columns(image: np.ndarray, rows: slice) -> np.ndarray:
    """The columns where the heads-up line's light text has ink in `rows` (image rows from the top)."""
    return np.flatnonzero((image[rows, :, :3].astype(int).min(axis=2) > 128).any(axis=0))


@pytest.mark.parametrize("size", [(1920, 1080), (1440, 1080)])
def test_a_scrubs_score_line_holds_the_latest_scores_inside_title_safe(lenet_run, size):
    scene = build_scene(lenet_run)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=0)
    w, h = size
    r = _renderer(scene, size)
    try:
        hud = r.scene_renderer.overlays.hud
        for stops in range(2, len(LECTURE_NINE) + 1):  # each snapshot of a scrub over 11
            trail = ScoreTrail("9", "epoch", LECTURE_NINE[:stops])
            hud.show_scores(0)
            image = r.render(dataclasses.replace(frame, scores=trail))
            lines = hud.actor.GetInput().split("\n")
            assert len(lines) == 2, lines  # the line above it kept to one
            shown = lines[-1].split(": ", 1)[1].split(", ")
            every = [f"{s * 100:.0f}" for s in trail.scores]
            assert shown[-1] == every[-1] and "…" not in shown[-1]  # the frame's own last, whole
            kept = [shown[0].removeprefix("… "), *shown[1:]]
            assert kept == every[len(every) - len(kept) :], lines[-1]  # the latest, in order, none cut
            assert shown[0].startswith("… ") == (len(kept) < len(every))  # leaving some out says so
            # 16:9 holds the lecture's whole run of 11 (the watch never saw it at once with 8), 4:3 a
            # dip with the scores either side of it
            least = 11 if w * 9 >= h * 16 else 5
            assert len(kept) >= min(len(every), least), lines[-1]
            top = round((1 - TITLE_SAFE) * h)
            ink = _ink_columns(image, slice(h - top, h // 5))
            assert ink.min() >= TITLE_SAFE * w - 1 and ink.max() <= (1 - TITLE_SAFE) * w, (size, stops)
        hud.show_scores(None)  # a shot of one snapshot: no score line
        r.render(dataclasses.replace(frame, scores=ScoreTrail("9", "epoch", LECTURE_NINE)))
        assert "Score for" not in hud.actor.GetInput()
    finally:
        r.close()


def test_the_answer_fades_in_with_the_output_list_at_the_end_of_the_forward_pass(lenet_run):
    """Frames at the output's light 0.4 (no answer yet), 0.75 (half faded in: class_text_opacity)
    and 1: the pixels where ", predicted" stands go from the background through between to the text."""
    scene = build_scene(lenet_run)
    output = next(b for b in scene.blocks if b.role == "output")
    last = scene.n_snapshots - 1
    size = (1280, 720)
    r = _renderer(scene, size)
    try:
        hud, images = r.scene_renderer.overlays.hud, []
        for lit in (0.4, 0.75, 1.0):
            frame = scene.frame_at(last, sample=0, reveal=(output.order + lit) / scene.levels)
            assert (", predicted " in frame.hud) == (lit >= 1.0)  # the frame's own text: as before
            images.append(r.render(frame).astype(int))
            if lit == 0.75:
                assert hud.arriving.GetVisibility() and 0.4 < hud.arriving.GetTextProperty().GetOpacity() < 0.6
        before, half, after = (im[: size[1] // 6, :, :3].sum(axis=2) for im in images)
        changed = np.abs(after - before) > 150  # the answer's ink: where the line with it differs
        assert changed.sum() > 200
        share = (half[changed] - before[changed]) / (after[changed] - before[changed])
        assert 0.25 < np.median(share) < 0.75  # half way in, not in one frame
        same = ~changed & (after > 400)  # the line's other text: drawn whole throughout
        # (its glyphs' soft edges drawn twice over the fade, a shade heavier, never dimmer)
        assert same.sum() > 500 and np.median(np.abs(half[same] - after[same])) < 10
        assert (half[same] - after[same]).min() > -30
    finally:
        r.close()

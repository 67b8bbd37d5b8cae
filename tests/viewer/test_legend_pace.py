"""A lecture's legend strip in a followed forward pass (overlays/legend_pace.py): every change of a
stage (a bar coming or going, a title or numbers changing) starts with the step and is done by its
travel's end, and a text changes out then in, never swapped in one picture. Before: the bar named a
stage only once lit whole (0.8 s in) and swapped its words in one picture; "probability" faded in
0.83-1.13 s into pool2's step. Measured on the strip's state as the export drives it (the camera
where it stops, then where it is, each picture) over the lecture's 51 s pass, and on its pixels."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from nnvox.scenes.follow import RISE_LEAD, pass_schedule
from nnvox.scenes.shots import forward_light, shot_frames
from nnvox.scenes.storyboard import CameraMove, Shot
from nnvox.viewer.overlays.legend_pace import camera_stops
from nnvox.viewer.theme import TITLE_SAFE

pytestmark = pytest.mark.gl
FPS, BESIDE, DURATION, SIZE = 30, 0.14, 51.0, (640, 360)


def _frames(scene, duration: float = DURATION):
    aspect = SIZE[0] / SIZE[1]
    before = Shot(0, 7, Path("run"), camera=CameraMove(move="overview"))
    carried = shot_frames(before, scene, aspect, FPS, beside=BESIDE, safe=TITLE_SAFE)[-1].pose
    shot = Shot(1, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    return shot_frames(shot, scene, aspect, FPS, carried=carried, beside=BESIDE, safe=TITLE_SAFE)


def _walk(scene, frames, measure, size=SIZE, render: bool = False):
    """`measure(legends, picture)` at each of `frames`, the pane driven as the export drives it."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    renderer = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], hall=True))
    try:
        pane, out = renderer.scene_renderer, []
        pane.pace(FPS)
        stops = camera_stops([f.pose for f in frames], FPS)
        for k, f in enumerate(frames):
            frame = scene.frame_at(scene.n_snapshots - 1, sample=9, reveal=f.reveal)
            frame = dataclasses.replace(frame, lit=forward_light(scene, f.reveal, f.dimmed))
            pane.apply_pose(frames[stops[k][0]].pose)
            pane.overlays.legends.head_for(stops[k][1])
            pane.apply_pose(f.pose)
            picture = renderer.render(frame) if render else pane.draw(frame)
            out.append(measure(pane.overlays.legends, picture))
    finally:
        renderer.close()
    return out


def _state(legends, _picture) -> tuple:
    """Each bar's light and place, and each of its texts' words and opacity."""
    texts = [
        tuple((p.GetInput(), round(p.GetTextProperty().GetOpacity() * p.GetVisibility(), 4)) for p in part[1:])
        for part in legends.parts
    ]
    return tuple(np.round(legends.levels, 4)), tuple(np.round(legends.slots, 4)), tuple(texts)


@pytest.fixture(scope="module")
def lenet_scene(lenet_run):
    from nnvox.scenes.build import build_scene

    return build_scene(lenet_run)


@pytest.mark.parametrize("duration", [DURATION, 24.0])
def test_every_legend_change_starts_with_its_step_and_ends_by_its_travel(lenet_scene, duration):
    frames = _frames(lenet_scene, duration)
    states = _walk(lenet_scene, frames, _state)
    schedule = pass_schedule(lenet_scene.levels, duration)
    changes = [k for k in range(1, len(states)) if states[k] != states[k - 1]]
    named = {text for s in states for bar in s[2] for text, _ in bar}
    assert any("conv1" in t for t in named) and any("pool2" in t for t in named), named  # stages named
    late = []
    for k in changes:
        seconds = k / FPS
        if seconds < schedule.lead or seconds >= schedule.answer_start:
            continue  # (the lead's dive and the answer's pull-back: the camera moving throughout)
        into = (seconds - schedule.lead) % schedule.step
        if not -1e-6 <= into <= schedule.travel + RISE_LEAD:
            late.append((round(seconds, 2), round(into, 2)))
    assert not late, late  # (before: each stage named 0.8 s in, "probability" in pool2's at 0.83-1.13 s)
    # every stage after the first changes the strip: its numbers name it
    starts = {int((k / FPS - schedule.lead) // schedule.step) for k in changes if schedule.lead <= k / FPS}
    assert len(starts & set(range(1, len(schedule.steps)))) >= len(schedule.steps) - 3, sorted(starts)


def test_a_legend_text_changes_out_then_in_never_in_one_picture(lenet_scene):
    states = _walk(lenet_scene, _frames(lenet_scene), _state)
    swaps, outs = [], 0
    for k in range(1, len(states)):
        for before, after in zip(states[k - 1][2], states[k][2], strict=True):
            for (a, shown_a), (b, shown_b) in zip(before, after, strict=True):
                if a != b:
                    outs += 1
                    if min(shown_a, shown_b) > 0:
                        swaps.append((round(k / FPS, 2), a, b, shown_a, shown_b))
    assert outs >= 10, outs  # the stages' titles and numbers do change
    assert not swaps, swaps[:5]  # (before: every change swapped in one picture)


def test_no_legend_text_changes_in_one_picture_on_the_pixels(lenet_scene):
    """relu1's step and pool2's, drawn: in the strip's texts (its bars' pixels aside) no two
    pictures differ by more than a fade's step of the text's ink."""
    frames = _frames(lenet_scene)
    schedule = pass_schedule(lenet_scene.levels, DURATION)
    size = (960, 540)
    strip = []

    def texts(legends, picture):
        top = round(size[1] * (1 - legends.heading_y)) - round(0.06 * size[1])  # the titles' tops
        bars = np.zeros(picture.shape[:2], bool)
        for part in legends.parts:  # the bars' colours aside: their own fade is not a text's change
            x, y = part[0].GetPosition()
            h = part[0].GetHeight()
            bars[round(size[1] * (1 - y - h)) - 2 : round(size[1] * (1 - y)) + 2, round(x * size[0]) - 2 :] = True
        ink = np.abs(picture.astype(float) - picture[-1, -1].astype(float)).max(axis=2)
        ink[bars] = 0
        ink[:top] = 0
        ink[:, round(size[0] * legends.right) :] = 0  # the strip's room only (the notes stand right of it)
        strip.append(ink)
        return None

    steps = []
    for k in (1, 5):  # relu1's step (a new layer's numbers), pool2's ("probability" comes in)
        start = round((schedule.lead + k * schedule.step) * FPS)
        strip.clear()
        _walk(lenet_scene, frames[start - 45 : start + round(schedule.travel * FPS) + 6], texts, size, True)
        ink = np.array(strip[40:])  # (the shot's first pictures draw the strip as it stands: settled by then)
        whole = ink.sum(axis=(1, 2)).max()
        steps += [np.abs(b - a).sum() / whole for a, b in itertools.pairwise(ink)]
    assert max(steps) < 0.3, np.round(steps, 2)  # (before: a swap redrew a whole title and its numbers)


def test_a_bar_never_stands_without_its_words_on_the_pixels(lenet_scene):
    """relu1's step and pool2's, drawn: each bar's colours are never brighter than its title and the
    words under it (their shares of their own brightest), a bar and its words going out and coming
    back together (watch 10, finding 10: at each stage change a bare bar stood 0.1-0.2 s)."""
    frames = _frames(lenet_scene)
    schedule = pass_schedule(lenet_scene.levels, DURATION)
    size = (960, 540)
    found = []

    def shares(legends, picture):
        ink = np.abs(picture.astype(float) - picture[-1, -1].astype(float)).max(axis=2)
        out = {}
        for i, part in enumerate(legends.parts):
            x, y = part[0].GetPosition()
            x0, x1 = round(x * size[0]), round((x + legends.width) * size[0])
            top, bottom = round(size[1] * (1 - y - part[0].GetHeight())), round(size[1] * (1 - y))
            colours = ink[top + 2 : bottom - 2, x0 + 2 : x1 - 2].mean()
            title = ink[top - round(0.06 * size[1]) : top - 2, x0:x1].sum()
            words = ink[bottom + 2 : bottom + round(0.06 * size[1]), x0:x1].sum()
            out[i] = (colours, title, words)
        found.append(out)

    worst = []
    for k in (1, 5):  # relu1's step (a new layer's numbers), pool2's ("probability" comes in)
        start = round((schedule.lead + k * schedule.step) * FPS)
        found.clear()
        _walk(lenet_scene, frames[start - 45 : start + round(schedule.travel * FPS) + 6], shares, size, True)
        for i in found[-1]:
            series = np.array([f[i] for f in found[40:]])  # (settled by then: the shot's first pictures)
            light = series / np.maximum(series.max(axis=0), 1e-9)
            # the bar's colours' share over its title's or its words' share: a bare bar
            worst.append(float((light[:, 0] - light[:, 1:].min(axis=1)).max()))
    assert max(worst) < 0.35, np.round(worst, 2)  # (before: 1.0, the bar whole, its words gone)

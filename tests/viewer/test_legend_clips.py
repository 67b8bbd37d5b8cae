"""A bar's printed ends say ≤/≥ exactly where its scale clips the values the run recorded (a ninth
watch: "−4.8 0 +4.8" over conv1's 5.61, while the opened layer's bar read "≤ −4.8 … ≥ 4.8"), and a
forward pass's bar keeps one title wording through every stage ("activation of conv1" ... "activation
of relu3", not "pool2" alone once the probability bar stood beside it)."""

from __future__ import annotations

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.overlays.legends import range_words
from tests.viewer.test_legend_numbers import _bars, _number

PASS = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3")


def test_marks_follow_the_clipped_ends_and_are_never_dropped_for_a_plus():
    assert range_words(-4.78, 4.78, True, clips=(True, True)) == ("≤ −4.8", "0", "≥ 4.8")
    assert range_words(-4.78, 4.78, True, clips=(True, True), tight=True) == ("≤−4.8", "0", "≥4.8")
    assert range_words(-4.78, 4.78, True, clips=(False, True), tight=True) == ("−4.8", "0", "≥4.8")
    assert range_words(-4.78, 4.78, True, clips=(False, False)) == ("−4.8", "0", "+4.8")
    assert range_words(0.0, 1.0, False, exact=True) == ("0", "1")


def _recorded(run, name: str) -> tuple[float, float]:
    """The lowest and highest value of layer `name`'s activations over the run's snapshots."""
    stats = [run.stats(s.index)[f"act/{name}"] for s in run.snapshots]
    return min(s[0] for s in stats), max(s[3] for s in stats)


@pytest.mark.gl
def test_a_forward_pass_marks_each_end_iff_it_clips_under_one_title_wording(lenet_run):
    scene = build_scene(lenet_run, SceneOptions())
    blocks = {b.name: b for b in scene.blocks}
    titles, marks = [], set()
    for front in PASS:  # the pass lit up to `front`, the blocks ahead dark (forward_light once dimmed)
        lit = {b.name: 1.0 if b.order <= blocks[front].order else 0.0 for b in scene.blocks}
        bars = _bars(scene, lit=lit)
        named = [t for t in bars if front in t.split()]
        assert len(named) == 1, (front, bars)
        words, scale = bars[named[0]], blocks[front].scale
        low, high = _recorded(lenet_run, front)
        assert words[0].startswith("≤") == (low < scale.lo), (front, words, low, scale)
        assert words[-1].startswith("≥") == (high > scale.hi), (front, words, high, scale)
        assert not words[-1].startswith("+") or high <= scale.hi, (front, words)  # never "+" for a clipped end
        assert _number(words[0]) == float(f"{scale.lo:.2g}") and _number(words[-1]) == float(f"{scale.hi:.2g}")
        titles.append(named[0].replace(front, "{name}"))
        marks.add(words[-1][1] == " " if words[-1][0] in "≤≥" else None)
    assert len(set(titles)) == 1, titles  # one wording through the pass
    assert titles[0] == "activation of {name}", titles  # the bar alone: room for the long form
    assert len(marks - {None}) <= 1, marks  # one words form (spaced or tight) through the pass

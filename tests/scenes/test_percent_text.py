"""Probabilities as the class list, the score chart and the page print them (watch 10): "100%" only
for 1 and "0%" only for 0, a share that rounds to an end without being at it one decimal more or
">99.9%" / "<0.1%" (the lecture's mistake, 0.99998, printed "0 100%"), the list's numbers aligned."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.heads_up import WIDEST_PERCENT, class_percents, percent


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (1.0, "100%"),
        (0.0, "0%"),
        (0.99998, ">99.9%"),  # the lecture's most confident mistake
        (0.9996, ">99.9%"),  # its 9 at epoch 10
        (0.9994, "99.9%"),  # epoch 8's
        (0.996, "99.6%"),
        (0.995, "99.5%"),  # rounds (half to even) to 100 at no decimals
        (0.9949, "99%"),
        (0.51, "51%"),
        (0.004, "0.4%"),
        (0.0004, "<0.1%"),
        (1e-12, "<0.1%"),
        (float("nan"), "–"),
    ],
)
def test_a_probability_reads_100_or_0_only_at_the_end_itself(share, text):
    assert percent(share) == text


def test_many_classes_at_one_decimal_keep_the_same_rule():
    assert [percent(p, places=1) for p in (1.0, 0.99996, 0.9994, 0.00004, 0.0)] == [
        "100.0%",
        ">99.9%",
        "99.9%",
        "<0.1%",
        "0.0%",
    ]


def test_no_probability_short_of_1_prints_100_nor_above_0_prints_0():
    shares = np.concatenate([1 - np.logspace(-12, -1, 400), np.logspace(-12, -1, 400)])
    numbers = [percent(float(p), sign="") for p in shares]
    assert "100" not in numbers and "0" not in numbers
    # and each reads its share within its rounding or as an honest bound
    for p, n in zip(shares, numbers, strict=True):
        if n.startswith(">"):
            assert p * 100 > float(n[1:])
        elif n.startswith("<"):
            assert p * 100 < float(n[1:])
        else:
            assert abs(float(n) - p * 100) <= 0.5 * 10 ** -(len(n.partition(".")[2])) + 1e-9


def test_the_lists_percent_signs_stand_in_one_column_as_drawn():
    """The rows' numbers padded to the widest as drawn in the overlays' font: every row of a list of
    one-character names is equally wide ("7    0%" under "9  100%" stood a digit, 22 px, short)."""
    from nnvox.viewer.overlays.hud import text_width

    for probs in ([0.9996, 0.0003, 0.0001, 0.00005, 0.0], [0.76, 0.18, 0.03, 0.01, 0.01], [1.0, 0.0, 0, 0, 0]):
        rows = class_percents("97831", probs)
        widths = [text_width(row, 40) for row in rows]
        assert max(widths) - min(widths) <= 3, (rows, widths)  # "<" and ">" are 2 px wider than a digit
        assert max(widths) <= text_width(f"9  {WIDEST_PERCENT}", 40) + 1
    assert class_percents("97", [0.9996, 0.0003]) == ("9  >99.9%", "7    <0.1%")
    assert class_percents("01", [float("nan"), 0.2])[0] == "0  NaN"


def test_the_run_s_frames_print_the_rule(lenet_run):
    """The class texts of a recorded run's frames (what the desktop draws, and the page, which shows
    the snapshot's texts as sent) end in the printed share of each softmax probability."""
    from nnvox.scenes.build import build_scene

    scene = build_scene(lenet_run)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=0)
    ((name, texts),) = frame.texts.items()
    probs = frame.values[name].ravel()[: len(texts)]
    for text, p in zip(texts, probs, strict=True):
        assert text.endswith(" " + percent(float(p))), (text, p)
    from nnvox.viewer.web.frames import snapshot_piece  # the page's texts: the same rows

    assert snapshot_piece(scene, scene.n_snapshots - 1, 0, 5).texts[name] == texts


def test_the_score_charts_value_has_room_for_its_widest_form():
    """The chart keeps room right of its curve's end for the widest value it prints: ">99.9%" where
    the 9 reaches 99.96% (the lecture's epoch 10), "100%" for a curve that never comes near an end."""
    from nnvox.viewer.overlays.hud import sized_extent
    from nnvox.viewer.overlays.score_chart import chart_shape, value_forms

    nine = (0.10, 0.51, 0.76, 0.93, 0.70, 0.99, 0.99, 0.91, 0.9994, 0.96, 0.9996)
    assert ">99.9%" in value_forms(nine) and value_forms((0.1, 0.5, 0.9)) == ("100%",)
    for scores in (nine, (0.1, 0.5, 0.9), (0.0001, 0.5)):
        shape = chart_shape(40, "probability of the 9, per epoch", values=value_forms(scores), bold=True)
        right = shape.width - shape.area[2]  # the room right of the curve's end
        printed = {percent(s) for s in scores} | {percent(float(s)) for s in np.linspace(min(scores), max(scores), 999)}
        assert all(sized_extent(p, 40, bold=True)[0] < right for p in printed), (scores, right)

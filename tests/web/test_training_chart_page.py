"""The page's training chart follows the desktop's rule (scenes/training_chart.py): the held-out
loss from snapshot 0, each scale's ends named, a tick label per snapshot (every k-th that fit),
every text inside the inset and none over another, at a wide and a narrow page size."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

TEXTS = """(() => {
  const v = window.nnvoxViewer;
  const r = document.querySelector('.nnvox-metrics').getBoundingClientRect();
  return {box: [r.left, r.top, r.right, r.bottom], rects: v.inset.textRects(), area: v.inset.area};
})()"""


@pytest.mark.parametrize("size", [(1280, 720), (640, 480)])
def test_the_pages_chart_names_its_scales_and_ticks_and_starts_the_loss_at_0(digits_page, size):
    page = digits_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        digits_page.settle()
        drawn = page.evaluate(TEXTS)
        metrics = page.evaluate("window.nnvoxViewer.scene.metrics")
        picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})
        digits_page.settle()
    x0, y0, x1, y1 = drawn["box"]
    rects = drawn["rects"]
    assert len(rects) >= 2 + 2 + 2  # two titles, a scale's top each, the first and last ticks at least
    for a in rects:
        assert x0 - 1 <= a[0] and a[2] <= x1 + 1 and y0 - 1 <= a[1] and a[3] <= y1 + 1, (a, drawn["box"])
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"{a} over {b}"
    accuracy, loss = metrics["curves"]
    assert (accuracy["label"], loss["label"]) == ("held-out accuracy", "held-out loss")
    assert loss["runs"][0][0][0] == 0 and loss["dashed"] and metrics["ticks"][0][0] == "before"
    a0, top, _, bottom = drawn["area"]
    y = y0 + bottom - loss["runs"][0][0][1] * (bottom - top)  # where the held-out loss starts: snapshot 0
    around = picture[round(y) - 4 : round(y) + 5, round(x0 + a0) - 4 : round(x0 + a0) + 5]
    assert (np.abs(around - np.array(loss["colour"])).max(axis=2) <= 45).sum() >= 4


def test_the_pages_scale_names_are_centred_on_their_values(digits_page):
    """As on the desktop: each scale's name's ink centred on its value's height (the page drew "0%"
    with its bottom on 0 and "100%" with its top on 100%, a 13% point read as 0%), read off the
    screenshot in each curve's colour beside the curves' area."""
    page = digits_page.page
    digits_page.settle()
    drawn = page.evaluate(TEXTS)
    metrics = page.evaluate("window.nnvoxViewer.scene.metrics")
    picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    y0 = drawn["box"][1]
    _, top, _, bottom = drawn["area"]
    names = drawn["rects"][-4:]  # each curve's top's name, then its bottom's (drawn last)
    for curve, (upper, lower) in zip(metrics["curves"], (names[:2], names[2:]), strict=True):
        for rect, y in ((upper, y0 + top), (lower, y0 + bottom)):
            left, right, high = round(rect[0]), round(rect[2]) + 1, round(rect[1]) - 3
            band = picture[high : round(rect[3]) + 4, left:right]  # its ink's rows, and 3 more each side
            rows = np.flatnonzero((np.abs(band - np.array(curve["colour"])).max(axis=2) <= 60).any(axis=1))
            assert rows.size, (curve["label"], rect)
            middle = high + (rows.min() + rows.max()) / 2
            assert abs(middle - y) <= 1.5, f"{curve['label']}: a name's middle at {middle}, its value at {y:.1f}"

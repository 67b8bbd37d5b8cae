"""The training chart as drawn: a tick per snapshot, the held-out loss's curve from snapshot 0, every
text inside the inset and none over another at 480p, 1080p and 2160p; a run recorded before the
held-out loss still draws (its training loss from epoch 1, titled so)."""

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene


def _drawn(scene, width: int, height: int):
    """The picture at the last snapshot, the inset, and each of its texts' boxes (image pixels: x
    right, y down) as vtk drew them."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    r = OffscreenRenderer(scene, RenderOptions(width=width, height=height, show_labels=False, hall=False))
    try:
        image = r.render(scene.frame_at(scene.n_snapshots - 1)).astype(int)
        inset = r.scene_renderer.overlays.metrics
        texts = []
        for prop in inset.props:
            if prop.IsA("vtkTextActor") and prop.GetVisibility():
                box = [0.0] * 4
                prop.GetBoundingBox(inset.stage.renderer, box)  # x0, x1, y0, y1 from its anchor, y up
                x, y = prop.GetPositionCoordinate().GetComputedDisplayValue(inset.stage.renderer)
                texts.append((prop.GetInput(), (x + box[0], height - y - box[3], x + box[1], height - y - box[2])))
        return image, inset, texts
    finally:
        r.close()


def _near(pixels, rgb, tolerance: int = 45) -> np.ndarray:
    colour = np.array([round(255 * v) for v in rgb])
    return np.abs(pixels - colour).max(axis=-1) <= tolerance


@pytest.mark.gl
@pytest.mark.parametrize(("width", "height"), [(854, 480), (1920, 1080), (3840, 2160)])
def test_ticks_loss_from_snapshot_0_and_texts_apart(digits_run, width, height):
    scene = build_scene(digits_run)
    image, inset, texts = _drawn(scene, width, height)
    x0, y0, x1, y1 = inset.box
    frame = (width * x0, height * (1 - y1), width * x1, height * (1 - y0))
    for text, (a, b, c, d) in texts:  # inside the inset's frame
        assert frame[0] <= a and c <= frame[2] + 1 and frame[1] <= b and d <= frame[3] + 1, (text, frame)
    for i, (t, p) in enumerate(texts):  # and none over another
        for u, q in texts[i + 1 :]:
            apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
            assert apart, f"{t!r} {p} over {u!r} {q}"
    words = {t for t, _ in texts}
    assert {"held-out accuracy", "held-out loss", "before", "100%", "2.5"} <= words
    assert any(t.startswith("epoch ") for t in words)  # the last tick names what is counted
    ax0, ay0, ax1, ay1 = inset.chart.place.area
    colours = inset.stage.colours
    below = image[round(height - ay0) + 1 : round(height - ay0) + 3]  # the ticks, under the baseline
    ticks = _near(below, colours.panel_frame, 30).any(axis=0)
    for x in np.linspace(ax0, ax1, scene.n_snapshots):
        assert ticks[round(x) - 1 : round(x) + 2].any(), f"no tick at x={x:.0f}"
    first = scene.metrics["held-out loss"][0] / 2.5  # the loss's scale: 0 to 2.5
    y = round(height - (ay0 + (ay1 - ay0) * first))
    start = image[y - 4 : y + 5, round(ax0) - 4 : round(ax0) + 5]
    assert _near(start, colours.curve_rgb("loss")).sum() >= 4, "the held-out loss starts at snapshot 0"


@pytest.mark.gl
def test_a_run_without_the_held_out_loss_still_draws(digits_run):
    scene = build_scene(digits_run)
    old = {"accuracy": scene.metrics["held-out accuracy"], "loss": scene.metrics["loss"]}
    image, inset, texts = _drawn(dataclasses.replace(scene, metrics=old), 1920, 1080)
    words = {t for t, _ in texts}
    assert {"accuracy", "training loss"} <= words
    ax0, ay0, ax1, ay1 = inset.chart.place.area
    left = round(ax0) - 8  # the curves' area (its scales' names beside it left out)
    area = image[round(1080 - ay1) - 4 : round(1080 - ay0) + 2, left : round(ax1) + 3]
    columns = left + np.flatnonzero(_near(area, inset.stage.colours.curve_rgb("loss")).any(axis=0))
    step = (ax1 - ax0) / (scene.n_snapshots - 1)
    assert columns.min() >= ax0 + step - 6, "no loss drawn before its first value (epoch 1)"
    assert columns.max() >= ax1 - step / 2  # to the last snapshot (its dashes and the cursor there aside)


def _ink_middle(image, box, height: int) -> float:
    """The height (pixels, y up) of the middle of a text's ink within its `box` (and a pixel more
    above and below): its rows that stand out of the box's background (its median colour)."""
    left, top, right, bottom = (round(v) for v in box)
    area = image[top - 1 : bottom + 1, left : right + 1]
    ink = np.abs(area - np.median(area.reshape(-1, 3), axis=0)).max(axis=-1) > 60
    rows = top - 1 + np.flatnonzero(ink.any(axis=1))
    return height - (rows.min() + rows.max()) / 2


@pytest.mark.gl
@pytest.mark.parametrize(("width", "height"), [(854, 480), (1920, 1080)])
def test_scale_names_centred_on_their_values_and_points_at_theirs(digits_run, width, height):
    """A lecturer read the 13% point as 0%: "0%" stood with its bottom on 0 and "100%" with its top
    on 100%. Each scale's name's digits are centred on its value's height, and the last point is
    where its value is."""
    scene = build_scene(digits_run)
    image, inset, texts = _drawn(scene, width, height)
    _, ay0, ax1, ay1 = inset.chart.place.area
    boxes = dict(texts)
    colours = inset.stage.colours
    for name, y in (("100%", ay1), ("0%", ay0), ("2.5", ay1), ("0", ay0)):
        middle = _ink_middle(image, boxes[name], height)
        assert abs(middle - y) <= 2.0, f"{name!r}'s middle at y={middle:.1f}, its value's at {y:.1f}"
    last = scene.metrics["held-out accuracy"][-1]
    column = image[:, round(ax1) - 6 : round(ax1) - 2]  # the curve's end, left of the cursor
    rows = np.flatnonzero(_near(column, colours.curve_rgb("accuracy"), 30).any(axis=1))
    drawn = height - rows.mean()
    assert abs(drawn - (ay0 + (ay1 - ay0) * last)) <= 2.0, f"the last point at y={drawn:.1f} for {last:.3f}"
    xs = dict(zip(inset.chart.chart.ticks, inset.chart.xs, strict=True))
    for text, (_, _, right, _) in inset.chart.texts:  # each tick label's number under its tick ("epoch 3": the 3)
        if text in xs:
            number = inset.chart._extent(text.rpartition(" ")[2])[0]
            assert abs(right - number / 2 - xs[text]) <= 1.0, f"{text!r} not under its tick at x={xs[text]:.0f}"

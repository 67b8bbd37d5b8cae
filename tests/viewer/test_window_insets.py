"""The insets the window shares with off-screen pictures: the metrics cursor never strikes through
the inset's labels, and the histogram's title and note are fitted to the panel by measured width
(never cut at its edge). The slider's tick labels thin out where they would collide."""

import numpy as np
import pytest
import vtk

from nnvox.viewer.desktop.slider import thinned, tick_label
from nnvox.viewer.overlays.histogram import NOTE_SEPARATOR, fitted
from nnvox.viewer.overlays.metrics import curves_height, text_extent


def _prop(size: int = 14) -> vtk.vtkTextProperty:
    prop = vtk.vtkTextProperty()
    prop.SetFontSize(size)
    return prop


def test_a_note_fits_its_width_leaving_out_the_leading_parts_first():
    prop, parts = _prop(), ["1,024 values", "axis 0–14.2% (a 44% bar clipped)", "grey: epoch 0"]
    whole = NOTE_SEPARATOR.join(parts)
    assert fitted(prop, parts, text_extent(prop, whole)[0]) == whole
    narrower = fitted(prop, parts, text_extent(prop, whole)[0] - 1)
    assert narrower == NOTE_SEPARATOR.join(parts[1:])  # the count goes first
    title = "features.denseblock4.denselayer16.conv2 · activations"
    for width in (60, 120, 200):
        short = fitted(prop, [title], width)
        assert text_extent(prop, short)[0] <= width and short.endswith("…") and title.startswith(short[:-1])


def test_tick_labels_thin_out_where_they_would_collide():
    class Snap:
        def __init__(self, i):
            self.index, self.epoch, self.step = i, i, None

    labels = [tick_label(Snap(i)) for i in range(13)]
    assert labels[:3] == ["before", "1", "2"] and labels[-1] == "12"
    widths = np.array([7.0 * len(t) for t in labels])
    roomy = thinned(np.arange(13) * 60.0, widths)
    assert all(roomy)
    tight = thinned(np.arange(13) * 20.0, widths)
    assert tight[0] and tight[-1] and not all(tight)
    kept = np.flatnonzero(tight)
    left, right = kept * 20.0 - widths[kept] / 2, kept * 20.0 + widths[kept] / 2
    assert (left[1:] - right[:-1] >= 6).all()  # none of those kept touch


@pytest.mark.gl
def test_the_metrics_cursor_stays_under_the_inset_labels(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    box = (0.7, 0.02, 0.98, 0.3)
    w, h = 960, 540
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, show_labels=False, metrics_box=box, hall=False))
    image = r.render(scene.frame_at(scene.n_snapshots - 1)).astype(int)  # the cursor at the last snapshot
    _, bottom, x, _ = r.scene_renderer.overlays.metrics.chart.place.area  # the chart's pixels, y up
    r.close()
    x = round(x)
    white = (image[:, x - 4 : x + 3] > 235).all(axis=2).any(axis=1)  # rows the cursor's white is in
    top, curves_top = int(h * (1 - box[3])), int(h * (1 - box[1] - (box[3] - box[1]) * curves_height(box)))
    assert white[curves_top + 2 : int(h - bottom) - 2].mean() > 0.8  # the cursor over the curves
    assert not white[top + 3 : curves_top - 2].any()  # and none of it through the labels' band

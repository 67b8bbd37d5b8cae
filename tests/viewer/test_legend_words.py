"""Issue 17 item 6, colour legends a lecturer's students can read, on the demo's LeNet: each bar's
title names the layers it colours (not two bars both "activation, per layer"), an attribution
plane's colours get their own bar, and a block's layout gaps are not called "padding" (the word the
explain shot uses for a convolution's padding)."""

from __future__ import annotations

import dataclasses

import pytest

from nnvox.viewer.overlays.legends import ATTRIBUTION_TITLES, MARKS, SHORT_MARKS, colour_bars, drawn_marks
from tests.viewer.picture_policy import SIZES, drawn_texts, legend_words_missing


def _scene(run, **options):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.view import ViewSpec

    spec = dataclasses.replace(ViewSpec(mode=options.pop("mode", "activations")), **options)
    return build_scene(run, spec.scene_options())


def test_each_activation_bar_names_the_layers_it_colours(lenet_run):
    """LeNet's viridis layers are its ReLUs, pools and softmax answer; its red-blue ones its conv and
    linear outputs: the titles say so, and what their values share, and differ."""
    bars = {b.cmap: b for b in colour_bars("activations", _scene(lenet_run).blocks)}
    assert set(bars) == {"viridis", "diverging"}
    assert bars["viridis"].titles[0] == "ReLU, pooling and answer (never negative), per layer"
    assert bars["diverging"].titles[0] == "conv and linear (signed), per layer"
    assert bars["diverging"].words == ("negative", "0", "positive")


def test_an_attribution_plane_gets_its_own_bar_in_its_sign_convention(lenet_run):
    """Integrated gradients of each sample's predicted class (capture/attributions.py): positive
    (red) pushed towards the answer; its bar comes after the layers' and only with the plane."""
    bars = colour_bars("activations", _scene(lenet_run, attribution="integrated-gradients").blocks)
    assert [b.cmap for b in bars] == ["viridis", "diverging", "diverging"]
    assert bars[-1].titles == ATTRIBUTION_TITLES and bars[-1].words == ("against", "0", "towards")
    assert bars[1].titles[0] == "conv and linear (signed), per layer"  # the plane is no layer
    assert all(b.titles != ATTRIBUTION_TITLES for b in colour_bars("activations", _scene(lenet_run).blocks))


def test_layout_gaps_are_not_called_padding():
    assert not [w for w in (*MARKS.values(), *SHORT_MARKS.values()) if "padding" in w]
    assert MARKS["padding"].startswith("unused")


@pytest.mark.gl
def test_the_mistake_shots_three_bars_read_whole_over_their_bars(lenet_run):
    """At 480p and 1080p the mistake shot's picture (the attribution plane under the input) shows all
    three bars' titles (a form that fits over its bar and the gap) and words, clear of the metrics
    inset; the weights mode shows its layout gaps' entry as "unused"."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scenes = {m: _scene(lenet_run, mode=m, attribution=a) for m, a in (("activations", "integrated-gradients"),)}
    scenes["weights"] = _scene(lenet_run, mode="weights", attribution=None)
    for size_name in ("480p", "1080p"):
        w, h = SIZES[size_name]
        for mode, scene in scenes.items():
            frame = scene.frame_at(scene.n_snapshots - 1)
            r = OffscreenRenderer(scene, RenderOptions(width=w, height=h))
            try:
                r.render(frame)
                texts, legends = drawn_texts(r), r.scene_renderer.overlays.legends
            finally:
                r.close()
            where = f"{mode} {size_name}"
            assert not legend_words_missing(texts, scene), where
            titles = [t for t in texts if any(t["text"] in b.titles for b in legends.bars)]
            assert len(titles) == len(legends.bars), where
            room = (legends.width + legends.stage.layout.legend_gap) * w
            assert all(t["box"][2] - t["box"][0] <= room for t in titles), where
            right = max(t["box"][2] for t in titles)
            assert right <= legends.stage.layout.metrics_box[0] * w, where
            if "padding" in drawn_marks(frame, RenderOptions()):
                assert any(t["text"] in (MARKS["padding"], SHORT_MARKS["padding"]) for t in texts), where
            assert not [t["text"] for t in texts if "padding" in t["text"]], where

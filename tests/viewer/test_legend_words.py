"""Issue 17 item 6, colour legends a lecturer's students can read, on the demo's LeNet: each bar's
title names the layers it colours (not two bars both "activation, per layer"), an attribution
plane's colours get their own bar, and a block's layout gaps are not called "padding" (the word the
explain shot uses for a convolution's padding)."""

from __future__ import annotations

import dataclasses

import pytest

from nnvox.viewer.overlays.legends import (
    ANSWER_TITLES,
    AT_LEAST,
    ATTRIBUTION_TITLES,
    KERNEL_TITLES,
    MARKS,
    NOTES,
    SHORT_MARKS,
    colour_bars,
    drawn_marks,
    drawn_notes,
)
from nnvox.viewer.theme import TITLE_SAFE
from tests.viewer.picture_policy import SIZES, drawn_texts, legend_words_missing


def _scene(run, **options):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.view import ViewSpec

    spec = dataclasses.replace(ViewSpec(mode=options.pop("mode", "activations")), **options)
    return build_scene(run, spec.scene_options())


def test_each_activation_bar_names_the_layers_it_colours(lenet_run):
    """LeNet's softmax answer is on its own fixed 0 ... 1 (viridis), its conv, ReLU, pooling and
    linear layers red-blue, each conv or linear layer on one scale with the ReLU and pooling after it
    (scenes/run_scales.stage_scales): the titles say so, and what their values share; the answer's
    bar, one scale, says its numbers."""
    blocks = _scene(lenet_run).blocks
    bars = {b.cmap: b for b in colour_bars("activations", blocks)}
    assert set(bars) == {"viridis", "diverging"}
    assert bars["viridis"].titles == ANSWER_TITLES and bars["viridis"].words == ("0", "1")
    signed = bars["diverging"]
    assert signed.titles[0] == "conv, ReLU, pooling and linear (signed), per stage"
    assert "conv and linear stages (±)" in signed.titles  # the stages' heads where all kinds do not fit
    assert signed.words == ("−", "0", "+")
    shared = {b.name for b in blocks if b.scale == next(c for c in blocks if c.name == "conv1").scale}
    assert shared == {"conv1", "relu1", "pool1"}  # what "per stage" says


def test_an_attribution_plane_gets_its_own_bar_in_its_sign_convention(lenet_run):
    """Integrated gradients of each sample's predicted class (capture/attributions.py): positive
    (red) pushed towards the answer; its bar comes after the layers' and only with the plane."""
    bars = colour_bars("activations", _scene(lenet_run, attribution="integrated-gradients").blocks)
    assert [b.cmap for b in bars] == ["viridis", "diverging", "diverging"]
    assert bars[-1].titles == ATTRIBUTION_TITLES and bars[-1].words == ("against", "0", "towards")
    assert bars[1].titles[0] == "conv, ReLU, pooling and linear (signed), per stage"  # the plane is no layer
    assert all(b.titles != ATTRIBUTION_TITLES for b in colour_bars("activations", _scene(lenet_run).blocks))


def test_a_bar_of_several_own_scales_says_its_ends_are_each_layers(lenet_run):
    """update-ratio: every weight its layer's own sequential scale from 0: no number under the bar
    (it would need a layer), the ends said to be each layer's; the notes say whose and that they stay."""
    blocks = _scene(lenet_run, mode="update-ratio").blocks
    (bar,) = colour_bars("update-ratio", blocks)
    assert len({b.scale for b in blocks}) == len(blocks) > 1
    assert bar.words == ("each layer's low", "its high")
    assert drawn_notes(blocks, epochs=True)[-1] == "per layer, epochs"
    assert drawn_notes(blocks, epochs=False) == ("filters",)  # whose scales: the title says it, where it fits


def test_the_distance_bars_top_says_some_weights_moved_further(lenet_run):
    """distance-from-start's one scale ends at a robust top (the layers' 99th percentile): weights
    that moved further are drawn in its top colour, so its number reads "≥ top", and there are such."""
    import numpy as np

    scene = _scene(lenet_run, mode="distance-from-start")
    (bar,) = colour_bars(scene.mode, scene.blocks)
    (scale,) = {b.scale for b in scene.blocks}
    lo, top = bar.words
    assert (
        lo == "0"
        and top.startswith(AT_LEAST)
        and float(top.removeprefix(AT_LEAST)) == pytest.approx(scale.hi, rel=0.05)
    )
    last = lenet_run.snapshots[-1].index
    keys = [b.key for b in scene.blocks]
    moved = max(np.abs(lenet_run.read(last, [k])[k] - lenet_run.read(0, [k])[k]).max() for k in keys)
    assert moved > scale.hi  # what the "≥" is for


def test_the_notes_say_what_a_closed_block_shows_and_that_scales_stay(lenet_run):
    """Closed blocks of several maps (activations) or filters (weights; open ones show theirs) get
    their note; the epochs' words only where the epochs change."""
    activations = _scene(lenet_run).blocks
    assert drawn_notes(activations, epochs=False) == ("maps",)
    assert drawn_notes(activations, epochs=True) == ("maps", "per stage, epochs")
    weights = _scene(lenet_run, mode="weights").blocks
    assert drawn_notes(weights, epochs=False) == ("filters",)
    opened = _scene(lenet_run, mode="weights", open=("conv1", "conv2")).blocks
    assert "filters" not in drawn_notes(opened, epochs=False)
    # conv1's maps side by side: "front: map 0, others behind" would read as about them (watch 2, 21-27.6 s)
    open_maps = _scene(lenet_run, open=("input", "conv1")).blocks
    assert any(b.panels > 1 and b.opened is None for b in open_maps)  # relu1 ... still closed stacks
    assert "maps" not in drawn_notes(open_maps, epochs=False), drawn_notes(open_maps, epochs=False)
    distance = _scene(lenet_run, mode="distance-from-start").blocks
    assert drawn_notes(distance, epochs=True)[-1] == "epochs" and not drawn_notes(distance[-1:], epochs=False)
    assert "map 0" in NOTES["maps"] and "filter 0" in NOTES["filters"]


def test_layout_gaps_are_not_called_padding():
    assert not [w for w in (*MARKS.values(), *SHORT_MARKS.values()) if "padding" in w]
    assert MARKS["padding"].startswith("unused")


@pytest.mark.gl
def test_the_mistake_shots_three_bars_read_whole_over_their_bars(lenet_run):
    """At 480p and 1080p the mistake shot's picture (the attribution plane under the input) shows all
    three bars' titles (a form that fits over its bar and the gap) and words, inside title-safe
    (theme.TITLE_SAFE: the lecture draws no metrics inset); the weights mode shows its layout gaps'
    entry as "unused"."""
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
            # a lecture's picture draws no chart: its three bars take the strip's width inside title-safe
            right = max(t["box"][2] for t in titles)
            assert right <= (1 - TITLE_SAFE) * w, where
            if "padding" in drawn_marks(frame, RenderOptions()):
                assert any(t["text"] in (MARKS["padding"], SHORT_MARKS["padding"]) for t in texts), where
            assert not [t["text"] for t in texts if "padding" in t["text"]], where


@pytest.mark.gl
def _hall_texts(scene, size_name: str) -> list[dict]:
    """The texts drawn on the scene's last snapshot at a lecture's (hall) size."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    w, h = SIZES[size_name]
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, hall=True))
    try:
        r.render(scene.frame_at(scene.n_snapshots - 1))
        return drawn_texts(r)
    finally:
        r.close()


@pytest.mark.parametrize("size_name", ["480p", "1080p"])
def test_every_signed_bar_keeps_its_0_at_lecture_size(lenet_run, size_name):
    """The mistake shot's bars at a lecture's size (hall: 40 px words at 1080p) read in one style,
    each with its middle "0": the activation bar said "negative   positive" (its long words fitted
    without the 0) beside the attribution's "against 0 towards" and every other shot's "− 0 +"
    (a sixth watch)."""
    scene = _scene(lenet_run, attribution="integrated-gradients")
    texts = _hall_texts(scene, size_name)
    shown = [t["text"] for t in texts]
    assert shown.count("0") >= 2, shown  # the activation bar's and the attribution's
    assert not {"negative", "positive"} & set(shown), shown
    assert not legend_words_missing(texts, scene), shown


@pytest.mark.gl
@pytest.mark.parametrize("size_name", ["480p", "1080p"])
def test_the_kernels_beside_open_maps_have_their_own_bar(lenet_run, size_name):
    """conv1 open beside the input (the lecture's six maps shot): the 5 x 5 grids left of its maps
    are weights, and a bar says so ("kernel weights", "− 0 +"), drawn in the picture beside the
    activations' bar; with conv1 closed no such bar (its kernels are not drawn)."""
    assert all(b.titles != KERNEL_TITLES for b in colour_bars("activations", _scene(lenet_run).blocks))
    scene = _scene(lenet_run, open=("input", "conv1"))
    kernels = [b for b in colour_bars("activations", scene.blocks) if b.titles == KERNEL_TITLES]
    assert len(kernels) == 1 and kernels[0].words == ("−", "0", "+")
    texts = _hall_texts(scene, size_name)
    shown = [t["text"] for t in texts]
    # its own title, or conv1's kernels named over their scale's numbers (legend_focus.py)
    from nnvox.viewer.overlays.legend_focus import KERNEL_FORMS

    assert {*KERNEL_TITLES, *(f.format(name="conv1") for f in KERNEL_FORMS)} & set(shown), shown
    assert shown.count("0") >= 2, shown  # the activations' and the kernels' middles


@pytest.mark.gl
@pytest.mark.parametrize("hall", [True, False], ids=["lecture", "window"])
@pytest.mark.parametrize(
    "size", [(1920, 1080), (1440, 1080), (1080, 1080), (608, 1080)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_the_notes_read_whole_at_lecture_size_clear_of_every_text(lenet_run, size, hall):
    """At 16:9, 4:3, 1:1 and 9:16 (1080 px high) LeNet's overview over the epochs shows both notes
    (in one of their forms) in the window's pane (a lecture's at 16:9 the colours' alone: its maps
    behind are slivers there, legends.maps_seen_behind): at the lecture's size, inside the frame, over no
    other text (block labels keep off the room the notes may take, labels.reserved). A lecture's
    picture draws them at 28 px capitals (theme.NOTE_TEXT) right of the colour bars at 16:9, and
    leaves them out of a narrower frame, where that corner has no room for them, rather than
    drawing them smaller."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions, cap_height
    from nnvox.viewer.overlays.legends import SHORT_NOTES
    from nnvox.viewer.theme import NOTE_TEXT
    from tests.viewer.picture_policy import _overlap, check_lecture_text

    scene = _scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], hall=hall))
    try:
        r.scene_renderer.overlays.legends.show_notes(epochs=True)
        r.render(scene.frame_at(0))
        texts = drawn_texts(r)
    finally:
        r.close()
    forms = {*NOTES.values(), *SHORT_NOTES.values()}
    notes = [t for t in texts if t["text"] in forms]
    wide = size[0] / size[1] >= 16 / 9
    # (a lecture's leaves the faces' note out where the maps behind are slivers: the overview's)
    kinds = ("per stage, epochs",) if wide and hall else ("maps", "per stage, epochs") if not hall else ()
    # (two notes may share a short form: "compare colours over epochs" per layer and per stage)
    assert len(notes) == len(kinds) and all({NOTES[k], SHORT_NOTES[k]} & {t["text"] for t in notes} for k in kinds), (
        size,
        [t["text"] for t in notes],
    )
    check_lecture_text(f"the notes at {size}", notes, size)
    assert not hall or all(cap_height(t["font"]) >= round(NOTE_TEXT * size[1]) for t in notes), notes
    others = [t for t in texts if t not in notes and t["box"] is not None]
    assert not [(n["text"], o["text"]) for n in notes for o in others if _overlap(n, o)], size


@pytest.mark.gl
def test_a_captioned_picture_takes_the_notes_short_form_whatever_its_caption(lenet_run):
    """A storyboard's shots keep one wording of the notes: a move's dissolve between a shot whose
    caption left room for the long form and one whose caption did not blended the two, garbled. No
    unit frames, as the lecture style draws (their entry and both notes do not fit under a two-line
    caption at 28 px: the notes then give way to it)."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.legends import SHORT_NOTES

    scene = _scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080, show_marks=False))
    words = {}
    try:
        pane = r.scene_renderer
        pane.overlays.legends.show_notes(epochs=True)
        for caption in (None, "Short", "A caption long enough to wrap onto a second line of the caption band below"):
            pane.overlays.caption.show(caption)
            r.render(scene.frame_at(0))
            words[caption] = {t["text"] for t in drawn_texts(r)}
    finally:
        r.close()
    # at 28 px capitals the long form has no room even without a caption: one wording throughout (under
    # a caption, the colours' two-line note before the faces': a fifth watch asked for it)
    for caption in (None, "Short", "A caption long enough to wrap onto a second line of the caption band below"):
        drawn = words[caption]
        assert SHORT_NOTES["per stage, epochs"] in drawn and not set(NOTES.values()) & drawn, (caption, sorted(drawn))
    # (the faces' note: not in the overview, whose maps behind are slivers: tests/viewer/test_lecture_notes.py)
    assert SHORT_NOTES["maps"] not in words[None]

"""What each snapshot adds beside the voxels on the page, from Python's numbers as the desktop draws
them: frames round dead units (overlays/units.py) fading with the forward pass, the legend's entry
for them, and a clicked block's histogram panel (scenes/histogram.py)."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.scenes.histogram import HistogramSource, notes
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.legends import (
    MARKS,
    NOTES,
    NOTES_LEAST_HEIGHT,
    SHORT_MARKS,
    SHORT_NOTES,
    drawn_marks,
    drawn_notes,
)
from nnvox.viewer.overlays.units import faded, unit_box
from nnvox.viewer.theme import DEFAULT_THEME
from tests.web.conftest import VIEWPORT
from tests.web.test_browser import front_centre

V = "window.nnvoxViewer"
ENTRIES = ".nnvox-marks > div:not(.nnvox-note)"  # the marks' entries (the notes stand under them)


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def _lines(page) -> tuple[np.ndarray, np.ndarray]:
    """The unit frames' line segments' ends (n, 3) and their colours (n, 3, 0..255)."""
    script = f"""(() => {{ const g = {V}.snapshotMarks.units.lines.geometry;
      const a = (name) => (g.attributes[name] ? Array.from(g.attributes[name].array) : []);
      return [a('position'), a('color')]; }})()"""
    positions, colours = page.evaluate(script)
    return np.array(positions).reshape(-1, 3), np.round(np.array(colours) * 255).reshape(-1, 3)


def _python_boxes(scene, frame) -> np.ndarray:
    return np.array([unit_box(scene.block(name), u) for name, units in frame.dead.items() for u in units])


def test_dead_units_are_framed_where_and_when_the_desktop_frames_them(digits_page, scene):
    page = digits_page.page
    counts = []
    for t in (0, scene.n_snapshots - 1):
        page.evaluate(f"{V}.timeline.set({t})")
        frame = scene.frame_at(t)
        boxes, (ends, _) = _python_boxes(scene, frame), _lines(page)
        assert len(ends) == 24 * len(boxes) > 0  # 12 edges a box, two ends each
        for k, (x0, x1, y0, y1, z0, z1) in enumerate(boxes):
            drawn = ends[24 * k : 24 * (k + 1)]
            assert drawn.min(axis=0) == pytest.approx([x0, y0, z0], abs=1e-3)
            assert drawn.max(axis=0) == pytest.approx([x1, y1, z1], abs=1e-3)
        counts.append(page.evaluate(f"{V}.snapshotMarks.units.count"))
    assert counts[0] != counts[1]  # training woke some units: the frames follow the snapshot
    red = np.array(DEFAULT_THEME.colours.health_rgb("dead"))
    picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    assert (np.abs(picture - red).max(axis=2) <= 3).sum() > 30  # and they show, in the desktop's red


def test_the_frames_fade_with_their_layer_in_the_forward_pass(digits_page, scene):
    page, last = digits_page.page, scene.n_snapshots - 1
    page.evaluate(f"{V}.timeline.set({last})")
    background, red = DEFAULT_THEME.colours.background, DEFAULT_THEME.colours.health_rgb("dead")
    frame = scene.frame_at(last, reveal=0.75)
    try:
        page.evaluate(f"{V}.forward.set(0.75)")
        _, colours = _lines(page)
        owners = [name for name, units in frame.dead.items() for _ in units for _ in range(24)]
        expected = np.array([faded(red, background, frame.lit[name]) for name in owners])
        assert np.abs(colours - expected).max() <= 1
        assert len({frame.lit[n] for n in owners}) > 1  # a lit layer's frames and an unlit one's were compared
    finally:
        page.evaluate(f"{V}.forward.set(null)")
    _, colours = _lines(page)
    assert (np.abs(colours - red).max(axis=1) <= 1).all()


def test_the_legend_lists_the_marks_the_snapshot_draws(digits_page, digits_run, scene):
    """The desktop's entries (legends.drawn_marks) in its words (or all in their short form): dead
    units in activations, padding (no dead-unit frames) in weights mode, whose padded kernels show
    as no value."""
    page, last = digits_page.page, scene.n_snapshots - 1
    shown = f"Array.from(document.querySelectorAll('{ENTRIES}')).filter((e) => e.style.display !== 'none')"
    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    expected = {m: list(drawn_marks(s.frame_at(last), RenderOptions())) for m, s in (("a", scene), ("w", weights))}
    assert expected["a"] == ["dead"] and "dead" not in expected["w"]

    def entries(mode: str) -> None:
        kinds, texts = page.evaluate(f"[{shown}.map((e) => e.dataset.kind), {shown}.map((e) => e.textContent)]")
        assert kinds == expected[mode]
        assert texts in ([MARKS[k] for k in kinds], [SHORT_MARKS[k] for k in kinds])

    entries("a")
    try:
        page.evaluate(f"{V}.choose('weights', 0)")
        page.wait_for_function(f"{V}.scene.mode === 'weights' && {V}.drawn > 0")
        entries("w")
        assert page.evaluate(f"{V}.snapshotMarks.units.count") == {}  # no unit frames in weights mode
    finally:
        page.evaluate(f"{V}.choose('activations', 0)")
        page.wait_for_function(f"{V}.scene.mode === 'activations' && {V}.drawn > 0")


def test_the_notes_say_what_a_closed_blocks_face_is_and_that_the_scales_stay(digits_page, scene):
    """The desktop's notes (legends.drawn_notes over a timeline of epochs) under the marks' entries,
    one line each: in their words on a wide page, all entries in their short form where one long
    would not fit, none where even that would not (it stood past the page's edge at 640 x 480) nor
    on a page lower than the desktop's least pane for them (NOTES_LEAST_HEIGHT)."""
    page = digits_page.page
    kinds = drawn_notes(scene.blocks, epochs=True)
    assert kinds[0] == "maps" and kinds[-1].endswith("epochs")  # the digits' closed maps, its snapshots
    notes = "Array.from(document.querySelectorAll('.nnvox-note')).filter((e) => e.style.display !== 'none')"
    lines = f"{notes}.map((e) => e.offsetHeight / parseFloat(getComputedStyle(e).fontSize))"
    try:
        for width, form in ((2400, NOTES), (1280, SHORT_NOTES)):
            page.set_viewport_size({"width": width, "height": 720})
            digits_page.settle()
            assert page.evaluate(f"{notes}.map((e) => e.textContent)") == [form[k] for k in kinds], width
            assert max(page.evaluate(lines)) < 1.6  # one line each
            shown_marks = (
                f"Array.from(document.querySelectorAll('{ENTRIES}')).filter((e) => e.style.display !== 'none')"
            )
            marks = page.evaluate(f"{shown_marks}.map((e) => e.textContent)")
            assert marks  # (the digits' dead units)
            assert set(marks) <= set((MARKS if form is NOTES else SHORT_MARKS).values())  # one form for all
        # too low; too narrow even for the short (640 x 480 holds the short notes, shortened to fit a
        # lecture's strip at 32 px capitals: 480 does not)
        for width, height in ((1280, NOTES_LEAST_HEIGHT - 10), (480, 480)):
            page.set_viewport_size({"width": width, "height": height})
            digits_page.settle()
            assert page.evaluate(f"{notes}.length") == 0, (width, height)
    finally:
        page.set_viewport_size(VIEWPORT)
        digits_page.settle()


def test_a_clicked_block_shows_the_desktops_histogram(digits_page, scene):
    page, source, last = digits_page.page, HistogramSource(scene), scene.n_snapshots - 1
    page.evaluate(f"{V}.timeline.set({last})")
    digits_page.settle()
    x, y = digits_page.screen(front_centre(scene.block("conv2"), 1, 1))
    page.mouse.click(x, y)
    digits_page.settle()
    panel = f"{V}.snapshotMarks.histogram"
    assert page.evaluate(f"{panel}.block") == "conv2"
    for t in (last, 0.5):
        page.evaluate(f"{V}.timeline.set({t})")
        digits_page.settle()
        shown, hist = page.evaluate(f"{panel}.shown"), source.at("conv2", t)
        assert shown["fractions"] == pytest.approx(hist.fractions.tolist(), abs=1e-9)
        assert shown["top"] == hist.axis_top and shown["note"] == notes(hist)  # Python's rule at t, not between
    left, top, width, height = page.evaluate(
        "(() => { const r = document.querySelector('.nnvox-histogram').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; })()"
    )
    picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    inside = picture[round(top) : round(top + height), round(left) : round(left + width)]
    bars = page.evaluate(f"{panel}.spec.blocks.conv2.bars")
    tall = {bars[k] for k, f in enumerate(shown["fractions"]) if f > 0.1 * shown["top"]}  # bars a few pixels high
    table = np.array(page.evaluate(f"{V}.scene.luts.{scene.block('conv2').scale.cmap}"))
    found = {i for i in tall if (np.abs(inside - table[i]).max(axis=2) <= 2).any()}
    assert len(tall) > 5 and found == tall  # the bars are drawn in the layer's own colours
    page.evaluate(f"{V}.timeline.set({last})")


def test_between_snapshots_a_relu_layers_axis_and_note_are_pythons(digits_page, scene):
    """After a ReLU the zeros' bar is clipped and the axis spans 1.3 times the next bar, which moves
    between snapshots by the rule, not in a line from one snapshot's top to the next (relu1 at 1.5 and
    1.25, on its stage's colour scale: Python's axis differs from a linear blend by 3-5%); the note
    says the same axis."""
    page, source, last = digits_page.page, HistogramSource(scene), scene.n_snapshots - 1
    panel = f"{V}.snapshotMarks.histogram"
    page.evaluate(f"{panel}.select('relu1')")
    try:
        for t in (0.5, 1.5, 1.25):
            page.evaluate(f"{V}.timeline.set({t})")
            digits_page.settle()
            shown, hist = page.evaluate(f"{panel}.shown"), source.at("relu1", t)
            ends = [source.at("relu1", k).axis_top for k in (int(t), int(t) + 1)]
            linear = ends[0] + (t - int(t)) * (ends[1] - ends[0])
            assert hist.axis_top < hist.peak  # the zeros' bar clipped
            if t in (1.5, 1.25):
                assert abs(hist.axis_top - linear) > 0.02 * linear  # the rule is not a line here
            assert shown["top"] == hist.axis_top and shown["note"] == notes(hist), t
            assert shown["fractions"] == hist.fractions.tolist()
    finally:
        page.evaluate(f"{panel}.select(null)")
        page.evaluate(f"{V}.timeline.set({last})")

"""Rules the page reads from Python instead of computing: which blocks the forward pass has lit and
where its dots are at each moment (frames.lit_span, pulse_span), and whether a position between two
snapshots blends them (frames.FrameSource.blends: not for a recorded mistake, a different input at
each snapshot)."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.frames import pulses
from nnvox.viewer.web.frames import atlas

MOMENTS = (0.0, 0.07, 0.26, 0.5, 0.64, 0.93, 0.999)


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def test_the_pages_lit_blocks_and_dots_are_pythons_at_each_moment(digits_page, scene):
    page, last, partly = digits_page.page, scene.n_snapshots - 1, set()
    try:
        for reveal in MOMENTS:
            page.evaluate(f"window.nnvoxViewer.forward.set({reveal})")
            shown = page.evaluate("window.nnvoxViewer.forward.lit()")
            expected = scene.frame_at(last, reveal=reveal).lit
            assert shown == pytest.approx(expected, abs=1e-5), reveal
            partly |= {name for name, v in expected.items() if 0 < v < 1}
            dots = np.array(page.evaluate("window.nnvoxViewer.forward.pulses()")).reshape(-1, 3)
            assert dots == pytest.approx(pulses(scene, reveal), abs=2e-3), reveal
        assert len(partly) >= 3  # moments with blocks part lit were looked at, not only all or nothing
    finally:
        page.evaluate("window.nnvoxViewer.forward.set(null)")
    assert set(page.evaluate("Object.values(window.nnvoxViewer.forward.lit())")) == {1}


def _atlas_shown(page, name: str) -> np.ndarray:
    script = f"Array.from(window.nnvoxViewer.meshes.find((m) => m.block.name === {name!r}).atlas)"
    return np.array(page.evaluate(script), dtype=np.uint8)


def _atlas_expected(scene, name: str, t: float, sample: int) -> np.ndarray:
    block = scene.block(name)
    return atlas(block, scene.frame_at(t, sample=sample).values[name]).ravel()


def _show(page, sample: int, t: float) -> None:
    page.evaluate(f"window.nnvoxViewer.choose('activations', {sample})")
    page.wait_for_function(f"window.nnvoxViewer.scene.sample === {sample} && window.nnvoxViewer.drawn > 0")
    page.evaluate(f"window.nnvoxViewer.timeline.set({t})")


def test_a_mistake_is_never_blended_between_snapshots_a_probe_sample_is(digits_page, scene, digits_run):
    """A mistake of rank 1 is another held-out image at each snapshot: between two, the page shows
    the nearest one's indices, as the desktop does, never a mix of two digits."""
    page, mistake = digits_page.page, digits_run.probe_count
    assert digits_run.is_mistake(mistake)
    try:
        _show(page, mistake, 0.4)
        assert page.evaluate("window.nnvoxViewer.scene.interpolate") is False
        for t, nearest in ((0.4, 0), (0.6, 1)):
            page.evaluate(f"window.nnvoxViewer.timeline.set({t})")
            shown = _atlas_shown(page, "input")
            assert (shown == _atlas_expected(scene, "input", nearest, mistake)).all(), t
        assert (_atlas_expected(scene, "input", 0, mistake) != _atlas_expected(scene, "input", 1, mistake)).any()
        _show(page, 0, 0.5)  # a probe sample: the same input throughout, its layers blend
        assert page.evaluate("window.nnvoxViewer.scene.interpolate") is True
        shown, ends = _atlas_shown(page, "conv1"), [_atlas_expected(scene, "conv1", t, 0) for t in (0, 1)]
        assert all((shown != end).any() for end in ends)
    finally:
        _show(page, 0, scene.n_snapshots - 1)  # as the module's other tests expect


def test_at_exact_halves_the_page_and_the_desktop_show_the_same_snapshot(digits_page, scene, digits_run):
    """Half-way between two snapshots both pick the later (frames.nearest_snapshot, floor(t + 0.5),
    as JavaScript's Math.round does; Python's round() picked snapshot 0 at 0.5 and 2 at 2.5, the
    page 1 and 3): the same mistake's digit, heads-up line and snapshot number on both."""
    page, mistake = digits_page.page, digits_run.probe_count
    try:
        for t in (0.5, 2.5):
            _show(page, mistake, t)
            frame = scene.frame_at(t, sample=mistake)
            shown = _atlas_shown(page, "input")
            assert (shown == atlas(scene.block("input"), frame.values["input"]).ravel()).all(), t
            assert (shown == _atlas_expected(scene, "input", t + 0.5, mistake)).all(), t  # the later one
            assert page.evaluate("window.nnvoxViewer.snapshot") == int(t + 0.5), t
            assert page.evaluate("window.nnvoxViewer.piece.hud") == frame.hud, t
    finally:
        _show(page, 0, scene.n_snapshots - 1)  # as the module's other tests expect


def test_the_pages_text_sizes_are_the_desktops(digits_page):
    """Labels, class texts, heads-up line, legends, a voxel's story and the metrics inset at the sizes
    the desktop draws them at the same height (viewer/theme.py's Fonts, Python's payload.page_fonts;
    the page had 1.8% of its height where the desktop has the lecture font's 2.3%)."""
    from nnvox.scenes.histogram import NOTE_SEPARATOR
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import DEFAULT_THEME

    page = digits_page.page
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    desktop = RenderOptions(width=width, height=height, hall=False)  # the window's pane: read from a desk
    fonts = DEFAULT_THEME.fonts
    size = lambda selector: page.evaluate(f"parseFloat(document.querySelector({selector!r}).style.fontSize)")
    shown = {
        "label": page.evaluate(
            "parseFloat([...document.querySelectorAll('.nnvox-label')]"
            ".find((l) => l.style.display !== 'none').style.fontSize)"
        ),
        "hud": size(".nnvox-hud"),
        "legend": size(".nnvox-legends"),
        "voxel": size(".nnvox-info"),
        "hint": size(".nnvox-hint"),
    }
    assert shown == {name: desktop.font(getattr(fonts, name)) for name in shown}
    assert page.evaluate("window.nnvoxViewer.scene.histograms.separator") == NOTE_SEPARATOR

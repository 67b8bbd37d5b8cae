"""The page's overlays beside the network, as the desktop draws them: the loss/accuracy inset whose
cursor follows the slider, the most probable class framed in the output column, and the forward
pass lighting blocks in graph order (the page's `g` / its forward-pass button)."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.viewer.overlays.class_rows import framed_class
from tests.web.test_browser import front_centre


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def _picture(page) -> np.ndarray:
    page.settle()
    return np.asarray(Image.open(BytesIO(page.page.screenshot())).convert("RGB"), dtype=int)


def _cursor_column(page, picture) -> int:
    """The inset's column holding the most pixels of the cursor's colour (its box's frame excluded), as
    tall as most of the curves' area (which the cursor spans)."""
    left, top, width, height = page.page.evaluate(
        "(() => { const r = document.querySelector('.nnvox-metrics').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; })()"
    )
    cursor = np.array(page.page.evaluate("window.nnvoxViewer.scene.metrics.cursor"))
    inside = picture[round(top) + 3 : round(top + height) - 3, int(left) : round(left + width) + 1]
    # near the cursor's colour (an antialiased line between two columns: within 40% of it from the background)
    background = np.array(page.page.evaluate("window.nnvoxViewer.scene.colours.background"))
    near = np.abs(inside - cursor).max(axis=2) <= 0.4 * np.abs(cursor - background).max()
    hits = near.sum(axis=0)
    _, top, _, bottom = page.page.evaluate("window.nnvoxViewer.inset.area")
    return int(left) + int(np.argmax(hits)) if hits.max() > 0.8 * (bottom - top) else -1  # over the curves


def test_the_insets_cursor_moves_with_the_slider(digits_page, scene):
    page, last = digits_page.page, scene.n_snapshots - 1
    slider = page.locator(".nnvox-timeline input")
    columns = {}
    for t, key in ((0, "Home"), (last, "End")):
        slider.focus()
        slider.press(key)
        columns[t] = _cursor_column(digits_page, _picture(digits_page))
    left = page.evaluate("document.querySelector('.nnvox-metrics').getBoundingClientRect().left")
    a0, _, a1, _ = page.evaluate("window.nnvoxViewer.inset.area")  # the curves' area, from the inset's left
    assert abs(columns[0] - (left + a0)) <= 4, columns  # the first snapshot at the curves' left edge
    assert abs(columns[last] - (left + a1)) <= 5, columns  # the last at their right
    page.evaluate(f"window.nnvoxViewer.timeline.set({last / 2})")
    middle = _cursor_column(digits_page, _picture(digits_page))
    assert abs(middle - (left + (a0 + a1) / 2)) <= 4, middle
    page.evaluate(f"window.nnvoxViewer.timeline.set({last})")


def test_the_most_probable_class_is_framed_per_snapshot(digits_page, scene):
    page, block = digits_page.page, scene.block("fc2")
    framed = []
    for t in (0, scene.n_snapshots - 1):
        page.evaluate(f"window.nnvoxViewer.timeline.set({t})")
        expected = framed_class(block, scene.frame_at(t).values["fc2"], 1.0)
        state = page.evaluate("window.nnvoxViewer.marks.map((m) => [m.framed, m.frame.visible, m.frame.position.z])")
        assert state == [[expected, expected is not None, pytest.approx(-expected * block.voxel if expected else 0)]]
        framed.append(expected)
    assert framed[-1] is not None  # the trained network picks a class


def test_the_forward_pass_lights_blocks_in_order(digits_page, scene):
    page = digits_page.page
    lit_colour = _picture(digits_page)
    x, y = digits_page.screen(front_centre(scene.block("fc2"), 0, 0))
    script = """() => new Promise((done) => {
      const v = window.nnvoxViewer, reached = {};
      v.forward.start();
      const look = () => {
        for (const m of v.meshes) {
          const full = m.mesh.material.uniforms.strength.value >= 1 && v.forward.reveal !== null;
          if (full && !(m.block.name in reached)) reached[m.block.name] = v.forward.reveal;
        }
        if (v.forward.running) requestAnimationFrame(look); else done(reached);
      };
      requestAnimationFrame(look);
    })"""
    reached = page.evaluate(script)
    order = {b.name: b.order for b in scene.blocks}
    assert len(reached) >= len(order) - 1  # each block fully lit during the pass (the first from its start)
    by_time = sorted(reached, key=reached.get)
    assert [order[n] for n in by_time] == sorted(order[n] for n in by_time)  # in graph order
    assert reached[by_time[-1]] > reached[by_time[0]]
    assert page.evaluate("window.nnvoxViewer.meshes.every((m) => m.mesh.material.uniforms.strength.value === 1)")
    page.evaluate("window.nnvoxViewer.forward.set(0.3)")  # partway: the output not yet reached
    dimmed = _picture(digits_page)
    page.evaluate("window.nnvoxViewer.forward.set(null)")
    background = np.array(page.evaluate("window.nnvoxViewer.scene.colours.background"))
    px = lambda img: img[round(y), round(x)]
    assert np.abs(px(dimmed) - background).sum() < np.abs(px(lit_colour) - background).sum() / 2
    assert page.evaluate("window.nnvoxViewer.marks[0].frame.visible")  # framed again once lit


def test_the_class_texts_wait_for_the_forward_pass_to_reach_the_output(digits_page):
    """Partway through the pass (the output not yet lit) the class texts are transparent, so the page
    never shows the answer before the pass gets there; once it is lit they read again."""
    page = digits_page.page
    shown_opacity = """(() => window.nnvoxViewer.classes.flatMap((c) => [...c.rows, c.top])
        .filter((el) => getComputedStyle(el).display !== 'none').map((el) => getComputedStyle(el).opacity))()"""
    page.evaluate("window.nnvoxViewer.forward.set(0.3)")
    digits_page.settle()
    assert page.evaluate("window.nnvoxViewer.forward.lit()['fc2']") == 0
    partway = page.evaluate(shown_opacity)
    page.evaluate("window.nnvoxViewer.forward.set(null)")
    digits_page.settle()
    done = page.evaluate(shown_opacity)
    assert partway and all(float(o) == 0 for o in partway), partway
    assert done and all(float(o) == 1 for o in done), done


def test_the_heads_up_line_keeps_the_answer_back_until_the_output_is_lit(digits_page):
    """As on the desktop (scenes/frames.py), the page's heads-up line says 'true 0' but not what the
    network predicts while the forward pass has not reached the output."""
    page = digits_page.page
    hud = "window.nnvoxViewer.overlay.hud.textContent"
    page.evaluate("window.nnvoxViewer.forward.set(0.3)")
    digits_page.settle()
    partway = page.evaluate(hud)
    page.evaluate("window.nnvoxViewer.forward.set(null)")
    digits_page.settle()
    done = page.evaluate(hud)
    assert "true " in partway and "predicted" not in partway, partway
    assert "predicted" in done, done


LEGENDS = """[...document.querySelectorAll('.nnvox-legends > div')].map((el) => {
  const [, bar, ticks] = el.children, b = bar.getBoundingClientRect();
  const rects = [...ticks.children].map((s) => s.getBoundingClientRect()).map((r) => [r.left, r.top, r.right]);
  return { words: [...ticks.children].map((s) => s.textContent), bar: [b.left, b.bottom, b.right], rects }; })"""


def test_the_legends_say_in_the_desktops_words_what_the_bars_mean(browser, digits_html, digits_run):
    """Under each colour bar the words the desktop draws there (legends.py colour_bars: a bar of one
    scale its numbers, "0 … 1"; else "each layer's low … its high", "negative … 0 … positive"), ends
    under the bar's ends, in the activations and the weights mode."""
    from nnvox.scenes.view import ViewSpec
    from nnvox.viewer.overlays.legends import colour_bars
    from tests.web.conftest import OpenPage

    opened = OpenPage(browser, digits_html)
    try:
        for mode in ("activations", "weights"):
            if mode != "activations":
                opened.page.evaluate(f"window.nnvoxViewer.choose('{mode}', 0)")
                opened.page.wait_for_function(f"window.nnvoxViewer.scene.mode === '{mode}'")
            opened.settle()
            blocks = build_scene(digits_run, ViewSpec(mode=mode).scene_options()).blocks
            shown = opened.page.evaluate(LEGENDS)
            assert [legend["words"] for legend in shown] == [list(b.words) for b in colour_bars(mode, blocks)]
            for legend in shown:
                (left, bottom, right), rects = legend["bar"], legend["rects"]
                assert all(top >= bottom - 1 for _, top, _ in rects), legend  # under the bar
                assert abs(rects[0][0] - left) <= 2 and abs(rects[-1][2] - right) <= 2, legend  # at its ends
        assert opened.errors == []
    finally:
        opened.page.close()

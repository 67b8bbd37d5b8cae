"""Switching views in Chromium as a reader does, and what it leaves behind: a view the server
cannot give (a 500) keeps the old picture and says why in one line; twenty switches leave one
WebGL context and no textures behind (no "Too many active WebGL contexts"); a view switched away
from asks for none of its snapshots any more (tests/web/conftest.py starts Chromium)."""

from __future__ import annotations

import threading
import time
from io import BytesIO

import numpy as np
import pytest

from nnvox.viewer.web.server import open_server
from tests.web.conftest import VIEWPORT, OpenPage
from tests.web.test_export_html import needs_bundle


@pytest.fixture
def serving(digits_run):
    """`nnvox serve` of the digits run on a free port; `served.runs.answer` may be wrapped by a test."""
    served = open_server([digits_run.path], "127.0.0.1", 0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()


def _open(browser, url: str):
    page = browser.new_page(viewport=VIEWPORT)
    messages: list[tuple[str, str]] = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: messages.append(("error", str(e))))
    page.goto(url)
    page.wait_for_function("window.nnvoxViewer && window.nnvoxViewer.drawn > 0", timeout=30_000)
    return page, messages


def _picture(page) -> np.ndarray:
    from PIL import Image

    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB")).astype(int)


@needs_bundle
@pytest.mark.parametrize("failing", ["scene", "snapshots"])
def test_a_view_the_server_cannot_give_keeps_the_old_picture_and_says_why(browser, serving, failing):
    answer = serving.runs.answer

    def broken(url):  # the server's handler answers an exception with a 500 and its one line
        if "mode=change" in url and f"/{failing}" in url:
            raise RuntimeError("change mode broke")
        return answer(url)

    serving.runs.answer = broken
    page, messages = _open(browser, f"http://127.0.0.1:{serving.server_address[1]}/view?run=0&mode=weights")
    before = _picture(page)
    told = page.evaluate("window.nnvoxViewer.choose('change', 0).then(() => 'shown', (e) => e.message)")
    assert "change mode broke" in told and "500" in told
    assert page.evaluate("window.nnvoxViewer.scene.mode") == "weights"
    assert page.locator(".nnvox-root canvas").count() == 1  # the half-opened view gave back its canvas
    line = page.locator(".nnvox-error")
    assert line.count() == 1 and line.inner_text().startswith("nnvox could not show change mode: ")
    assert "change mode broke" in line.inner_text() and "\n" not in line.inner_text()
    assert page.locator(".nnvox-views select").first.input_value() == "weights"  # the menu says what is shown
    line.evaluate("(el) => (el.style.visibility = 'hidden')")
    assert (_picture(page) != before).any(axis=2).mean() < 0.001  # the old picture, as it was
    page.evaluate("window.nnvoxViewer.choose('activations', 0)")  # another view still opens
    page.wait_for_function("window.nnvoxViewer.scene.mode === 'activations' && window.nnvoxViewer.drawn > 0")
    assert page.locator(".nnvox-error").count() == 0 and page.locator(".nnvox-root canvas").count() == 1
    assert not [m for kind, m in messages if kind == "error" and "500" not in m]  # (the failed fetch's own line)
    page.close()


SWITCH_AND_KEEP = """async (mode) => {
  const v = window.nnvoxViewer;
  await v.choose(mode, 0);
  (window.closedViewers ||= []).push(v);
}"""
LEFT_BEHIND = """() => window.closedViewers.map((v) => ({
  lost: v.stage.renderer.getContext().isContextLost(),
  textures: v.stage.renderer.info.memory.textures,
  geometries: v.stage.renderer.info.memory.geometries,
}))"""


@needs_bundle
def test_twenty_switches_leave_one_webgl_context_and_no_textures(browser, digits_html):
    opened = OpenPage(browser, digits_html)
    page, warnings = opened.page, []
    page.on("console", lambda m: warnings.append(m.text) if m.type in ("warning", "error") else None)
    modes = page.evaluate("window.nnvoxViewer.scene.views.modes")
    assert len(modes) >= 3
    for k in range(20):
        page.evaluate(SWITCH_AND_KEEP, modes[(k + 1) % len(modes)])
    page.wait_for_function("window.nnvoxViewer.drawn > 0")
    left = page.evaluate(LEFT_BEHIND)
    assert len(left) == 20 and all(v["lost"] for v in left), left  # each context given back at once
    assert all(v["textures"] == 0 and v["geometries"] == 0 for v in left), left
    blocks = page.evaluate("window.nnvoxViewer.scene.blocks.length")
    live = page.evaluate("window.nnvoxViewer.stage.renderer.info.memory.textures")
    assert 0 < live <= 2 * blocks  # the view shown: an atlas per block and its colour tables
    assert page.locator(".nnvox-root canvas").count() == 1
    assert not [w for w in warnings if "WebGL" in w], warnings
    assert opened.errors == []
    page.close()


@needs_bundle
def test_a_view_switched_away_from_asks_for_none_of_its_snapshots(browser, serving):
    answer, arrived = serving.runs.answer, []

    def slow(url):  # activations' snapshots come slowly: the page is still fetching them when it switches
        if "mode=activations" in url and "/snapshots/" in url:
            arrived.append(time.monotonic())
            time.sleep(0.15)
        return answer(url)

    serving.runs.answer = slow
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"http://127.0.0.1:{serving.server_address[1]}/view?run=0&mode=activations")
    page.wait_for_function("window.nnvoxViewer && window.nnvoxViewer.drawn > 0", timeout=30_000)
    n = page.evaluate("window.nnvoxViewer.scene.snapshots.length")
    page.evaluate("window.nnvoxViewer.choose('weights', 0)")  # resolves once the old view is given back
    switched = time.monotonic()
    time.sleep(1.5)  # ten slow answers' time: a prefetch still going would have asked again
    assert [at for at in arrived if at > switched] == []
    assert len(arrived) < 2 * n  # (it was switched away from before all were fetched)
    page.close()

"""The same double-click opens a layer into its maps and closes it again in all three pages: the
exported file (its held layouts, tests/web/test_inspect.py), `nnvox serve` (the server builds the
open view: &open=conv1) and the notebook widget under anywidget's own front end (the kernel builds
it). Each shows conv1's maps where Python's open layout puts them, and closed where the closed
scene has them (Chromium, tests/web/conftest.py)."""

from __future__ import annotations

import json
import threading

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import open_scene
from nnvox.viewer.web.payload import describe
from tests.web.conftest import VIEWPORT
from tests.web.test_anywidget_front_end import BASE, _anywidget_front_end, _kernel
from tests.web.test_browser import front_centre
from tests.web.test_inspect import open_centre
from tests.web.test_widget import needs_widget_bundle


def _opens_and_closes(page, viewer: str, digits_run) -> None:
    """A double-click on conv1 shows it open as Python lays it out; one on an open map closes it."""
    scene = build_scene(digits_run)
    opened = open_scene(scene, ["conv1"])
    last = scene.n_snapshots - 1
    slabs = f"{viewer}.scene.blocks.find((b) => b.name === 'conv1').slabs"
    screen = lambda point: page.evaluate(f"(p) => {viewer}.stage.toScreen(p)", [float(v) for v in point])
    page.mouse.dblclick(*screen(front_centre(scene.block("conv1"), 3, 3)))
    page.wait_for_function(f"{viewer}?.scene.opened === 'conv1' && {viewer}.drawn > 0", timeout=30_000)
    expected = describe(opened, t=last, sample=0)["blocks"][1]["slabs"]
    assert page.evaluate(slabs) == pytest.approx(expected, abs=1e-4)
    assert page.evaluate(f"{viewer}.timeline.t") == last  # the timeline kept
    page.mouse.dblclick(*screen(open_centre(opened.block("conv1"), 6, 4, 1)))  # an open map closes it
    page.wait_for_function(f"!{viewer}?.scene.opened && {viewer}.drawn > 0", timeout=30_000)
    assert page.evaluate(slabs) == pytest.approx(describe(scene, t=last, sample=0)["blocks"][1]["slabs"], abs=1e-4)


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_a_double_click_opens_and_closes_a_layer_in_the_served_page(browser, digits_run):
    from nnvox.viewer.web.server import open_server

    served = open_server([digits_run.path], "127.0.0.1", 0)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    page = browser.new_page(viewport=VIEWPORT)
    errors = _errors(page)
    try:
        page.goto(f"http://127.0.0.1:{served.server_address[1]}/view?run=0")
        page.wait_for_function("window.nnvoxViewer && window.nnvoxViewer.drawn > 0", timeout=30_000)
        _opens_and_closes(page, "window.nnvoxViewer", digits_run)
        assert errors == []
    finally:
        page.close()
        served.shutdown()
        served.server_close()


@needs_widget_bundle
def test_a_double_click_opens_and_closes_a_layer_in_the_widget(browser, digits_run):
    front_end = _anywidget_front_end()
    from nnvox.viewer.web.source import RunSource
    from nnvox.viewer.web.widget import ViewerWidget

    widget = ViewerWidget(RunSource(digits_run.path), follow_seconds=3600)
    state = {k: v for k, v in widget.get_state().items() if isinstance(v, (str, int, dict, list))}
    page = browser.new_page(viewport=VIEWPORT)
    errors = _errors(page)
    page.expose_function("kernel", _kernel(widget))
    routes = {"/": (BASE, "text/html"), "/anywidget.js": (front_end.read_text(), "text/javascript")}
    routes["/state"] = (json.dumps(state), "application/json")
    page.route(
        "http://nnvox.test/**", lambda r: r.fulfill(body=(a := routes[r.request.url[17:]])[0], content_type=a[1])
    )
    viewer = "document.getElementById('out')?.firstElementChild?.nnvoxViewer"
    try:
        page.goto("http://nnvox.test/")
        page.wait_for_function(f"{viewer}?.drawn > 0", timeout=30_000)
        _opens_and_closes(page, viewer, digits_run)
        assert errors == []
    finally:
        page.close()
        widget.close()

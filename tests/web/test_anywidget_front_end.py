"""The widget under anywidget's own front end: the installed anywidget package's notebook bundle
(anywidget/nbextension/index.js: the AnyModel and AnyView that classic Jupyter loads; JupyterLab's
build runs the same runtime) loads static/widget.js from the `_esm` trait as a notebook would,
checks its default export and calls its render with anywidget's model proxy. Under it, a stand-in
for @jupyter-widgets/base (Backbone-like events, get/set/send) and, as the kernel, the real
ViewerWidget answering each message in Python (Playwright's expose_function). Not a notebook server:
what JupyterLab, VS Code or Colab add around the widget manager is not exercised."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from tests.web.conftest import VIEWPORT
from tests.web.test_widget import needs_widget_bundle

BASE = """<!doctype html><html><body style="margin:0"><div id="out" style="width:1280px"></div>
<script>
// What anywidget's front end takes from @jupyter-widgets/base: models with Backbone's events
// (a callback's context lets a view drop its own), get/set/send, and views with an element.
class Events {
  on(name, callback, context) { (this.handlers ||= []).push({ name, callback, context }); }
  once(name, callback) { const once = (...a) => (this.off(name, once), callback(...a)); this.on(name, once); }
  off(name, callback, context) {
    const gone = (h) => (name == null || h.name === name) && (callback == null || h.callback === callback)
      && (context == null || h.context === context);
    this.handlers = (this.handlers || []).filter((h) => !gone(h));
  }
  trigger(name, ...args) { (this.handlers || []).filter((h) => h.name === name).forEach((h) => h.callback(...args)); }
}
class DOMWidgetModel extends Events {
  constructor(state) { super(); this.attributes = { ...state }; this.widget_manager = {}; this.initialize(); }
  initialize() {}
  get(key) { return this.attributes[key]; }
  set(key, value) { this.attributes[key] = value; this.trigger(`change:${key}`, this, value); }
  save_changes() {}
  // The kernel's part: the Python widget answers; a new `scene` first, then its messages, as
  // the comm delivers them (buffers as DataViews, as ipywidgets hands them over)
  send(content, callbacks, buffers) {
    window.kernel(content).then(({ scene, messages }) => {
      if (scene) this.set("scene", scene);
      for (const [message, packed] of messages) {
        const views = packed.map((b) => { const s = atob(b); const u = new Uint8Array(s.length);
          for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i); return new DataView(u.buffer); });
        this.trigger("msg:custom", message, views);
      }
    });
  }
}
class DOMWidgetView {
  constructor({ model }) { this.model = model; this.el = document.createElement("div");
    this.$el = { empty: () => this.el.replaceChildren() }; }
  remove() { this.el.remove(); }
}
window.define = (deps, factory) => (window.anywidgetModule = factory({ DOMWidgetModel, DOMWidgetView }));
</script>
<script src="/anywidget.js"></script>
<script type="module">
const { AnyModel, AnyView } = window.anywidgetModule;
const model = new AnyModel(await (await fetch("/state")).json());
const view = new AnyView({ model });
document.getElementById("out").appendChild(view.el);
window.view = view;
await view.render();
</script></body></html>"""
VIEWER = "document.getElementById('out')?.firstElementChild?.nnvoxViewer"
# How a promise ended: its error's message, 'resolved', or 'no answer' after 10 s (a promise left hanging)
SETTLED = """(code) => Promise.race([(0, eval)(code).then(() => 'resolved', (e) => e.message),
  new Promise((done) => setTimeout(() => done('no answer'), 10000))])"""


def _anywidget_front_end() -> Path:
    anywidget = pytest.importorskip("anywidget")
    bundle = Path(anywidget.__file__).with_name("nbextension") / "index.js"
    if not bundle.exists():
        pytest.skip(f"this anywidget ({anywidget.__version__}) ships no notebook front end at {bundle}")
    return bundle


def _kernel(widget):
    """The Python side of one message: what the widget sent back and its scene if it changed."""

    def answer(content):
        sent, before = [], widget.scene
        widget.send = lambda message, buffers=None: sent.append(
            [message, [base64.b64encode(bytes(b)).decode() for b in buffers or []]]
        )
        widget._answer(widget, content, [])
        return {"scene": widget.scene if widget.scene is not before else None, "messages": sent}

    return answer


@needs_widget_bundle
def test_anywidgets_own_front_end_renders_the_widget_switches_and_rejects_errors(browser, digits_run):
    front_end = _anywidget_front_end()
    from nnvox.viewer.web.source import RunSource
    from nnvox.viewer.web.widget import ViewerWidget

    widget = ViewerWidget(RunSource(digits_run.path), follow_seconds=3600)
    state = {k: v for k, v in widget.get_state().items() if isinstance(v, (str, int, dict, list))}
    assert re.search(r"export\s*\{[^}]*\bas default\b", state["_esm"]) and "scene" in state  # an ES module
    page = browser.new_page(viewport=VIEWPORT)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.expose_function("kernel", _kernel(widget))
    routes = {"/": (BASE, "text/html"), "/anywidget.js": (front_end.read_text(), "text/javascript")}
    routes["/state"] = (json.dumps(state), "application/json")

    def serve(route):
        body, kind = routes[route.request.url.removeprefix("http://nnvox.test")]
        route.fulfill(body=body, content_type=kind)

    page.route("http://nnvox.test/**", serve)
    page.goto("http://nnvox.test/")
    page.wait_for_function(f"{VIEWER}?.drawn > 0", timeout=30_000)
    assert page.evaluate(f"{VIEWER}.piece.indices.length") == widget.scene["frame_bytes"]  # a buffer, as sent

    assert page.evaluate(f"{VIEWER}.choose('weights', 0).then((v) => v.scene.mode)") == "weights"
    page.wait_for_function(f"{VIEWER}.scene.mode === 'weights' && {VIEWER}.drawn > 0")
    refused = page.evaluate(SETTLED, f"{VIEWER}.choose('activations', 999)")
    assert "999" in refused and page.evaluate(f"{VIEWER}.scene.mode") == "weights"  # the old view stays
    assert "999" in page.locator(".nnvox-error").inner_text()
    missing = page.evaluate(SETTLED, f"{VIEWER}.source.snapshot(99)")
    assert "snapshot 99 is not in" in missing  # the request path rejects with the kernel's reason
    assert page.locator(".nnvox-root canvas").count() == 1

    page.evaluate(f"window.shown = {VIEWER}; window.view.remove()")  # the cell cleared: anywidget aborts the view
    page.wait_for_function("window.shown.disposed", timeout=5_000)  # render's cleanup ran
    assert page.evaluate("window.shown.stage.renderer.getContext().isContextLost()")
    assert errors == []
    widget.close()
    page.close()

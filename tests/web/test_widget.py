"""The notebook widget: a notebook executed in a real kernel (nbclient, ipykernel) displays it, for
a run and for a model run once on an input, without `import nnvox` loading anywidget; its front end
(static/widget.js) driven in Chromium by a harness page that plays anywidget's model (get, on, send,
binary buffers): the voxels show the desktop's colours, snapshots arrive as buffers when asked for,
and a run that grows extends the timeline; the kernel side follows a run a Recorder is writing."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from nnvox.capture.run import MANIFEST
from nnvox.scenes.build import build_scene
from nnvox.viewer.web import page as page_module
from tests.web.test_browser import desktop_rgb, shown, voxels
from tests.web.test_serve import cut_manifest

TOLERANCE = 3
needs_widget_bundle = pytest.mark.skipif(
    not page_module.WIDGET_BUNDLE.exists(), reason="the browser viewer's bundle is not built: run `make setup`"
)


@pytest.fixture(scope="module")
def live_copy(digits_run, tmp_path_factory):
    """A copy of the digits run as a Recorder leaves it after 2 snapshots; the whole manifest beside it."""
    folder = tmp_path_factory.mktemp("widget") / "digits"
    shutil.copytree(digits_run.path, folder)
    whole = json.loads((folder / MANIFEST).read_text())
    cut_manifest(folder, whole, 2)
    return folder, whole


def _notebook(cells: list[str]):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


@needs_widget_bundle
def test_a_notebook_displays_the_widget_for_a_run_and_for_a_model(digits_run, tmp_path):
    pytest.importorskip("anywidget")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = _notebook(
        [
            "import sys, nnvox\nprint('anywidget' in sys.modules)",
            f"w = nnvox.show({str(digits_run.path)!r}, mode='weights')\nw",
            "print(type(w).__name__, len(w.scene['snapshots']), w.scene['mode'])",
            "import torch\nm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU())\n"
            "nnvox.show(m, torch.randn(2, 4))",
        ]
    )
    nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    assert texts[0].strip() == "False"  # import nnvox loads no anywidget
    for k in (1, 3):
        mimes = [m for o in nb.cells[k].outputs for m in o.get("data", {})]
        assert "application/vnd.jupyter.widget-view+json" in mimes, (k, nb.cells[k].outputs)
    assert texts[2].strip() == f"ViewerWidget {len(digits_run.snapshots)} weights"


def test_outside_a_notebook_show_opens_the_window(monkeypatch, digits_run):
    import nnvox
    from nnvox.viewer import window

    opened = []
    monkeypatch.setattr(window, "show", lambda run, **kw: opened.append((run, kw)))
    assert nnvox.show(digits_run, mode="weights") is None
    assert opened and opened[0][0] is digits_run and opened[0][1]["mode"] == "weights"


@needs_widget_bundle
def test_the_kernel_side_answers_with_buffers_and_follows_a_growing_run(live_copy):
    pytest.importorskip("anywidget")
    from nnvox.viewer.web.source import RunSource
    from nnvox.viewer.web.widget import ViewerWidget

    folder, whole = live_copy
    widget = ViewerWidget(RunSource(folder), follow_seconds=3600)  # followed by hand here
    sent = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers))
    widget._answer(widget, {"want": 1}, [])
    widget._answer(widget, {"want": "../manifest.json"}, [])  # not a snapshot number: refused, no file read
    assert [c["snapshot"] for c, _ in sent] == [1, "../manifest.json"] and sent[0][1][0] == widget._source.piece(
        1
    ).indices
    assert "not a view and snapshot" in sent[1][0]["error"] and sent[1][1] is None
    assert len(widget.scene["snapshots"]) == 2 and widget.scene["live"]
    assert not widget.follow_once()
    cut_manifest(folder, whole, 3)
    assert widget.follow_once() and len(widget.scene["snapshots"]) == 3
    widget.close()
    cut_manifest(folder, whole, 2)


def test_the_kernel_side_switches_the_view_its_page_asks_for(live_copy):
    pytest.importorskip("anywidget")
    from nnvox.viewer.web.source import RunSource
    from nnvox.viewer.web.widget import ViewerWidget

    widget = ViewerWidget(RunSource(live_copy[0]), follow_seconds=3600)
    assert widget.scene["mode"] == "activations" and "weights" in widget.scene["views"]["modes"]
    widget._answer(widget, {"view": {"mode": "weights", "sample": 0}}, [])
    assert widget.scene["mode"] == "weights" and widget._source.spec.mode == "weights"
    widget._answer(widget, {"view": {"mode": "../etc", "sample": 0}}, [])  # not a mode: nothing changes
    widget._answer(widget, {"view": {"mode": "activations", "sample": 3}}, [])
    assert (widget.scene["mode"], widget.scene["sample"]) == ("activations", 3)
    widget.close()


HARNESS = """<!doctype html><html><body style="margin:0">
<div id="out" style="width:1280px"></div>
<script type="module">
import widget from "/widget.js";
const state = { scene: await (await fetch("/scene/2")).json(), height: 720 };
const handlers = {};
window.sent = [];
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; },
  save_changes() {},
  on(name, cb) { (handlers[name] ||= []).push(cb); },
  off(name, cb) { handlers[name] = (handlers[name] || []).filter((h) => h !== cb); },
  // the kernel's part, played from the test's pieces: an answer with the indices as a binary buffer
  async send(content) {
    window.sent.push(content);
    const [header, bytes] = await Promise.all([
      fetch(`/piece/${content.want}.json`).then((r) => r.json()),
      fetch(`/piece/${content.want}.bin`).then((r) => r.arrayBuffer()),
    ]);
    (handlers["msg:custom"] || []).forEach((cb) => cb({ snapshot: content.want, ...header }, [new DataView(bytes)]));
  },
};
window.grow = async (n) => {
  state.scene = await (await fetch(`/scene/${n}`)).json();
  (handlers["change:scene"] || []).forEach((cb) => cb());
};
window.cleanup = await widget.render({ model, el: document.getElementById("out") });
</script></body></html>"""


class WidgetPage:
    """The harness page as tests/web/test_browser.py's helpers read a page."""

    def __init__(self, page):
        self.page = page

    def settle(self) -> None:
        self.page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def screens(self, points) -> np.ndarray:
        script = "(ps) => ps.map((p) => document.getElementById('out').nnvoxViewer.stage.toScreen(p))"
        return np.array(self.page.evaluate(script, np.asarray(points, dtype=float).tolist())).reshape(-1, 2)


def _harness_routes(page, folder, whole):
    """The harness, the widget's module and, from RunSource as the kernel computes them, the scene
    of the run at 2 or 3 snapshots and each snapshot's piece."""
    from nnvox.viewer.web.source import RunSource

    scenes, pieces = {}, {}
    for n in (2, 3):
        cut_manifest(folder, whole, n)
        source = RunSource(folder)
        scenes[n] = json.dumps(source.description)
        pieces[n] = [source.piece(i) for i in range(n)]
    cut_manifest(folder, whole, 2)
    current = {"n": 2}

    def answer(route):
        path = route.request.url.split("nnvox.test", 1)[1]
        if path == "/":
            return route.fulfill(body=HARNESS, content_type="text/html")
        if path == "/widget.js":
            return route.fulfill(path=str(page_module.WIDGET_BUNDLE), content_type="text/javascript")
        if path.startswith("/scene/"):
            current["n"] = int(path.rsplit("/", 1)[1])
            return route.fulfill(body=scenes[current["n"]], content_type="application/json")
        i, ext = path.removeprefix("/piece/").split(".")
        piece = pieces[current["n"]][int(i)]
        if ext == "bin":
            return route.fulfill(body=piece.indices, content_type="application/octet-stream")
        return route.fulfill(body=json.dumps(piece.header()), content_type="application/json")

    page.route("http://nnvox.test/**", answer)


@needs_widget_bundle
def test_the_widget_front_end_draws_snapshots_sent_as_buffers_and_grows(browser, live_copy):
    folder, whole = live_copy
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _harness_routes(page, folder, whole)
    page.goto("http://nnvox.test/")
    page.wait_for_function("document.getElementById('out').nnvoxViewer?.drawn > 0", timeout=30_000)
    assert {s["want"] for s in page.evaluate("window.sent")} == {0, 1}  # asked for, not embedded
    cut_manifest(folder, whole, 2)
    scene = build_scene(__import__("nnvox").open_run(folder))
    block = scene.block("conv1")
    widget = WidgetPage(page)
    cells = voxels(widget, scene, block)
    pixels = shown(widget, block, cells)
    wrong = [rc for rc in cells if np.abs(pixels[rc] - desktop_rgb(scene, block, 1, *rc)).max() > TOLERANCE]
    assert len(cells) > 20 and not wrong, f"{len(wrong)} of {len(cells)} voxels differ from the desktop"
    page.evaluate("window.grow(3)")
    page.wait_for_function("document.querySelector('.nnvox-timeline input').max === '2'", timeout=10_000)
    page.wait_for_function("document.getElementById('out').nnvoxViewer.snapshot === 2", timeout=10_000)
    assert 2 in {s["want"] for s in page.evaluate("window.sent")}
    page.evaluate("window.cleanup()")
    assert page.locator("canvas").count() == 0  # the widget's view is gone with it
    assert errors == []
    page.close()


def test_a_widget_shown_with_a_histogram_and_an_open_layer_keeps_it_open_where_a_view_opens_it(live_copy):
    """The page asks each view with the layer it shows open (`open`, as a double-click left it): the
    kernel opens it where that view can (weights: conv1's kernels into tiles, as the exported page's
    held weights view), and a view asked with none open (a second double-click) shows it closed."""
    pytest.importorskip("anywidget")
    from nnvox.scenes.view import ViewSpec
    from nnvox.viewer.web.source import RunSource
    from nnvox.viewer.web.widget import ViewerWidget

    widget = ViewerWidget(RunSource(live_copy[0], ViewSpec(histogram="relu2", open=("conv1",))), follow_seconds=3600)
    closed = next(b for b in RunSource(live_copy[0]).description["blocks"] if b["name"] == "conv1")["slabs"]
    conv1 = lambda: next(b for b in widget.scene["blocks"] if b["name"] == "conv1")["slabs"]
    assert widget.scene["histograms"]["selected"] == "relu2" and widget.scene["opened"] == "conv1"
    widget._answer(widget, {"view": {"mode": "activations", "sample": 2, "open": "conv1"}}, [])  # another sample
    assert widget.scene["sample"] == 2 and widget.scene["histograms"]["selected"] == "relu2"
    assert widget.scene["opened"] == "conv1" and conv1() != closed
    widget._answer(widget, {"view": {"mode": "activations", "sample": 2, "open": None}}, [])  # double-clicked shut
    assert widget.scene["opened"] is None and conv1() == closed and "conv1" in widget.scene["openable"]
    widget._answer(widget, {"view": {"mode": "weights", "sample": 0, "open": "conv1"}}, [])  # no relu2 there
    assert widget.scene["mode"] == "weights" and widget.scene["histograms"]["selected"] is None
    assert widget.scene["opened"] == "conv1"  # its kernels, in tiles
    widget.close()

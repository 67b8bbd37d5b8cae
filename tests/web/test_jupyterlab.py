"""The notebook widget in a real JupyterLab 4: `jupyter lab` in a subprocess (tests/web/jupyterlab_session.py),
a notebook opened in headless Chromium, its cells run in a real kernel. JupyterLab loads anywidget's
labextension and the widget manager's, the page and kernel talk over the real comm, and the test
reads what is drawn in the output cell: the voxels show the desktop's colours, the slider's and a
menu's keys move the picture and switch the mode (the notebook's command-mode shortcuts do not take
them), and a run a Recorder in the same kernel is writing grows on the widget's timeline. The same
in Notebook 7 is the long variant. Without jupyterlab it skips, and fails in CI
(NNVOX_REQUIRE_BROWSER=1), as the other browser tests do."""

from __future__ import annotations

import os
from io import BytesIO

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from tests.web.jupyterlab_session import VIEWER, LabNotebook, lab_server
from tests.web.test_browser import desktop_rgb, shown, voxels
from tests.web.test_widget import needs_widget_bundle

TOLERANCE = 3
LAB_VIEWPORT = {"width": 1280, "height": 900}  # the widget (560 px) and the cell above it fit


def _missing(app: str) -> str | None:
    """Why this front end cannot be started (jupyterlab, or notebook 7 for the long variant), or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version(app).split(".")[0])
    except PackageNotFoundError:
        return f"{app} is missing: pip install -e '.[test]'"
    return (
        None
        if major >= (4 if app == "jupyterlab" else 7)
        else f"{app} {version(app)} is too old: pip install -e '.[test]'"
    )


# JupyterLab in CI; Notebook 7 (the same front end, one document a page) as the long variant
@pytest.fixture(scope="module", params=["jupyterlab", pytest.param("notebook", marks=pytest.mark.long)])
def lab(request, browser, tmp_path_factory):
    if (reason := _missing(request.param)) is not None:
        if os.environ.get("NNVOX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the {request.param} widget test is required here but {reason}")
        pytest.skip(reason)
    with lab_server(tmp_path_factory.mktemp(request.param), request.param) as server:
        yield server


class CanvasPage:
    """The widget's canvas inside JupyterLab as test_browser's helpers read a page: points in
    canvas pixels, and a screenshot of the canvas alone (it sits somewhere in the notebook)."""

    def __init__(self, notebook: LabNotebook):
        self.notebook = notebook
        self.canvas = notebook.page.locator(".jp-OutputArea .nnvox-root canvas").first
        self.page = self  # shown() takes page.page.screenshot()

    def settle(self) -> None:
        self.notebook.page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def screenshot(self) -> bytes:
        return self.canvas.screenshot()

    def screens(self, points) -> np.ndarray:
        script = f"(ps) => {{ const v = {VIEWER}; return ps.map((p) => v.stage.toScreen(p)); }}"
        return np.array(self.notebook.page.evaluate(script, np.asarray(points, dtype=float).tolist())).reshape(-1, 2)


def _wrong_colours(canvas: CanvasPage, scene, block, t: int) -> tuple[int, int]:
    """How many of a block's clear voxels differ from the desktop's colours at snapshot t, of how many."""
    cells = voxels(canvas, scene, block)
    pixels = shown(canvas, block, cells)
    wrong = [rc for rc in cells if np.abs(pixels[rc] - desktop_rgb(scene, block, t, *rc)).max() > TOLERANCE]
    return len(wrong), len(cells)


def _drawn_fraction(png: bytes) -> float:
    """The share of the canvas's pixels that are not its background (its corner's colour)."""
    from PIL import Image

    image = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return float((np.abs(image - image[2, 2]).max(axis=2) > 10).mean())


@needs_widget_bundle
def test_jupyterlab_shows_the_widget_with_the_desktop_colours_and_its_timeline_keys_move_it(browser, lab, digits_run):
    page = browser.new_page(viewport=LAB_VIEWPORT)
    with lab.log_on_failure():
        notebook = LabNotebook(lab, page, "run.ipynb", [f"import nnvox\nnnvox.show({str(digits_run.path)!r})"])
        notebook.run(0)
        notebook.wait_for_viewer("v.drawn > 0")
        last = len(digits_run.snapshots) - 1
        assert notebook.viewer("v.snapshot") == last and notebook.viewer("v.scene.frame_bytes > 0")
        canvas = CanvasPage(notebook)
        scene = build_scene(digits_run)
        block = scene.block("conv1")
        before = canvas.screenshot()
        assert _drawn_fraction(before) > 0.1  # the network, not an empty canvas
        wrong, of = _wrong_colours(canvas, scene, block, last)
        assert of > 20 and wrong == 0, f"{wrong} of {of} voxels differ from the desktop at snapshot {last}"

        page.locator(".jp-OutputArea .nnvox-timeline input").focus()
        for _ in range(last):
            page.keyboard.press("ArrowLeft")  # the slider's own keys, not JupyterLab's cell navigation
        notebook.wait_for_viewer("v.snapshot === 0")
        wrong, of = _wrong_colours(canvas, scene, block, 0)
        assert wrong == 0, f"{wrong} of {of} voxels differ from the desktop at snapshot 0"
        assert canvas.screenshot() != before

        modes = page.locator(".jp-OutputArea .nnvox-views select").first
        modes.focus()
        page.keyboard.press("ArrowDown")  # a menu's keys too: the next mode, built by the kernel
        notebook.wait_for_viewer(f"v.scene.mode === {modes.evaluate('(m) => m.value')!r} && v.drawn > 0")
        assert modes.evaluate("(m) => m.value") != "activations"
        assert notebook.errors == []
    page.close()


LIVE_CELLS = [
    """import torch, nnvox
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
recorder = nnvox.Recorder(model, torch.randn(6, 4), RUN, background=False)
recorder.snapshot(epoch=0)
nnvox.show(RUN)""",
    """with torch.no_grad():
    model[0].weight.mul_(-2)
recorder.snapshot(epoch=1)""",
    "recorder.close()",
]


@needs_widget_bundle
def test_jupyterlab_widget_follows_a_run_a_recorder_in_the_kernel_is_writing(browser, lab, tmp_path):
    page = browser.new_page(viewport=LAB_VIEWPORT)
    run = tmp_path / "live-run"
    cells = [c.replace("RUN", repr(str(run))) for c in LIVE_CELLS]
    with lab.log_on_failure():
        notebook = LabNotebook(lab, page, "live.ipynb", cells)
        notebook.run(0)
        notebook.wait_for_viewer("v.drawn > 0 && v.scene.live")
        slider = page.locator(".jp-OutputArea .nnvox-timeline input")
        assert slider.get_attribute("max") == "0"
        shown_first = CanvasPage(notebook).screenshot()
        notebook.run(1)  # the kernel is idle again: its follow thread sees the new snapshot within 2 s
        notebook.wait_for_viewer("v.scene.snapshots.length === 2 && v.snapshot === 1", timeout=20_000)
        assert slider.evaluate("(s) => s.max") == "1"
        assert CanvasPage(notebook).screenshot() != shown_first  # the weights changed sign
        notebook.run(2)
        notebook.wait_for_viewer("!v.scene.live", timeout=20_000)  # closed: no longer followed
        assert notebook.errors == []
    page.close()

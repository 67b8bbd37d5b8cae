"""Switching the exported page's mode and sample in place (its control bar): the page holds every
mode the run can show and every probe sample and mistake; a switch redraws the voxels in that
view's desktop colours, at the same timeline position."""

from __future__ import annotations

import json
import re
import zlib

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.web.views import view_key
from tests.web.test_browser import TOLERANCE, shown, voxels
from tests.web.test_export_html import needs_bundle, parts


def held_views(path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="nnvox-views">(.*?)</script>', text, re.S).group(1).replace("<\\/", "</"))


@needs_bundle
def test_the_page_holds_every_mode_and_every_sample(digits_html, digits_run):
    start, _ = parts(digits_html)
    menu, held = start["views"], held_views(digits_html)
    samples = [s["sample"] for s in menu["samples"]]
    assert len(samples) == digits_run.probe_count + digits_run.mistake_rows
    expected = {view_key(m, k) for m in menu["modes"] for k in samples} - {view_key(start["mode"], start["sample"])}
    assert set(held) == expected and "weights" in menu["modes"]
    import base64

    weights = json.loads(zlib.decompress(base64.b64decode(held["weights"]["scene"])))
    assert weights["mode"] == "weights" and len(weights["headers"]) == digits_run.snapshots.__len__()


def _colours(scene, block, t, cells, sample=0) -> dict:
    values = scene.frame_at(t, sample=sample).values[block.name]
    table = lut(block.scale.cmap).astype(int)
    return {rc: table[block.scale.quantise(np.array([values[0, rc[0], rc[1]]]))[0]] for rc in cells}


@pytest.mark.parametrize(("mode", "sample", "name"), [("weights", 0, "conv2"), ("activations", 13, "conv1")])
def test_a_switch_shows_that_views_desktop_colours(digits_page, digits_run, mode, sample, name):
    page = digits_page.page
    t = page.evaluate("window.nnvoxViewer.timeline.t")
    page.evaluate(f"window.nnvoxViewer.choose({mode!r}, {sample})")
    page.wait_for_function(f"window.nnvoxViewer.scene.mode === {mode!r} && window.nnvoxViewer.drawn > 0")
    try:
        scene = build_scene(digits_run, ViewSpec(mode=mode).scene_options())
        block = scene.block(name)
        cells = voxels(digits_page, scene, block)
        assert len(cells) > 10
        pixels, expected = shown(digits_page, block, cells), _colours(scene, block, t, cells, sample)
        wrong = [rc for rc in cells if np.abs(pixels[rc] - expected[rc]).max() > TOLERANCE]
        assert not wrong, f"{mode}/{sample} {name}: {len(wrong)} of {len(cells)} voxels off the desktop's colours"
        assert page.evaluate("window.nnvoxViewer.timeline.t") == t  # the same moment of training
        assert page.locator(".nnvox-views select").first.input_value() == mode
    finally:
        page.evaluate("window.nnvoxViewer.choose('activations', 0)")  # as the module's other tests expect
        page.wait_for_function("window.nnvoxViewer.scene.mode === 'activations' && window.nnvoxViewer.drawn > 0")

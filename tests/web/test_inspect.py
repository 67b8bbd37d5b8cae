"""A click on the page tells what the desktop's click tells (scenes/inspect.py, desktop/panels.voxel_text):
the voxel's channel statistics in the desktop's words and numbers, at the timeline's snapshot; a
layer opened into its maps (--open) is picked on its maps; a histogram chosen before the page opens
(--histogram) shows at once (Chromium, conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.histogram import HistogramSource
from nnvox.scenes.inspect import inspect_voxel
from nnvox.scenes.open_layer import grid_places
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.export import export
from tests.web.conftest import OpenPage
from tests.web.test_browser import front_centre

V = "window.nnvoxViewer"


def desktop_line(run, t: int, layer: str, coords: tuple[int, ...], sample: int = 0) -> str:
    """The statistics line the desktop window shows for this voxel (its click's text panel)."""
    from nnvox.viewer.desktop.panels import voxel_text

    v = inspect_voxel(run, t, layer, coords[0], coords[1:], sample=sample)
    return next(line for line in voxel_text(v).splitlines() if ": min " in line)


@pytest.fixture(scope="module")
def page(browser, digits_html):
    opened = OpenPage(browser, digits_html)
    yield opened
    opened.page.close()


def click(page, point) -> dict:
    x, y = page.screen(point)
    page.page.mouse.click(x, y)
    page.settle()
    return page.page.evaluate(f"{V}.picked")


def test_a_clicked_voxel_shows_its_channel_statistics_as_the_desktop(page, digits_run):
    scene = build_scene(digits_run)
    last = scene.n_snapshots - 1
    page.page.evaluate(f"{V}.timeline.set({last})")
    picked = click(page, front_centre(scene.block("conv2"), 1, 2))
    assert (picked["channel"], picked["row"], picked["col"]) == (0, 1, 2)
    from nnvox.viewer.desktop.panels import voxel_text
    from nnvox.viewer.desktop.voxel import followed

    clicked, lines = inspect_voxel(digits_run, last, "conv2", 0, (1, 2)), {}
    for t in (last, 0.5, 1.5, 1.2):  # followed along the timeline at the nearest snapshot, as the window's
        page.page.evaluate(f"{V}.timeline.set({t})")
        page.settle()
        lines[t] = page.page.evaluate(f"{V}.picked.statistics")
        window = voxel_text(followed(clicked, digits_run, t=t, sample=0))
        assert lines[t] == next(line for line in window.splitlines() if ": min " in line), t
        assert lines[t] in page.page.evaluate(f"{V}.overlay.info.textContent")
    assert lines[last] != lines[1.2]  # training moved them
    fc1 = scene.block("fc1")  # a vector (columns of units): statistics over the whole layer
    picked = click(page, front_centre(fc1, 3, 0, panel=2))
    assert (picked["channel"], picked["row"], picked["col"]) == (2, 3, 0)
    assert picked["statistics"] == desktop_line(digits_run, 1, "fc1", (2 * fc1.rows + 3,))
    page.page.evaluate(f"{V}.timeline.set({last})")


def test_a_histogram_chosen_before_opening_shows_at_once(browser, digits_run, tmp_path):
    path = export(digits_run, tmp_path / "histogram.html", spec=ViewSpec(histogram="relu2", t=1))
    opened = OpenPage(browser, path)
    try:
        opened.settle()
        panel = f"{V}.snapshotMarks.histogram"
        assert opened.page.evaluate(f"{panel}.block") == "relu2"
        assert opened.page.evaluate("getComputedStyle(document.querySelector('.nnvox-histogram')).display") == "block"
        hist = HistogramSource(build_scene(digits_run)).at("relu2", 1)
        assert opened.page.evaluate(f"{panel}.shown.fractions") == pytest.approx(hist.fractions.tolist(), abs=1e-9)
    finally:
        opened.page.close()


def open_centre(block, k: int, row: int, col: int) -> tuple[float, float, float]:
    """The world point at the centre of voxel (row, col) of map k of an open block (open_layer's grid:
    front faces facing -y, columns along +x, rows down z)."""
    cx, y, cz = grid_places(block)[k]
    v = block.voxel
    return (cx - block.cols * v / 2 + (col + 0.5) * v, y, cz + block.rows * v / 2 - (row + 0.5) * v)


def test_a_click_on_an_open_map_reports_that_maps_voxel(browser, digits_run, tmp_path):
    spec = ViewSpec(open=("conv1",))
    path = export(digits_run, tmp_path / "open.html", spec=spec)
    scene = build_scene(digits_run, spec.scene_options())
    block, last = scene.block("conv1"), scene.n_snapshots - 1
    opened = OpenPage(browser, path)
    try:
        slabs = np.array(opened.page.evaluate(f"{V}.scene.blocks.find((b) => b.name === 'conv1').slabs"))
        assert slabs.reshape(block.panels, 6, 4, 3)[:, 0, :, 1] == pytest.approx(
            np.repeat(grid_places(block)[:, 1:2], 4, axis=1)
        )  # face-on
        for k, row, col in ((5, 2, 6), (0, 7, 0)):
            opened.page.evaluate(f"{V}.timeline.set({last})")
            picked = click(opened, open_centre(block, k, row, col))
            assert (picked["channel"], picked["row"], picked["col"]) == (k, row, col)
            value = float(scene.frame_at(last).values["conv1"][k, row, col])
            from nnvox.scenes.colour import LEVELS

            half_step = (block.scale.hi - block.scale.lo) / (2 * (LEVELS - 1))  # the page's ±
            assert picked["value"] == pytest.approx(value, abs=1.01 * half_step)
            assert picked["statistics"] == desktop_line(digits_run, last, "conv1", (k, row, col))
            box = np.array(opened.page.evaluate(f"Array.from({V}.mark.lines.geometry.attributes.position.array)"))
            lo, hi = box.reshape(-1, 3).min(axis=0), box.reshape(-1, 3).max(axis=0)
            centre = np.array(open_centre(block, k, row, col))
            assert (
                (lo < centre).all() and (centre < hi).all() and (hi - lo).max() < 2 * block.voxel
            )  # that voxel outlined
    finally:
        opened.page.close()


def test_a_block_reduced_by_level_of_detail_has_the_desktops_histogram(digits_run):
    import dataclasses

    from nnvox.viewer.web.frames import snapshot_piece
    from nnvox.viewer.web.payload import describe

    options = dataclasses.replace(ViewSpec().scene_options(), max_channels=4)
    scene = build_scene(digits_run, options)
    reduced = scene.block("conv1")
    assert reduced.channels is not None and len(reduced.channels) == 4  # 4 of its 8 channels drawn
    description, piece = describe(scene, t=2, sample=0), snapshot_piece(scene, 2, 0, 5)
    hist = HistogramSource(scene).at("conv1", 2)
    assert description["histograms"]["blocks"]["conv1"]["reference"] == pytest.approx(hist.reference, abs=1e-6)
    bars = piece.histograms["conv1"]
    assert bars["finite"] == hist.count == 8 * 8 * 8  # every value of the layer, not the 4 maps drawn
    assert np.array(bars["counts"]) / bars["finite"] == pytest.approx(hist.fractions, abs=1e-9)


def test_open_and_histogram_a_page_cannot_show_are_one_line_errors(digits_run, tmp_path):
    from nnvox.errors import NnvoxError

    with pytest.raises(NnvoxError, match=r"open: layer 'fc1' has no feature maps .*layers that open: input, conv1"):
        export(digits_run, tmp_path / "x.html", open="fc1")
    with pytest.raises(NnvoxError, match="layer 'nope' is not drawn in activations mode"):
        export(digits_run, tmp_path / "x.html", histogram="nope")
    assert not (tmp_path / "x.html").exists()


def test_a_double_click_opens_a_layer_into_pythons_open_layout_and_closes_it(browser, digits_html, digits_run):
    from nnvox.scenes.open_layer import open_scene
    from nnvox.viewer.web.frames import unit_frames
    from nnvox.viewer.web.payload import describe

    scene = build_scene(digits_run)
    opened_scene = open_scene(scene, ["conv1"])
    block, last = opened_scene.block("conv1"), scene.n_snapshots - 1
    slabs = f"{V}.scene.blocks.find((b) => b.name === 'conv1').slabs"
    opened = OpenPage(browser, digits_html)
    try:
        opened.page.mouse.dblclick(*opened.screen(front_centre(scene.block("conv1"), 3, 3)))
        opened.page.wait_for_function(f"{V}.scene.opened === 'conv1' && {V}.drawn > 0", timeout=20_000)
        expected = describe(opened_scene, t=last, sample=0)
        assert opened.page.evaluate(slabs) == pytest.approx(expected["blocks"][1]["slabs"], abs=1e-4)
        for key in ("blocks", "edges", "bounds"):  # the moved blocks laid over the view's, the rest kept
            assert opened.page.evaluate(f"{V}.scene.{key}") == expected[key], key
        panel = ("room", "box", "bins", "blocks")  # the panel's parts the layout merges with the view's
        shown = opened.page.evaluate(f"{V}.scene.histograms")
        assert {k: shown[k] for k in panel} == {k: expected["histograms"][k] for k in panel}
        moved = [b["origin"] for b in expected["blocks"]]  # the blocks after it made room
        assert np.array(opened.page.evaluate(f"{V}.scene.blocks.map((b) => b.origin)")) == pytest.approx(
            np.array(moved)
        )
        boxes = opened.page.evaluate(f"{V}.piece.units")
        assert boxes == unit_frames(opened_scene, opened_scene.frame_at(last)) and boxes  # framed where they stand
        assert opened.page.evaluate(f"{V}.timeline.t") == last  # the timeline kept
        picked = click(opened, open_centre(block, 6, 4, 1))
        assert (picked["channel"], picked["row"], picked["col"]) == (6, 4, 1)
        assert picked["statistics"] == desktop_line(digits_run, last, "conv1", (6, 4, 1))
        opened.page.mouse.dblclick(*opened.screen(open_centre(block, 6, 4, 1)))  # an open map closes it
        opened.page.wait_for_function(f"!{V}.scene.opened && {V}.drawn > 0", timeout=20_000)
        assert opened.page.evaluate(slabs) == pytest.approx(describe(scene, t=last, sample=0)["blocks"][1]["slabs"])
        assert opened.errors == []
    finally:
        opened.page.close()


def test_the_pages_numbers_print_as_pythons_3g(tmp_path):
    """js/statistics.js's formatG against format(v, ".3g"), ties (fp16 values: 1.625) rounded to even as Python."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    import nnvox.viewer.web as web

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    module = Path(web.__file__).with_name("js") / "statistics.js"
    script = tmp_path / "format.mjs"
    script.write_text(
        f"import {{ formatG }} from {json.dumps(module.as_uri())};\n"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map((v) => formatG(v))));\n"
    )
    rng = np.random.default_rng(0)
    values = [1.625, -1.625, 0.0625, 9.995, 999.5, 0.00012345, 123456.0, 100.0, 0.5, 2.5e-7, -3.0517578125e-05]
    values += [float(v) for v in np.float16(rng.normal(0, 3, 300))] + [float(v) for v in rng.normal(0, 1e4, 100)]
    shown = subprocess.run([node, str(script), json.dumps(values)], capture_output=True, text=True, check=True)
    assert json.loads(shown.stdout) == [format(v, ".3g") for v in values]

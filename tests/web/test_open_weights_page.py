"""The browser page opens a convolution's weights into kernel tiles as the video and the window do
(scenes/open_weights.py: a column per filter, a row per input channel): in a weight mode a
double-click on conv2 shows each tile in the desktop's colours of that kernel, with the filters'
and input channels' numbers where open_weights.grid_texts puts them; a page exported with the layer
open (`--mode weights --open conv2`) shows the same tiles."""

from __future__ import annotations

import base64
import json
import zlib
from io import BytesIO

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.open_layer import grid_places, open_scene
from nnvox.scenes.open_weights import grid_texts, tile_of
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.web.frame_packing import unpack_frames
from nnvox.viewer.web.frames import atlas
from tests.web.conftest import OpenPage
from tests.web.test_browser import TOLERANCE


@pytest.fixture(scope="module")
def opened(digits_run):
    """The weights scene with conv2 open into its kernel tiles, as Python computes it."""
    return open_scene(build_scene(digits_run, ViewSpec(mode="weights").scene_options()), ["conv2"])


def _inflated(text: str):
    return json.loads(zlib.decompress(base64.b64decode(text)))


def test_a_weight_modes_layout_carries_the_tiles_atlas_after_the_views_frame(digits_run):
    """Each snapshot's tiles hold the recorded conv2 kernels (read from the run, not computed as the
    code does): tile k of the grid (filter k mod columns, input k // columns, the payload's
    `tile_columns`) in atlas cell divmod(k, grid columns), each texel its weight through the block's
    scale to within half a colour level; laid after the view's frame, every other block in place."""
    from nnvox.viewer.web.views import held_views

    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    description = {"mode": "activations", "sample": 0, "views": {"samples": [{"sample": 0}]}}
    view = held_views(description, {"weights": weights}, ViewSpec(), 3)["weights"]
    weights = _inflated(view["scene"])
    layout = _inflated(weights["opens"]["conv2"])
    tiles, moved = layout["tiles"], {b["name"]: b for b in layout["moved"]}
    conv2, levels = moved["conv2"], weights["levels"]
    (h, w), (_, gc), columns = conv2["atlas"], conv2["grid"], conv2["tile_columns"]
    assert tiles["bytes"] == h * w  # the open grid's atlas, whole
    lo, hi = conv2["scale"]["lo"], conv2["scale"]["hi"]
    step = (hi - lo) / (levels - 1)
    frames = np.frombuffer(unpack_frames(tiles["frames"], len(weights["snapshots"])), np.uint8).reshape(-1, h, w)
    for t, atlas_t in enumerate(frames):
        kernels = digits_run.read(t, ["param/conv2.weight"])["param/conv2.weight"]  # (filters, inputs, kh, kw)
        kh, kw = kernels.shape[2:]
        for k in range(conv2["panels"]):
            r, c = divmod(k, gc)
            drawn = atlas_t[r * kh : (r + 1) * kh, c * kw : (c + 1) * kw].astype(float)
            recorded = np.clip(kernels[k % columns, k // columns], lo, hi)
            assert np.abs(lo + (drawn - 2) * step - recorded).max() <= step / 2 + 1e-6, (t, k)
    assert (frames[0] != frames[-1]).any()  # training moved the kernels: the tiles follow the snapshot
    assert conv2["offset"] == weights["frame_bytes"]  # laid after the view's frame ...
    assert layout["patch"]["frame_bytes"] == weights["frame_bytes"] + h * w
    offsets = {b["name"]: b["offset"] for b in weights["blocks"]}
    assert all(b["offset"] == offsets[b["name"]] for b in layout["moved"] if b["name"] != "conv2")  # ... the rest stay


def _tile_voxels(block, places, k: int):
    """The world points of tile k's inner voxels (its rows down z, its columns along +x, facing -y)."""
    v, (x, y, z) = block.voxel, places[k]
    return {
        (r, c): (x - block.cols * v / 2 + (c + 0.5) * v, y, z + block.rows * v / 2 - (r + 0.5) * v)
        for r in range(1, block.rows - 1)
        for c in range(1, block.cols - 1)
    }


def _shows_the_tiles(page: OpenPage, opened, t: int) -> None:
    """Every tile's inner voxels in the desktop's colours of the kernel at snapshot t, and the grid's
    texts on the page where grid_texts puts them."""
    from PIL import Image

    block, places = opened.block("conv2"), grid_places(opened.block("conv2"))
    page.settle()
    image = Image.open(BytesIO(page.page.screenshot())).convert("RGB")
    values, table = opened.frame_at(t).values["conv2"], lut(block.scale.cmap)
    wrong, checked = [], 0
    for k in range(block.panels):
        cells = _tile_voxels(block, places, k)
        for (r, c), (x, y) in zip(cells, page.screens(list(cells.values()))):
            want = table[block.scale.quantise(np.array([values[k, r, c]]))[0]].astype(int)
            got = np.array(image.getpixel((round(x), round(y))), dtype=int)
            checked += 1
            if np.abs(got - want).max() > TOLERANCE:
                wrong.append((k, r, c, got, want))
    assert checked >= block.panels and not wrong, f"{len(wrong)} of {checked} voxels, e.g. {wrong[:3]}"
    texts = page.page.evaluate(
        "[...document.querySelectorAll('.nnvox-grid-text')].map((el) => {"
        "const r = el.getBoundingClientRect(); return [el.textContent, r.left, r.top, r.right, r.bottom]; })"
    )
    assert [t[0] for t in texts] == [text for _, text, _ in grid_texts(block, places)]
    w, h = page.page.viewport_size["width"], page.page.viewport_size["height"]
    assert all(0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h for _, x0, y0, x1, y1 in texts)
    tops = page.screens(places[: block.opened[1]])  # the top row's tiles: each filter's number over its own
    for (_, x0, _, x1, y1), (x, y) in zip(texts, tops):
        assert x0 < x < x1 and y1 < y


def _says_the_clicked_tiles_filter_and_input(page: OpenPage, block, places) -> None:
    """A click on a tile's voxel names its filter and input channel (tile k: open_weights.tile_of)."""
    filters, channels = tile_of(block)
    k = min(block.panels - 1, block.opened[1] + 3)  # input 1's tile of filter 3
    (x, y), want = page.screens([_tile_voxels(block, places, k)[1, 1]])[0], f"filter {filters[k]}, input {channels[k]}"
    page.page.mouse.click(x, y)
    page.settle()
    assert f"{want}, row 1, column 1:" in page.page.evaluate("window.nnvoxViewer.overlay.info.textContent")


def _shown_texts(page: OpenPage, zoom: float | None = None) -> int:
    """How many of the grid's texts show (with the camera zoomed to `zoom`)."""
    if zoom is not None:
        page.page.evaluate(
            "(zoom) => { const s = window.nnvoxViewer.stage; s.setView({ ...s.pose(), zoom }); s.requestDraw(); }", zoom
        )
    page.settle()
    return page.page.evaluate(
        "[...document.querySelectorAll('.nnvox-grid-text')].filter((el) => el.style.display !== 'none').length"
    )


def test_a_double_click_opens_conv2s_weights_into_tiles_and_closes_them(browser, digits_html, opened):
    page, block = OpenPage(browser, digits_html), opened.block("conv2")
    try:
        view = page.page
        view.evaluate("window.nnvoxViewer.choose('weights', 0)")
        view.wait_for_function("window.nnvoxViewer.scene.mode === 'weights'", timeout=30_000)
        assert view.evaluate("Boolean(window.nnvoxViewer.scene.opens.conv2)")
        view.evaluate("window.nnvoxViewer.openLayer('conv2')")
        view.wait_for_function("window.nnvoxViewer.scene.opened === 'conv2'", timeout=30_000)
        view.evaluate(f"window.nnvoxViewer.timeline.set({opened.n_snapshots - 1})")
        _shows_the_tiles(page, opened, opened.n_snapshots - 1)
        zoom, texts = view.evaluate("window.nnvoxViewer.stage.pose().zoom"), grid_texts(block, grid_places(block))
        assert _shown_texts(page, zoom / 4) == 0  # zoomed far out the numbers would run together: none, as the window
        assert _shown_texts(page, zoom) == len(texts)
        _says_the_clicked_tiles_filter_and_input(page, block, places=grid_places(block))
        assert _shown_texts(page) == len(texts)  # beside the clicked block's panel the camera still faces the grid
        view.evaluate("window.nnvoxViewer.openLayer('conv2')")  # again: closed
        view.wait_for_function("!window.nnvoxViewer.scene.opened", timeout=30_000)
        assert view.evaluate("document.querySelectorAll('.nnvox-grid-text').length") == 0
        assert page.errors == []
    finally:
        page.page.close()


def test_a_page_exported_with_the_weights_open_shows_the_tiles(browser, digits_run, tmp_path, opened):
    from nnvox.viewer.export import export_html

    html = export_html(digits_run, tmp_path / "w.html", mode="weights", open=("conv2",), t=0)
    page = OpenPage(browser, html)
    try:
        _shows_the_tiles(page, opened, 0)
        assert page.errors == []
        # facing the grid, as a double-click opens it: the gaps between tiles show the background
        # (from the overview's oblique camera each tile's side filled the gap beside it)
        from PIL import Image

        block = opened.block("conv2")
        places = grid_places(block)
        gaps = page.screens([(places[k] + places[k + 1]) / 2 for k in range(block.opened[1] - 1)])
        image = Image.open(BytesIO(page.page.screenshot())).convert("RGB")
        background = np.array(page.page.evaluate("window.nnvoxViewer.scene.colours.background"))
        shown = np.array([image.getpixel((round(x), round(y))) for x, y in gaps])
        assert np.abs(shown - background).max() <= TOLERANCE
    finally:
        page.page.close()


def test_a_page_opened_in_a_weight_mode_opens_its_activations_maps_too(digits_run, tmp_path):
    """Each mode a page holds opens on a double-click: the activations of a page exported in weights
    mode too (their first sample's layouts, shared by the other samples)."""
    import re

    from nnvox.viewer.export import export_html

    text = export_html(digits_run, tmp_path / "w.html", mode="weights").read_text(encoding="utf-8")
    element = lambda name: re.search(rf'id="{name}">(.*?)</script>', text, re.S).group(1).replace("<\\/", "</")
    start, views = json.loads(element("nnvox-scene")), json.loads(element("nnvox-views"))
    assert {"conv1", "conv2"} <= set(start["opens"]) and "tiles" in _inflated(start["opens"]["conv2"])
    assert {"conv1", "conv2"} <= set(_inflated(views["activations/0"]["scene"])["opens"])
    assert views["activations/1"]["like"] == "activations/0"


def test_the_page_lays_the_tiles_after_each_snapshots_frame_as_python(digits_run, opened, tmp_path):
    """js/frame_packing.js's appendTiles under node on a real layout: each snapshot's indices are the
    view's, then the open weight's tiles, so each block reads its atlas at the offset Python gave it."""
    import shutil
    import subprocess
    from pathlib import Path

    import nnvox.viewer.web as web
    from nnvox.viewer.web.frames import quantised_frames
    from nnvox.viewer.web.views import held_views

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    description = {"mode": "activations", "sample": 0, "views": {"samples": [{"sample": 0}]}}
    view = held_views(description, {"weights": weights}, ViewSpec(), 3)["weights"]
    layout, n = _inflated(_inflated(view["scene"])["opens"]["conv2"]), weights.n_snapshots
    own = [p.indices for p in quantised_frames(weights, 0, 5)]
    js = Path(web.__file__).with_name("js") / "frame_packing.js"
    script = tmp_path / "tiles.mjs"
    script.write_text(
        f"import {{ appendTiles, unpackFrames }} from {json.dumps(js.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "import { inflateSync } from 'node:zlib';\n"
        "const [frames, tiles, own, extra, n] = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "const inflated = (text) => new Uint8Array(inflateSync(Buffer.from(text, 'base64')));\n"
        "const read = (text, bytes) => unpackFrames(inflated(text), n, bytes);\n"
        "process.stdout.write(Buffer.from(appendTiles(read(frames, own), read(tiles, extra), n)).toString('hex'));\n"
    )
    args = [view["frames"], layout["tiles"]["frames"], len(own[0]), layout["tiles"]["bytes"], n]
    (tmp_path / "args.json").write_text(json.dumps(args))
    shown = bytes.fromhex(
        subprocess.run(
            [node, str(script), str(tmp_path / "args.json")], capture_output=True, text=True, check=True
        ).stdout
    )
    block, total = opened.block("conv2"), len(own[0]) + layout["tiles"]["bytes"]
    frames = [shown[t * total : (t + 1) * total] for t in range(n)]
    at = next(b["offset"] for b in layout["moved"] if b["name"] == "conv2")  # where the page reads its atlas
    for t, frame in enumerate(frames):
        assert frame[:at] == own[t]  # every other block where the view has it
        assert frame[at:] == atlas(block, opened.frame_at(t).values["conv2"]).tobytes()

"""The exported page in headless Chromium: it opens offline with no errors, shows each voxel in the
colour the desktop gives its value, the slider changes exactly the voxels whose values changed, and
a click names the block and value under the pointer."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.scene import Block

TOLERANCE = 3  # per channel: the page's pixel against the colour table's entry (antialiasing aside)


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run)


def front_centre(block: Block, row: int, col: int, panel: int = 0) -> tuple[float, float, float]:
    """The world point at the centre of a voxel on a panel's front face (viewer/visuals.py's
    slabs: column 0 at +y, the screen's left; row 0 at the top)."""
    x, y, z = block.origin
    v = block.voxel
    return (x + panel * block.pitch, y + block.cols * v / 2 - (col + 0.5) * v, z + block.rows * v / 2 - (row + 0.5) * v)


def desktop_rgb(scene, block: Block, t: int, row: int, col: int, panel: int = 0) -> np.ndarray:
    """The colour the desktop draws for this voxel at snapshot t: its value through the block's scale."""
    value = scene.frame_at(t).values[block.name][panel, row, col]
    return lut(block.scale.cmap)[block.scale.quantise(np.array([value]))[0]].astype(int)


def _off_lines(segments, p, clearance: float = 4.0) -> bool:
    """Whether a screen point is clear of every drawn edge segment (edges run over the faces they enter)."""
    for a, b in segments:
        u = np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-9), 0.0, 1.0)
        if np.linalg.norm(a + u * (b - a) - p) < clearance:
            return False
    return True


def voxels(page, scene, block: Block):
    """The front panel's voxels inside its border (a neighbour may graze the rim) and clear of edges."""
    inner = [(r, c) for r in range(1, block.rows - 1) for c in range(1, block.cols - 1)]
    segments = [(a, b) for path in scene.edge_paths for a, b in itertools.pairwise(page.screens(path))]
    points = page.screens([front_centre(block, *rc) for rc in inner])
    return [rc for rc, p in zip(inner, points) if _off_lines(segments, p)]


def shown(page, block: Block, cells) -> dict:
    """Each cell's pixel on the page, from one screenshot."""
    from io import BytesIO

    from PIL import Image

    page.settle()
    image = Image.open(BytesIO(page.page.screenshot())).convert("RGB")
    out = {}
    for (r, c), (x, y) in zip(cells, page.screens([front_centre(block, *rc) for rc in cells])):
        out[r, c] = np.array(image.getpixel((round(x), round(y))), dtype=int)
    return out


def test_opens_offline_without_errors(digits_page):
    assert digits_page.errors == []
    assert digits_page.requests == []  # nothing fetched: three.js and the data are inside the file
    assert digits_page.page.evaluate("window.nnvoxViewer.meshes.length") > 5


def test_voxels_have_the_desktop_colours(digits_page, scene):
    last = scene.n_snapshots - 1
    for name in ("input", "conv1", "fc1"):
        block = scene.block(name)
        cells = voxels(digits_page, scene, block)
        assert len(cells) >= (block.rows - 2) * (block.cols - 2) // 2
        pixels = shown(digits_page, block, cells)
        wrong = [(rc, pixels[rc], desktop_rgb(scene, block, last, *rc)) for rc in cells]
        wrong = [w for w in wrong if np.abs(w[1] - w[2]).max() > TOLERANCE]
        assert not wrong, f"{name}: {len(wrong)} of {len(cells)} voxels differ from the desktop, e.g. {wrong[:3]}"


def test_the_slider_changes_exactly_the_voxels_whose_values_changed(digits_page, scene):
    block = scene.block("conv1")
    cells = voxels(digits_page, scene, block)
    last = scene.n_snapshots - 1
    before = shown(digits_page, block, cells)
    slider = digits_page.page.locator(".nnvox-timeline input")
    slider.focus()
    slider.press("Home")  # the keyboard moves the slider to the first snapshot, as a user would
    assert digits_page.page.evaluate("window.nnvoxViewer.snapshot") == 0
    after = shown(digits_page, block, cells)
    changed = [rc for rc in cells if (desktop_rgb(scene, block, 0, *rc) != desktop_rgb(scene, block, last, *rc)).any()]
    assert len(changed) > len(cells) // 2  # training moved most of conv1's values
    for rc in cells:
        expected = desktop_rgb(scene, block, 0, *rc)
        assert np.abs(after[rc] - expected).max() <= TOLERANCE, (rc, after[rc], expected)
        if rc not in changed:
            assert (after[rc] == before[rc]).all(), rc
    slider.press("End")
    assert digits_page.page.evaluate("window.nnvoxViewer.snapshot") == last


def test_between_snapshots_the_page_blends_indices_within_one_step_of_the_desktop(digits_page, scene):
    block = scene.block("conv1")
    cells = voxels(digits_page, scene, block)
    digits_page.page.evaluate("window.nnvoxViewer.timeline.set(0.5)")
    pixels = shown(digits_page, block, cells)
    index = lambda t: block.scale.quantise(scene.frame_at(t).values["conv1"][0]).astype(int)
    page_index = np.floor(index(0) + 0.5 * (index(1) - index(0)) + 0.5).astype(int)  # JS Math.round
    assert np.abs(page_index - index(0.5)).max() <= 1  # the desktop quantises the blended value
    table = lut(block.scale.cmap).astype(int)
    for r, c in cells:
        assert np.abs(pixels[r, c] - table[page_index[r, c]]).max() <= TOLERANCE, (r, c)
    assert sum((table[index(0)[rc]] != table[index(1)[rc]]).any() for rc in cells) > len(cells) // 2
    digits_page.page.evaluate(f"window.nnvoxViewer.timeline.set({scene.n_snapshots - 1})")  # as the page opened


def test_a_click_reports_the_block_and_value(digits_page, scene):
    block, (row, col) = scene.block("conv1"), (3, 5)
    digits_page.page.keyboard.press("Escape")
    x, y = digits_page.screen(front_centre(block, row, col))
    digits_page.page.mouse.click(x, y)
    picked = digits_page.page.evaluate("window.nnvoxViewer.picked")
    t = digits_page.page.evaluate("window.nnvoxViewer.timeline.t")
    value = float(scene.frame_at(t).values["conv1"][0, row, col])
    step = (block.scale.hi - block.scale.lo) / 253
    assert (picked["name"], picked["channel"], picked["row"], picked["col"]) == ("conv1", 0, row, col)
    assert abs(picked["value"] - value) <= step / 2 + 1e-6
    assert "conv1" in digits_page.page.locator(".nnvox-info").inner_text()


def shown_labels(page) -> dict[str, tuple[float, float, float, float]]:
    """Each shown block label's box on the page."""
    script = """() => Object.fromEntries([...document.querySelectorAll('.nnvox-label')]
        .filter((el) => el.style.display !== 'none')
        .map((el) => { const r = el.getBoundingClientRect();
                       return [el.dataset.block, [r.left, r.top, r.right, r.bottom]]; }))"""
    return page.page.evaluate(script)


def assert_label_policy(page) -> dict:
    """No two shown labels overlap and none leaves the picture; the input's and output's are shown."""
    boxes = shown_labels(page)
    for a, b in itertools.combinations(boxes, 2):
        (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[a], boxes[b]
        assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, f"labels {a} and {b} overlap"
    for name, (left, top, right, bottom) in boxes.items():
        assert left >= 0 and top >= 0 and right <= 1280 and bottom <= 720, name
    assert {"input", "fc2"} <= set(boxes)
    return boxes


def test_labels_never_overlap_and_follow_the_camera(digits_page):
    before = assert_label_policy(digits_page)
    picture = digits_page.page.screenshot()
    digits_page.page.mouse.move(640, 600)
    digits_page.page.mouse.down()
    digits_page.page.mouse.move(610, 590, steps=6)  # orbit a little: drag with the left button
    digits_page.page.mouse.up()
    digits_page.settle()
    after = assert_label_policy(digits_page)
    assert digits_page.page.screenshot() != picture
    assert after["input"] != before["input"]  # the label moved with its block

"""The window, for real under Xvfb: a double-click on a feature-map layer opens it into its maps
face-on (the maps flying out over several frames), a double-click on a map closes it again."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pytest
from scipy import ndimage


def map_regions(image: np.ndarray, background) -> list[tuple[slice, slice]]:
    """The large solid regions of a screenshot: what is not background, lines and text opened away,
    each region at least half the largest one."""
    ink = np.abs(image.astype(int) - np.asarray(background)).max(axis=2) > 24
    labels, _ = ndimage.label(ndimage.binary_opening(ink, structure=np.ones((7, 7))))
    boxes = ndimage.find_objects(labels)
    sizes = [(b[0].stop - b[0].start) * (b[1].stop - b[1].start) for b in boxes]
    return [b for b, s in zip(boxes, sizes) if s > 0.5 * max(sizes)]


@pytest.mark.xvfb
@pytest.mark.timeout(240)
def test_double_click_opens_a_layer_into_its_maps_face_on_and_closes_it(lenet_run, tmp_path):
    from nnvox.viewer.desktop.panes import window_options
    from tests.viewer.test_window import _settle
    from tests.viewer.xvfb import VirtualDisplay, require_tools

    require_tools()
    size = (1280, 800)
    out = tmp_path / "state.json"
    display = VirtualDisplay(*size)
    probe = [sys.executable, "-m", "tests.viewer.window_open_probe", str(lenet_run.path), str(out), *map(str, size)]
    proc = display.launch(probe)

    def state(until, timeout=30.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if out.exists() and until(shown := json.loads(out.read_text())):
                return shown
            time.sleep(0.2)
        raise TimeoutError(f"the window never showed what was waited for; last: {out.read_text()[:300]}")

    def double_click(x, y):
        display.xdotool("mousemove", "--window", wid, str(x), str(y), "click", "--repeat", "2", "--delay", "80", "1")

    def clear():  # a click on empty space lets go of the selected block; then the mouse off any block
        display.xdotool("mousemove", "--window", wid, "20", "120", "click", "1", "mousemove", "5", "795")
        display.wait_title_without(wid, "selected")

    try:
        wid = display.wait_window("nnvox", proc)
        closed = state(lambda s: "conv1" in s["blocks"])
        clear()
        before = _settle(display, 1.0)
        double_click(*closed["blocks"]["conv1"])
        display.wait_title(wid, "conv1 open into maps")
        state(lambda s: s["open"] == ["conv1"])
        clear()
        shot = _settle(display)
        opened = state(lambda s: s["open"] == ["conv1"])  # now: the selection's panel gone, the maps refitted
        assert opened["moving_ticks"] >= 2  # the maps flew out over several frames
        regions = map_regions(shot, window_options(size, comparing=False).background)
        assert len(regions) == 6, f"{len(regions)} map-sized regions"  # conv1's 6 maps, each on its own
        for rows, cols in regions:  # face-on: 28 x 28 maps drawn square
            h, w = rows.stop - rows.start, cols.stop - cols.start
            assert abs(w / h - 1) < 0.1 and h > 80, (w, h)
        double_click(*opened["blocks"]["conv1"])  # on a map: closes the layer again
        display.wait_title_without(wid, "open into maps")
        again = state(lambda s: not s["open"])
        clear()
        assert again["moving_ticks"] > opened["moving_ticks"]
        assert (np.abs(_settle(display).astype(int) - before.astype(int)).sum(axis=2) > 30).mean() < 0.002
    finally:
        display.stop(proc)

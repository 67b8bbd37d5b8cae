"""The interactive window, driven for real: keys and drags sent to it under Xvfb, screenshots compared."""

import os
import sys
import time

import numpy as np
import pytest

from tests.viewer.xvfb import VirtualDisplay, require_tools

pytestmark = pytest.mark.xvfb


def _changed(a, b, region=None):
    if region is not None:
        a, b = a[region], b[region]
    return (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30).mean()


def _settle(display, after=0.5, timeout=10.0):
    """The screen once it has stopped changing: two grabs in a row alike (a loaded machine may take
    a while to redraw after a key)."""
    time.sleep(after)
    previous, deadline = display.screenshot(), time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.3)
        current = display.screenshot()
        if np.array_equal(current, previous):
            return current
        previous = current
    return previous


def _probe(run_path, where, *block):
    """The window opened by window_probe under a new Xvfb, and where it draws `block` (default a group)."""
    import json

    display = VirtualDisplay(1280, 800)
    proc = display.launch([sys.executable, "-m", "tests.viewer.window_probe", str(run_path), str(where), *block])
    try:
        wid = display.wait_window("nnvox", proc)
        deadline = time.time() + 30
        while not where.exists() and time.time() < deadline:
            time.sleep(0.2)
        return display, proc, wid, json.loads(where.read_text())
    except BaseException:
        display.stop(proc)
        raise


def _quit(display, wid, proc) -> None:
    """q closes the window, and the process ends cleanly."""
    display.xdotool("key", "--window", wid, "q")
    assert proc.wait(timeout=20) == 0


@pytest.mark.timeout(180)
def test_window_keys_and_mouse_change_what_is_shown(digits_run, tmp_path):
    require_tools()
    display = VirtualDisplay(1400, 820)  # the window's own size: all of it on screen
    exe = os.path.join(os.path.dirname(sys.executable), "nnvox")
    proc = display.launch([exe, "view", str(digits_run.path)], cwd=tmp_path)
    try:
        wid = display.wait_window("nnvox", proc)
        last = len(digits_run.snapshots) - 1
        display.wait_title(wid, f"epoch {last} — activations")
        before = _settle(display, 2.0)
        assert _changed(before, np.zeros_like(before)) > 0.05  # something is drawn

        display.xdotool("key", "--window", wid, "Left")
        display.wait_title(wid, f"epoch {last - 1} — activations")
        earlier = _settle(display)
        network = (slice(80, 700), slice(0, 1280))
        assert _changed(before, earlier, network) > 0.002  # voxels recoloured

        display.xdotool("key", "--window", wid, "Up")  # next probe sample: the input digit changes
        time.sleep(0.3)
        other_sample = _settle(display)
        assert _changed(earlier, other_sample, network) > 0.002

        display.xdotool("key", "--window", wid, "h")
        with_help = _settle(display)
        help_box = (slice(60, 320), slice(0, 600))
        assert _changed(other_sample, with_help, help_box) > 0.05

        display.xdotool("key", "--window", wid, "t")  # the layer health table, left, in the help's place
        health = _settle(display)
        assert _changed(with_help, health, (slice(60, 250), slice(0, 400))) > 0.05
        display.xdotool("key", "--window", wid, "t")

        plain = _settle(display)
        panel = (slice(90, 330), slice(860, 1370))  # the figure panel, top right
        display.xdotool("key", "--window", wid, "f")  # the confusion matrix of the snapshot under the cursor
        display.wait_title(wid, "figure confusion")  # drawn: a busy window's screen stands still too
        confusion = _settle(display, 1.5)
        assert _changed(plain, confusion, panel) > 0.1
        display.xdotool("key", "--window", wid, "f")  # its most confident mistakes
        display.wait_title(wid, "figure mistakes")
        mistakes = _settle(display, 1.5)
        assert _changed(confusion, mistakes, panel) > 0.05
        from nnvox.viewer.figure_panel import BOX, caption_size
        from nnvox.viewer.figures import figure_image

        tiles: list = []  # where the panel draws each mistake (the window is 1400 x 820)
        figure_image(
            digits_run,
            "mistakes",
            t=last - 1,
            width=round((BOX[2] - BOX[0]) * 1400),
            height=round((BOX[3] - BOX[1]) * 820),
            regions=tiles,
            caption=caption_size(820),
        )
        x0, y0, x1, y1 = tiles[1]
        display.xdotool(
            "mousemove",
            "--window",
            wid,
            str(round(BOX[0] * 1400 + (x0 + x1) / 2)),
            str(round((1 - BOX[3]) * 820 + (y0 + y1) / 2)),
            "click",
            "1",
        )
        display.wait_title(wid, "— mistake 2")  # clicking a mistake shows it in the whole scene
        assert _changed(mistakes, _settle(display), network) > 0.002
        mistakes = _settle(display)
        display.xdotool("key", "--window", wid, "Left")  # the figure follows the timeline
        display.wait_title(wid, f"epoch {last - 2} — activations")
        assert _changed(mistakes, _settle(display, 1.5), panel) > 0.01
        display.xdotool("key", "--window", wid, "Right")
        for _ in range(5):  # filters, histograms, correlation, health, then none
            display.xdotool("key", "--window", wid, "f")
        # each figure is drawn in turn, the window busy (its screen unchanged) while one is made: the
        # title says when the last is gone
        display.wait_title_without(wid, "figure", timeout=60)
        from nnvox.viewer.figure_panel import FRAME

        def framed(image):  # the panel's border pixels
            return int((np.abs(image[50:340, 800:1400].astype(int) - FRAME).max(axis=2) < 6).sum())

        assert framed(_settle(display, 2.0)) < framed(mistakes) / 8  # gone (block outlines share the grey)

        display.xdotool("key", "--window", wid, "m")
        display.wait_title(wid, "weights")
        weights = _settle(display)
        assert _changed(health, weights, network) > 0.02

        display.xdotool(
            "mousemove",
            "--window",
            wid,
            "640",
            "400",
            "mousedown",
            "1",
            "mousemove",
            "--window",
            wid,
            "760",
            "330",
            "mousemove",
            "--window",
            wid,
            "880",
            "300",
            "mouseup",
            "1",
        )
        rotated = _settle(display)
        assert _changed(weights, rotated, network) > 0.02
        for key in ("w", "j", "3"):  # VTK's own keys (wireframe, joystick, stereo) do nothing here
            display.xdotool("key", "--window", wid, key)
        assert _changed(rotated, _settle(display, 1.0), network) < 0.002

        display.xdotool("key", "--window", wid, "k")  # the camera as it is now, saved for storyboards
        saved = tmp_path / "nnvox-view-1.toml"
        deadline = time.time() + 10
        while not saved.exists() and time.time() < deadline:
            time.sleep(0.2)
        import tomllib

        from nnvox.scenes.build import build_scene
        from nnvox.scenes.camera import CameraPose, overview

        view = CameraPose.from_dict(tomllib.loads(saved.read_text())["camera"])
        start = overview(build_scene(digits_run).bounds, 1280 / 800)
        assert np.degrees(np.arccos(np.clip(np.dot(view.direction, start.direction), -1, 1))) > 5  # the drag's turn

        display.xdotool("key", "--window", wid, "x")  # every layer expanded
        display.wait_title(wid, "expanded")
        display.xdotool("key", "--window", wid, "x")
        assert "weights" in display.wait_title_without(wid, "expanded")

        _quit(display, wid, proc)
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output and "WARN" not in output, output


@pytest.mark.timeout(180)
def test_clicks_select_and_double_clicks_open_a_layer(tmp_path):
    require_tools()
    import torch

    from nnvox.models.zoo import digits_resnet
    from tests.scenes.test_layout_graphs import run_of

    torch.manual_seed(0)
    run = run_of(digits_resnet(), torch.randn(2, 1, 8, 8), tmp_path / "run")  # 20+ layers: grouped view
    display, proc, wid, spot = _probe(run.path, tmp_path / "where.json")
    try:
        before = _settle(display, 1.0)
        # a single click selects the layer: white outline, its histogram in the panel on the right
        display.xdotool("mousemove", "--window", wid, str(spot["x"]), str(spot["y"]), "click", "1")
        display.wait_title(wid, f"selected {spot['name']}")
        selected = _settle(display)
        panel = (slice(384, 560), slice(896, 1254))
        assert _changed(before, selected, panel) > 0.05
        display.xdotool("mousemove", "--window", wid, "40", "300", "click", "1")  # empty space: none
        display.wait_title_without(wid, "selected")
        assert _changed(before, _settle(display), panel) < 0.002
        display.xdotool("key", "--window", wid, "bracketright")  # the next layer from none: the first
        display.wait_title(wid, "selected input")
        display.xdotool("mousemove", "--window", wid, "40", "300", "click", "1")
        display.wait_title_without(wid, "selected")
        before = _settle(display)
        display.xdotool(
            "mousemove", "--window", wid, str(spot["x"]), str(spot["y"]), "click", "--repeat", "2", "--delay", "80", "1"
        )
        display.wait_title(wid, "1 opened")
        opened = _settle(display)
        assert _changed(before, opened) > 0.01  # the group is drawn as its separate layers now
        display.xdotool("mousemove", "--window", wid, "40", "300", "click", "1")  # the histogram's room given back
        display.wait_title_without(wid, "selected")
        display.xdotool("key", "--window", wid, "c")  # same camera fit as before
        time.sleep(0.5)
        display.xdotool(
            "mousemove", "--window", wid, str(spot["x"]), str(spot["y"]), "click", "--repeat", "2", "--delay", "80", "1"
        )
        display.wait_title_without(wid, "opened")
        _quit(display, wid, proc)
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output and "WARN" not in output, output


@pytest.mark.timeout(180)
def test_compare_window_links_cameras_and_toggles_the_difference(digits_run):
    require_tools()
    display = VirtualDisplay(1280, 800)
    exe = os.path.join(os.path.dirname(sys.executable), "nnvox")
    proc = display.launch([exe, "compare", str(digits_run.path), "--pin", "0"])
    left, right = (slice(80, 700), slice(0, 630)), (slice(80, 700), slice(650, 1280))
    try:
        wid = display.wait_window("nnvox", proc)
        display.wait_title(wid, "against epoch 0")
        before = _settle(display, 2.0)
        blank = np.zeros_like(before)
        assert _changed(before, blank, left) > 0.02 and _changed(before, blank, right) > 0.02  # both sides drawn

        display.xdotool("key", "--window", wid, "d")
        display.wait_title(wid, "difference")
        diff = _settle(display)
        assert _changed(before, diff, right) > 0.01 and _changed(before, diff, left) < 0.002  # only the right side

        display.xdotool("key", "--window", wid, "Left")  # the right side moves, the pinned left stays
        time.sleep(0.3)
        moved = _settle(display)
        assert _changed(diff, moved, right) > 0.002 and _changed(diff, moved, left) < 0.002

        display.xdotool(
            "mousemove",
            "--window",
            wid,
            "300",
            "400",
            "mousedown",
            "1",
            "mousemove",
            "--window",
            wid,
            "380",
            "330",
            "mousemove",
            "--window",
            wid,
            "460",
            "300",
            "mouseup",
            "1",
        )
        rotated = _settle(display)
        assert (
            _changed(moved, rotated, left) > 0.02 and _changed(moved, rotated, right) > 0.02
        )  # one camera, both sides
        _quit(display, wid, proc)
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output and "WARN" not in output, output


@pytest.mark.timeout(180)
def test_clicking_a_voxel_tells_its_story(digits_run, tmp_path):
    require_tools()
    display, proc, wid, spot = _probe(digits_run.path, tmp_path / "where.json", "conv1")
    try:
        assert spot["table_layer"] > spot["label_layer"]  # a table opened over block labels is not crossed by them
        before = _settle(display, 1.0)
        display.xdotool("mousemove", "--window", wid, str(spot["x"]), str(spot["y"]), "click", "1")
        display.wait_title(wid, "voxel conv1[0](")  # a voxel of the front slice, near its middle
        after = _settle(display)
        amber = np.abs(after.astype(int) - [250, 184, 64]).max(axis=2) < 40
        was = np.abs(before.astype(int) - [250, 184, 64]).max(axis=2) < 40
        assert (amber & ~was).sum() > 20  # its receptive field outlined on the input plane
        assert _changed(before, after, (slice(80, 200), slice(0, 420))) > 0.01  # its story, under the heads-up line
        # the network under the story, as wide as it can be left of the panels (beside it: 160 px of 1280)
        coloured = np.flatnonzero((np.ptp(after[200:640, :780].astype(int), axis=2) > 60).any(axis=0))
        assert coloured.max() - coloured.min() > 400, (coloured.min(), coloured.max())
        display.xdotool("key", "--window", wid, "f")  # taken apart in the figure panel: patch x kernel, histogram
        panel = (slice(60, 320), slice(660, 1260))
        taken_apart = _settle(display, 1.5)
        assert _changed(after, taken_apart, panel) > 0.1
        display.xdotool("mousemove", "--window", wid, "40", "300", "click", "1")  # empty space: gone
        display.wait_title_without(wid, "voxel")
        assert _changed(taken_apart, _settle(display, 1.5), panel) > 0.05  # the panel moves on to the next figure
        _quit(display, wid, proc)
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output and "WARN" not in output, output

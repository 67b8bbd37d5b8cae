"""The window, for real under Xvfb: a double-click on a feature-map layer opens it into its maps
face-on (the maps flying out over several frames), a double-click on a map closes it again."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage


def map_regions(image: np.ndarray, background) -> list[tuple[slice, slice]]:
    """The large solid square-ish regions of a screenshot: what is not background, lines and text
    opened away, neither long nor thin (a colour bar is neither), each at least 0.6 of the largest
    one's area (a kernel beside a map, under half of it, is not one)."""
    ink = np.abs(image.astype(int) - np.asarray(background)).max(axis=2) > 24
    labels, _ = ndimage.label(ndimage.binary_opening(ink, structure=np.ones((7, 7))))
    boxes = [b for b in ndimage.find_objects(labels) if 0.5 < (b[1].stop - b[1].start) / (b[0].stop - b[0].start) < 2]
    sizes = [(b[0].stop - b[0].start) * (b[1].stop - b[1].start) for b in boxes]
    return [b for b, s in zip(boxes, sizes) if s > 0.6 * max(sizes)]


@pytest.mark.xvfb
@pytest.mark.timeout(240)
def test_double_click_opens_a_layer_into_its_maps_face_on_and_closes_it(lenet_run, tmp_path):
    from nnvox.viewer.desktop.panes import window_options
    from tests.viewer.probed_window import ProbedWindow
    from tests.viewer.test_window import _settle

    size = (1280, 800)
    window = ProbedWindow(lenet_run.path, tmp_path / "state.json", size)
    display, state, double_click, clear = window.display, window.state, window.double_click, window.clear
    try:
        wid = window.wait_window()
        closed = state(lambda s: "conv1" in s["blocks"])
        clear()
        before = _settle(display, 1.0)
        double_click(*closed["blocks"]["conv1"])
        display.wait_title(wid, "conv1 open into maps")
        state(lambda s: s["open"] == ["conv1"])
        clear()
        shot = _settle(display)
        opened = state(lambda s: s["open"] == ["conv1"])  # now: the selection's panel gone, the maps refitted
        assert opened["glide_ticks"] >= 2  # the maps flew out over several frames
        regions = map_regions(shot, window_options(size, comparing=False).background)
        assert len(regions) == 6, f"{len(regions)} map-sized regions"  # conv1's 6 maps, each on its own
        for rows, cols in regions:  # face-on: 28 x 28 maps drawn square
            h, w = rows.stop - rows.start, cols.stop - cols.start
            assert abs(w / h - 1) < 0.1 and h > 80, (w, h)
        double_click(*opened["blocks"]["conv1"])  # on a map: closes the layer again
        display.wait_title_without(wid, "open into maps")
        again = state(lambda s: not s["open"])
        clear()
        assert again["glide_ticks"] > opened["glide_ticks"]
        assert (np.abs(_settle(display).astype(int) - before.astype(int)).sum(axis=2) > 30).mean() < 0.002
    finally:
        window.stop()


@pytest.mark.gl
def test_closing_each_open_layer_goes_back_to_where_the_camera_was_before_it_opened(lenet_run):
    """Open the input, then conv1; close conv1: the camera faces the input's maps again; close the
    input: the overview (one pose kept per open layer: a second opening overwrote the first's, so
    closing the input went back to facing it)."""
    import dataclasses

    import pyvista as pv

    from nnvox.scenes.view import ViewSpec
    from nnvox.viewer.desktop.gliding import same_pose
    from nnvox.viewer.desktop.panes import Panes, scene_options, window_options
    from nnvox.viewer.desktop.scene_switch import SceneSwitch

    size = (1280, 800)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        switch = SceneSwitch(
            Panes(plotter, lenet_run, window_options(size, comparing=False), against=None, pin=None), lenet_run
        )
        closed = scene_options(ViewSpec(), expanded=False, expand=frozenset())
        switch.show(closed)
        overview = switch.renderer.pose()

        def toggle(names, name, opening):
            switch.open_layer(dataclasses.replace(closed, opened=frozenset(names)), name, opening)
            switch.end_glide()
            return switch.renderer.pose()

        facing_input = toggle({"input"}, "input", True)
        assert not same_pose(facing_input, overview)
        toggle({"input", "conv1"}, "conv1", True)
        assert same_pose(toggle({"input"}, "conv1", False), facing_input) and switch.facing[0] == "input"
        assert same_pose(toggle((), "input", False), overview) and not switch.before_open
    finally:
        plotter.close()


def test_a_layer_that_fails_to_open_leaves_the_window_as_it_was():
    """The double-click's layer set changes only once its scene is built (it changed before)."""
    from nnvox.errors import NnvoxError
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.desktop.mouse import MouseHandlers

    class Refusing:
        def open_layer(self, options, name, opening):
            assert name in options.opened  # asked for the scene with it open
            raise NnvoxError("open: cannot build")

    class Window(MouseHandlers):
        opened, switch = frozenset({"input"}), Refusing()

        def _end_glide(self):
            pass

        def _scene_options(self):
            return SceneOptions(opened=self.opened)

    window = Window()
    with pytest.raises(NnvoxError):
        window._toggle_open("conv1")
    assert window.opened == {"input"}


@pytest.mark.xvfb
@pytest.mark.timeout(240)
def test_in_weights_mode_a_double_click_opens_a_convolutions_weights_into_kernel_tiles(lenet_run, tmp_path):
    from nnvox.viewer.desktop.panes import window_options
    from tests.viewer.probed_window import ProbedWindow

    size = (1280, 800)
    window = ProbedWindow(lenet_run.path, tmp_path / "state.json", size)
    display, state = window.display, window.state
    try:
        wid = window.wait_window()
        state(lambda s: "conv2" in s["blocks"])
        display.xdotool("key", "--window", wid, "m")  # activations -> weights
        display.wait_title(wid, "weights")
        window.clear()
        closed = state(lambda s: "conv2" in s["blocks"] and not s["open"])
        window.double_click(*closed["blocks"]["conv2"])
        display.wait_title(wid, "conv2 open")
        state(lambda s: s["open"] == ["conv2"])
        window.clear()
        from tests.viewer.test_window import _settle

        regions = map_regions(_settle(display), window_options(size, comparing=False).background)
        assert len(regions) == 16 * 6, f"{len(regions)} kernel-sized regions"  # each kernel a tile of its own
    finally:
        window.stop()

"""The window's own parts, driven under Xvfb: the timeline slider (a tick per snapshot, snapping on
release while paused), panels beside the network rather than over it (a comparison's two panes
too), and text sizes at 4K."""

import json
import sys
import time

import numpy as np
import pytest

from nnvox.viewer.theme import DEFAULT_THEME
from tests.viewer.xvfb import VirtualDisplay, require_tools

pytestmark = pytest.mark.xvfb

THEME = DEFAULT_THEME
TICK = np.array(THEME.colours.slider_tick) * 255


def _open(run, where, width, height, *extra):
    """The window under a new Xvfb of its size (`extra`: "compare", a comparison with the first
    snapshot), and the probe's first state."""
    display = VirtualDisplay(width, height)
    probe = [
        sys.executable,
        "-m",
        "tests.viewer.window_panels_probe",
        str(run.path),
        str(where),
        str(width),
        str(height),
        *extra,
    ]
    proc = display.launch(probe)
    try:
        wid = display.wait_window("nnvox", proc)
        return display, proc, wid, _state(where, lambda s: True)
    except BaseException:
        display.stop(proc)
        raise


def _state(where, wanted, timeout=30.0) -> dict:
    """The probe's state once `wanted(state)` holds."""
    deadline, seen = time.time() + timeout, None
    while time.time() < deadline:
        if where.exists():
            seen = json.loads(where.read_text())
            if wanted(seen):
                return seen
        time.sleep(0.2)
    raise TimeoutError(f"the window never showed what was waited for; last seen: {seen}")


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _px(size, height: int) -> int:
    return max(size.minimum, round(size.fraction * height))


def _tick_columns(image, state, height) -> list[int]:
    """The columns, along the bar, of tick-coloured pixels under it and under the knob (one run per tick)."""
    layout = THEME.layout
    top = round(state["bar_y"] + _px(layout.slider_knob[1], height) / 2) + 1
    row = image[top : round(state["bar_y"]) + _px(layout.slider_tick, height)]
    hit = (np.abs(row.astype(int) - TICK).max(axis=2) < 40).any(axis=0)
    starts = np.flatnonzero(hit[1:] & ~hit[:-1]) + 1
    return [int(s) for s in starts if state["ticks"][0] - 4 <= s <= state["ticks"][-1] + 4]


@pytest.mark.timeout(180)
def test_slider_ticks_snapping_and_panels_beside_the_network(digits_run, tmp_path):
    require_tools()
    display, proc, wid, shown = _open(digits_run, tmp_path / "state.json", 1400, 820)
    try:
        n = len(digits_run.snapshots)
        time.sleep(1.0)
        image = display.screenshot()
        ticks = _tick_columns(image, shown, 820)
        assert len(ticks) == n, ticks  # one tick per snapshot, drawn under the bar
        assert np.allclose(ticks, shown["ticks"], atol=3)
        assert np.allclose(shown["ticks"], shown["chart_ticks"], atol=3)  # the knob under the chart's cursor
        assert shown["tick_labels"] == ["before", *map(str, range(1, n))]

        # dragged, the knob scrubs between snapshots; let go while paused, it snaps to the nearest
        y = str(round(shown["bar_y"]))
        knob, between = shown["ticks"][-1], shown["ticks"][1] + 0.3 * (shown["ticks"][2] - shown["ticks"][1])
        display.xdotool("mousemove", "--window", wid, str(round(knob)), y, "mousedown", "1")
        display.xdotool("mousemove", "--window", wid, str(round(between)), y)
        dragged = _state(tmp_path / "state.json", lambda s: s["t"] < n - 1)
        assert 1.1 < dragged["t"] < 1.5  # continuous: between snapshots 1 and 2 while held
        display.xdotool("mouseup", "1")
        released = _state(tmp_path / "state.json", lambda s: s["t"] % 1 == 0)
        assert released["t"] == 1.0 and not released["playing"]
        display.wait_title(wid, "epoch 1 ")
        display.xdotool("key", "--window", wid, "Right")  # keys still move the timeline
        assert _state(tmp_path / "state.json", lambda s: s["t"] != 1.0)["t"] == 2.0

        # the help opens in the left column: the network moves over, refitted beside it
        before = _state(tmp_path / "state.json", lambda s: s["room"] == [0.0, 0.0, 1.0, 1.0])
        display.xdotool("key", "--window", wid, "h")
        helped = _state(tmp_path / "state.json", lambda s: s["panels"])
        (help_box,) = helped["panels"]
        assert any(_overlaps(r, help_box) for r in before["blocks"].values())  # where the help goes, blocks were
        assert not [n for n, r in helped["blocks"].items() if _overlaps(r, help_box)]
        assert helped["room"][0] * 1400 >= help_box[2]
        display.xdotool("key", "--window", wid, "h")  # closed: the network widens back
        closed = _state(tmp_path / "state.json", lambda s: not s["panels"])
        assert closed["room"] == [0.0, 0.0, 1.0, 1.0] and closed["blocks"] == before["blocks"]
        display.xdotool("key", "--window", wid, "q")
        assert proc.wait(timeout=20) == 0
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output, output


@pytest.mark.timeout(180)
def test_text_at_4k_keeps_the_themes_sizes(digits_run, tmp_path):
    require_tools()
    width, height = 3840, 2160
    display, proc, wid, shown = _open(digits_run, tmp_path / "state.json", width, height)
    try:
        fonts = THEME.fonts
        themed = {
            "help": fonts.help,
            "health": fonts.health,
            "hint": fonts.hint,
            "tick labels": fonts.slider_tick,
            "position": fonts.slider_value,
        }
        for name, size in themed.items():  # the theme's share of the height, never under its minimum
            assert shown["font_sizes"][name] >= max(size.minimum, round(size.fraction * height)), name
        time.sleep(1.0)
        image = display.screenshot()
        x = round(shown["ticks"][0])  # the "before" label under the first tick: its strokes' height
        below = image[round(shown["bar_y"]) + 12 : round(shown["bar_y"]) + 80, x - 60 : x + 60]
        rows = np.flatnonzero((np.abs(below.astype(int) - TICK).max(axis=2) < 40).any(axis=1))
        assert rows.size and rows[-1] - rows[0] >= 0.6 * shown["font_sizes"]["tick labels"]
        display.xdotool("key", "--window", wid, "h")
        helped = _state(tmp_path / "state.json", lambda s: s["panels"])
        (help_box,) = helped["panels"]
        assert help_box[3] - help_box[1] >= 18 * fonts.help.fraction * height  # every key's row, full size
        assert not [n for n, r in helped["blocks"].items() if _overlaps(r, help_box)]
        display.xdotool("key", "--window", wid, "q")
        assert proc.wait(timeout=30) == 0
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output, output


BACKGROUND = np.array(THEME.colours.background)


def _within(a, b, slack=1.0) -> bool:
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def _room_kept(shown, xray, where) -> None:
    """Each pane's network whole inside its pane, filling a fair part of it, and clear of every
    panel; drawn without the panels, the window shows nothing but its background under them."""
    figure = shown["panes"][0]["figure"]
    panels = [*shown["panels"], *([figure] if figure else [])]
    for i, pane in enumerate(shown["panes"]):
        rects = np.array(list(pane["blocks"].values()))
        for name, r in pane["blocks"].items():
            assert _within(r, pane["viewport"]), f"{where}: pane {i}'s {name} at {r}, pane {pane['viewport']}"
            held = [*panels, *([pane["histogram"]] if pane["histogram"] else [])]
            assert not [p for p in held if _overlaps(r, p)], f"{where}: pane {i}'s {name} under a panel"
        vx0, vy0, vx1, vy1 = pane["viewport"]
        spans = rects[:, 2].max() - rects[:, 0].min(), rects[:, 3].max() - rects[:, 1].min()
        assert max(spans[0] / (vx1 - vx0), spans[1] / (vy1 - vy0)) > 0.4, f"{where}: pane {i}'s network is small"
    for x0, y0, x1, y1 in panels:
        under = xray[round(y0) : round(y1), round(x0) : round(x1)].astype(int)
        off = np.abs(under - BACKGROUND).max(axis=2) > 24
        assert under.size and not off.any(), f"{where}: {off.sum()} pixels drawn under a panel"


@pytest.mark.timeout(240)
def test_a_comparisons_panes_make_room_for_every_panel(digits_run, tmp_path):
    """Issue 17 item 8: the left column (help), the figure panel and the selected layer's histogram
    beside a comparison's networks, never over them; hidden again, the panes and view come back."""
    require_tools()
    where = tmp_path / "state.json"
    xray = tmp_path / "state.json.xray.npy"
    display, proc, wid, first = _open(digits_run, where, 1400, 820, "compare")
    try:
        viewports = [p["viewport"] for p in first["panes"]]
        assert np.allclose(viewports, [[0, 0, 700, 730], [700, 0, 1400, 730]], atol=1)
        _room_kept(first, np.zeros((820, 1400, 3)), "no panel")

        display.xdotool("key", "--window", wid, "h")
        helped = _state(where, lambda s: s["panels"])
        (help_box,) = helped["panels"]
        assert any(_overlaps(r, help_box) for r in first["panes"][0]["blocks"].values())  # where it goes, blocks were
        _room_kept(helped, np.load(xray), "the help")

        display.xdotool("key", "--window", wid, "h")  # hidden: the panes and their view as they were
        closed = _state(where, lambda s: not s["panels"])
        for before, after in zip(first["panes"], closed["panes"]):
            assert after["viewport"] == before["viewport"]
            assert np.allclose(list(after["blocks"].values()), list(before["blocks"].values()), atol=1)

        display.xdotool("key", "--window", wid, "f")
        figured = _state(where, lambda s: s["panes"][0]["figure"] and "figure" in s["title"])
        _room_kept(figured, np.load(xray), "the figure")
        display.xdotool("key", "--window", wid, "bracketright")  # a layer selected: its histogram in each pane
        selected = _state(where, lambda s: s["panes"][0]["histogram"])
        assert selected["room"] != [0.0, 0.0, 1.0, 1.0]
        _room_kept(selected, np.load(xray), "the figure and a histogram")
        display.xdotool("key", "--window", wid, "q")
        assert proc.wait(timeout=20) == 0
    finally:
        output = display.stop(proc)
    assert "Traceback" not in output, output

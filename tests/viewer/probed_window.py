"""The real window under Xvfb with tests/viewer/window_state_probe.py reporting what it shows: the
window tests that double-click blocks (test_window_depth, test_open_window) drive it through this."""

from __future__ import annotations

import json
import sys
import time

from tests.viewer.xvfb import VirtualDisplay, require_tools


class ProbedWindow:
    """`state(until)`: the probe's last report once `until(report)` holds; `double_click(x, y)`;
    `clear()`: a click on empty space (lets go of the selected block) and the mouse off any block."""

    def __init__(self, run_path, out, size: tuple[int, int] = (1280, 800)):
        require_tools()
        self.out, self.size = out, size
        self.display = VirtualDisplay(*size)
        probe = [sys.executable, "-m", "tests.viewer.window_state_probe", str(run_path), str(out), *map(str, size)]
        self.proc = self.display.launch(probe)
        self.wid = None

    def wait_window(self) -> str:
        self.wid = self.display.wait_window("nnvox", self.proc)
        return self.wid

    def state(self, until, timeout: float = 30.0) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.out.exists() and until(shown := json.loads(self.out.read_text())):
                return shown
            time.sleep(0.2)
        raise TimeoutError(f"the window never showed what was waited for; last: {self.out.read_text()[:300]}")

    def double_click(self, x: int, y: int) -> None:
        self.display.xdotool(
            "mousemove", "--window", self.wid, str(x), str(y), "click", "--repeat", "2", "--delay", "80", "1"
        )

    def clear(self) -> None:
        bottom = str(self.size[1] - 5)
        self.display.xdotool("mousemove", "--window", self.wid, "20", "120", "click", "1", "mousemove", "5", bottom)
        self.display.wait_title_without(self.wid, "selected")

    def stop(self) -> str:
        """Closes the display; the window's output."""
        return self.display.stop(self.proc)

"""A real X server for window tests: Xvfb, xdotool to drive the window, ffmpeg x11grab to see it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest


def require_tools() -> None:
    missing = [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (scripts/system-deps.sh installs them as root)"
    if os.environ.get("NNVOX_REQUIRE_XVFB") == "1":
        pytest.fail(f"window tests are required here but {reason}")
    pytest.skip(reason)


class VirtualDisplay:
    def __init__(self, width: int = 1280, height: int = 800):
        self.size = (width, height)
        for number in range(91, 120):
            if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
                break
        self.display = f":{number}"
        self.proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        self.env = {**os.environ, "DISPLAY": self.display}
        self.env.pop("VTK_DEFAULT_OPENGL_WINDOW", None)  # a real X window, not EGL

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, env=self.env, timeout=30).stdout.strip()

    def launch(self, cmd: list[str], cwd=None) -> subprocess.Popen:
        """`cmd` on this display, its output to a file: a pipe nobody reads until the end would
        stall the window once a chatty library filled it."""
        log = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        proc.log = log
        return proc

    def stop(self, proc: subprocess.Popen) -> str:
        """Kill `proc` if a failed assertion left it open, close the display; `proc`'s output, also
        printed so that pytest shows it when the test fails."""
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        self.close()
        proc.log.seek(0)
        output = proc.log.read()
        proc.log.close()
        print(output)
        return output

    def wait_window(self, name: str, proc: subprocess.Popen, timeout: float = 60) -> str:
        """The id of the window `proc` opens; fails at once if `proc` ends first."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            wid = self.xdotool("search", "--name", name).splitlines()
            if wid:
                return wid[0]
            if proc.poll() is not None:
                raise RuntimeError(f"the process ended (exit {proc.returncode}) before a window named {name!r} appeared")
            time.sleep(0.2)
        raise TimeoutError(f"no window named {name!r} appeared in {timeout:.0f} s")

    def wait_title(self, wid: str, text: str, timeout: float = 20) -> str:
        deadline = time.time() + timeout
        title = ""
        while time.time() < deadline:
            title = self.xdotool("getwindowname", wid)
            if text in title:
                return title
            time.sleep(0.1)
        raise TimeoutError(f"window title {title!r} never contained {text!r}")

    def wait_title_without(self, wid: str, text: str, timeout: float = 20) -> str:
        deadline = time.time() + timeout
        title = text
        while time.time() < deadline:
            title = self.xdotool("getwindowname", wid)
            if text not in title:
                return title
            time.sleep(0.1)
        raise TimeoutError(f"window title {title!r} kept {text!r}")

    def screenshot(self) -> np.ndarray:
        import imageio_ffmpeg

        w, h = self.size
        raw = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "x11grab", "-video_size", f"{w}x{h}",
             "-i", self.display, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            capture_output=True, env=self.env, timeout=30, check=True,
        ).stdout
        return np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

"""A real X server for window tests: Xvfb, xdotool to drive the window, ffmpeg x11grab to see it."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time

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
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (Xvfb's output, read by _server_output() even after close())
        for _ in range(3):
            if self._start(width, height):
                return
            self.close()
        raise RuntimeError(f"Xvfb did not start, three times; its output:\n{self._server_output()}")

    def _start(self, width: int, height: int) -> bool:
        """Xvfb on a display number it picks itself (-displayfd: one whose file and abstract sockets
        are both free, written once it accepts clients), then one client round trip to be sure.
        -noreset: by default an X server resets whenever its last client disconnects, and refuses
        connections while it does; each xdotool call is such a client, so the window's own first
        connection, made while wait_window polls, was refused now and then ("cannot open the
        display", exit 2; measured: 21 of 100 back-to-back connections refused without it, 0 with)."""
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
            stdout=self.log,
            stderr=self.log,
            pass_fds=(write,),
        )
        os.close(write)
        with os.fdopen(read) as ready:  # empty if Xvfb exits first or hangs
            number = ready.readline().strip() if select.select([ready], [], [], 20)[0] else ""
        if not number:
            return False
        self.display = f":{number}"
        self.env = {**os.environ, "DISPLAY": self.display}
        self.env.pop("VTK_DEFAULT_OPENGL_WINDOW", None)  # a real X window, not EGL
        probe = subprocess.run(
            ["xdotool", "getdisplaygeometry"], capture_output=True, text=True, env=self.env, timeout=30
        )
        return probe.returncode == 0 and probe.stdout.split() == [str(width), str(height)]

    def _server_output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def xdotool(self, *args: str) -> str:
        return subprocess.run(
            ["xdotool", *args], capture_output=True, text=True, env=self.env, timeout=30
        ).stdout.strip()

    def launch(self, cmd: list[str], cwd=None) -> subprocess.Popen:
        """`cmd` on this display, its output to a file: a pipe nobody reads until the end would
        stall the window once a chatty library filled it."""
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (proc.log: read and closed by stop())
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
        print(f"Xvfb {self.display}:\n{self._server_output()}")
        return output

    def wait_window(self, name: str, proc: subprocess.Popen, timeout: float = 60) -> str:
        """The id of the window `proc` opens; fails at once if `proc` ends first."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            wid = self.xdotool("search", "--name", name).splitlines()
            if wid:
                return wid[0]
            if proc.poll() is not None:
                proc.log.seek(0)
                raise RuntimeError(
                    f"the process ended (exit {proc.returncode}) before a window named {name!r} appeared; "
                    f"its output:\n{proc.log.read()}"
                )
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
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-loglevel",
                "error",
                "-f",
                "x11grab",
                "-video_size",
                f"{w}x{h}",
                "-i",
                self.display,
                "-frames:v",
                "1",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "-",
            ],
            capture_output=True,
            env=self.env,
            timeout=30,
            check=True,
        ).stdout
        return np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)

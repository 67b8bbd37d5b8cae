"""A real JupyterLab for the widget's tests: `jupyter lab` started in a subprocess on a free loopback
port, with a token, a temporary root folder and its own config, settings and runtime folders (no
user's settings, no news or update checks, no extension manager reaching PyPI); and a notebook
opened in it in Chromium, its cells run through JupyterLab's own commands (window.jupyterapp)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_SECONDS = 60  # a cold start on 2 busy cores: ~2-4 s measured
LAB_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
        "expose_app_in_browser": True,  # window.jupyterapp: the test runs cells with JupyterLab's commands
    },
    "JupyterNotebookApp": {"expose_app_in_browser": True},  # Notebook 7: JupyterLab's front end, one document
}
# The app's module (`python -m ...`) and where it opens a notebook
APPS = {"jupyterlab": "/lab/tree/", "notebook": "/notebooks/"}
# The "get notified about official Jupyter news?" toast would sit over the widget's corner
NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# The viewer the widget's front end shows: widget.js keeps it on the element anywidget renders into
VIEWER = """(() => { let e = document.querySelector('.jp-OutputArea canvas');
  while (e && !e.nnvoxViewer) e = e.parentElement; return e && e.nnvoxViewer; })()"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """`jupyter lab` (or Notebook 7, `app="notebook"`) serving `folder`; `log` is its output."""

    def __init__(self, folder: Path, app: str = "jupyterlab"):
        self.app = app
        self.root = folder / "notebooks"
        self.root.mkdir()
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.log_path = folder / "jupyterlab.log"
        env = self._environment(folder, app)
        command = [sys.executable, "-m", app, "--no-browser", "--allow-root", f"--port={self.port}"]
        command += ["--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}"]
        command += [f"--IdentityProvider.token={self.token}"]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except RuntimeError:
            self.stop()
            raise

    @staticmethod
    def _environment(folder: Path, app: str) -> dict[str, str]:
        names = ("config", "data", "runtime", "settings", "workspaces", "ipython")
        dirs = {n: folder / n for n in names}
        for d in dirs.values():
            d.mkdir()
        (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(LAB_CONFIG))
        if app == "jupyterlab":  # (Notebook 7 asks no news question, and fails on a plugin's settings it lacks)
            notification = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
            notification.parent.mkdir(parents=True)
            notification.write_text(json.dumps(NOTIFICATIONS))
        return {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "IPYTHONDIR": str(dirs["ipython"]),
        }

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.process.returncode}):\n{self.log}")
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"jupyter lab did not answer within {START_SECONDS} s:\n{self.log}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        return f"{self.url}{APPS[self.app]}{name}?token={self.token}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @contextlib.contextmanager
    def log_on_failure(self):
        """A failing test's report ends with the server's log (kernel errors, refused comms)."""
        try:
            yield
        except BaseException:
            print(f"--- jupyter lab's log ({self.log_path}) ---\n{self.log}")
            raise

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class LabNotebook:
    """A notebook of these cells opened in JupyterLab in a Chromium page, its kernel started."""

    def __init__(self, server: LabServer, page, name: str, cells: list[str]):
        import nbformat

        nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL})
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nbformat.write(nb, server.root / name)
        self.page = page
        page.goto(server.notebook_url(name))
        self.panel = (
            f"Array.from(window.jupyterapp?.shell.widgets('main') ?? []).find((w) => w.context?.path === {name!r})"
        )
        page.wait_for_function(f"{self.panel}?.sessionContext.kernelDisplayStatus === 'idle'", timeout=60_000)
        # Uncaught errors from here on: the cells' and the widget's (Notebook 7.6 throws one of its
        # own while loading its shortcuts' settings: "reading 'schema'")
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def run(self, index: int) -> None:
        """Run one cell, as Shift+Enter on it does; returns when the kernel has answered."""
        script = f"""async (i) => {{ const panel = {self.panel}; panel.content.activeCellIndex = i;
            await window.jupyterapp.commands.execute('notebook:run-cell'); }}"""
        self.page.evaluate(script, index)

    def outputs(self, index: int) -> str:
        return self.page.evaluate(f"{self.panel}.content.widgets[{index}].node.innerText")

    def viewer(self, expression: str):
        """A value read off the widget's viewer, e.g. `v.snapshot`."""
        return self.page.evaluate(f"(() => {{ const v = {VIEWER}; return {expression}; }})()")

    def wait_for_viewer(self, condition: str, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            f"(() => {{ const v = {VIEWER}; return !!v && ({condition}); }})()", timeout=timeout
        )


@contextlib.contextmanager
def lab_server(folder: Path, app: str = "jupyterlab"):
    server = LabServer(folder, app)
    try:
        yield server
    finally:
        server.stop()

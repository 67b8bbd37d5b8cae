"""The browser viewer's tests: pages exported from the digits run, opened in Debian's chromium by
Playwright (software WebGL: SwiftShader). Without /usr/bin/chromium (scripts/system-deps.sh installs
it when run as root, as CI does), without Playwright or without the built bundle, they skip and say why."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
SOFTWARE_WEBGL = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
VIEWPORT = {"width": 1280, "height": 720}


def _missing() -> str | None:
    from nnvox.viewer.web.page import BUNDLE

    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run scripts/system-deps.sh as root (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is missing: pip install -e '.[test]'"
    if not BUNDLE.exists():
        return "the browser viewer's bundle is not built: run `make setup`"
    return None


@pytest.fixture(scope="session", autouse=True)
def _required_in_ci():
    """CI (.ci/run sets NNVOX_REQUIRE_BROWSER=1) fails rather than skips when chromium, Playwright or
    the bundle is missing: a skipped browser suite there would hide a broken page."""
    if os.environ.get("NNVOX_REQUIRE_BROWSER") == "1" and (reason := _missing()) is not None:
        pytest.fail(f"the browser tests are required here but {reason}")


@pytest.fixture(scope="session")
def browser():
    if (reason := _missing()) is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=SOFTWARE_WEBGL)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def digits_html(digits_run, tmp_path_factory) -> Path:
    from nnvox.viewer.export import export

    return export(digits_run, tmp_path_factory.mktemp("web") / "digits.html")


class OpenPage:
    """A page opened from a file with no network: any request other than the file itself fails the
    test (the page must work offline); console errors and uncaught exceptions are collected."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.nnvoxViewer && window.nnvoxViewer.drawn > 0", timeout=30_000)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def settle(self) -> None:
        """Wait for the next two animation frames: whatever was asked is drawn."""
        self.page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def screen(self, point) -> tuple[float, float]:
        """Where a world point is drawn, in CSS pixels."""
        return tuple(self.page.evaluate("(p) => window.nnvoxViewer.stage.toScreen(p)", [float(v) for v in point]))

    def screens(self, points) -> np.ndarray:
        """Where world points are drawn, (n, 2) CSS pixels, in one call."""
        script = "(ps) => ps.map((p) => window.nnvoxViewer.stage.toScreen(p))"
        return np.array(self.page.evaluate(script, np.asarray(points, dtype=float).tolist())).reshape(-1, 2)


@pytest.fixture(scope="module")
def digits_page(browser, digits_html):
    opened = OpenPage(browser, digits_html)
    yield opened
    opened.page.close()

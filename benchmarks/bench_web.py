"""Issue 18's browser targets on this machine: the lecture demo's page (mnist-lenet for the demo's
epochs, as `nnvox demo` exports it; its bytes by mode and part) and the 8x8 digits run (12 epochs)
as one HTML page holding every mode, probe sample and mistake (exported opening in each mode),
against the 5 MB target; a VGG-16-sized run's page against the 20 MB target; orbiting the digits and VGG-16
pages in frames per second against the desktop's renderer orbiting the same scene; and in headless
Chromium with software WebGL (SwiftShader): the first
picture after opening the digits page, against opening a bare page that clears a WebGL canvas,
and a timeline move (blend, texture upload, draw, labels; timed inside the page up to glFinish),
against drawing the same picture again without a move, both measured in the same run; and
`nnvox serve`'s answer for one snapshot's colour indices (first asked: computed from the run folder;
asked again: kept), against reading that snapshot's tensors from disk (Run.read) in the same run.

    .venv/bin/python benchmarks/bench_web.py [--quick]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

CHROMIUM = "/usr/bin/chromium"
SOFTWARE_WEBGL = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
TARGET_MB, TARGET_FIRST_S = 5.0, 2.0
BLANK = "<canvas id=c width=1280 height=720></canvas><script>const gl = c.getContext('webgl2');"
BLANK += "gl.clearColor(0.1, 0.1, 0.1, 1); gl.clear(gl.COLOR_BUFFER_BIT); window.drawn = 1;</script>"
# Inside the page: the median ms of drawing (after a timeline move to each t, or none), up to glFinish
DRAW = """(ts) => { const v = window.nnvoxViewer, gl = v.stage.renderer.getContext(), times = [];
  for (const t of ts) { const s = performance.now(); if (t !== null) v.timeline.set(t); v.stage.draw(); gl.finish();
  times.push(performance.now() - s); } return times.sort((a, b) => a - b)[times.length >> 1]; }"""


def page_sizes(run: Path, out: Path) -> dict[str, tuple[int, float]]:
    """Each mode's page: bytes and export seconds."""
    from nnvox.scenes.view import MODES
    from nnvox.viewer.export import export

    sizes = {}
    for mode in MODES:
        start = time.perf_counter()
        path = export(run, out / f"{mode}.html", mode=mode)
        sizes[mode] = (path.stat().st_size, time.perf_counter() - start)
    return sizes


def demo_page(out: Path) -> tuple[Path, float]:
    """The lecture demo's page as `nnvox demo` writes it: mnist-lenet recorded for the demo's epochs
    with its integrated gradients, exported opening as the demo's (every mode, sample and mistake
    inside); the page and its export seconds."""
    import inspect

    from nnvox.cli.commands import DEMO_MODEL, record_builtin
    from nnvox.cli.main import demo
    from nnvox.viewer.export import export_html

    run = out / "lenet"
    epochs = inspect.signature(demo).parameters["epochs"].default
    record_builtin(DEMO_MODEL, run, epochs=epochs, quiet=True, attributions=("integrated-gradients",))
    start = time.perf_counter()
    path = export_html(run, out / "lecture.html")
    return path, time.perf_counter() - start


def demo_rows(path: Path, seconds: float) -> list[str]:
    """The demo page's bytes by part (page_account): the script, and per mode its views' descriptions,
    snapshot texts, open layouts and frames."""
    from collections import Counter

    from nnvox.viewer.web.page_account import page_account

    text = path.read_text(encoding="utf-8")
    by_mode: dict[str, Counter] = {}
    for key, parts in page_account(text).items():
        mode = "activations" if key == "start" else key.split("/")[0]
        by_mode.setdefault(mode, Counter()).update(parts)
    names = ["script", "description", "headers", "open layouts", "open units", "frames"]
    total = len(text) / 1e6
    rows = [
        f"The lecture demo's page (mnist-lenet, {len(by_mode) - 1} modes, every probe sample and mistake): "
        f"{total:.2f} MB (target {TARGET_MB:.0f} MB: {'met' if total <= TARGET_MB else 'not met'}), "
        f"exported in {seconds:.1f} s. Its bytes (MB, packed as in the file):",
        "",
        "| part | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for mode, parts in by_mode.items():
        rows.append(f"| {mode} | " + " | ".join(f"{parts[n] / 1e6:.3f}" for n in names) + " |")
    return rows


def _open(browser, url: str, ready: str) -> tuple[object, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=60_000, polling="raf")
    return page, time.perf_counter() - start


def browser_costs(page_path: Path, repeat: int) -> dict[str, float]:
    """Median seconds to the first picture (the page's and a bare WebGL page's), and ms of a timeline
    move and of a redraw without one."""
    from playwright.sync_api import sync_playwright

    blank = page_path.with_name("blank.html")
    blank.write_text(BLANK)
    firsts, blanks, moves, redraws = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=SOFTWARE_WEBGL)
        for _ in range(repeat):
            page, seconds = _open(browser, blank.as_uri(), "window.drawn === 1")
            blanks.append(seconds)
            page.close()
            page, seconds = _open(browser, page_path.as_uri(), "window.nnvoxViewer && window.nnvoxViewer.drawn > 0")
            firsts.append(seconds)
            n = page.evaluate("window.nnvoxViewer.scene.snapshots.length")
            moves.append(page.evaluate(DRAW, [k * 0.37 % (n - 1) for k in range(20)]))
            redraws.append(page.evaluate(DRAW, [None] * 20))
            page.close()
        browser.close()
    med = statistics.median
    return {"first_s": med(firsts), "blank_s": med(blanks), "move_ms": med(moves), "redraw_ms": med(redraws)}


# Inside the page: orbiting as a drag does, each animation frame the camera turned 2 degrees about
# the scene's vertical through the controls' target and drawn with the labels placed; frames the
# page presented per second over `ms` (what a reader sees, compositing included)
ORBIT = """(ms) => new Promise((done) => { const s = window.nnvoxViewer.stage, target = s.controls.target;
  let frames = 0; const start = performance.now();
  const step = () => { s.camera.position.sub(target).applyAxisAngle(s.camera.up, Math.PI / 90).add(target);
    s.camera.lookAt(target); s.draw(); frames += 1;
    if (performance.now() - start < ms) requestAnimationFrame(step);
    else done((1000 * frames) / (performance.now() - start)); };
  requestAnimationFrame(step); })"""
ORBIT_MS = 3000
TARGET_FPS = {"digits": 30.0, "vgg16": 10.0}
TARGET_VGG_MB = 20.0


def page_orbit_fps(page_path: Path, repeat: int) -> float:
    """Median frames per second orbiting the page (1280 x 720, SwiftShader)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=SOFTWARE_WEBGL)
        page, _ = _open(browser, page_path.as_uri(), "window.nnvoxViewer && window.nnvoxViewer.drawn > 0")
        page.evaluate(ORBIT, 300)  # warm: shaders compiled, textures uploaded
        fps = statistics.median(page.evaluate(ORBIT, ORBIT_MS) for _ in range(repeat))
        browser.close()
    return fps


def _desktop_orbit(run: Path, repeat: int) -> float:
    from common import median_time

    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(open_run(run))
    frame = scene.frame_at(scene.n_snapshots - 1)
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))

    def turn() -> None:
        renderer.camera.Azimuth(2.0)
        renderer.render(frame)

    seconds = median_time(turn, 30 * repeat, warmup=3)
    renderer.close()
    return 1.0 / seconds


def desktop_orbit_fps(run: Path, repeat: int) -> float:
    """Median frames per second of the desktop's renderer orbiting the same scene (off-screen, 1280 x
    720, the last snapshot: each frame the camera turned 2 degrees, drawn and read back), in its own process."""
    from common import isolated

    return isolated(_desktop_orbit, run, repeat)


def orbit_rows(pages: dict[str, tuple[Path, Path]], repeat: int) -> list[str]:
    """Orbiting each page against the desktop renderer on the same run, in the same run of this script."""
    rows = ["| model | page orbit | desktop renderer orbit | ratio | target |", "|---|---|---|---|---|"]
    for name, (run, page_path) in pages.items():
        page, desktop = page_orbit_fps(page_path, repeat), desktop_orbit_fps(run, repeat)
        met = "met" if page >= TARGET_FPS[name] else "not met"
        rows.append(
            f"| {name} | {page:.1f} fps | {desktop:.1f} fps | {page / desktop:.2f}x | "
            f"{TARGET_FPS[name]:.0f} fps: {met} |"
        )
    return rows


def vgg16_page(out: Path) -> tuple[Path, Path, int, float]:
    """A VGG-16-sized run (random conv activations at 224 x 224, 4 snapshots, kept whole as the
    Recorder's default budget keeps them) as one page with the default level of detail (the scene's
    channel and map budgets): its run, its page, bytes and export seconds."""
    from common import synthetic_vgg16_run

    from nnvox.viewer.export import export

    run = synthetic_vgg16_run(snapshots=4)
    start = time.perf_counter()
    path = export(run, out / "vgg16.html")
    return run, path, path.stat().st_size, time.perf_counter() - start


def _get_ms(port: int, path: str) -> float:
    import http.client

    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", path)
    connection.getresponse().read()
    connection.close()
    return (time.perf_counter() - start) * 1000


def serve_costs(run: Path, repeat: int) -> dict[str, float]:
    """Median ms: a snapshot's indices from `nnvox serve` asked for the first time (a fresh server
    each round) and again, and reading the same snapshot's tensors from disk (Run.read, a fresh Run)."""
    import threading

    from nnvox.capture.run import open_run
    from nnvox.viewer.web.server import open_server

    n = len(open_run(run).snapshots)
    scenes, firsts, agains, reads, whole = [], [], [], [], []
    for _ in range(repeat):
        server = open_server([run], "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        scenes.append(_get_ms(port, "/api/runs/0/scene"))  # built once per view, before any snapshot
        start = time.perf_counter()
        opened = open_run(run)
        for i in range(n):
            opened.read(i)
        whole.append((time.perf_counter() - start) * 1000)
        for i in range(n):
            firsts.append(_get_ms(port, f"/api/runs/0/snapshots/{i}.bin"))
            agains.append(_get_ms(port, f"/api/runs/0/snapshots/{i}.bin"))
            start = time.perf_counter()
            open_run(run).read(i)
            reads.append((time.perf_counter() - start) * 1000)
        server.shutdown()
        server.server_close()
    med = statistics.median
    return {
        "scene_ms": med(scenes),
        "whole_read_ms": med(whole),
        "first_ms": med(firsts),
        "again_ms": med(agains),
        "read_ms": med(reads),
        "snapshots": n,
    }


def report(quick: bool = False) -> list[str]:
    from common import digits_run

    run = digits_run(epochs=12)  # the 8x8 digits run: a snapshot before training and after each of 12 epochs
    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-web-"))
    demo = demo_rows(*demo_page(out))
    sizes = page_sizes(run, out)
    costs = browser_costs(out / "activations.html", 2 if quick else 5)
    served = serve_costs(run, 2 if quick else 5)
    vgg_run, vgg_path, vgg_bytes, vgg_seconds = vgg16_page(out)
    orbits = orbit_rows({"digits": (run, out / "activations.html"), "vgg16": (vgg_run, vgg_path)}, 2 if quick else 3)
    total = sizes["activations"][0] / 1e6
    lines = [
        "## The browser viewer: the 8x8 digits run (13 snapshots) and the lecture demo's mnist-lenet run "
        "as HTML, opened in headless Chromium (SwiftShader WebGL, 1280 x 720)",
        "",
        *demo,
        "",
        "| page opened in | page size (every mode, sample and mistake inside) | export |",
        "|---|---|---|",
        *(f"| {mode} | {b / 1e6:.2f} MB | {s:.2f} s |" for mode, (b, s) in sizes.items()),
        "",
        f"One page holds every mode, probe sample and mistake: {total:.2f} MB "
        f"(target {TARGET_MB:.0f} MB: {'met' if total <= TARGET_MB else 'not met'}). "
        f"A VGG-16-sized run (random activations, 4 snapshots, default level of detail): {vgg_bytes / 1e6:.1f} MB "
        f"(target {TARGET_VGG_MB:.0f} MB: {'met' if vgg_bytes / 1e6 <= TARGET_VGG_MB else 'not met'}), "
        f"exported in {vgg_seconds:.1f} s.",
        "",
        "Orbiting (the camera turned 2 degrees a frame, drawn with the labels placed; the page's frames "
        "presented per second over 3 s, the desktop's off-screen renderer's frames with their read-back):",
        "",
        *orbits,
        "",
        f"First picture of the activations page: {costs['first_s']:.2f} s from opening it, "
        f"{costs['first_s'] / costs['blank_s']:.1f}x a bare page clearing a WebGL canvas ({costs['blank_s']:.2f} s); "
        f"target {TARGET_FIRST_S:.0f} s: {'met' if costs['first_s'] <= TARGET_FIRST_S else 'not met'}.",
        f"A timeline move (blend, upload, draw, labels): {costs['move_ms']:.1f} ms, "
        f"{costs['move_ms'] / costs['redraw_ms']:.1f}x drawing the same picture again ({costs['redraw_ms']:.1f} ms); "
        f"target 50 ms: {'met' if costs['move_ms'] < 50 else 'not met'} (the page then shows it at the next "
        "animation frame).",
        f"`nnvox serve`, one snapshot's colour indices over HTTP ({served['snapshots']} snapshots): first asked "
        f"{served['first_ms']:.1f} ms (computed from the run folder), "
        f"{served['first_ms'] / served['read_ms']:.1f}x reading that snapshot's tensors from disk "
        f"({served['read_ms']:.1f} ms); asked again {served['again_ms']:.1f} ms "
        f"({served['again_ms'] / served['read_ms']:.2f}x). Before any snapshot, the page's scene: "
        f"{served['scene_ms']:.0f} ms (the scene built, reading what its colour scales need), "
        f"{served['scene_ms'] / served['whole_read_ms']:.1f}x reading every snapshot from disk "
        f"({served['whole_read_ms']:.0f} ms).",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(report(quick="--quick" in sys.argv)))

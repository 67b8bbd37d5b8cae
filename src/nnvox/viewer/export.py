"""export(run, "out.mp4") and render_png(run, "out.png"): the same frames the window shows, of one
ViewSpec (what to show) written as one OutputSpec says (scenes/view.py). Each also draws a model run
once on its example input: export(model, "out.png", x)."""

from __future__ import annotations

import dataclasses
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nnvox.capture.run import Run, open_run
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import load_view, network_boxes, orbit
from nnvox.scenes.compare import Comparison, build_comparison
from nnvox.scenes.histogram import Histogram, HistogramSource
from nnvox.scenes.playback import check_position
from nnvox.scenes.scene import Scene
from nnvox.scenes.view import OutputSpec, ViewSpec, check_applies, rgb, specs_from
from nnvox.viewer.options import RenderOptions, VideoOptions
from nnvox.viewer.outputs import VIDEO_SUFFIXES, check_output, write_png

# what export writes, by the output's ending ("": a folder of PNGs)
EXPORT_SUFFIXES = (".png", ".html", *VIDEO_SUFFIXES, "")


def _as_run(run: Run | str | Path) -> Run:
    return run if isinstance(run, Run) else open_run(run)


def _drawn_run(target, inputs, call: str) -> Run:
    """A run (or its folder), or a model run once on its example input (capture/single_pass.run_of):
    a forward pass that fails is a one-line error, and nothing is written."""
    from nnvox.capture.single_pass import run_of

    run = _as_run(run_of(target, inputs, call=call))
    if run.error:  # a run of a failed pass (the CLI's MODEL): a picture of it would read as a result
        raise NnvoxError(run.error)
    return run


class _Panes:
    """What an export draws: one scene, or a comparison's two sides (left and right, or left and
    left − right), each at its own timeline position; checked against the sample and the
    histogram's layer before anything renders."""

    def __init__(self, run, spec: ViewSpec, *, against=None, pin: float | None = None, difference: bool = False):
        run, options = _as_run(run), spec.scene_options()
        if against is None and pin is None:
            if difference:
                raise NnvoxError("a difference needs two things to compare: another run, or a snapshot to pin")
            self.scene = self.timeline = build_scene(run, options)
            sides = [(self.scene, lambda t: t)]
        else:
            c = build_comparison(run, None if against is None else _as_run(against), pin=pin, options=options)
            self.scene, self.timeline, sides = c.left, c, c.sides(difference)
        self.sample = spec.sample_in(run)
        run.check_sample(self.sample, mistakes=against is None and pin is None)  # mistakes are one run's
        check_layer(self.scene, spec.histogram)
        self.spec, self.layer = spec, spec.histogram
        self.pose = None if spec.view is None else load_view(spec.view)  # a saved view, read before any GL
        self.scenes, self.times = [s for s, _ in sides], [at for _, at in sides]
        # the histogram panel on each side that has values of its own (not the difference)
        self._histograms = [
            HistogramSource(s) if self.layer and s.run_name != "difference" else None for s in self.scenes
        ]

    def render_options(self, width: int, height: int) -> RenderOptions:
        look = {"width": width, "height": height, "transparent": self.spec.transparent, "hud": self.spec.hud}
        if self.spec.background is not None:
            look["background"] = rgb(self.spec.background)
        if len(self.scenes) == 1:
            return RenderOptions(**look)
        # Two panes share the width: smaller text, the histogram between the network and the
        # legends, and no metrics inset (each side's heads-up line gives its loss and accuracy).
        return RenderOptions(**look, text_scale=0.72, show_metrics=False, histogram_box=(0.5, 0.14, 0.98, 0.34))

    def renderer(self, width: int, height: int):
        """The off-screen renderer, at the saved view when the spec names one."""
        from nnvox.viewer.offscreen import OffscreenRenderer

        renderer = OffscreenRenderer(self.scenes, self.render_options(width, height))
        if self.pose is not None:
            renderer.scene_renderer.apply_pose(self.pose)
        return renderer

    def frames(self, t: float, reveal: float | None = None):
        return [scene.frame_at(at(t), sample=self.sample, reveal=reveal) for scene, at in zip(self.scenes, self.times)]

    def histograms(self, t: float) -> list[Histogram | None]:
        return [
            h.at(self.layer, at(t), sample=self.sample) if h else None for h, at in zip(self._histograms, self.times)
        ]


def check_layer(scene: Scene, layer: str | None) -> None:
    names = [b.name for b in scene.blocks]
    if layer is not None and layer not in names:
        raise NnvoxError(
            f"layer {layer!r} is not drawn in {scene.mode} mode; choose one of {', '.join(names[:12])}"
            + (f" and {len(names) - 12} more (nnvox info lists them)" if len(names) > 12 else "")
        )


def timeline(scene: Scene | Comparison, video: VideoOptions) -> Iterator[tuple[float, float | None, float]]:
    """The default lecture sequence as (t, reveal, progress 0..1): the untrained network, training
    scrubbed snapshot by snapshot, then one input's forward pass through the trained network, lit
    layer by layer, and a hold."""
    fps, last = video.fps, float(scene.n_snapshots - 1)
    n_scrub = max(1, round(video.seconds_per_snapshot * fps * max(last, 1)))
    beat = round(0.5 * fps)
    steps: list[tuple[float, float | None]] = [(0.0, None)] * beat
    for i in range(n_scrub):
        a = i / max(n_scrub - 1, 1)
        eased = a * a * (3 - 2 * a) if last == 1 else a  # ease a single step, keep a steady pace over many
        steps.append((eased * last, None))
    steps += [(last, None)] * beat
    n_fwd = round(video.forward_seconds * fps)
    steps += [(last, (i + 1) / n_fwd) for i in range(n_fwd)]
    steps += [(last, None)] * round(video.hold_seconds * fps)
    total = len(steps)
    for k, (t, reveal) in enumerate(steps):
        yield t, reveal, k / max(total - 1, 1)


def export(
    run,
    out: str | Path,
    inputs=None,
    *,
    spec: ViewSpec | None = None,
    output: OutputSpec | None = None,
    video: VideoOptions | None = None,
    progress: bool = True,
    against: Run | str | Path | None = None,
    pin: float | None = None,
    difference: bool = False,
    **options,
) -> Path:
    """Write a video of the run (a Run or its folder; or a torch model run once on `inputs`, its
    example input as `nnvox.show(model, x)` takes it): training scrubbed epoch by epoch, then a forward pass through the
    trained network, then a hold, under a gentle orbit (or held at the spec's saved `view`). The
    format follows `out`: .mp4, .webm, .mov, .gif, or a folder (a PNG sequence); a .png `out` is one
    still, as `nnvox export RUN x.png` writes (render_png); an .html `out` is a web page (export_html).

    What to show is `spec` (a ViewSpec: mode, sample, histogram, attribution, feature space, ...),
    how to write it `output` (an OutputSpec: preset, size, fps, gif_max_mb); each of their fields may
    also be given as a keyword (`mode="weights"`, `size="1600x900"`), laid over them.

    Comparisons: `against` another run of the same architecture (side by side, one timeline), or
    `pin` a snapshot of this run kept on the left while the right plays; `difference` draws
    left − right in place of the right side."""
    from nnvox.viewer.video import open_writer

    spec, output = specs_from(spec, output, options, where="export")
    suffix = check_output(out, EXPORT_SUFFIXES).suffix.lower()
    run = _drawn_run(run, inputs, f"nnvox.export(model, {str(out)!r}, x)")
    if suffix == ".png":
        return render_png(run, out, spec=spec, output=output, against=against, pin=pin, difference=difference)
    if suffix == ".html":
        if against is not None or pin is not None or difference:
            raise NnvoxError("a web page shows one run; compare runs in a video or a still (.mp4, .png)")
        return export_html(run, out, spec=spec, output=output)
    out = check_output(out, (*VIDEO_SUFFIXES, ""))
    check_applies("a GIF" if out.suffix.lower() == ".gif" else "a video", spec, output)
    width, height, fps = output.size_for(still=False, fps=video.fps if video else None)
    video = dataclasses.replace(video or VideoOptions(), fps=fps)
    panes = _Panes(run, spec, against=against, pin=pin, difference=difference)
    steps = list(timeline(panes.timeline, video))
    # The writer checks its options (and starts the encoder) before the GL set-up; a failure anywhere
    # after it aborts the writer (the previous file kept) and closes the renderer.
    with open_writer(
        out, width, height, fps, transparent=spec.transparent, crf=video.crf, gif_max_mb=output.gif_max_mb
    ) as writer:
        with interrupts_between_frames():  # vtk's import and GL set-up, too
            renderer = panes.renderer(width, height)
        try:
            _write_frames(panes, renderer, steps, writer, video, ProgressBar(progress, len(steps), out))
        finally:
            renderer.close()
    return out


def _write_frames(panes: _Panes, renderer, steps, writer, video: VideoOptions, bar: ProgressBar) -> None:
    """Each step's frame, under the orbit (or held at the saved view), to the writer."""
    pane = renderer.scene_renderer
    camera = (
        (lambda _: panes.pose)
        if panes.pose is not None
        else orbit(
            pane.scene.bounds,
            pane.aspect,
            video.orbit_degrees,
            wrapped=pane.scene.wrapped,
            boxes=network_boxes(pane.scene),
        )
    )
    with bar as tick, interrupts_between_frames() as check:
        for t, reveal, p in steps:
            pane.apply_pose(camera(p))
            image = renderer.render(panes.frames(t, reveal), panes.histograms(t))
            check()
            writer.write(image)
            tick()


def export_html(
    run, out: str | Path, inputs=None, *, spec: ViewSpec | None = None, output: OutputSpec | None = None, **options
) -> Path:
    """One self-contained HTML page of the run (three.js, offline): the spec's mode and sample,
    every snapshot on a timeline, starting at the spec's `t` (default the last)."""
    from nnvox.viewer.web import html_page, write_html

    spec, output = specs_from(spec, output, options, where="export_html")
    out = check_output(out, (".html",))
    check_applies("a web page", spec, output)
    from nnvox.viewer.web.page import viewer_bundle

    viewer_bundle()  # not built: one line, before the scene is built (and before a model runs)
    run = _drawn_run(run, inputs, f"nnvox.export(model, {str(out)!r}, x)")
    scene = build_scene(run, spec.scene_options())
    sample = spec.sample_in(run)
    run.check_sample(sample)
    return write_html(out, html_page(scene, spec, sample))


def render_png(
    run,
    out: str | Path,
    inputs=None,
    *,
    against: Run | str | Path | None = None,
    pin: float | None = None,
    difference: bool = False,
    spec: ViewSpec | None = None,
    output: OutputSpec | None = None,
    width: int | None = None,
    height: int | None = None,
    **options,
) -> Path:
    """One still of a run (or its folder; or a torch model run once on `inputs`, as in `export`):
    `spec` (and its fields as keywords, as in `export`) says what it shows, at the
    spec's `t` (default the last snapshot); RGBA on a clear background with `transparent`. Its size is
    `width` x `height`, else the `output` spec's (default 1920 x 1080); `against`, `pin` and
    `difference` compare, as in `export`. The output spec's `report` (a .json path) also writes an
    account of the still: labels and their boxes, blocks' screen rectangles, the camera
    (viewer/report.py)."""
    spec, output = specs_from(spec, output, options, where="render_png")
    if width is not None or height is not None:
        size = (1920 if width is None else width, 1080 if height is None else height)
        output = dataclasses.replace(output, size=size)
    out = check_output(out, (".png",))
    check_applies("a still", spec, output)
    report = None if output.report is None else check_output(output.report, (".json",))
    run = _drawn_run(run, inputs, f"nnvox.render_png(model, {str(out)!r}, x)")
    from nnvox.viewer.report import picture_report, write_report

    width, height, _ = output.size_for(still=True)
    panes = _Panes(run, spec, against=against, pin=pin, difference=difference)
    t = panes.timeline.n_snapshots - 1 if spec.t is None else check_position(spec.t, panes.timeline.n_snapshots)
    with interrupts_between_frames():
        renderer = panes.renderer(width, height)
        try:
            image = renderer.render(panes.frames(t), panes.histograms(t))
            account = None if report is None else picture_report(renderer)
        finally:
            renderer.close()
    write_png(out, image)
    if report is not None:
        write_report(report, account)
    return out


@contextmanager
def interrupts_between_frames() -> Iterator[Callable[[], None]]:
    """Ctrl-C while rendering, raised where the yielded check is called (between two frames) or on
    leaving, never inside vtk: a KeyboardInterrupt in one of its Python callbacks (the label
    layout's) ends the whole process ("Caught a Ctrl-C within python", exit 1), one while its
    modules load crashes it (SIGSEGV), and then nothing stops the encoder or removes the temporary."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None  # signals reach the main thread only
        return
    pending: list[int] = []
    # Signals Python handles (Ctrl-C; SIGTERM where nnvox's CLI raises on it) are held and then given
    # to their own handler; one left to the system (SIG_DFL, SIG_IGN) is not touched.
    previous = {s: h for s in (signal.SIGINT, signal.SIGTERM) if callable(h := signal.getsignal(s))}
    for s in previous:
        signal.signal(s, lambda number, _: pending.append(number))

    def check() -> None:
        if pending:
            number = pending[0]
            pending.clear()
            previous[number](number, None)

    try:
        yield check
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    check()


class ProgressBar:
    """A rich progress bar (or nothing), yielding a tick function."""

    def __init__(self, enabled: bool, total: int, out: Path):
        self.enabled, self.total, self.out = enabled, total, out

    def __enter__(self):
        if not self.enabled:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._p = Progress(
            TextColumn("[bold]rendering[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        self._p.start()
        task = self._p.add_task(self.out.name, total=self.total)
        return lambda: self._p.advance(task)

    def __exit__(self, *exc):
        if self.enabled:
            self._p.stop()

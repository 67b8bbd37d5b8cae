"""What the commands do, kept out of main.py so its imports stay light."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.markup import escape

from nnvox.errors import NnvoxError
from nnvox.scenes.training_metrics import HELD_OUT_ACCURACY, OLD_ACCURACY
from nnvox.scenes.view import OutputSpec, ViewSpec, check_applies

console = Console(stderr=True)
MAX_SEED = 2**32 - 1


def record_builtin(
    spec: str,
    out: Path,
    *,
    epochs: int,
    overwrite: bool = False,
    seed: int = 0,
    quiet: bool = False,
    resume: bool = False,
    probe_size: int | None = None,
    activation_budget: int | None = None,
    weight_budget: int | None = None,
    attributions: tuple[str, ...] = (),
    attribution_layer: str | None = None,
):
    """Train a model on its dataset with a Recorder snapshotting before training and after each epoch.
    `resume` continues a run: weights from its last snapshot, epochs numbered on from it."""
    from nnvox.capture.recorder import Recorder
    from nnvox.models.resolve import resolve_model
    from nnvox.models.train import TrainOptions, seed_everything

    _check_record_options(out, epochs=epochs, seed=seed, probe_size=probe_size, overwrite=overwrite, resume=resume)
    spec_model = resolve_model(spec)
    options = TrainOptions(epochs=epochs, seed=seed)
    seed_everything(seed, options.threads)
    model = spec_model.build()
    data = spec_model.dataset()
    x, y = _probe(spec_model.name, data, probe_size)
    if not any(p.requires_grad for p in model.parameters()):
        raise NnvoxError(
            f"{spec} has no trainable parameters, so there is nothing to train; record a model with weights"
        )
    start = _restore_weights(model, out) if resume else 0
    user_model = ":" in spec
    hint = (
        f"`nnvox record` trains a model of yours on the built-in digits (inputs {' × '.join(map(str, x.shape[1:]))}, "
        f"{len(data.class_names)} classes); to record other data, call nnvox.Recorder in your own training loop"
    )
    if user_model and (problem := _misfit_output(model, x, len(data.class_names))):
        raise NnvoxError(f"{spec} {problem}; {hint}")
    try:
        rec = Recorder(
            model,
            probe=(x, y),
            out=out,
            name=spec_model.name,
            class_names=data.class_names,
            overwrite=overwrite,
            resume=resume,
            activation_budget=activation_budget,
            weight_budget=weight_budget,
            attributions=attributions,
            attribution_layer=attribution_layer,
            evaluation=(data.x_test, data.y_test),
        )
    except NnvoxError as exc:
        if user_model and "forward pass failed" in str(exc):
            raise NnvoxError(f"{exc}; {hint}") from None
        raise
    return rec, _train_recording(rec, model, data, options, start=start, name=spec_model.name, quiet=quiet)


def _accuracy_key(recorded) -> str:
    """The held-out accuracy's name in a run being resumed (the metrics' names it `recorded`): a run
    recorded before the held-out names keeps its 'accuracy', so its chart and heads-up line read
    one metric throughout."""
    return OLD_ACCURACY if OLD_ACCURACY in recorded and HELD_OUT_ACCURACY not in recorded else HELD_OUT_ACCURACY


def _check_record_options(out: Path, *, epochs: int, seed: int, probe_size, overwrite: bool, resume: bool) -> None:
    """`nnvox record`'s options, checked before a model is built."""
    from nnvox.capture.recorder_inputs import check_write_mode

    check_write_mode(overwrite=overwrite, resume=resume)
    _at_least(1, epochs=epochs, probe_size=probe_size)
    if not 0 <= seed <= MAX_SEED:  # numpy's limit, which seeds every run
        raise NnvoxError(f"--seed must be between 0 and {MAX_SEED} (2**32 - 1), got {seed}")
    if resume and not (out / "manifest.json").exists():  # a typo would otherwise start a new run silently
        raise NnvoxError(f"{out} holds no run to resume; check the folder, or record a new run without --resume")


def _probe(name: str, data, probe_size: int | None):
    """The probe batch: class-balanced, `probe_size` samples (default one per class)."""
    from nnvox.models.data import probe_batch

    classes = len(data.class_names)
    most = int(np.bincount(data.y_test, minlength=classes).min()) * classes  # class-balanced: the rarest class limits
    if probe_size is not None and probe_size > most:
        raise NnvoxError(
            f"--probe-size {probe_size} is more than the {name} data can balance over its "
            f"{classes} classes; use 1 to {most}"
        )
    x, y = probe_batch(data, per_class=math.ceil((probe_size or 1) / classes))
    return (x[:probe_size], y[:probe_size]) if probe_size is not None else (x, y)


def _train_recording(rec, model, data, options, *, start: int, name: str, quiet: bool):
    """Train under a progress bar, a snapshot after each epoch (and one before training, on a new run),
    each with the held-out loss and accuracy (a resumed run's accuracy under the name it already uses).
    An interrupt or a failure keeps every snapshot, leaves the run unfinished and lets the next writer in."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nnvox.models.train import evaluate, train
    from nnvox.scenes.training_metrics import HELD_OUT_LOSS, LEARNING_RATE, TRAINING_LOSS

    accuracy_key = _accuracy_key(rec.metric_names)  # the recorder read them on resuming; a new run has none

    with (
        rec,
        Progress(
            TextColumn(f"[bold]training[/] {name}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
        ) as progress,
    ):
        if start == 0:  # before training: held-out numbers only (no epoch has a training loss yet)
            loss, accuracy = evaluate(model, data.x_test, data.y_test)
            rec.snapshot(epoch=0, metrics={HELD_OUT_LOSS: loss, accuracy_key: accuracy})
        task = progress.add_task("train", total=options.epochs, status="")

        # a resumed run recorded before the held-out names keeps its training loss as its one loss
        # curve: a held-out loss from the resume on only would replace it in the chart (loss_name)
        held_out_loss = accuracy_key == HELD_OUT_ACCURACY

        def on_epoch(r):
            held_out = {HELD_OUT_LOSS: r.test_loss} if held_out_loss else {}
            held_out[accuracy_key] = r.test_accuracy
            rec.snapshot(epoch=start + r.epoch + 1, metrics={TRAINING_LOSS: r.loss, **held_out, LEARNING_RATE: r.lr})
            progress.update(task, advance=1, status=f"loss {r.loss:.3f}  test accuracy {r.test_accuracy:.1%}")

        return train(model, data, options, callbacks=[on_epoch])


def _at_least(low: int, **options: int | None) -> None:
    """Each option given (not None) is at least `low`; named as the command line spells it."""
    for name, value in options.items():
        if value is not None and value < low:
            raise NnvoxError(f"--{name.replace('_', '-')} must be at least {low}, got {value}")


def _misfit_output(model, x, classes: int) -> str | None:
    """What is wrong with the model's output for training on `classes` classes (one score each), or
    None; a pass that fails is left to the Recorder, which says in which layer."""
    import torch

    from nnvox.capture.modes import evaluating

    try:
        with evaluating(model), torch.no_grad():
            out = model(torch.as_tensor(x[:2]))
    except Exception:  # noqa: BLE001 (the user's model failing: the Recorder says in which layer)
        return None
    if not isinstance(out, torch.Tensor):
        return f"returns {type(out).__name__}, not a tensor of class scores"
    if tuple(out.shape) != (len(x[:2]), classes):
        return (
            f"outputs shape {tuple(out.shape)} for a batch of {len(x[:2])}, "
            f"not one score per class ({len(x[:2])}, {classes})"
        )
    return None


def _restore_weights(model, out: Path) -> int:
    """Load the parameters of a run's last snapshot into the model; returns that snapshot's epoch.
    (Runs store parameters, not optimiser state or norm statistics: those start afresh.)"""
    import torch

    from nnvox.capture.run import open_run

    run = open_run(out)
    if any(k.startswith("param/") for k in run.reduced):
        raise NnvoxError(
            f"the run in {out} kept only part of its weights (--weight-budget), so training cannot continue "
            "from it; record a new run, or resume from Python with the live model (Recorder(resume=True))"
        )
    last = run.snapshots[-1]
    keys = [k for k in run.keys(last.index) if k.startswith("param/")]
    state = {k[len("param/") :]: torch.from_numpy(v) for k, v in run.read(last.index, keys).items()}
    from nnvox.models.loading import state_misfits

    params = dict(model.named_parameters())
    # a tied weight is stored once and read under each of its names: loaded under its first, as the model lists it
    tied = dict(model.named_parameters(remove_duplicate=False)).keys() - params.keys()
    state = {k: v for k, v in state.items() if k not in tied}
    if problem := state_misfits(params, state):  # parameters only: a run stores no buffers
        raise NnvoxError(
            f"the run in {out} does not fit this model's weights: {problem}; resume with the model it was recorded with"
        )
    model.load_state_dict(state, strict=False)
    return int(last.epoch or 0)


def run_record(
    spec: str, out: Path, *, epochs: int, overwrite: bool, seed: int, resume: bool = False, **detail
) -> None:
    rec, results = record_builtin(spec, out, epochs=epochs, overwrite=overwrite, seed=seed, resume=resume, **detail)
    console.print(f"{escape(str(out))} now holds {rec.count} snapshots (test accuracy {results[-1].test_accuracy:.1%})")


def run_demo(out: Path, *, window: bool, epochs: int, preset: str | None = None) -> None:
    import shutil
    import time
    from importlib.resources import files

    from nnvox.files import atomic_output
    from nnvox.scenes.presets import preset_size
    from nnvox.viewer.export import render_png
    from nnvox.viewer.gl import display_problem
    from nnvox.viewer.storyboard_export import render_storyboard

    _at_least(1, epochs=epochs)  # checked before anything is written, not after minutes of training
    if preset is not None:
        preset_size(preset)
    _check_demo_folder(out)
    start = time.perf_counter()
    run_dir = out / "run"
    out.mkdir(parents=True, exist_ok=True)
    record_builtin(DEMO_MODEL, run_dir, epochs=epochs, overwrite=True, attributions=("integrated-gradients",))
    # The lecture pack: an editable storyboard beside the run (an edited one from an earlier demo is
    # kept, and rendered), and the video it renders.
    storyboard = out / "lecture.toml"
    if not storyboard.exists():
        with (
            files("nnvox.storyboards").joinpath("lecture.toml").open("rb") as src,
            atomic_output(storyboard) as tmp,
            open(tmp, "wb") as dst,
        ):
            shutil.copyfileobj(src, dst)
    else:
        console.print(escape(f"rendering your {storyboard} (delete it to get the shipped one again)"))
    video = render_storyboard(storyboard, out / "lecture.mp4", preset=preset, workers=_demo_workers())
    stills = out / "stills"
    stills.mkdir(exist_ok=True)
    for name, kwargs in DEMO_STILLS:
        render_png(run_dir, stills / f"{name}.png", width=1920, height=1080, **kwargs)
    page = _demo_page(run_dir, out / "lecture.html")
    console.print(
        f"[bold green]done[/] in {time.perf_counter() - start:.0f} s: "
        + escape(
            f"{video} (edit {storyboard} and run `nnvox export --storyboard {storyboard} {video}` to change it), "
            f"stills in {stills}, {page + ' (opens in any browser), ' if page else ''}run in {run_dir}"
        )
    )
    if window and not (problem := display_problem()):
        from nnvox.viewer.window import show

        show(run_dir)
    elif window:
        console.print(escape(f"{problem}: skipping the window (open it later with `nnvox view {run_dir}`)"))


DEMO_WORKERS = 2  # processes rendering the lecture's runs of shots: one keeps only 1.3 of 2 cores busy


def _demo_workers() -> int:
    """DEMO_WORKERS where the machine has the cores for them (storyboard_parts.py), else one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(DEMO_WORKERS, cores))


def _demo_page(run_dir: Path, out: Path) -> str | None:
    """The run as a web page (nnvox export RUN out.html); skipped, with a note, where nnvox was installed
    without building the browser viewer."""
    from nnvox.viewer.export import export_html

    try:
        return str(export_html(run_dir, out))
    except NnvoxError as exc:
        if "bundle is not built" not in str(exc):
            raise
        console.print(escape(f"no {out.name}: {exc}"))
        return None


DEMO_MODEL = "mnist-lenet"  # the lecture's network: real 28x28 digits (the 8x8 digits models are for tests)

DEMO_STILLS = (
    ("activations", {}),
    ("activations-untrained", {"t": 0}),
    ("weights", {"mode": "weights", "histogram": "conv2"}),
    ("change-from-start", {"mode": "change-from-start"}),
    ("integrated-gradients", {"attribution": "integrated-gradients"}),
    ("most-confident-mistake", {"attribution": "integrated-gradients", "mistake": 1}),
)


def _check_demo_folder(out: Path) -> None:
    """The demo writes into a new or empty folder, or over an earlier demo's own (its run, video and
    stills), never over anything else."""
    from nnvox.capture.run_lock import holds_run
    from nnvox.files import is_temporary

    if not out.exists():
        return
    if not out.is_dir():
        raise NnvoxError(f"{out} is a file; give --out a folder for the demo's run, video and stills")
    entries = {n for n in os.listdir(out) if not is_temporary(n)}
    stills = {f"{name}.png" for name, _ in DEMO_STILLS}
    earlier_demo = (
        holds_run(out / "run")
        and entries <= {"run", "lecture.toml", "lecture.mp4", "lecture.html", "stills"}
        and (not (out / "stills").exists() or {n for n in os.listdir(out / "stills") if not is_temporary(n)} <= stills)
    )
    if entries and not earlier_demo:
        raise NnvoxError(
            f"{out} holds files the demo did not write ({', '.join(sorted(entries)[:3])}); "
            "give --out a new or empty folder (or an earlier demo's)"
        )


def _last_health(run) -> dict[str, dict[str, float | str]]:
    """Dead / saturated fractions per layer at the last snapshot (as the writer measured them), and
    "gradients": "exploding" or "vanishing" where the scene flags a layer's gradients (one decision,
    capture.health.run_gradient_flags)."""
    from nnvox.capture.health import run_gradient_flags

    last = run.snapshots[-1].index
    recorded = run.health(last)
    if recorded is None:  # a run written before the writer measured health
        from nnvox.capture.health import layer_health

        keys = set(run.keys(last))
        recorded = {
            f"act/{n.name}": layer_health(n.kind, run.read(last, [f"act/{n.name}"])[f"act/{n.name}"])
            for n in run.architecture.nodes
            if f"act/{n.name}" in keys
        }
    health: dict[str, dict] = {k[len("act/") :]: dict(h) for k, h in recorded.items() if h}
    for name, flag in run_gradient_flags(run, last).items():
        health.setdefault(name, {})["gradients"] = flag
    return health


def run_info(run, *, as_json: bool) -> None:
    arch = run.architecture
    health = _last_health(run)
    doc = _info_document(run, health)
    if as_json:
        print(json.dumps(doc, allow_nan=False))
        return
    from rich.measure import Measurement

    out = Console()  # names come from files and users: escaped, so '[/x]' in one is text, not markup
    out.print(
        f"[bold]{escape(run.name)}[/]  {len(run.snapshots)} snapshots  {len(run.probe_labels)} probe samples"
        + ("" if run.closed else "  [yellow](recording did not finish: showing complete snapshots)[/]")
    )
    table = _layer_table(arch, health)
    if not out.is_terminal:  # piped, or in CI (rich's 80 columns): the table as wide as its rows, each on one line
        out.width = max(out.width, Measurement.get(out, out.options.update(max_width=10**6), table).maximum)
    out.print(table)
    size = f"{doc['bytes_per_snapshot'] / 1e6:.2f} MB a snapshot"
    if run.reduced:
        size += (
            f"; {len(run.reduced)} tensors reduced while recording "
            '(level of detail: see `nnvox info --json`, "reduced")'
        )
    out.print(size)
    last = run.snapshots[-1]
    out.print(f"last snapshot: {last.label}  " + "  ".join(f"{escape(k)} {v:.4g}" for k, v in last.metrics.items()))


def _info_document(run, health: dict) -> dict:
    """`nnvox info --json`: the run's layers, edges, snapshots, metrics and health."""
    arch = run.architecture
    return {
        "name": run.name,
        "closed": run.closed,
        "nodes": [
            {
                "name": n.name,
                "kind": n.kind,
                "shape": list(n.shape),
                "params": {k: list(v) for k, v in n.params.items()},
                "layout": n.layout or None,
            }
            for n in arch.nodes
        ],
        "edges": [list(e) for e in arch.edges],
        "snapshots": len(run.snapshots),
        "error": run.error,
        "health": health,
        "probe_samples": len(run.probe_labels),
        "metrics": [
            {k: v if math.isfinite(v) else None for k, v in s.metrics.items()} for s in run.snapshots
        ],  # JSON has no inf
        "reduced": run.reduced,
        "bytes_per_snapshot": sum(s.bytes for s in run.snapshots) / len(run.snapshots),
    }


def _layer_table(arch, health: dict):
    """One row a layer: kind, output shape, parameters, inputs and health."""
    from rich.table import Column, Table

    # A name is never cut short ("transforme…"): folded onto a second line in a narrow terminal
    table = Table(
        Column("layer", overflow="fold"),
        "kind",
        "output shape",
        "parameters",
        Column("inputs", overflow="fold"),
        "health (last snapshot)",
    )
    for n in arch.nodes:
        params = sum(math.prod(s) for s in n.params.values())
        h = ", ".join(
            f"{v} gradients" if k == "gradients" else f"{v * 100:.0f}% {k}" for k, v in health.get(n.name, {}).items()
        )
        shape = " × ".join(map(str, n.shape)) + (f" (model's {n.layout})" if n.layout else "")  # drawn C × H × W
        table.add_row(
            escape(n.name),
            escape(n.kind),
            shape,
            f"{params:,}" if params else "",
            escape(", ".join(arch.predecessors(n.name))),
            h,
        )
    return table


@dataclass(frozen=True)
class Figure:
    """`nnvox export --figure NAME`: a 2D figure of a snapshot in place of the 3D scene."""

    name: str | None = None
    layer: str | None = None
    voxel: str | None = None  # "CHANNEL,ROW,COLUMN" as typed

    def where(self) -> tuple[int, ...] | None:
        try:
            return tuple(int(v) for v in self.voxel.split(",")) if self.voxel else None
        except ValueError:
            raise NnvoxError(
                f"--voxel {self.voxel!r} is not CHANNEL,ROW,COLUMN (whole numbers; TOKEN,FEATURE on a "
                "sequence layer, UNIT on a vector)"
            ) from None


def _export_kind(out: Path | None, storyboard: Path | None, figure: Figure) -> str:
    """What `nnvox export` writes, as scenes.view.USES names it."""
    suffix = "" if out is None else out.suffix.lower()
    if storyboard is not None:
        return "a storyboard (its shots set their own)"
    return (
        "a figure"
        if figure.name is not None
        else "a still"
        if suffix == ".png"
        else "a web page"
        if suffix == ".html"
        else "a GIF"
        if suffix == ".gif"
        else "a video"
    )


def run_export(
    target: str, out: Path | None, *, storyboard: Path | None, spec: ViewSpec, output: OutputSpec, figure: Figure, model
) -> None:
    # an option the output does not use is an error, checked before anything is opened or written
    check_applies(_export_kind(out, storyboard, figure), spec, output, layer=figure.layer, voxel=figure.voxel)
    if storyboard is not None:
        _export_storyboard(storyboard, target, out, output)
        return
    if out is None:
        raise NnvoxError("give OUT, the file to write (e.g. nnvox export RUN clip.mp4), or --storyboard FILE OUT")
    from nnvox.viewer.export import EXPORT_SUFFIXES, export
    from nnvox.viewer.outputs import check_output

    output.gif_cap_bytes()  # checked before a model is opened or a scene built
    check_output(out, EXPORT_SUFFIXES)  # (a misspelt ending: said before a model runs)
    run = model.open(target, spec.mode, spec.attribution)
    raise_partial(run)  # a failed forward pass: its error, and no file (a picture of it would read as a result)
    path = (
        _export_figure(run, out, figure, spec, output)
        if figure.name is not None
        else export(run, out, spec=spec, output=output)
    )
    print(f"wrote {path}")


def _export_storyboard(storyboard: Path, target: str, out: Path | None, output: OutputSpec) -> None:
    if out is not None:
        raise NnvoxError(f"with --storyboard give only OUT (the runs come from the storyboard); got {target} and {out}")
    from nnvox.viewer.storyboard_export import render_storyboard

    print(f"wrote {render_storyboard(storyboard, Path(target), output=output)}")


def _export_figure(run, out: Path, figure: Figure, spec: ViewSpec, output: OutputSpec) -> Path:
    from nnvox.viewer.figures import render_figure

    if out.suffix.lower() != ".png":
        raise NnvoxError(f"a figure is a still: write it to a .png, not {out.name}")
    sample = spec.sample_in(run)
    run.check_sample(sample)
    width, height, _ = output.size_for(still=True)
    return render_figure(
        run,
        out,
        figure.name,
        t=spec.t,
        layer=figure.layer,
        width=width,
        height=height,
        voxel=figure.where(),
        sample=sample,
    )


def run_compare(
    left: str,
    right: str | None,
    *,
    pin: float | None,
    difference: bool,
    out: Path | None,
    spec: ViewSpec,
    output: OutputSpec,
) -> None:
    from nnvox.capture.run import open_run

    suffix = None if out is None else out.suffix.lower()
    kind = {None: "the window", ".png": "a still", ".gif": "a GIF"}.get(suffix, "a video")
    check_applies(kind, spec, output)
    a = open_run(left)
    b = open_run(right) if right is not None else None
    if b is None and pin is None:
        pin = 0.0
    if out is None:
        from nnvox.viewer.window import show

        show(a, spec=spec, against=b, pin=pin, difference=difference)
        return
    from nnvox.viewer.export import export

    print(f"wrote {export(a, out, spec=spec, output=output, against=b, pin=pin, difference=difference)}")


def raise_partial(run) -> None:
    """After showing a partial graph: the forward pass's error, as the command's one-line failure."""
    if getattr(run, "error", None):
        raise NnvoxError(run.error)

"""nnvox command line. Heavy libraries are imported inside commands so `--help` answers at once."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import sys
import traceback
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from cyclopts import App, Group, Parameter

from nnvox import __version__
from nnvox.errors import NnvoxError, Terminated, one_line
from nnvox.scenes.view import OutputSpec, ViewSpec

app = App(
    name="nnvox",
    help="See a neural network think: layers as 3D voxel blocks of real activations and weights, "
    "scrubbable over training, exported to MP4.",
    version=__version__,
    suppress_keyboard_interrupt=False,  # main() reports it: "nnvox: interrupted", exit 130
)


def _whole_number(type_, tokens) -> int | str:
    """Whole-number options take whole numbers: cyclopts alone rounds "1.5" to 2 without a word. An
    option that also takes a word (--clusters 3, --clusters elbow) gets the text when it is not one."""
    text = tokens[0].value
    try:
        return int(text)
    except ValueError:
        if str in typing.get_args(type_):
            return text
        raise ValueError(f"{text!r} is not a whole number") from None


Whole = Annotated[int, Parameter(converter=_whole_number)]
MaybeWhole = Annotated[int | None, Parameter(converter=_whole_number)]


def _options(spec: type, group: Group):
    """A spec (scenes/view.py) as command-line options: flattened (--mode, not --spec.mode), named,
    typed and explained by its fields and docstring, whole numbers taken strictly. A subclass, so the
    command receives a ViewSpec / OutputSpec, validated as any other."""
    hints = typing.get_type_hints(spec)

    def strict(hint):
        if typing.get_origin(hint) is tuple:  # a repeatable option: no `--empty-open` (cyclopts' negative)
            return Annotated[hint, Parameter(negative="")]
        return Annotated[hint, Parameter(converter=_whole_number)] if int in (hint, *typing.get_args(hint)) else hint

    fields = [(f.name, strict(hints[f.name]), dataclasses.field(default=f.default)) for f in dataclasses.fields(spec)]
    options = dataclasses.make_dataclass(
        spec.__name__,
        fields,
        bases=(spec,),
        frozen=True,
        kw_only=True,
        namespace={"__doc__": spec.__doc__, "__module__": __name__},
    )
    return Parameter(name="*", group=group)(options)


ViewOptions = _options(ViewSpec, Group("What to show", sort_key=1))
OutputOptions = _options(OutputSpec, Group("Output file", sort_key=2))
# The commands' defaults: one instance each (frozen), never changed.
_VIEW = ViewOptions()
_OUTPUT = OutputOptions()


def _plain(spec):
    """The spec itself, not its command-line subclass (which compares unequal to it)."""
    base = ViewSpec if isinstance(spec, ViewSpec) else OutputSpec
    return base(**{f.name: getattr(spec, f.name) for f in dataclasses.fields(base)})


@app.command
def demo(*, out: Path = Path("nnvox-demo"), no_window: bool = False, epochs: Whole = 10, preset: str | None = None):
    """Train mnist-lenet on real MNIST digits while recording, render the lecture video and stills, open the window.

    Parameters
    ----------
    out
        Folder for the run, the lecture video and its storyboard, and the stills.
    no_window
        Do not open the interactive window even when a display exists.
    epochs
        Training epochs (one snapshot each, plus one before training); 10 reach 97.8% held out.
    preset
        The lecture video's size and fps (default 1080p30; 720p30 renders in half the time).
    """
    from nnvox.cli.commands import run_demo

    run_demo(out, window=not no_window, epochs=epochs, preset=preset)


@app.command
def record(
    model: str,
    *,
    epochs: Whole = 10,
    out: Path,
    overwrite: bool = False,
    resume: bool = False,
    seed: Whole = 0,
    probe_size: MaybeWhole = None,
    activation_budget: MaybeWhole = None,
    weight_budget: MaybeWhole = None,
    attributions: str | None = None,
    attribution_layer: str | None = None,
):
    """Train MODEL on the built-in digits data, snapshotting every epoch into the run folder OUT.

    Parameters
    ----------
    model
        A built-in (mnist-lenet, digits-cnn, digits-mlp, digits-resnet, digits-unet, seq-gpt, seq-lstm), each on
        its own data, or package.module:callable returning an nn.Module, trained on the built-in 8x8 digits.
    epochs
        Training epochs.
    out
        Run folder to write.
    overwrite
        Replace an existing run in OUT.
    resume
        Continue the run in OUT (also one whose recording was killed): its last weights, epochs numbered on.
    seed
        Random seed (runs are deterministic for a given seed).
    probe_size
        Probe samples recorded (class-balanced; default one per class).
    activation_budget
        Most values kept per probe sample and layer: larger maps are average-pooled (to 8 x 8 at least), then
        the first channels kept.
    weight_budget
        Most values kept per weight tensor: larger ones keep their leading filters and input channels.
    attributions
        Also record, every snapshot, which pixels drove each probe's prediction: comma-separated
        saliency, integrated-gradients, grad-cam, occlusion, lime.
    attribution_layer
        The conv layer grad-cam looks at (e.g. conv2).
    """
    from nnvox.cli.commands import run_record

    methods = _attribution_methods(attributions, attribution_layer)
    run_record(
        model,
        out,
        epochs=epochs,
        overwrite=overwrite,
        seed=seed,
        resume=resume,
        probe_size=probe_size,
        activation_budget=activation_budget,
        weight_budget=weight_budget,
        attributions=methods,
        attribution_layer=attribution_layer,
    )


def _attribution_methods(attributions: str | None, attribution_layer: str | None) -> tuple[str, ...]:
    """--attributions as a tuple of method names, checked with --attribution-layer."""
    methods = tuple(m.strip() for m in attributions.split(",") if m.strip()) if attributions is not None else ()
    if attributions is not None and not methods:
        raise NnvoxError(
            f"--attributions {attributions!r} names no method; "
            "give saliency, integrated-gradients, grad-cam, occlusion or lime"
        )
    if attribution_layer is not None and "grad-cam" not in methods:
        raise NnvoxError("--attribution-layer is the layer grad-cam looks at: give it with --attributions grad-cam")
    return methods


@Parameter(name="*", group="Models (when TARGET is a model, not a run folder)")
@dataclass
class ModelOptions:
    input_shape: str | None = None
    """Input batch shape, e.g. 1,3,224,224 (default: the model's own when known)."""
    weights: Path | None = None
    """A state_dict to load: .safetensors, or .pt/.pth read with weights_only=True."""
    input: Path | None = None
    """A .npy array to run instead of a random input: samples first, or on the --batch-dim axis."""
    trust_pickle: bool = False
    """Allow TARGET to be a whole pickled model (.pt/.pth). Pickles can run code: only for files you trust."""
    attribution_layer: str | None = None
    """The conv layer Grad-CAM looks at, for --attribution grad-cam on a model."""
    batch_dim: MaybeWhole = None
    """The axis of --input / --input-shape that holds the samples, as the model takes them
    (1 for a sequence-first (T, N) input; default: found)."""

    def open(self, target: str, mode: str = "activations", attribution: str | None = None):
        from nnvox.capture.targets import open_target

        return open_target(
            target,
            input_shape=self.input_shape,
            weights=self.weights,
            trust_pickle=self.trust_pickle,
            input_file=self.input,
            mode=mode,
            attributions=(attribution,) if attribution else (),
            attribution_layer=self.attribution_layer,
            batch_dim=self.batch_dim,
        )


_MODEL = ModelOptions()  # the commands' default, never changed

_TARGET = (
    "A run folder (from `nnvox record`, `nnvox demo` or nnvox.Recorder), or a model: "
    "a zoo or built-in name (resnet18, vgg16, digits-cnn, ...) or package.module:callable."
)


@app.command
def view(
    target: Annotated[str, Parameter(help=_TARGET)],
    *,
    spec: ViewOptions = _VIEW,
    model: ModelOptions = _MODEL,
):
    """Open the interactive 3D window on a run folder, or on a model run once on an input."""
    from nnvox.cli.commands import raise_partial
    from nnvox.scenes.view import check_applies
    from nnvox.viewer.gl import display_problem, windowless_fix
    from nnvox.viewer.window import show

    spec = _plain(spec)
    check_applies("the window", spec)
    run = model.open(target, spec.mode, spec.attribution)
    if problem := display_problem():  # (after the target's own errors, as the window checks them)
        raise NnvoxError(f"{problem}; {windowless_fix(target)}")
    show(run, spec=spec)
    raise_partial(run)


@app.command
def export(
    target: Annotated[str, Parameter(help=_TARGET + " With --storyboard, the one positional argument is OUT.")],
    out: Path | None = None,
    *,
    storyboard: Path | None = None,
    output: OutputOptions = _OUTPUT,
    spec: ViewOptions = _VIEW,
    figure: str | None = None,
    layer: str | None = None,
    voxel: str | None = None,
    model: ModelOptions = _MODEL,
):
    """Render a run (or a model run once) to OUT: a video (training scrubbed, then the forward pass) or a still;
    or render a storyboard: nnvox export --storyboard lecture.toml lecture.mp4.

    Parameters
    ----------
    out
        .mp4 (H.264), .webm (VP9), .mov (ProRes 4444), .gif, a folder (PNG sequence), .png (one still), or
        .html (one self-contained web page: the 3D viewer with a timeline, offline in any current browser).
    storyboard
        A TOML file of shots (run, mode, sample, timeline, camera, captions; see the README) to render to OUT.
    figure
        OUT.png only: a 2D figure of the snapshot at --t instead of the 3D scene: filters (first-layer
        weights as pictures), histograms (of the weights), correlation (between a layer's units),
        confusion (on the held-out set), mistakes (the most confident ones), health (each layer's dead
        and saturated units, over training), voxel (one voxel taken apart:
        what it depends on in the input, its channel's or feature's histogram, and for a convolution its
        patch x kernel).
    layer
        The layer a figure shows (filters, histograms, correlation, voxel); default the first with weights.
    voxel
        The voxel figure's coordinates, one number per axis of the layer, of probe --sample:
        CHANNEL,ROW,COLUMN on a map, TOKEN,FEATURE on a sequence layer (tokens x features), UNIT on a
        vector; `nnvox info` gives each layer's output shape.
    """
    from nnvox.cli.commands import Figure, run_export

    run_export(
        target,
        out,
        storyboard=storyboard,
        spec=_plain(spec),
        output=_plain(output),
        figure=Figure(figure, layer, voxel),
        model=model,
    )


@app.command
def compare(
    left: Annotated[str, Parameter(help="A run folder.")],
    right: Annotated[
        str | None, Parameter(help="Another run of the same architecture (omit to compare two snapshots of LEFT).")
    ] = None,
    *,
    pin: float | None = None,
    difference: bool = False,
    out: Path | None = None,
    output: OutputOptions = _OUTPUT,
    spec: ViewOptions = _VIEW,
):
    """Two runs, or two snapshots of one run, side by side with linked cameras; the window, or OUT.

    Parameters
    ----------
    pin
        Without RIGHT: the snapshot kept on the left (default 0) while the right follows the timeline.
    difference
        Show left − right in place of the right side (in the window, `d` toggles it).
    out
        Write a side-by-side still (.png) or video (.mp4, ...) instead of opening the window.
    """
    from nnvox.cli.commands import run_compare

    run_compare(left, right, pin=pin, difference=difference, out=out, spec=_plain(spec), output=_plain(output))


@app.command
def info(target: Annotated[str, Parameter(help=_TARGET)], *, json: bool = False, model: ModelOptions = _MODEL):
    """Describe a run or a model: layers, edges, snapshots and metrics.

    Parameters
    ----------
    json
        Print machine-readable JSON.
    """
    from nnvox.cli.commands import raise_partial, run_info

    run = model.open(target)
    run_info(run, as_json=json)
    raise_partial(run)


@app.command
def serve(runs: list[Path], *, port: Whole = 8080, host: str = "127.0.0.1"):
    """Serve run folders to a browser (TensorBoard-style, for a remote machine): the viewer, a list
    of the runs, snapshots read when wanted, runs still recording followed live.

    URLs (R: a run's folder name or its place on the command line, from 0): / lists the runs with a
    link per mode each can show; /view?run=R&mode=M&sample=S is the viewer; /api/runs is the runs as
    JSON, /api/runs/R/scene?mode=M&sample=S a view's scene.

    Parameters
    ----------
    runs
        Run folders (from `nnvox record`, `nnvox demo` or nnvox.Recorder), or folders of runs: a run
        written into one after the server started is listed too.
    port
        The port to listen on; reach it from your machine with ssh -L PORT:localhost:PORT HOST.
    host
        The address to listen on: 127.0.0.1 (this machine only) unless you mean to share the runs.
    """
    from nnvox.viewer.web.server import serve as serve_runs

    serve_runs(list(runs), host=host, port=port)


def _one_line(exc: BaseException) -> str:
    """An error's message on one line (a message that spans lines is joined, never cut)."""
    return one_line(exc) or type(exc).__name__


def _usage_hint(exc: Exception, argv: list[str]) -> str:
    """The fix for a malformed command line: the command's --help, or how to give a value that
    starts with - (cyclopts reads `--voxel -1,0,0` as an option with no value)."""
    from cyclopts import MissingArgumentError

    if isinstance(exc, MissingArgumentError):
        for option, value in itertools.pairwise(argv):
            if option.startswith("--") and "=" not in option and re.match(r"-\.?\d", value):
                return f"; a value starting with - is written {option}={value}"
    command = argv[0] if argv and not argv[0].startswith("-") and argv[0] in app else None
    return f"; see nnvox {command} --help" if command else "; see nnvox --help"


def main(argv: list[str] | None = None) -> int:
    """Every failure ends as ONE line on stderr: a user's mistake (NnvoxError, a malformed command
    line) exits 2; anything else is a bug in nnvox, said so, and exits 1 (NNVOX_DEBUG=1: the traceback)."""
    from cyclopts import CycloptsError

    argv = list(argv if argv is not None else sys.argv[1:])
    debug = os.environ.get("NNVOX_DEBUG") == "1"
    terminate = _raise_on_sigterm()
    try:
        app(argv, exit_on_error=False, print_error=False, result_action="return_value")
    except CycloptsError as exc:  # a malformed command line: cyclopts' own words, on one line
        message, hint = _one_line(exc).rstrip("."), _usage_hint(exc, argv)
        if message.endswith("?"):  # cyclopts' 'Did you mean "weights"?': the hint as a sentence of its own
            hint = f" {hint[2].upper()}{hint[3:]}"
        print(f"nnvox: error: {message}{hint}", file=sys.stderr)
        return 2
    except NnvoxError as exc:
        if debug:
            traceback.print_exc()
        print(f"nnvox: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Terminated:
        print("nnvox: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("nnvox: interrupted", file=sys.stderr)
        return 130
    except MemoryError as exc:  # the machine's limit, not a bug: a smaller input or size fits
        print(f"nnvox: error: out of memory ({_one_line(exc)}); use a smaller input, size or model", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 (the last resort: one line, never a traceback; exit 1, not 2)
        if debug:
            traceback.print_exc()
        print(
            f"nnvox: internal error: {type(exc).__name__}: {_one_line(exc)}; this is a bug in nnvox, please report it "
            "(NNVOX_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1
    except SystemExit:  # --help into a closed pipe, and the like: as it was
        raise
    except BaseException as exc:  # noqa: BLE001 (a user's model raising its own BaseException: interrupts handled above)
        print(f"nnvox: error: the model's code raised {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 2
    finally:
        terminate()
    return 0


def _raise_on_sigterm():
    """SIGTERM (a `kill`, a job scheduler) ends a command as Ctrl-C does, cleaning up what it was
    writing; returns what puts the previous handler back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(*_):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())

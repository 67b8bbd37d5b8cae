"""nnvox command line. Heavy libraries are imported inside commands so `--help` answers at once."""

from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from cyclopts import App, Parameter

from nnvox import __version__
from nnvox.errors import NnvoxError, Terminated, one_line

app = App(
    name="nnvox",
    help="See a neural network think: layers as 3D voxel blocks of real activations and weights, "
    "scrubbable over training, exported to MP4.",
    version=__version__,
    suppress_keyboard_interrupt=False,  # main() reports it: "nnvox: interrupted", exit 130
)

def _whole_number(_type, tokens) -> int:
    """Whole-number options take whole numbers: cyclopts alone rounds "1.5" to 2 without a word."""
    text = tokens[0].value
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


Whole = Annotated[int, Parameter(converter=_whole_number)]
MaybeWhole = Annotated[int | None, Parameter(converter=_whole_number)]
Mode = Literal["activations", "weights", "change", "change-from-start", "update-ratio", "gradients"]
_PRESET = "Size and fps: 480p15, 720p30, 1080p60, 1440p60, 2160p60, any of those heights with another fps (1080p30), or the height alone (30 fps; 480p at 15)."
Sizing = Literal["capped", "accurate", "log"]


@app.command
def demo(*, out: Path = Path("nnvox-demo"), no_window: bool = False, epochs: Whole = 12, preset: str | None = None):
    """Train the built-in digits CNN while recording, render the lecture video and stills, open the window.

    Parameters
    ----------
    out
        Folder for the run, the lecture video and its storyboard, and the stills.
    no_window
        Do not open the interactive window even when a display exists.
    epochs
        Training epochs (one snapshot each, plus one before training).
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
        A built-in (digits-cnn, digits-mlp, digits-resnet, digits-unet, seq-gpt, seq-lstm), each on its own data, or package.module:callable returning an nn.Module, trained on the built-in digits.
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
        Most values kept per probe sample and layer: larger maps are average-pooled (to 8 x 8 at least), then the first channels kept.
    weight_budget
        Most values kept per weight tensor: larger ones keep their leading filters and input channels.
    attributions
        Also record, every snapshot, which pixels drove each probe's prediction: comma-separated
        saliency, integrated-gradients, grad-cam, occlusion, lime.
    attribution_layer
        The conv layer grad-cam looks at (e.g. conv2).
    """
    from nnvox.cli.commands import run_record

    methods = tuple(m.strip() for m in attributions.split(",") if m.strip()) if attributions is not None else ()
    if attributions is not None and not methods:
        raise NnvoxError(f"--attributions {attributions!r} names no method; give saliency, integrated-gradients, grad-cam, occlusion or lime")
    if attribution_layer is not None and "grad-cam" not in methods:
        raise NnvoxError("--attribution-layer is the layer grad-cam looks at: give it with --attributions grad-cam")
    run_record(model, out, epochs=epochs, overwrite=overwrite, seed=seed, resume=resume, probe_size=probe_size,
               activation_budget=activation_budget, weight_budget=weight_budget, attributions=methods,
               attribution_layer=attribution_layer)


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
    """The axis of --input / --input-shape that holds the samples, as the model takes them (1 for a sequence-first (T, N) input; default: found)."""

    def open(self, target: str, mode: str = "activations", attribution: str | None = None):
        from nnvox.capture.targets import open_target

        return open_target(target, input_shape=self.input_shape, weights=self.weights, trust_pickle=self.trust_pickle,
                           input_file=self.input, mode=mode, attributions=(attribution,) if attribution else (),
                           attribution_layer=self.attribution_layer, batch_dim=self.batch_dim)


_TARGET = "A run folder (from `nnvox record`, `nnvox demo` or nnvox.Recorder), or a model: a zoo or built-in name (resnet18, vgg16, digits-cnn, ...) or package.module:callable."
_ATTRIBUTION = "A recorded attribution (saliency, integrated-gradients, grad-cam, occlusion, lime) drawn under the input plane."
_FEATURE_SPACE = "pca or tsne: the probe samples as a cloud of points above each layer, coloured by class, with each sample's path through the layers."
_MISTAKE = ("Show each snapshot's Nth most confident mistake on the held-out set (1: the most confident) instead of a "
            "probe sample: the whole scene shows its activations. Runs recorded with an evaluation set (nnvox record's are).")
_CLUSTERS = "k-means in each feature-space cloud: a number of clusters, or silhouette / elbow to choose it; points take their cluster's colour, paths keep their class's."


def _cluster_option(text: str | None) -> int | str | None:
    return int(text) if text is not None and text.isdigit() else text


_SIZING = "Block sizes: capped (large maps shrink to fit), accurate (one voxel a value), log (sizes grow with log2)."


@app.command
def view(
    target: Annotated[str, Parameter(help=_TARGET)],
    *,
    mode: Mode = "activations",
    sample: Whole = 0,
    mistake: Annotated[int | None, Parameter(help=_MISTAKE, converter=_whole_number)] = None,
    sizing: Annotated[Sizing, Parameter(help=_SIZING)] = "capped",
    attribution: Annotated[str | None, Parameter(help=_ATTRIBUTION)] = None,
    feature_space: Annotated[str | None, Parameter(help=_FEATURE_SPACE)] = None,
    clusters: Annotated[str | None, Parameter(help=_CLUSTERS)] = None,
    model: ModelOptions = ModelOptions(),
):
    """Open the interactive 3D window on a run folder, or on a model run once on an input.

    Parameters
    ----------
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    """
    from nnvox.cli.commands import chosen_sample, raise_partial
    from nnvox.viewer.window import show

    run = model.open(target, mode, attribution)
    show(run, mode=mode, sample=chosen_sample(run, sample, mistake), sizing=sizing, attribution=attribution, feature_space=feature_space,
         clusters=_cluster_option(clusters))
    raise_partial(run)


@app.command
def export(
    target: Annotated[str, Parameter(help=_TARGET + " With --storyboard, the one positional argument is OUT.")],
    out: Path | None = None,
    *,
    storyboard: Path | None = None,
    preset: Annotated[str | None, Parameter(help=_PRESET)] = None,
    size: str | None = None,
    fps: MaybeWhole = None,
    transparent: bool = False,
    gif_max_mb: float = 8.0,
    mode: Mode = "activations",
    sample: Whole = 0,
    mistake: Annotated[int | None, Parameter(help=_MISTAKE, converter=_whole_number)] = None,
    t: float | None = None,
    sizing: Annotated[Sizing, Parameter(help=_SIZING)] = "capped",
    histogram: str | None = None,
    view: Path | None = None,
    attribution: Annotated[str | None, Parameter(help=_ATTRIBUTION)] = None,
    feature_space: Annotated[str | None, Parameter(help=_FEATURE_SPACE)] = None,
    clusters: Annotated[str | None, Parameter(help=_CLUSTERS)] = None,
    figure: str | None = None,
    layer: str | None = None,
    voxel: str | None = None,
    model: ModelOptions = ModelOptions(),
):
    """Render a run (or a model run once) to OUT: a video (training scrubbed, then the forward pass) or a still;
    or render a storyboard: nnvox export --storyboard lecture.toml lecture.mp4.

    Parameters
    ----------
    out
        .mp4 (H.264), .webm (VP9), .mov (ProRes 4444), .gif, a folder (PNG sequence), or .png (one still).
    storyboard
        A TOML file of shots (run, mode, sample, timeline, camera, captions; see the README) to render to OUT.
    size
        Image size WIDTHxHEIGHT (e.g. 1600x900), overriding the preset's.
    fps
        Frames per second (default: the preset's).
    transparent
        A clear background (WebM, MOV and PNG only) for overlays on slides.
    gif_max_mb
        GIFs are re-encoded smaller until they fit this size (0: no cap).
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    t
        PNG only: timeline position (snapshot index, fractions interpolate); default the last.
    histogram
        A layer (as `nnvox info` names it) whose histogram panel follows the timeline.
    view
        A camera view saved in the window (key k): the still, or the whole video, from there.
    figure
        OUT.png only: a 2D figure of the snapshot at --t instead of the 3D scene: filters (first-layer
        weights as pictures), histograms (of the weights), correlation (between a layer's units),
        confusion (on the held-out set), mistakes (the most confident ones), voxel (one voxel taken apart:
        what it depends on in the input, its channel's or feature's histogram, and for a convolution its
        patch x kernel).
    layer
        The layer a figure shows (filters, histograms, correlation, voxel); default the first with weights.
    voxel
        The voxel figure's coordinates, one number per axis of the layer, of probe --sample:
        CHANNEL,ROW,COLUMN on a map, TOKEN,FEATURE on a sequence layer (tokens x features), UNIT on a
        vector; `nnvox info` gives each layer's output shape.
    """
    from nnvox.cli.commands import run_export

    run_export(target, out, storyboard=storyboard, preset=preset, size=size, fps=fps, transparent=transparent,
               gif_max_mb=gif_max_mb, mode=mode, sample=sample, t=t, sizing=sizing, histogram=histogram,
               view=view, attribution=attribution, feature_space=feature_space, clusters=_cluster_option(clusters),
               figure=figure, layer=layer, voxel=voxel, model=model, mistake=mistake)


@app.command
def compare(
    left: Annotated[str, Parameter(help="A run folder.")],
    right: Annotated[str | None, Parameter(help="Another run of the same architecture (omit to compare two snapshots of LEFT).")] = None,
    *,
    pin: float | None = None,
    difference: bool = False,
    out: Path | None = None,
    t: float | None = None,
    mode: Mode = "activations",
    sample: Whole = 0,
    preset: Annotated[str, Parameter(help=_PRESET)] = "720p",
    fps: MaybeWhole = None,
    histogram: str | None = None,
):
    """Two runs, or two snapshots of one run, side by side with linked cameras; the window, or OUT.

    Parameters
    ----------
    pin
        Without RIGHT: the snapshot kept on the left (default 0) while the right follows the timeline.
    difference
        Show left − right in place of the right side (in the window, `d` toggles it).
    out
        Write a side-by-side still (.png) or video (.mp4) instead of opening the window.
    t
        Timeline position (snapshot index) for a still or the window; default the last.
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    fps
        Frames per second for a video (default: the preset's).
    histogram
        A layer whose histogram panel each side shows.
    """
    from nnvox.cli.commands import run_compare

    run_compare(left, right, pin=pin, difference=difference, out=out, t=t, mode=mode, sample=sample, preset=preset,
                fps=fps, histogram=histogram)


@app.command
def info(target: Annotated[str, Parameter(help=_TARGET)], *, json: bool = False, model: ModelOptions = ModelOptions()):
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


def _one_line(exc: BaseException) -> str:
    """An error's message on one line (a message that spans lines is joined, never cut)."""
    return one_line(exc) or type(exc).__name__


def _usage_hint(exc: Exception, argv: list[str]) -> str:
    """The fix for a malformed command line: the command's --help, or how to give a value that
    starts with - (cyclopts reads `--voxel -1,0,0` as an option with no value)."""
    from cyclopts import MissingArgumentError

    if isinstance(exc, MissingArgumentError):
        for option, value in zip(argv, argv[1:]):
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
        print(f"nnvox: error: {_one_line(exc).rstrip('.')}{_usage_hint(exc, argv)}", file=sys.stderr)
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
    except Exception as exc:  # the last resort: never a traceback, never exit 2 (tests demand 2 for handled errors)
        if debug:
            traceback.print_exc()
        print(f"nnvox: internal error: {type(exc).__name__}: {_one_line(exc)}; this is a bug in nnvox, please report it "
              "(NNVOX_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1
    except SystemExit:  # --help into a closed pipe, and the like: as it was
        raise
    except BaseException as exc:  # a BaseException of a user's own making (not an interrupt: handled above)
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

"""nnvox command line. Heavy libraries are imported inside commands so `--help` answers at once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from cyclopts import App

from nnvox import __version__
from nnvox.errors import NnvoxError

app = App(
    name="nnvox",
    help="See a neural network think: layers as 3D voxel blocks of real activations and weights, "
    "scrubbable over training, exported to MP4.",
    version=__version__,
)

Mode = Literal["activations", "weights"]
Preset = Literal["480p", "720p", "1080p", "1440p", "2160p"]
Sizing = Literal["capped", "accurate", "log"]


@app.command
def demo(*, out: Path = Path("nnvox-demo"), no_window: bool = False, epochs: int = 12):
    """Train the built-in digits CNN while recording, export an MP4 and stills, open the window.

    Parameters
    ----------
    out
        Folder for the run, the video and the stills.
    no_window
        Do not open the interactive window even when a display exists.
    epochs
        Training epochs (one snapshot each, plus one before training).
    """
    from nnvox.cli.commands import run_demo

    run_demo(out, window=not no_window, epochs=epochs)


@app.command
def record(model: str, *, epochs: int = 10, out: Path, overwrite: bool = False, seed: int = 0):
    """Train MODEL on the built-in digits data, snapshotting every epoch into the run folder OUT.

    Parameters
    ----------
    model
        A built-in name (digits-cnn, digits-mlp) or package.module:callable returning an nn.Module.
    epochs
        Training epochs.
    out
        Run folder to write.
    overwrite
        Replace an existing run in OUT.
    seed
        Random seed (runs are deterministic for a given seed).
    """
    from nnvox.cli.commands import run_record

    run_record(model, out, epochs=epochs, overwrite=overwrite, seed=seed)


@app.command
def view(
    target: str,
    *,
    mode: Mode = "activations",
    sample: int = 0,
    input_shape: str | None = None,
    weights: Path | None = None,
    trust_pickle: bool = False,
    input: Path | None = None,
    sizing: Sizing = "capped",
):
    """Open the interactive 3D window on a run folder, or on a model run once on an input.

    Parameters
    ----------
    target
        A run folder (from `nnvox record`, `nnvox demo` or nnvox.Recorder), or a model: a built-in or
        zoo name (resnet18, vgg16, ...) or package.module:callable.
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    input_shape
        Models only: input batch shape, e.g. 1,3,224,224 (default: the model's own when known).
    weights
        Models only: a state_dict to load (.safetensors, or .pt/.pth read with weights_only=True).
    trust_pickle
        Allow TARGET to be a whole pickled model file (.pt/.pth). Pickles can run code: only for files you trust.
    input
        Models only: a .npy array (batch first) to run instead of a random input.
    sizing
        Block sizes: capped (large maps shrink to fit), accurate (one voxel a value), log (sizes grow with log2).
    """
    from nnvox.cli.commands import open_target
    from nnvox.viewer.window import show

    from nnvox.cli.commands import raise_partial

    run = open_target(target, input_shape=input_shape, weights=weights, trust_pickle=trust_pickle, input_file=input, mode=mode)
    show(run, mode=mode, sample=sample, sizing=sizing)
    raise_partial(run)


@app.command
def export(
    target: str,
    out: Path,
    *,
    preset: Preset = "720p",
    fps: int | None = None,
    mode: Mode = "activations",
    sample: int = 0,
    t: float | None = None,
    input_shape: str | None = None,
    weights: Path | None = None,
    trust_pickle: bool = False,
    input: Path | None = None,
    sizing: Sizing = "capped",
):
    """Render a run (or a model run once) to OUT.mp4 (training scrubbed, then the forward pass) or a still OUT.png.

    Parameters
    ----------
    target
        A run folder, or a model: a built-in or zoo name (resnet18, vgg16, ...) or package.module:callable.
    out
        Output file: .mp4 for a video, .png for a still.
    preset
        Image size (and default fps): 480p, 720p, 1080p, 1440p, 2160p.
    fps
        Frames per second (default: the preset's).
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    t
        PNG only: timeline position (snapshot index, fractions interpolate); default the last.
    input_shape
        Models only: input batch shape, e.g. 1,3,224,224 (default: the model's own when known).
    weights
        Models only: a state_dict to load (.safetensors, or .pt/.pth read with weights_only=True).
    trust_pickle
        Allow TARGET to be a whole pickled model file (.pt/.pth). Pickles can run code: only for files you trust.
    input
        Models only: a .npy array (batch first) to run instead of a random input.
    sizing
        Block sizes: capped (large maps shrink to fit), accurate (one voxel a value), log (sizes grow with log2).
    """
    from nnvox.cli.commands import open_target
    from nnvox.viewer.export import export as export_video
    from nnvox.viewer.export import render_png
    from nnvox.viewer.options import preset_size

    run = open_target(target, input_shape=input_shape, weights=weights, trust_pickle=trust_pickle, input_file=input, mode=mode)
    if out.suffix.lower() == ".png":
        width, height, _ = preset_size(preset)
        path = render_png(run, out, width=width, height=height, t=t, mode=mode, sample=sample, sizing=sizing)
    else:
        path = export_video(run, out, preset=preset, fps=fps, mode=mode, sample=sample, sizing=sizing)
    print(f"wrote {path}")
    from nnvox.cli.commands import raise_partial

    raise_partial(run)


@app.command
def info(
    target: str,
    *,
    json: bool = False,
    input_shape: str | None = None,
    weights: Path | None = None,
    trust_pickle: bool = False,
):
    """Describe a run or a model: layers, edges, snapshots and metrics.

    Parameters
    ----------
    target
        A run folder, or a model: a built-in or zoo name (resnet18, vgg16, ...) or package.module:callable.
    json
        Print machine-readable JSON.
    input_shape
        Models only: input batch shape, e.g. 1,3,224,224 (default: the model's own when known).
    weights
        Models only: a state_dict to load (.safetensors, or .pt/.pth read with weights_only=True).
    trust_pickle
        Allow TARGET to be a whole pickled model file (.pt/.pth). Pickles can run code: only for files you trust.
    """
    from nnvox.cli.commands import open_target, raise_partial, run_info

    run = open_target(target, input_shape=input_shape, weights=weights, trust_pickle=trust_pickle)
    run_info(run, as_json=json)
    raise_partial(run)


def main(argv: list[str] | None = None) -> int:
    try:
        app(argv if argv is not None else sys.argv[1:], exit_on_error=True)
    except NnvoxError as exc:
        print(f"nnvox: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnvox: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

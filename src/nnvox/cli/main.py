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
def view(run: Path, *, mode: Mode = "activations", sample: int = 0):
    """Open the interactive 3D window on a run folder.

    Parameters
    ----------
    run
        Run folder (written by `nnvox record`, `nnvox demo` or nnvox.Recorder).
    mode
        What the voxels show.
    sample
        Probe sample whose activations are shown.
    """
    from nnvox.viewer.window import show

    show(run, mode=mode, sample=sample)


@app.command
def export(
    run: Path,
    out: Path,
    *,
    preset: Preset = "720p",
    fps: int | None = None,
    mode: Mode = "activations",
    sample: int = 0,
    t: float | None = None,
):
    """Render a run to OUT.mp4 (forward pass, training scrubbed, hold) or to a still OUT.png.

    Parameters
    ----------
    run
        Run folder.
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
    """
    from nnvox.viewer.export import export as export_video
    from nnvox.viewer.export import render_png
    from nnvox.viewer.options import preset_size

    if out.suffix.lower() == ".png":
        width, height, _ = preset_size(preset)
        path = render_png(run, out, width=width, height=height, t=t, mode=mode, sample=sample)
    else:
        path = export_video(run, out, preset=preset, fps=fps, mode=mode, sample=sample)
    print(f"wrote {path}")


@app.command
def info(run: Path, *, json: bool = False):
    """Describe a run: layers, edges, snapshots and metrics.

    Parameters
    ----------
    run
        Run folder.
    json
        Print machine-readable JSON.
    """
    from nnvox.cli.commands import run_info

    run_info(run, as_json=json)


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

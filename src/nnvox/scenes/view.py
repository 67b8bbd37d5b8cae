"""What a picture shows, and how a file is written: one frozen specification each, used everywhere.

`ViewSpec` is what to show (mode, sample or mistake, timeline position, sizing, histogram layer,
attribution, feature space, clusters, transparency, background, saved camera view); `OutputSpec` is
how a file is written (preset, size, fps, GIF cap). The command line (`nnvox view`, `export` and
`compare` take them as flattened options), the Python API (`nnvox.export(run, out, spec=ViewSpec(...))`,
`render_png`, `show`, with their old keywords mapped here by `specs_from`) and storyboard shots all
consume these two types, and `check_applies` says once which output uses which option.

Adding an option: a field here (its help line in the docstring, its check in `__post_init__`), the
one consumer that draws it, and its test. The CLI reads its name, type and help from the field.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Literal

from nnvox.errors import NnvoxError, NnvoxTypeError, path_argument

# Declared here, not in scene.py, so the command line reads its choices without loading numpy.
MODES = (
    "activations",
    "weights",
    "change",
    "change-from-start",
    "distance-from-start",
    "update-ratio",
    "gradients",
)
SIZINGS = ("capped", "accurate", "log")
HUD_STYLES = ("lecture", "detail")  # the first is the default
Mode = Literal[MODES]  # the choices the CLI offers, from the one list of modes
Sizing = Literal[SIZINGS]
HudStyle = Literal[HUD_STYLES]
CLUSTER_RULES = ("silhouette", "elbow")


def frames_units(hud: str, *, storyboard: bool) -> bool:
    """Whether a picture frames dead and saturated units (and explains the frames in its legend):
    everywhere but a storyboard shot in the lecture heads-up style, whose video tells its story in
    captions (issue 17: marks only where they help); such a shot asks for them with hud = "detail"."""
    return not storyboard or hud != HUD_STYLES[0]


class SpecError(NnvoxError):
    """A value the specification refuses; `option` names the field, so a storyboard can say its line."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option


class SpecTypeError(SpecError, TypeError):
    """A value of the wrong type (from Python): caught as NnvoxError or as TypeError."""


@dataclass(frozen=True, kw_only=True)
class ViewSpec:
    """What to show.

    Parameters
    ----------
    mode
        What the voxels show: weights modes show each layer's weights, their change (signed) or how far each
        moved since the start (distance-from-start: |w - w0|, on one scale for every layer).
    sample
        Probe sample whose activations are shown.
    mistake
        Show each snapshot's Nth most confident mistake on the held-out set (1: the most confident) instead of a
        probe sample: the whole scene shows its activations. Runs recorded with an evaluation set (nnvox record's are).
    t
        Timeline position (snapshot index, fractions interpolate) of a still or the window; default the last.
    sizing
        Block sizes: capped (large maps shrink to fit), accurate (one voxel a value), log (sizes grow with log2).
    histogram
        A layer (as `nnvox info` names it) whose histogram panel follows the timeline.
    attribution
        A recorded attribution (saliency, integrated-gradients, grad-cam, occlusion, lime) drawn under the input plane.
    feature_space
        pca or tsne: the probe samples as a cloud of points above each layer, coloured by class, with each
        sample's path through the layers.
    clusters
        k-means in each feature-space cloud: a number of clusters, or silhouette / elbow to choose it; points take
        their cluster's colour, paths keep their class's.
    transparent
        A clear background (WebM, MOV and PNG only) for overlays on slides.
    background
        The background colour of stills and videos, as #rrggbb (e.g. #ffffff).
    view
        A camera view saved in the window (key k): the still, or the whole video, from there.
    depth
        Module depth drawn: each module below it is one block showing its output (1: the top-level modules;
        a large number: every layer). Default: the deepest depth whose overview has at most 24 blocks.
    open
        Feature-map layers opened into their maps, face-on, as the window's double-click opens them (e.g. --open
        conv1; repeat it for more). In a weights mode a convolution's weights open into 5 x 5 (kh x kw) kernel
        tiles, a row per filter and a column per input channel.
    hud
        The heads-up line: lecture ("Epoch 12 of 12 · accuracy 97.6% · true 7, predicted 7") or detail (run,
        mode, sample numbers, every metric in full, unhealthy layers). A storyboard shot in the lecture style
        leaves dead and saturated units unframed; detail frames them.
    """

    mode: Mode = "activations"
    sample: int = 0
    mistake: int | None = None
    t: float | None = None
    sizing: Sizing = "capped"
    histogram: str | None = None
    attribution: str | None = None
    feature_space: str | None = None
    clusters: int | str | None = None
    transparent: bool = False
    background: str | None = None
    view: Path | None = None
    depth: int | None = None
    open: tuple[str, ...] = ()
    hud: HudStyle = HUD_STYLES[0]

    def __post_init__(self):
        _choice("mode", self.mode, MODES)
        _choice("heads-up style", self.hud, HUD_STYLES, option="hud")
        _choice("sizing", self.sizing, SIZINGS)
        if self.mistake is not None and (not _whole(self.mistake) or self.mistake < 1):
            raise SpecError(
                "mistake",
                f"mistake {self.mistake!r} is out of range; 1 is each snapshot's most confident "
                "mistake, 2 the next, ...",
            )
        if self.mistake is not None and self.sample != 0:
            raise SpecError(
                "mistake", f"give --sample or --mistake, not both (got --sample {self.sample} --mistake {self.mistake})"
            )
        if self.t is not None and (isinstance(self.t, bool) or not isinstance(self.t, Real)):
            raise SpecTypeError("t", f"t is a snapshot position (a number), got {self.t!r}")
        for name in ("histogram", "attribution", "background"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise SpecTypeError(name, f"{name} is text, got {getattr(self, name)!r}")
        if self.feature_space is not None:
            from nnvox.scenes.feature_space import PROJECTIONS

            _choice("feature space", self.feature_space, PROJECTIONS, option="feature_space")
        if (
            self.clusters is not None
            and self.clusters not in CLUSTER_RULES
            and not (_whole(self.clusters) and self.clusters >= 1)
        ):
            raise SpecError("clusters", f"clusters {self.clusters!r} is not a number of clusters, silhouette or elbow")
        if not isinstance(self.transparent, bool):
            raise SpecTypeError("transparent", f"transparent is True or False, got {self.transparent!r}")
        if self.background is not None:
            rgb(self.background)
        if self.view is not None:
            object.__setattr__(self, "view", path_argument(self.view, "a saved view"))
        if isinstance(self.open, str):
            object.__setattr__(self, "open", (self.open,))  # one layer, from Python
        if not isinstance(self.open, (tuple, list)) or not all(isinstance(n, str) for n in self.open):
            raise SpecTypeError("open", f"open names layers (text), got {self.open!r}")
        object.__setattr__(self, "open", tuple(self.open))
        if self.depth is not None and (not _whole(self.depth) or self.depth < 1):
            raise SpecError("depth", f"depth {self.depth!r} is not a module depth: 1 (the top-level modules) or more")

    def sample_in(self, run) -> int:
        """The sample number shown in `run`: the probe sample, or the row of the chosen mistake."""
        return run.mistake_sample(self.mistake) if self.mistake is not None else self.sample

    def scene_options(self):
        """The part of the view that shapes the scene (blocks, scales, clouds)."""
        from nnvox.scenes.scene import SceneOptions

        return SceneOptions(
            mode=self.mode,
            sizing=self.sizing,
            attribution=self.attribution,
            feature_space=self.feature_space,
            clusters=self.clusters,
            depth=self.depth,
            opened=frozenset(self.open),
        )


@dataclass(frozen=True, kw_only=True)
class OutputSpec:
    """How a file is written. Checked when resolved for an output (`size_for`), after the options the
    output does not use are refused.

    Parameters
    ----------
    preset
        Size and fps: 480p15, 720p30, 1080p60, 1440p60, 2160p60, any of those heights with another fps (1080p30),
        or the height alone (30 fps; 480p at 15). Default 1080p for a still, 720p for a video.
    size
        Image size WIDTHxHEIGHT (e.g. 1600x900), overriding the preset's.
    fps
        Frames per second (default: the preset's).
    gif_max_mb
        GIFs are re-encoded smaller until they fit this size (0: no cap).
    report
        Also write a JSON account of the still (.json): every label's text and screen box, the labels hidden and
        why, every block's screen rectangle, the camera and the image size. Stills only.
    """

    preset: str | None = None
    size: str | None = None  # or (width, height) from Python
    fps: int | None = None
    gif_max_mb: float | None = 8.0
    report: Path | None = None

    def __post_init__(self):
        if self.report is not None:
            report = path_argument(self.report, "the report")
            if report.suffix.lower() != ".json":
                raise SpecError("report", f"the report {report.name} is JSON: give a file name ending in .json")
            object.__setattr__(self, "report", report)

    def size_for(self, *, still: bool, fps: int | None = None) -> tuple[int, int, int]:
        """Width, height and fps; `fps` is a fallback when none was given (a VideoOptions' own)."""
        from nnvox.scenes.presets import output_size

        preset = self.preset if self.preset is not None else "1080p" if still else "720p"
        return output_size(preset, self.size, self.fps if self.fps is not None else fps)

    def gif_cap_bytes(self) -> int | None:
        from nnvox.scenes.presets import gif_cap_bytes

        return gif_cap_bytes(self.gif_max_mb)


# What each kind of output uses. An option given to one that does not use it is an error naming it,
# never silently ignored. Names are the fields' (ViewSpec, OutputSpec, and the figure's layer and voxel).
_SCENE = frozenset(
    {
        "mode",
        "sample",
        "mistake",
        "sizing",
        "histogram",
        "view",
        "attribution",
        "feature_space",
        "clusters",
        "transparent",
        "background",
        "preset",
        "size",
        "depth",
        "hud",
        "open",
    }
)
USES = {
    "a still": _SCENE | {"t", "report"},
    "a video": _SCENE | {"fps"},
    "a GIF": _SCENE | {"fps", "gif_max_mb"},
    "a figure": frozenset({"layer", "voxel", "t", "sample", "mistake", "preset", "size"}),
    "a storyboard (its shots set their own)": frozenset({"preset", "size", "fps"}),
    # the browser viewer (viewer/web): it resizes with the window and scrubs every snapshot itself
    "a web page": frozenset(
        {
            "mode",
            "sample",
            "mistake",
            "t",
            "sizing",
            "histogram",
            "attribution",
            "feature_space",
            "clusters",
            "depth",
            "view",
            "background",
            "open",
        }
    ),
    "the window": frozenset(
        {"mode", "sample", "mistake", "t", "sizing", "histogram", "attribution", "feature_space", "clusters", "depth"}
    ),
}


def given(*specs, **more) -> dict[str, object]:
    """The options set to other than their defaults, in field order: the specs' fields, then `more`
    (options outside the specs, given when not None)."""
    out = {
        f.name: getattr(s, f.name)
        for s in specs
        if s is not None
        for f in dataclasses.fields(s)
        if getattr(s, f.name) != f.default
    }
    return out | {k: v for k, v in more.items() if v is not None}


def check_applies(what: str, *specs, **more) -> None:
    """Refuse the options `what` (a key of USES) does not use, naming them as the command line does."""
    unused = [k for k in given(*specs, **more) if k not in USES[what]]
    if unused:
        names = ", ".join("--" + k.replace("_", "-") for k in unused)
        one = len(unused) == 1
        raise NnvoxError(f"{names} {'does' if one else 'do'} not apply to {what}; leave {'it' if one else 'them'} out")


def specs_from(
    spec: ViewSpec | None, output: OutputSpec | None, options: dict, *, where: str, output_fields: bool = True
) -> tuple[ViewSpec, OutputSpec]:
    """The specs a Python call means: `spec` and `output` (defaults when None) with its keyword
    options (`mode="weights"`, `fps=12`, ...) laid over them, the one place keywords map into specs."""
    spec = _instance(spec, ViewSpec, "spec")
    output = _instance(output, OutputSpec, "output")
    view_names = {f.name for f in dataclasses.fields(ViewSpec)}
    output_names = {f.name for f in dataclasses.fields(OutputSpec)} if output_fields else set()
    unknown = sorted(set(options) - view_names - output_names)
    if unknown:
        known = ", ".join(sorted(view_names | output_names))
        raise NnvoxTypeError(f"{where}() got an unexpected keyword argument {unknown[0]!r}; its options are {known}")
    spec = dataclasses.replace(spec, **{k: v for k, v in options.items() if k in view_names})
    output = dataclasses.replace(output, **{k: v for k, v in options.items() if k in output_names})
    return spec, output


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#18181e" -> (24, 24, 30)."""
    if isinstance(colour, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    raise SpecError("background", f'background {colour!r} is not a colour like "#18181e"')


def _instance(value, kind: type, name: str):
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise NnvoxTypeError(f"{name} is a nnvox {kind.__name__}, got {type(value).__name__}")
    return value


def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _choice(what: str, value, choices, *, option: str | None = None) -> None:
    if value not in choices:
        raise SpecError(option or what, f"unknown {what} {value!r}; choose one of {', '.join(choices)}")

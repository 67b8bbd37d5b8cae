"""Storyboards: a TOML file of shots (which run, mode, sample, stretch of the timeline, camera move,
captions, how long) that renders to the same frames every time.

    [video]
    preset = "1080p30"
    title = "How a CNN learns to read digits"   # optional opening title card

    [[shot]]
    run = "runs/digits"          # relative to the storyboard's folder (or model = "resnet18")
    duration = 6                 # seconds
    timeline = [0, 12]           # snapshot positions scrubbed over the shot; one number; "all"
    camera = "orbit"             # overview, orbit, flythrough, follow (a forward pass), or a table (see CAMERA_KEYS)
    caption = "Training: the weights settle epoch by epoch"
    hold = 1                     # each snapshot shown as recorded, stepping to the next (no blend)
    linger = 2.5                 # seconds the scrub's first and last snapshots are held, each
    # stops = "auto"             # or: held where what it shows changes most, the rest passed
    #                            # (scrub_stops; not with linger or ease, and 12.5 s for 13 snapshots)
    transition = "move"          # from the shot before: "move", "dip", "cut" or "fade" (see transitions)

Loading checks everything it can without opening runs (unknown keys, types, ranges) and names the
line; `check_runs` then checks the parts that need the runs (snapshot ranges, samples, layers).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from nnvox.errors import NnvoxError, NnvoxTypeError
from nnvox.scenes.camera import EASINGS, CameraPose, load_view
from nnvox.scenes.feature_space import PROJECTIONS
from nnvox.scenes.presets import preset_size
from nnvox.scenes.scrub_stops import STOP_CHOICES, needed_seconds
from nnvox.scenes.toml_files import read_toml
from nnvox.scenes.view import HUD_STYLES, MODES, SpecError, ViewSpec, rgb

FIGURES = (
    "filters",
    "histograms",
    "correlation",
    "confusion",
    "mistakes",
    "health",
    "voxel",
)  # 2D figures of a snapshot

MOVES = ("overview", "orbit", "flythrough", "focus", "keyframes", "follow")
VIDEO_KEYS = {
    "preset",
    "size",
    "fps",
    "transparent",
    "background",
    "title",
    "subtitle",
    "title_seconds",
    "fade_seconds",
    "gif_max_mb",
    "crf",
}
SHOT_KEYS = {
    "run",
    "model",
    "input_shape",
    "weights",
    "attribution",
    "feature_space",
    "clusters",
    "depth",
    "hud",
    "figure",
    "layer",
    "voxel",
    "title",
    "subtitle",
    "duration",
    "mode",
    "sample",
    "mistake",
    "timeline",
    "forward",
    "camera",
    "caption",
    "stage_captions",
    "histogram",
    "ease",
    "hold",
    "linger",
    "stops",
    "fade",
    "explain",
    "channel",
    "open",
    "transition",
}
# From the shot before: the camera carried on, a dip through the background, a hard cut, or a
# dissolve (two pictures overlaid: only when asked by name; see transitions).
TRANSITIONS = ("move", "dip", "cut", "fade")
MOVE_SECONDS = 1.2  # a "move" transition: seconds over which the camera leaves the shot before's last pose
CAMERA_KEYS = {"move", "degrees", "layer", "azimuth", "elevation", "zoom", "ease", "keys", "view", "waypoints"}
KEY_KEYS = {"at", "view", "layer", "overview", "azimuth", "elevation", "zoom", "ease"}


LAYER_KEY = "layer:"  # a camera key's target that puts the camera on a layer (CameraKey.layer)


@dataclass(frozen=True)
class CameraKey:
    at: float
    target: str | CameraPose  # "overview", LAYER_KEY + a layer's name, or a saved view's pose
    azimuth: float = 0.0
    elevation: float = 0.0
    zoom: float = 1.0
    ease: str = "smooth"

    @property
    def layer(self) -> str | None:
        """The layer this key puts the camera on (None: an overview or a saved view)."""
        if isinstance(self.target, str) and self.target.startswith(LAYER_KEY):
            return self.target[len(LAYER_KEY) :]
        return None


@dataclass(frozen=True)
class CameraMove:
    move: str = "overview"
    degrees: float = 40.0  # orbit sweep
    layer: str | None = None  # focus
    azimuth: float = 0.0
    elevation: float = 0.0
    zoom: float = 1.0
    ease: str = "smooth"
    waypoints: int = 8  # fly-through
    keys: tuple[CameraKey, ...] = ()
    view: CameraPose | None = None  # a saved view held for the whole shot


@dataclass(frozen=True)
class Shot:
    line: int  # of its [[shot]] header, for messages
    duration: float
    run: Path | None = None  # a run folder; None with no model: a title card
    model: str | None = None  # or a model run once: a zoo or built-in name, or package.module:callable
    input_shape: str | None = None  # the model's input, batch first ("1,3,224,224"); default its own
    weights: Path | None = None  # a state_dict for the model (.safetensors, or .pt read with weights_only)
    title: str | None = None
    subtitle: str | None = None
    view: ViewSpec = ViewSpec()  # what the shot shows: mode, sample or mistake, histogram, attribution, ...
    timeline: tuple[float | str, float | str] | None = None  # positions, "first" or "last"; None: the last throughout
    forward: bool = False  # light the layers one by one over the shot
    camera: CameraMove = CameraMove()
    caption: str | None = None
    # a forward pass's caption per stage: (layer name, text), shown while the step lighting it is on
    # screen (scenes/stage_captions.py); `caption` before the first and from the answer on
    stage_captions: tuple[tuple[str, str], ...] = ()
    figure: str | None = None  # a 2D figure of the snapshot under the cursor instead of the 3D scene
    layer: str | None = None  # the figure's layer (filters, histograms, correlation, voxel)
    voxel: tuple[int, ...] | None = (
        None  # the voxel figure's coordinates: (channel, row, column), (token, feature), ...
    )
    ease: str = "smooth"  # of the timeline's motion
    hold: float = 0.0  # of each snapshot's stretch of the timeline, the part it is held still (shots.timeline_at)
    linger: float = 0.0  # seconds the timeline's first and last snapshots hold each, the others sharing the rest
    stops: str | None = None  # "auto": held where what it shows changes most, the rest passed (scenes/scrub_stops.py)
    fade: float | None = None  # seconds of each half of a dip, or of a cross-fade, into the shot (None: the video's)
    transition: str | None = None  # from the previous shot, one of TRANSITIONS (None: transitions() picks)
    explain: str | None = None  # a conv, dense or pool layer computed value by value (scenes/explain.py)
    channel: int = 0  # the explained layer's output map
    open: tuple[str, ...] = ()  # feature-map layers opened into their maps, face-on (scenes/open_layer.py)
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # key -> line, for messages

    def sample_in(self, run) -> int:
        """The sample number the shot shows in its run."""
        return self.view.sample_in(run)

    @property
    def source(self) -> Path | tuple[str, str | None, Path | None] | None:
        """What the shot shows, as a key: a run folder, or a model with its input and weights."""
        return self.run if self.model is None else (self.model, self.input_shape, self.weights)


@dataclass(frozen=True)
class Storyboard:
    path: Path
    shots: tuple[Shot, ...]
    preset: str = "1080p30"
    size: str | None = None
    fps: int | None = None
    transparent: bool = False
    background: tuple[int, int, int] | None = None
    fade_seconds: float = 0.4
    gif_max_mb: float | None = 8.0
    crf: int = 18

    @property
    def seconds(self) -> float:
        return sum(s.duration for s in self.shots)


class _Lines:
    """Line numbers of tables and keys in the TOML text (tomllib gives values, not positions)."""

    def __init__(self, text: str):
        self.text = text.splitlines()
        self.shots = [i + 1 for i, line in enumerate(self.text) if re.match(r"\s*\[\[\s*shot\s*\]\]", line)]
        video = [i + 1 for i, line in enumerate(self.text) if re.match(r"\s*\[\s*video\s*\]", line)]
        self.video = video[0] if video else 1

    def key(self, section_start: int, key: str) -> int:
        """The line of `key = ...` in the section starting at `section_start` (the section's own line if not found)."""
        for i in range(section_start, len(self.text)):
            line = self.text[i]
            if re.match(r"\s*\[", line) and i + 1 != section_start and not re.match(r"\s*\[\s*shot\.", line):
                break
            if re.match(rf"\s*{re.escape(key)}\s*=", line) or re.match(rf"\s*\[\s*shot\.{re.escape(key)}\s*\]", line):
                return i + 1
        return section_start


class _Checker:
    def __init__(self, path: Path, lines: _Lines):
        self.path, self.lines = path, lines

    def fail(self, line: int, message: str) -> None:
        raise NnvoxError(f"{self.path.name}, line {line}: {message}")

    def keys(self, table: dict, allowed: set[str], line: int, where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(allowed))}"
                self.fail(self.lines.key(line, key), f"unknown key {key!r} in {where}{hint}")

    def number(
        self,
        value,
        line: int,
        what: str,
        *,
        low: float | None = None,
        high: float | None = None,
        positive: bool = False,
        whole: bool = False,
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(line, f"{what} must be a number, got {value!r}")
        if whole and not isinstance(value, int):
            self.fail(line, f"{what} must be a whole number, got {value!r}")
        if not math.isfinite(value):  # nan and inf pass every comparison below (nan) or mean nothing (inf)
            self.fail(line, f"{what} must be a finite number, got {value}")
        if positive and not value > 0:
            self.fail(line, f"{what} must be positive, got {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(line, f"{what} must be between {low} and {high}, got {value}")
        return float(value)

    def text(self, value, line: int, what: str) -> str:
        if not isinstance(value, str):
            self.fail(line, f"{what} must be text in quotes, got {value!r}")
        if "\0" in value:  # no name or caption holds one; as a path it would fail deep in the OS calls
            self.fail(line, f"{what} holds a NUL character (\\u0000)")
        return value

    def choice(self, value, choices, line: int, what: str) -> str:
        if value not in choices:
            self.fail(line, f"{what} {value!r} is not one of {', '.join(choices)}")
        return value


def load_storyboard(path: str | Path) -> Storyboard:
    if not isinstance(path, (str, Path)):
        raise NnvoxTypeError(f"a storyboard is a path to a .toml file, got {type(path).__name__}")
    path = Path(path)
    doc, text = read_toml(path, f"storyboard {path}", "does not exist; write one (the README has an example)")
    lines = _Lines(text)
    check = _Checker(path, lines)
    check.keys(doc, {"video", "shot"}, 1, "the storyboard (top level takes [video] and [[shot]] tables)")
    video = doc.get("video", {})
    if not isinstance(video, dict):
        check.fail(lines.video, f"video must be a table ([video]), got {video!r}")
    check.keys(video, VIDEO_KEYS, lines.video, "[video]")
    at = lambda key: lines.key(lines.video, key)
    shots_in = doc.get("shot", [])
    if not isinstance(shots_in, list) or (not shots_in and "title" not in video):
        check.fail(1, "no shots: add at least one [[shot]] table")
    shots = []
    if "title" in video:  # an opening title card
        shots.append(_opening_card(video, at, check))
    for i, table in enumerate(shots_in):
        shots.append(_shot(table, lines.shots[i] if i < len(lines.shots) else 1, path.parent, check))
    background = None
    if "background" in video:
        background = _colour(video["background"], at("background"), check)
    preset, size, fps = _frame_format(video, at, check)
    board = Storyboard(
        path=path,
        shots=tuple(shots),
        preset=preset,
        size=size,
        fps=fps,
        transparent=_flag(video, "transparent", at("transparent"), check),
        background=background,
        fade_seconds=check.number(video.get("fade_seconds", 0.4), at("fade_seconds"), "fade_seconds", low=0, high=5),
        gif_max_mb=(
            None
            if video.get("gif_max_mb", 8.0) == 0
            else check.number(video.get("gif_max_mb", 8.0), at("gif_max_mb"), "gif_max_mb", positive=True)
        ),
        crf=int(check.number(video.get("crf", 18), at("crf"), "crf", low=0, high=51, whole=True)),
    )
    transitions(board)  # a "move" that cannot carry on, named at load
    return board


def _opening_card(video: dict, at, check: _Checker) -> Shot:
    """The opening title card a [video] title asks for."""
    return Shot(
        line=at("title"),
        duration=check.number(video.get("title_seconds", 3.0), at("title_seconds"), "title_seconds", positive=True),
        title=check.text(video["title"], at("title"), "title"),
        subtitle=check.text(video["subtitle"], at("subtitle"), "subtitle") if "subtitle" in video else None,
    )


def _frame_format(video: dict, at, check: _Checker) -> tuple[str, str | None, int | None]:
    """[video]'s preset, size and fps, checked."""
    fps = video.get("fps")
    if fps is not None:
        fps = int(check.number(fps, at("fps"), "fps", low=1, high=240, whole=True))
    size = video.get("size")
    if size is not None:
        size = check.text(size, at("size"), "size")
        if not re.fullmatch(r"\d{2,5}x\d{2,5}", size):
            check.fail(at("size"), f'size {size!r} is not WIDTHxHEIGHT (for example "1600x900")')
    preset = check.text(video.get("preset", "1080p30"), at("preset"), "preset")
    try:
        preset_size(preset)
    except NnvoxError as exc:
        check.fail(at("preset"), str(exc))
    return preset, size, fps


def _flag(table: dict, key: str, line: int, check: _Checker) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        check.fail(line, f"{key} is true or false, got {value!r}")
    return value


def _colour(value, line: int, check: _Checker) -> tuple[int, int, int]:
    try:
        return rgb(value)
    except SpecError as exc:
        check.fail(line, str(exc))


def _shot(table: dict, line: int, folder: Path, check: _Checker) -> Shot:
    if not isinstance(table, dict):
        check.fail(line, "a [[shot]] must be a table")
    check.keys(table, SHOT_KEYS, line, "[[shot]]")
    at = lambda key: check.lines.key(line, key)
    if "duration" not in table:
        check.fail(line, "the shot has no duration (seconds)")
    duration = check.number(table["duration"], at("duration"), "duration", positive=True)
    if duration > 600:
        check.fail(at("duration"), f"duration {duration} s is over 10 minutes; split it into shots")
    common = {
        "line": line,
        "duration": duration,
        "lines": {k: at(k) for k in table},
        "caption": check.text(table["caption"], at("caption"), "caption") if "caption" in table else None,
        "fade": check.number(table["fade"], at("fade"), "fade", low=0, high=5) if "fade" in table else None,
        "transition": (
            check.choice(table["transition"], TRANSITIONS, at("transition"), "transition")
            if "transition" in table
            else None
        ),
    }
    if "run" in table and "model" in table:
        check.fail(at("model"), "a shot shows a run or a model, not both")
    if "run" not in table and "model" not in table:
        return _title_card(table, line, at, check, common)
    return Shot(
        **_source(table, folder, at, check),
        view=_view_spec(table, at, check),
        timeline=_timeline(table, at, check),
        forward=_flag(table, "forward", at("forward"), check),
        camera=_camera(table.get("camera", "overview"), at("camera"), folder, check),
        figure=check.choice(table["figure"], FIGURES, at("figure"), "figure") if "figure" in table else None,
        layer=check.text(table["layer"], at("layer"), "layer") if "layer" in table else None,
        voxel=_voxel(table["voxel"], at("voxel"), check) if "voxel" in table else None,
        ease=check.choice(table.get("ease", "smooth"), tuple(EASINGS), at("ease"), "ease"),
        hold=check.number(table["hold"], at("hold"), "hold", low=0, high=1) if "hold" in table else 0.0,
        linger=_linger(table, at, check),
        stops=_stops(table, at, check),
        **_explain(table, at, check),
        **_open(table, at, check),
        **_stage_captions(table, at, check, common["lines"]),
        **common,
    )


def _stage_captions(table: dict, at, check: _Checker, lines: dict[str, int]) -> dict:
    """A forward pass's caption per stage (stage_captions = { conv1 = "...", relu1 = "..." }): a table
    of layer names and texts, checked as TOML here; each name's line kept in `lines` (as
    "stage_captions.NAME") for the check against the scene's layers (check_layers)."""
    if "stage_captions" not in table:
        return {}
    line, given = at("stage_captions"), table["stage_captions"]
    if not isinstance(given, dict) or not given:
        check.fail(line, 'stage_captions is a table of layer names and texts: { conv1 = "conv1: ...", ... }')
    if table.get("forward") is not True:
        check.fail(line, "stage_captions caption a forward pass's stages: add forward = true to the shot")
    if "caption" not in table:
        check.fail(
            line, "stage_captions needs the shot's caption too: it shows before the first stage and with the answer"
        )
    for name in given:
        lines[f"stage_captions.{name}"] = _table_key_line(check.lines, line, name)
    return {
        "stage_captions": tuple(
            (name, check.text(text, lines[f"stage_captions.{name}"], f"stage_captions.{name}"))
            for name, text in given.items()
        )
    }


def _table_key_line(lines: _Lines, start: int, key: str) -> int:
    """The line of `key = ...` in the table on line `start`: that line itself for an inline table
    (TOML keeps one on one line), the key's own line below a [shot.stage_captions] header."""
    pattern = re.compile(rf"(^|[{{,\s])[\"']?{re.escape(key)}[\"']?\s*=")
    head = lines.text[start - 1]
    if "{" in head:
        return start
    for i in range(start, len(lines.text)):
        if re.match(r"\s*\[", lines.text[i]):
            break
        if pattern.search(lines.text[i]):
            return i + 1
    return start


def _explain(table: dict, at, check: _Checker) -> dict:
    """The explained layer and map: checked as TOML here, against the run when it is opened."""
    if "explain" not in table:
        if "channel" in table:
            check.fail(at("channel"), 'channel is the map an explained layer fills in; add explain = "conv1"')
        return {}
    channel = table.get("channel", 0)
    if isinstance(channel, bool) or not isinstance(channel, int) or channel < 0:
        check.fail(at("channel"), f"channel must be a map number (0, 1, ...), got {channel!r}")
    return {"explain": check.text(table["explain"], at("explain"), "explain"), "channel": channel}


def _open(table: dict, at, check: _Checker) -> dict:
    """The layers a shot opens into their maps (open = "conv1", or ["input", "conv1"]): checked as TOML
    here, against the scene when it is built."""
    if "open" not in table:
        return {}
    if "explain" in table:
        check.fail(at("open"), "a shot opens a layer or explains one, not both; give each its own shot")
    names = table["open"] if isinstance(table["open"], list) else [table["open"]]
    if not names:
        check.fail(at("open"), 'open names a layer ("conv1") or a list of them (["input", "conv1"])')
    return {"open": tuple(dict.fromkeys(check.text(n, at("open"), "open") for n in names))}


def _title_card(table: dict, line: int, at, check: _Checker, common: dict) -> Shot:
    if "title" not in table:
        check.fail(line, "a shot needs a run (a run folder), a model, or a title (a title card)")
    extra = set(table) - {"title", "subtitle", "duration", "caption", "fade", "transition"}
    if extra:
        first = sorted(extra)[0]
        check.fail(
            at(first), f"a title card takes title, subtitle, duration, fade and transition; {first!r} needs a run"
        )
    subtitle = check.text(table["subtitle"], at("subtitle"), "subtitle") if "subtitle" in table else None
    return Shot(title=check.text(table["title"], at("title"), "title"), subtitle=subtitle, **common)


def _source(table: dict, folder: Path, at, check: _Checker) -> dict:
    """What the shot shows: a run folder, or a model with its input shape and weights."""
    if "run" in table:
        run = folder / check.text(table["run"], at("run"), "run")
        if not (run / "manifest.json").is_file():
            check.fail(
                at("run"), f"run {table['run']!r} not found (looked for {run / 'manifest.json'}); record it first"
            )
        extra = {"input_shape", "weights"} & set(table)
        if extra:
            check.fail(at(sorted(extra)[0]), f"{sorted(extra)[0]} applies to a model shot, not a run")
        return {"run": run}
    source = {"model": check.text(table["model"], at("model"), "model")}
    if "input_shape" in table:
        source["input_shape"] = check.text(table["input_shape"], at("input_shape"), "input_shape")
    if "weights" in table:
        weights = folder / check.text(table["weights"], at("weights"), "weights")
        if not weights.is_file():
            check.fail(at("weights"), f"weights {table['weights']!r} not found (looked for {weights})")
        source["weights"] = weights
    return source


def _linger(table: dict, at, check: _Checker) -> float:
    """Seconds a scrub holds its first and last snapshots, each: together under the shot's length."""
    if "linger" not in table:
        return 0.0
    linger = check.number(table["linger"], at("linger"), "linger", low=0)
    if not (table.get("timeline") == "all" or isinstance(table.get("timeline"), list)):
        check.fail(at("linger"), 'linger holds a scrub\'s ends: give the shot timeline = "all" or [from, to]')
    duration = table.get("duration")
    if isinstance(duration, int | float) and not isinstance(duration, bool) and 2 * linger >= duration:
        check.fail(
            at("linger"), f"linger {linger:g} s holds each end of a {duration:g} s shot: use under {duration / 2:g}"
        )
    return linger


def _stops(table: dict, at, check: _Checker) -> str | None:
    """A scrub's data-chosen holds (scenes/scrub_stops.py): they set its pace, so a pace asked for
    beside them (linger, ease, a blend) would be overruled; each is a one-line error on its line."""
    if "stops" not in table:
        return None
    stops = check.text(table["stops"], at("stops"), "stops")
    check.choice(stops, STOP_CHOICES, at("stops"), "stops")
    timeline = table.get("timeline")
    if not (timeline == "all" or isinstance(timeline, list)):
        check.fail(at("stops"), 'stops holds a scrub\'s snapshots: give the shot timeline = "all" or [from, to]')
    if isinstance(timeline, list) and any(isinstance(v, float) and not v.is_integer() for v in timeline):
        check.fail(at("timeline"), f"stops stand on recorded snapshots: give whole positions, got {timeline!r}")
    for key, why in (("linger", "holds the ends itself"), ("ease", "sets the pace itself")):
        if key in table:
            check.fail(at(key), f"{key} with stops: stops {why}; drop {key}")
    if table.get("hold", 1) != 1:
        check.fail(at("hold"), "stops shows each snapshot as recorded (hold = 1): drop hold or set it to 1")
    return stops


def _timeline(table: dict, at, check: _Checker) -> tuple[float | str, float | str] | None:
    if "timeline" not in table:
        return None
    tl = table["timeline"]
    if tl == "all":
        tl = ["first", "last"]
    if isinstance(tl, list):
        if len(tl) != 2:
            check.fail(
                at("timeline"), f'timeline is [from, to], one snapshot position, "first", "last" or "all"; got {tl!r}'
            )
        return tuple(_position(v, at("timeline"), check) for v in tl)
    v = _position(tl, at("timeline"), check)
    return v, v


def _view_spec(table: dict, at, check: _Checker) -> ViewSpec:
    """What the shot shows, each key checked as TOML (its errors on its line), then as a ViewSpec."""
    sample = table.get("sample", 0)
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 0:
        check.fail(at("sample"), f"sample must be a probe sample index (0, 1, ...), got {sample!r}")
    mistake = table.get("mistake")
    if mistake is not None and (isinstance(mistake, bool) or not isinstance(mistake, int) or mistake < 1):
        check.fail(
            at("mistake"),
            f"mistake is a rank among each snapshot's most confident mistakes (1, 2, ...), got {mistake!r}",
        )
    if mistake is not None and "sample" in table:
        check.fail(at("mistake"), "give sample or mistake, not both")
    text = lambda key: check.text(table[key], at(key), key) if key in table else None
    choice = lambda key, choices: check.choice(table[key], choices, at(key), key) if key in table else None
    try:
        return ViewSpec(
            mode=choice("mode", MODES) or "activations",
            sample=sample,
            mistake=mistake,
            histogram=text("histogram"),
            attribution=text("attribution"),
            feature_space=choice("feature_space", PROJECTIONS),
            clusters=_clusters(table["clusters"], at("clusters"), check) if "clusters" in table else None,
            depth=table.get("depth"),
            hud=choice("hud", HUD_STYLES) or HUD_STYLES[0],
        )
    except SpecError as exc:
        check.fail(at(exc.option), str(exc))


def _clusters(value, line: int, check: _Checker) -> int | str:
    if value in ("silhouette", "elbow") or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    check.fail(line, f'clusters is a number of clusters, "silhouette" or "elbow", got {value!r}')


def _voxel(value, line: int, check: _Checker) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        check.fail(
            line,
            f"voxel is [channel, row, column] (whole numbers from 0, one a layer's axis: [token, feature] "
            f"on a sequence layer, [unit] on a vector), got {value!r}",
        )
    return tuple(value)


def _position(value, line: int, check: _Checker) -> float | str:
    """A snapshot position: a number (fractions interpolate), "first" or "last"."""
    if value in ("first", "last"):
        return value
    if isinstance(value, str):
        check.fail(line, f'timeline position {value!r} is not a number, "first" or "last"')
    return check.number(value, line, "timeline", low=0)


def resolve(position: float | str, last: int) -> float:
    return 0.0 if position == "first" else float(last) if position == "last" else float(position)


def _camera(value, line: int, folder: Path, check: _Checker) -> CameraMove:
    if isinstance(value, str):
        if value == "focus":
            check.fail(line, 'camera "focus" needs a layer: camera = { move = "focus", layer = "conv2" }')
        return CameraMove(move=check.choice(value, MOVES, line, "camera"))
    if not isinstance(value, dict):
        check.fail(line, f"camera is a move name or a table, got {value!r}")
    check.keys(value, CAMERA_KEYS, line, "camera")
    move = check.choice(value.get("move", "keyframes" if "keys" in value else "overview"), MOVES, line, "camera move")
    num = lambda k, d, **kw: check.number(value.get(k, d), line, f"camera {k}", **kw)
    layer = check.text(value["layer"], line, "camera layer") if "layer" in value else None
    if move == "focus" and layer is None:
        check.fail(line, 'camera move "focus" needs a layer')
    keys = ()
    if move == "keyframes":
        raw = value.get("keys")
        if not isinstance(raw, list) or len(raw) < 2:
            check.fail(line, "camera keyframes need keys = [ { at = 0, ... }, { at = 1, ... } ] (at least two)")
        keys = tuple(_key(k, line, folder, check) for k in raw)
        ats = [k.at for k in keys]
        if ats != sorted(ats):
            check.fail(line, f"camera keys must be in order of `at`, got {ats}")
    return CameraMove(
        move=move,
        degrees=num("degrees", 40.0, low=-720, high=720),
        layer=layer,
        azimuth=num("azimuth", 0.0, low=-360, high=360),
        elevation=num("elevation", 0.0, low=-80, high=80),
        zoom=num("zoom", 1.0, positive=True),
        ease=check.choice(value.get("ease", "smooth"), tuple(EASINGS), line, "camera ease"),
        waypoints=int(num("waypoints", 8, low=2, high=64, whole=True)),
        keys=keys,
        view=_view(value["view"], line, folder, check) if "view" in value else None,
    )


def _key(value, line: int, folder: Path, check: _Checker) -> CameraKey:
    if not isinstance(value, dict):
        check.fail(line, f'a camera key is a table like {{ at = 0.5, layer = "conv2" }}, got {value!r}')
    check.keys(value, KEY_KEYS, line, "a camera key")
    if "at" not in value:
        check.fail(line, "every camera key needs `at` (0 = the shot's start, 1 = its end)")
    targets = [k for k in ("view", "layer", "overview") if k in value]
    if len(targets) > 1:
        check.fail(line, f"a camera key aims at one thing; it has {', '.join(targets)}")
    target: str | CameraPose = "overview"
    if "view" in value:
        target = _view(value["view"], line, folder, check)
    elif "layer" in value:
        target = LAYER_KEY + check.text(value["layer"], line, "camera key layer")
    num = lambda k, d, **kw: check.number(value.get(k, d), line, f"camera key {k}", **kw)
    return CameraKey(
        at=num("at", 0, low=0, high=1),
        target=target,
        azimuth=num("azimuth", 0.0, low=-360, high=360),
        elevation=num("elevation", 0.0, low=-80, high=80),
        zoom=num("zoom", 1.0, positive=True),
        ease=check.choice(value.get("ease", "smooth"), tuple(EASINGS), line, "camera key ease"),
    )


def _view(value, line: int, folder: Path, check: _Checker) -> CameraPose:
    """A saved view: a file the window wrote (press k), relative to the storyboard, or an inline table."""
    try:
        return load_view(folder / value) if isinstance(value, str) else CameraPose.from_dict(value)
    except NnvoxError as exc:
        check.fail(line, str(exc))


def check_runs(board: Storyboard, runs: dict[Path, object]) -> None:
    """What needs the runs: timeline within the snapshots, sample within the probe set, layers drawn.
    `runs` maps each shot's source (Shot.source) to its opened Run."""
    for shot in board.shots:
        if shot.source is None:
            continue
        run = runs[shot.source]
        last = len(run.snapshots) - 1
        if shot.timeline is not None and max(resolve(p, last) for p in shot.timeline) > last:
            line = shot.lines.get("timeline", shot.line)
            raise NnvoxError(
                f"{board.path.name}, line {line}: timeline {list(shot.timeline)} goes past the run's last "
                f"snapshot ({last}); use positions 0 to {last}"
            )
        if shot.stops is not None:
            _check_stops(board, shot, last)
        try:
            run.check_sample(shot.sample_in(run))
        except NnvoxError as exc:
            line = shot.lines.get("mistake" if shot.view.mistake is not None else "sample", shot.line)
            raise NnvoxError(f"{board.path.name}, line {line}: {exc}") from None


def scrubbed(shot: Shot, last: int) -> list[int]:
    """The snapshots a stopping scrub (`stops`) stands on, in the order it shows them."""
    start, end = (round(resolve(p, last)) for p in shot.timeline)
    step = 1 if end >= start else -1
    return list(range(start, end + step, step))


def _check_stops(board: Storyboard, shot: Shot, last: int) -> None:
    """A stopping scrub long enough to show its snapshots readably (scrub_stops.needed_seconds)."""
    count = len(scrubbed(shot, last))
    need = needed_seconds(count)
    if shot.duration < need - 1e-9:
        raise NnvoxError(
            f"{board.path.name}, line {shot.lines.get('stops', shot.line)}: stops needs {need:g} s to show "
            f"{count} snapshots readably (the two ends held, the others passed), the shot is {shot.duration:g} s: "
            f"lengthen it or scrub fewer snapshots (timeline = [from, to])"
        )


def check_layers(board: Storyboard, shot: Shot, names: list[str]) -> None:
    """The layers a shot names (histogram, camera focus and keys, stage captions) exist in its scene."""
    wanted = [("histogram", shot.view.histogram), ("camera", shot.camera.layer)]
    wanted += [("camera", k.layer) for k in shot.camera.keys if k.layer is not None]
    wanted += [(f"stage_captions.{name}", name) for name, _ in shot.stage_captions]
    for key, layer in wanted:
        if layer is not None and layer not in names:
            close = difflib.get_close_matches(layer, names, n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"layers: {', '.join(names[:10])}" + (" ..." if len(names) > 10 else "")
            )
            raise NnvoxError(
                f"{board.path.name}, line {shot.lines.get(key, shot.line)}: layer {layer!r} is not drawn in "
                f"{shot.view.mode} mode; {hint}"
            )


def check_stage_captions(board: Storyboard, shot: Shot, scene) -> None:
    """Each of a forward pass's stage captions is shown (scenes/stage_captions.py), else a one-line
    error on its line naming the layers this shot can caption: the input (lit before the steps), a
    layer a grouped step lights after another named one, or one whose step is too short to read
    was accepted and then never shown."""
    if not shot.stage_captions or not shot.forward:
        return
    from nnvox.scenes.stage_captions import MIN_CAPTION_SECONDS

    named = [name for name, _ in shot.stage_captions]
    shown = _captioned_layers(shot, scene, named)
    unseen = [name for name in named if name not in shown]
    if not unseen:
        return
    name = unseen[0]
    showable = _captioned_layers(shot, scene, [b.name for b in sorted(scene.blocks, key=lambda b: b.order)])
    step = _step_of(shot, scene, _level(scene, name))
    if step is None:
        why = "it is lit before the pass steps through the layers"
    elif (first := next((n for n in named if _step_of(shot, scene, _level(scene, n)) == step), name)) != name:
        why = f"its step lights {first!r} too, whose caption shows"
    else:
        why = f"its step lasts under {MIN_CAPTION_SECONDS:g} s, too short to read"
    raise NnvoxError(
        f"{board.path.name}, line {shot.lines.get(f'stage_captions.{name}', shot.line)}: stage_captions.{name} "
        f"is never shown ({why}); this {shot.duration:g} s pass shows captions of {', '.join(showable) or 'none'}: "
        f"name one of those" + ("" if step is None else ", or lengthen the shot")
    )


def _captioned_layers(shot: Shot, scene, names: list[str]) -> list[str]:
    """Of the layers `names`, those whose caption `shot`'s pass would show were each captioned, in order."""
    import dataclasses

    from nnvox.scenes.stage_captions import caption_times

    trial = dataclasses.replace(shot, stage_captions=tuple((n, n) for n in names), caption=None)
    texts = {text for _, text in caption_times(trial, scene)}
    return [n for n in names if n in texts]


def _level(scene, name: str) -> int | None:
    return next((b.order for b in scene.blocks if b.name == name), None)


def _step_of(shot: Shot, scene, level: int | None) -> int | None:
    """The index of the pass's step that lights graph level `level` (None: none does, the input)."""
    from nnvox.scenes.follow import pass_schedule

    steps = pass_schedule(scene.levels, shot.duration).steps
    return next((k for k, (first, last) in enumerate(steps) if level is not None and first <= level <= last), None)


def _continues(before: Shot, shot: Shot) -> bool:
    """Whether `shot` shows what `before` does in 3D (the same run or model, in the same mode), so
    the camera can carry on from one to the other."""
    drawn = lambda s: s.source is not None and s.figure is None
    return drawn(before) and drawn(shot) and before.source == shot.source and before.view.mode == shot.view.mode


def transitions(board: Storyboard) -> list[str]:
    """How each shot follows the one before ("cut" for the first): its `transition`, else "move"
    where both show the same network in the same mode (one continuous camera move), else "dip".

    Why a dip and not a dissolve, as a film editor would choose: a dissolve overlays two pictures of
    one network (two camera poses, two colourings: the same blocks twice, one a ghost), which
    reads as a mistake in a lecture; a dip (the old shot fades to the background, the new one fades
    in from it, texts switching at the blank middle) marks a new topic and never shows two
    pictures. A hard cut between two colourings of the same network is a jump cut, so it is not
    the default but can be asked ("cut"), as can the dissolve ("fade"). A "move" between shots
    that do not continue is a one-line error."""
    chosen = ["cut"]
    for before, shot in zip(board.shots, board.shots[1:]):
        if shot.transition == "move" and not _continues(before, shot):
            raise NnvoxError(
                f'{board.path.name}, line {shot.lines.get("transition", shot.line)}: transition "move" carries '
                f"the camera on from the shot before, which must show the same run in the same mode; "
                f'use "dip", "cut" or "fade"'
            )
        chosen.append(shot.transition or ("move" if _continues(before, shot) else "dip"))
    return chosen

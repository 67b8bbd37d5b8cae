"""The views one page switches between without a new page: every mode the run can show and, in a
mode that shows activations, every probe sample and each snapshot's recorded mistakes. The menu
travels in the scene description (`views`); the exported page embeds every view's description
and frames (the others compressed; a mode's description once, its other samples holding only their
snapshots' texts and frames), `nnvox serve` and the widget build a view when it is chosen."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib

from nnvox.errors import NnvoxError
from nnvox.scenes.scene import Scene
from nnvox.scenes.view import MODES, ViewSpec
from nnvox.viewer.web.frame_packing import pack_frames

PER_SAMPLE = ("activations",)  # the modes whose picture depends on the sample (the others show weights)


def sample_menu(scene: Scene) -> list[dict]:
    """Every sample a page offers: the probe's, then each snapshot's mistakes by rank (as --mistake counts)."""
    probes = [{"sample": k, "label": f"sample {k}"} for k in range(scene.probe_count)]
    mistakes = [{"sample": scene.probe_count + r, "label": f"mistake {r + 1}"} for r in range(scene.mistake_count)]
    return probes + mistakes


def menu(scene: Scene, modes) -> dict:
    """The page's control bar: the modes, the samples and the modes the sample changes."""
    return {"modes": list(modes), "samples": sample_menu(scene), "per_sample": list(PER_SAMPLE)}


def view_key(mode: str, sample: int) -> str:
    """One name per distinct picture: a sample only matters in PER_SAMPLE modes (the page's viewKey)."""
    return f"{mode}/{sample}" if mode in PER_SAMPLE else mode


def showable_modes(run, spec: ViewSpec = ViewSpec()) -> tuple[str, ...]:
    """The modes the run can show, in MODES' order: the checks scenes/build makes before drawing
    anything (change modes need two snapshots, gradients need recorded gradients), without building
    a scene. The page's menu, `nnvox serve`'s run list and the export offer only these."""
    from nnvox.scenes.block_spec import block_specs
    from nnvox.scenes.build import check_options, require_recorded
    from nnvox.scenes.selection import select

    modes = []
    for mode in MODES:
        options = dataclasses.replace(spec, mode=mode, open=()).scene_options()  # (opened where drawn)
        try:
            check_options(options)
            require_recorded(run, options, block_specs(run, options, select(run.architecture, options)))
        except NnvoxError:
            continue
        modes.append(mode)
    return tuple(modes)


# Modes a page holds only when it opens in them (`nnvox export --mode ...`, `nnvox serve`): the
# demo's page with distance-from-start held too measured 4.68 MB (4.29 without), its one-epoch
# estimate (tests/web/test_page_size.py) over the 5 MB target; |change-from-start| is what it shows
NOT_HELD = ("distance-from-start",)


def other_scenes(scene: Scene, spec: ViewSpec) -> dict[str, Scene]:
    """The run's scene in every other mode it can show (a mode it cannot, say gradients never
    recorded, is left out of the menu), with the layers `spec` opens open where that mode can open
    them (weights mode has no conv1 activations to open: it opens conv1's kernels into tiles)."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.open_layer import open_scene, openable

    run, scenes, closed = scene.source.run, {scene.mode: scene}, dataclasses.replace(spec, open=())
    for mode in showable_modes(run, closed):
        if mode == scene.mode or mode in NOT_HELD:
            continue
        try:
            other = build_scene(run, dataclasses.replace(closed, mode=mode).scene_options())
        except NnvoxError:
            continue
        names = [name for name in spec.open if name in openable(other)]
        scenes[mode] = open_scene(other, names) if names else other
    return {m: scenes[m] for m in MODES if m in scenes}


def pack(value: bytes, level: int = 9) -> str:
    """zlib (at `level`), then base64: what the page's inflate reads."""
    return base64.b64encode(zlib.compress(value, level)).decode("ascii")


def shared_view(like: str, sample: int, patch: dict, pieces: list) -> dict:
    """A view whose description is view `like`'s but for its sample and the few parts in `patch`
    (another probe sample or mistake in the same mode): the blocks, edges and colour tables are
    held once a mode; this view holds only what differs, its snapshots' texts and its frames."""
    text = lambda value: pack(json.dumps(value, separators=(",", ":"), allow_nan=False).encode())
    view = {"like": like, "sample": sample, "headers": text([p.header() for p in pieces])}
    if patch:
        view["patch"] = text(patch)
    return {**view, "frames": pack_frames([p.indices for p in pieces])}


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _patch(base: dict, description: dict) -> dict | None:
    """The parts of `description` that differ from `base`'s, but its sample (None: other parts altogether)."""
    ignored = {
        "sample",
        "views",
        "headers",
        "opens",
        "openable",
    }  # (the start's open layouts: its mode's, every sample's)
    if set(base) - ignored != set(description) - ignored:
        return None
    return {k: v for k, v in description.items() if k not in ignored and _json(v) != _json(base[k])}


def held_views(start: dict, scenes: dict[str, Scene], spec: ViewSpec, t: float) -> dict:
    """Every view the page holds besides `start` (its description, with the menu): each mode's and,
    in a mode that shows activations, each sample's. A mode's description is packed once: its other
    samples are `shared_view`s of the first view of it held whole (the start's mode: the start)."""
    from nnvox.viewer.theme import DEFAULT_THEME
    from nnvox.viewer.web import spec_description
    from nnvox.viewer.web.frames import quantised_frames
    from nnvox.viewer.web.opens import hold_opens
    from nnvox.viewer.web.view_numbers import view_numbers

    top, start_key = DEFAULT_THEME.layout.top_classes, view_key(start["mode"], start["sample"])
    whole = {start["mode"]: (start_key, start)}  # mode -> the view held whole and its description
    held = {}
    for mode, scene in scenes.items():
        for k in [s["sample"] for s in start["views"]["samples"]] if mode in PER_SAMPLE else [0]:
            if (key := view_key(mode, k)) == start_key:
                continue
            numbers = view_numbers(scene)
            pieces = quantised_frames(scene, k, top, numbers)
            description = spec_description(scene, spec, k, t, numbers, shown=False)
            if mode not in whole:  # its layers open on a double-click (its other samples share them)
                hold_opens(description, scene, spec, k, numbers)
            like, base = whole.get(mode, (None, None))
            if base is not None and (patch := _patch(base, description)) is not None:
                held[key] = shared_view(like, k, patch, pieces)
            else:
                held[key] = packed_view(description, pieces)
                whole.setdefault(mode, (key, description))
    return held


def packed_view(description: dict, pieces: list) -> dict:
    """A view the page holds but does not show at first: its description with every snapshot's
    header (JSON) and its frames' indices, each compressed."""
    scene = {**description, "headers": [p.header() for p in pieces]}
    return {
        "scene": pack(json.dumps(scene, separators=(",", ":"), allow_nan=False).encode()),
        "frames": pack_frames([p.indices for p in pieces]),
    }

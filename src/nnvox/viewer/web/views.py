"""The views one page switches between without a new page: every mode the run can show and, in a
mode that shows activations, every probe sample and each snapshot's recorded mistakes. The menu
travels in the scene description (`views`); the exported page embeds every view's description
and frames (the others compressed), `nnvox serve` and the widget build a view when it is chosen."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib

from nnvox.errors import NnvoxError
from nnvox.scenes.scene import Scene
from nnvox.scenes.view import MODES, ViewSpec

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
        options = dataclasses.replace(spec, mode=mode).scene_options()
        try:
            check_options(options)
            require_recorded(run, options, block_specs(run, options, select(run.architecture, options)))
        except NnvoxError:
            continue
        modes.append(mode)
    return tuple(modes)


def other_scenes(scene: Scene, spec: ViewSpec) -> dict[str, Scene]:
    """The run's scene in every other mode it can show (a mode it cannot, say gradients never
    recorded, is left out of the menu)."""
    from nnvox.scenes.build import build_scene

    run, scenes = scene.source.run, {scene.mode: scene}
    for mode in showable_modes(run, spec):
        if mode == scene.mode:
            continue
        try:
            scenes[mode] = build_scene(run, dataclasses.replace(spec, mode=mode).scene_options())
        except NnvoxError:
            continue
    return {m: scenes[m] for m in MODES if m in scenes}


def pack(value: bytes) -> str:
    """zlib, then base64: what the page's inflate reads."""
    return base64.b64encode(zlib.compress(value, 9)).decode("ascii")


def packed_view(description: dict, pieces: list) -> dict:
    """A view the page holds but does not show at first: its description with every snapshot's
    header (JSON) and its frames' indices, each compressed."""
    scene = {**description, "headers": [p.header() for p in pieces]}
    return {
        "scene": pack(json.dumps(scene, separators=(",", ":"), allow_nan=False).encode()),
        "frames": pack(b"".join(p.indices for p in pieces)),
    }

"""The exported page holds a mode's description once: another probe sample or mistake of the same
mode holds only what differs in its description (a patch), its snapshots' texts and frames, beside
the name of the view whose description it shares (views.held_views); rebuilt as the page rebuilds
it, it is that sample's description (switching to such a view is drawn in Chromium by
tests/web/test_views.py)."""

from __future__ import annotations

import base64
import json
import zlib

from nnvox.scenes.build import build_scene
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.theme import DEFAULT_THEME
from nnvox.viewer.web import spec_description
from nnvox.viewer.web.frame_packing import unpack_frames
from nnvox.viewer.web.frames import quantised_frames
from nnvox.viewer.web.views import held_views, menu, other_scenes, view_key


def _inflated(text: str):
    return json.loads(zlib.decompress(base64.b64decode(text)))


def test_a_modes_other_samples_share_its_description_when_it_does_not_depend_on_them(digits_run):
    scene = build_scene(digits_run)
    spec, t = ViewSpec(), scene.n_snapshots - 1
    scenes = other_scenes(scene, spec)
    start = {**spec_description(scene, spec, 0, t), "views": menu(scene, scenes)}
    held = held_views(start, scenes, spec, t)
    start = json.loads(json.dumps(start))  # as the page reads it back (tuples as lists)
    samples = [s["sample"] for s in start["views"]["samples"]][1:]
    assert {view_key("activations", k) for k in samples} <= set(held) and len(samples) >= 3
    but_sample = lambda d: {k: v for k, v in d.items() if k not in ("sample", "views", "headers")}
    sizes = []
    for k in samples:
        view = held[view_key("activations", k)]
        assert view["like"] == view_key("activations", 0)  # the start's description, held once
        patch = _inflated(view["patch"]) if "patch" in view else {}
        rebuilt = {**start, **patch, "sample": view["sample"], "headers": _inflated(view["headers"])}
        description = json.loads(json.dumps(spec_description(scene, spec, k, t)))
        assert but_sample(rebuilt) == but_sample(description) and rebuilt["sample"] == k
        assert set(patch) < set(description) - {"blocks", "edges", "luts"}  # the bulk is not repeated
        pieces = quantised_frames(scene, k, DEFAULT_THEME.layout.top_classes)
        assert rebuilt["headers"] == json.loads(json.dumps([p.header() for p in pieces]))
        assert unpack_frames(view["frames"], len(pieces)) == b"".join(p.indices for p in pieces)
        sizes.append(len(json.dumps(view)))
    whole = len(json.dumps(held["weights"]))
    assert max(sizes) < whole  # (a sample's view is smaller than a mode's whole one)
    weights = _inflated(held["weights"]["scene"])
    assert weights["mode"] == "weights" and "like" not in held["weights"]  # another mode: held whole

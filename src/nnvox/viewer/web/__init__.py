"""The browser viewer. The Python side computes everything a page shows (frames.py: each snapshot's
quantised atlases and texts; payload.py: the scene description); the JavaScript in js/ draws it and
handles input. Three ways to deliver the same payload: one self-contained HTML page (page.py;
`export_html` is what `nnvox export RUN out.html` calls), `nnvox serve` (server.py) and the notebook
widget (widget.py), the last two handing out snapshots when asked for (source.py)."""

from __future__ import annotations

from pathlib import Path

from nnvox.scenes.camera import load_view
from nnvox.scenes.playback import check_position
from nnvox.scenes.scene import Scene
from nnvox.scenes.view import ViewSpec, rgb


def spec_description(scene: Scene, spec: ViewSpec, sample: int, t: float, numbers=None, *, shown: bool = True) -> dict:
    """The scene's description as `spec` shows it (its sample, saved view, background, the histogram
    panel open at first), at position t; `numbers` (view_numbers.py) where the view's pieces share
    them. The view a page opens in (`shown`) refuses a --histogram layer it does not draw; another mode
    the page switches to opens without the panel where it does not draw that layer. With one layer
    open (--open) and no saved view, the camera faces its open maps, as a double-click opens them.
    `openable`: the blocks a double-click opens (`nnvox serve` and the widget build that view when
    asked; the exported page holds fewer: opens.hold_opens)."""
    from nnvox.scenes.open_layer import openable
    from nnvox.viewer.export import check_layer
    from nnvox.viewer.web.opens import face_open_maps
    from nnvox.viewer.web.payload import describe

    if shown:
        check_layer(scene, spec.histogram)
    drawn = spec.histogram in {b.name for b in scene.blocks}
    description = describe(
        scene,
        t=float(t),
        sample=sample,
        pose=None if spec.view is None else load_view(spec.view),
        background=None if spec.background is None else rgb(spec.background),
        histogram=spec.histogram if drawn else None,
        numbers=numbers,
    )
    opened = [name for name in spec.open if name in {b.name for b in scene.blocks if b.opened is not None}]
    if spec.view is None and len(opened) == 1:  # facing it, as a double-click opens it
        face_open_maps(description, scene, opened[0])
    description["openable"] = openable(scene)
    return description


def html_page(scene: Scene, spec: ViewSpec, sample: int) -> str:
    """The page of `scene` as `spec` shows it (its mode, sample, position, saved view, background),
    holding every other mode and sample too (views.py): the page's control bar switches between them."""
    from nnvox.viewer.theme import DEFAULT_THEME
    from nnvox.viewer.web.frames import quantised_frames
    from nnvox.viewer.web.opens import hold_opens
    from nnvox.viewer.web.page import page, viewer_bundle
    from nnvox.viewer.web.payload import embedded
    from nnvox.viewer.web.view_numbers import view_numbers
    from nnvox.viewer.web.views import held_views, menu, other_scenes

    bundle = viewer_bundle()  # missing: one line, before any frame is computed
    t = scene.n_snapshots - 1 if spec.t is None else check_position(spec.t, scene.n_snapshots)
    top = DEFAULT_THEME.layout.top_classes
    scenes = other_scenes(scene, spec)
    numbers = view_numbers(scene)
    description = {**spec_description(scene, spec, sample, t, numbers), "views": menu(scene, scenes)}
    hold_opens(description, scene, spec, sample, numbers)  # (held_views gives every other held mode its own)
    others = held_views(description, scenes, spec, t)
    return page(*embedded(description, quantised_frames(scene, sample, top, numbers)), bundle, views=others)


def write_html(out: Path, text: str) -> Path:
    """Written under a temporary name and published whole, as every export is."""
    from nnvox.files import atomic_output
    from nnvox.viewer.outputs import write_error

    try:
        with atomic_output(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise write_error(out, exc) from None
    return out

"""The lecture's push-in onto the mistake's input: as the list of top classes beside fc2 loses its
room, the answer's docked list (overlays/answer_dock.AnswerDock) takes over in a free place of the
frame. At 1080p its list in the frame's top corner stood over conv2, pool1 and relu2 for 1.5 s (the
lead's render 19, 93-96.5 s). Read from the frames the storyboard renders: every frame shows a list
clear of every block, label and the caption, or none, and no list pops in or out in one frame."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import numpy as np
import pytest

from tests.viewer.picture_policy import board_pictures

pytestmark = pytest.mark.gl

SIZE, FPS = (854, 480), 8  # 24 frames of the 3 s push-in: a fade over its fastest 0.1 s shows in one


def _mistake_board(folder, run, attribution=True):
    """The lecture's mistake shot (the overview, then the push-in onto the input, one shot) on `run`
    (without their attribution plane where `attribution` is false: a run that recorded none)."""
    from nnvox.scenes.storyboard import load_storyboard

    text = resources.files("nnvox.storyboards").joinpath("lecture.toml").read_text()
    shots = [s for s in tomllib.loads(text)["shot"] if "mistake" in s]
    assert shots
    path = folder / "mistake.toml"
    lines = [f'[video]\nsize = "{SIZE[0]}x{SIZE[1]}"\nfps = {FPS}\n']
    for shot in shots:
        lines.append("[[shot]]")
        for key, value in shot.items():
            value = str(run.path) if key == "run" else value
            if key == "attribution" and not attribution:
                continue
            lines.append(f"{key} = {_toml(value)}")
    path.write_text("\n".join(lines) + "\n")
    return load_storyboard(path)


def _toml(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[ " + ", ".join(_toml(v) for v in value) + " ]"
    return str(value)


POP = 0.7  # a list's opacity changing by more than this from one frame to the next (at 8 fps) pops


def _box(actor, renderer) -> np.ndarray:
    """A text actor's drawn box (pixels, y up: x0, y0, x1, y1), as vtk measures it."""
    b = [0.0] * 4
    actor.GetBoundingBox(renderer, b)
    x, y = actor.GetPositionCoordinate().GetComputedViewportValue(renderer)
    return np.array([x + b[0], y + b[2], x + b[1], y + b[3]])


def _over(box: np.ndarray, others: np.ndarray) -> bool:
    """Whether `box` overlaps any of `others` by more than a pixel."""
    o = others.reshape(-1, 4)
    return bool(
        ((box[0] < o[:, 2] - 1) & (o[:, 0] < box[2] - 1) & (box[1] < o[:, 3] - 1) & (o[:, 1] < box[3] - 1)).any()
    )


def _lists(pane):
    """The answer's lists this picture: (name, opacity, drawn box or None) for fc2's own list and
    each place the dock shows in."""
    column = pane.overlays.class_rows.docks["fc2"].column
    top = column.top
    shown = top.GetVisibility() and top.GetTextProperty().GetOpacity() > 0
    out = [("fc2's own", top.GetTextProperty().GetOpacity() if shown else 0.0, None)]
    dock = pane.overlays.class_rows.docks["fc2"]
    for place, actor in ((dock.where, dock.actor), (dock.coming, dock.incoming)):
        if actor.GetVisibility() and actor.GetTextProperty().GetOpacity() > 0:
            out.append((place, actor.GetTextProperty().GetOpacity(), _box(actor, pane.renderer)))
    return out


def _check_push_in(board):
    """Each frame's faults: a docked list over a block, label or the caption; a list popping."""
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.label_layout import block_rectangles

    over, pops, docked, last, shot = [], [], 0, {}, None
    for k, (i, _image, r) in enumerate(board_pictures(board)):
        if r is None:
            continue
        pane = r.scene_renderer
        m, w, h = camera_matrix(pane.renderer)
        rects = block_rectangles(np.array([b.bounds for b in pane.scene.blocks], dtype=float), m, w, h)
        # a block its shot's side cover hides whole is not drawn (the close-up's covers right of the input)
        levels = pane.overlays.edge_fade.levels or {}
        rects = rects[[max(levels.get(b.name, (0.0, 0.0))) < 0.99 for b in pane.scene.blocks]]
        labels = np.array([b for _, _, _, b in pane.label_layout.placement.shown], dtype=float)
        band = pane.overlays.caption.band() if pane.overlays.caption.actor.GetVisibility() else None
        now = {}
        for name, light, box in _lists(pane):
            now[(i, name)] = light
            if box is None:
                continue
            docked += 1
            hit = [
                what
                for what, o in (("block", rects), ("label", labels), ("caption", band))
                if o is not None and _over(box, np.asarray(o))
            ]
            over += [(k, name, hit)] * bool(hit)
        for key in set(now) | set(last):
            if key[0] == i == shot and abs(now.get(key, 0.0) - last.get(key, 0.0)) > POP:
                pops.append((k, key[1], round(last.get(key, 0.0), 2), round(now.get(key, 0.0), 2)))
        last, shot = now, i
    return docked, over, pops


def test_the_docked_answer_stands_clear_and_never_pops_through_the_push_in(lenet_run, tmp_path):
    docked, over, pops = _check_push_in(_mistake_board(tmp_path, lenet_run))
    assert docked > 0  # the push-in still loses the column's list (the case is real)
    assert not over, f"docked lists over (frame, place, what): {over}"
    docked_pops = [p for p in pops if p[1] != "fc2's own"]
    assert not docked_pops, f"docked lists popping (frame, place, opacity before, after): {docked_pops}"


def test_fc2s_own_list_fades_out_as_it_loses_its_room(lenet_run, tmp_path):
    _, _, pops = _check_push_in(_mistake_board(tmp_path, lenet_run))
    assert not [p for p in pops if p[1] == "fc2's own"], pops


def test_the_digits_cnns_answer_stands_clear_and_never_pops(digits_run, tmp_path):
    _, over, pops = _check_push_in(_mistake_board(tmp_path, digits_run, attribution=False))
    assert not over, f"docked lists over (frame, place, what): {over}"
    docked_pops = [p for p in pops if p[1] != "fc2's own"]
    assert not docked_pops, f"docked lists popping (frame, place, opacity before, after): {docked_pops}"

"""`--report out.json`: a machine-readable account of a rendered still, what a reader sees where.

For the frame rendered: the image size; the camera (position, focal point, view up, view angle,
parallel scale); every label shown (block labels and an output's class texts: text and screen box);
every label the policy hid, and why; every block's screen rectangle: the rectangle of its projected
3D box, unclipped (it may reach past the picture: `clipped` says so, `visible` is its part inside).
Boxes are pixels [x0, y0, x1, y1], origin top-left, y down. `checks` counts the label policy's
violations (viewer/label_layout.py), all zero when it held.

Only stills have one: a video's frames each have their own picture (`--report` on a video is an
error that says so)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SCHEMA = "nnvox.picture-report/1"


def _top_left(box, origin: tuple[float, float], height: int) -> list[float]:
    """A pane box (x right, y up from the pane's bottom-left) -> image pixels from the top-left."""
    x0, y0, x1, y1 = (float(v) for v in box)
    ox, oy = origin
    return [round(ox + x0, 1), round(height - (oy + y1), 1), round(ox + x1, 1), round(height - (oy + y0), 1)]


def _camera(camera) -> dict:
    return {
        "position": list(camera.GetPosition()),
        "focal_point": list(camera.GetFocalPoint()),
        "view_up": list(camera.GetViewUp()),
        "view_angle": camera.GetViewAngle(),
        "parallel_projection": bool(camera.GetParallelProjection()),
        "parallel_scale": camera.GetParallelScale(),
    }


def _pane(index: int, pane, width: int, height: int) -> dict:
    """One pane's blocks and labels, in image pixels."""
    renderer = pane.renderer
    w, h = renderer.GetSize()
    origin = renderer.GetOrigin()
    origin = (float(origin[0]), float(origin[1]))
    layout = pane.label_layout
    names = [b.name for b in pane.scene.blocks]
    if layout is not None:
        rects = np.array([layout.placement.blocks[n] for n in names]).reshape(-1, 4)
    else:
        from nnvox.viewer.camera_matrix import camera_matrix
        from nnvox.viewer.label_layout import block_rectangles

        matrix = camera_matrix(renderer)[0]
        rects = block_rectangles(np.array([b.bounds for b in pane.scene.blocks]).reshape(-1, 6), matrix, w, h)
    blocks = []
    for name, rect in zip(names, rects):
        if not np.isfinite(rect).all():
            blocks.append({"pane": index, "name": name, "box": None, "clipped": True, "visible": None})
            continue
        inner = np.array([max(rect[0], 0), max(rect[1], 0), min(rect[2], w), min(rect[3], h)])
        shown = inner[0] < inner[2] and inner[1] < inner[3]
        blocks.append(
            {
                "pane": index,
                "name": name,
                "box": _top_left(rect, origin, height),
                "clipped": bool(not np.array_equal(inner, rect)),
                "visible": _top_left(inner, origin, height) if shown else None,
            }
        )
    placement = layout.placement if layout is not None else None
    labels = [
        {"pane": index, "kind": kind, "block": block, "text": text, "box": _top_left(box, origin, height)}
        for kind, block, text, box in (placement.shown if placement else ())
    ]
    hidden = [
        {"pane": index, "block": block, "text": text, "reason": why}
        for block, text, why in (placement.hidden if placement else ())
    ]
    return {"blocks": blocks, "labels": labels, "hidden_labels": hidden}


def picture_report(renderer) -> dict:
    """The account of what `renderer` (an OffscreenRenderer, after `render`) drew last."""
    width, height = (int(v) for v in renderer.window.GetSize())
    report = {
        "schema": SCHEMA,
        "image": {"width": width, "height": height},
        "camera": _camera(renderer.camera),
        "panes": [p.scene.run_name for p in renderer.panes],
        "labels": [],
        "hidden_labels": [],
        "blocks": [],
    }
    for i, pane in enumerate(renderer.panes):
        for key, items in _pane(i, pane, width, height).items():
            report[key] += items
    report["checks"] = policy_violations(report)
    return report


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def policy_violations(report: dict) -> dict[str, list]:
    """The label policy checked on a report: overlapping label pairs, labels over another block's
    rectangle, labels reaching past the picture."""
    w, h = report["image"]["width"], report["image"]["height"]
    labels = report["labels"]
    pairs = [
        [a["text"], b["text"]]
        for i, a in enumerate(labels)
        for b in labels[:i]
        if a["pane"] == b["pane"] and _overlap(a["box"], b["box"]) > 0
    ]
    over = [
        [lb["text"], blk["name"]]
        for lb in labels
        for blk in report["blocks"]
        if blk["pane"] == lb["pane"]
        and blk["visible"] is not None
        and blk["name"] != lb["block"]
        and _overlap(lb["box"], blk["box"]) > 0
    ]
    off = [lb["text"] for lb in labels if lb["box"][0] < 0 or lb["box"][1] < 0 or lb["box"][2] > w or lb["box"][3] > h]
    return {"overlapping_labels": pairs, "labels_over_blocks": over, "labels_off_picture": off}


def write_report(out: Path, report: dict) -> Path:
    """The report as JSON, under a temporary name and published whole (as every output is)."""
    from nnvox.files import atomic_output
    from nnvox.viewer.outputs import write_error

    try:
        with atomic_output(out) as tmp:
            tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise write_error(out, exc) from None
    return out


def frame_fill(report: dict) -> float:
    """How much of the picture the blocks span: the larger of the fractions of its width and its
    height covered by the union of the blocks' visible rectangles (issue 16's framing target)."""
    boxes = np.array([b["visible"] for b in report["blocks"] if b["visible"] is not None]).reshape(-1, 4)
    if not len(boxes):
        return 0.0
    w, h = report["image"]["width"], report["image"]["height"]
    return float(max((boxes[:, 2].max() - boxes[:, 0].min()) / w, (boxes[:, 3].max() - boxes[:, 1].min()) / h))

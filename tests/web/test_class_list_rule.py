"""js/class_list.js against viewer/label_layout.py under node: where the page puts an output's class
texts (the rows, or the list of top classes level with its first class's row, right or left of
the column, clear of the other blocks, the panels and the edge margin) and the list's lines to its
rows are the desktop's ClassTextPlacing._class_fit and _list_leaders (the answer's drawn alone:
class_rows.answer_lines), for random columns, rows,
lists and obstacles in panes from 640 x 480 to 1920 x 1080. Python's pixels run up, the page's down."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from nnvox.viewer.label_layout import (
    EDGE,
    GAP,
    LEAD,
    MARGIN,
    REACH,
    ClassTextPlacing,
    ClassTexts,
    LabelLayout,
    Placement,
    _list_leaders,
)
from nnvox.viewer.overlays.class_rows import answer_lines

POLICY = {"gap": GAP, "margin": MARGIN, "edge": EDGE, "reach": REACH, "lead": LEAD}
CASES = 400


class _Layout(ClassTextPlacing):
    """LabelLayout's class-text placing over given rectangles: what _class_fit reads and nothing else."""

    _fits = staticmethod(LabelLayout._fits)
    _others = LabelLayout._others

    def __init__(self, w: int, h: int, names: list[str], held: np.ndarray):
        self.placement = Placement(w, h)
        self.block_names = names
        self.held = held
        self._others_mask = {}  # LabelLayout._others' cache of each block's others
        self.steady_lists = False  # the window's rule (a storyboard shot hangs its list from the column's top)

    def _held(self, w, h):
        return self.held


def _actor(font: int):
    """A text actor as _class_fit reads it: its font size and opacity (the list's lines need it lit)."""
    return SimpleNamespace(GetTextProperty=lambda: SimpleNamespace(GetFontSize=lambda: font, GetOpacity=lambda: 1.0))


def _pixels(w: int, h: int) -> np.ndarray:
    """The projection under which a world point (x, y, 0) is drawn at pixel (x, y)."""
    return np.array([[2 / w, 0, 0, -1], [0, 2 / h, 0, -1], [0, 0, 0, 0], [0, 0, 0, 1]])


def _down(box, h: int) -> list[float]:
    """A box (x0, y0, x1, y1) with y up as the page has it (y down)."""
    x0, y0, x1, y1 = (float(v) for v in box)
    return [x0, h - y1, x1, h - y0]


def _case(rng) -> tuple[dict, dict]:
    """A random output column with its rows and list, other blocks and panels: (Python's inputs, the page's)."""
    w, h = [(640, 480), (1280, 720), (1400, 820), (1920, 1080)][rng.integers(4)]
    font, classes = int(rng.integers(9, 25)), int(rng.integers(2, 13))
    x0, top = rng.uniform(0.3, 0.95) * w, rng.uniform(0.5, 0.98) * h
    pitch = rng.uniform(0.3, 2.0) * font  # rows a line of text apart, or too close to read
    own = np.array([x0, top - classes * pitch, x0 + rng.uniform(4, 40), top])
    others = np.array([_rect(rng, w, h) for _ in range(rng.integers(0, 6))]).reshape(-1, 4)
    held = np.array([_rect(rng, w, h) for _ in range(rng.integers(0, 3))]).reshape(-1, 4)
    anchor_x = own[2] + rng.uniform(-3, 3)
    rows_xy = np.column_stack([np.full(classes, anchor_x), top - (np.arange(classes) + 0.5) * pitch])
    k = min(classes, 5)
    order = [int(i) for i in rng.permutation(classes)[:k]]
    lines = k + (k < classes)  # the heading where the list is not every class
    row_box = np.array([0, -0.6 * font, rng.uniform(3, 9) * font, 0.6 * font])
    top_box = np.array([0, -lines * 1.2 * font - 2, rng.uniform(3, 9) * font, 0])
    leads = bool(rng.random() < 0.8)
    texts = ClassTexts(
        block="out",
        rows=[_actor(font)] * classes,
        row_anchors=np.column_stack([rows_xy, np.zeros(classes)]),
        widest="",
        top=_actor(font),
        top_anchor=(anchor_x, top, 0.0),
        top_template="\n".join(["x"] * lines),
        order=order if leads else [],
    )
    python = {
        "w": w,
        "h": h,
        "texts": texts,
        "sizes": (row_box, top_box),
        "rects": np.vstack([others, own]),
        "held": held,
    }
    page = {
        "own": _down(own, h),
        "obstacles": [_down(b, h) for b in [*held, *others, own]],
        "rows": [[float(x), h - float(y)] for x, y in rows_xy],
        "rowBox": _down(row_box, 0),
        "rowFont": font,
        "top": [float(anchor_x), h - float(top)],
        "topBox": _down(top_box, 0),
        "topFont": font,
        "lines": lines,
        "order": order,
        "leads": leads,
    }
    return python, page


def _rect(rng, w: int, h: int) -> list[float]:
    x, y = rng.uniform(0, w), rng.uniform(0, h)
    return [x, y, x + rng.uniform(5, 0.3 * w), y + rng.uniform(5, 0.3 * h)]


def _pythons(case: dict, form: str):
    """The desktop's placement of `form`: {dx, dy, boxes, lines} in the page's pixels, or None."""
    w, h, c = case["w"], case["h"], case["texts"]
    layout = _Layout(w, h, [f"b{i}" for i in range(len(case["rects"]) - 1)] + ["out"], case["held"])
    fit = layout._class_fit(c, case["sizes"], _pixels(w, h), case["rects"], form)
    if fit is None:
        return None
    (dx, dy), boxes = fit
    lines = []
    if form == "top" and c.order:
        rows_y = layout._row_heights(c, _pixels(w, h))
        drawn = answer_lines(_list_leaders(c, boxes[0], case["rects"][-1], rows_y))  # the answer's alone
        lines = [[x0, h - y0, x1, h - y1] for x0, y0, x1, y1 in drawn]
    return {"dx": dx, "dy": -dy, "boxes": [_down(b, h) for b in boxes], "lines": lines}


def _run_node(tmp_path: Path, cases: list) -> list:
    import nnvox.viewer.web as web

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    module = Path(web.__file__).with_name("js") / "class_list.js"
    script = tmp_path / "rule.mjs"
    script.write_text(
        f"import {{ answerLine, classFit, listLeaders }} from {json.dumps(module.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "console.log(JSON.stringify(cases.map(([form, c, pane, policy]) => {\n"
        "  const fit = classFit(form, c, pane, policy);\n"
        "  if (fit === null) return null;\n"
        "  const rowsY = c.order.map((i) => c.rows[i][1]);\n"
        "  const all = form === 'top' && c.leads ? listLeaders(fit.boxes[0], c.own, rowsY, c.lines) : [];\n"
        "  const lines = answerLine(all);\n"
        "  return { ...fit, lines };\n"
        "})));\n"
    )
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    shown = subprocess.run(
        [node, str(script), str(tmp_path / "cases.json")], capture_output=True, text=True, check=True
    )
    return json.loads(shown.stdout)


def test_the_pages_class_list_rule_is_the_desktops(tmp_path):
    rng = np.random.default_rng(0)
    made = [_case(rng) for _ in range(CASES)]
    cases, expected = [], []
    for python, page in made:
        for form in ("rows", "top"):
            cases.append([form, page, [python["w"], python["h"]], POLICY])
            expected.append(_pythons(python, form))
    got = _run_node(tmp_path, cases)
    outcomes = set()
    for g, e, (form, page, *_) in zip(got, expected, cases):
        assert (g is None) == (e is None), (form, page, g, e)
        if e is None:
            outcomes.add((form, "hidden"))
            continue
        assert (g["dx"], g["dy"]) == (e["dx"], e["dy"] + 0), (form, g, e)
        assert np.allclose(g["boxes"], e["boxes"], atol=1e-6), (form, g, e)
        assert np.allclose(np.reshape(g["lines"], (-1, 4)), np.reshape(e["lines"], (-1, 4)), atol=1e-6), (form, g, e)
        side = "right" if e["boxes"][0][0] >= page["own"][2] else "left"
        outcomes.add((form, side, "level" if e["dy"] else "hung"))
    # every branch of the rule looked at: both forms on both sides, the list level and hung, hidden
    for wanted in [("rows", "hidden"), ("top", "hidden"), ("rows", "right", "hung"), ("rows", "left", "hung")]:
        assert wanted in outcomes, outcomes
    for side in ("right", "left"):
        assert {("top", side, "level"), ("top", side, "hung")} <= outcomes, outcomes

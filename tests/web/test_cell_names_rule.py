"""js/class_list.js's marks for a hall against the desktop's overlays/class_rows.py under node: the
list's lines' width (3 px at 1080p, scaled by the pane's height) and opacity, and the font of the
names on the output column's cells (none under 27.6 px cells at 1080p: a lecture's least text) are the desktop's."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nnvox.viewer.overlays.class_rows import LIST_LINE_OPACITY, cell_font, list_line_width

HEIGHTS = [100, 270, 480, 720, 1080, 1440, 2160]


def _node(tmp_path: Path, sizes: list, heights: list) -> dict:
    import nnvox.viewer.web as web

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    module = Path(web.__file__).with_name("js") / "class_list.js"
    script = tmp_path / "cells.mjs"
    script.write_text(
        "import { LIST_LINE_OPACITY, cellFont, cellSize, listLineWidth } from "
        f"{json.dumps(module.as_uri())};\n"
        f"const sizes = {json.dumps(sizes)}, heights = {json.dumps(heights)};\n"
        "console.log(JSON.stringify({\n"
        "  opacity: LIST_LINE_OPACITY,\n"
        "  widths: heights.map(listLineWidth),\n"
        "  fonts: heights.map((h) => sizes.map((s) => cellFont(s, h))),\n"
        "  column: cellSize([[0, 0], [0, 30], [0, 58], [1, 90]]),\n"
        "  narrow: cellSize([[0, 0], [0, 30]], 20),\n"
        "}));\n"
    )
    shown = subprocess.run([node, str(script)], capture_output=True, text=True, check=True)
    return json.loads(shown.stdout)


def test_the_pages_list_lines_and_cell_names_are_the_desktops(tmp_path):
    sizes = [float(s) for s in np.round(np.random.default_rng(0).uniform(2, 120, 200), 2)] + [27.5, 27.7, 30.5]
    got = _node(tmp_path, sizes, HEIGHTS)
    assert got["opacity"] == LIST_LINE_OPACITY
    assert got["widths"] == pytest.approx([list_line_width(h) for h in HEIGHTS])
    assert got["widths"][HEIGHTS.index(1080)] == pytest.approx(3.0)
    assert got["fonts"] == [[cell_font(s, h) for s in sizes] for h in HEIGHTS]
    fonts_1080 = dict(zip(sizes, got["fonts"][HEIGHTS.index(1080)]))
    assert fonts_1080[27.5] == 0 and fonts_1080[27.7] == 25  # none under a lecture's least text at 1080p
    assert got["column"] == 28 and got["narrow"] == 20

"""Issue 17/18: the page's "top 5 of 10" list hung from the output column's top with no lines to the
rows, so students read "list position = row". As on the desktop (viewer/label_layout.py), the list
now stands with its first entry level with its class's row and a thin line runs from each entry to
its row (js/classes.js, the rule in js/class_list.js, held to Python's by test_class_list_rule.py).
Five lines crossed 4-6 times (the list by probability, the rows by class: watch 7, finding 5), so the
answer's alone is drawn (class_list.answerLine). Checked in Chromium at 640 x 480 and 1920 x 1080:
one line, from the first entry's class's row at the column's edge to its text, drawn; no line
before the forward pass lights the output."""

from __future__ import annotations

import numpy as np
import pytest

from tests.web.conftest import OpenPage

LISTED = """() => {
  const v = window.nnvoxViewer;
  const c = v.classes[0];
  const layer = c.top.parentElement.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(c.top);
  const rel = (r) => [r.left - layer.left, r.top - layer.top, r.right - layer.left, r.bottom - layer.top];
  const [x0, x1, y0, y1, z0, z1] = c.block.bounds;
  const corners = [];
  for (const x of [x0, x1]) for (const y of [y0, y1]) {
    for (const z of [z0, z1]) corners.push(v.stage.toScreen([x, y, z]));
  }
  return {
    form: c.form,
    shown: c.top.style.display !== "none",
    order: v.piece.tops[c.block.name],
    lines: [...c.leaders.querySelectorAll("line")].map((l) => ["x1", "y1", "x2", "y2"].map((k) => +l.getAttribute(k))),
    rows: c.block.classes.rows.map((p) => v.stage.toScreen(p)),
    column: [Math.min(...corners.map((p) => p[0])), Math.max(...corners.map((p) => p[0]))],
    entries: [...range.getClientRects()].filter((r) => r.width > 0).map(rel),
    background: v.scene.colours.background,
  };
}"""
SIZES = [(640, 480), (1920, 1080)]
# Zoomed out until the column's rows are too close to read and the list shows: at the first view
# the digits CNN's rows read at 1080p (a text per row), and at 480p the list has no room beside the
# column (nor on the desktop: label_layout hides it rather than lay it over a block or the edge).
ZOOMS = (1.0, 0.8, 0.65, 0.5)


def _listed(opened: OpenPage, sample: int, zoom: float) -> dict:
    opened.page.evaluate(f"window.nnvoxViewer.choose('activations', {sample}).then(() => true)")
    shown = f"window.nnvoxViewer.scene.sample === {sample} && window.nnvoxViewer.drawn > 0"
    opened.page.wait_for_function(shown, timeout=20_000)
    opened.page.evaluate(
        "(zoom) => { const s = window.nnvoxViewer.stage; s.setView({ ...s.pose(), zoom }); s.requestDraw(); }", zoom
    )
    opened.settle()
    return opened.page.evaluate(LISTED)


def _check_lines(shown: dict, image: np.ndarray, where: str) -> None:
    order, segments, rows = shown["order"], shown["lines"], np.array(shown["rows"])
    assert shown["form"] == "top" and shown["shown"], where
    entries = shown["entries"][len(shown["entries"]) - len(order) :]  # after the heading
    # the answer's line alone, bent at right angles: level from the row, along its lane, into the entry
    assert len(order) == len(entries) > 1 and len(segments) == 3, where
    bent = [segments[0:3]]
    for a, b, c in bent:
        assert a[1] == a[3] and b[0] == b[2] and c[1] == c[3], f"{where}: a line not square: {a, b, c}"
        assert a[2:] == b[:2] and b[2:] == c[:2], f"{where}: a line's pieces do not meet: {a, b, c}"
    lines = [(a[0], a[1], c[2], c[3]) for a, _, c in bent]
    left, right = shown["column"]
    for k, ((x1, y1, x2, y2), (e0, et, _, eb)) in enumerate(zip(lines, entries)):
        row = rows[order[k]]
        assert abs(y1 - row[1]) <= 1, f"{where}: entry {k}'s line starts at {y1}, class {order[k]}'s row at {row[1]}"
        assert min(abs(x1 - right), abs(x1 - left)) <= 1, f"{where}: entry {k}'s line starts off the column's edge"
        assert abs(y2 - (et + eb) / 2) <= 2, f"{where}: entry {k}'s line ends at {y2}, its text spans {et}..{eb}"
        assert 0 <= e0 - x2 <= 6, f"{where}: entry {k}'s line ends {e0 - x2} px from its text"
    (x1, y1, x2, y2) = lines[0]
    assert abs(y2 - y1) <= 1, f"{where}: the first entry is not level with its class's row"
    # drawn: the first line's middle differs from the background (a 1 px line, antialiased across two rows)
    x, y = round((x1 + x2) / 2), round(y1)
    off = np.abs(image[y - 1 : y + 2, x, :3].astype(int) - shown["background"]).max()
    assert off > 40, f"{where}: no line drawn at ({x}, {y})"


def _zoom(opened: OpenPage, sample: int) -> float:
    """The first of ZOOMS at which `sample`'s list of top classes shows."""
    for zoom in ZOOMS:
        shown = _listed(opened, sample, zoom)
        if shown["form"] == "top" and shown["shown"]:
            return zoom
    pytest.fail(f"the list of top classes never shows: {shown}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_entry_of_the_list_has_a_line_to_its_classs_row(browser, digits_html, size):
    from io import BytesIO

    import imageio.v3 as iio

    opened = OpenPage(browser, digits_html)
    try:
        opened.page.set_viewport_size({"width": size[0], "height": size[1]})
        opened.settle()
        classes = len(opened.page.evaluate("window.nnvoxViewer.classes[0].block.classes.rows"))
        zoom, firsts = _zoom(opened, 0), {}
        for sample in range(8):  # a sample whose answer is the column's lower half, and one its upper half
            shown = _listed(opened, sample, zoom)
            firsts.setdefault(shown["order"][0] >= classes / 2, (sample, shown))
            if len(firsts) == 2:
                break
        assert len(firsts) == 2, "the samples' answers all in one half of the column"
        for sample, _ in firsts.values():
            shown = _listed(opened, sample, zoom)
            image = iio.imread(BytesIO(opened.page.screenshot()))
            _check_lines(shown, image, f"{size}, sample {sample}")
        # the pass never shows its answer early: no lines while the output is not yet lit
        opened.page.evaluate("window.nnvoxViewer.forward.set(0.3)")
        opened.settle()
        assert not opened.page.evaluate(LISTED)["lines"], size
        opened.page.evaluate("window.nnvoxViewer.forward.set(null)")
        opened.settle()
        assert opened.page.evaluate(LISTED)["lines"], size
        assert not opened.errors, opened.errors
    finally:
        opened.page.close()


CELLS = """() => {
  const v = window.nnvoxViewer;
  const c = v.classes[0];
  const [x, y] = c.block.origin;
  const [, , y0, y1] = c.block.bounds;
  const middles = c.block.classes.rows.map((p) => v.stage.toScreen([x, y, p[2]]));
  const z = c.block.classes.rows[0][2];
  const [a, b] = [y0, y1].map((yy) => v.stage.toScreen([x, yy, z]));
  return {
    width: +c.leaders.getAttribute("stroke-width"),
    pane: v.stage.renderer.domElement.clientHeight,
    opacity: +c.leaders.style.opacity,
    names: c.names.map((el) => ({
      shown: el.style.display !== "none", text: el.textContent, font: parseFloat(el.style.fontSize),
    })),
    form: c.form,
    size: Math.min(
      Math.hypot(a[0] - b[0], a[1] - b[1]),
      ...middles.slice(1).map((p, k) => Math.hypot(p[0] - middles[k][0], p[1] - middles[k][1])),
    ),
  };
}"""


def test_the_lists_lines_are_3_px_at_1080p_and_large_cells_carry_their_names(browser, digits_html):
    """Watch 6: the list's lines were 1 px grey and the column's cells carried no digit. At 1080p the
    lines are 3 px (of the pane's height), nearly opaque: drawn, 3 px across a lane stand off the
    background. The names stand on the cells where the rows' texts beside them do not and the cells
    are large enough (class_rows.cell_font), never with the rows' own texts (the first view's)."""
    from io import BytesIO

    import imageio.v3 as iio

    from nnvox.viewer.overlays.class_rows import cell_font

    opened = OpenPage(browser, digits_html)
    try:
        opened.page.set_viewport_size({"width": 1920, "height": 1080})
        opened.settle()
        rows_view = opened.page.evaluate(CELLS)
        assert rows_view["form"] == "rows" and not any(n["shown"] for n in rows_view["names"])
        shown = _listed(opened, 0, _zoom(opened, 0))
        cells = opened.page.evaluate(CELLS)
        assert cells["width"] == pytest.approx(3 * cells["pane"] / 1080) and cells["opacity"] == pytest.approx(0.9)
        image = iio.imread(BytesIO(opened.page.screenshot()))
        # the answer's line (its alone: the 0 level with its row), across its longest piece
        piece = max(shown["lines"], key=lambda s: abs(s[2] - s[0]) + abs(s[3] - s[1]))
        y, x = round((piece[1] + piece[3]) / 2), round((piece[0] + piece[2]) / 2)
        across = image[y, x - 6 : x + 7] if piece[0] == piece[2] else image[y - 6 : y + 7, x]
        off = np.abs(across[:, :3].astype(int) - shown["background"]).max(axis=-1)
        assert (off > 60).sum() >= 3, f"the line at ({x}, {y}) is {(off > 60).sum()} px wide: {off.tolist()}"
        font = cell_font(cells["size"], cells["pane"])
        assert [n["shown"] for n in cells["names"]] == [font > 0] * len(cells["names"]), (cells["size"], font)
        for k, name in enumerate(cells["names"] if font else ()):
            assert name["text"] == str(k) and name["font"] == font
        # drawn where a view's cells are large enough with no rows' texts: each digit at its cell's middle
        placed = opened.page.evaluate(
            """() => { const c = window.nnvoxViewer.classes[0];
              const cells = c.names.map((_, k) => [200 + 40 * k, 300]);
              c.nameCells(window.nnvoxViewer.stage, 30, cells);
              return c.names.map((el) => { const r = el.getBoundingClientRect();
                return [el.textContent, (r.left + r.right) / 2, (r.top + r.bottom) / 2, r.height]; }); }"""
        )
        layer = opened.page.evaluate("window.nnvoxViewer.classes[0].top.parentElement.getBoundingClientRect().toJSON()")
        for k, (text, cx, cy, height) in enumerate(placed):
            assert text == str(k) and height >= 30
            assert abs(cx - layer["left"] - (200 + 40 * k)) <= 2 and abs(cy - layer["top"] - 300) <= 2
        assert not opened.errors, opened.errors
    finally:
        opened.page.close()

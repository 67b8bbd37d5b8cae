"""The page's controls, legends and inset at the sizes it is read at, from a small notebook output
(640 x 480; JupyterLab's widget is about 850 x 560) to 1080p: the timeline, its label, the menus, the
legends' titles and words, the hint and the inset's texts (drawn on its canvas: the inset reports
where) each lie inside the page and none overlaps another; the timeline's label stays on one line.
Before the controls had their own strip, at 850 px the label wrapped onto three lines and was cut at
the right edge, the timeline sat over the second legend's title, the mode menu over its words and
the inset's two labels ran into each other."""

from __future__ import annotations

import itertools

import pytest

from tests.web.test_widget import needs_widget_bundle

SIZES = [(640, 480), (850, 560), (1280, 720), (1920, 1080)]
TOLERANCE = 1.0  # CSS pixels: rounding of adjoining boxes (a bar's words start at its bottom edge)

# Every text and control the check covers (and the inset's box, which only its own texts may overlap):
# [what, [left, top, right, bottom]] in CSS pixels; a text's rectangle is its own (a Range over it),
# not its box's; `lines`: the timeline label's line count.
RECTS = """() => {
  const v = VIEWER, items = [];
  const box = (r) => [r.left, r.top, r.right, r.bottom];
  const all = (selector) => [...document.querySelectorAll(selector)];
  const text = (el) => {
    const r = document.createRange();
    r.selectNodeContents(el);
    return box(r.getBoundingClientRect());
  };
  const add = (what, el, rect) => el.getClientRects().length && el.textContent && items.push([what, rect]);
  all(".nnvox-timeline button, .nnvox-timeline input, .nnvox-views select").forEach((el, i) =>
    items.push([`control ${i} (${el.title || el.getAttribute("aria-label")})`, box(el.getBoundingClientRect())]));
  const label = document.querySelector(".nnvox-timeline span");
  add("timeline label", label, text(label));
  const legends = ".nnvox-legends > div";
  all(`${legends} > div:first-child`).forEach((el) => add(`legend title '${el.textContent}'`, el, text(el)));
  all(`${legends} canvas`).forEach((el, i) => items.push([`legend bar ${i}`, box(el.getBoundingClientRect())]));
  all(`${legends} > div:last-child > span`).forEach((el) => add(`legend word '${el.textContent}'`, el, text(el)));
  all(".nnvox-hint, .nnvox-hud").forEach((el) => add(el.className.slice(6), el, text(el)));
  all(".nnvox-metrics").forEach((el) => items.push(["inset box", box(el.getBoundingClientRect())]));
  all(".nnvox-marks > div").forEach((el) => add(`marks entry '${el.textContent}'`, el, text(el)));
  if (v.inset && v.inset.textRects) v.inset.textRects().forEach((r, i) => items.push([`inset text ${i}`, r]));
  const range = document.createRange();
  range.selectNodeContents(label);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  const strip = getComputedStyle(document.querySelector(".nnvox-strip")).backgroundColor;
  return { items, lines, strip, width: innerWidth, height: innerHeight };
}"""


def _rects(viewer: str = "window.nnvoxViewer") -> str:
    return RECTS.replace("VIEWER", viewer)


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE


def _laid_out(page) -> dict:
    """The rectangles once the page has settled at its size (the strip's font and wrapping set the
    pane's height, which sets the texts' places): read until two readings agree."""
    before = None
    for _ in range(20):
        page.settle()
        now = page.page.evaluate(_rects())
        if now == before:
            return now
        before = now
    raise AssertionError("the page's layout did not settle")


def _problems(shown) -> list[str]:
    items, (w, h) = shown["items"], (shown["width"], shown["height"])
    outside = [
        what
        for what, (x0, y0, x1, y1) in items
        if x0 < -TOLERANCE or y0 < -TOLERANCE or x1 > w + TOLERANCE or y1 > h + TOLERANCE
    ]
    overlapping = [
        f"{a} / {b}"
        for (a, ra), (b, rb) in itertools.combinations(items, 2)
        if _overlaps(ra, rb) and {a.split(" ")[0], b.split(" ")[0]} != {"inset"}  # (its texts are inside the inset)
    ]
    return [f"outside the page: {what}" for what in outside] + [f"overlapping: {pair}" for pair in overlapping]


@pytest.fixture(scope="module")
def opened(browser, digits_html):
    from tests.web.conftest import OpenPage

    page = OpenPage(browser, digits_html)
    yield page
    page.page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_controls_legends_and_inset_fit_without_overlap(opened, size):
    opened.page.set_viewport_size({"width": size[0], "height": size[1]})
    shown = _laid_out(opened)
    kinds = {what.split(" ")[0] for what, _ in shown["items"]}
    assert {"control", "timeline", "legend", "inset", "hint"} <= kinds, kinds  # every part is there to check
    assert _problems(shown) == []
    assert shown["lines"] == 1  # the timeline's label on one line
    # the strip in the picture's background whatever the host page's (its text is the picture's colour)
    assert shown["strip"] == "rgb({}, {}, {})".format(
        *opened.page.evaluate("window.nnvoxViewer.scene.colours.background")
    )
    assert opened.errors == []


def test_the_longest_legend_titles_wrap_inside_a_small_page(opened, digits_run):
    """The mode whose legend titles are longest ("weight change since the previous snapshot, per
    layer") at 640 x 480: its titles wrap over their bars, uncut, and still overlap nothing."""
    from nnvox.viewer.overlays.legends import legends

    modes = opened.page.evaluate("window.nnvoxViewer.scene.views.modes")
    longest = max(modes, key=lambda mode: max(len(title) for title, _ in legends(mode).values()))
    opened.page.set_viewport_size({"width": 640, "height": 480})
    opened.page.evaluate(f"window.nnvoxViewer.choose({longest!r}, 0)")
    opened.page.wait_for_function(f"window.nnvoxViewer.scene.mode === {longest!r}")
    shown = _laid_out(opened)
    titles = {
        what[len("legend title '") : -1]: rect for what, rect in shown["items"] if what.startswith("legend title")
    }
    bars = [rect for what, rect in shown["items"] if what.startswith("legend bar")]
    assert titles and set(titles) <= {title for title, _ in legends(longest).values()}  # Python's, whole
    for (x0, _, x1, _), (b0, _, b1, _) in zip(titles.values(), bars):
        assert b0 - TOLERANCE <= x0 and x1 <= b1 + TOLERANCE  # wrapped over its bar, not wider
    assert _problems(shown) == []
    assert opened.errors == []


@needs_widget_bundle
def test_the_widget_in_jupyterlab_fits_its_output_cell(browser, tmp_path, digits_run):
    """The widget where the issue's screenshot was taken: JupyterLab at 1280 px wide, its output
    about 850 x 560 px; on the notebook's white page the strip keeps the picture's background."""
    from tests.web.jupyterlab_session import VIEWER, LabNotebook, lab_server
    from tests.web.test_jupyterlab import LAB_VIEWPORT, _missing

    if (reason := _missing("jupyterlab")) is not None:
        pytest.skip(reason)  # (test_jupyterlab fails in CI where it is missing)
    page = browser.new_page(viewport=LAB_VIEWPORT)
    with lab_server(tmp_path) as lab, lab.log_on_failure():
        notebook = LabNotebook(lab, page, "run.ipynb", [f"import nnvox\nnnvox.show({str(digits_run.path)!r})"])
        notebook.run(0)
        notebook.wait_for_viewer("v.drawn > 0")
        view = page.locator(".jp-OutputArea .nnvox-view").first
        shown, before = None, "unread"
        for _ in range(20):  # settled: two readings agree
            page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            before, shown = shown, page.evaluate(_rects(VIEWER))
            if shown == before:
                break
        box = view.bounding_box()
        assert 800 <= box["width"] <= 900, box  # the notebook's output width, as reported
        # inside the widget's box, not only the page: read against its right and bottom edges
        shown.update(width=box["x"] + box["width"], height=box["y"] + box["height"])
        left_of = [
            what for what, (x0, y0, _, _) in shown["items"] if x0 < box["x"] - TOLERANCE or y0 < box["y"] - TOLERANCE
        ]
        assert _problems(shown) + left_of == []
        assert shown["lines"] == 1
        assert shown["strip"] == "rgb({}, {}, {})".format(*notebook.viewer("v.scene.colours.background"))
        assert notebook.errors == []
    page.close()

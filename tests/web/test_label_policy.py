"""The page's labels and class texts by the desktop's newest policy (viewer/label_layout.py): where
the usual order hides the network's input's or output's label, the labels are placed again with
those two first (LeNet at 480p: fc2 hid behind relu3's label); an output's class texts keep the form
they had when a drag began (rows, or the list of top classes) until the camera settles."""

from __future__ import annotations

import pytest

from tests.web.conftest import OpenPage
from tests.web.test_browser import shown_labels

FORMS = """(() => { const c = window.nnvoxViewer.classes[0];
  return { rows: c.rows.some((el) => el.style.display !== 'none'), top: c.top.style.display !== 'none' }; })()"""


@pytest.fixture(scope="module")
def lenet_html(lenet_run, tmp_path_factory):
    from nnvox.viewer.export import export_html

    return export_html(lenet_run.path, tmp_path_factory.mktemp("web") / "lenet.html")


# The camera turned `deg` about its up, raised `elev` and zoomed (`zoom` times), from the first view
TURN = """([deg, elev, zoom]) => { const s = window.nnvoxViewer.stage, t = s.controls.target;
  s.reset(); s.camera.position.sub(t).applyAxisAngle(s.camera.up, deg * Math.PI / 180).add(t);
  const side = s.camera.position.clone().sub(t).cross(s.camera.up).normalize();
  s.camera.position.sub(t).applyAxisAngle(side, elev * Math.PI / 180).add(t);
  s.camera.lookAt(t); s.camera.zoom *= zoom; s.camera.updateProjectionMatrix(); s.requestDraw(); }"""


# Each block's corners on the page: whether any of them is inside the picture
IN_PICTURE = """(() => { const v = window.nnvoxViewer, d = v.stage.renderer.domElement;
  return Object.fromEntries(v.scene.blocks.map((b) => { const [x0, x1, y0, y1, z0, z1] = b.bounds;
    const ps = [x0, x1].flatMap((x) => [y0, y1].flatMap((y) => [z0, z1].map((z) => v.stage.toScreen([x, y, z]))));
    const xs = ps.map((p) => p[0]), ys = ps.map((p) => p[1]);
    const across = Math.max(...xs) >= 0 && Math.min(...xs) <= d.clientWidth;
    return [b.name, across && Math.max(...ys) >= 0 && Math.min(...ys) <= d.clientHeight]; })); })()"""


@pytest.mark.parametrize("size, pose", [((854, 480), (20, 20, 2)), ((854, 480), None), ((1920, 1080), None)])
def test_the_input_and_output_are_named_where_the_usual_order_hides_one(browser, lenet_html, lenet_run, size, pose):
    """At 854 x 480 and 1920 x 1080 LeNet's usual order (ranks, then graph order) left fc2 or the
    input without room; placed first, both are named. Turned 20 degrees, raised 20 and zoomed in
    twice, both blocks are wholly outside the picture: as the desktop's (label_layout OUTSIDE), no
    block outside it is named (their labels stood pressed into the picture's margin)."""
    from nnvox.scenes.build import build_scene

    ends = {b.name for b in build_scene(lenet_run).blocks if b.role in ("input", "output")}
    opened = OpenPage(browser, lenet_html)
    try:
        opened.page.set_viewport_size({"width": size[0], "height": size[1]})
        if pose:
            opened.page.evaluate(TURN, list(pose))
        opened.settle()
        boxes, inside = shown_labels(opened), opened.page.evaluate(IN_PICTURE)
        assert all(inside[name] for name in boxes), sorted(boxes)
        if pose:
            assert not any(inside[name] for name in ends) and not ends & set(boxes)
        else:
            assert ends <= set(boxes), sorted(boxes)
        shown = list(boxes.values())
        for k, (l1, t1, r1, b1) in enumerate(shown):
            assert all(r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1 for l2, t2, r2, b2 in shown[k + 1 :])
        assert opened.errors == []
    finally:
        opened.page.close()


def test_class_texts_keep_their_form_while_the_camera_is_dragged(browser, digits_html):
    opened = OpenPage(browser, digits_html)
    page = opened.page
    try:
        opened.settle()
        assert page.evaluate(FORMS) == {"rows": True, "top": False}  # one text a row at first
        page.mouse.move(640, 600)
        page.mouse.down()
        page.mouse.move(636, 598, steps=2)  # a drag begins
        zoom_out = "const s = window.nnvoxViewer.stage; s.camera.zoom /= 5; s.camera.updateProjectionMatrix();"
        zoom_out += " s.requestDraw();"
        page.evaluate(zoom_out)  # the rows now too close to read
        opened.settle()
        assert page.evaluate(FORMS)["top"] is False  # no switch to the list mid-drag (the rows hide)
        page.mouse.up()
        opened.settle()
        assert page.evaluate(FORMS) == {"rows": False, "top": True}  # settled: the list of top classes
        assert opened.errors == []
    finally:
        page.close()


CLEAR = """() => { const v = window.nnvoxViewer, { clientWidth: w, clientHeight: h } = v.stage.renderer.domElement;
  const r = (el) => { const b = el.getBoundingClientRect(), o = el.parentElement.getBoundingClientRect();
    return [b.left - o.left, b.top - o.top, b.right - o.left, b.bottom - o.top]; };
  const texts = v.classes.flatMap((c) => [...c.rows, c.top]).filter((el) => el.style.display !== 'none').map(r);
  return { texts, taken: v.snapshotMarks.rects(w, h), marks: v.piece.marks }; }"""


def test_class_texts_keep_clear_of_the_legends_entries_and_the_panel(browser, lenet_run, tmp_path):
    """With the histogram panel open at 1280 x 720 and the desktop's text sizes, fc2's class texts
    stood over the 'dead unit' entry above the panel; they take the entries and the panel as taken
    space, as the desktop's do (right of the column, else left, else the other form, else none)."""
    from nnvox.viewer.export import export_html

    opened = OpenPage(browser, export_html(lenet_run.path, tmp_path / "panel.html", histogram="conv2"))
    try:
        crossed = []
        for deg, elev, zoom in [(0, 0, 1), (0, 0, 1.3), (-10, 0, 1.6), (10, 10, 1.4), (-20, 5, 1.2), (0, -10, 1.8)]:
            opened.page.evaluate(TURN, [deg, elev, zoom])
            opened.settle()
            shown = opened.page.evaluate(CLEAR)
            assert "dead" in shown["marks"]  # the entry is there to keep clear of
            overlap = lambda a, b: a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            crossed += [(deg, elev, zoom) for t in shown["texts"] if any(overlap(t, k) for k in shown["taken"])]
        assert crossed == []
        assert opened.errors == []
    finally:
        opened.page.close()

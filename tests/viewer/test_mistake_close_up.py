"""The lecture's mistake close-up (lecture.toml: the camera keyed onto the input): read off its held
picture. Watch 8, finding 8 (demo26 at 150 s, 1080p): the top-5 list docked LEFT of the input (the
answer read before the digit), relu1's line ran off to the right into faded blocks, and the
attribution map stood 120 x 210 px under the input. Watch 9, finding 4 (demo27 172.5-177 s): beside
the input and level with it, the map read as one more layer before the input. Now the map stands
beside the input (left: the input feeds conv1 on its right) and raised off the chain's line, labelled
as an explanation with its method in small print under it; the answer's list right of them (after
the input, as the answer comes after the network), every block right of the input covered, and
nothing drawn right of the list: no line runs into nothing."""

from __future__ import annotations

import numpy as np
import pytest

from tests.viewer.picture_policy import one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

CAPTION = (
    "Its most confident mistake on the 1,000 held-out digits: red pixels pushed this 6 towards 0, blue ones against it"
)
# the lecture's held close-up (its keys from 0.4 on)
HELD_KEYS = '{ at = 0, layer = "input" }, { at = 1, layer = "input" }'
MISTAKE_CLOSE_UP = f"""duration = 1
timeline = "last"
mistake = 1
attribution = "integrated-gradients"
camera = {{ keys = [ {HELD_KEYS} ] }}
caption = "{CAPTION}"
"""
INK = 60  # a pixel this far from the background (any channel) is drawn on
# the method's words' x-height, of the frame's height: 2.6%, 28 px at 1080p, the height of a label's
# lower-case letters (40 px capitals: 31 px); at the least text's 28 px capitals (watch 10, finding 1:
# unreadable from row 20) they stood 21 px
NOTE_X_HEIGHT = 0.026


def _x_height(ink: np.ndarray) -> float:
    """The height of most of the glyphs inked in `ink` (bool rows x columns): "integrated gradients"
    has more letters of x-height (n, e, r, a, s, i's stem) than of ascenders and descenders."""
    from scipy import ndimage

    parts = ndimage.find_objects(ndimage.label(ink)[0])
    return float(np.median([p[0].stop - p[0].start for p in parts]))


def _held_picture(run, folder, size):
    """The picture, its report, the caption band's top (pixels from the top), the attribution
    planes' names, the docked list's box (pixels from the top left) at the close-up's last frame,
    and the method's small print (overlays/method_note.MethodNote) as drawn then."""
    from nnvox.viewer.report import picture_report

    for image, r in shot_pictures(one_shot_board(folder, run, size, 3, MISTAKE_CLOSE_UP)):
        last, report, band = image, picture_report(r), r.scene_renderer.overlays.caption.band()
    planes = {b.name for b in r.scene_renderer.scene.blocks if b.kind == "Attribution"}
    dock = r.scene_renderer.overlays.class_rows.docks["fc2"]
    assert dock.box is not None and dock.lit.get(dock.where, 0.0) > 0.99, (dock.box, dock.lit)
    x0, y0, x1, y1 = np.array(dock.box) * (size * 2)
    listed = (x0, size[1] - y1, x1, size[1] - y0)
    return np.asarray(last), report, size[1] - band[3], planes, listed, dock.note


SIZES = [(1280, 720), (960, 720), (854, 480)]


@pytest.mark.parametrize("size", SIZES, ids=["16:9 720p", "4:3 720p", "16:9 480p"])
def test_the_mistake_close_up_reads_input_its_map_then_the_answer(lenet_run, tmp_path, size):
    from nnvox.viewer.theme import TITLE_SAFE

    image, report, caption_top, plane_names, (lx0, ly0, lx1, ly1), note = _held_picture(lenet_run, tmp_path, size)
    w, h = size
    blocks = {b["name"]: b["visible"] for b in report["blocks"]}
    (plane,) = plane_names
    ix0, iy0, ix1, iy1 = blocks["input"]  # x0, y0, x1, y1 from the top left
    px0, py0, px1, py1 = blocks[plane]
    if w / h > 1.5:  # (at 4:3 the caption wraps to three lines, over the room framing.picture_room keeps: the lead's)
        assert max(iy1, py1) <= caption_top, (iy1, py1, caption_top)
    # beside the input, raised off its line: its bottom over the input's middle, its top over the input's
    assert px1 <= ix0 and py1 < (iy0 + iy1) / 2 - 0.01 * h and py0 < iy0, ((px0, py0, px1, py1), (ix0, iy0, ix1, iy1))
    assert min(iy1 - iy0, py1 - py0) >= 0.23 * h, f"the input and map {iy1 - iy0:.0f}, {py1 - py0:.0f} px tall"
    labels = {lb["block"]: lb for lb in report["labels"] if lb["kind"] == "block"}
    assert {"input", plane} <= set(labels), f"the input and its map labelled: {set(labels)}"
    assert labels[plane]["text"].startswith("explanation"), labels[plane]["text"]  # what it is, not a layer
    # the method under, over or left of the map, short of the input, clear of every label and of the list
    assert note.light > 0.99 and note.text == "integrated gradients", (note.light, note.text)
    nx0, ny1, nx1, ny0 = note.box[0], h - note.box[1], note.box[2], h - note.box[3]  # from the top left
    beside = py1 < ny0 or ny1 < py0 or nx1 < px0
    assert beside and nx1 < ix0 and ny1 <= caption_top, ((nx0, ny0, nx1, ny1), (px0, py0, py1, ix0))
    apart = lambda a, b: a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    assert all(apart((nx0, ny0, nx1, ny1), lb["box"]) for lb in report["labels"]), report["labels"]
    assert apart((nx0, ny0, nx1, ny1), (lx0, 0, lx1, h))
    # and the map itself under no label, list or caption
    assert all(apart(blocks[plane], lb["box"]) for lb in report["labels"]), report["labels"]
    assert apart(blocks[plane], (lx0, ly0, lx1, ly1)) and py1 <= caption_top, (blocks[plane], (lx0, ly0), caption_top)
    ink_in = np.abs(image[int(ny0) : int(ny1), int(nx0) : int(nx1), :3].astype(int) - image[2, 2, :3].astype(int))
    assert (ink_in.max(axis=2) > INK).sum() > 0.03 * (nx1 - nx0) * (ny1 - ny0), "the method's words drawn"
    assert _x_height(ink_in.max(axis=2) > INK) >= NOTE_X_HEIGHT * h, "the method's words readable from row 20"
    # the answer right of the input, a gap off it, inside title-safe
    assert ix1 < lx0 <= ix1 + 0.08 * h and lx1 <= (1 - TITLE_SAFE) * w + 1, ((lx0, lx1), ix1)
    ink = np.abs(image[..., :3].astype(int) - np.array(image[2, 2, :3], int)).max(axis=2) > INK
    rows = slice(int(max(iy0, py0)), int(min(iy1, py1)))
    past = ink[rows, int(lx1) + 2 : int((1 - TITLE_SAFE) * w)]
    assert past.sum() == 0, f"{past.sum()} px drawn right of the list (a block or a line on past it)"
    gap = ink[rows, int(ix1) + int(0.03 * w) : int(lx0) - 1]
    assert gap.sum() <= 2, f"{gap.sum()} px drawn between the input and the list past the line's fade"

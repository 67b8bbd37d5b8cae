"""The lecture's mistake close-up (lecture.toml: the camera keyed onto the input, the answer list
docked beside it): read off a 720p frame at its held pose, the input and its attribution plane stand
over the caption's band, conv1 and relu1 beside them whole and labelled, and the picture's right
quarter holds them (at the keys' default zoom the plane ran into the caption, relu1 reached into the
title-safe margin and was covered, and the right quarter stood empty)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.viewer.picture_policy import one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

CAPTION = (
    "Red pixels pushed it to its wrong answer, blue ones against it: "
    "found by fading the digit in from an all-zero image"
)
# the lecture's held close-up (its keys from 0.4 on; proposed to the lead with zoom = 0.85)
HELD_KEYS = '{ at = 0, layer = "input", zoom = 0.85 }, { at = 1, layer = "input", zoom = 0.85 }'
MISTAKE_CLOSE_UP = f"""duration = 1
timeline = "last"
mistake = 1
attribution = "integrated-gradients"
camera = {{ keys = [ {HELD_KEYS} ] }}
caption = "{CAPTION}"
"""


def _held_picture(run, folder, size):
    """The report, the caption's band (pixels from the top left: top, bottom) and the attribution
    planes' names at the close-up's last frame (its pose held throughout)."""
    from nnvox.viewer.report import picture_report

    for _, r in shot_pictures(one_shot_board(folder, run, size, 3, MISTAKE_CLOSE_UP)):
        report, band = picture_report(r), r.scene_renderer.overlays.caption.band()
    planes = {b.name for b in r.scene_renderer.scene.blocks if b.kind == "Attribution"}
    return report, (size[1] - band[3], size[1] - band[1]), planes


def test_the_mistake_close_up_frames_the_input_its_plane_and_its_neighbours_over_the_caption(lenet_run, tmp_path):
    size = (1280, 720)
    report, (caption_top, _), plane_names = _held_picture(lenet_run, tmp_path, size)
    blocks = {b["name"]: b for b in report["blocks"]}
    planes = [b["visible"] for b in report["blocks"] if b["name"] in plane_names and b["visible"] is not None]
    assert planes, "the attribution plane in the picture"
    group = np.array([blocks["input"]["visible"], *planes])  # x0, y0, x1, y1 from the top left
    assert group[:, 3].max() <= caption_top, (
        f"the input's plane reaches {group[:, 3].max():.0f} px, the caption {caption_top:.0f}"
    )
    labelled = {lb["block"] for lb in report["labels"] if lb["kind"] == "block"}  # (a covered block's left out)
    for name in ("conv1", "relu1"):
        assert blocks[name]["visible"] is not None and name in labelled, f"{name} drawn and labelled: {labelled}"
    right = max(blocks[n]["visible"][2] for n in ("conv1", "relu1"))
    assert right >= 0.8 * size[0], f"the neighbours end at {right / size[0]:.0%} of the width"

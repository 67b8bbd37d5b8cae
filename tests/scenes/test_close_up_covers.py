"""A close-up's side covers (watch 6, finding 2): found at each frame from the camera then, a block
was covered in one frame as its end crossed the edge's approach at the camera's speed (the lecture's
mistake push-in, 112.9-113.8 s: relu1 and pool1 at the right flashed grey and were gone, frame diff
up to 16.6). Each block's cover is now eased over close_up.COVER_SECONDS about when the camera
cuts it (close_up.eased_covers): measured per block from the shot's sides, as overlays/edge_fade.py
draws them, a block wholly off the frame counted as covered."""

import numpy as np

from nnvox.scenes.follow import projected
from nnvox.scenes.shots import shot_frames
from nnvox.viewer.theme import TITLE_SAFE
from tests.scenes.test_close_up_fill import MISTAKE, _shot
from tests.scenes.test_follow_covers import ASPECT, FPS, _covers, _snaps

CUT = 0.01  # of the frame's width: a block reaching this far past a side edge is drawn cut unless covered


def test_no_block_of_the_mistakes_push_in_is_covered_or_uncovered_in_a_frame(lenet_run, tmp_path):
    shot, scene = _shot(tmp_path, lenet_run, MISTAKE)
    frames = shot_frames(shot, scene, ASPECT, FPS, safe=TITLE_SAFE)
    assert all(len(f.sides) == 3 for f in frames), "each block's cover given, eased in time"
    covers = _covers(scene, frames, given=True)
    assert not _snaps(covers), [(k / FPS, scene.blocks[i].name) for k, i in _snaps(covers)]
    assert _snaps(_covers(scene, frames, given=False)), "the reaches alone snapped (else this shows nothing)"
    # no change faster than a smoothstep over 0.3 s (its steepest: 1.5 / 0.3 of the way a second)
    assert np.abs(np.diff(covers, axis=0)).max() <= 1.5 / (0.3 * FPS), np.abs(np.diff(covers, axis=0)).max()
    # the covers do cover: the held close-up leaves blocks out, each cut block whole under its cover
    assert (covers[-1] > 0.99).any() and (covers[0] < 0.01).all()
    bounds = np.array([b.bounds for b in scene.blocks], float)
    for k, f in enumerate(frames):
        spans = (projected(f.pose, bounds, ASPECT)[:, :2] + 1) / 2
        cut = ((spans[:, 0] < -CUT) & (spans[:, 1] > CUT)) | ((spans[:, 0] < 1 - CUT) & (spans[:, 1] > 1 + CUT))
        names = [b.name for b, c in zip(scene.blocks, cut & (covers[k] < 0.99)) if c]
        assert not names, (k / FPS, names)


def test_the_line_to_the_first_covered_block_fades_out_across_the_gap():
    """The mistake's held close-up: relu1 drawn whole, pool1 past it covered, and the line joining
    them ran on to x = 1660 at 1080p, into nothing. The cover rises over the whole gap from the last
    block drawn, so the line fades out across it; no drawn block is covered."""
    from nnvox.scenes.close_up import cover_alpha, level_strips, side_strips

    spans = np.array([[0.40, 0.60], [0.66, 0.80], [0.86, 1.02]])  # the subject, relu1, pool1 cut at the edge
    for strips, _ in (side_strips(spans, 0.5), level_strips(spans, [0.0, 0.0, 1.0])):
        gap = np.linspace(0.80, 0.86, 7)
        alpha = [max([np.interp(x, [a, b], [p, q]) for a, b, p, q in strips if a <= x <= b] or [0.0]) for x in gap]
        assert alpha[0] < 0.05 and alpha[3] > 0.3 and alpha[-1] > 0.99, np.round(alpha, 2)
        assert np.all(np.diff(alpha) >= -1e-9), np.round(alpha, 2)
        assert (cover_alpha(spans[:2], strips) < 0.01).all()

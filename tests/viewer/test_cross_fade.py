"""A cross-fade (asked by name: the default between shots of different modes is a dip) mixes the
3D pictures of two shots, never their texts: in the heads-up line's band
and the legends' band every fade frame is one shot's pixels or the other's; in the network, the
middle of the fade is a mix of both."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

W, H, FPS, FADE = 320, 180, 10, 5  # five frames of fade

# Two still shots (fixed camera and timeline: each shot's own frames do not change), whose heads-up
# lines differ (epoch, mode) and whose legends differ (activations' colour bar, weights' signed one).
BOARD = f"""\
[video]
size = "{W}x{H}"
fps = {FPS}
fade_seconds = {FADE / FPS}

[[shot]]
run = "run"
duration = 1
timeline = 0

[[shot]]
run = "run"
duration = 1.2
mode = "weights"
timeline = "last"
transition = "fade"
"""


@pytest.fixture(scope="module")
def fade_frames(digits_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fade")
    (folder / "run").symlink_to(digits_run.path, target_is_directory=True)
    (folder / "board.toml").write_text(BOARD)
    out = render_storyboard(folder / "board.toml", folder / "frames", progress=False)
    return [np.asarray(Image.open(f)).astype(int) for f in sorted(out.glob("frame-*.png"))]


def _bands(image: np.ndarray) -> np.ndarray:
    """The heads-up line's band (top 12%) and the legends' band (bottom 14%)."""
    return np.concatenate([image[: round(0.12 * H)], image[round(0.86 * H) :]])


def test_fade_frames_show_one_shots_text_or_the_others(fade_frames):
    before, after = fade_frames[FPS - 1], fade_frames[-1]  # shot 1's last frame; shot 2 after its fade
    fading = fade_frames[FPS : FPS + FADE]
    a, b = _bands(before), _bands(after)
    differs = np.abs(a - b).max(axis=2) > 40
    assert differs.sum() > 300  # the two shots' texts and colour bars do differ there
    for k, frame in enumerate(fading):
        f = _bands(frame)
        near_a = np.abs(f - a).max(axis=2) <= 3
        near_b = np.abs(f - b).max(axis=2) <= 3
        assert (near_a | near_b).all(), f"fade frame {k}: {(~(near_a | near_b)).sum()} mixed text pixels"
        # and whole: the first half shows the shot before's text, the second half the next one's
        whose = near_a if k < FADE // 2 else near_b
        assert whose[differs].all()


def test_the_network_mixes_in_the_middle_of_the_fade(fade_frames):
    before, after = fade_frames[FPS - 1], fade_frames[-1]
    middle = fade_frames[FPS + FADE // 2]
    rows = slice(round(0.2 * H), round(0.8 * H))  # between the text bands: the network
    a, b, m = before[rows], after[rows], middle[rows]
    apart = np.abs(a - b).max(axis=2) > 60
    assert apart.sum() > 200  # activations and weights colour the network differently
    mixed = (np.abs(m - (a + b) / 2).max(axis=2) <= 3)[apart]
    # most are a half-and-half mix (a cut would leave none); the rest are block labels, which switch
    assert mixed.mean() > 0.6, mixed.mean()

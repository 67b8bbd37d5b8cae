"""Where a camera move changes shots at one pose, the texts switch in two halves (the old fade out,
then the new fade in) and a text both shots draw alike stays: one image dissolve showed a label
that changed size between the shots twice, the old and the new overlaid (no GL: synthetic layers)."""

import numpy as np
import pytest

from nnvox.viewer.cross_fade import Layers, texts_switched

H, W = 8, 40
GROUND = 24.0


def _layers(*boxes: slice) -> Layers:
    """A flat picture with a white text covering each column slice in `boxes`."""
    picture = np.full((H, W, 3), GROUND, np.float32)
    ink, cover = np.zeros((H, W, 3), np.float32), np.zeros((H, W, 1), np.float32)
    for box in boxes:
        ink[:, box], cover[:, box] = 235.0, 1.0
    return Layers(picture, ink, cover)


STAYS, OLD, NEW = slice(0, 8), slice(14, 22), slice(28, 36)


@pytest.mark.parametrize("a", [0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9])
def test_never_the_old_text_and_the_new_at_once(a):
    frame = texts_switched(_layers(STAYS, OLD), _layers(STAYS, NEW), a).astype(float)
    old, new = frame[:, OLD].mean() - GROUND, frame[:, NEW].mean() - GROUND
    assert min(old, new) < 1, f"at {a}: the old text at {old:.0f}, the new at {new:.0f} levels over the ground"
    assert np.all(frame[:, STAYS] == 235), "a text both shots draw alike flickered"


def test_the_old_fades_out_then_the_new_fades_in():
    ramp = [texts_switched(_layers(OLD), _layers(NEW), a).astype(float) for a in np.linspace(0.05, 0.95, 10)]
    old = [f[:, OLD].mean() for f in ramp]
    new = [f[:, NEW].mean() for f in ramp]
    assert old == sorted(old, reverse=True) and old[0] > 200 and old[-1] == GROUND
    assert new == sorted(new) and new[0] == GROUND and new[-1] > 200


def test_the_pictures_still_mix():
    before, after = _layers(), _layers()
    after = Layers(after.picture + 100, after.ink, after.cover)
    assert texts_switched(before, after, 0.5)[0, 0, 0] == round(GROUND + 50)


def test_a_text_moved_by_a_pixel_switches_whole():
    """A label one pixel off its place in the next shot matches itself at scattered pixels: none of
    them may stay at full strength while the rest of it fades (torn glyphs); a piece as large as a
    caption's band switches only where it differs."""
    h, w = 40, 80
    glyph = np.zeros((h, w), bool)
    glyph[12:20, 30:32] = glyph[12:20, 36:38] = glyph[15, 30:38] = True  # an "H"
    moved = np.roll(glyph, 1, axis=1)

    def layers(mask):
        ink = np.where(mask[..., None], 235.0, 0.0).astype(np.float32)
        return Layers(np.full((h, w, 3), GROUND, np.float32), ink, mask[..., None].astype(np.float32))

    frame = texts_switched(layers(glyph), layers(moved), 0.5)
    assert frame.max() <= GROUND + 1, "part of the label stayed while the rest of it faded"
    band = np.ones((h, w), bool)
    frame = texts_switched(layers(band), layers(band & ~glyph), 0.5)
    assert np.all(frame[~glyph] == 235), "the band both shots draw faded with the text in it"

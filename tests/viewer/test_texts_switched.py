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


def test_a_text_moved_switches_whole_and_one_a_pixel_off_blends():
    """A label a few pixels off its place in the next shot matches itself at scattered pixels: none
    of them may stay at full strength while the rest of it fades (torn glyphs); one a pixel off (a
    heads-up line's glyphs, the line laid again) blends, never tearing nor blinking; a piece as large
    as a caption's band switches only where it differs."""
    h, w = 40, 80
    glyph = np.zeros((h, w), bool)
    glyph[12:20, 30:32] = glyph[12:20, 36:38] = glyph[15, 30:38] = True  # an "H"

    def layers(mask):
        ink = np.where(mask[..., None], 235.0, 0.0).astype(np.float32)
        return Layers(np.full((h, w, 3), GROUND, np.float32), ink, mask[..., None].astype(np.float32))

    frame = texts_switched(layers(glyph), layers(np.roll(glyph, 3, axis=1)), 0.5)
    assert frame.max() <= GROUND + 1, "part of the label stayed while the rest of it faded"
    nudged = np.roll(glyph, 1, axis=1)
    for a in (0.25, 0.5, 0.75):
        frame = texts_switched(layers(glyph), layers(nudged), a)[..., 0].astype(float)
        assert np.all(frame[glyph & nudged] >= 234), f"at {a}: a glyph a pixel off dimmed where both draw it"
        assert np.all(frame[glyph ^ nudged] > GROUND + 40), f"at {a}: a glyph a pixel off blinked at its edges"
    band = np.ones((h, w), bool)
    frame = texts_switched(layers(band), layers(band & ~glyph), 0.5)
    assert np.all(frame[~glyph] == 235), "the band both shots draw faded with the text in it"


def _glyphs(h: int, w: int, columns, strength: float = 1.0, fringe: float = 0.0) -> Layers:
    """Glyphs as 2-px bars at `columns` (rows 4..12) covered `strength`, with a faint `fringe` row
    joining them all (anti-aliasing between a line's letters)."""
    cover = np.zeros((h, w), np.float32)
    cover[10, :] = fringe
    for x in columns:
        cover[4:12, x : x + 2] = strength
    ink = cover[..., None] * 235.0
    return Layers(np.full((h, w, 3), GROUND, np.float32), np.repeat(ink, 3, axis=2), cover[..., None])


@pytest.mark.parametrize("a", [0.2, 0.5, 0.8])
def test_a_label_only_dimmed_blends_and_never_blinks(a):
    """The forward pass dims the labels of the blocks it has not reached: at the move into it, each
    dimmed label faded out and back in dim (a blink); the same shape at another strength blends."""
    bright, dim = _glyphs(16, 40, [6, 12, 18]), _glyphs(16, 40, [6, 12, 18], strength=0.3)
    frame = texts_switched(bright, dim, a).astype(float)
    level = frame[4:12, 6:8].mean()
    expected = GROUND + (235 - GROUND) * (1 - 0.7 * a)
    assert abs(level - expected) < 3, f"at {a}: the label at {level:.0f}, blending would be {expected:.0f}"


def test_a_line_that_gains_a_word_keeps_its_other_words():
    """The heads-up line gains ", predicted 9" at the move into the forward pass: its other words,
    joined to the new one only by faint fringes, must stay at full strength (the whole line dimmed)."""
    before = _glyphs(16, 60, [4, 10, 16], fringe=0.05)
    after = _glyphs(16, 60, [4, 10, 16, 40, 46], fringe=0.05)
    frame = texts_switched(before, after, 0.5).astype(float)
    assert np.all(frame[4:10, 4:6] >= 234), "a word both shots draw dimmed with the new one"
    assert frame[4:10, 40:42].max() < GROUND + 2, "the new word showed before the old texts were out"


def test_a_dimmed_labels_soft_edges_blend_with_it():
    """Pieces are the glyphs' pixels covered >= 0.25: the anti-aliased edges under that switched pixel
    by pixel (out, then in) while the glyph blended, so a dimmed label thinned mid-move."""
    h, w = 16, 24

    def glyph(strength):
        cover = np.zeros((h, w), np.float32)
        cover[4:12, 10:12] = strength
        cover[4:12, 9] = cover[4:12, 12] = 0.2 * strength  # soft edges
        ink = np.repeat(cover[..., None] * 235.0, 3, axis=2)
        return Layers(np.full((h, w, 3), GROUND, np.float32), ink, cover[..., None])

    bright, dim = glyph(1.0), glyph(0.3)
    ends = [bright.image()[4:12, 9, 0].mean(), dim.image()[4:12, 9, 0].mean()]
    for a in (0.25, 0.5, 0.75):
        edge = texts_switched(bright, dim, a)[4:12, 9, 0].astype(float).mean()
        assert edge >= min(ends) - 1, f"at {a}: the soft edge at {edge:.0f}, below both ends {ends}"


def test_a_text_under_the_next_shots_faint_band_switches_whole():
    """The caption's band is drawn 1.5/255 opaque at a fade's ends: the old caption's words under the
    new shot's faint band blended while the rest of them switched, so it read cut mid-word (the move
    into the lecture's conv1-maps shot)."""
    h, w = 16, 40
    before = _glyphs(h, w, [4, 12, 20, 28])
    faint = np.zeros((h, w, 1), np.float32)
    faint[:, 10:26] = 1.5 / 255  # the next shot's band, over the middle words only
    after = Layers(before.picture, np.zeros((h, w, 3), np.float32), faint)
    frame = texts_switched(before, after, 0.5).astype(float)
    words = [frame[4:12, x : x + 2, 0].mean() for x in (4, 12, 20, 28)]
    assert max(words) - min(words) < 3, f"the words under the band and beside it at {words}"

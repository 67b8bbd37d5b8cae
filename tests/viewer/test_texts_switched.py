"""Where a camera move changes shots at one pose, the texts switch in two halves (the old fade out,
then the new fade in) and a text both shots draw alike stays: one image dissolve showed a label
that changed size between the shots twice, the old and the new overlaid (no GL: synthetic layers)."""

import numpy as np
import pytest

from nnvox.viewer.cross_fade import Layers, texts_switched

H, W = 8, 30
GROUND = 24.0


def _layers(*boxes: slice) -> Layers:
    """A flat picture with a white text covering each column slice in `boxes`."""
    picture = np.full((H, W, 3), GROUND, np.float32)
    ink, cover = np.zeros((H, W, 3), np.float32), np.zeros((H, W, 1), np.float32)
    for box in boxes:
        ink[:, box], cover[:, box] = 235.0, 1.0
    return Layers(picture, ink, cover)


STAYS, OLD, NEW = slice(0, 10), slice(10, 20), slice(20, 30)


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

"""The explaining shot's title (overlays/explain_inset.heading_words, faded by Moment.titled) over the
lecture's 20 s shot at 30 fps: it fades only where its words change ("row 6, column 18 · 187 of 784
computed" to "sliding to row 27, column 27" and back to the map's end), never switching words in
one frame at full strength; where only its numbers change (the walk from one position to the next)
it stays at full strength, the numbers changing at the frame the inset's change (a fade at every
walked position blinked it about once a second for 3 s)."""

from __future__ import annotations

import re
from itertools import pairwise

from nnvox.scenes.build import build_scene

FPS = 30


def _frames(lenet_run, seconds=20.0, lead=0.5, tail=0.5):
    from nnvox.scenes.explain import Explanation
    from nnvox.viewer.overlays.explain_inset import heading_words as _title

    explained = Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=lead, tail=tail)
    n = int(seconds * FPS)
    moments = [explained.at(f / (n - 1), 1.0) for f in range(n)]
    return [(_title(m), m.titled, m.step.position) for m in moments]


def _words(title: str) -> str:
    return re.sub(r"\d+", "#", title)


def test_the_title_fades_only_where_its_words_change(lenet_run):
    frames = _frames(lenet_run)
    changed_numbers = changed_words = 0
    for (a, fa, pa), (b, fb, pb) in pairwise(frames):
        if a == b:
            continue
        if _words(a) == _words(b):  # only the numbers: at full strength, as the position changes
            changed_numbers += 1
            assert fa == fb == 1.0, (a, fa, b, fb)
            assert pa != pb, (a, b)  # with the window's move, when the inset's numbers change
        else:  # its words: faded out before, in after, never a one-frame switch
            changed_words += 1
            assert max(fa, fb) <= 0.25, (a, fa, b, fb)
    assert changed_numbers >= 2 and changed_words >= 2, (changed_numbers, changed_words)  # (the walk: 2 steps)
    # the title dims only around those changes of words: no blink at each walked position
    dims = sum(1 for (_, a, _), (_, b, _) in pairwise(frames) if a == 1.0 and b < 1.0)
    assert dims == changed_words, dims
    # no step in its strength larger than a fade's frame (ARRIVING 0.25 s, LEAVING 0.15 s at 30 fps)
    assert max(abs(a - b) for (_, a, _), (_, b, _) in pairwise(frames)) <= 0.25

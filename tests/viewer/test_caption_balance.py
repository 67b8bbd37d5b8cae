"""Captions and title cards wrap into as few lines as their width allows, with lines as even as
those allow (no lone word on a last line)."""

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from nnvox.viewer.overlays.caption import balanced

WORDS = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=9), min_size=1, max_size=30)


def test_a_lone_last_word_is_pulled_onto_an_even_line():
    text = "The network's most confident mistake: a 6 it calls a 0"
    assert textwrap.fill(text, 52).splitlines()[-1] == "0"  # greedy wrapping strands it
    lines = balanced(text, 52).splitlines()
    assert len(lines) == 2 and min(len(line) for line in lines) > 20


@given(WORDS, st.integers(10, 60))
def test_balanced_keeps_the_line_count_and_width_and_every_word(words, chars):
    text = " ".join(words)
    greedy, even = textwrap.wrap(text, chars), balanced(text, chars).splitlines()
    assert len(even) == len(greedy)
    assert max(len(line) for line in even) <= max(len(line) for line in greedy)
    assert " ".join(even).split() == words


def test_a_size_is_never_split_over_two_lines():
    """ "5 × 5" and "28 × 28" read as one word (a watch saw "each 5 / × 5 filter"), at every width."""
    text = "conv1's six maps side by side: each 5 × 5 filter picks out real 28 × 28 strokes"
    for chars in range(12, 90):
        lines = balanced(text, chars).split("\n")
        assert " ".join(lines) == text  # nothing lost, the sign put back
        assert not [line for line in lines if line.startswith("×") or line.endswith("×")], (chars, lines)


def test_an_empty_text_wraps_to_nothing():
    assert balanced("", 30) == "" and balanced(" ", 2) == ""

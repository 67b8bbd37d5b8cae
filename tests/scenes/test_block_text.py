"""block_text: what a lecture label leaves out."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("conv1", "Conv2d", True),  # the kind's thing's first letters
        ("pool1", "MaxPool2d", True),
        ("relu1", "ReLU", True),  # the kind's letters
        ("add", "add", True),
        ("bn1", "BatchNorm2d", True),  # its words' initials
        ("ln_1", "LayerNorm", True),
        ("layer1.embed", "Embedding", True),  # the last part of a dotted name
        ("fc1", "Linear", False),
        ("c_attn", "Conv1D", False),
        ("conv", "ConvTranspose2d", False),  # a transposed convolution is not said by 'conv'
        ("blocks.5", "EfficientNetBlock", False),
        ("c", "Conv2d", False),  # one letter says nothing
    ],
)
def test_a_name_says_its_kind_by_its_letters_against_the_kinds_words(name, kind, said):
    from nnvox.scenes.block_text import names_its_kind

    assert names_its_kind(name, kind) is said

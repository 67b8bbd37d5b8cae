"""Repeats folded by structure on real models as the field writes them (issue 16): Hugging Face
`h.N` / `layer.N` / `layers.N`, timm's `blocks.N`, torchvision-style encoders, and no false folds
(GPT-2's token and position embeddings are the same class side by side, T5's first block differs)."""

from __future__ import annotations

import pytest

from nnvox.capture.trace import trace
from nnvox.scenes.folding import fold_modules
from nnvox.scenes.hierarchy import ModuleTree
from tests.real_models.corpus import build

FOLDS = {
    "gpt2": {"transformer.h.0": 2},
    "bert": {"bert.encoder.layer.0": 2},
    "llama": {"model.layers.0": 2},
    "whisper": {"model.encoder.layers.0": 2, "model.decoder.layers.0": 2},
    "timm-vit": {"blocks.0": 2},
    "t5": {},  # block 0 holds the relative position bias: the blocks differ in structure
    "mobilevit": {
        "mobilevit.encoder.layer.1.layer.1": 2,
        "mobilevit.encoder.layer.2.transformer.layer.0": 2,
        "mobilevit.encoder.layer.3.transformer.layer.0": 4,
        "mobilevit.encoder.layer.4.transformer.layer.0": 3,
    },
}


@pytest.mark.parametrize("name", sorted(FOLDS))
def test_real_models_fold_their_repeated_blocks_by_structure(name):
    model, inputs = build(name, 1)
    arch = trace(model, inputs).architecture
    folds = fold_modules(arch, ModuleTree.of(arch))
    assert {first: len(run) for first, run in folds.runs.items()} == FOLDS[name]

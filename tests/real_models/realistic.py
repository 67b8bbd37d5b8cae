"""Issue 16's corpus at realistic depth: eight Hugging Face models from transformers' DEFAULT
configs (ConvNeXt-T, Swin-T, ViT-B/16, MobileViT-S, BERT-base, GPT-2 small, T5-small; EfficientNet's
default is B7, so EfficientNet-B0 is the default with B0's four published coefficients), random
weights with a fixed seed, each with the example input a user would pass (one 224 x 224 image, or
24 tokens; T5 with 8 decoder tokens).

`record(name)` returns the run of one forward pass, recorded as `nnvox view MODEL` records it
(capture/single_pass.py) without weights: the overview shows activations, and the weights of the
big embeddings (BERT's, GPT-2's and T5's ~30,000-50,000-row vocabularies) would only slow the
record. Batch norms are set as a trained network's would be (scale 1, shift 0, running statistics of
the example input): transformers 5 draws their scales like a linear layer's weights (normal, std
0.02) and leaves the running statistics at 0 and 1, so each one shrinks the activations ~50-fold
and EfficientNet-B0's and MobileViT's blocks past the stem hold values below 1e-11, a picture of
zeros. Runs are kept per process: the label tests and the overview script share them.
"""

from __future__ import annotations

from functools import cache

TOKENS = 24  # a sentence's worth of token ids
DECODER_TOKENS = 8
IMAGE = 224  # pixels a side


def _image():
    import torch

    return {"pixel_values": torch.randn(1, 3, IMAGE, IMAGE, generator=torch.Generator().manual_seed(1))}


def _tokens(vocab: int, n: int = TOKENS, seed: int = 1):
    import torch

    return torch.randint(0, vocab, (1, n), generator=torch.Generator().manual_seed(seed))


def _text(config):
    return {"input_ids": _tokens(config.vocab_size)}


def _t5(config):
    return {"input_ids": _tokens(config.vocab_size), "decoder_input_ids": _tokens(config.vocab_size, DECODER_TOKENS, 2)}


# google/efficientnet-b0's coefficients (EfficientNetConfig() is B7: 55 blocks, 2,560 channels, 600 pixels)
B0 = {"width_coefficient": 1.0, "depth_coefficient": 1.0, "image_size": 224, "dropout_rate": 0.2, "hidden_dim": 1280}

# name -> (config class, model class, the example input from the config), all in transformers
MODELS = {
    "efficientnet-b0": ("EfficientNetConfig", "EfficientNetForImageClassification", lambda c: _image()),
    "convnext-t": ("ConvNextConfig", "ConvNextForImageClassification", lambda c: _image()),
    "swin-t": ("SwinConfig", "SwinForImageClassification", lambda c: _image()),
    "vit-b16": ("ViTConfig", "ViTForImageClassification", lambda c: _image()),
    "mobilevit-s": ("MobileViTConfig", "MobileViTForImageClassification", lambda c: _image()),
    "bert-base": ("BertConfig", "BertForSequenceClassification", _text),
    "gpt2-small": ("GPT2Config", "GPT2LMHeadModel", _text),
    "t5-small": ("T5Config", "T5ForConditionalGeneration", _t5),
}


def build(name: str):
    """(model in eval mode, its example inputs as a dict of keyword inputs)."""
    import torch
    import transformers

    config_class, model_class, inputs = MODELS[name]
    config = getattr(transformers, config_class)(**(B0 if name == "efficientnet-b0" else {}))
    torch.manual_seed(0)
    model = getattr(transformers, model_class)(config).eval()
    example = inputs(config)
    _calibrate_batch_norms(model, example)
    return model, example


def _calibrate_batch_norms(model, example) -> None:
    """Batch norms as a trained network's: scale 1, shift 0 and the example's own statistics (one
    pass in training mode with a cumulative average), so that each normalises what it is given."""
    import torch

    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for m in norms:
        m.reset_parameters()
        m.momentum = None
    model.train()
    with torch.no_grad():
        model(**example)
    model.eval()


@cache
def record(name: str):
    """The run of one forward pass of `name` (activations only), kept for this process."""
    import torch

    from nnvox.capture.single_pass import single_pass_run

    model, inputs = build(name)
    with torch.no_grad():
        return single_pass_run(model, inputs, name=name, weights=False)

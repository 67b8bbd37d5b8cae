"""How each corpus model is trained and recorded, as a user of that model would write it: the
probe is the example inputs in the form the model takes them (one tensor, or a dict of keyword
inputs), with class labels where the model classifies, and a loss from the model's own training
interface (`labels=` for Hugging Face models, `targets` for nanoGPT, cross-entropy otherwise)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tests.real_models.corpus import VOCAB, build

CLASSES = {"bert": 3, "vit": 10, "swin": 10, "convnext": 10, "mobilevit": 10, "efficientnet": 10, "timm-vit": 10}


def labels(name: str, batch: int) -> torch.Tensor | None:
    if name not in CLASSES:
        return None
    return torch.arange(batch) % CLASSES[name]


def probe_inputs(name: str, inputs):
    """The probe's inputs: one tensor where the model takes one, else its keyword inputs."""
    if name in ("gpt2", "llama", "bert"):
        inputs = inputs["input_ids"]  # model(input_ids): the attention mask is all ones
    elif name == "word-lstm":
        data, hidden = inputs
        inputs = {"input": data, "hidden": hidden}
    elif isinstance(inputs, dict) and len(inputs) == 1:
        (inputs,) = inputs.values()
    return inputs


def probe(name: str, inputs, batch: int):
    """The Recorder's probe: its inputs, with class labels where the model classifies."""
    inputs = probe_inputs(name, inputs)
    y = labels(name, batch)
    return inputs if y is None else (inputs, y)


def loss(name: str, model, inputs, batch: int) -> torch.Tensor:
    """One training step's loss on the example inputs (synthetic tokens or images)."""
    y = labels(name, batch)
    if name in ("gpt2", "llama"):
        return model(**inputs, labels=inputs["input_ids"]).loss
    if name == "t5":
        return model(input_ids=inputs["input_ids"], labels=inputs["decoder_input_ids"]).loss
    if name == "whisper":
        return model(input_features=inputs["input_features"], labels=inputs["decoder_input_ids"]).loss
    if name in ("nanogpt", "nanogpt-manual"):
        x, y = inputs[:, :-1].contiguous(), inputs[:, 1:].contiguous()  # train.py's get_batch: x, y
        _, out = model(x, y)
        return out
    if name == "timm-vit":
        return F.cross_entropy(model(inputs), y)
    if name == "word-lstm":
        data, hidden = inputs
        output, _ = model(data, hidden)
        return F.nll_loss(output, data.roll(-1, 0).reshape(-1))
    if name == "word-transformer":
        output = model(inputs)
        return F.nll_loss(output.view(-1, VOCAB), inputs.roll(-1, 0).reshape(-1))
    return model(**inputs, labels=y).loss


def record(name: str, out, *, batch: int = 4, steps: int = 2, **options):
    """Train `name` for `steps` optimizer steps with a Recorder around them, a snapshot after each."""
    import nnvox

    model, inputs = build(name, batch)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    with nnvox.Recorder(model, probe=probe(name, inputs, batch), out=out, name=name, **options) as rec:
        for step in range(steps):
            value = loss(name, model, inputs, batch)
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            rec.snapshot(step=step, metrics={"loss": value})
    return nnvox.open_run(out)

"""Evaluation mode for a pass over the user's model, and every module's own mode back afterwards."""

from __future__ import annotations

from contextlib import contextmanager

from torch import nn

# torch.nn modules whose forward never reads `self.training` (exact types: a subclass may).
# Leaving them alone makes a snapshot of a small CNN cheaper by the cost of flipping every flag twice.
_MODE_FREE = frozenset(
    {
        nn.Conv1d,
        nn.Conv2d,
        nn.Conv3d,
        nn.ConvTranspose1d,
        nn.ConvTranspose2d,
        nn.ConvTranspose3d,
        nn.Linear,
        nn.Bilinear,
        nn.Embedding,
        nn.ReLU,
        nn.ReLU6,
        nn.LeakyReLU,
        nn.PReLU,
        nn.ELU,
        nn.SELU,
        nn.CELU,
        nn.GELU,
        nn.SiLU,
        nn.Mish,
        nn.Sigmoid,
        nn.Tanh,
        nn.Hardtanh,
        nn.Hardswish,
        nn.Hardsigmoid,
        nn.Softplus,
        nn.Softmax,
        nn.LogSoftmax,
        nn.MaxPool1d,
        nn.MaxPool2d,
        nn.MaxPool3d,
        nn.AvgPool1d,
        nn.AvgPool2d,
        nn.AvgPool3d,
        nn.AdaptiveAvgPool1d,
        nn.AdaptiveAvgPool2d,
        nn.AdaptiveAvgPool3d,
        nn.AdaptiveMaxPool1d,
        nn.AdaptiveMaxPool2d,
        nn.AdaptiveMaxPool3d,
        nn.Flatten,
        nn.Unflatten,
        nn.Identity,
        nn.Sequential,
        nn.ModuleList,
        nn.ModuleDict,
        nn.LayerNorm,
        nn.GroupNorm,
        nn.Upsample,
        nn.ZeroPad2d,
        nn.ConstantPad2d,
    }
)


@contextmanager
def evaluating(model: nn.Module):
    """Evaluation mode for the pass, then each module's mode as it was: a BatchNorm frozen on its own
    while training stays frozen, and dropout is on again where it was on. Flags are set directly
    (what `model.eval()` does) on the modules whose behaviour may depend on them."""
    modes = [(m, m.training) for m in model.modules() if type(m) not in _MODE_FREE]
    for module, training in modes:
        if training:  # past nn.Module.__setattr__'s checks for parameters and submodules: only a flag
            object.__setattr__(module, "training", False)
    try:
        yield
    finally:
        for module, training in modes:
            object.__setattr__(module, "training", training)

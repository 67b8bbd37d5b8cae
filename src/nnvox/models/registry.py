"""Built-in model names -> constructor + dataset. `nnvox record NAME` looks names up here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nnvox.errors import NnvoxError


@dataclass(frozen=True)
class BuiltinModel:
    name: str
    description: str
    build: Callable[[], object]  # -> nn.Module
    dataset: Callable[[], object]  # -> Dataset


def _digits():
    from nnvox.models.data import load_digits

    return load_digits()


def _cnn():
    from nnvox.models.nets import DigitsCNN

    return DigitsCNN()


def _lenet():
    from nnvox.models.nets import LeNet

    return LeNet()


def _mnist():
    from nnvox.models.data import load_mnist

    return load_mnist()


def _mlp():
    from nnvox.models.nets import DigitsMLP

    return DigitsMLP()


def _sequences():
    from nnvox.models.data import load_sequences

    return load_sequences()


def _zoo(name: str):
    def build():
        from nnvox.models import zoo

        return getattr(zoo, name)()

    return build


def _resnet():
    from nnvox.models.zoo import digits_resnet

    return digits_resnet()


_BUILTINS = {
    m.name: m
    for m in (
        BuiltinModel("digits-cnn", "2x(conv+ReLU+pool) + dense, 8x8 digits", _cnn, _digits),
        BuiltinModel(
            "mnist-lenet",
            "LeNet: 2x(5x5 conv+ReLU+pool) + dense, 28x28 MNIST digits (5,000 shipped with nnvox)",
            _lenet,
            _mnist,
        ),
        BuiltinModel("digits-mlp", "MLP 64-128-64-10, 8x8 digits", _mlp, _digits),
        BuiltinModel(
            "digits-resnet", "two-stage ResNet (residual arcs, a downsampling branch), 8x8 digits", _resnet, _digits
        ),
        BuiltinModel(
            "digits-unet",
            "small U-Net (encoder, decoder, skip concatenation) pooled into a classifier, 8x8 digits",
            _zoo("UNet"),
            _digits,
        ),
        BuiltinModel(
            "seq-lstm",
            "embedding + LSTM classifier, synthetic majority-token sequences",
            _zoo("LSTMClassifier"),
            _sequences,
        ),
        BuiltinModel(
            "seq-gpt",
            "GPT-style transformer (causal attention, 2 blocks), synthetic majority-token sequences",
            _zoo("TinyGPT"),
            _sequences,
        ),
    )
}


def _zoo_variant(name: str) -> BuiltinModel:
    from nnvox.models.data import load_digits, load_digits32
    from nnvox.models.zoo import trainable_variant

    _, data = trainable_variant(name)
    return BuiltinModel(
        name,
        f"{name}, a small digits-sized variant (same blocks, fewer channels)",
        lambda: trainable_variant(name)[0],
        load_digits32 if data == "digits32" else load_digits,
    )


def available_models() -> list[str]:
    return sorted(_BUILTINS)


def get_builtin(name: str) -> BuiltinModel:
    """A trainable built-in; zoo names (resnet18, vgg16, ...) give their small digits-sized variants."""
    from nnvox.models.zoo import ARCHITECTURES

    if name in ARCHITECTURES:
        return _zoo_variant(name)
    try:
        return _BUILTINS[name]
    except KeyError:
        raise NnvoxError(
            f"unknown built-in model {name!r}; choose one of {', '.join(available_models())} "
            "or give package.module:callable"
        ) from None

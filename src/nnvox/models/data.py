"""Offline datasets that ship inside installed packages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Train/test split as float32 arrays (N, C, H, W) and int64 labels."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]


MNIST_FILE = "mnist_5k.npz"  # in nnvox/models/datasets/, with its licence (MNIST-LICENSE.md)
MNIST_TEST_PER_CLASS = 100  # held-out MNIST digits: 1,000 in all


def _normalised(name: str, x: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> Dataset:
    """The images at `train` and `test`, normalised by the training images' mean and spread."""
    mean, std = float(x[train].mean()), float(x[train].std())
    norm = lambda a: ((a - mean) / std).astype(np.float32)
    return Dataset(name, norm(x[train]), y[train], norm(x[test]), y[test], tuple(str(i) for i in range(10)))


def load_digits(seed: int = 0, test_fraction: float = 0.25) -> Dataset:
    """scikit-learn's 1,797 8x8 handwritten digits (UCI), normalised, with a fixed-seed split."""
    from sklearn.datasets import load_digits as _load
    from sklearn.model_selection import train_test_split

    bunch = _load()
    x = (bunch.images.astype(np.float32) / 16.0)[:, None]  # pixel values are 0..16
    y = bunch.target.astype(np.int64)
    train, test = train_test_split(np.arange(len(y)), test_size=test_fraction, random_state=seed, stratify=y)
    return _normalised("digits", x, y, train, test)


def load_mnist(seed: int = 0, test_per_class: int = MNIST_TEST_PER_CLASS) -> Dataset:
    """5,000 real 28x28 MNIST digits (500 a class) shipped inside nnvox, normalised, with a fixed
    split: `test_per_class` of each class held out (1,000 digits), the other 4,000 to train on."""
    from importlib.resources import files

    with (files("nnvox.models") / "datasets" / MNIST_FILE).open("rb") as f, np.load(f) as arrays:
        images, labels = arrays["images"], arrays["labels"].astype(np.int64)
    x = (images.astype(np.float32) / 255.0)[:, None]  # pixel values are 0..255
    rng = np.random.default_rng(seed)
    by_class = [rng.permutation(np.flatnonzero(labels == c)) for c in range(10)]
    test = np.sort(np.concatenate([k[:test_per_class] for k in by_class]))
    train = rng.permutation(np.concatenate([k[test_per_class:] for k in by_class]))  # the file is sorted by class
    return _normalised("mnist", x, labels, train, test)


def load_digits32(seed: int = 0) -> Dataset:
    """The digits upsampled 4x (nearest) to 32 x 32, for architectures that pool five times (VGG)."""
    d = load_digits(seed)
    up = lambda a: np.kron(a, np.ones((1, 1, 4, 4), dtype=np.float32))
    return Dataset("digits32", up(d.x_train), d.y_train, up(d.x_test), d.y_test, d.class_names)


def probe_batch(data: Dataset, per_class: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A fixed, class-balanced probe set from the test split: the first `per_class` of each class."""
    picks = [np.flatnonzero(data.y_test == c)[:per_class] for c in range(len(data.class_names))]
    order = np.stack(picks, axis=1).ravel()  # 0,1,...,9,0,1,... so sample k shows digit k first
    return data.x_test[order], data.y_test[order]


def load_sequences(
    n: int = 2400, length: int = 12, vocab: int = 10, seed: int = 0, test_fraction: float = 0.25
) -> Dataset:
    """Synthetic "majority token" task: which of `vocab` tokens fills most of a sequence. Token ids
    (N, length) int64; the class is the planted majority token. Learnable by an LSTM or attention."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, vocab, n)
    x = rng.integers(0, vocab, (n, length))
    for i in range(n):  # plant the label at 5 of the 12 positions: a clear majority
        x[i, rng.choice(length, 5, replace=False)] = y[i]
    split = int(n * (1 - test_fraction))
    return Dataset(
        "sequences",
        x[:split],
        y[:split].astype(np.int64),
        x[split:],
        y[split:].astype(np.int64),
        tuple(f"token {i}" for i in range(vocab)),
    )

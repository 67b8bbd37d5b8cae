"""A deterministic training loop with per-epoch callbacks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 10
    batch_size: int = 64
    lr: float = 3e-3
    seed: int = 0
    # One intra-op thread: on small models more threads cost far more in sync than they gain
    # (measured 39 s vs 0.8 s for 10 epochs of the digits CNN on 2 cores).
    threads: int = 1


@dataclass(frozen=True)
class EpochResult:
    epoch: int
    loss: float
    accuracy: float
    test_accuracy: float
    lr: float
    test_loss: float = float("nan")  # mean cross-entropy on the held-out set, after the epoch


EpochCallback = Callable[[EpochResult], None]


def seed_everything(seed: int, threads: int) -> None:
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def evaluate(model, x: np.ndarray, y: np.ndarray, batch_size: int = 512) -> tuple[float, float]:
    """The mean cross-entropy and the accuracy on (x, y), from the same forward pass (the loss
    costs no second pass)."""
    import torch
    from torch.nn.functional import cross_entropy

    model.eval()
    correct, total_loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(torch.from_numpy(x[i : i + batch_size]))
            labels = torch.from_numpy(y[i : i + batch_size]).long()
            total_loss += float(cross_entropy(logits, labels, reduction="sum"))
            correct += int((logits.argmax(1) == labels).sum())
    return total_loss / max(len(x), 1), correct / max(len(x), 1)


def train(
    model,
    data,
    options: TrainOptions = TrainOptions(),
    callbacks: Sequence[EpochCallback] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[EpochResult]:
    """Train with Adam and cross-entropy; call each callback after every epoch."""
    import torch
    from torch import nn

    seed_everything(options.seed, options.threads)
    opt = torch.optim.Adam(model.parameters(), lr=options.lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = np.random.default_rng(options.seed)
    x_all, y_all = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    results = []
    for epoch in range(options.epochs):
        model.train()
        order = torch.from_numpy(gen.permutation(len(x_all)))
        total_loss, correct = 0.0, 0
        for i in range(0, len(order), options.batch_size):
            idx = order[i : i + options.batch_size]
            xb, yb = x_all[idx], y_all[idx]
            opt.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            opt.step()
            total_loss += float(loss.detach()) * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
        test_loss, test_accuracy = evaluate(model, data.x_test, data.y_test)
        result = EpochResult(
            epoch=epoch,
            loss=total_loss / len(order),
            accuracy=correct / len(order),
            test_accuracy=test_accuracy,
            lr=opt.param_groups[0]["lr"],
            test_loss=test_loss,
        )
        results.append(result)
        for cb in callbacks:
            cb(result)
        if progress:
            progress(epoch + 1, options.epochs)
    return results

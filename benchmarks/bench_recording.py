"""Training time with a snapshot every epoch against the same training without recording.

Runs alternate (without, with, without, ...) so machine noise hits both; the median ratio counts.
"""

from __future__ import annotations

import statistics
import tempfile
import time


def recording_overhead(epochs: int = 20, pairs: int = 25) -> dict:
    import nnvox
    from nnvox.models import get_builtin
    from nnvox.models.data import probe_batch
    from nnvox.models.train import TrainOptions, train

    spec = get_builtin("digits-cnn")
    data = spec.dataset()
    x, y = probe_batch(data)

    def once(record: bool) -> float:
        model = spec.build()
        t = time.perf_counter()
        callbacks = []
        if record:
            rec = nnvox.Recorder(model, probe=(x, y), out=tempfile.mkdtemp() + "/run")
            callbacks = [lambda r: rec.snapshot(epoch=r.epoch, metrics={"loss": r.loss, "accuracy": r.test_accuracy})]
        train(model, data, TrainOptions(epochs=epochs), callbacks=callbacks)
        if record:
            rec.close()  # included: the run is complete on disk when it returns
        return time.perf_counter() - t

    return {"epochs": epochs, **_paired(once, pairs)}


def _paired(once, pairs: int) -> dict:
    """Alternating runs without and with recording (after one warm-up of each): the median ratio,
    and a bootstrap 95% interval for it (single pairs spread by +-8% on a shared 2-core machine,
    so the interval, not one median, says whether a target is met)."""
    import numpy as np

    once(False), once(True)
    plain, recorded = [], []
    for _ in range(pairs):
        plain.append(once(False))
        recorded.append(once(True))
    ratios = np.sort(np.array(recorded) / np.array(plain))
    resampled = np.median(np.random.default_rng(0).choice(ratios, (2000, len(ratios))), axis=1)
    low, high = np.percentile(resampled, [2.5, 97.5])
    return {
        "plain_s": statistics.median(plain),
        "recorded_s": statistics.median(recorded),
        "median_ratio": float(np.median(ratios)),
        "ci_low": float(low),
        "ci_high": float(high),
        "best_ratio": float(ratios[0]),
        "worst_ratio": float(ratios[-1]),
    }


def resnet18_overhead(epochs: int = 2, pairs: int = 3, samples: int = 256, **budgets) -> dict:
    """ResNet-18 (11.2 M parameters, the CIFAR-style stem) on 32 x 32 digits, 8 probe samples, a
    snapshot every epoch; `budgets` are the Recorder's level-of-detail options."""
    import os

    import numpy as np
    import torch

    import nnvox
    from nnvox.models.data import load_digits32
    from nnvox.models.zoo import BasicBlock, ResNet

    torch.set_num_threads(os.cpu_count() or 1)
    data = load_digits32()
    x, y = torch.from_numpy(data.x_train[:samples]), torch.from_numpy(data.y_train[:samples])
    probe = (data.x_test[:8], data.y_test[:8])
    sizes = []

    def once(record: bool) -> float:
        torch.manual_seed(0)
        model = ResNet(BasicBlock, [2, 2, 2, 2], 10, in_channels=1, small_input=True)
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        t = time.perf_counter()
        rec = nnvox.Recorder(model, probe=probe, out=tempfile.mkdtemp() + "/run", **budgets) if record else None
        for epoch in range(epochs):
            model.train()
            for i in range(0, samples, 64):
                loss = torch.nn.functional.cross_entropy(model(x[i : i + 64]), y[i : i + 64])
                opt.zero_grad()
                loss.backward()
                opt.step()
            if rec is not None:
                model.eval()
                rec.snapshot(epoch=epoch, metrics={"loss": loss})
        if rec is not None:
            rec.close()
            sizes.append(np.mean([s.bytes for s in nnvox.open_run(rec.out).snapshots]))
        return time.perf_counter() - t

    return {"epochs": epochs, "samples": samples, **_paired(once, pairs), "mb_per_snapshot": sizes[-1] / 1e6}


if __name__ == "__main__":
    print(recording_overhead())
    print(resnet18_overhead())
    print(resnet18_overhead(activation_budget=2048, weight_budget=8192))

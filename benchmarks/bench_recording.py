"""Training time with a snapshot every epoch against the same training without recording.

Runs alternate (without, with, without, ...) so machine noise hits both; the median ratio counts.
"""

from __future__ import annotations

import statistics
import tempfile
import time


def recording_overhead(epochs: int = 20, pairs: int = 7) -> dict:
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

    once(False), once(True)  # warm up imports and caches
    plain, recorded = [], []
    for _ in range(pairs):
        plain.append(once(False))
        recorded.append(once(True))
    ratios = sorted(r / p for r, p in zip(recorded, plain))
    return {"epochs": epochs, "plain_s": statistics.median(plain), "recorded_s": statistics.median(recorded),
            "median_ratio": statistics.median(ratios), "best_ratio": ratios[0], "worst_ratio": ratios[-1]}


if __name__ == "__main__":
    print(recording_overhead())

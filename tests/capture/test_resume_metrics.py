"""A resumed Recorder tells the metrics its run recorded already (Recorder.metric_names), read when
it opened the run: `nnvox record --resume` keeps an old run's accuracy name from them without
opening the run a second time."""

import torch
from torch import nn

import nnvox


def test_a_resumed_recorder_names_the_metrics_its_run_recorded(tmp_path):
    model, x, y = nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), torch.randn(2, 1, 2, 2), torch.tensor([0, 1])
    with nnvox.Recorder(model, (x, y), tmp_path / "run") as rec:
        assert rec.metric_names == ()  # a new run has none yet
        rec.snapshot(epoch=0, metrics={"loss": 0.7, "accuracy": 0.5})
        rec.snapshot(epoch=1, metrics={"loss": 0.6, "lr": 0.1})
    with nnvox.Recorder(model, (x, y), tmp_path / "run", resume=True) as rec:
        assert rec.metric_names == ("loss", "accuracy", "lr")
        rec.snapshot(epoch=2, metrics={"loss": 0.5})

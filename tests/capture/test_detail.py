"""Recording-time level of detail: big tensors reduced the same way every snapshot, and said so."""

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.capture.detail import activation_plan, weight_plan
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions


def test_plans_pool_maps_down_to_8x8_then_keep_the_first_channels():
    assert activation_plan((64, 32, 32), None) is None
    assert activation_plan((64, 32, 32), 65536) is None
    assert activation_plan((64, 32, 32), 16384) == {"pool": 2, "channels": 64, "shape": [64, 16, 16]}
    assert activation_plan((64, 32, 32), 2048) == {"pool": 4, "channels": 32, "shape": [32, 8, 8]}
    assert activation_plan((512, 4, 4), 2048)["shape"] == [128, 4, 4]  # small maps are never pooled
    assert activation_plan((5000,), 1000) == {"keep": 1000, "shape": [1000]}
    assert activation_plan((12, 32), 100) == {"keep": 3, "shape": [3, 32]}
    plan = weight_plan((512, 256, 3, 3), 8192)
    assert plan["out"] * plan["in"] * 9 <= 8192 and plan["out"] / plan["in"] == pytest.approx(2, rel=0.1)
    assert weight_plan((512,), 10) is None  # biases and norms are small: always whole


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        self.relu = nn.ReLU()
        self.fc = nn.Linear(16 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(self.relu(self.conv(x)).flatten(1))


def test_a_reduced_run_keeps_exactly_the_planned_part_every_snapshot(tmp_path):
    torch.manual_seed(0)
    model = Net()
    x, y = torch.randn(3, 1, 32, 32), torch.tensor([0, 1, 2])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    seen = []
    with nnvox.Recorder(model, (x, y), tmp_path / "run", activation_budget=1024, weight_budget=2000) as rec:
        for epoch in range(2):
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            rec.snapshot(epoch=epoch)
            seen.append((model.conv(x).detach(), model.fc.weight.detach().clone(), model.fc.weight.grad.clone()))
            opt.step()
    run = nnvox.open_run(tmp_path / "run")
    assert run.reduced["act/conv"] == {"original": [16, 32, 32], "pool": 4, "channels": 16, "shape": [16, 8, 8]}
    assert run.reduced["param/fc.weight"]["shape"] == [1, 2000]  # 10 x 16384 shrunk in proportion: 1 x 2000
    assert "param/conv.weight" not in run.reduced  # 144 values: within budget
    for i, (act, w, g) in enumerate(seen):
        stored = run.read(i)
        pooled = nn.functional.avg_pool2d(act, 4).numpy()
        np.testing.assert_allclose(stored["act/conv"], pooled, rtol=1e-2, atol=1e-3)
        np.testing.assert_allclose(stored["param/fc.weight"], w[:1, :2000].numpy(), rtol=1e-2, atol=1e-4)
        np.testing.assert_allclose(stored["grad/fc.weight"], g[:1, :2000].numpy(), rtol=1e-2, atol=1e-5)
        assert run.snapshots[i].grad_norms["fc.weight"] == pytest.approx(float(g.norm()), rel=1e-4)  # of the whole
    # scenes draw what was kept and say so
    conv = build_scene(run).block("conv")
    assert (conv.panels, conv.rows, conv.cols) == (16, 8, 8) and "pooled 4×" in conv.subtitle
    fc = build_scene(run, SceneOptions(mode="change")).block("fc")
    assert (fc.rows, fc.cols) == (1, 2000) and "first 1 × 2000 kept" in fc.subtitle
    assert build_scene(run, SceneOptions(mode="change")).frame_at(1).values["fc"].shape == (1, 1, 2000)


def test_resume_keeps_the_runs_reduction_and_budgets_are_checked(tmp_path):
    model, x, y = Net(), torch.randn(2, 1, 32, 32), torch.tensor([0, 1])
    with nnvox.Recorder(model, (x, y), tmp_path / "run", activation_budget=1024) as rec:
        rec.snapshot(epoch=0)
    with nnvox.Recorder(model, (x, y), tmp_path / "run", resume=True) as rec:  # no budget passed: the run's own
        rec.snapshot(epoch=1)
    run = nnvox.open_run(tmp_path / "run")
    assert run.read(1)["act/conv"].shape == run.read(0)["act/conv"].shape == (2, 16, 8, 8)
    with pytest.raises(NnvoxError, match="activation_budget must be a positive"):
        nnvox.Recorder(model, (x, y), tmp_path / "other", activation_budget=0)

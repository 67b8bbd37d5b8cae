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


class Ranks(nn.Module):
    """Outputs of rank 3 (N, T, F), 4 (N, C, H, W) and 5 (N, C, D, H, W), each over the budget."""

    def __init__(self):
        super().__init__()
        self.conv3d = nn.Conv3d(1, 8, 3, padding=1)  # (N, 8, 6, 32, 32): 49,152 values a sample
        self.conv2d = nn.Conv2d(48, 12, 3, padding=1)  # (N, 12, 32, 32): 12,288
        self.seq = nn.Linear(32, 700)  # (N, 384, 700): 268,800, one row (700) alone over the budget of 600
        self.head = nn.Linear(700, 3)

    def forward(self, x):
        v = self.conv3d(x)
        m = self.conv2d(v.flatten(1, 2))
        s = self.seq(m.flatten(1, 2))
        return self.head(s.mean(1))


@pytest.mark.parametrize("budget", [600, 5000])
def test_the_activation_budget_holds_for_every_rank(budget, tmp_path):
    """Issue 14: 5-D outputs kept three times the budget (one 'row' of a (C, D, H, W) map was more
    than the budget). Now every layer keeps at most `budget` values a sample, maps pooled as far as
    MIN_MAP allows and then their leading corner: exactly the real output so reduced."""
    import math

    from nnvox.capture.detail import MIN_MAP, activation_plan

    torch.manual_seed(0)
    model, x = Ranks(), torch.randn(2, 1, 6, 32, 32)
    with nnvox.Recorder(model, (x, torch.tensor([0, 1])), tmp_path / "run", activation_budget=budget) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    stored = run.read(0)
    for node in run.architecture.nodes:
        if node.kind == "Input":
            continue
        kept = stored[f"act/{node.name}"].shape
        assert kept[0] == 2 and math.prod(kept[1:]) <= budget, (node.name, node.shape, kept, budget)
        assert len(kept) == len(node.shape) + 1  # same rank: a reduction, not a reshape
    assert {len(n.shape) for n in run.architecture.nodes if n.kind != "Input"} >= {2, 3, 4}
    # the kept values are the output's: the 5-D one average-pooled over H, W, then its leading channels
    with torch.no_grad():
        v = model.conv3d(x)
    plan = activation_plan(tuple(v.shape[1:]), budget)
    f, kept = plan["pool"], plan["shape"]
    assert f > 1 and min(kept[-2:]) >= MIN_MAP
    expected = nn.functional.avg_pool3d(v, (1, f, f))[:, : kept[0], : kept[1], : kept[2], : kept[3]]
    np.testing.assert_allclose(stored["act/conv3d"], expected.numpy(), rtol=1e-2, atol=1e-3)
    with torch.no_grad():
        s = model.seq(model.conv2d(v.flatten(1, 2)).flatten(1, 2))
    kept = run.reduced["act/seq"]["shape"]
    np.testing.assert_allclose(stored["act/seq"], s[:, : kept[0], : kept[1]].numpy(), rtol=1e-2, atol=1e-3)
    # and the scene draws what was kept, saying so
    scene = build_scene(run)
    for name in ("conv3d", "conv2d", "seq"):
        block = scene.block(name)
        assert block.panels * block.rows * block.cols >= math.prod(run.reduced[f"act/{name}"]["shape"])
    assert f"pooled {f}×" in scene.block("conv3d").subtitle


def test_plans_of_any_rank_fit_their_budget():
    import math

    from nnvox.capture.detail import activation_plan, apply_activation

    for shape in [
        (7,),
        (12, 50000),
        (3, 4, 100000),
        (1, 512, 512),
        (16, 8, 32, 32),
        (2, 16, 8, 32, 32),
        (3, 1, 1, 1, 1, 9),
    ]:
        for budget in (1, 7, 100, 2048):
            plan = activation_plan(shape, budget)
            if plan is None:
                assert math.prod(shape) <= budget
                continue
            assert math.prod(plan["shape"]) <= budget and len(plan["shape"]) == len(shape), (shape, budget, plan)
            a = (
                np.random.default_rng(0).standard_normal((2, *shape)).astype(np.float32)
                if math.prod(shape) < 10**6
                else None
            )
            if a is not None:
                assert apply_activation(a, plan).shape == (2, *plan["shape"])

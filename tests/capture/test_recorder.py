import json

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.capture.recorder import Recorder
from nnvox.capture.writer import to_storage_dtype
from nnvox.errors import NnvoxError
from nnvox.models.data import load_digits, probe_batch
from nnvox.models.nets import DigitsCNN


def _record(tmp_path, epochs=2, model=None, seen=None):
    torch.manual_seed(0)
    model = model or DigitsCNN()
    x, y = probe_batch(load_digits())
    rec = nnvox.Recorder(model, probe=(x, y), out=tmp_path / "run")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(epochs):
        loss = nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        rec.snapshot(epoch=epoch, metrics={"loss": loss, "accuracy": 0.5})
        if seen is not None:
            seen.append(model.fc1.weight.detach().clone())
    rec.close()
    return model, x, tmp_path / "run"


def test_each_snapshot_keeps_the_weights_of_its_moment(tmp_path):
    seen = []
    _, _, path = _record(tmp_path, epochs=3, seen=seen)  # written in the background while training goes on
    run = nnvox.open_run(path)
    for i, weights in enumerate(seen):
        np.testing.assert_allclose(run.read(i)["param/fc1.weight"], weights.numpy(), rtol=1e-3, atol=1e-4)
    assert not np.allclose(run.read(0)["param/fc1.weight"], run.read(2)["param/fc1.weight"])


@pytest.mark.parametrize("background", [True, False], ids=["writer-process", "inline"])
def test_writer_failure_is_reported_and_earlier_snapshots_survive(tmp_path, background):
    model = nn.Sequential(nn.Linear(4, 3))
    rec = Recorder(model, probe=(torch.zeros(2, 4), [0, 1]), out=tmp_path / "r", background=background)
    rec.snapshot(epoch=0)
    rec.flush()
    (tmp_path / "r" / "snapshot-00001.safetensors").mkdir()  # the next write cannot replace a folder
    rec.snapshot(epoch=1)
    with pytest.raises(NnvoxError, match=r"failed.*last complete snapshot") as err:
        rec.flush()
    assert "\n" not in str(err.value)
    assert len(nnvox.open_run(tmp_path / "r").snapshots) == 1


def test_architecture_change_mid_run_is_a_clear_error(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    rec = Recorder(model, probe=(torch.zeros(2, 4), [0, 1]), out=tmp_path / "r")
    rec.snapshot(epoch=0)
    model.append(nn.Linear(3, 2))
    with pytest.raises(NnvoxError, match="architecture changed"):
        rec.snapshot(epoch=1)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    rec = Recorder(model, probe=(torch.zeros(2, 4), [0, 1]), out=tmp_path / "swapped")
    rec.snapshot(epoch=0)
    model[1] = nn.Tanh()  # same place, same shape, another module
    with pytest.raises(NnvoxError, match="architecture changed"):
        rec.snapshot(epoch=1)


def test_architecture_change_before_the_first_snapshot_is_a_clear_error(tmp_path):
    """The first snapshot's graph is checked against the one traced when recording started."""
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    rec = Recorder(model, probe=(torch.zeros(2, 4), [0, 1]), out=tmp_path / "r")
    with torch.no_grad():  # same modules, another shape
        model[0].weight = nn.Parameter(torch.zeros(5, 4))
        model[0].bias = nn.Parameter(torch.zeros(5))
    with pytest.raises(NnvoxError, match="architecture changed"):
        rec.snapshot(epoch=0)


def test_existing_run_is_not_overwritten_silently(tmp_path):
    _, _, path = _record(tmp_path, epochs=1)
    with pytest.raises(NnvoxError, match="already holds a run"):
        Recorder(DigitsCNN(), probe=(torch.zeros(1, 1, 8, 8), [0]), out=path)


def test_a_probe_may_be_inputs_alone(tmp_path):
    """Labels unknown: kept as -1, and no true class is claimed; other shapes of probe are one-line errors."""
    x = torch.from_numpy(probe_batch(load_digits())[0][:3])
    with Recorder(DigitsCNN(), probe=x, out=tmp_path / "run") as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    assert run.probe_labels.tolist() == [-1, -1, -1]
    from nnvox.scenes.build import build_scene

    assert "true" not in build_scene(run).frame_at(0).hud
    for probe, says in (((x, [0], [1]), "a tuple of 3"), ("digits", "not str")):
        with pytest.raises(NnvoxError, match=says):
            Recorder(DigitsCNN(), probe=probe, out=tmp_path / "other")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: None, None),
        (lambda p: (p / "manifest.json").unlink(), "has no manifest.json"),
        (lambda p: (p / "manifest.json").write_text("{not json"), "corrupted"),
        (
            lambda p: (p / "manifest.json").write_text(
                json.dumps({**json.loads((p / "manifest.json").read_text()), "schema": 99})
            ),
            "newer nnvox",
        ),
        (
            lambda p: (p / "snapshot-00001.safetensors").write_bytes(
                (p / "snapshot-00001.safetensors").read_bytes()[:500]
            ),
            "truncated",
        ),
        (lambda p: (p / "snapshot-00000.safetensors").unlink(), "missing"),
    ],
    ids=["intact", "no-manifest", "bad-json", "newer-schema", "truncated", "missing-snapshot"],
)
def test_damaged_runs_give_one_line_errors(tmp_path, damage, message):
    _, _, path = _record(tmp_path)
    damage(path)
    if message is None:
        assert len(nnvox.open_run(path).snapshots) == 2
        return
    with pytest.raises(NnvoxError, match=message) as err:
        nnvox.open_run(path)
    assert "\n" not in str(err.value)


def test_missing_folder_and_unfinished_run(tmp_path):
    with pytest.raises(NnvoxError, match="does not exist"):
        nnvox.open_run(tmp_path / "nope")
    rec = Recorder(nn.Linear(2, 2), probe=(torch.zeros(1, 2), [0]), out=tmp_path / "empty")
    rec.flush()  # the header is written in the background
    with pytest.raises(NnvoxError, match="no complete snapshot"):
        nnvox.open_run(tmp_path / "empty")


@pytest.mark.parametrize("background", [True, False], ids=["writer-process", "inline"])
def test_resume_appends_even_after_a_kill(tmp_path, background):
    model, _x, path = _record(tmp_path, epochs=2)
    # as if killed between writing snapshot 2 and updating the manifest: an orphan file, not closed
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["closed"] = False
    (path / "manifest.json").write_text(json.dumps(manifest))
    (path / "snapshot-00002.safetensors").write_bytes(b"half-written")
    rec = Recorder(model, probe=(torch.zeros(1, 1, 8, 8), [5]), out=path, resume=True, background=background)
    with torch.no_grad():
        model.fc2.bias.add_(1.0)
    rec.snapshot(epoch=2, metrics={"loss": 0.1})
    rec.close()
    run = nnvox.open_run(path)
    assert [s.epoch for s in run.snapshots] == [0, 1, 2] and run.closed
    assert list(run.probe_labels) == list(range(10))  # the run's own probe, not the one passed
    bias = run.read(2)["param/fc2.bias"] - run.read(1)["param/fc2.bias"]
    np.testing.assert_allclose(bias, 1.0, atol=1e-2)
    assert "change/param/fc2.bias" in run.stats(2)  # change summaries carry on across the resume


def test_resume_refuses_another_architecture(tmp_path):
    _, _, path = _record(tmp_path, epochs=1)
    with pytest.raises(NnvoxError, match="architecture differs"):
        Recorder(
            nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), probe=(torch.zeros(1, 1, 8, 8), [0]), out=path, resume=True
        )


def test_gradients_of_the_last_step_are_recorded(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    rec = Recorder(model, probe=(torch.ones(2, 4), [0, 1]), out=tmp_path / "r", background=False, gradient_budget=10)
    rec.snapshot(epoch=0)  # before any backward: no gradients
    loss = model(torch.randn(5, 4)).pow(2).sum()
    loss.backward()
    expected = {n: p.grad.clone() for n, p in model.named_parameters()}
    rec.snapshot(epoch=1)
    rec.close()
    run = nnvox.open_run(tmp_path / "r")
    assert run.snapshots[0].grad_norms == {} and "grad/0.weight" not in run.keys(0)
    snap = run.read(1)
    np.testing.assert_allclose(
        snap["grad/2.weight"], expected["2.weight"].numpy(), rtol=1e-3, atol=1e-5
    )  # 6 values: kept
    assert "grad/0.weight" not in snap  # 12 values: over the budget, norm only
    assert run.snapshots[1].grad_norms["0.weight"] == pytest.approx(float(expected["0.weight"].norm()), rel=1e-5)


def test_every_n_steps(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2))
    rec = Recorder(model, probe=(torch.zeros(1, 2), [0]), out=tmp_path / "r", background=False)
    taken = [rec.step(s, every=3, metrics={"loss": 1.0 / (s + 1)}) for s in range(8)]
    rec.close()
    assert taken == [0, None, None, 1, None, None, 2, None]
    assert [s.step for s in nnvox.open_run(tmp_path / "r").snapshots] == [0, 3, 6]
    with pytest.raises(NnvoxError, match="every must be at least 1"):
        rec.step(0, every=0)


def test_a_snapshot_leaves_every_module_in_its_own_mode(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5), nn.Flatten(), nn.Linear(4 * 36, 3))
    model.train()
    model[1].eval()  # a frozen BatchNorm while the rest trains
    stats = model[1].running_mean.clone()
    with Recorder(
        model,
        probe=(torch.randn(2, 1, 8, 8), [0, 1]),
        out=tmp_path / "r",
        background=False,
        evaluation=(torch.randn(6, 1, 8, 8), [0, 1, 2, 0, 1, 2]),
        attributions=("saliency",),
    ) as rec:
        rec.snapshot(epoch=0)
    assert [m.training for m in model] == [True, False, True, True, True]
    assert torch.equal(model[1].running_mean, stats)  # the probe passes ran in eval mode


def test_passes_run_in_evaluation_mode_on_the_modules_that_have_one():
    """Dropout and BatchNorm are switched to eval for a snapshot's passes (layers without a
    mode are left alone), and every flag is back afterwards."""
    from nnvox.capture.modes import evaluating

    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5), nn.Flatten(), nn.Linear(4 * 36, 3))
    model.train()
    x = torch.randn(2, 1, 8, 8)
    with evaluating(model):
        assert not model[1].training and not model[2].training
        torch.testing.assert_close(model(x), model(x))  # no dropout: the same output twice
    assert all(m.training for m in model.modules())


class _LayerScale(nn.Module):
    """ConvNeXt's layer scale: gamma = 1e-6 times the branch, values of ~1e-8 (all zero in fp16)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.gamma = nn.Parameter(torch.full((4,), 1e-6))

    def forward(self, x):
        return x + self.gamma * self.fc(x) * 1e-2


@pytest.mark.parametrize("background", [False, True])
def test_tiny_values_are_kept_not_rounded_to_zero(tmp_path, background):
    torch.manual_seed(0)
    model, x = _LayerScale(), torch.randn(3, 4)
    with Recorder(model, probe=x, out=tmp_path / "run", background=background) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    stored = run.read(0)["act/mul#2"]
    with torch.no_grad():
        expected = (model.gamma * model.fc(x) * 1e-2).numpy()
    np.testing.assert_allclose(stored, expected, rtol=1e-3, atol=0)
    np.testing.assert_array_equal(run.read(0)["param/gamma"], np.full(4, 1e-6, dtype=np.float32))
    assert (
        to_storage_dtype(np.array([1e-3, 2.0], dtype=np.float32)).dtype == np.float16
    )  # ordinary values: half the bytes

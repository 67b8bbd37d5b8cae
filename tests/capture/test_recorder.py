import json

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.capture import run as run_module
from nnvox.capture.recorder import Recorder, to_storage_dtype
from nnvox.errors import NnvoxError
from nnvox.models.data import load_digits, probe_batch
from nnvox.models.nets import DigitsCNN


def _record(tmp_path, epochs=2, model=None):
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
        rec.snapshot(epoch=epoch, metrics={"loss": loss.detach(), "accuracy": 0.5})
    rec.close()
    return model, x, tmp_path / "run"


def test_round_trip_values_equal_direct_computation(tmp_path):
    model, x, path = _record(tmp_path)
    run = nnvox.open_run(path)
    assert run.closed and len(run.snapshots) == 2
    assert run.snapshots[1].metrics["accuracy"] == 0.5
    snap = run.read(1)
    with torch.no_grad():
        xt = torch.from_numpy(x)
        conv1 = model.conv1(xt)
        logits = model(xt)
    # fp16 storage: equal to within half precision
    np.testing.assert_allclose(snap["act/conv1"], conv1.numpy(), rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(snap["act/fc2"], logits.numpy(), rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(snap["param/fc1.weight"], model.fc1.weight.detach().numpy(), rtol=1e-3, atol=1e-4)
    np.testing.assert_array_equal(run.probe_inputs, x)
    assert list(run.probe_labels) == list(range(10))
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["schema"] == 1 and manifest["architecture"]["nodes"][1]["name"] == "conv1"


def test_open_run_reads_no_snapshot_until_asked(tmp_path, monkeypatch):
    _, _, path = _record(tmp_path)
    opened = []
    real = run_module._read_file
    monkeypatch.setattr(run_module, "_read_file", lambda p, keys: opened.append(p.name) or real(p, keys))
    run = nnvox.open_run(path)
    assert opened == []
    run.read(1, ["act/conv1"])
    assert opened == ["snapshot-00001.safetensors"]


def test_fp16_never_turns_large_values_into_inf():
    big = np.array([1.0, 1e6, -3e5], dtype=np.float32)
    assert to_storage_dtype(big).dtype == np.float32
    small = np.array([1.0, np.nan, np.inf, -2.5], dtype=np.float32)
    stored = to_storage_dtype(small)
    assert stored.dtype == np.float16 and np.isnan(stored[1]) and np.isinf(stored[2])


def test_architecture_change_mid_run_is_a_clear_error(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    rec = Recorder(model, probe=(torch.zeros(2, 4), [0, 1]), out=tmp_path / "r")
    rec.snapshot(epoch=0)
    model.append(nn.Linear(3, 2))
    with pytest.raises(NnvoxError, match="architecture changed"):
        rec.snapshot(epoch=1)


def test_existing_run_is_not_overwritten_silently(tmp_path):
    _, _, path = _record(tmp_path, epochs=1)
    with pytest.raises(NnvoxError, match="already holds a run"):
        Recorder(DigitsCNN(), probe=(torch.zeros(1, 1, 8, 8), [0]), out=path)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: None, None),
        (lambda p: (p / "manifest.json").unlink(), "has no manifest.json"),
        (lambda p: (p / "manifest.json").write_text("{not json"), "corrupted"),
        (lambda p: (p / "manifest.json").write_text(json.dumps({**json.loads((p / "manifest.json").read_text()), "schema": 99})), "newer nnvox"),
        (lambda p: (p / "snapshot-00001.safetensors").write_bytes((p / "snapshot-00001.safetensors").read_bytes()[:500]), "truncated"),
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
    Recorder(nn.Linear(2, 2), probe=(torch.zeros(1, 2), [0]), out=tmp_path / "empty")
    with pytest.raises(NnvoxError, match="no complete snapshot"):
        nnvox.open_run(tmp_path / "empty")

"""The Python API exactly as the README and the issue write it, plus the public surface."""

import numpy as np
import pytest
import torch
from torch import nn

import nnvox


@pytest.mark.gl
def test_readme_snippet(tmp_path, monkeypatch):
    from nnvox.models.data import load_digits, probe_batch
    from nnvox.models.nets import DigitsCNN

    monkeypatch.chdir(tmp_path)
    data = load_digits()
    x_probe, y_probe = probe_batch(data)
    model, epochs = DigitsCNN(), 2
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)

    rec = nnvox.Recorder(model, probe=(x_probe, y_probe), out="runs/digits")
    for epoch in range(epochs):
        loss = nn.functional.cross_entropy(model(x), y)  # one full-batch step as "an epoch"
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = float((model(x).argmax(1) == y).float().mean())
        rec.snapshot(epoch=epoch, metrics={"loss": loss, "accuracy": acc})
    rec.close()
    run = nnvox.open_run("runs/digits")
    nnvox.export(run, "digits.mp4", preset="480p", fps=5)
    assert (tmp_path / "digits.mp4").stat().st_size > 10_000
    assert [s.epoch for s in run.snapshots] == [0, 1] and run.snapshots[1].metrics["accuracy"] == pytest.approx(acc)
    assert callable(nnvox.show)


def test_public_surface():
    assert set(nnvox.__all__) >= {
        "Recorder",
        "open_run",
        "export",
        "render_png",
        "show",
        "NnvoxError",
        "ViewSpec",
        "OutputSpec",
    }
    with pytest.raises(AttributeError):
        nnvox.does_not_exist  # noqa: B018
    assert issubclass(nnvox.NnvoxError, Exception) and np is not None


def test_every_public_name_resolves_and_is_listed():
    import subprocess
    import sys

    for name in nnvox.__all__:
        assert getattr(nnvox, name) is not None, name
    assert set(nnvox.__all__) <= set(dir(nnvox))
    # listing the names loads nothing heavy
    code = "import sys, nnvox; dir(nnvox); print('torch' in sys.modules, 'vtk' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == [
        "False",
        "False",
    ]

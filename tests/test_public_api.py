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


class _Tokens(nn.Module):
    """Keyword inputs, as a Hugging Face model takes them."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.head = nn.Linear(4, 3)

    def forward(self, input_ids, attention_mask=None):
        return self.head((self.emb(input_ids) * attention_mask[..., None]).mean(1))


class _Pair(nn.Module):
    """Two positional inputs."""

    def __init__(self):
        super().__init__()
        self.left, self.right = nn.Linear(4, 3), nn.Linear(5, 3)

    def forward(self, a, b):
        return self.left(a) + self.right(b)


_IDS = torch.randint(0, 10, (2, 6), generator=torch.Generator().manual_seed(0))
_MODELS = {
    "tensor": (lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), torch.randn(2, 4), ["0", "2"]),
    "tuple": (_Pair, (torch.randn(2, 4), torch.randn(2, 5)), ["left", "right"]),
    "dict": (_Tokens, {"input_ids": _IDS, "attention_mask": torch.ones_like(_IDS)}, ["emb", "head"]),
}


@pytest.mark.gl
@pytest.mark.parametrize("kind", list(_MODELS))
def test_export_draws_a_model_with_its_example_input(tmp_path, kind):
    """nnvox.export(model, "x.png", x) as nnvox.show(model, x): a tensor, positional or keyword inputs."""
    import json

    build, x, layers = _MODELS[kind]
    out = nnvox.export(build(), tmp_path / "x.png", x, report=tmp_path / "x.json")
    drawn = {b["name"] for b in json.loads((tmp_path / "x.json").read_text())["blocks"]}
    assert out == tmp_path / "x.png" and out.stat().st_size > 10_000 and {"input", *layers} <= drawn, drawn
    nnvox.render_png(build(), tmp_path / "w.png", x, mode="weights", width=320, height=180)
    assert (tmp_path / "w.png").exists()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda d: nnvox.export(_Tokens(), d / "x.png"), "pass the model's example input: nnvox.export(model, '"),
        (lambda d: nnvox.export(_Tokens(), d / "x.html"), "x.html', x) (x: a batch, samples first)"),
        (lambda d: nnvox.render_png(_Tokens(), d / "x.png"), "pass the model's example input: nnvox.render_png("),
        (lambda d: nnvox.show(_Tokens()), "pass the model's example input: nnvox.show(model, x)"),
        (
            lambda d: nnvox.export(_Tokens(), d / "x.png", torch.zeros(2, 6)),
            "token ids: give x as whole numbers, x.long()",
        ),
        (lambda d: nnvox.export(_Tokens(), d / "x.mp4", {"input_ids": _IDS}), "forward pass failed"),
        (lambda d: nnvox.export(_Tokens(), d / "x.png", "text"), "must be a tensor or array of numbers"),
        (lambda d: nnvox.export(d, d / "x.png", _IDS), "an input goes with a model: nnvox.export(model, '"),
        (lambda d: nnvox.export(_Tokens(), d / "x.pngg", _IDS), "ending in .png, .html, .mp4, .webm, .mov or .gif"),
    ],
)
def test_a_model_without_its_input_or_failing_is_one_line_and_writes_nothing(tmp_path, call, words):
    with pytest.raises(nnvox.NnvoxError) as caught:
        call(tmp_path)
    assert words in str(caught.value) and "\n" not in str(caught.value), str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_show_without_a_display_names_every_other_way_to_look(digits_run, monkeypatch):
    """Outside a notebook and with no display, `show` says how else to see the run: a still, a
    video, a page, or `nnvox serve`, in one line."""
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(nnvox.NnvoxError) as caught:
        nnvox.show(digits_run.path)
    message = str(caught.value)
    assert "no display found" in message and "\n" not in message
    assert all(way in message for way in ("out.png", "out.mp4", "out.html", "nnvox serve"))

"""A tensor with several names is stored once and found under each: tied weights (GPT's lm_head and
token embedding), a module registered twice, an output that is its input's tensor (nn.Identity)."""

import json

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.numpy import save_file
from torch import nn

import nnvox
from nnvox.capture.recorder import Recorder
from nnvox.capture.recorder_snapshot import copies as _copies
from nnvox.capture.run_format import ALIASES_KEY, ALIASES_SCHEMA, MAX_ALIASES, SCHEMA_VERSION, RunFileError
from nnvox.capture.writer import RunWriter
from nnvox.cli.commands import _restore_weights
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import MODES, SceneOptions


class TiedHead(nn.Module):
    """Embedding -> Identity -> Linear whose weight is the embedding's (nanoGPT's weight tying)."""

    def __init__(self, vocab=11, width=6):
        super().__init__()
        self.emb = nn.Embedding(vocab, width)
        self.mid = nn.Identity()
        self.head = nn.Linear(width, vocab, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, x):
        return self.head(self.mid(self.emb(x))).mean(1)


class Untied(TiedHead):
    def __init__(self, vocab=11, width=6):
        super().__init__(vocab, width)
        self.head.weight = nn.Parameter(self.emb.weight.detach().clone())


class Twice(nn.Module):
    """One Linear registered under two names and called twice."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = self.a
        self.out = nn.Linear(4, 3)

    def forward(self, x):
        return self.out(torch.relu(self.b(torch.relu(self.a(x)))))


def _train(model, out, epochs=3, probe=None, before_backward=False, **options):
    """Record `epochs` snapshots (the first before any backward with `before_backward`); returns
    the weights and gradients seen at each snapshot, by parameter object."""
    torch.manual_seed(0)
    x, y = probe if probe is not None else (torch.randint(0, 11, (4, 5)), torch.tensor([1, 2, 3, 4]))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    seen = []
    with Recorder(model, probe=(x, y), out=out, **options) as rec:
        for epoch in range(epochs):
            if not (before_backward and epoch == 0):
                loss = nn.functional.cross_entropy(model(x), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            rec.snapshot(epoch=epoch)
            seen.append(
                {
                    n: (p.detach().clone(), None if p.grad is None else p.grad.clone())
                    for n, p in model.named_parameters(remove_duplicate=False)
                }
            )
    return nnvox.open_run(out), seen


def _stored_keys(run, index=0) -> list[str]:
    with safe_open(str(run.path / run.snapshots.file(index)), framework="numpy") as f:
        return list(f.keys())


@pytest.fixture(scope="module")
def tied(tmp_path_factory):
    return _train(TiedHead(), tmp_path_factory.mktemp("tied") / "run")


def test_tied_weight_is_stored_once_and_read_under_both_names(tied):
    run, seen = tied
    assert "param/head.weight" not in _stored_keys(run) and "param/emb.weight" in _stored_keys(run)
    assert "grad/head.weight" not in _stored_keys(run)
    assert "param/head.weight" in run.keys(0)
    for i, weights in enumerate(seen):
        got = run.read(i, ["param/emb.weight", "param/head.weight", "grad/head.weight"])
        np.testing.assert_array_equal(got["param/head.weight"], got["param/emb.weight"])
        np.testing.assert_allclose(got["param/head.weight"], weights["head.weight"][0].numpy(), atol=2e-3)
        np.testing.assert_allclose(got["grad/head.weight"], weights["head.weight"][1].numpy(), rtol=2e-3, atol=1e-4)
        norms = run.snapshots[i].grad_norms
        assert (
            norms["head.weight"]
            == norms["emb.weight"]
            == pytest.approx(float(weights["emb.weight"][1].norm()), rel=1e-4)
        )
    assert json.loads((run.path / "manifest.json").read_text())["schema"] == ALIASES_SCHEMA


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_draws_the_tied_head_as_its_embedding(tied, mode):
    run, seen = tied
    frame = build_scene(run, SceneOptions(mode=mode)).frame_at(1.0)
    if mode == "activations":
        np.testing.assert_array_equal(
            frame.values["mid"] if "mid" in frame.values else run.read(1)["act/mid"], run.read(1)["act/emb"]
        )
        return
    head, emb = frame.values["head"], frame.values["emb"]
    np.testing.assert_array_equal(head, emb)  # (NaN padding in both alike)
    shown = np.abs(head[np.isfinite(head)]).max()
    truth = {
        "weights": seen[1]["emb.weight"][0],
        "gradients": seen[1]["emb.weight"][1],
        "change": seen[1]["emb.weight"][0] - seen[0]["emb.weight"][0],
        "change-from-start": seen[1]["emb.weight"][0] - seen[0]["emb.weight"][0],
    }.get(mode)
    assert shown > 1e-3  # a real value, never a blank block
    if truth is not None:
        assert shown == pytest.approx(float(truth.abs().max()), rel=2e-2)


def test_change_export_from_the_command_line(tied, tmp_path):
    from nnvox.cli.main import main

    run, _ = tied
    for mode in ("change", "change-from-start", "weights"):
        assert main(["export", str(run.path), str(tmp_path / f"{mode}.png"), "--mode", mode]) in (0, None)
        assert (tmp_path / f"{mode}.png").stat().st_size > 0


def test_stored_once_halves_a_tied_run(tmp_path):
    """The tied run's snapshots are smaller by about one copy of the shared weight and its gradient."""
    tied_run, _ = _train(TiedHead(vocab=500, width=32), tmp_path / "tied", epochs=2)
    untied_run, _ = _train(Untied(vocab=500, width=32), tmp_path / "untied", epochs=2)
    weight = 500 * 32 * 2  # fp16 bytes of one copy
    saved = untied_run.snapshots[1].bytes - tied_run.snapshots[1].bytes
    assert saved >= 2 * weight * 0.9  # the weight and its gradient, stored once


def test_gradients_before_the_first_backward_and_a_reduced_tied_weight(tmp_path):
    run, _ = _train(TiedHead(vocab=64, width=32), tmp_path / "r", before_backward=True, weight_budget=256)
    assert run.reduced["param/head.weight"] == run.reduced["param/emb.weight"]
    assert not any(k.startswith("grad/") for k in run.keys(0))  # no backward yet: no gradient, no alias of one
    assert run.read(0, ["param/head.weight"])["param/head.weight"].size <= 256
    for mode in MODES:
        frame = build_scene(run, SceneOptions(mode=mode)).frame_at(0.0)
        if mode != "activations":
            np.testing.assert_array_equal(frame.values["head"], frame.values["emb"])


def test_a_module_registered_twice(tmp_path):
    run, _seen = _train(Twice(), tmp_path / "r", probe=(torch.randn(4, 4), torch.tensor([0, 1, 2, 0])))
    assert "param/b.weight" not in _stored_keys(run)
    np.testing.assert_array_equal(run.read(2)["param/b.weight"], run.read(2)["param/a.weight"])
    for mode in MODES:
        build_scene(run, SceneOptions(mode=mode)).frame_at(1.5)


def test_identity_output_stored_once_read_under_both_names(tied):
    run, _ = tied
    assert "act/mid" not in _stored_keys(run)
    both = run.read(0, ["act/mid", "act/emb"])
    np.testing.assert_array_equal(both["act/mid"], both["act/emb"])
    np.testing.assert_array_equal(run.read(0, ["act/mid"], sample=2)["act/mid"], both["act/emb"][2])


def test_the_same_tensor_object_is_copied_once():
    """What the tracer hands over for an alias (outputs[b] is outputs[a]) crosses to the writer once."""
    t, other = torch.randn(2, 3), torch.randn(2, 3)
    aliases = {}
    out = _copies({"act/a": t, "act/b": t, "act/c": other, "param/w": t}, {}, {}, aliases)
    assert set(out) == {"act/a", "act/c", "param/w"} and aliases == {"act/b": "act/a"}  # kinds never mix


def test_writer_stores_an_alias_once_and_the_reader_finds_it(tmp_path):
    tied_run, _ = _train(TiedHead(), tmp_path / "src", epochs=1)
    manifest = json.loads((tied_run.path / "manifest.json").read_text())
    manifest.update(snapshots=[], schema=SCHEMA_VERSION)
    out = tmp_path / "w"
    out.mkdir()
    writer = RunWriter(out)
    writer.header(manifest, tied_run.probe_inputs, tied_run.probe_labels)
    tensors = {
        k: v for k, v in tied_run.read(0).items() if k not in ("act/mid", "param/head.weight", "grad/head.weight")
    }
    writer.snapshot(
        {
            "index": 0,
            "epoch": 0,
            "step": None,
            "metrics": {},
            "aliases": {
                "act/mid": "act/emb",
                "param/head.weight": "param/emb.weight",
                "grad/head.weight": "grad/emb.weight",
            },
        },
        tensors,
    )
    writer.close()
    run = nnvox.open_run(out)
    assert len(_stored_keys(run)) == len(tensors)
    got = run.read(0)
    for alias, target in (("act/mid", "act/emb"), ("param/head.weight", "param/emb.weight")):
        np.testing.assert_array_equal(got[alias], got[target])
    assert run.stats(0)["param/head.weight"] == run.stats(0)["param/emb.weight"]  # summarised under each name
    assert run.snapshots[0].grad_norms["head.weight"] == run.snapshots[0].grad_norms["emb.weight"]


def test_a_run_sharing_nothing_keeps_schema_1_and_no_alias_table(tmp_path):
    model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    run, _ = _train(model, tmp_path / "r", epochs=2, probe=(torch.randn(4, 4), torch.tensor([0, 1, 2, 0])))
    assert json.loads((run.path / "manifest.json").read_text())["schema"] == 1
    with safe_open(str(run.path / run.snapshots.file(1)), framework="numpy") as f:
        assert ALIASES_KEY not in (f.metadata() or {})


def test_resume_a_tied_run(tmp_path):
    run, _ = _train(TiedHead(), tmp_path / "r", epochs=2)
    model = TiedHead()
    assert _restore_weights(model, run.path) == 1  # the tied weight loads once, under its first name
    np.testing.assert_array_equal(model.head.weight.detach().numpy(), run.read(1)["param/emb.weight"])
    with Recorder(
        model, probe=torch.zeros(1, 5, dtype=torch.long), out=run.path, resume=True
    ) as rec:  # (its own probe)
        rec.snapshot(epoch=2)
    run = nnvox.open_run(run.path)
    assert "since_start/param/head.weight" in run.stats(2)  # the change summaries carry on under both names


# ---- a hostile alias table: one line, never a crash or a wrong tensor ----------------------------------

HOSTILE = {
    "missing target": ({"act/mid": "act/nothing"}, "does not store"),
    "chain": ({"act/mid": "act/x", "act/x": "act/emb"}, "does not store"),
    "cycle": ({"act/x": "act/y", "act/y": "act/x"}, "does not store"),
    "shadows a tensor": ({"act/emb": "act/head"}, "also a tensor the file stores"),
    "another kind": ({"act/mid": "param/emb.weight"}, "another kind"),
    "unknown kind": ({"weird/mid": "act/emb"}, "another kind"),
    "not text": ({"act/mid": 3}, "must be text"),
    "not an object": (["act/mid", "act/emb"], "must be a JSON object"),
    "too many": ({f"act/x{i}": "act/emb" for i in range(MAX_ALIASES + 1)}, "at most"),
    "wrong shape": ({"act/mid": "act/mean"}, "shape"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_alias_table_is_refused_in_one_line(tied, tmp_path, case):
    import shutil

    table, reason = HOSTILE[case]
    run_dir = tmp_path / "r"
    shutil.copytree(tied[0].path, run_dir)
    snap = run_dir / "snapshot-00000.safetensors"
    with safe_open(str(snap), framework="numpy") as f:
        tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (a safe_open is not iterable)
        metadata = dict(f.metadata())
    metadata[ALIASES_KEY] = json.dumps(table)
    save_file(tensors, str(snap), metadata=metadata)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["snapshots"][0]["bytes"] = snap.stat().st_size
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    run = nnvox.open_run(run_dir)
    with pytest.raises(RunFileError, match=reason) as err:
        run.read(0, ["act/mid"])
    assert "\n" not in str(err.value)

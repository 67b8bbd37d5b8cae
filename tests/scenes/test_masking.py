"""A deliberate -Inf mask before a softmax is no fault: not on the HUD, drawn at the scale's low end.
NaN anywhere, +Inf, and -Inf reaching anything but a softmax still are."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.capture.architecture import Architecture, Node
from nnvox.capture.json_checks import Invalid
from nnvox.capture.masking import SOFTMAX_KINDS, softmax_fed
from nnvox.capture.recorder import Recorder
from nnvox.capture.run import Run, open_run
from nnvox.capture.run_format import NONFINITE_KINDS_KEY, parse_metadata
from nnvox.scenes.build import build_scene

HIDDEN = 6
MASKED = slice(3, None)  # the scores of units 3.. are masked


class Scores(nn.Module):
    """Scores, masked_fill(mask, fill), a softmax over them, a readout: nanoGPT's slow path in one row.
    `leak`: the masked scores also reach the output past the softmax."""

    def __init__(self, fill=float("-inf"), leak=False, nan=False):
        super().__init__()
        torch.manual_seed(0)
        self.q = nn.Linear(4, HIDDEN)
        self.out = nn.Linear(HIDDEN, 3)
        self.fill, self.leak = fill, leak
        if nan:
            with torch.no_grad():
                self.q.bias[0] = float("nan")  # a fault among the unmasked scores

    def forward(self, x):
        mask = torch.arange(HIDDEN) >= 3
        scores = self.q(x).masked_fill(mask, self.fill)
        y = self.out(torch.softmax(scores, dim=-1))
        return y + scores[:, 3:].sum(-1, keepdim=True) if self.leak else y


def record(tmp_path, model) -> Run:
    rec = Recorder(
        model,
        probe=(torch.randn(2, 4, generator=torch.Generator().manual_seed(1)), [0, 1]),
        out=tmp_path / "run",
        background=False,
    )
    rec.snapshot(epoch=0)
    rec.snapshot(epoch=1)
    rec.close()
    return open_run(tmp_path / "run")


def test_a_softmax_mask_is_not_flagged_and_draws_at_the_low_end(tmp_path):
    run = record(tmp_path, Scores())
    assert run.nonfinite(0) == {"act/masked_fill": 6}  # still counted: two samples, three masked each
    assert run.nonfinite_kinds(0) == {"act/masked_fill": [0, 0, 6]}
    scene = build_scene(run)
    block = scene.block("masked_fill")
    assert block.scale.lo < block.scale.hi and np.isfinite([block.scale.lo, block.scale.hi]).all()
    for t in (0, 0.5, 1):
        frame = scene.frame_at(t, sample=0)
        assert "NaN/Inf" not in frame.hud
        values = frame.values["masked_fill"].ravel()[:HIDDEN]
        assert (values[MASKED] == block.scale.lo).all() and np.isfinite(values).all()
        q = block.scale.quantise(values)
        assert (q[MASKED] == 2).all() and (q[:3] >= 2).all()  # the low end, not magenta (1)
    softmax = scene.frame_at(0, sample=0).values["softmax"].ravel()[:HIDDEN]
    assert (softmax[MASKED] == 0).all()  # what the mask meant


@pytest.mark.parametrize(
    "model, flagged",
    [
        (Scores(leak=True), "masked_fill"),  # -Inf that also reaches another operation, and the output
        (Scores(fill=float("inf")), "masked_fill"),  # +Inf: a softmax turns it into NaN
        (Scores(nan=True), "masked_fill"),  # NaN among the masked scores
    ],
    ids=["inf-reaches-output", "plus-inf", "nan"],
)
def test_faults_are_still_flagged_and_magenta(tmp_path, model, flagged):
    run = record(tmp_path, model)
    scene = build_scene(run)
    frame = scene.frame_at(0, sample=0)
    assert "NaN/Inf (magenta) in" in frame.hud
    assert flagged in frame.hud.split("NaN/Inf (magenta) in", 1)[1]
    values = frame.values[flagged].ravel()[:HIDDEN]
    assert np.isinf(values[MASKED]).all()  # magenta, not the scale's low end
    assert (scene.block(flagged).scale.quantise(values)[MASKED] == 1).all()


def test_inf_reaching_the_output_is_flagged(tmp_path):
    run = record(tmp_path, Scores(leak=True))
    hud = build_scene(run).frame_at(1).hud
    out = [n.name for n in run.architecture.nodes][-1]
    assert np.isinf(run.read(1, [f"act/{out}"])[f"act/{out}"]).all()
    assert out in hud.split("NaN/Inf (magenta) in", 1)[1]


def test_runs_written_before_the_kinds_were_counted_are_judged_as_before(tmp_path, monkeypatch):
    run = record(tmp_path, Scores())
    monkeypatch.setattr(Run, "nonfinite_kinds", lambda self, index: None)  # what an older run's header gives
    frame = build_scene(run).frame_at(0, sample=0)
    assert "NaN/Inf (magenta) in masked_fill" in frame.hud
    assert np.isinf(frame.values["masked_fill"].ravel()[:HIDDEN][MASKED]).all()


def test_only_nodes_that_feed_softmaxes_alone_are_masks():
    nodes = tuple(
        Node(n, k, (4,))
        for n, k in [
            ("input", "Input"),
            ("fill", "masked_fill"),
            ("sm", "softmax"),
            ("sdpa_mask", "add"),
            ("attn", "scaled_dot_product_attention"),
            ("both", "masked_fill"),
            ("lsm", "LogSoftmax"),
            ("lin", "Linear"),
        ]
    )
    edges = (
        ("input", "fill"),
        ("fill", "sm"),
        ("input", "sdpa_mask"),
        ("sdpa_mask", "attn"),
        ("sm", "lin"),
        ("input", "both"),
        ("both", "lsm"),
        ("both", "lin"),
        ("attn", "lin"),
    )
    assert softmax_fed(Architecture(nodes, edges)) == {"fill", "sdpa_mask"}
    assert {"softmax", "log_softmax", "Softmax", "LogSoftmax", "scaled_dot_product_attention"} <= SOFTMAX_KINDS


@pytest.mark.parametrize(
    "stored", ['{"act/a": [1, 2]}', '{"act/a": [0, -1, 2]}', '{"act/a": 3}', '{"act/a": [0, 0, NaN]}']
)
def test_hostile_kind_counts_are_refused(stored):
    with pytest.raises(Invalid):
        parse_metadata(NONFINITE_KINDS_KEY, stored)
    assert parse_metadata(NONFINITE_KINDS_KEY, json.dumps({"act/a": [0, 1, 2]})) == {"act/a": [0, 1, 2]}


class CausalSelfAttention(nn.Module):
    """nanoGPT's slow path: scores masked with -Inf above the diagonal, then a softmax."""

    def __init__(self, t=8, c=16, heads=2):
        super().__init__()
        torch.manual_seed(0)
        self.emb, self.qkv, self.head, self.heads = nn.Linear(4, c), nn.Linear(c, 3 * c), nn.Linear(c, 3), heads
        self.register_buffer("bias", torch.tril(torch.ones(t, t)).view(1, 1, t, t))

    def forward(self, x):
        x = self.emb(x)
        b, t, c = x.shape
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in self.qkv(x).split(c, dim=2))
        att = (q @ k.transpose(-2, -1)) * (1.0 / (k.size(-1) ** 0.5))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = torch.nn.functional.softmax(att, dim=-1)
        return self.head((att @ v).transpose(1, 2).reshape(b, t, c).mean(1))


def test_nanogpt_attention_masks_are_not_faults(tmp_path):
    rec = Recorder(
        CausalSelfAttention(),
        probe=(torch.randn(2, 8, 4, generator=torch.Generator().manual_seed(2)), [0, 1]),
        out=tmp_path / "run",
        background=False,
    )
    rec.snapshot(epoch=0)
    rec.close()
    run = open_run(tmp_path / "run")
    (key,) = run.nonfinite(0)
    assert key.startswith("act/") and "masked_fill" in key
    assert run.nonfinite_kinds(0) == {key: [0, 0, 2 * 2 * 28]}  # 2 samples x 2 heads x 28 above the diagonal
    scene = build_scene(run)
    frame = scene.frame_at(0, sample=1)
    assert "NaN/Inf" not in frame.hud
    (block,) = [b for b in scene.blocks if b.key == key]
    values = frame.values[block.name]
    assert not np.isinf(values).any()
    assert 1 not in block.scale.quantise(values.ravel())  # no magenta voxel

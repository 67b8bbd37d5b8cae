"""What a voxel of a sequence layer depends on, against autograd's own answer: the input tokens (or
a signal's positions) whose gradient reaches it. Known answers must be exact (a causal model's
token t: tokens 0..t; an encoder's: all; an LSTM's step t: steps 0..t; a mask: the keys it keeps),
and a dependence nnvox cannot follow is said, never guessed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nnvox.errors import NnvoxError
from nnvox.scenes.dependence import describe
from nnvox.scenes.inspect import inspect_voxel
from tests.scenes.test_layout_graphs import run_of

T, VOCAB = 10, 20


class Attention(nn.Module):
    """nanoGPT's block on F.scaled_dot_product_attention: causal, bidirectional, or with a mask."""

    def __init__(self, d=16, heads=2, causal=True, mask=None, manual=False):
        super().__init__()
        self.emb, self.pos = nn.Embedding(VOCAB, d), nn.Embedding(T, d)
        self.ln, self.qkv, self.proj = nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ln2, self.fc, self.act, self.out = nn.LayerNorm(d), nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d)
        self.head = nn.Linear(d, VOCAB)
        self.d, self.heads, self.causal, self.manual = d, heads, causal, manual
        self.register_buffer("mask", mask)

    def forward(self, idx):
        b, t = idx.shape
        x = self.emb(idx) + self.pos(torch.arange(t))
        q, k, v = self.qkv(self.ln(x)).split(self.d, dim=2)
        q, k, v = (a.view(b, t, self.heads, self.d // self.heads).transpose(1, 2) for a in (q, k, v))
        if self.manual:  # scores, softmax, matmul: no maps recorded for this path
            att = (q @ k.transpose(-2, -1)) / 4.0
            y = att.softmax(dim=-1) @ v
        else:
            y = F.scaled_dot_product_attention(
                q, k, v, is_causal=self.causal and self.mask is None, attn_mask=self.mask
            )
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, self.d))
        x = x + self.out(self.act(self.fc(self.ln2(x))))
        return self.head(x)


class Recurrent(nn.Module):
    def __init__(self, cell=nn.LSTM, bidirectional=False):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8)
        self.rnn = cell(8, 12, num_layers=2, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(24 if bidirectional else 12, VOCAB)

    def forward(self, idx):
        out, _ = self.rnn(self.emb(idx))
        return self.head(out)


class Signal(nn.Module):
    """Whisper's encoder, small: 1-D convolutions over a spectrogram's frames, then attention."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv1d(4, 8, 3, padding=1), nn.Conv1d(8, 8, 3, stride=2, padding=1)
        self.fc, self.qkv, self.proj = nn.Linear(8, 8), nn.Linear(8, 24), nn.Linear(8, 8)

    def forward(self, x):
        h = F.gelu(self.conv2(F.gelu(self.conv1(x)))).permute(0, 2, 1)
        h = self.fc(h)
        q, k, v = self.qkv(h).split(8, dim=2)
        return self.proj(F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)).squeeze(1))


def _truth(model, x: torch.Tensor, module: str, coords: tuple[int, ...], source: str | None) -> tuple[int, ...]:
    """The input positions with a gradient into the module's output at `coords` (one sample): rows
    of the embedding's output for token models (`source`), columns of a float input else."""
    model = model.eval()
    seen = {}
    hooks = [
        model.get_submodule(module).register_forward_hook(
            lambda m, i, o: seen.__setitem__("out", o[0] if isinstance(o, tuple) else o)
        )
    ]
    if source is not None:

        def keep(m, i, o):
            o.retain_grad()
            seen["in"] = o

        hooks.append(model.get_submodule(source).register_forward_hook(keep))
    else:
        x = x.clone().requires_grad_(True)
    model(x)
    for h in hooks:
        h.remove()
    seen["out"][(0, *coords)].backward()
    grad = (seen["in"].grad[0] if source is not None else x.grad[0].T).abs().sum(axis=-1)  # per position
    return tuple(np.flatnonzero(grad.detach().numpy() > 0).tolist())


def _record(model, x, tmp_path):
    torch.manual_seed(1)
    return run_of(model, x, tmp_path / "run")


def _check_every_module(run, model, x, source, sample=0) -> int:
    """Every module layer whose positions nnvox names gets them exactly; returns how many were checked."""
    checked = 0
    for node in run.architecture.nodes:
        if node.module is None or len(node.shape) != 2 or node.kind == "Input":
            continue
        for t in (0, node.shape[0] // 2, node.shape[0] - 1):
            v = inspect_voxel(run, 0, node.name, t, (1,), sample=sample)
            if v.seen.positions is None:
                continue
            truth = _truth(model, x[sample : sample + 1], node.module, (t, 1), source)
            assert v.seen.positions == truth, f"{node.name} at {t}: {v.seen.note}; autograd: {truth}"
            checked += 1
    return checked


@pytest.mark.parametrize(
    ("causal", "expected"), [(True, lambda t: tuple(range(t + 1))), (False, lambda t: tuple(range(T)))]
)
def test_attention_sees_what_its_maps_say(tmp_path, causal, expected):
    torch.manual_seed(0)
    model = Attention(causal=causal)
    x = torch.randint(0, VOCAB, (4, T))
    run = _record(model, x, tmp_path)
    before = inspect_voxel(run, 0, "qkv", 5, (3,))
    assert before.axes == ("token", "feature") and before.where == "token 5, feature 3"
    assert before.seen.positions == (5,) and "token 5 only" in before.seen.note  # nothing mixed tokens yet
    after = inspect_voxel(run, 0, "head", 5, (3,))
    assert after.seen.positions == expected(5) and "recorded maps" in after.seen.note
    assert after.group == "feature 3 over 10 tokens"
    assert _check_every_module(run, model, x, "emb") >= 15


def test_a_mask_hides_the_keys_it_masks(tmp_path):
    """Keys 2 and 3 are masked for every other query: later tokens do not see them."""
    allowed = torch.tril(torch.ones(T, T, dtype=torch.bool))
    allowed[:, 2:4] = False
    allowed |= torch.eye(T, dtype=torch.bool)
    torch.manual_seed(0)
    model = Attention(mask=allowed)
    x = torch.randint(0, VOCAB, (4, T))
    run = _record(model, x, tmp_path)
    assert inspect_voxel(run, 0, "proj", 6, (0,), sample=2).seen.positions == (0, 1, 4, 5, 6)
    assert _check_every_module(run, model, x, "emb", sample=2) >= 15


@pytest.mark.parametrize(
    ("cell", "bidirectional"), [(nn.LSTM, False), (nn.GRU, False), (nn.LSTM, True), (nn.RNN, True)]
)
def test_a_recurrent_step_sees_the_steps_before_it(tmp_path, cell, bidirectional):
    torch.manual_seed(0)
    model = Recurrent(cell, bidirectional)
    x = torch.randint(0, VOCAB, (4, T))
    run = _record(model, x, tmp_path)
    v = inspect_voxel(run, 0, "rnn", 3, (5,))
    assert v.where == "token 3, feature 5"
    assert v.seen.positions == (tuple(range(T)) if bidirectional else (0, 1, 2, 3))
    assert ("every token" if bidirectional else "tokens up to its own") in v.seen.note
    assert _check_every_module(run, model, x, "emb") >= 6


def test_a_signal_sees_its_convolutions_windows_then_all_frames(tmp_path):
    torch.manual_seed(0)
    model = Signal()
    x = torch.randn(4, 4, 20)
    run = _record(model, x, tmp_path)
    conv = inspect_voxel(run, 0, "conv2", 2, (3,))
    assert conv.axes == ("channel", "position") and conv.seen.positions == (4, 5, 6, 7, 8) and conv.seen.axis == 1
    assert "windows" in conv.seen.note
    assert inspect_voxel(run, 0, "fc", 3, (2,)).seen.positions == (4, 5, 6, 7, 8)  # after the permute: the same frames
    assert inspect_voxel(run, 0, "proj", 3, (2,)).seen.positions == tuple(range(20))
    assert _check_every_module(run, model, x, None) >= 6
    for layer, t in (("conv1", 0), ("conv2", 9)):  # the convolutions' own (channels x positions) layout
        v = inspect_voxel(run, 0, layer, 1, (t,))
        assert v.seen.positions == _truth(model, x[:1], layer, (1, t), None)


def test_what_is_not_followed_is_said_not_guessed(tmp_path):
    """Attention computed by hand (matmul, softmax) records no maps: which tokens it mixes is not
    known, so no region is given for any layer after it, and the note says why."""
    torch.manual_seed(0)
    model = Attention(manual=True)
    x = torch.randint(0, VOCAB, (4, T))
    run = _record(model, x, tmp_path)
    assert inspect_voxel(run, 0, "qkv", 4, (0,)).seen.positions == (4,)
    for layer in ("proj", "fc", "head"):
        v = inspect_voxel(run, 0, layer, 4, (0,))
        assert v.seen.positions is None and v.seen.box is None and not v.seen.shown
        assert v.seen.note.startswith("no input region shown:") and "\n" not in v.seen.note
        assert "matmul" in v.seen.note or "softmax" in v.seen.note
    assert _check_every_module(run, model, x, "emb") >= 6


def test_voxel_coordinates_are_one_number_an_axis_said_by_the_layer(tmp_path):
    torch.manual_seed(0)
    run = _record(Attention(), torch.randint(0, VOCAB, (4, T)), tmp_path)
    with pytest.raises(
        NnvoxError,
        match=r"layer 'qkv' is tokens × features \(10 × 48\): give --voxel TOKEN,FEATURE "
        r"\(two numbers, e\.g\. --voxel 2,2\), not 0,5,3",
    ):
        inspect_voxel(run, 0, "qkv", 0, (5, 3))
    with pytest.raises(NnvoxError, match=r"give --voxel TOKEN,FEATURE .*, not 3$"):
        inspect_voxel(run, 0, "qkv", 3)
    with pytest.raises(NnvoxError, match=r"token 12 is out of range; 'qkv' has 10 \(tokens × features"):
        inspect_voxel(run, 0, "qkv", 12, (0,))
    with pytest.raises(NnvoxError, match=r"feature 48 is out of range; 'qkv' is tokens × features \(10 × 48\)"):
        inspect_voxel(run, 0, "qkv", 0, (48,))
    maps = next(n.name for n in run.architecture.nodes if n.kind == "AttentionMaps")
    with pytest.raises(NnvoxError, match=r"is heads × queries × keys \(2 × 10 × 10\): give --voxel HEAD,QUERY,KEY"):
        inspect_voxel(run, 0, maps, 0)
    v = inspect_voxel(run, 0, maps, 1, (6, 2))
    assert v.where == "head 1, query 6, key 2" and v.seen.positions == tuple(range(7))


def test_describe_positions():
    assert describe((5,), 10) == "token 5"
    assert describe(tuple(range(10)), 10) == "all 10 tokens"
    assert describe((0, 1, 2, 3, 7), 10) == "tokens 0–3, 7"
    assert describe((0, 1, 4, 5), 16, "positions") == "positions 0–1, 4–5"


def test_a_clicked_cell_of_a_sequence_layer_is_its_token_and_feature(tmp_path):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.inspect import voxel_at

    torch.manual_seed(0)
    run = _record(Attention(), torch.randint(0, VOCAB, (4, T)), tmp_path)
    block = build_scene(run).block("qkv")
    assert (block.rows, block.cols) == (T, 48)
    row, col = 6, 17
    y = block.origin[1] + block.cols * block.voxel / 2 - (col + 0.5) * block.voxel
    z = block.origin[2] + block.rows * block.voxel / 2 - (row + 0.5) * block.voxel
    shape = run.architecture.node("qkv").shape
    assert voxel_at(block, (block.origin[0], y, z), shape) == ("qkv", row, (col,))
    assert inspect_voxel(run, 0, *voxel_at(block, (block.origin[0], y, z), shape)).where == "token 6, feature 17"
    assert voxel_at(block, (block.origin[0], y, z)) == ("qkv", row * 48 + col, ())  # (without the shape: a flat index)

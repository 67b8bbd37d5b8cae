import itertools

import pytest
import torch
from torch import nn

from nnvox.capture.trace import OutputCapture, trace
from nnvox.errors import NnvoxError
from nnvox.models.nets import DigitsCNN
from tests.real_models.facts import ancestors


def test_cnn_graph_nodes_edges_and_shapes():
    arch = trace(DigitsCNN(), torch.zeros(3, 1, 8, 8)).architecture
    names = [n.name for n in arch.nodes]
    assert names == ["input", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2"]
    assert list(arch.edges) == list(itertools.pairwise(names))
    assert arch.node("pool2").shape == (16, 2, 2)
    assert arch.node("conv1").params == {"conv1.weight": (8, 1, 3, 3), "conv1.bias": (8,)}


def test_outputs_equal_direct_computation_and_survive_inplace_ops():
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(inplace=True), nn.Linear(5, 2))
    x = torch.randn(6, 4)
    result = trace(model, x)
    with torch.no_grad():
        pre = model[0](x)
    # ReLU(inplace=True) overwrote the Linear's output tensor; the recorded copy keeps the pre-activation.
    torch.testing.assert_close(result.outputs["0"], pre)
    torch.testing.assert_close(result.outputs["1"], pre.clamp(min=0))


class _Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(3, 3)

    def forward(self, x):
        return self.shared(torch.tanh(self.shared(x)))


def test_a_module_called_twice_gives_two_nodes():
    arch = trace(_Twice(), torch.zeros(1, 3)).architecture
    assert [n.name for n in arch.nodes] == ["input", "shared", "tanh", "shared#2"]
    assert list(arch.edges) == [("input", "shared"), ("shared", "tanh"), ("tanh", "shared#2")]


def test_forward_failure_names_the_layer_and_shape():
    model = nn.Sequential(nn.Linear(4, 5), nn.Linear(7, 2))
    with pytest.raises(NnvoxError, match=r"in layer '1' \(Linear\), which got input of shape \(2, 5\)"):
        trace(model, torch.zeros(2, 4))


def test_attention_maps_per_head_are_recorded():
    from tests.capture.zoo import Attention

    torch.manual_seed(0)
    model, x = Attention(), torch.randn(3, 5, 8)
    result = trace(model, x)
    maps = result.outputs["attn.maps"]
    assert result.architecture.node("attn.maps").shape == (2, 5, 5)  # heads x queries x keys
    torch.testing.assert_close(maps.sum(-1), torch.ones(3, 2, 5))  # each query's weights sum to one
    _, expected = model.attn(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(maps, expected.detach())


class _SequenceFirst(nn.Module):
    """nn.LSTM without batch_first: its output is (time, batch, hidden)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):  # x: (batch, time, features)
        out, _ = self.lstm(x.transpose(0, 1))
        return self.fc(out[-1])


class _Positions(nn.Module):
    """GPT-style: a position embedding of arange(T), which no sample owns, added to the tokens'."""

    def __init__(self):
        super().__init__()
        self.tokens, self.positions, self.head = nn.Embedding(10, 8), nn.Embedding(5, 8), nn.Linear(8, 2)

    def forward(self, ids):
        return self.head((self.tokens(ids) + self.positions(torch.arange(ids.shape[1])))[:, -1])


def test_outputs_are_per_sample_whatever_axis_the_batch_is_on():
    from nnvox.capture.trace import OutputCapture

    torch.manual_seed(0)
    model, x = _SequenceFirst(), torch.randn(3, 7, 4)
    result = trace(model, x)
    with torch.no_grad():
        expected = model.lstm(x.transpose(0, 1))[0].transpose(0, 1)
    assert result.architecture.node("lstm").shape == (7, 6)  # time x hidden, per sample
    torch.testing.assert_close(result.outputs["lstm"], expected)

    model, ids = _Positions(), torch.randint(0, 10, (3, 5))
    result = trace(model, ids)
    arch = result.architecture
    assert arch.node("positions").shape == (5, 8)  # the whole table, not one row per "sample"
    assert ("input", "positions") not in arch.edges and ("positions", "add") in arch.edges  # fed by nothing traced
    table = model.positions.weight.detach()
    for k in range(3):
        torch.testing.assert_close(result.outputs["positions"][k], table)
    outputs, changed = OutputCapture(model, ids)(ids)  # the recorder's per-snapshot capture agrees
    assert not changed and outputs["positions"].shape == (3, 5, 8)

    class TimeFirst(nn.Module):
        def forward(self, x):
            return x.transpose(0, 1)

    model, x = nn.Sequential(nn.Linear(4, 4), TimeFirst()), torch.randn(3, 7, 4)
    capture = OutputCapture(model, x)  # modules only: captured by plain hooks
    assert not capture.functional and capture.architecture.node("1").shape == (7, 4)
    outputs, changed = capture(x)
    assert not changed
    torch.testing.assert_close(outputs["1"], outputs["0"])


# --- real-model patterns: every output, every source, the batch found, maps channels first ---------


class _FusedQKV(nn.Module):
    """nanoGPT's attention: one projection split into q, k and v, scaled_dot_product_attention."""

    def __init__(self, d=8, heads=2):
        super().__init__()
        self.c_attn, self.c_proj, self.heads, self.d = nn.Linear(d, 3 * d), nn.Linear(d, d), heads, d

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        y = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


def test_each_output_of_a_split_reaches_the_attention_with_causal_maps():
    torch.manual_seed(0)
    model, x = _FusedQKV(), torch.randn(3, 5, 8)
    result = trace(model, x)
    arch = result.architecture
    sources = arch.predecessors("scaled_dot_product_attention")
    assert len(sources) == 3  # q, k and v, each from its own output of the split
    roots = [sorted(n for n in ancestors(arch, s) | {s} if n.startswith("split")) for s in sources]
    assert roots == [["split"], ["split[1]"], ["split[2]"]]
    v = model.c_attn(x).split(8, dim=2)[2]
    torch.testing.assert_close(result.outputs["split[2]"], v)
    maps = result.outputs["scaled_dot_product_attention.maps"]
    assert arch.node("scaled_dot_product_attention.maps").shape == (2, 5, 5)
    torch.testing.assert_close(maps.sum(-1), torch.ones(3, 2, 5))
    assert float(maps.triu(1).abs().max()) == 0.0  # causal: no query looks ahead


class _TopK(nn.Module):
    def forward(self, x):
        values, indices = x.topk(2, dim=1)
        return values * 2 + torch.gather(x, 1, indices)


def test_indices_are_no_node_but_keep_their_source():
    arch = trace(_TopK(), torch.randn(4, 6)).architecture
    assert [n.kind for n in arch.nodes] == ["Input", "topk", "mul", "gather", "add"]
    assert arch.predecessors("gather") == ["input", "topk"]  # x, and the indices of x's topk
    assert arch.predecessors("add") == ["mul", "gather"]


class _TokenTypes(nn.Module):
    """BERT's embeddings: token types from a zeros buffer and positions from a buffer, each embedded."""

    def __init__(self):
        super().__init__()
        self.words, self.positions, self.types = nn.Embedding(20, 8), nn.Embedding(6, 8), nn.Embedding(2, 8)
        self.register_buffer("position_ids", torch.arange(6).expand(1, -1))
        self.register_buffer("token_type_ids", torch.zeros(1, 6, dtype=torch.long))

    def forward(self, ids):
        T = ids.shape[1]
        types = self.token_type_ids[:, :T].expand(ids.shape[0], T)
        return self.words(ids) + self.types(types) + self.positions(self.position_ids[:, :T])


class _Masked(nn.Module):
    """BERT's attention given the model's attention_mask input (integers, made boolean)."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(8, 24)

    def forward(self, x, attention_mask):
        q, k, v = self.qkv(x).unflatten(-1, (3, 2, 4)).transpose(1, 3).unbind(2)
        mask = attention_mask[:, None, None, :].bool()
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def test_a_mask_input_feeds_the_attention_under_its_own_name():
    mask = torch.ones(2, 5, dtype=torch.long)
    mask[1, 3:] = 0
    result = trace(_Masked(), {"x": torch.randn(2, 5, 8), "attention_mask": mask})
    arch = result.architecture
    assert [n.name for n in arch.nodes if n.kind == "Input"] == ["input", "input.attention_mask"]
    assert "input.attention_mask" in arch.predecessors("scaled_dot_product_attention")
    maps = result.outputs["scaled_dot_product_attention.maps"]
    assert float(maps[1, :, :, 3:].abs().max()) == 0.0  # no query looks at a padded key


@pytest.mark.parametrize("batch", [1, 4])
def test_embeddings_of_buffers_get_no_invented_source_at_any_batch(batch):
    arch = trace(_TokenTypes(), torch.randint(0, 20, (batch, 5))).architecture
    assert arch.predecessors("types") == [] and arch.predecessors("positions") == []
    assert arch.predecessors("words") == ["input"]
    assert arch.node("positions").shape == (5, 8) and arch.node("types").shape == (5, 8)


def test_the_same_graph_at_batch_one_and_four():
    for model, make in (
        (_FusedQKV(), lambda b: torch.randn(b, 5, 8)),
        (_Positions(), lambda b: torch.randint(0, 10, (b, 5))),
        (_SequenceFirst(), lambda b: torch.randn(b, 7, 4)),
    ):
        one, four = (trace(model, make(b)).architecture for b in (1, 4))
        assert one == four, type(model).__name__


class _WordLSTM(nn.Module):
    """The PyTorch examples' word language model: token ids (time, batch), nn.LSTM sequence-first."""

    def __init__(self):
        super().__init__()
        self.encoder, self.rnn, self.decoder = nn.Embedding(30, 8), nn.LSTM(8, 6, 2), nn.Linear(6, 30)

    def forward(self, ids, hidden=None):
        output, hidden = self.rnn(self.encoder(ids), hidden)
        return torch.log_softmax(self.decoder(output), dim=-1), hidden


@pytest.mark.parametrize("batch", [1, 3])
def test_a_sequence_first_model_has_its_batch_found_on_axis_one(batch):
    torch.manual_seed(0)
    model, ids = _WordLSTM().eval(), torch.randint(0, 30, (12, batch))  # 12 time steps
    result = trace(model, ids)
    assert result.shaping.batch_dim == 1
    arch = result.architecture
    assert arch.node("input").shape == (12,) and arch.node("rnn").shape == (12, 6)
    with torch.no_grad():
        expected = model.rnn(model.encoder(ids))[0].transpose(0, 1)
    torch.testing.assert_close(result.outputs["rnn"], expected)


class _ChannelsLastBlock(nn.Module):
    """ConvNeXt's block: depthwise conv, then LayerNorm and an MLP over channels on (N, H, W, C)."""

    def __init__(self, c=4):
        super().__init__()
        self.dwconv, self.norm, self.pw = nn.Conv2d(c, c, 3, padding=1, groups=c), nn.LayerNorm(c), nn.Linear(c, 2 * c)

    def forward(self, x):
        y = self.pw(self.norm(self.dwconv(x).permute(0, 2, 3, 1)))
        return y.permute(0, 3, 1, 2)


def test_channels_last_maps_are_stored_channels_first():
    torch.manual_seed(0)
    model, x = _ChannelsLastBlock(), torch.randn(2, 4, 5, 7)  # H != W: no shape coincides
    result = trace(model, x)
    arch = result.architecture
    assert arch.node("permute").shape == (4, 5, 7) and arch.node("permute").layout == "HWC"
    assert arch.node("pw").shape == (8, 5, 7) and arch.node("pw").layout == "HWC"
    assert arch.node("permute#2").shape == (8, 5, 7) and arch.node("permute#2").layout == ""
    torch.testing.assert_close(result.outputs["permute"], result.outputs["dwconv"])
    torch.testing.assert_close(result.outputs["pw"], result.outputs["permute#2"])
    assert arch == type(arch).from_json(arch.to_json())
    outputs, changed = OutputCapture(model, x)(x)  # each snapshot reads them the same way
    assert not changed and outputs["pw"].shape == (2, 8, 5, 7)


def test_an_identity_output_is_one_copy():
    model = nn.Sequential(nn.Linear(3, 3), nn.Identity(), nn.ReLU(inplace=True))
    outputs = trace(model, torch.randn(2, 3)).outputs
    assert outputs["1"] is outputs["0"] and outputs["2"] is not outputs["0"]


def test_a_batch_dim_a_layer_contradicts_is_refused():
    ids = torch.randint(0, 30, (12, 3))
    with pytest.raises(
        NnvoxError, match=r"^batch_dim 0 puts the samples where layer 'rnn' says they are not \(batch_first=False\)"
    ):
        trace(_WordLSTM().eval(), ids, batch_dim=0)
    assert trace(_WordLSTM().eval(), ids, batch_dim=1).architecture.node("rnn").shape == (12, 6)


class _CachesItsMask(nn.Module):
    """The word-language-model's TransformerModel keeps its causal mask on itself between calls."""

    def __init__(self):
        super().__init__()
        self.fc, self.src_mask, self.seen = nn.Linear(4, 4), None, {}

    def forward(self, x):
        if self.src_mask is None or self.src_mask.size(0) != x.shape[1]:
            self.src_mask = torch.triu(torch.ones(x.shape[1], x.shape[1]), 1)
        self.seen[x.shape[0]] = self.src_mask
        return self.fc(x) + self.src_mask.sum()


def test_the_shapes_only_pass_leaves_nothing_on_the_model():
    model = _CachesItsMask()
    trace(model, torch.randn(1, 5, 4))  # batch 1: the second pass runs on the meta device
    assert model.src_mask.device.type == "cpu" and set(model.seen) == {1}
    assert all(t.device.type == "cpu" for t in model.seen.values())
    model(torch.randn(3, 5, 4))  # the user's next call works


class _RefreshesItsTables(nn.Module):
    """Rotary tables and a history kept in a dict and a list that already hold tensors (T5 in
    transformers 4 caches that way): each call puts new tensors in place of the old ones."""

    def __init__(self):
        super().__init__()
        self.fc, self.tables, self.history = nn.Linear(4, 4), {"rope": torch.ones(5)}, [torch.zeros(5)]

    def forward(self, x):
        self.tables["rope"] = torch.arange(x.shape[1], dtype=x.dtype, device=x.device)
        self.history[0] = x.sum((0, 2))
        return self.fc(x) * self.tables["rope"][:, None]


def test_the_shapes_only_pass_puts_back_tensors_it_replaced():
    model = _RefreshesItsTables()
    trace(model, torch.randn(1, 5, 4))  # the meta pass replaced both with meta tensors
    assert model.tables["rope"].device.type == "cpu" and model.history[0].device.type == "cpu"
    model(torch.randn(3, 5, 4))

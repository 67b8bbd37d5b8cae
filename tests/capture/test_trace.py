import pytest
import torch
from torch import nn

from nnvox.capture.trace import trace
from nnvox.errors import NnvoxError
from nnvox.models.nets import DigitsCNN


def test_cnn_graph_nodes_edges_and_shapes():
    arch = trace(DigitsCNN(), torch.zeros(3, 1, 8, 8)).architecture
    names = [n.name for n in arch.nodes]
    assert names == ["input", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2"]
    assert list(arch.edges) == list(zip(names, names[1:]))
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

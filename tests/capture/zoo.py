"""A zoo of tiny models, one per edge case of graph capture. Each entry: (model, inputs, expected),
where expected lists node (name, kind) pairs in execution order and edges that must be present."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return x + self.fc(x)


class InplaceResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.conv(x)
        out += x
        return self.relu(out)


class Concat(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 2, 1)
        self.b = nn.Conv2d(1, 3, 3, padding=1)

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x)], dim=1)


class Functional(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3))

    def forward(self, x):
        return F.softmax(torch.matmul(F.relu(x) * 2, self.w), dim=-1)


class Reused(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        return self.fc(self.fc(x))


class DataBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.pos = nn.Linear(3, 2)
        self.neg = nn.Linear(3, 5)

    def forward(self, x):
        return self.pos(x) if x.sum() > 0 else self.neg(x)


class ShapeBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.small = nn.Linear(3, 2)
        self.big = nn.Linear(3, 2)

    def forward(self, x):
        return self.small(x) if x.shape[0] < 4 else self.big(x)


class ItemLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        for _ in range(int(x.abs().sum().item() > 0) + 1):  # runs twice for non-zero input
            x = torch.tanh(self.fc(x))
        return x


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fa = nn.Linear(3, 4)
        self.fb = nn.Linear(2, 4)

    def forward(self, a, b):
        return self.fa(a) * self.fb(b)


class DictInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x=None, scale=None):
        return self.fc(x) * scale


class TupleOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 2)
        self.b = nn.Linear(3, 4)

    def forward(self, x):
        return self.a(x), self.b(x)


class DictOutput(TupleOutput):
    def forward(self, x):
        return {"a": self.a(x), "b": self.b(x)}


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(3, 3), nn.ReLU()) for _ in range(2)])

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class SharedChild(nn.Module):
    def __init__(self):
        super().__init__()
        shared = nn.Linear(3, 3)
        self.left = nn.Sequential(shared, nn.ReLU())
        self.right = nn.Sequential(shared, nn.Tanh())

    def forward(self, x):
        return self.left(x) - self.right(x)


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.ones(3))
        self.fc = nn.Linear(3, 1)

    def forward(self, x):
        return self.fc(x - self.mean)


class NoParams(nn.Module):
    def forward(self, x):
        return torch.sigmoid(x) * torch.tanh(x)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = nn.LayerNorm(8)

    def forward(self, x):
        out, _ = self.attn(x, x, x, need_weights=False)
        return self.norm(x + out)


class HandAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)
        self.v = nn.Linear(8, 8)

    def forward(self, x):
        scores = self.q(x) @ self.k(x).transpose(-2, -1) / 8**0.5
        return torch.softmax(scores, dim=-1) @ self.v(x)


class LSTMHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        out, (_h, _c) = self.lstm(x)
        return self.fc(out[:, -1])


class GRUHead(LSTMHead):
    def __init__(self):
        super().__init__()
        self.lstm = nn.GRU(3, 5, batch_first=True)

    def forward(self, x):
        _out, h = self.lstm(x)
        return self.fc(h[-1])


class Tokens(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.fc = nn.Linear(4, 2)

    def forward(self, ids):
        return self.fc(self.emb(ids).mean(dim=1))


def conv_norms():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1, groups=4),
        nn.GroupNorm(2, 4),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 2),
    )


ZOO = {
    "sequential": (
        lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)),
        lambda: torch.randn(2, 3),
        [("0", "Linear"), ("1", "ReLU"), ("2", "Linear")],
        [("input", "0"), ("1", "2")],
    ),
    "residual": (
        Residual,
        lambda: torch.randn(2, 4),
        [("fc", "Linear"), ("add", "add")],
        [("input", "fc"), ("input", "add"), ("fc", "add")],
    ),
    "inplace-residual": (
        InplaceResidual,
        lambda: torch.randn(2, 2, 4, 4),
        [("conv", "Conv2d"), ("add_", "add_"), ("relu", "ReLU")],
        [("conv", "add_"), ("input", "add_"), ("add_", "relu")],
    ),
    "concat": (
        Concat,
        lambda: torch.randn(2, 1, 5, 5),
        [("a", "Conv2d"), ("b", "Conv2d"), ("cat", "cat")],
        [("a", "cat"), ("b", "cat"), ("input", "b")],
    ),
    "functional": (
        Functional,
        lambda: torch.randn(2, 4),
        [("relu", "relu"), ("mul", "mul"), ("matmul", "matmul"), ("softmax", "softmax")],
        [("input", "relu"), ("relu", "mul"), ("mul", "matmul"), ("matmul", "softmax")],
    ),
    "reused": (Reused, lambda: torch.randn(2, 3), [("fc", "Linear"), ("fc#2", "Linear")], [("fc", "fc#2")]),
    "data-branch-pos": (DataBranch, lambda: torch.ones(2, 3), [("pos", "Linear")], [("input", "pos")]),
    "data-branch-neg": (DataBranch, lambda: -torch.ones(2, 3), [("neg", "Linear")], [("input", "neg")]),
    "shape-branch": (ShapeBranch, lambda: torch.randn(5, 3), [("big", "Linear")], [("input", "big")]),
    "item-loop": (
        ItemLoop,
        lambda: torch.ones(1, 2),
        [("fc", "Linear"), ("tanh", "tanh"), ("fc#2", "Linear"), ("tanh#2", "tanh")],
        [("tanh", "fc#2")],
    ),
    "two-inputs": (
        TwoInputs,
        lambda: (torch.randn(2, 3), torch.randn(2, 2)),
        [("fa", "Linear"), ("fb", "Linear"), ("mul", "mul")],
        [("input", "fa"), ("input_2", "fb"), ("fa", "mul"), ("fb", "mul")],
    ),
    "dict-input": (
        DictInput,
        lambda: {"x": torch.randn(2, 3), "scale": torch.randn(2, 1)},
        [("fc", "Linear"), ("mul", "mul")],
        [("input", "fc"), ("input.scale", "mul"), ("fc", "mul")],
    ),
    "tuple-output": (
        TupleOutput,
        lambda: torch.randn(2, 3),
        [("a", "Linear"), ("b", "Linear")],
        [("input", "a"), ("input", "b")],
    ),
    "dict-output": (DictOutput, lambda: torch.randn(2, 3), [("a", "Linear"), ("b", "Linear")], [("input", "b")]),
    "nested": (
        Nested,
        lambda: torch.randn(2, 3),
        [("blocks.0.0", "Linear"), ("blocks.0.1", "ReLU"), ("blocks.1.0", "Linear"), ("blocks.1.1", "ReLU")],
        [("blocks.0.1", "blocks.1.0")],
    ),
    "shared-child": (
        SharedChild,
        lambda: torch.randn(2, 3),
        [("left.0", "Linear"), ("left.1", "ReLU"), ("left.0#2", "Linear"), ("right.1", "Tanh"), ("sub", "sub")],
        [("left.1", "sub"), ("right.1", "sub"), ("left.0#2", "right.1")],
    ),
    "buffer": (
        WithBuffer,
        lambda: torch.randn(2, 3),
        [("sub", "sub"), ("fc", "Linear")],
        [("input", "sub"), ("sub", "fc")],
    ),
    "no-params": (
        NoParams,
        lambda: torch.randn(2, 3),
        [("sigmoid", "sigmoid"), ("tanh", "tanh"), ("mul", "mul")],
        [("sigmoid", "mul"), ("tanh", "mul")],
    ),
    "one-by-one": (
        lambda: nn.Sequential(nn.Conv2d(3, 4, 4), nn.ReLU()),
        lambda: torch.randn(2, 3, 4, 4),
        [("0", "Conv2d"), ("1", "ReLU")],
        [("0", "1")],
    ),
    "batch-one": (
        lambda: nn.Sequential(nn.Linear(3, 2)),
        lambda: torch.randn(1, 3),
        [("0", "Linear")],
        [("input", "0")],
    ),
    "attention": (
        Attention,
        lambda: torch.randn(2, 5, 8),
        [("attn", "MultiheadAttention"), ("attn.maps", "AttentionMaps"), ("add", "add"), ("norm", "LayerNorm")],
        [("input", "attn"), ("attn", "attn.maps"), ("attn", "add"), ("input", "add"), ("add", "norm")],
    ),
    "hand-attention": (
        HandAttention,
        lambda: torch.randn(2, 5, 8),
        [
            ("q", "Linear"),
            ("k", "Linear"),
            ("transpose", "transpose"),
            ("matmul", "matmul"),
            ("div", "div"),
            ("softmax", "softmax"),
            ("v", "Linear"),
            ("matmul#2", "matmul"),
        ],
        [("k", "transpose"), ("q", "matmul"), ("transpose", "matmul"), ("softmax", "matmul#2"), ("v", "matmul#2")],
    ),
    "lstm": (
        LSTMHead,
        lambda: torch.randn(2, 6, 3),
        [("lstm", "LSTM"), ("getitem", "getitem"), ("fc", "Linear")],
        [("lstm", "getitem"), ("getitem", "fc")],
    ),
    "gru": (
        GRUHead,
        lambda: torch.randn(2, 6, 3),
        [("lstm", "GRU"), ("getitem", "getitem"), ("fc", "Linear")],
        [("lstm", "getitem")],
    ),
    "embedding": (
        Tokens,
        lambda: torch.randint(0, 10, (2, 7)),
        [("emb", "Embedding"), ("mean", "mean"), ("fc", "Linear")],
        [("input", "emb"), ("emb", "mean"), ("mean", "fc")],
    ),
    "conv1d": (
        lambda: nn.Sequential(nn.Conv1d(2, 3, 3), nn.MaxPool1d(2), nn.AvgPool1d(2)),
        lambda: torch.randn(2, 2, 11),
        [("0", "Conv1d"), ("1", "MaxPool1d"), ("2", "AvgPool1d")],
        [("0", "1"), ("1", "2")],
    ),
    "conv3d": (
        lambda: nn.Sequential(nn.Conv3d(1, 2, 3), nn.ReLU()),
        lambda: torch.randn(2, 1, 5, 5, 5),
        [("0", "Conv3d"), ("1", "ReLU")],
        [("0", "1")],
    ),
    "transposed-upsample": (
        lambda: nn.Sequential(nn.ConvTranspose2d(2, 3, 2, stride=2), nn.Upsample(scale_factor=2)),
        lambda: torch.randn(2, 2, 3, 3),
        [("0", "ConvTranspose2d"), ("1", "Upsample")],
        [("0", "1")],
    ),
    "conv-norms": (
        conv_norms,
        lambda: torch.randn(2, 3, 6, 6),
        [
            ("0", "Conv2d"),
            ("1", "BatchNorm2d"),
            ("2", "ReLU"),
            ("3", "Conv2d"),
            ("4", "GroupNorm"),
            ("5", "ReLU"),
            ("6", "AdaptiveAvgPool2d"),
            ("7", "Flatten"),
            ("8", "Linear"),
        ],
        [("7", "8")],
    ),
    "reshape-ops": (
        lambda: nn.Sequential(nn.Unflatten(1, (2, 3)), nn.Flatten(), nn.Dropout(0.5)),
        lambda: torch.randn(2, 6),
        [("0", "Unflatten"), ("1", "Flatten"), ("2", "Dropout")],
        [("0", "1"), ("1", "2")],
    ),
}

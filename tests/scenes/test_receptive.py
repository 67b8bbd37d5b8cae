"""Receptive fields against hand-computed ones and against autograd's own answer."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nnvox.capture.trace import trace
from nnvox.errors import NnvoxError
from nnvox.scenes.receptive import receptive_field


def stack(pool: type[nn.Module]) -> nn.Sequential:
    """Strides, padding, a pool and a dilated convolution: 1 x 32 x 32 in, 2 x 8 x 8 out."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=1, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 4, 3, stride=2, padding=1),
        pool(2),
        nn.Conv2d(4, 2, 3, stride=1, padding=2, dilation=2),
    )


def test_a_stack_of_strided_padded_dilated_layers_matches_the_hand_computation():
    arch = trace(stack(nn.MaxPool2d), torch.randn(1, 1, 32, 32)).architecture
    assert arch.node("4").shape == (2, 8, 8) and arch.node("2").geometry["stride"] == (2, 2)
    # conv 4 (k3 s1 p2 d2) rows 3 -> [1, 5]; pool (k2 s2) -> [2, 11]; conv 2 (k3 s2 p1) -> [3, 23];
    # ReLU keeps it; conv 0 (k3 s1 p1) -> [2, 24]. Columns 5 -> [3, 7] -> [6, 15] -> [11, 31] -> [10, 32],
    # clipped to 31.
    assert receptive_field(arch, "4", (3, 5)) == ((2, 24), (10, 31))
    assert receptive_field(arch, "0", (0, 0)) == ((0, 1), (0, 1))  # a corner sees only what is inside
    assert receptive_field(arch, "3", (7, 7)) == ((26, 31), (26, 31))  # pool [14, 15] -> [27, 31] -> [26, 32]


@pytest.mark.parametrize("position", [(0, 0), (3, 5), (7, 2), (4, 4)])
def test_the_field_is_where_the_gradient_reaches(position):
    torch.manual_seed(0)
    model = stack(nn.AvgPool2d)
    with torch.no_grad():
        for m in model:
            if isinstance(m, nn.Conv2d):
                m.weight.uniform_(0.1, 1.0)  # positive everywhere: no gradient cancels or dies in the ReLU
                m.bias.fill_(0.1)
    x = torch.rand(1, 1, 32, 32) + 0.1
    arch = trace(model, x).architecture
    x.requires_grad_(True)
    model(x)[0, 0, position[0], position[1]].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    assert receptive_field(arch, "4", position) == ((rows.min(), rows.max()), (cols.min(), cols.max()))


def test_branches_join_and_dense_layers_see_everything():
    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 5, padding=2)
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))

        def forward(self, x):
            y = self.conv(x) + x
            return self.head(y)

    arch = trace(Residual(), torch.randn(1, 1, 8, 8)).architecture
    add = next(n.name for n in arch.nodes if n.kind == "add")
    assert receptive_field(arch, add, (4, 4)) == ((2, 6), (2, 6))  # the conv's 5 x 5 joined with the skip's 1 x 1
    linear = next(n.name for n in arch.nodes if n.kind == "Linear")
    assert receptive_field(arch, linear, ()) == ((0, 7), (0, 7))


def test_bad_requests_are_named():
    arch = trace(stack(nn.MaxPool2d), torch.randn(1, 1, 32, 32)).architecture
    with pytest.raises(NnvoxError, match="layer 'conv9' is not in the model"):
        receptive_field(arch, "conv9", (0, 0))
    with pytest.raises(NnvoxError, match=r"position \(8, 0\) is outside '4'"):
        receptive_field(arch, "4", (8, 0))


class _Moves(nn.Module):
    """A convolution, then its square map transposed, upsampled, or flattened into a dense layer."""

    def __init__(self, how: str):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.after = nn.Conv2d(2, 2, 1)
        self.flatten, self.fc, self.act = nn.Flatten(), nn.Linear(2 * 8 * 8, 4), nn.ReLU()
        self.how = how

    def forward(self, x):
        y = self.conv(x)
        if self.how == "transpose":
            y = y.transpose(2, 3)  # same shape, rows and columns swapped
        elif self.how == "upsample":
            y = F.interpolate(y, scale_factor=2)[:, :, ::2, ::2]
        y = self.after(y)
        return self.act(self.fc(self.flatten(y))) if self.how == "flatten" else y


def test_positions_moved_in_ways_the_graph_does_not_say_are_not_guessed():
    from nnvox.scenes.receptive import map_field

    arch = trace(_Moves("upsample"), torch.randn(1, 1, 8, 8)).architecture
    box, why = map_field(arch, "after", (0, 2, 5))
    assert box is None and ("interpolate" in why or "getitem" in why) and "not followed" in why
    with pytest.raises(NnvoxError, match="not followed"):
        receptive_field(arch, "after", (2, 5))
    assert map_field(arch, "conv", (0, 2, 5))[0] == ((1, 3), (4, 6))  # before the move, as ever


def test_a_transposed_map_is_followed_through_its_axes_roles():
    """A square map's rows and columns swapped (the same shape): the layer after it sees the
    input transposed, as autograd says; nnvox draws the transposed map itself channels first."""
    from nnvox.scenes.receptive import map_field

    torch.manual_seed(0)
    model = _Moves("transpose")
    x = torch.rand(1, 1, 8, 8) + 0.1
    arch = trace(model, x).architecture
    assert arch.node("transpose").layout == "CWH"
    box, _ = map_field(arch, "after", (0, 1, 6))
    x.requires_grad_(True)
    model(x)[0, 0, 1, 6].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    assert box == ((rows.min(), rows.max()), (cols.min(), cols.max())) == ((5, 7), (0, 2))
    assert map_field(arch, "transpose", (0, 6, 1))[0] == ((5, 7), (0, 2))  # drawn channels first: as the conv's


def test_a_flattened_unit_sees_its_own_position_and_a_dense_unit_everything():
    from nnvox.scenes.receptive import map_field

    torch.manual_seed(0)
    model = _Moves("flatten")
    x = torch.rand(1, 1, 8, 8) + 0.1
    arch = trace(model, x).architecture
    flat = next(n.name for n in arch.nodes if n.kind == "Flatten")
    unit = 64 + 8 * 3 + 6  # channel 1, row 3, column 6
    box, note = map_field(arch, flat, (unit,))
    out = {}
    model.flatten.register_forward_hook(lambda m, i, o: out.__setitem__("flat", o))
    x.requires_grad_(True)
    model(x)
    out["flat"][0, unit].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    assert box == ((rows.min(), rows.max()), (cols.min(), cols.max())) == ((2, 4), (5, 7)) and "rows 2–4" in note
    assert map_field(arch, "fc", (1,)) == (((0, 7), (0, 7)), "sees input rows 0–7, columns 0–7 (all of it)")
    assert map_field(arch, "act", (1,))[0] == ((0, 7), (0, 7))

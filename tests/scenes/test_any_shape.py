"""No shape crashes the scene: architectures whose layers give outputs (and hold weights) of any rank
and size, axes of size 1 or 0, very long or very wide, channels-last maps, build a scene whose every
block can be drawn, and whose frames fill every block. (The render of such scenes is in
tests/viewer/test_any_shape_render.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.capture.recorder import Recorder
from nnvox.capture.run import open_run
from nnvox.scenes.build import build_scene
from nnvox.scenes.layout import MAX_SIDE, block_from_shape, to_panels, weight_block, weight_panels
from nnvox.scenes.scene import SceneOptions

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import example, given, settings  # noqa: E402 (after the importorskip)
from hypothesis import strategies as st  # noqa: E402 (after the importorskip)

# Shapes the issue named (ConvNeXt's and Swin's channels-last blocks, long and wide axes, ...).
NAMED = [
    (7, 7, 768),
    (3136, 96),
    (1, 50000),
    (20000, 1, 1),
    (2048, 1, 1),
    (),
    (1,),
    (1, 1, 1),
    (2, 3, 4, 5, 6),
    (3, 4, 5, 6, 7, 2),
    (56, 56, 96),
    (3, 0, 5),
    (0,),
    (12, 1, 1, 1),
    (9000, 3),
    (4, 2, 9000),
]
MAX_VALUES = 60_000  # per layer and sample: keeps an example fast


class Shaped(nn.Module):
    """A layer whose output has a fixed per-sample shape (values from its input, so gradients and
    the graph stay real) and, optionally, a weight of a given shape."""

    def __init__(self, shape: tuple[int, ...], weight: tuple[int, ...] | None = None):
        super().__init__()
        self.shape = tuple(shape)
        if weight is not None:
            self.weight = nn.Parameter(torch.randn(weight))

    def forward(self, x):
        n = x.shape[0]
        seed = x.reshape(n, -1)[:, :1] if x[0].numel() else x.new_zeros(n, 1)
        out = torch.linspace(-2, 2, math.prod(self.shape)).to(x) * (1 + seed)
        if hasattr(self, "weight"):
            out = out + self.weight.mean()
        return out.reshape(n, *self.shape)


class Chain(nn.Module):
    def __init__(self, shapes, weights):
        super().__init__()
        self.layers = nn.ModuleList(Shaped(s, w) for s, w in zip(shapes, weights))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def record(model: nn.Module, input_shape: tuple[int, ...], folder, samples: int = 2):
    x = torch.linspace(-1, 1, samples * math.prod(input_shape)).reshape(samples, *input_shape)
    rec = Recorder(model, probe=(x, np.full(samples, -1, dtype=np.int64)), out=folder, background=False)
    rec.snapshot(epoch=0)
    rec.close()
    return open_run(folder)


def check_scene(scene) -> None:
    """Every block has a drawable size, a finite place, and each frame fills it exactly."""
    assert scene.blocks
    for b in scene.blocks:
        assert b.panels >= 1 and b.rows >= 1 and b.cols >= 1, (b.name, b.panels, b.rows, b.cols)
        assert max(b.rows, b.cols) <= MAX_SIDE, (b.name, b.rows, b.cols)
        assert b.voxel > 0 and b.thickness > 0 and b.pitch >= 0, b.name
        assert np.all(np.isfinite(b.bounds)), (b.name, b.bounds)
    for path in scene.edge_paths:
        assert np.all(np.isfinite(path))
    frame = scene.frame_at(0)
    for b in scene.blocks:
        assert frame.values[b.name].shape == (b.panels, b.rows, b.cols), b.name


def shapes(max_rank: int = 6) -> st.SearchStrategy[tuple[int, ...]]:
    side = st.one_of(st.integers(1, 9), st.sampled_from([0, 1, 1, 2, 7, 56, 96, 768, 3136, 9000, 50000]))
    return st.lists(side, min_size=0, max_size=max_rank).map(tuple).filter(lambda s: math.prod(s) <= MAX_VALUES)


def weight_shapes() -> st.SearchStrategy[tuple[int, ...] | None]:
    side = st.one_of(st.integers(1, 6), st.sampled_from([0, 1, 3, 900, 9000]))
    return st.one_of(
        st.none(), st.lists(side, min_size=2, max_size=5).map(tuple).filter(lambda s: math.prod(s) <= MAX_VALUES)
    )


@st.composite
def architectures(draw):
    layers = draw(st.lists(st.tuples(shapes(), weight_shapes()), min_size=1, max_size=4))
    inputs = draw(shapes(4).filter(lambda s: 0 < math.prod(s) <= 5000))
    return inputs, layers


@pytest.mark.parametrize("shape", NAMED, ids=str)
def test_named_shapes_build_and_fill_their_blocks(shape, tmp_path):
    weight = shape if len(shape) >= 2 and 0 < math.prod(shape) <= MAX_VALUES else None
    run = record(Chain([shape, (3,)], [weight, None]), (3, 8, 8), tmp_path / "run")
    check_scene(build_scene(run))
    if weight is not None:
        check_scene(build_scene(run, SceneOptions(mode="weights")))
    check_scene(build_scene(run, SceneOptions(sizing="log")))
    check_scene(build_scene(run, SceneOptions(group=False, fold=False, max_channels=10**6, max_map=10**6)))


@settings(max_examples=40)
@given(arch=architectures())
@example(arch=((3, 8, 8), [((7, 7, 768), None), ((3136, 96), (96, 9000)), ((2048, 1, 1), (4, 3, 900, 1))]))
@example(arch=((), [((), None)]))
@example(arch=((50000 // 50,), [((1, 50000), None), ((20000, 1, 1), (0, 5)), ((2, 3, 4, 5, 6), (2, 3, 4, 5, 6))]))
def test_architectures_of_random_shapes_build(arch, tmp_path_factory):
    """Layers of any shape, last layer any shape too (a classifier of 0 or 9000 outputs): a scene in
    activations mode (and weights mode where a layer has a weight) whose frames fill every block."""
    inputs, layers = arch
    model = Chain([s for s, _ in layers], [w for _, w in layers])
    run = record(model, inputs, tmp_path_factory.mktemp("run") / "run")
    check_scene(build_scene(run))
    if any(w is not None for _, w in layers):
        check_scene(build_scene(run, SceneOptions(mode="weights")))


@settings(max_examples=300)
@given(shapes(7))
@example((1, 50000))
@example((3, 9000))
@example((7, 7, 768))
def test_block_from_shape_holds_every_value_drawably(shape):
    """The layout rule alone, without a recording: at least one voxel a side, no side past what a
    texture holds, room for every value, and the values fit in (padded with NaN past the end)."""
    for kind in ("Conv2d", "Input"):
        bs = block_from_shape(kind, shape)
        assert bs.panels >= 1 and bs.rows >= 1 and bs.cols >= 1
        assert max(bs.rows, bs.cols) <= MAX_SIDE
        assert bs.panels * bs.rows * bs.cols >= math.prod(shape)
        values = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
        panels = to_panels(values, bs)
        assert panels.shape == (bs.panels, bs.rows, bs.cols)
        assert np.array_equal(np.sort(panels[np.isfinite(panels)]), values.ravel())
    if len(shape) >= 2:
        ws = weight_block(shape)
        assert ws.panels >= 1 and ws.rows >= 1 and ws.cols >= 1 and max(ws.rows, ws.cols) <= MAX_SIDE
        w = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
        drawn = weight_panels(w, ws)
        assert drawn.shape == (ws.panels, ws.rows, ws.cols)
        assert np.array_equal(np.sort(drawn[np.isfinite(drawn)]), w.ravel())

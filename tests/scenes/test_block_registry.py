"""The block registry: every block kind goes through it, and a kind registered from outside the
package (here, a layer kind "Sparkle" of this file's own model) shapes its blocks."""

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.scenes.build import build_scene
from nnvox.scenes.layout import BLOCKS, BlockShape, block_shape, register_block
from nnvox.scenes.registry import Registry
from nnvox.scenes.scene import SceneOptions
from tests.scenes.test_layout_graphs import run_of


class Sparkle(nn.Module):
    """A layer kind nnvox has never heard of: 12 values a sample."""

    def forward(self, x):
        return torch.tanh(x) * 2


class SparkleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 12)
        self.sparkle = Sparkle()
        self.out = nn.Linear(12, 3)

    def forward(self, x):
        return self.out(self.sparkle(self.fc(x)))


def sparkle_run(folder):
    torch.manual_seed(0)
    return run_of(SparkleNet(), torch.randn(4, 8), folder)


def two_rows(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """Sparkle's 12 values as two rows of six (its shape's generic kind would draw one column of 12)."""
    return BlockShape("dense", 1, 2, shape[0] // 2)


@pytest.fixture
def sparkle_kind():
    register_block("Sparkle")(two_rows)
    yield
    BLOCKS.unregister("Sparkle")


def test_every_block_kind_is_registered():
    kinds = {
        "Input",
        "AttentionMaps",
        "feature maps",
        "sequence",
        "vector",
        "output",
        "weights",
        "Attribution",
        "grad-cam",
    }
    assert kinds <= set(BLOCKS.names())
    assert block_shape("Input", (1, 8, 8)).role == "input"
    assert block_shape("Attribution", (1, 8, 8)) == block_shape("Input", (1, 8, 8))
    assert block_shape("AttentionMaps", (4, 6, 6)) == BlockShape("feature", 4, 6, 6)
    assert block_shape("output", (10,)) == BlockShape("output", 1, 10, 1)
    assert block_shape("weights", (16, 8)) == BlockShape("weights", 1, 16, 8)
    assert block_shape("grad-cam", (7,)) is None  # no map to lay a layer's attribution over


def test_an_unregistered_kind_falls_back_to_its_shapes_kind():
    assert block_shape("Unheard", (3, 5, 7)) == BlockShape("feature", 3, 5, 7)  # feature maps
    assert block_shape("Unheard", (6, 9)) == BlockShape("dense", 1, 6, 9)  # a sequence, a row per position
    assert block_shape("Unheard", (10,)) == BlockShape("dense", 1, 10, 1)  # a vector: one column of units
    assert block_shape("Unheard", (2, 3, 4, 5, 6)) == BlockShape("dense", 1, 26, 28)  # rank 5: a near-square grid


def test_registry_looks_up_the_first_registered_name():
    r: Registry[str] = Registry("thing")
    r.register("broad")("B")
    r.register("narrow")("N")
    assert r.lookup("narrow", "broad") == "N" and r.lookup("other", "broad") == "B" and r.lookup("other") is None
    r.unregister("narrow")
    assert r.lookup("narrow", "broad") == "B" and "narrow" not in r


def test_a_kind_registered_outside_the_package_shapes_its_block(tmp_path, sparkle_kind):
    run = sparkle_run(tmp_path / "run")
    scene = build_scene(run)
    b = scene.block("sparkle")
    assert (b.kind, b.role, b.panels, b.rows, b.cols) == ("Sparkle", "dense", 1, 2, 6)
    recorded = run.read(0, ["act/sparkle"], sample=1)["act/sparkle"]
    shown = scene.frame_at(0, sample=1).values["sparkle"]
    np.testing.assert_allclose(shown, recorded.reshape(1, 2, 6), rtol=1e-6)
    assert scene.block("out").role == "output"  # the other kinds are drawn as before


def test_without_its_builder_the_kind_gets_the_generic_block(tmp_path):
    b = build_scene(sparkle_run(tmp_path / "run"), SceneOptions()).block("sparkle")
    assert (b.panels, b.rows, b.cols) == (1, 12, 1)  # a vector's generic block: a column of its units

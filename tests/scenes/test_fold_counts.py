"""A fold always says so: every run of repeats drawn once carries "× N" on a block that stands for
its first instance, at every depth, also where that instance opens into blocks collapsed below it
(T5's blocks 1-5 after a block 0 of its own, drawn as their layers)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnvox.scenes.block_text import repeat_text
from nnvox.scenes.build import build_scene
from nnvox.scenes.folding import fold_modules
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.selection import select
from tests.scenes.test_layout_graphs import run_of


class Sub(nn.Module):
    def __init__(self, extra: bool = False):
        super().__init__()
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 8)
        self.gate = nn.Linear(8, 8) if extra else None  # the first block's own part (T5's position bias)

    def forward(self, x):
        y = self.fc(self.norm(x))
        return x + (y * torch.sigmoid(self.gate(x)) if self.gate is not None else y)


class Block(nn.Module):
    def __init__(self, extra: bool = False):
        super().__init__()
        self.attn, self.ff = Sub(extra), Sub()

    def forward(self, x):
        return self.ff(self.attn(x))


class FirstOfItsOwn(nn.Module):
    """A distinct first block followed by `n` alike ones."""

    def __init__(self, n: int = 4):
        super().__init__()
        self.blocks = nn.ModuleList([Block(extra=True), *(Block() for _ in range(n))])
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.head(x)


def check_folds_shown(run, options: SceneOptions) -> list[str]:
    """Every fold of the scene's depth named "× N" on a drawn block of its first instance; the titles."""
    arch = run.architecture
    tree, selection = ModuleTree.of(arch), select(arch, options)
    scene = build_scene(run, options)
    titles = [b.title for b in scene.blocks]
    runs = fold_modules(arch, tree, unfold=options.expand, max_level=selection.depth).runs
    for first, instances in runs.items():
        marked = [t for t in titles if t.startswith((first + ".", first + " "))]
        assert any(f"× {len(instances)}" in t for t in marked), f"{first} × {len(instances)} drawn nowhere: {marked}"
    return titles


@pytest.fixture(scope="module")
def first_of_its_own(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(FirstOfItsOwn(4), torch.randn(2, 5, 8), tmp_path_factory.mktemp("fold") / "run")


def test_a_distinct_first_block_and_a_run_of_alike_ones_say_so_at_every_depth(first_of_its_own):
    depths = range(1, ModuleTree.of(first_of_its_own.architecture).max_level + 1)
    titles = {d: check_folds_shown(first_of_its_own, SceneOptions(depth=d, fold=True)) for d in depths}
    assert "blocks · Block × 5" in titles[1]  # a container of one class, the first unlike the rest
    assert "blocks.1 · Block  × 4" in titles[2]  # the run as one block
    # opened: its attn and ff alike too (2 in each of the 4 blocks), both folds named
    assert "blocks.1.attn · Sub  × 2 × 4" in titles[3]
    assert not any("blocks.0" in t and "×" in t for t in titles[3])  # the distinct first is one of one


def test_nested_folds_name_each_count():
    assert repeat_text((5, 3)) == "  × 3 × 5" and repeat_text((5,)) == "  × 5" and repeat_text(()) == ""


def test_t5_blocks_after_the_first_are_shown_folded(tmp_path):
    transformers = pytest.importorskip("transformers")
    from nnvox.capture.single_pass import single_pass_run

    config = transformers.T5Config(
        num_layers=4, num_decoder_layers=4, d_model=16, d_ff=32, d_kv=8, num_heads=2, vocab_size=50
    )
    torch.manual_seed(0)
    model = transformers.T5ForConditionalGeneration(config).eval()
    ids = torch.randint(0, 50, (1, 6))
    with torch.no_grad():
        run = single_pass_run(model, {"input_ids": ids, "decoder_input_ids": ids[:, :4]}, name="t5", weights=False)
    titles = check_folds_shown(run, SceneOptions())  # the default depth
    assert any(t.startswith("encoder.block.1") and t.endswith("× 3") for t in titles), titles


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(Sub(extra=True), Block(), Sub())
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.layers(x))


def test_a_collapsed_container_is_titled_by_what_it_holds(tmp_path):
    """A ModuleList / Sequential / ModuleDict says nothing as a class: collapsed, it reads as its
    children's class and number (Swin's `blocks · SwinLayer × 2`), or their number where their
    classes differ; a module of its own class keeps it."""
    torch.manual_seed(0)
    run = run_of(Mixed(), torch.randn(2, 5, 8), tmp_path / "run")
    assert [b.title for b in build_scene(run, SceneOptions(depth=1)).blocks][1] == "layers · 3 × mixed"
    opened = [b.title for b in build_scene(run, SceneOptions(depth=2)).blocks]
    assert opened[1:4] == ["layers.0 · Sub", "layers.1 · Sub  × 2", "layers.2 · Sub"]  # Block: its alike attn, ff

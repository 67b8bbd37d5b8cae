"""Repeats folded by structure, not names: consecutive sibling modules of one class with the same
child structure fold into one block "× N" however the field names them."""

from __future__ import annotations

import torch
from torch import nn

from nnvox.capture.architecture import Architecture
from nnvox.capture.trace import trace
from nnvox.scenes.folding import fold_modules, fold_repeats
from nnvox.scenes.hierarchy import ModuleTree


class Layer(nn.Module):
    def __init__(self, dim: int = 8):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, dim)

    def forward(self, x):
        return x + self.fc(self.norm(x))


class TorchvisionStyle(nn.Module):
    """torchvision's ViT: `encoder.layers.encoder_layer_{i}` added by add_module into an OrderedDict."""

    def __init__(self, n: int = 12):
        super().__init__()
        self.layers = nn.Sequential()
        for i in range(n):
            self.layers.add_module(f"encoder_layer_{i}", Layer())
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.layers(x))


class Stage(nn.Module):
    def __init__(self, dim: int, out: int, depth: int):
        super().__init__()
        self.downsample = nn.Linear(dim, out) if dim != out else nn.Identity()
        self.blocks = nn.Sequential(*(Layer(out) for _ in range(depth)))

    def forward(self, x):
        return self.blocks(self.downsample(x))


class TimmStyle(nn.Module):
    """timm's ConvNeXt / MobileViT: `stages.S.blocks.B`, stages of different widths."""

    def __init__(self):
        super().__init__()
        self.stages = nn.Sequential(Stage(8, 8, 2), Stage(8, 8, 3), Stage(8, 16, 9))
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.stages(x))


class HFStyle(nn.Module):
    """Hugging Face GPT-2 / BERT: `transformer.h.N` or `encoder.layer.N` in a ModuleList, looped."""

    def __init__(self, n: int = 12):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(10, 8), nn.Embedding(8, 8)  # same class, side by side: no repeat
        self.h = nn.ModuleList(Layer() for _ in range(n))
        self.ln_f = nn.LayerNorm(8)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


def _runs(arch: Architecture) -> dict[str, int]:
    return {first: len(run) for first, run in fold_modules(arch, ModuleTree.of(arch)).runs.items()}


def test_torchvision_names_fold():
    arch = trace(TorchvisionStyle(), torch.randn(2, 8)).architecture
    assert _runs(arch) == {"layers.encoder_layer_0": 12}
    hidden, repeats = fold_repeats(arch)
    assert repeats["layers.encoder_layer_0.fc"] == 12 and "layers.encoder_layer_5.fc" in hidden
    assert not any(n.startswith("layers.encoder_layer_1.") for n in repeats)


def test_timm_stages_fold_their_blocks_but_not_stages_of_other_shapes():
    arch = trace(TimmStyle(), torch.randn(2, 8)).architecture
    # stages 0 and 1 hold 2 and 3 blocks (different structure): no fold of stages; blocks fold in each
    assert _runs(arch) == {"stages.0.blocks.0": 2, "stages.1.blocks.0": 3, "stages.2.blocks.0": 9}
    hidden, repeats = fold_repeats(arch)
    assert repeats["stages.2.blocks.0.fc"] == 9 and "stages.2.blocks.8.fc" in hidden
    assert "stages.2.downsample" not in hidden and "stages.2.downsample" not in repeats


def test_hugging_face_module_lists_fold_and_parallel_siblings_do_not():
    arch = trace(HFStyle(), torch.randint(0, 10, (2, 8))).architecture
    assert _runs(arch) == {"h.0": 12}  # wte and wpe: same class and shape, but side by side
    _, repeats = fold_repeats(arch)
    assert repeats["h.0.add"] == 12  # the block's own functional ops fold with it


def test_siblings_of_one_class_with_other_shapes_or_interrupted_do_not_fold():
    class Mixed(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c = Layer(8), Layer(8), nn.Linear(8, 8)
            self.d, self.e = Layer(8), Layer(8)

        def forward(self, x):
            return self.e(torch.tanh(self.d(self.c(self.b(self.a(x))))))

    arch = trace(Mixed(), torch.randn(2, 8)).architecture
    assert _runs(arch) == {"a": 2}  # d and e are split by a tanh run between them
    assert fold_modules(arch, ModuleTree.of(arch), unfold=frozenset({"b.fc"})).runs == {}


def test_runs_without_a_module_tree_fold_by_name_as_before():
    arch = trace(TorchvisionStyle(), torch.randn(2, 8)).architecture
    flat = Architecture.from_json(
        {k: v for k, v in arch.to_json().items() if k != "modules"}
        | {"nodes": [{k: v for k, v in n.items() if k != "scope"} for n in arch.to_json()["nodes"]]}
    )
    assert fold_repeats(flat) == (set(), {})  # encoder_layer_N names are no `prefix.N` instances
    arch = trace(HFStyle(4), torch.randint(0, 10, (2, 8))).architecture
    flat = Architecture(arch.nodes, arch.edges)
    hidden, repeats = fold_repeats(flat)
    assert repeats["h.0.fc"] == 4 and "h.3.fc" in hidden

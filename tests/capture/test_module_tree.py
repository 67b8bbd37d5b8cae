"""The module tree in the Architecture: recorded by the trace, written and read back, checked as untrusted."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnvox.capture.architecture import Architecture, ArchitectureError
from nnvox.capture.trace import trace


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.ReLU()

    def forward(self, x):
        return x + self.act(self.fc(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(3, 4)
        self.blocks = nn.Sequential(Block(), Block())
        self.head = nn.Sequential(nn.Linear(4, 2))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def test_the_trace_records_every_module_on_a_nodes_path_in_execution_order():
    arch = trace(Net(), torch.randn(2, 3)).architecture
    assert arch.modules == (
        ("stem", "Linear"),
        ("blocks", "Sequential"),
        ("blocks.0", "Block"),
        ("blocks.0.fc", "Linear"),
        ("blocks.0.act", "ReLU"),
        ("blocks.1", "Block"),
        ("blocks.1.fc", "Linear"),
        ("blocks.1.act", "ReLU"),
        ("head", "Sequential"),
        ("head.0", "Linear"),
    )
    add = arch.node("blocks.1.add")
    assert add.module is None and add.scope == "blocks.1" and add.owner == "blocks.1"
    assert arch.node("blocks.0.fc").owner == "blocks.0.fc"


def test_a_module_called_past_its_parent_still_has_the_parent_listed_first():
    class Skipping(nn.Module):
        def __init__(self):
            super().__init__()
            self.outer = nn.ModuleDict({"inner": nn.Linear(3, 3)})

        def forward(self, x):
            return self.outer["inner"](x)

    arch = trace(Skipping(), torch.randn(2, 3)).architecture
    assert arch.modules == (("outer", "ModuleDict"), ("outer.inner", "Linear"))
    assert Architecture.from_json(arch.to_json()) == arch


def test_the_tree_round_trips_and_runs_written_without_it_still_open():
    arch = trace(Net(), torch.randn(2, 3)).architecture
    d = arch.to_json()
    assert Architecture.from_json(d) == arch
    old = {"nodes": [{k: v for k, v in n.items() if k != "scope"} for n in d["nodes"]], "edges": d["edges"]}
    flat = Architecture.from_json(old)
    assert flat.modules == () and flat.node("blocks.1.add").owner is None
    assert [n.name for n in flat.nodes] == [n.name for n in arch.nodes]


@pytest.mark.parametrize(
    ("modules", "reason"),
    [
        ("stem", "modules must be a list"),
        ([["stem"]], "pair"),
        ([["stem", 3]], "must be text"),
        ([["", "Linear"]], "is not a name"),
        ([["a..b", "Linear"]], "is not a name"),
        ([["stem\n", "Linear"]], "is not a name"),
        ([["stem", ""]], "is not a name"),
        ([["x" * 2000, "Linear"]], "characters long"),
        ([["stem", "Linear"], ["stem", "Linear"]], "listed twice"),
        ([["blocks.0", "Block"]], "before its parent"),
        ([["stem", "Linear"]], "not listed"),  # the other nodes' modules are missing
    ],
)
def test_hostile_module_trees_are_refused_naming_what_is_wrong(modules, reason):
    d = trace(Net(), torch.randn(2, 3)).architecture.to_json()
    d["modules"] = modules
    with pytest.raises(ArchitectureError, match=reason):
        Architecture.from_json(d)


def test_a_node_scope_is_checked_too():
    d = trace(Net(), torch.randn(2, 3)).architecture.to_json()
    node = next(n for n in d["nodes"] if n.get("scope"))
    node["scope"] = 7
    with pytest.raises(ArchitectureError, match="scope must be text"):
        Architecture.from_json(d)
    node["scope"] = "nowhere"
    with pytest.raises(ArchitectureError, match="not listed"):
        Architecture.from_json(d)

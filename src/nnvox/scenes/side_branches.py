"""Side branches that do not change the data's shape: squeeze-excitation, gates, attention pooling.

Found by the graph's structure alone, never by names: a small subgraph leaves a node S, runs through
layers whose outputs are no larger than S's (pool, conv or linear, activation, ..., sigmoid), and
rejoins by an elementwise product (the gate) whose output has the shape of the main path's input to
it. The main chain then reads S -> gate, and the branch is drawn small beneath it.

    x ─────────────────► mul ──► ...          (the gate keeps x's shape)
    └─► pool ─► conv ─► act ─► conv ─► sigmoid ─┘

A residual downsample joins by an add and changes the shape: it is not a side branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from nnvox.scenes.graph_walk import reachable

GATES = frozenset({"mul", "mul_", "__mul__", "__rmul__", "multiply"})  # elementwise products
# Activations that make a gate: a weight in 0..1 (sigmoid) or a distribution over positions (softmax)
GATING = frozenset({"sigmoid", "sigmoid_", "hardsigmoid", "hardsigmoid_", "softmax", "softmin"})


@dataclass(frozen=True)
class SideBranch:
    source: str  # the main-path block the branch leaves from
    members: tuple[str, ...]  # the branch's blocks, in graph order
    gate: str  # the elementwise product where it rejoins the main path

    def columns(self, edges: list[tuple[str, str]]) -> dict[str, int]:
        """Each member's column inside the branch: the longest path to it from the source."""
        inside = set(self.members)
        col: dict[str, int] = {}
        for m in self.members:
            col[m] = max((col[s] + 1 for s, d in edges if d == m and s in inside), default=0)
        return col


def side_branches(
    names: list[str],
    edges: list[tuple[str, str]],
    shapes: dict[str, tuple[int, ...]],
    kinds: dict[str, str],
    *,
    max_members: int = 12,
) -> list[SideBranch]:
    """The side branches of a graph (names in execution order; `kinds` the last op of each block,
    matched case-insensitively), in graph order. No block belongs to two branches, a branch's
    members are neither the source nor the gate of another, and one branch leaves a block."""
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for s, d in edges:
        preds.setdefault(d, []).append(s)
        succs.setdefault(s, []).append(d)
    found: list[SideBranch] = []
    taken: set[str] = set()  # members of branches found
    ends: set[str] = set()  # sources and gates of branches found
    sources: set[str] = set()  # one branch leaves a block
    for gate in names:
        if kinds.get(gate, "").lower() not in GATES:
            continue
        branch = _branch_into(gate, names, preds, succs, shapes, kinds, max_members)
        if branch is None or taken.intersection(branch.members) or ends.intersection(branch.members):
            continue
        if {branch.source, branch.gate} & taken or branch.source in sources:
            continue
        found.append(branch)
        taken.update(branch.members)
        ends.update((branch.source, branch.gate))
        sources.add(branch.source)
    return found


def _branch_into(gate, names, preds, succs, shapes, kinds, max_members) -> SideBranch | None:
    """The side branch joined at `gate`, if one of its two inputs is the main path (the gate's shape)
    and the other closes a branch (smaller than the gate, or a gating activation)."""
    inputs = list(dict.fromkeys(preds.get(gate, [])))
    if len(inputs) != 2:
        return None
    size = {n: prod(shapes[n]) for n in inputs}
    candidates = [
        (tail, main)
        for tail, main in (inputs, inputs[::-1])
        if shapes[main] == shapes[gate] and (size[tail] < size[main] or kinds.get(tail, "").lower() in GATING)
    ]
    if len(candidates) == 2:  # both qualify: the branch is the one closed by a gating activation
        candidates = [c for c in candidates if kinds.get(c[0], "").lower() in GATING]
    if len(candidates) != 1:
        return None
    tail, main = candidates[0]
    main_side = reachable(main, preds) | {main}
    if tail in main_side:
        return None
    members, sources, stack = {tail}, set(), [tail]
    while stack:
        for p in preds.get(stack.pop(), []):
            if p in main_side:
                sources.add(p)
            elif p not in members:
                members.add(p)
                stack.append(p)
    if len(sources) != 1 or len(members) > max_members:
        return None
    (source,) = sources
    limit = max(prod(shapes[source]), prod(shapes[gate]))  # no larger than the data it gates
    for m in members:
        if not preds.get(m) or not set(succs.get(m, [])) <= members | {gate} or prod(shapes[m]) > limit:
            return None  # fed by another input, read outside the branch, or larger than its source
    return SideBranch(source, tuple(n for n in names if n in members), gate)

"""The graph between drawn blocks: edges bridged over hidden layers, implied ones dropped, depths;
where only layers with weights are drawn, the side branches their layers lie on."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.capture.architecture import Architecture
from nnvox.scenes.graph_walk import reachable
from nnvox.scenes.per_architecture import nodes_by_name, per_architecture
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.side_branches import SideBranch, side_branches


@dataclass(frozen=True)
class DrawnGraph:
    names: list[str]  # the drawn blocks, in execution (topological) order
    edges: list[tuple[str, str]]
    depth: dict[str, int]  # longest-path depth: the column each block stands in
    # where only layers with weights are drawn: the side branches among them (None: found from the
    # drawn blocks' kinds, as activations mode draws its gates)
    side: tuple[SideBranch, ...] | None = None


def drawn_graph(
    arch: Architecture,
    names: list[str],
    mode: str,
    stands_for: dict[str, str] | None = None,
    hidden_kinds: tuple[str, ...] = SceneOptions.hidden_kinds,
) -> DrawnGraph:
    edges = contract_edges(arch, set(names), stands_for)
    if mode == "activations":
        return DrawnGraph(names, edges, graph_depths(names, edges))
    # only layers with weights are drawn
    side = weight_side_branches(arch, names, edges, hidden_kinds)
    edges = with_side_branches(names, edges, side)
    return DrawnGraph(names, edges, graph_depths(names, edges), side)


def weight_side_branches(
    arch: Architecture, names: list[str], edges: list[tuple[str, str]], hidden_kinds: tuple[str, ...]
) -> tuple[SideBranch, ...]:
    """The side branches of the layers' graph (squeeze-excitation, gates: found as activations mode
    finds them) carried over to the drawn layers with weights: the branch's drawn layers, leaving
    the last drawn layer before its source, rejoining at the first drawn layer after its gate (the
    gate itself, an elementwise product, has no weights), neither a layer of another branch. A
    branch none of whose layers is drawn (a collapsed module holds it), whose two ends are not
    joined directly, or that would leave or join a block another branch does (CBAM's spatial gate
    after its channel gate) is not one here: its layers stay on the main path."""
    drawn = set(names)
    joined = set(edges)
    out: list[SideBranch] = []
    sources: set[str] = set()  # one branch leaves a block, one joins it
    gates: set[str] = set()
    for branch, before, after in _layer_branches(arch, hidden_kinds):
        members = tuple(m for m in branch.members if m in drawn)
        source = next((n for n in before if n in drawn), None)
        gate = next((n for n in after if n in drawn), None)
        if members and (source, gate) in joined and source not in sources and gate not in gates:
            out.append(SideBranch(source, members, gate))
            sources.add(source)
            gates.add(gate)
    return tuple(out)


@per_architecture
def _layer_branches(arch: Architecture, hidden_kinds: tuple[str, ...]) -> tuple:
    """Each side branch of the graph of every layer (hidden kinds bridged), with the nodes its source
    comes from (itself first, then the latest run first) and the nodes its gate feeds (itself first,
    then the earliest first)."""
    nodes = nodes_by_name(arch)
    keep = [n.name for n in arch.nodes if n.kind not in hidden_kinds and (n.kind != "Input" or n.name == "input")]
    edges = contract_edges(arch, set(keep))
    branches = side_branches(keep, edges, {n: nodes[n].shape for n in keep}, {n: nodes[n].kind for n in keep})
    order = {n.name: i for i, n in enumerate(arch.nodes)}
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for s, d in arch.edges:
        preds.setdefault(d, []).append(s)
        succs.setdefault(s, []).append(d)
    inside = {m for b in branches for m in b.members}  # no branch's layer is another's end
    out = []
    for b in branches:
        before = sorted(reachable(b.source, preds) - inside, key=order.get, reverse=True)
        after = sorted(reachable(b.gate, succs) - inside, key=order.get)
        out.append((b, (b.source, *before), (b.gate, *after)))
    return tuple(out)


def with_side_branches(
    names: list[str], edges: list[tuple[str, str]], side: tuple[SideBranch, ...]
) -> list[tuple[str, str]]:
    """The edges no longer path implies (see without_implied), the main path's apart from the side
    branches': each branch enters from its source, joins its members as the layers' graph does, and
    leaves into its gate (which its source also feeds directly: the path through the branch does not
    make that edge implied). In the order `edges` gives them."""
    if not side:
        return without_implied(names, edges)
    inside = {m for b in side for m in b.members}
    main = [n for n in names if n not in inside]
    kept = set(without_implied(main, [(s, d) for s, d in edges if s not in inside and d not in inside]))
    for b in side:
        members = set(b.members)
        own = without_implied(list(b.members), [(s, d) for s, d in edges if s in members and d in members])
        fed, feeding = {d for _, d in own}, {s for s, _ in own}
        kept.update(own)
        kept.update((b.source, m) for m in b.members if m not in fed)
        kept.update((m, b.gate) for m in b.members if m not in feeding)
    position = {n: i for i, n in enumerate(names)}
    given = [e for e in edges if e in kept]
    return given + sorted(kept - set(given), key=lambda e: (position[e[1]], position[e[0]]))


def contract_edges(
    arch: Architecture, keep: set[str], stands_for: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """Edges between kept nodes, bridging over hidden ones (input -> flatten -> fc1 gives input -> fc1).
    `stands_for` maps the nodes inside a collapsed block to the kept node drawing it: every input
    entering the block comes from where it came, every output leaving it leaves the block."""
    stands_for = stands_for or {}
    preds: dict[str, list[str]] = {}
    for s, d in arch.edges:
        preds.setdefault(d, []).append(s)
    inside: dict[str, list[str]] = {}
    for m, block in stands_for.items():
        inside.setdefault(block, []).append(m)

    def visible_sources(name: str, seen: set[str], block: str) -> list[str]:
        out = []
        for p in preds.get(name, []):
            if p in seen:
                continue
            seen.add(p)
            drawn = p if p in keep else stands_for.get(p)
            if drawn != block:  # (the block's own layers feed it from inside)
                out += [drawn] if drawn is not None else visible_sources(p, seen, block)
        return out

    edges = []
    for n in arch.nodes:
        if n.name in keep:
            seen: set[str] = set()
            sources = [s for m in [n.name, *inside.get(n.name, ())] for s in visible_sources(m, seen, n.name)]
            edges += [(s, n.name) for s in dict.fromkeys(sources)]
    return edges


def without_implied(names: list[str], edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges no longer path implies (transitive reduction; names in topological order). Where only
    layers with weights are drawn, a residual stream bridged over its hidden adds otherwise joins every
    layer to every later one: a bundle of arcs that says nothing the chain does not."""
    succs: dict[str, list[str]] = {}
    for s, d in edges:
        succs.setdefault(s, []).append(d)
    reach: dict[str, set[str]] = {}
    for n in reversed(names):
        reach[n] = set().union(*({d} | reach[d] for d in succs.get(n, [])))
    return [(s, d) for s, d in edges if not any(d in reach[m] for m in succs[s] if m != d)]


def graph_depths(names: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path depth of each node; names are in execution (topological) order. A second source
    (GPT's position embedding, fed by no input) stands just before the first node it feeds, beside
    the branch it joins, not back at the input with a long edge drawn as a skip."""
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for s, d in edges:
        preds.setdefault(d, []).append(s)
        succs.setdefault(s, []).append(d)
    depth = dict.fromkeys(names, 0)
    for n in names:
        for s in preds.get(n, ()):
            depth[n] = max(depth[n], depth[s] + 1)
    for n in names[1:]:
        if n not in preds and (later := [depth[d] for d in succs.get(n, ())]):
            depth[n] = min(later) - 1
    return depth

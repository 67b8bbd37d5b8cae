"""The graph between drawn blocks: edges bridged over hidden layers, implied ones dropped, depths."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.capture.architecture import Architecture


@dataclass(frozen=True)
class DrawnGraph:
    names: list[str]  # the drawn blocks, in execution (topological) order
    edges: list[tuple[str, str]]
    depth: dict[str, int]  # longest-path depth: the column each block stands in


def drawn_graph(
    arch: Architecture, names: list[str], mode: str, stands_for: dict[str, str] | None = None
) -> DrawnGraph:
    edges = contract_edges(arch, set(names), stands_for)
    if mode != "activations":  # only layers with weights are drawn
        edges = without_implied(names, edges)
    return DrawnGraph(names, edges, graph_depths(names, edges))


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

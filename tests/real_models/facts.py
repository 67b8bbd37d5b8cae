"""Graph facts of issue 14, each a small function over a traced Architecture (and, for values, the
trace's outputs), so that the tests read like the issue.

An attention *site* is where one attention computes its probabilities: a
`scaled_dot_product_attention` node, an `nn.MultiheadAttention` node, or a hand-written `softmax`
fed by a `matmul` of q and k. Its *scope* is the module it ran in (the name before the last dot).
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from nnvox.capture.architecture import Architecture, Node

PROJECTIONS = {"Linear", "Conv1D", "NonDynamicallyQuantizableLinear"}  # q, k, v come out of these
SCORES = {"matmul", "bmm", "einsum", "baddbmm"}
MULTI_OUTPUT = {"split", "chunk", "unbind", "tensor_split", "split_with_sizes"}


def _base(name: str) -> str:
    return name.split("#")[0].split("[")[0]


def scope(arch: Architecture, name: str) -> str:
    """The module a node ran in: its module's parent for a layer, the name's prefix for an operation."""
    node = arch.node(name)
    path = node.module if node.module is not None else _base(name)
    return path.rsplit(".", 1)[0] if "." in path else ""


def successors(arch: Architecture, name: str) -> list[str]:
    return [d for s, d in arch.edges if s == name]


def ancestors(arch: Architecture, name: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        for p in arch.predecessors(todo.pop()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def descendants(arch: Architecture, name: str) -> set[str]:
    after: dict[str, list[str]] = {}
    for s, d in arch.edges:
        after.setdefault(s, []).append(d)
    seen, todo = set(), [name]
    while todo:
        for p in after.get(todo.pop(), []):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def has_edge_between(arch: Architecture, a: str, b: str) -> bool:
    return (a, b) in arch.edges or (b, a) in arch.edges


# --- attention ---------------------------------------------------------------------------------------


def attention_sites(arch: Architecture) -> list[str]:
    """Every attention in the graph, in execution order."""
    sites = []
    for n in arch.nodes:
        hand_written = n.kind == "softmax" and _score_of(arch, n.name) is not None
        if hand_written or n.kind in ("scaled_dot_product_attention", "MultiheadAttention"):
            sites.append(n.name)
    return sites


def _score_of(arch: Architecture, softmax: str) -> str | None:
    """The q @ k^T product a hand-written softmax normalises: its nearest matmul ancestor in its scope."""
    where, todo, seen = scope(arch, softmax), [softmax], set()
    while todo:
        for p in arch.predecessors(todo.pop(0)):
            if p in seen or not _base(p).startswith(where + "."):
                continue
            seen.add(p)
            if arch.node(p).kind in SCORES:
                return p
            todo.append(p)
    return None


def _weighted_sum_of(arch: Architecture, softmax: str) -> str | None:
    """The probabilities @ v product after a hand-written softmax."""
    for d in sorted(descendants(arch, softmax), key=[n.name for n in arch.nodes].index):
        if arch.node(d).kind in SCORES:
            return d
    return None


def attention_inputs(arch: Architecture, site: str) -> list[str]:
    """The nodes that feed a site's q, k and v (masks and position biases left out: an input counts
    when a projection (Linear, GPT-2's Conv1D) of the site's own attention module lies behind it)."""
    node = arch.node(site)
    if node.kind == "MultiheadAttention":
        return list(arch.predecessors(site))  # q, k and v are projected inside the atomic module
    if node.kind == "softmax":
        score, weighted = _score_of(arch, site), _weighted_sum_of(arch, site)
        after_score = descendants(arch, score) | {score}
        feeds = list(arch.predecessors(score)) + [p for p in arch.predecessors(weighted or "") if p not in after_score]
    else:
        feeds = list(arch.predecessors(site))
    where = scope(arch, site)
    projections = {
        n.name
        for n in arch.nodes
        if n.kind in PROJECTIONS and n.module is not None and n.module.startswith(where + ".")
    }
    return list(dict.fromkeys(f for f in feeds if ({f} | ancestors(arch, f)) & projections))


def qkv_reach_attention(arch: Architecture, site: str) -> bool:
    """q, k and v each have a producer and reach the site: three distinct inputs behind projections
    (one for nn.MultiheadAttention, whose q, k and v are made inside it)."""
    need = 1 if arch.node(site).kind == "MultiheadAttention" else 3
    return len(attention_inputs(arch, site)) >= need


def multi_output_feeds_attention(arch: Architecture, site: str) -> bool:
    """Where q, k and v come out of one `split` / `unbind` / `chunk`, each of its outputs reaches the
    site: three of the site's inputs have such an operation behind them."""
    behind = [
        f
        for f in attention_inputs(arch, site)
        if any(arch.node(a).kind in MULTI_OUTPUT for a in {f} | ancestors(arch, f))
    ]
    return len(behind) >= 3


def attention_maps(arch: Architecture, site: str) -> Node | None:
    """The node that shows where a site's heads look: an AttentionMaps node fed by the site (SDPA,
    nn.MultiheadAttention), or a hand-written attention's own softmax."""
    if arch.node(site).kind == "softmax":
        return arch.node(site)
    for d in successors(arch, site):
        if arch.node(d).kind == "AttentionMaps":
            return arch.node(d)
    return None


def upper_triangle(maps: torch.Tensor) -> torch.Tensor:
    """The weights on keys after each query (queries x keys in the last two axes)."""
    q, k = maps.shape[-2:]
    return maps[..., torch.ones(q, k, dtype=torch.bool).triu(1)]


def is_causal(maps: torch.Tensor) -> bool:
    """No query attends to a later key (weights above the diagonal ~0), and each row sums to one."""
    rows_sum_to_one = torch.allclose(maps.sum(-1), torch.ones(maps.shape[:-1]), atol=1e-4)
    above = upper_triangle(maps)
    return rows_sum_to_one and (above.numel() == 0 or bool(above.abs().max() < 1e-6))


def fed_by(arch: Architecture, site: str, source: str) -> list[str]:
    """The site's inputs that have `source` behind them."""
    return [f for f in attention_inputs(arch, site) if f == source or source in ancestors(arch, f)]


def cross_attention_fed_by_encoder(arch: Architecture, site: str, encoder_out: str, decoder_in: str) -> bool:
    """k and v come from the encoder's output (and not from the decoder's input); q from the decoder's
    input (its residual stream may also carry the encoder's output from an earlier cross-attention)."""
    inputs = attention_inputs(arch, site)
    from_decoder = fed_by(arch, site, decoder_in)
    from_encoder_only = [f for f in fed_by(arch, site, encoder_out) if f not in from_decoder]
    return len(inputs) >= 3 and len(from_encoder_only) >= 2 and len(from_decoder) >= 1


# --- embeddings, residuals, batch --------------------------------------------------------------------


def independent(arch: Architecture, a: str, b: str) -> bool:
    """Neither of two nodes lies behind the other (no edge, no path)."""
    return a not in ancestors(arch, b) and b not in ancestors(arch, a)


def first_meeting(arch: Architecture, names: Iterable[str]) -> Node | None:
    """The first node (in execution order) that every one of `names` lies behind."""
    names = list(names)
    for n in arch.nodes:
        if all(x in ancestors(arch, n.name) for x in names):
            return n
    return None


def residual_adds(arch: Architecture) -> list[str]:
    """`add` nodes joining two sources, one of which lies behind the other: a skip connection."""
    out = []
    for n in arch.nodes:
        if _base(n.name).rsplit(".", 1)[-1] not in ("add", "add_", "iadd"):
            continue
        preds = list(arch.predecessors(n.name))
        if len(preds) == 2 and (preds[0] in ancestors(arch, preds[1]) or preds[1] in ancestors(arch, preds[0])):
            out.append(n.name)
    return out


def graph(arch: Architecture) -> tuple:
    """What must not depend on the batch size: node names, kinds, shapes, and the edges."""
    return tuple((n.name, n.kind, n.shape) for n in arch.nodes), tuple(sorted(arch.edges))


def channels_last_nodes(arch: Architecture, grids: set[tuple[int, int]]) -> list[str]:
    """3-axis nodes read as (H, W, C): their first two axes a known grid, the last one not a grid size."""
    sizes = {s for g in grids for s in g}
    return [n.name for n in arch.nodes if len(n.shape) == 3 and tuple(n.shape[:2]) in grids and n.shape[2] not in sizes]

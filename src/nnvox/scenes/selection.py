"""Which layers another block stands for: module subtrees below the depth collapsed into one block,
chains drawn as one block, repeats drawn once."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnvox.capture.architecture import Architecture
from nnvox.scenes.block_text import MIXED
from nnvox.scenes.folding import Folds, fold_by_names, fold_modules
from nnvox.scenes.grouping import group_chains
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.per_architecture import per_architecture
from nnvox.scenes.scene import SceneOptions

# The default depth: the deepest at which the overview has at most this many blocks (after grouping
# and folding). Measured on 1080p stills: ~24 blocks still leave each label and each block's pattern
# readable in one row or two; beyond that labels thin out and blocks shrink to a few pixels a voxel.
BLOCK_BUDGET = 24


CONTAINERS = frozenset({"ModuleList", "Sequential", "ModuleDict"})  # torch's: a class that says nothing


@dataclass(frozen=True)
class Collapsed:
    """A module subtree drawn as one block showing its output (the block is named after that node)."""

    module: str  # the module's dotted path
    kind: str  # its class, or its children's where they are one repeat or it is a container (MIXED: of several)
    count: int  # the repeats it stands for (its own fold, or its children's), or a container's children
    alike: bool  # the count is a fold's ("× N" of alike modules), not a container's children of one class
    members: tuple[str, ...]  # the subtree's nodes, in execution order


@dataclass(frozen=True)
class Selection:
    groups: dict[str, list[str]]  # a chain's last layer -> the chain (head first), drawn as one block
    repeats: dict[
        str, int
    ]  # each layer of a repeat's first instance -> the instances it stands for (the innermost fold's)
    absorbed: frozenset[str]  # layers drawn by another block: a chain's earlier members, later repeats, subtrees
    collapsed: dict[str, Collapsed] = field(default_factory=dict)  # a subtree's output node -> the subtree
    depth: int = 0  # the module depth drawn (0: a run without a module tree, drawn flat)
    folds: dict[str, tuple[int, ...]] = field(
        default_factory=dict
    )  # each repeat's layer -> its folds' counts, outermost first

    def members(self, name: str) -> list[str]:
        """The layers block `name` stands for (itself first when it stands for only itself)."""
        if name in self.collapsed:
            return list(self.collapsed[name].members)
        return self.groups.get(name, [name])

    def stands_for(self) -> dict[str, str]:
        """Each layer inside a collapsed block (its output node aside) -> that block."""
        return {m: rep for rep, c in self.collapsed.items() for m in c.members if m != rep}


def select(arch: Architecture, options: SceneOptions) -> Selection:
    tree = ModuleTree.of(arch)
    if options.depth is not None:
        return select_at(arch, tree, options, min(max(options.depth, 1), max(tree.max_level, 1)))
    return default_selection(arch, tree, options)


def default_selection(arch: Architecture, tree: ModuleTree, options: SceneOptions) -> Selection:
    """The deepest depth whose overview has at most BLOCK_BUDGET blocks; never above the top-level
    modules (depth 1)."""
    for depth in range(max(tree.max_level, 1), 0, -1):
        selection = select_at(arch, tree, options, depth)
        if depth == 1 or block_count(arch, selection, options) <= BLOCK_BUDGET:
            return selection
    raise AssertionError("unreachable")


def block_count(arch: Architecture, selection: Selection, options: SceneOptions) -> int:
    """Blocks of the activations overview (the count the default depth is chosen by, in every mode)."""
    return sum(
        1
        for n in arch.nodes
        if n.name not in selection.absorbed
        and (
            n.name in selection.collapsed
            or (n.kind not in options.hidden_kinds and not (n.kind == "Input" and n.name != "input"))
        )
    )


def select_at(arch: Architecture, tree: ModuleTree, options: SceneOptions, depth: int) -> Selection:
    """The blocks drawn with every module below `depth` collapsed (a module with an expanded layer in
    it opens one level further; a module whose path is in `expand` opens into its children)."""
    folding = _folding(arch, options)
    folds = fold_modules(arch, tree, unfold=options.expand, max_level=depth) if folding else Folds({}, frozenset())
    hidden = {m for p in folds.hidden for m in tree.members.get(p, [])}
    counts: dict[str, tuple[int, ...]] = {}
    if folding and not tree.nested:
        hidden, by_name = fold_by_names(arch, unfold=options.expand)
        counts = {m: (n,) for m, n in by_name.items()}
    for first in sorted(folds.runs, key=tree.level):  # outer folds first
        for m in tree.members.get(first, []):
            counts[m] = (*counts.get(m, ()), len(folds.runs[first]))
    chains = _groups(arch, options)
    collapsed = {} if depth >= tree.max_level else _collapse(arch, tree, options, depth, folds, chains)
    inside = {m for c in collapsed.values() for m in c.members}
    for rep, c in collapsed.items():
        # a collapsed block keeps the folds it lies in (`block.1` of T5's blocks 1-5: each of its
        # layers drawn "× 5"), and adds its children's repeat where it is their container
        kept = counts.get(rep, ())
        for m in c.members:
            counts.pop(m, None)
        own = c.module in folds.runs or c.count == 1 or not c.alike
        if kept or not own:
            counts[rep] = kept if own else (*kept, c.count)
    groups = {k: chain for k, chain in chains.items() if not inside.intersection(chain)}
    absorbed = hidden | (inside - set(collapsed)) | {m for chain in groups.values() for m in chain[:-1]}
    counts = {m: n for m, n in counts.items() if m not in hidden}
    repeats = {m: n[-1] for m, n in counts.items()}
    return Selection(groups, repeats, frozenset(absorbed), collapsed, depth if tree.nested else 0, counts)


def _collapse(
    arch: Architecture, tree: ModuleTree, options: SceneOptions, depth: int, folds: Folds, chains: dict
) -> dict[str, Collapsed]:
    """Each module at `depth` with modules inside, as one block named after its output node; not one
    that draws as one block anyway (a single layer, or one conv + norm + activation chain)."""
    one_block = [set(chain) for chain in chains.values()]
    whole = fold_modules(arch, tree, unfold=options.expand)
    edges, kinds = _links(arch)
    out: dict[str, Collapsed] = {}
    frontier = list(tree.children.get(None, []))
    while frontier:
        path = frontier.pop(0)
        members = tree.members.get(path, [])
        kids = tree.children.get(path, [])
        if not kids or path in folds.hidden or not members:
            continue  # a leaf is its own block; a later repeat is drawn by the first
        if tree.level(path) < depth or path in options.expand or options.expand.intersection(members):
            frontier.extend(kids)  # a module named in `expand` opens into its children, each as drawn at the depth
            continue
        visible = {m for m in members if kinds[m] not in options.hidden_kinds}
        if len(visible) <= 1 or any(visible <= chain for chain in one_block):
            continue
        rep = _output_node(members, edges, kinds, options)
        out[rep] = Collapsed(path, *_kind(tree, path, folds.runs.get(path, [path]), whole), tuple(members))
    return out


def _kind(tree: ModuleTree, path: str, run: list[str], whole: Folds) -> tuple[str, int, bool]:
    """A collapsed module's (class, count, alike): its own class and fold; where its children are
    one repeat, theirs (features.3: MBConv × 2); a container's (ModuleList, ...) otherwise its
    children's class and number, not alike (Swin's `blocks`: SwinLayer × 2, one shifted), or
    `mixed` where their classes differ."""
    kids = tree.children[path]
    if len(run) > 1:
        return tree.kinds[path], len(run), True
    if len(whole.runs.get(kids[0], [])) == len(kids) > 1:
        return tree.kinds[kids[0]], len(kids), True
    if tree.kinds[path] in CONTAINERS:
        classes = {tree.kinds[k] for k in kids}
        return (classes.pop() if len(classes) == 1 else MIXED), len(kids), False
    return tree.kinds[path], 1, True


@per_architecture
def _links(arch: Architecture) -> tuple[tuple[dict[str, list[str]], dict[str, list[str]]], dict[str, str]]:
    """(each node's consumers, its producers), and each node's kind: once per Architecture object."""
    edges: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})  # consumers, producers
    for s, d in arch.edges:
        edges[0].setdefault(s, []).append(d)
        edges[1].setdefault(d, []).append(s)
    return edges, {n.name: n.kind for n in arch.nodes}


def _output_node(members: list[str], edges, kinds: dict[str, str], options: SceneOptions) -> str:
    """The node whose output leaves the subtree (of several, the last); past reshapes at its end,
    which show the same values, to the node that made them."""
    inside = set(members)
    consumers, preds = edges
    exits = [
        m
        for m in members
        if kinds[m] != "AttentionMaps" and (not consumers.get(m) or any(d not in inside for d in consumers[m]))
    ]
    rep = exits[-1] if exits else members[-1]
    while kinds[rep] in options.hidden_kinds:
        earlier = [p for p in preds.get(rep, []) if p in inside]
        if not earlier:
            break
        rep = max(earlier, key=members.index)
    return rep


def _groups(arch: Architecture, options: SceneOptions) -> dict[str, list[str]]:
    """Chains to draw as one block: always when asked, automatically for graphs of many blocks;
    never a chain with an expanded layer in it."""
    if options.mode != "activations" or options.group is False:
        return {}
    if options.group is None and not _is_large(arch, options):
        return {}
    return {k: chain for k, chain in group_chains(arch).items() if not options.expand.intersection(chain)}


def _folding(arch: Architecture, options: SceneOptions) -> bool:
    """Repeated blocks drawn once: when asked, or automatically for graphs of many blocks."""
    return options.fold is True or (options.fold is None and _is_large(arch, options))


def _is_large(arch: Architecture, options: SceneOptions) -> bool:
    """Enough layers that grouping and folding help more than they hide."""
    return sum(1 for n in arch.nodes if n.kind not in options.hidden_kinds) > options.group_above

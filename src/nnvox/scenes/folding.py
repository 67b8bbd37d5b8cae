"""Fold repeated blocks by structure: consecutive sibling modules (same parent, run one after the
other, each fed by the one before) of the same class with the same child structure (classes, node
kinds, output and parameter shapes) are drawn
once, labelled "× N", whatever they are called (`layer3.1…5`, `encoder_layer_0…11`,
`stages.2.blocks.0…8`, `h.0…11`). Runs written before the module tree was recorded fold by name
(`prefix.N` instances), as they always did."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nnvox.capture.architecture import Architecture
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.per_architecture import per_architecture

_INSTANCE = re.compile(r"^(.*?)\.(\d+)(?=\.|#|$)")


@dataclass(frozen=True)
class Folds:
    """Module-level folds: each run's first module -> the run (its paths), and the later instances."""

    runs: dict[str, list[str]]
    hidden: frozenset[str]


def fold_modules(
    arch: Architecture,
    tree: ModuleTree,
    min_repeats: int = 2,
    unfold: frozenset[str] = frozenset(),
    max_level: int | None = None,
) -> Folds:
    """Runs of structurally equal consecutive siblings, outermost first: inside a folded run only its
    first instance is searched further, and nothing inside a module at `max_level` (drawn collapsed).
    A run with a node, or one of its modules, named in `unfold` stays unfolded. Found once per
    Architecture object and arguments for the architecture's own tree (the result is shared: read,
    never changed)."""
    if not tree.nested:
        return Folds({}, frozenset())
    if tree is ModuleTree.of(arch):
        return _cached_folds(arch, min_repeats, frozenset(unfold), max_level)
    return _folds(Structure(arch, tree), min_repeats, unfold, max_level)


class Structure:
    """What folding compares, for one architecture and its module tree: each module's structure
    signature (computed once), and whether one sibling's nodes follow another's."""

    def __init__(self, arch: Architecture, tree: ModuleTree):
        self.tree = tree
        self.index = {n.name: i for i, n in enumerate(arch.nodes)}
        self.nodes = {n.name: n for n in arch.nodes}
        self.consumers: dict[str, list[str]] = {}
        for src, dst in arch.edges:
            self.consumers.setdefault(src, []).append(dst)
        self._signatures: dict[str, tuple] = {}

    def signature(self, path: str) -> tuple:
        """The module's child modules (paths relative to it, classes) and its nodes (owner, kind,
        output shape, parameter shapes)."""
        if path not in self._signatures:
            tree, nodes, cut = self.tree, self.nodes, len(path) + 1
            mods = tuple((p[cut:], tree.kinds[p]) for p in tree.subtree(path)[1:])
            self._signatures[path] = (
                mods,
                tuple(
                    ((tree.owners[m] or "")[cut:], nodes[m].kind, nodes[m].shape, tuple(nodes[m].params.values()))
                    for m in tree.members.get(path, [])
                ),
            )
        return self._signatures[path]

    def follows(self, a: str, b: str) -> bool:
        """b's nodes run right after a's, and b takes what a made."""
        ma, mb = self.tree.members.get(a), self.tree.members.get(b)
        if not (ma and mb) or self.index[mb[0]] != self.index[ma[-1]] + 1:
            return False
        inside = set(mb)
        return any(d in inside for m in ma for d in self.consumers.get(m, ()))


@per_architecture
def structure(arch: Architecture) -> Structure:
    """The Structure of the architecture's own module tree, once per Architecture object."""
    return Structure(arch, ModuleTree.of(arch))


@per_architecture
def _cached_folds(arch: Architecture, min_repeats: int, unfold: frozenset[str], max_level: int | None) -> Folds:
    return _folds(structure(arch), min_repeats, unfold, max_level)


def _folds(s: Structure, min_repeats: int, unfold: frozenset[str], max_level: int | None) -> Folds:
    tree = s.tree
    runs: dict[str, list[str]] = {}
    hidden: set[str] = set()
    frontier: list[str | None] = [None]
    while frontier:
        kids = tree.children.get(frontier.pop(), [])
        i = 0
        while i < len(kids):
            first, j = kids[i], i + 1
            sig = s.signature(first)
            while j < len(kids) and tree.kinds[kids[j]] == tree.kinds[first] and s.follows(kids[j - 1], kids[j]):
                if s.signature(kids[j]) != sig:
                    break
                j += 1
            run = kids[i:j]
            members = {m for p in run for m in tree.members.get(p, [])}
            if len(run) >= min_repeats and members and not unfold.intersection(members.union(run)):
                runs[first] = run
                hidden.update(run[1:])
                run = run[:1]
            frontier.extend(p for p in run if max_level is None or tree.level(p) < max_level)
            i = j
    return Folds(runs, frozenset(hidden))


def fold_repeats(
    arch: Architecture, min_repeats: int = 2, unfold: frozenset[str] = frozenset()
) -> tuple[set[str], dict[str, int]]:
    """Nodes to hide, and for each node of a kept instance the number of instances it stands for
    (the innermost fold's where folds nest)."""
    tree = ModuleTree.of(arch)
    if not tree.nested:
        return fold_by_names(arch, min_repeats, unfold)
    folds = fold_modules(arch, tree, min_repeats, unfold)
    hidden = {m for p in folds.hidden for m in tree.members.get(p, [])}
    repeats: dict[str, int] = {}
    for first in sorted(folds.runs, key=tree.level):  # inner folds overwrite outer ones
        for m in tree.members.get(first, []):
            repeats[m] = len(folds.runs[first])
    return hidden, {m: n for m, n in repeats.items() if m not in hidden}


def fold_by_names(
    arch: Architecture, min_repeats: int = 2, unfold: frozenset[str] = frozenset()
) -> tuple[set[str], dict[str, int]]:
    """The rule for runs without a module tree: `prefix.N` instances with the same nodes."""
    instances: dict[tuple[str, int], list] = {}
    for node in arch.nodes:
        m = _INSTANCE.match(node.name)
        if m:
            instances.setdefault((m.group(1), int(m.group(2))), []).append(node)

    def signature(prefix: str, index: int):
        head = f"{prefix}.{index}"
        return tuple((n.name[len(head) :], n.kind, n.shape) for n in instances[(prefix, index)])

    hidden: set[str] = set()
    repeats: dict[str, int] = {}
    by_prefix: dict[str, list[int]] = {}
    for prefix, index in instances:
        by_prefix.setdefault(prefix, []).append(index)
    for prefix, indices in by_prefix.items():
        indices.sort()
        run_start = 0
        for i in range(1, len(indices) + 1):
            same = (
                i < len(indices)
                and indices[i] == indices[i - 1] + 1
                and signature(prefix, indices[i]) == signature(prefix, indices[run_start])
            )
            if same:
                continue
            count = i - run_start
            members = {n.name for k in indices[run_start:i] for n in instances[(prefix, k)]}
            if count >= min_repeats and not unfold.intersection(members):
                for n in instances[(prefix, indices[run_start])]:
                    repeats[n.name] = count
                for k in indices[run_start + 1 : i]:
                    hidden.update(n.name for n in instances[(prefix, k)])
            run_start = i
    return hidden, repeats

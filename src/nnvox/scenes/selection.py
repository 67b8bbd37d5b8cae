"""Which layers another block stands for: chains drawn as one block, repeats drawn once."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.capture.architecture import Architecture
from nnvox.scenes.folding import fold_repeats
from nnvox.scenes.grouping import group_chains
from nnvox.scenes.scene import SceneOptions


@dataclass(frozen=True)
class Selection:
    groups: dict[str, list[str]]  # a chain's last layer -> the chain (head first), drawn as one block
    repeats: dict[str, int]  # each layer of a repeat's first instance -> the instances it stands for ("× N")
    absorbed: frozenset[str]  # layers drawn by another block: a chain's earlier members, later repeats


def select(arch: Architecture, options: SceneOptions) -> Selection:
    groups = _groups(arch, options)
    folded, repeats = _folds(arch, options)
    absorbed = folded | {m for chain in groups.values() for m in chain[:-1]}
    return Selection(groups, repeats, frozenset(absorbed))


def _groups(arch: Architecture, options: SceneOptions) -> dict[str, list[str]]:
    """Chains to draw as one block: always when asked, automatically for graphs of many blocks;
    never a chain with an expanded layer in it."""
    if options.mode != "activations" or options.group is False:
        return {}
    if options.group is None and not _is_large(arch, options):
        return {}
    return {k: chain for k, chain in group_chains(arch).items() if not options.expand.intersection(chain)}


def _folds(arch: Architecture, options: SceneOptions) -> tuple[set[str], dict[str, int]]:
    """Repeated blocks drawn once: when asked, or automatically for graphs of many blocks."""
    if options.fold is False:
        return set(), {}
    if options.fold is None and not _is_large(arch, options):
        return set(), {}
    return fold_repeats(arch, unfold=options.expand)


def _is_large(arch: Architecture, options: SceneOptions) -> bool:
    """Enough layers that grouping and folding help more than they hide."""
    return sum(1 for n in arch.nodes if n.kind not in options.hidden_kinds) > options.group_above

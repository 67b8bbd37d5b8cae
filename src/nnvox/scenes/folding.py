"""Fold repeated blocks: consecutive siblings of a container (layer3.1, layer3.2, ...) that run the
same layers with the same shapes are drawn once, labelled "× N"."""

from __future__ import annotations

import re

from nnvox.capture.architecture import Architecture

_INSTANCE = re.compile(r"^(.*?)\.(\d+)(?=\.|#|$)")


def fold_repeats(
    arch: Architecture, min_repeats: int = 2, unfold: frozenset[str] = frozenset()
) -> tuple[set[str], dict[str, int]]:
    """Nodes to hide, and for each node of a kept instance the number of instances it stands for.
    A run with a node named in `unfold` stays unfolded."""
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

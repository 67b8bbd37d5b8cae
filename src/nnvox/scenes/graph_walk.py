"""Reachability in a graph given as adjacency lists: what the scene stages ask of an architecture."""

from __future__ import annotations


def reachable(start: str, neighbours: dict[str, list[str]]) -> set[str]:
    """Every name reached from `start` along `neighbours` (successors or predecessors), `start` not included
    unless a cycle leads back to it."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for n in neighbours.get(stack.pop(), ()):
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return seen

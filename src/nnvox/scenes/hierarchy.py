"""The module tree of an Architecture as the scene stages read it: each module's class, parent,
children (in the order first run) and the nodes of its subtree.

Runs written before the tree was recorded have none: each leaf module is then its own top-level
module and functional operations belong to no module (`nested` is False)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from nnvox.capture.architecture import Architecture
from nnvox.scenes.per_architecture import per_architecture


@dataclass(frozen=True)
class ModuleTree:
    kinds: dict[str, str]  # module path -> class name, parents before children
    children: dict[str | None, list[str]]  # parent (None: the model) -> child paths, in the order first run
    members: dict[str, list[str]]  # module path -> the nodes of its subtree, in execution order
    owners: dict[str, str | None]  # node -> the module it belongs to (None: the model's own forward)
    nested: bool = True
    _parents: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, arch: Architecture) -> ModuleTree:
        """The architecture's tree, built once per Architecture object (shared: read, never changed)."""
        return _tree(arch) if cls is ModuleTree else cls._build(arch)

    @classmethod
    def _build(cls, arch: Architecture) -> ModuleTree:
        nested = bool(arch.modules)
        if nested:
            kinds = dict(arch.modules)
            owners = {n.name: n.owner for n in arch.nodes}
            parents = {p: p.rsplit(".", 1)[0] if "." in p else None for p in kinds}
        else:  # flat: each leaf its own module
            kinds = {n.module: n.kind for n in arch.nodes if n.module is not None}
            owners = {n.name: n.module for n in arch.nodes}
            parents = dict.fromkeys(kinds)
        children: dict[str | None, list[str]] = {}
        for p in kinds:
            children.setdefault(parents[p], []).append(p)
        members: dict[str, list[str]] = {}
        for n in arch.nodes:
            m = owners[n.name]
            while m is not None:
                members.setdefault(m, []).append(n.name)
                m = parents.get(m)
        return cls(kinds, children, members, owners, nested, parents)

    def parent(self, path: str) -> str | None:
        return self._parents.get(path)

    def level(self, path: str) -> int:
        """1 for a top-level module, 2 for its children, ..."""
        return 1 + (path.count(".") if self.nested else 0)

    @cached_property
    def max_level(self) -> int:
        return max((self.level(p) for p in self.kinds), default=0)

    def at_level(self, node: str, level: int) -> str | None:
        """The module at `level` that node belongs to, when it lies below that level (None: it does not)."""
        owner = self.owners.get(node)
        if owner is None or not self.nested or self.level(owner) <= level:
            return None
        return ".".join(owner.split(".")[:level])

    def subtree(self, path: str) -> list[str]:
        """The module's descendants (itself first), parents before children."""
        out, frontier = [], [path]
        while frontier:
            p = frontier.pop()
            out.append(p)
            frontier.extend(reversed(self.children.get(p, [])))
        return out


_tree = per_architecture(ModuleTree._build)

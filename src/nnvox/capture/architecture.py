"""The model graph: the frozen type that crosses from capture into scenes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """One layer or operation as executed. `shape` is the output shape without the batch axis."""

    name: str
    kind: str  # module class name ("Conv2d") or function name ("add"); "Input" for the input
    shape: tuple[int, ...]
    params: dict[str, tuple[int, ...]] = field(default_factory=dict)  # "conv1.weight" -> shape
    module: str | None = None  # dotted module path, None for inputs and functional ops
    # convolutions and pools: {"kernel", "stride", "padding", "dilation"} per spatial axis (receptive fields)
    geometry: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {
            "name": self.name,
            "kind": self.kind,
            "shape": list(self.shape),
            "params": {k: list(v) for k, v in self.params.items()},
            "module": self.module,
        }
        if self.geometry:
            d["geometry"] = {k: list(v) for k, v in self.geometry.items()}
        return d

    @classmethod
    def from_json(cls, d: dict) -> Node:
        return cls(
            name=d["name"],
            kind=d["kind"],
            shape=tuple(d["shape"]),
            params={k: tuple(v) for k, v in d.get("params", {}).items()},
            module=d.get("module"),
            geometry={k: tuple(v) for k, v in d.get("geometry", {}).items()},
        )


@dataclass(frozen=True)
class Architecture:
    """A directed graph of nodes in execution order; edges are (source name, target name)."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def predecessors(self, name: str) -> list[str]:
        return [s for s, d in self.edges if d == name]

    def to_json(self) -> dict:
        return {"nodes": [n.to_json() for n in self.nodes], "edges": [list(e) for e in self.edges]}

    @classmethod
    def from_json(cls, d: dict) -> Architecture:
        return cls(
            nodes=tuple(Node.from_json(n) for n in d["nodes"]),
            edges=tuple((s, t) for s, t in d["edges"]),
        )

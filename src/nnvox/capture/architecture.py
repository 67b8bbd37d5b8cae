"""The model graph: the frozen type that crosses from capture into scenes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from nnvox.capture.json_checks import Invalid, check_shape, number, show, text
from nnvox.errors import NnvoxError

LAYOUT_AXES = "CHW"  # a map's axes: channels, height, width
GEOMETRY = {"kernel": 1, "stride": 1, "padding": 0, "dilation": 1}  # per spatial axis, with each one's least value


class ArchitectureError(NnvoxError, ValueError):
    """`Architecture.from_json` of something `to_json` did not write; `reason` names what is wrong."""

    def __init__(self, reason: str):
        super().__init__(f"not an nnvox architecture ({reason}); pass what Architecture.to_json returned")
        self.reason = reason


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
    # a map the model holds in another axis order ("HWC": channels last), stored and drawn C x H x W
    layout: str = ""
    # functional ops and attention maps: the module whose forward ran them (None: the model's own forward)
    scope: str | None = None

    @property
    def owner(self) -> str | None:
        """The module this node belongs to in the module tree: its own, or the one that ran it."""
        return self.module if self.module is not None else self.scope

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
        if self.layout:
            d["layout"] = self.layout
        if self.scope is not None:
            d["scope"] = self.scope
        return d

    @classmethod
    def from_json(cls, d: dict) -> Node:
        """Checked as untrusted input: raises Invalid naming the first field that is not as written."""
        if not isinstance(d, dict):
            raise Invalid(f"a node must be a JSON object, not {show(d)}")
        name = text(d.get("name"), "a node's name", 1024)
        where = f"node {show(name)}"
        params, geometry = d.get("params", {}), d.get("geometry", {})
        if not isinstance(params, dict) or not isinstance(geometry, dict):
            raise Invalid(f"{where}: params and geometry must be JSON objects")
        if geometry and (
            set(geometry) != set(GEOMETRY)
            or len({len(v) if isinstance(v, list) else -1 for v in geometry.values()}) != 1
        ):
            raise Invalid(f"{where}: geometry must give {', '.join(GEOMETRY)} for the same axes")
        for key, least in GEOMETRY.items():
            for v in geometry.get(key, ()):
                number(v, f"{where}: {key}", least, 1 << 20)
        module, scope = d.get("module"), d.get("scope")
        layout = d.get("layout", "")
        if layout and (
            not isinstance(layout, str)
            or sorted(layout) != sorted(LAYOUT_AXES)
            or len(check_shape(d.get("shape"), where)) != 3
        ):
            raise Invalid(f"{where}: layout must order the axes {LAYOUT_AXES} of a 3-axis shape, not {show(layout)}")
        return cls(
            name=name,
            kind=text(d.get("kind"), f"{where}: kind", 1024),
            shape=tuple(check_shape(d.get("shape"), f"{where}: shape")),
            params={
                text(k, f"{where}: parameter name", 1024): tuple(check_shape(v, f"{where}: {show(k)} shape"))
                for k, v in params.items()
            },
            module=None if module is None else text(module, f"{where}: module", 1024),
            geometry={k: tuple(v) for k, v in geometry.items()},
            layout=layout,
            scope=None if scope is None else text(scope, f"{where}: scope", 1024),
        )


@dataclass(frozen=True)
class Architecture:
    """A directed graph of nodes in execution order; edges are (source name, target name)."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    # The module tree: every module on the path of a traced node, (dotted path, class name), in the
    # order each was first run (a parent before its children; siblings in execution order). Empty for
    # runs written before it was recorded: each leaf module is then its own top-level module.
    modules: tuple[tuple[str, str], ...] = ()

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def predecessors(self, name: str) -> list[str]:
        return self._predecessors.get(name, [])

    @cached_property
    def _predecessors(self) -> dict[str, list[str]]:
        """Each node's sources, found once (a scan of every edge per call made `nnvox info` quadratic)."""
        out: dict[str, list[str]] = {}
        for s, d in self.edges:
            out.setdefault(d, []).append(s)
        return out

    def to_json(self) -> dict:
        d = {"nodes": [n.to_json() for n in self.nodes], "edges": [list(e) for e in self.edges]}
        if self.modules:
            d["modules"] = [list(m) for m in self.modules]
        return d

    @classmethod
    def from_json(cls, d: dict) -> Architecture:
        """The graph `to_json` wrote, checked as untrusted input (a run's manifest may come from
        anyone): nodes with unique names and sane shapes, edges from a node to a later one (the
        nodes are in execution order). Raises ArchitectureError naming what is wrong."""
        try:
            if not isinstance(d, dict) or not isinstance(d.get("nodes"), list) or not isinstance(d.get("edges"), list):
                raise Invalid(f"the architecture must be an object with lists 'nodes' and 'edges', not {show(d)}")
            nodes = tuple(Node.from_json(n) for n in d["nodes"])
            order = {n.name: i for i, n in enumerate(nodes)}
            if len(order) != len(nodes):
                raise Invalid("two nodes share a name")
            if not any(n.kind != "AttentionMaps" for n in nodes):
                raise Invalid("the architecture has no layers")
            shapes: dict[str, tuple[int, ...]] = {}
            for p, shape in ((p, s) for n in nodes for p, s in n.params.items()):
                if shapes.setdefault(p, shape) != shape:  # a module called twice lists its parameters twice
                    raise Invalid(f"parameter {p!r} is listed with two shapes")
            edges = []
            for e in d["edges"]:
                if not isinstance(e, list) or len(e) != 2 or not all(isinstance(x, str) and x in order for x in e):
                    raise Invalid(f"an edge must name two of the architecture's nodes, not {show(e)}")
                if order[e[0]] >= order[e[1]]:
                    raise Invalid(f"edge {e[0]!r} -> {e[1]!r} runs against the execution order")
                edges.append((e[0], e[1]))
            modules = _modules(d.get("modules", []), nodes)
        except Invalid as exc:
            raise ArchitectureError(str(exc)) from None
        return cls(nodes=nodes, edges=tuple(edges), modules=modules)


MAX_MODULES = 1 << 20


def _modules(value, nodes: tuple[Node, ...]) -> tuple[tuple[str, str], ...]:
    """The module tree as written: unique dotted paths of non-empty names, each parent listed before
    its children, and every module a node names listed."""
    if not isinstance(value, list) or len(value) > MAX_MODULES:
        raise Invalid(f"modules must be a list of at most {MAX_MODULES:,} [path, class] pairs, not {show(value)}")
    out: dict[str, str] = {}
    for m in value:
        if not isinstance(m, list) or len(m) != 2:
            raise Invalid(f"a module must be a [path, class] pair, not {show(m)}")
        path = text(m[0], "a module's path", 1024)
        kind = text(m[1], f"module {show(path)}: class", 1024)
        parts = path.split(".")
        if not all(parts) or any(not c.isprintable() for c in path) or not kind.isprintable() or not kind:
            raise Invalid(f"module path {show(path)} or class {show(kind)} is not a name")
        if path in out:
            raise Invalid(f"module {show(path)} is listed twice")
        if len(parts) > 1 and ".".join(parts[:-1]) not in out:
            raise Invalid(f"module {show(path)} is listed before its parent")
        out[path] = kind
    if out:
        for n in nodes:
            if n.owner is not None and n.owner not in out:
                raise Invalid(f"node {show(n.name)} belongs to module {show(n.owner)}, which is not listed")
    return tuple(out.items())

"""Runtime tracing: run one forward pass and record the graph that actually executed, with each
node's output. Leaf modules are caught by forward hooks; the functional operations between them
(`x + y`, `torch.cat`, `F.relu`, `x.view(...)`) by a TorchFunctionMode. Edges come from tensor
identity: an operation's input tensor is linked to the node that produced it.

The same pass records values, so data-dependent control flow is traced as it ran for the probe.
(torch.fx is not used: it cannot follow data-dependent branches, and a second, static graph
could disagree with the values recorded here.) A second pass at another batch size finds each
tensor's batch axis (capture/batch_axis.py); the axes' roles (channels-last maps) follow from the
graph (capture/layouts.py). Stored outputs are per sample, batch first, maps channels first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_hook
from torch.overrides import TorchFunctionMode

from nnvox.capture import layouts
from nnvox.capture.architecture import Architecture, Node
from nnvox.capture.attention import mha_maps, no_fused_attention, sdpa_probabilities
from nnvox.capture.batch_axis import BatchAxis, compare, fold_order, guess, other_batch, per_sample, varied
from nnvox.capture.model_state import state_kept
from nnvox.capture.modes import evaluating
from nnvox.errors import NnvoxError

INPUT = "input"

# Modules drawn as one block even though they have children (their forward does not call them).
ATOMIC_MODULES: tuple[type[nn.Module], ...] = (nn.MultiheadAttention,)

# Operations that hand on the same values (a copy, a cast): no node, the result keeps its producer.
_PASSTHROUGH = {
    "detach",
    "clone",
    "contiguous",
    "to",
    "cpu",
    "cuda",
    "float",
    "double",
    "half",
    "bfloat16",
    "type_as",
    "requires_grad",
}
# Operations that create fresh tensors unrelated to the data flow: never nodes.
_IGNORED = {"new_zeros", "new_ones", "new_empty", "new_full", "new_tensor", "zeros_like", "ones_like", "empty_like"}
_SDPA = "scaled_dot_product_attention"


@dataclass
class TraceResult:
    architecture: Architecture
    outputs: dict[str, torch.Tensor]  # node name -> output (batch first), detached copies
    error: str | None = None  # partial traces: why the forward pass stopped
    shaping: Shaping | None = None  # how each node's raw output became per sample (for later passes)


@dataclass
class Shaping:
    """How each node's raw output is read per sample: its batch axis (None: no sample owns it) and
    the axis order that draws it channels first; `batch_dim` is the inputs' batch axis."""

    batch_dim: int
    axes: dict[str, BatchAxis | None] = field(default_factory=dict)
    orders: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def batch_of(self, inputs) -> int | None:
        first = _first_tensor(inputs)
        return first.shape[self.batch_dim] if first is not None and first.dim() > self.batch_dim else None

    def axis(self, name: str, shape: tuple[int, ...], batch: int) -> BatchAxis | None:
        return self.axes[name] if name in self.axes else guess(shape, batch)

    def convert(self, name: str, out: torch.Tensor, batch: int | None) -> torch.Tensor:
        if batch is None:
            return out.unsqueeze(0) if not out.dim() else out
        seen = per_sample(out, self.axis(name, tuple(out.shape), batch), batch)
        order = self.orders.get(name)
        if order is not None and seen.dim() == len(order) + 1:
            seen = seen.permute(0, *(i + 1 for i in order))
        return seen

    def shape(self, name: str, raw: tuple[int, ...], batch: int | None) -> tuple[int, ...]:
        return tuple(self.convert(name, torch.empty(raw, device="meta"), batch).shape[1:])


def _tensors(value) -> list[torch.Tensor]:
    """The tensors in `value` (nested tuples, lists and dicts), in order. Built as a list, not a
    generator: it runs for every operation of the traced pass."""
    out: list[torch.Tensor] = []
    _collect(value, out)
    return out


def _collect(value, out: list) -> None:
    if isinstance(value, torch.Tensor):
        out.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            if isinstance(v, torch.Tensor):
                out.append(v)
            elif isinstance(v, (tuple, list, dict)):
                _collect(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, out)


def _first_tensor(value):
    tensors = _tensors(value)
    return tensors[0] if tensors else None


def leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Modules drawn as blocks: those without children, and atomic ones (attention), not their insides."""
    leaves, skip = [], []
    for name, module in model.named_modules():
        if any(name.startswith(s + ".") for s in skip):
            continue
        if isinstance(module, ATOMIC_MODULES):
            skip.append(name)
            leaves.append((name, module))
        elif name and not list(module.children()):
            leaves.append((name, module))
    return leaves


_OP_NAMES: dict = {}


def _op_name(func) -> str:
    try:
        return _OP_NAMES[func]
    except (KeyError, TypeError):  # TypeError: an unhashable callable
        name = _name_of(func)
    try:
        _OP_NAMES[func] = name
    except TypeError:
        pass
    return name


def _name_of(func) -> str:
    name = getattr(func, "__name__", None) or type(func).__name__
    if name.startswith("__i") and name.endswith("__") and name not in ("__index__", "__invert__"):
        return name[3:-2] + "_"  # x += y: the in-place add
    if name.startswith("__") and name.endswith("__"):
        return name[2:-2]  # __add__ -> add, __getitem__ -> getitem
    return name.lstrip("_") or "op"  # add_ (in place) keeps its trailing underscore


def _call(model: nn.Module, inputs, state: dict | None = None):
    args, kwargs = (
        ((), inputs) if isinstance(inputs, dict) else (inputs if isinstance(inputs, tuple) else (inputs,), {})
    )
    if state is not None:
        return torch.func.functional_call(model, state, args, kwargs, strict=False)
    return model(*args, **kwargs)


def _input_names(inputs) -> list[str]:
    """Names of the input tensors: "input" for the first; the others by their keyword
    ("input.attention_mask") or their position ("input_2")."""

    def paths(value, path):
        if isinstance(value, torch.Tensor):
            yield path
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from paths(v, None)
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from paths(v, f"{path}.{k}" if path else str(k))

    names = []
    for i, key in enumerate(paths(inputs, None)):
        names.append(INPUT if i == 0 else f"{INPUT}.{key}" if key else f"{INPUT}_{i + 1}")
    return names


def _declared_batch_axis(module: nn.Module) -> int | None:
    """The batch axis a layer says it takes (nn.LSTM, nn.MultiheadAttention: batch_first)."""
    batch_first = getattr(module, "batch_first", None)
    return None if not isinstance(batch_first, bool) else 0 if batch_first else 1


class _Tracer(TorchFunctionMode):
    """One forward pass under hooks and a torch function mode: the nodes that ran, their edges and
    their raw outputs (as the model made them: batch anywhere, any layout)."""

    def __init__(self, model: nn.Module, inputs, *, build_graph: bool, record_values: bool = True):
        super().__init__()
        self.model = model
        self.build_graph = build_graph
        self.record_values = record_values
        self.producers: dict[int, str] = {}  # id of a float tensor -> the node that made it
        # id of an integer or boolean tensor (token ids, indices, masks) -> the nodes it came from:
        # it is no node, but a layer or operation fed only by it is fed by them.
        self.derived: dict[int, list[str]] = {}
        self.keep_alive: list[torch.Tensor] = []  # ids stay unique while the tensors live
        self.nodes: list[Node] = []
        self.edges: list[tuple[str, str]] = []
        self.raw: dict[str, torch.Tensor] = {}  # node -> its output as made (a copy, taken at once)
        self.raw_shapes: dict[str, tuple[int, ...]] = {}
        self.permutes: dict[str, tuple[int, ...]] = {}  # permuting nodes: where each raw axis went
        self.declared: dict[str, int] = {}  # node -> the batch axis its layer says it takes
        self.counts: dict[str, int] = {}
        self.inside = 0  # depth inside leaf modules: their internal operations are not nodes
        self.busy = False  # our own tensor work in hooks is not traced
        self.entered: list[tuple[str, nn.Module, list[tuple[int, ...]]]] = []
        self.scope: list[str] = []  # the container modules being run: names functional nodes
        self.modules: dict[str, str] = {}  # every module run: path -> class name, in the order first run
        self.side_outputs: set[str] = set()  # recorded though they do not feed the output (attention maps)
        self.error: str | None = None
        self.last = INPUT
        self.input_names = _input_names(inputs)
        for name, t in zip(self.input_names, _tensors(inputs)):
            self._add(name, "Input", t, [], {}, None)

    def _unique(self, base: str) -> str:
        n = self.counts.get(base, 0) + 1
        self.counts[base] = n
        return base if n == 1 else f"{base}#{n}"

    def _sources(self, value) -> list[str]:
        """The nodes whose float outputs `value` holds, then those its token ids, indices or masks
        came from (an embedding of `x.long()`, an attention given the model's attention_mask input).
        A tensor made from nothing traced (positions from arange, a buffer, zeros) has no source:
        no edge is invented for it."""
        tensors = _tensors(value)
        sources = [self.producers[id(t)] for t in tensors if id(t) in self.producers]
        sources += [s for t in tensors for s in self.derived.get(id(t), ())]
        return list(dict.fromkeys(sources))

    def _derive(self, tensors, sources: list[str]) -> None:
        for t in tensors:
            if sources and not t.is_floating_point():
                self.derived[id(t)] = sources
                self.keep_alive.append(t)

    def _add(
        self,
        name,
        kind,
        out: torch.Tensor,
        sources,
        params,
        module,
        geometry=None,
        alias: str | None = None,
        scope: str | None = None,
    ) -> None:
        self.busy = True
        try:
            self.raw_shapes[name] = tuple(out.shape)
            if module is None and scope is None and self.scope:
                scope = self.scope[-1]  # a functional op: the module whose forward ran it
            node = Node(name, kind, tuple(out.shape), params, module, geometry or {}, scope=scope)
            self.nodes.append(node)
            self.edges.extend((s, name) for s in sources)
            if self.record_values:
                # Copy now: a later in-place op (ReLU(inplace=True), +=) would overwrite what we saw.
                # An output that is its input (nn.Identity) shares the copy: stored once.
                self.raw[name] = self.raw[alias] if alias in self.raw else out.detach().clone()
            self.producers[id(out)] = name
            self.keep_alive.append(out)
            self.last = name
        finally:
            self.busy = False

    # --- functional operations between modules ---------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if self.busy or self.inside:
            return result
        kind = _op_name(func)
        outs = _tensors(result)
        if not outs or kind in _IGNORED:
            return result
        sources = self._sources((args, kwargs))
        floats = [t for t in outs if t.is_floating_point()]
        if not sources or not floats:
            self._derive(outs, sources)  # sizes, masks, indices: bookkeeping, not activations
            return result
        if kind.rstrip("_") in _PASSTHROUGH:
            for out in floats:
                self.producers[id(out)] = sources[0]
                self.keep_alive.append(out)
            return result
        base = f"{self.scope[-1]}.{kind}" if self.scope else kind  # layer1.0.add_: where it happened
        name = self._unique(base)
        # Every float output is a node: q, k and v of `qkv.split(...)` each feed their attention.
        for i, out in enumerate(floats):
            self._add(name if i == 0 else f"{name}[{i}]", kind, out, sources, {}, None)
        self._derive([t for t in outs if not t.is_floating_point()], [name])  # max/topk/sort's indices
        if self.build_graph and kind in layouts.PERMUTING and args and isinstance(args[0], torch.Tensor):
            # (read once, when the graph is traced: the snapshots' passes reuse its channel orders)
            order = layouts.permutation_of(func, args, kwargs, args[0].dim())
            if order is not None:
                self.permutes[name] = order
        if kind == _SDPA and self.record_values:  # a shapes-only pass reads the maps' batch axis off the output's
            self._maps(name, sdpa_probabilities(args, kwargs))
        return result

    # --- leaf modules -----------------------------------------------------------------------
    def pre_hook(self, module_name: str):
        def hook(module, args, kwargs):
            self.inside += 1
            self.busy = True
            self.entered.append((module_name, module, [tuple(t.shape) for t in _tensors((args, kwargs))]))
            _ran(self.modules, self.model, module_name, module)
            module._nnvox_srcs = self._sources((args, kwargs))
            # Inputs as they are now: an output that is one of them, unchanged (nn.Identity, not
            # ReLU(inplace=True), which bumps the tensor's version), is that node's output again.
            module._nnvox_ins = {
                id(t): (self.producers[id(t)], t._version) for t in _tensors((args, kwargs)) if id(t) in self.producers
            }
            self.busy = False

        return hook

    def post_hook(self, module_name: str):
        def hook(module, args, kwargs, output):
            self.inside -= 1
            if self.entered:
                self.entered.pop()
            tensors = _tensors(output)
            floats = [t for t in tensors if t.is_floating_point()] or tensors[:1]
            if not floats:
                return
            out = floats[0]
            name = self._unique(module_name)
            params = {}
            if self.build_graph:
                params = {
                    f"{module_name}.{p}": tuple(v.shape)
                    for p, v in module.named_parameters(recurse=isinstance(module, ATOMIC_MODULES))
                }
            declared = _declared_batch_axis(module)
            if declared is not None:
                self.declared[name] = declared
            same, version = module._nnvox_ins.get(id(out), (None, None))
            self._add(
                name,
                type(module).__name__,
                out,
                module._nnvox_srcs,
                params,
                module_name,
                _geometry(module) if self.build_graph else None,
                alias=same if version == out._version else None,
            )
            # Other tensors of a tuple/dict output (an LSTM's state) come from this node too.
            for extra in floats[1:]:
                self.producers.setdefault(id(extra), name)
                self.keep_alive.append(extra)
            self._derive(tensors, [name])
            if isinstance(module, nn.MultiheadAttention) and self.record_values:
                self.busy = True
                try:
                    maps = mha_maps(module, args, kwargs)
                finally:
                    self.busy = False
                self._maps(name, maps, module_name)

        return hook

    def _maps(self, name: str, maps: torch.Tensor | None, scope: str | None = None) -> None:
        """Where each head of attention node `name` looks, (batch, heads, queries, keys): a side output."""
        if maps is None or maps.dim() < 3:
            return
        self._add(f"{name}.maps", "AttentionMaps", maps, [name], {}, None, scope=scope)
        self.side_outputs.add(f"{name}.maps")

    def enter_scope(self, name: str):
        def hook(module, args) -> None:
            self.scope.append(name)
            _ran(self.modules, self.model, name, module)

        return hook

    def leave_scope(self, module, args, output) -> None:  # returns None: a value would replace the output
        if self.scope:
            self.scope.pop()

    def run(self, inputs, partial: bool = False, state: dict | None = None):
        """The forward pass, traced; with `state`, run with those parameters and buffers instead."""
        handles = []
        leaves = leaf_modules(self.model)
        for name, module in leaves:
            handles.append(module.register_forward_pre_hook(self.pre_hook(name), with_kwargs=True))
            handles.append(module.register_forward_hook(self.post_hook(name), with_kwargs=True))
        leaf_ids = {id(m) for _, m in leaves}
        for name, module in self.model.named_modules():
            if (
                name
                and id(module) not in leaf_ids
                and not any(name.startswith(n + ".") for n, m in leaves if isinstance(m, ATOMIC_MODULES))
            ):
                handles.append(module.register_forward_pre_hook(self.enter_scope(name)))
                handles.append(module.register_forward_hook(self.leave_scope))
        try:
            # Fused attention kernels would run nn.MultiheadAttention's maths without calling it.
            with evaluating(self.model), torch.no_grad(), no_fused_attention(), self:
                result = _call(self.model, inputs, state)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 (the user's forward failed or exited: say where, with what shapes)
            if not partial:
                raise NnvoxError(self._failure(inputs, exc)) from None
            self.error = self._failure(inputs, exc)
            return  # the graph up to the failing layer, as it ran
        finally:
            for h in handles:
                h.remove()
        self._keep_ancestors_of(self._sources(result))

    def _keep_ancestors_of(self, outputs: list[str]) -> None:
        """Drop what does not lead to the model's output (`if x.sum() > 0:`, shapes for a loop)."""
        keep = set(self.input_names) | set(outputs) | self.side_outputs
        frontier = list(outputs)
        preds: dict[str, list[str]] = {}
        for s, d in self.edges:
            preds.setdefault(d, []).append(s)
        while frontier:
            for p in preds.get(frontier.pop(), []):
                if p not in keep:
                    keep.add(p)
                    frontier.append(p)
        self.nodes = [n for n in self.nodes if n.name in keep]
        self.edges = [(s, d) for s, d in self.edges if s in keep and d in keep]
        self.raw = {k: v for k, v in self.raw.items() if k in keep}

    def _failure(self, inputs, exc: Exception) -> str:
        if self.entered:
            name, module, shapes = self.entered[-1]
            where = (
                f"in layer {name!r} ({type(module).__name__}), which got input of shape {', '.join(map(str, shapes))}"
            )
            expects = getattr(module, "in_channels", None) or getattr(module, "in_features", None)
            if expects:
                what = "channels (dimension 1)" if hasattr(module, "in_channels") else "features (last dimension)"
                where += f" but expects {expects} input {what}"
        else:
            where = f"after {self.last!r}" if self.last != INPUT else "before the first layer"
        shapes = ", ".join(str(tuple(t.shape)) for t in _tensors(inputs))
        reason = str(exc).splitlines()[0] if str(exc) else ""
        return f"the model's forward pass failed {where} (model input shape {shapes}): {type(exc).__name__}: {reason}"

    # --- per sample --------------------------------------------------------------------------
    def per_sample(self, shaping: Shaping, batch: int | None) -> tuple[list[Node], dict[str, torch.Tensor]]:
        """The nodes with per-sample shapes and their outputs batch first, channels first. Outputs
        that were one copy (an nn.Identity's) stay one."""
        converted: dict[int, torch.Tensor] = {}
        outputs = {}
        for name, raw in self.raw.items():
            if id(raw) not in converted:
                converted[id(raw)] = shaping.convert(name, raw, batch)
            outputs[name] = converted[id(raw)]
        nodes = []
        for n in self.nodes:
            out = outputs.get(n.name)
            shape = tuple(out.shape[1:]) if out is not None else shaping.shape(n.name, self.raw_shapes[n.name], batch)
            nodes.append(
                Node(
                    n.name,
                    n.kind,
                    shape,
                    n.params,
                    n.module,
                    n.geometry,
                    layout=_layout_name(shaping.orders.get(n.name)),
                    scope=n.scope,
                )
            )
        return nodes, outputs

    @staticmethod
    def signature(nodes: list[Node]) -> list[tuple[str, str, tuple[int, ...]]]:
        return [(n.name, n.kind, n.shape) for n in nodes]


def _ran(modules: dict[str, str], model: nn.Module, name: str, module: nn.Module) -> None:
    """Note a module in the tree, after its parents (one its parent's forward never called too)."""
    if name in modules:
        return
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        if parent not in modules:
            modules[parent] = type(model.get_submodule(parent)).__name__
    modules[name] = type(module).__name__


def _layout_name(order: tuple[int, ...] | None) -> str:
    """The model's own axis order of a map drawn channels first ("HWC"), or "" when it is C, H, W."""
    if order is None:
        return ""
    model_axes = [""] * len(order)
    for role, axis in zip(layouts.CHANNELS_FIRST, order):
        model_axes[axis] = role
    return "".join(model_axes)


def trace(model: nn.Module, inputs, *, partial: bool = False, batch_dim: int | None = None) -> TraceResult:
    """Trace `model` on `inputs` (a batch tensor, a tuple of them, or a dict of keyword inputs).
    The model runs in eval mode under no_grad. A failing forward pass raises a one-line NnvoxError,
    or with `partial=True` returns the graph up to the failing layer with the error. `batch_dim`
    is the inputs' batch axis; by default it is found (axis 0, or 1 for sequence-first models)."""
    tracer = _Tracer(model, inputs, build_graph=True)
    tracer.run(inputs, partial=partial)
    shaping = _shaping(model, inputs, tracer, batch_dim)
    batch = shaping.batch_of(inputs)
    nodes, outputs = tracer.per_sample(shaping, batch)
    arch = Architecture(tuple(nodes), tuple(dict.fromkeys(tracer.edges)), module_tree(tracer.modules, nodes))
    return TraceResult(arch, outputs, tracer.error, shaping)


def module_tree(ran: dict[str, str], nodes: list[Node]) -> tuple[tuple[str, str], ...]:
    """The modules on the path of a traced node (path, class name), in the order they first ran."""
    wanted = set()
    for n in nodes:
        parts = n.owner.split(".") if n.owner else []
        wanted.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return tuple((p, k) for p, k in ran.items() if p in wanted)


def _shaping(model: nn.Module, inputs, first: _Tracer, batch_dim: int | None) -> Shaping:
    """Each node's batch axis, from a second pass at another batch size along the inputs' batch axis
    (`batch_dim`, else 0, else 1 where a layer says it takes its batch second and axis 0 disagrees),
    and the axis order that draws channels-last maps channels first."""
    candidates = [batch_dim] if batch_dim is not None else [0, 1]
    found = None
    for axis in candidates:
        shaping = Shaping(axis)
        n1 = shaping.batch_of(inputs)
        second = varied(inputs, axis, n1) if n1 else None
        if second is None:
            continue
        n2 = other_batch(n1)
        tracer = _second_pass(model, second, n2)
        if tracer is None:
            continue  # the model takes no other batch size along this axis
        for name, shape in first.raw_shapes.items():
            axes = compare(shape, tracer.raw_shapes[name], n1, n2) if name in tracer.raw_shapes else False
            if isinstance(axes, BatchAxis) and name in tracer.raw and name in first.raw:
                axes = fold_order(axes, first.raw[name], tracer.raw[name], n1)
            if axes is not False:
                shaping.axes[name] = axes
        _attention_map_axes(shaping, first)
        wrong = _contradicted(shaping, first.declared)
        if wrong and batch_dim is not None:
            raise NnvoxError(
                f"batch_dim {batch_dim} puts the samples where layer {wrong!r} says they are not "
                f"(batch_first={first.declared[wrong] == 0}); leave batch_dim out to have it found"
            )
        if not wrong:
            found = shaping
            break
    found = found or Shaping(batch_dim or 0)
    batch = found.batch_of(inputs)
    if batch is not None:
        _channels_first_orders(found, first, batch)
    return found


def _attention_map_axes(shaping: Shaping, first: _Tracer) -> None:
    """Batch axes of attention maps a shapes-only pass left out (computing them costs as much as
    the attention): SDPA's maps lead with its query's axes, as its output does;
    nn.MultiheadAttention gives its maps batch first whatever its batch_first."""
    kinds = {n.name: n.kind for n in first.nodes}
    for maps in first.side_outputs:
        site = maps.removesuffix(".maps")
        if maps in shaping.axes:
            continue
        if kinds.get(site) == "MultiheadAttention":
            shaping.axes[maps] = BatchAxis(0) if len(first.raw_shapes[maps]) == 4 else None
        elif site in shaping.axes:
            shaping.axes[maps] = shaping.axes[site]


def _second_pass(model: nn.Module, inputs, batch: int) -> _Tracer | None:
    """The pass at the other batch size; None when the model does not take it. At batch 1 it runs
    for real: its values tell batch-major folds from batch-minor ones (a (T, N) view as T * N rows),
    and it costs a fraction of the first. At batch 2 (a probe of one) only shapes are needed: it
    runs on the meta device, no arithmetic, where the model's operations allow, with whatever the
    forward caches on the model put back afterwards; else for real."""
    if batch == 2:
        state = {k: _on_meta(v) for k, v in (*model.named_parameters(), *model.named_buffers())}
        shapes = _on_meta(inputs)
        tracer = _Tracer(model, shapes, build_graph=False, record_values=False)
        try:
            with state_kept(model):
                tracer.run(shapes, state=state)
            return tracer
        except NnvoxError:
            pass
    tracer = _Tracer(model, inputs, build_graph=False, record_values=batch == 1)
    try:
        tracer.run(inputs)
    except NnvoxError:
        return None
    return tracer


def _on_meta(value):
    """Tensors in `value` as meta tensors (shape and dtype, no data), the structure kept."""
    if isinstance(value, torch.Tensor):
        return torch.empty_like(value, device="meta")
    if isinstance(value, (tuple, list)):
        return type(value)(_on_meta(v) for v in value)
    if isinstance(value, dict):
        return {k: _on_meta(v) for k, v in value.items()}
    return value


def _contradicted(shaping: Shaping, declared: dict[str, int]) -> str | None:
    """A layer that says where it takes its batch (nn.LSTM without batch_first: axis 1) but found it elsewhere."""
    return next(
        (
            name
            for name, axis in declared.items()
            if isinstance(shaping.axes.get(name), BatchAxis) and shaping.axes[name].axis != axis
        ),
        None,
    )


def _channels_first_orders(shaping: Shaping, tracer: _Tracer, n: int) -> None:
    """The axis order that draws each channels-last map channels first (shaping.orders)."""
    first_source: dict[str, str] = {}
    for s, d in tracer.edges:
        first_source.setdefault(d, s)
    shapes, permutes = {}, {}
    for node in tracer.nodes:
        raw = tracer.raw_shapes[node.name]
        shapes[node.name] = tuple(
            per_sample(torch.empty(raw, device="meta"), shaping.axis(node.name, raw, n), n).shape[1:]
        )
    for name, order in tracer.permutes.items():
        src = first_source.get(name)
        a, b = (
            shaping.axis(src, tracer.raw_shapes[src], n) if src else None,
            shaping.axis(name, tracer.raw_shapes[name], n),
        )
        if isinstance(a, BatchAxis) and isinstance(b, BatchAxis) and a.fold == b.fold == 1:
            p = layouts.per_sample_permutation(order, a.axis, b.axis)
            if p is not None:
                permutes[name] = p
    images = {name for name in tracer.input_names if len(shapes.get(name, ())) == 3}
    roles = layouts.infer_roles([(x.name, x.kind) for x in tracer.nodes], shapes, first_source, permutes, images)
    for name, r in roles.items():
        order = layouts.to_channels_first(r)
        if order is not None:
            shaping.orders[name] = order


def signature(arch: Architecture) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """What must stay the same between snapshots of one run: each node's name, kind and shape."""
    return tuple((n.name, n.kind, n.shape) for n in arch.nodes)


def has_functional_nodes(arch: Architecture) -> bool:
    return any(n.module is None and n.kind != "Input" for n in arch.nodes)


# convolutions and pools of 1 to 3 spatial axes: a window sliding over the input
_SLIDING = tuple(getattr(nn, f"{kind}{d}d") for kind in ("Conv", "MaxPool", "AvgPool") for d in (1, 2, 3))


def _geometry(module: nn.Module) -> dict[str, tuple[int, ...]]:
    """Kernel, stride, padding and dilation per spatial axis of a convolution or pool; {} otherwise."""
    if not isinstance(module, _SLIDING):
        return {}
    dims = int(type(module).__name__[-2])  # Conv2d -> 2

    def axes(v, default: int) -> tuple[int, ...]:
        v = default if v is None else v
        return tuple(int(x) for x in v) if isinstance(v, (tuple, list)) else (int(v),) * dims

    kernel, dilation = axes(module.kernel_size, 1), axes(getattr(module, "dilation", 1), 1)
    padding = module.padding
    if padding == "valid":
        padding = 0
    elif padding == "same":
        padding = tuple((k - 1) * d // 2 for k, d in zip(kernel, dilation))
    return {
        "kernel": kernel,
        "stride": axes(module.stride, 1) if module.stride is not None else kernel,
        "padding": axes(padding, 0),
        "dilation": dilation,
    }


class OutputCapture:
    """Traces a model once, then runs the per-snapshot pass: every node's output copied, and
    whether the graph that ran still is the traced one.

    Graphs of modules only (most CNNs and MLPs) are captured by plain forward hooks on leaf modules
    found once: a full trace's scope hooks and graph bookkeeping cost as much again as the forward
    pass of a small model. Graphs with functional nodes (`x + y`) or attention maps are traced in
    full each time (the torch function mode is what sees them). Both read each output per sample as
    the trace found it (batch axis, channels-last maps)."""

    def __init__(self, model: nn.Module, inputs, *, batch_dim: int | None = None):
        self.model = model
        traced = trace(model, inputs, batch_dim=batch_dim)
        self.architecture, self.shaping = traced.architecture, traced.shaping
        self.functional = has_functional_nodes(self.architecture)
        self._nodes = {n.name for n in self.architecture.nodes if n.kind != "Input"}
        self._leaves = {} if self.functional else {id(m): name for name, m in leaf_modules(model)}
        # The hooked pass also sees leaves a full trace prunes (not feeding the output): its own
        # reference, the graph of the first hooked pass (same modules, same probe, as traced here).
        self._expected = signature(self.architecture) if self.functional else None

    def __call__(self, inputs) -> tuple[dict[str, torch.Tensor], bool]:
        """(node name -> output copy, True when the graph that ran differs from the traced one)."""
        if self.functional:
            tracer = _Tracer(self.model, inputs, build_graph=False)
            tracer.run(inputs)
            nodes, outputs = tracer.per_sample(self.shaping, self.shaping.batch_of(inputs))
            ran = tuple(tracer.signature(nodes))
        else:
            outputs, ran = self._hooked(inputs)
            if any(name is None for name, _, _ in ran):  # a leaf that was not there when traced
                ran = ()
            elif self._expected is None:  # the first pass: the traced graph's nodes, kinds and shapes?
                traced = {n.name: (n.kind, n.shape) for n in self.architecture.nodes}
                if all(traced.get(name, (kind, shape)) == (kind, shape) for name, kind, shape in ran):
                    self._expected = ran
                else:
                    ran = ()
        return {k: v for k, v in outputs.items() if k in self._nodes}, ran != self._expected

    def _hooked(self, inputs) -> tuple[dict[str, torch.Tensor], tuple]:
        outputs: dict[str, torch.Tensor] = {}
        ran: list[tuple[str, str, tuple[int, ...]]] = []
        calls: dict[str, int] = {}  # a module run twice: name, then name#2, as the full trace names it
        leaves, shaping = self._leaves, self.shaping
        batch = shaping.batch_of(inputs)

        def keep(module, args, output):
            name = leaves.get(id(module))
            if name is None:
                if not module._modules:  # a leaf added or swapped in since the trace: the graph changed
                    ran.append((None, type(module).__name__, ()))
                return
            out = _first_tensor(output)
            if out is not None:
                calls[name] = n = calls.get(name, 0) + 1
                key = name if n == 1 else f"{name}#{n}"
                out = shaping.convert(key, out, batch)
                ran.append((key, type(module).__name__, tuple(out.shape[1:]) if out.dim() else ()))
                outputs[key] = out.detach().clone()  # now: an in-place op later would overwrite it

        # One global hook for the pass instead of one per leaf: registering costs ~10 us each.
        handle = register_module_forward_hook(keep)
        try:
            with evaluating(self.model), torch.no_grad():
                _call(self.model, inputs)
        except (Exception, SystemExit):  # a full trace says where and with what shapes, in one line
            trace(self.model, inputs)
            raise
        finally:
            handle.remove()
        return outputs, tuple(ran)

"""Runtime tracing: run one forward pass and record the graph that actually executed, with each
node's output. Leaf modules are caught by forward hooks; the functional operations between them
(`x + y`, `torch.cat`, `F.relu`, `x.view(...)`) by a TorchFunctionMode. Edges come from tensor
identity: an operation's input tensor is linked to the node that produced it.

The same pass records values, so data-dependent control flow is traced as it ran for the probe.
(torch.fx is not used: it cannot follow data-dependent branches, and a second, static graph
could disagree with the values recorded here.)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_hook
from torch.overrides import TorchFunctionMode

from nnvox.capture.architecture import Architecture, Node
from nnvox.capture.modes import evaluating
from nnvox.errors import NnvoxError

INPUT = "input"

# Modules drawn as one block even though they have children (their forward does not call them).
ATOMIC_MODULES: tuple[type[nn.Module], ...] = (nn.MultiheadAttention,)

# Operations that hand on the same values (a copy, a cast): no node, the result keeps its producer.
_PASSTHROUGH = {"detach", "clone", "contiguous", "to", "cpu", "cuda", "float", "double", "half", "type_as", "requires_grad"}
# Operations that create fresh tensors unrelated to the data flow: never nodes.
_IGNORED = {"new_zeros", "new_ones", "new_empty", "new_full", "new_tensor", "zeros_like", "ones_like", "empty_like"}


@dataclass
class TraceResult:
    architecture: Architecture
    outputs: dict[str, torch.Tensor]  # node name -> output (batch first), detached copies
    error: str | None = None  # partial traces: why the forward pass stopped


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _first_tensor(value):
    return next(_tensors(value), None)


def _batch_size(inputs) -> int | None:
    first = _first_tensor(inputs)
    return first.shape[0] if first is not None and first.dim() else None


def _per_sample(out: torch.Tensor, batch: int | None) -> torch.Tensor:
    """`out` with one row per sample: sequence-first outputs (T, N, ...: nn.LSTM, nn.MultiheadAttention
    without batch_first) turned batch-first, and outputs no sample owns (a position embedding of
    `arange(T)`) repeated for each. A leading size equal to the batch is taken as the batch."""
    if batch is None or (out.dim() and out.shape[0] == batch):
        return out
    if out.dim() >= 2 and out.shape[1] == batch:
        return out.movedim(1, 0)
    return out.unsqueeze(0).expand(batch, *out.shape)


def _batch_free(value, batch: int | None) -> bool:
    """No tensor in `value` has the batch axis."""
    return batch is not None and all(t.dim() == 0 or t.shape[0] != batch for t in _tensors(value))


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


def _op_name(func) -> str:
    name = getattr(func, "__name__", None) or type(func).__name__
    if name.startswith("__i") and name.endswith("__") and name not in ("__index__", "__invert__"):
        return name[3:-2] + "_"  # x += y: the in-place add
    if name.startswith("__") and name.endswith("__"):
        return name[2:-2]  # __add__ -> add, __getitem__ -> getitem
    return name.lstrip("_") or "op"  # add_ (in place) keeps its trailing underscore


def _call(model: nn.Module, inputs):
    if isinstance(inputs, dict):
        return model(**inputs)
    if isinstance(inputs, tuple):
        return model(*inputs)
    return model(inputs)


class _Tracer(TorchFunctionMode):
    def __init__(self, model: nn.Module, inputs, *, build_graph: bool, functional: bool = True):
        super().__init__()
        self.functional = functional
        self.model = model
        self.build_graph = build_graph
        self.producers: dict[int, str] = {}
        self.keep_alive: list[torch.Tensor] = []  # ids stay unique while the tensors live
        self.nodes: list[Node] = []
        self.edges: list[tuple[str, str]] = []
        self.outputs: dict[str, torch.Tensor] = {}
        self.signature: list[tuple[str, str, tuple[int, ...]]] = []
        self.counts: dict[str, int] = {}
        self.inside = 0  # depth inside leaf modules: their internal operations are not nodes
        self.busy = False  # our own tensor work in hooks is not traced
        self.entered: list[tuple[str, nn.Module, list[tuple[int, ...]]]] = []
        self.scope: list[str] = []  # the container modules being run: names functional nodes
        self.side_outputs: set[str] = set()
        self.error: str | None = None  # recorded though they do not feed the output (attention maps)
        self.last = INPUT
        self.batch = _batch_size(inputs)
        self.input_names = [INPUT if i == 0 else f"{INPUT}_{i + 1}" for i, _ in enumerate(_tensors(inputs))]
        for name, t in zip(self.input_names, _tensors(inputs)):
            self._add(name, "Input", t, [], {}, None)

    def _unique(self, base: str) -> str:
        n = self.counts.get(base, 0) + 1
        self.counts[base] = n
        return base if n == 1 else f"{base}#{n}"

    def _sources(self, value) -> list[str]:
        return list(dict.fromkeys(self.producers[id(t)] for t in _tensors(value) if id(t) in self.producers))

    def _add(self, name, kind, out: torch.Tensor, sources, params, module, geometry=None) -> None:
        self.busy = True
        try:
            seen = _per_sample(out, self.batch)
            shape = tuple(seen.shape[1:]) if seen.dim() else ()
            self.signature.append((name, kind, shape))
            self.nodes.append(Node(name, kind, shape, params, module, geometry or {}))
            self.edges.extend((s, name) for s in sources)
            # Copy now: a later in-place op (ReLU(inplace=True), +=) would overwrite what we saw.
            self.outputs[name] = seen.detach().clone()
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
        out = _first_tensor(result)
        if out is None or kind in _IGNORED or not out.is_floating_point():
            return result  # sizes, dtypes, masks, indices: bookkeeping, not activations
        sources = self._sources((args, kwargs))
        if not sources:
            return result  # on constants or parameters only: not part of the data flow
        if kind.rstrip("_") in _PASSTHROUGH:
            self.producers[id(out)] = sources[0]
            self.keep_alive.append(out)
            return result
        base = f"{self.scope[-1]}.{kind}" if self.scope else kind  # layer1.0.add_: where it happened
        self._add(self._unique(base), kind, out, sources, {}, None)
        return result

    # --- leaf modules -----------------------------------------------------------------------
    def pre_hook(self, module_name: str):
        def hook(module, args, kwargs):
            self.inside += 1
            self.busy = True
            self.entered.append((module_name, module, [tuple(t.shape) for t in _tensors((args, kwargs))]))
            # An input made by an untraced operation: the chain's last node is its best source,
            # unless no input has the batch axis (positions from arange(T)): then it has none.
            fallback = [] if _batch_free((args, kwargs), self.batch) else [self.last]
            module._nnvox_srcs = self._sources((args, kwargs)) or fallback
            self.busy = False

        return hook

    def post_hook(self, module_name: str):
        def hook(module, args, kwargs, output):
            self.inside -= 1
            if self.entered:
                self.entered.pop()
            out = _first_tensor(output)
            if out is None:
                return
            name = self._unique(module_name)
            params = {}
            if self.build_graph:
                params = {f"{module_name}.{p}": tuple(v.shape) for p, v in module.named_parameters(recurse=isinstance(module, ATOMIC_MODULES))}
            self._add(name, type(module).__name__, out, module._nnvox_srcs, params, module_name,
                      _geometry(module) if self.build_graph else None)
            # Other tensors of a tuple/dict output (an LSTM's state) come from this node too.
            for extra in list(_tensors(output))[1:]:
                self.producers.setdefault(id(extra), name)
                self.keep_alive.append(extra)
            if isinstance(module, nn.MultiheadAttention):
                self._attention_maps(name, module, args, kwargs)

        return hook

    def enter_scope(self, name: str):
        def hook(module, args) -> None:
            self.scope.append(name)

        return hook

    def leave_scope(self, module, args, output) -> None:  # returns None: a value would replace the output
        if self.scope:
            self.scope.pop()

    def _attention_maps(self, name: str, module: nn.MultiheadAttention, args, kwargs) -> None:
        """Where each head looks: the module again (its forward, so no hooks) asked for per-head weights."""
        self.busy = True
        try:
            extra = {k: v for k, v in kwargs.items() if k not in ("need_weights", "average_attn_weights")}
            _, maps = module.forward(*args, **extra, need_weights=True, average_attn_weights=False)
        except Exception:  # an unusual call we cannot repeat: the block still shows the output
            return
        finally:
            self.busy = False
        if maps is None or maps.dim() != 4:
            return
        self._add(f"{name}.maps", "AttentionMaps", maps, [name], {}, None)
        self.side_outputs.add(f"{name}.maps")

    def run(self, inputs, partial: bool = False):
        handles = []
        leaves = leaf_modules(self.model)
        for name, module in leaves:
            handles.append(module.register_forward_pre_hook(self.pre_hook(name), with_kwargs=True))
            handles.append(module.register_forward_hook(self.post_hook(name), with_kwargs=True))
        leaf_ids = {id(m) for _, m in leaves}
        for name, module in self.model.named_modules():
            if name and id(module) not in leaf_ids and not any(name.startswith(n + ".") for n, m in leaves if isinstance(m, ATOMIC_MODULES)):
                handles.append(module.register_forward_pre_hook(self.enter_scope(name)))
                handles.append(module.register_forward_hook(self.leave_scope))
        try:
            with evaluating(self.model), torch.no_grad(), (self if self.functional else contextlib.nullcontext()):
                result = _call(self.model, inputs)
        except (Exception, SystemExit) as exc:  # the user's forward failed (or exited): say where, with what shapes
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
        self.signature = [x for x in self.signature if x[0] in keep]
        self.outputs = {k: v for k, v in self.outputs.items() if k in keep}

    def _failure(self, inputs, exc: Exception) -> str:
        if self.entered:
            name, module, shapes = self.entered[-1]
            where = f"in layer {name!r} ({type(module).__name__}), which got input of shape {', '.join(map(str, shapes))}"
            expects = getattr(module, "in_channels", None) or getattr(module, "in_features", None)
            if expects:
                what = "channels (dimension 1)" if hasattr(module, "in_channels") else "features (last dimension)"
                where += f" but expects {expects} input {what}"
        else:
            where = f"after {self.last!r}" if self.last != INPUT else "before the first layer"
        shapes = ", ".join(str(tuple(t.shape)) for t in _tensors(inputs))
        reason = str(exc).splitlines()[0] if str(exc) else ""
        return f"the model's forward pass failed {where} (model input shape {shapes}): {type(exc).__name__}: {reason}"

    def architecture(self) -> Architecture:
        return Architecture(tuple(self.nodes), tuple(dict.fromkeys(self.edges)))


def trace(model: nn.Module, inputs, *, partial: bool = False) -> TraceResult:
    """Trace `model` on `inputs` (a batch tensor, a tuple of them, or a dict of keyword inputs).
    The model runs in eval mode under no_grad. A failing forward pass raises a one-line NnvoxError,
    or with `partial=True` returns the graph up to the failing layer with the error."""
    tracer = _Tracer(model, inputs, build_graph=True)
    tracer.run(inputs, partial=partial)
    return TraceResult(tracer.architecture(), tracer.outputs, tracer.error)


def signature(arch: Architecture) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """What must stay the same between snapshots of one run: each node's name, kind and shape."""
    return tuple((n.name, n.kind, n.shape) for n in arch.nodes)


def has_functional_nodes(arch: Architecture) -> bool:
    return any(n.module is None and n.kind != "Input" for n in arch.nodes)


_SLIDING = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d,
            nn.AvgPool3d)


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
    return {"kernel": kernel, "stride": axes(module.stride, 1) if module.stride is not None else kernel,
            "padding": axes(padding, 0), "dilation": dilation}


class OutputCapture:
    """Traces a model once, then runs the per-snapshot pass: every node's output copied, and
    whether the graph that ran still is the traced one.

    Graphs of modules only (most CNNs and MLPs) are captured by plain forward hooks on leaf modules
    found once: a full trace's scope hooks and graph bookkeeping cost as much again as the forward
    pass of a small model. Graphs with functional nodes (`x + y`) or attention maps are traced in
    full each time (the torch function mode is what sees them)."""

    def __init__(self, model: nn.Module, inputs):
        self.model = model
        self.architecture = trace(model, inputs).architecture
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
            outputs, ran = tracer.outputs, tuple(tracer.signature)
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
        leaves, batch = self._leaves, _batch_size(inputs)

        def keep(module, args, output):
            name = leaves.get(id(module))
            if name is None:
                if not module._modules:  # a leaf added or swapped in since the trace: the graph changed
                    ran.append((None, type(module).__name__, ()))
                return
            out = _first_tensor(output)
            if out is not None:
                out = _per_sample(out, batch)
                calls[name] = n = calls.get(name, 0) + 1
                key = name if n == 1 else f"{name}#{n}"
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

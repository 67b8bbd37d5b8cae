"""Runtime tracing: run one forward pass with hooks on every leaf module and record the graph that
actually executed, plus each node's output. Edges come from tensor identity: a module's input
tensor is linked to the node that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from nnvox.capture.architecture import Architecture, Node
from nnvox.errors import NnvoxError

INPUT = "input"


@dataclass
class TraceResult:
    architecture: Architecture
    outputs: dict[str, torch.Tensor]  # node name -> output (batch first), detached copies


def _first_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            t = _first_tensor(v)
            if t is not None:
                return t
    if isinstance(value, dict):
        for v in value.values():
            t = _first_tensor(v)
            if t is not None:
                return t
    return None


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(n, m) for n, m in model.named_modules() if n and not list(m.children())]


def trace(model: nn.Module, inputs: torch.Tensor) -> TraceResult:
    """Trace `model` on `inputs` (a batch). The model is run in eval mode under no_grad."""
    producers: dict[int, str] = {}  # id(tensor) -> node name
    keep_alive: list[torch.Tensor] = []  # ids stay unique while the tensors live
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []
    outputs: dict[str, torch.Tensor] = {}
    calls: dict[str, int] = {}
    last = [INPUT]
    entered: list[tuple[str, str, list[tuple[int, ...]]]] = []  # (module, kind, input shapes) being run

    nodes.append(Node(INPUT, "Input", tuple(inputs.shape[1:])))
    producers[id(inputs)] = INPUT
    keep_alive.append(inputs)
    outputs[INPUT] = inputs.detach().clone()

    def pre_hook(module_name):
        def hook(module, args, kwargs):
            entered.append((module_name, type(module).__name__, [tuple(t.shape) for t in _tensors((args, kwargs))]))
            srcs = [producers[id(t)] for t in _tensors((args, kwargs)) if id(t) in producers]
            # An input made by an untraced functional op: the chain's last node is its best source.
            module._nnvox_srcs = list(dict.fromkeys(srcs)) or [last[0]]

        return hook

    def post_hook(module_name):
        def hook(module, args, kwargs, output):
            if entered:
                entered.pop()
            out = _first_tensor(output)
            if out is None:
                return
            count = calls.get(module_name, 0)
            calls[module_name] = count + 1
            name = module_name if count == 0 else f"{module_name}#{count + 1}"
            params = {f"{module_name}.{p}": tuple(v.shape) for p, v in module.named_parameters(recurse=False)}
            nodes.append(Node(name, type(module).__name__, tuple(out.shape[1:]), params, module_name))
            edges.extend((s, name) for s in module._nnvox_srcs)
            # Copy now: an in-place op later (ReLU(inplace=True), +=) would overwrite what we saw.
            outputs[name] = out.detach().clone()
            producers[id(out)] = name
            keep_alive.append(out)
            last[0] = name

        return hook

    handles = []
    for name, module in leaf_modules(model):
        handles.append(module.register_forward_pre_hook(pre_hook(name), with_kwargs=True))
        handles.append(module.register_forward_hook(post_hook(name), with_kwargs=True))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(inputs)
    except Exception as exc:  # the user's forward failed: say where, with what shapes
        if entered:
            name, kind, shapes = entered[-1]
            where = f"in layer {name!r} ({kind}), which got input of shape {', '.join(map(str, shapes))}"
        else:
            where = f"after {last[0]!r}" if last[0] != INPUT else "before the first layer"
        reason = str(exc).splitlines()[0] if str(exc) else ""
        raise NnvoxError(
            f"the model's forward pass failed {where} (model input shape {tuple(inputs.shape)}): "
            f"{type(exc).__name__}: {reason}"
        ) from None
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return TraceResult(Architecture(tuple(nodes), tuple(edges)), outputs)


def signature(arch: Architecture) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """What must stay the same between snapshots of one run: each node's name, kind and shape."""
    return tuple((n.name, n.kind, n.shape) for n in arch.nodes)


def capture_outputs(model: nn.Module, inputs: torch.Tensor):
    """The lean per-snapshot pass: every leaf module's output copied, plus the signature it ran
    with. No edges or parameter lists: those are the architecture's, traced once."""
    sig: list[tuple[str, str, tuple[int, ...]]] = [(INPUT, "Input", tuple(inputs.shape[1:]))]
    outputs: dict[str, torch.Tensor] = {}
    calls: dict[str, int] = {}

    def hook_for(module_name):
        def hook(module, args, output):
            out = _first_tensor(output)
            if out is None:
                return
            count = calls.get(module_name, 0)
            calls[module_name] = count + 1
            name = module_name if count == 0 else f"{module_name}#{count + 1}"
            sig.append((name, type(module).__name__, tuple(out.shape[1:])))
            outputs[name] = out.detach().clone()

        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in leaf_modules(model)]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(inputs)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return tuple(sig), outputs

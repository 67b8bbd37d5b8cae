"""The probe's inputs as the model takes them, as a run's manifest says it (see the comment below):
their structure checked as untrusted input, its tensors named and counted, and the structure rebuilt."""

from __future__ import annotations

import math
from collections.abc import Callable

from nnvox.capture.json_checks import MAX_NUMBER, Invalid, json_list, json_object, number, show, text

# The manifest's probe entry may say how the model takes the probe: "inputs", its structure (absent: one
# tensor), and "batch_dim", the axis of each of its tensors that holds the samples in the model's layout
# (absent: 0). The structure is a tree of one-key objects: {"tensor": i} (the i-th tensor, counted in
# order, stored samples first in the probe file under probe_key(i)), {"value": a JSON constant},
# {"tuple": [...]}, {"list": [...]}, {"dict": {name: ...}}. A model called on a tuple (or list) takes
# its items as positional inputs, on a dict as keyword inputs.

MAX_PROBE_DEPTH = 8  # containers inside containers (a dict of a tuple of tensors: 2)
MAX_PROBE_ITEMS = 1024  # containers, constants and tensors in all
MAX_PROBE_TENSORS = 256
MAX_PROBE_TEXT = 1024  # a name or a text constant
PROBE_CONTAINERS = ("tuple", "list", "dict")
SINGLE_TENSOR = {"tensor": 0}  # a probe of one tensor: what a manifest without "inputs" means


def probe_key(i: int) -> str:
    """The probe file's key of the i-th tensor of the probe's inputs: the first is "inputs" (the
    Input block drawn, read by every nnvox), the others "inputs.<i>"."""
    return "inputs" if i == 0 else f"inputs.{i}"


def input_name(path: tuple) -> str:
    """How a message names an item of the probe's inputs: `inputs`, `inputs[1]`, `hidden[0]`, `cache.key`."""
    name = "" if path and isinstance(path[0], str) else "inputs"
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else f".{step}" if name else step
    return name


def probe_items(structure, path: tuple = ()):
    """(path, node) of every node of a checked structure, depth first, in the order tensors are counted."""
    yield path, structure
    ((kind, value),) = structure.items()
    if kind in ("tuple", "list"):
        for i, v in enumerate(value):
            yield from probe_items(v, (*path, i))
    elif kind == "dict":
        for k, v in value.items():
            yield from probe_items(v, (*path, k))


def tensor_names(structure) -> list[str]:
    """The names of the structure's tensors, in their order."""
    return [input_name(path) for path, node in probe_items(structure) if "tensor" in node]


def fill_probe(structure, tensor: Callable[[int], object]):
    """The structure rebuilt as the model takes it: containers as they were, constants, and
    `tensor(i)` for the i-th tensor."""
    ((kind, value),) = structure.items()
    if kind == "tensor":
        return tensor(value)
    if kind == "value":
        return value
    if kind == "dict":
        return {k: fill_probe(v, tensor) for k, v in value.items()}
    items = [fill_probe(v, tensor) for v in value]
    return tuple(items) if kind == "tuple" else items


def check_probe_inputs(structure) -> int:
    """A probe structure as untrusted input: one-key nodes of known kinds, tensors numbered in order,
    constants JSON's own (finite, whole numbers exact), names and text bounded, nesting at most
    MAX_PROBE_DEPTH, at most MAX_PROBE_ITEMS nodes and MAX_PROBE_TENSORS tensors, the first node a
    tensor or a container holding one. Returns the number of tensors; raises Invalid."""
    count = [0, 0]  # nodes, tensors

    def node(n, depth: int, path: tuple) -> None:
        where = f"probe input {input_name(path)!r}" if path else "the probe's inputs"
        count[0] += 1
        if count[0] > MAX_PROBE_ITEMS:
            raise Invalid(f"the probe's inputs hold more than {MAX_PROBE_ITEMS:,} items")
        if not isinstance(n, dict) or len(n) != 1:
            raise Invalid(f"{where} must be an object of one key (tensor, value, tuple, list or dict), not {show(n)}")
        ((kind, value),) = n.items()
        if kind == "tensor":
            if type(value) is not int or value != count[1]:
                raise Invalid(f"{where} must be tensor {count[1]} (tensors are numbered in order), not {show(value)}")
            count[1] += 1
            if count[1] > MAX_PROBE_TENSORS:
                raise Invalid(f"the probe's inputs hold more than {MAX_PROBE_TENSORS} tensors")
        elif kind == "value":
            if not path:
                raise Invalid("the probe's inputs must hold a tensor, not only a constant")
            if isinstance(value, str):
                text(value, where, MAX_PROBE_TEXT)
            elif type(value) is int:
                number(value, where, -MAX_NUMBER)
            elif type(value) is float:
                if not math.isfinite(value):
                    raise Invalid(f"{where} must be a finite number, not {show(value)}")
            elif value is not None and type(value) is not bool:
                raise Invalid(f"{where} must be null, true, false, a number or text, not {show(value)}")
        elif kind in PROBE_CONTAINERS:
            if depth >= MAX_PROBE_DEPTH:
                raise Invalid(f"the probe's inputs are nested more than {MAX_PROBE_DEPTH} deep")
            if kind == "dict":
                for k, v in json_object(value, where).items():
                    if not text(k, f"a name in {where}", MAX_PROBE_TEXT) or not k.isprintable():
                        raise Invalid(f"{where} holds the name {show(k)}; names are printable text")
                    node(v, depth + 1, (*path, k))
            else:
                for i, v in enumerate(json_list(value, where)):
                    node(v, depth + 1, (*path, i))
        else:
            raise Invalid(f"{where} is of unknown kind {show(kind)} (tensor, value, tuple, list or dict)")

    node(structure, 0, ())
    if not count[1]:
        raise Invalid("the probe's inputs hold no tensor")
    return count[1]

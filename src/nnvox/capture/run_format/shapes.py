"""What each tensor of a snapshot must be, from the manifest: the check every read makes before a
tensor is used."""

from __future__ import annotations

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.capture.detail import VIEW_PREFIX
from nnvox.capture.json_checks import Invalid
from nnvox.capture.mistakes import MISTAKE_INDEX, MISTAKE_PREFIX
from nnvox.capture.run_format.keys import FLOAT_KEYS, INPUT_NODE, PROBE_ROWS


def expected_shapes(
    arch: Architecture, probe_count: int, reduced: dict, views: dict, methods, evaluation_count: int | None
) -> dict[str, tuple]:
    """The shape each known tensor key of a snapshot must have: activations (probe count, *the
    layer's shape or its recorded reduction), their pooled view copies, weights and gradients,
    attributions (the input's shape), the held-out predictions; and under "inputs", one sample's
    shape (the probe's and the held-out set's files). None: any size."""

    def stored(key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(reduced[key]["shape"]) if key in reduced else tuple(shape)

    out: dict[str, tuple[int, ...]] = {}
    for node in arch.nodes:
        key = f"act/{node.name}"
        out[key] = (probe_count, *stored(key, node.shape))
        if (f := views.get(key)) and len(out[key]) == 4:
            n, c, h, w = out[key]
            out[VIEW_PREFIX + key] = (n, c, h // f, w // f)
        for p, shape in node.params.items():
            out[f"param/{p}"] = out[f"grad/{p}"] = stored(f"param/{p}", shape)
    inputs = next((n.shape for n in arch.nodes if n.name == INPUT_NODE), None)
    if inputs is not None:
        out["inputs"] = inputs
        out.update((f"attr/{m}", (probe_count, *inputs)) for m in methods)
    if evaluation_count is not None:
        out["eval/probabilities"] = (evaluation_count, None)  # (held-out samples, classes)
    return out


def check_tensor(key: str, dtype, shape: tuple[int, ...], expected: dict, probe_count: int, mistake_rows: int) -> None:
    """A tensor read from a snapshot is what the manifest says it is; raises Invalid naming it."""
    mistake = key.startswith(MISTAKE_PREFIX)
    base = key[len(MISTAKE_PREFIX) :] if mistake else key
    if key == MISTAKE_INDEX:
        if np.dtype(dtype).kind not in "iu" or len(shape) != 1 or shape[0] > mistake_rows:
            raise Invalid(
                f"tensor {key!r} must be at most {mistake_rows} integer indices, "
                f"not {np.dtype(dtype).name} {list(shape)}"
            )
        return
    if not base.startswith(FLOAT_KEYS):
        return  # a key this nnvox does not read: its header entry was checked, nothing more to say
    if np.dtype(dtype).kind != "f":
        raise Invalid(f"tensor {key!r} is {np.dtype(dtype).name}; nnvox stores it as floats")
    want = expected.get(base)
    if want is None and base.startswith(PROBE_ROWS):
        want = (probe_count, *shape[1:])  # attributions: one row per probe sample
    if want is None:
        return
    if mistake:
        rows_ok = len(shape) >= 1 and shape[0] <= mistake_rows
        want, shape_rest = want[1:], shape[1:]
    else:
        rows_ok, shape_rest = True, shape
    if not rows_ok or len(shape_rest) != len(want) or any(w is not None and w != s for w, s in zip(want, shape_rest)):
        sides = ([f"at most {mistake_rows}"] if mistake else []) + ["any" if w is None else str(w) for w in want]
        raise Invalid(f"tensor {key!r} has shape {list(shape)}; the manifest says [{', '.join(sides)}]")


def check_samples(
    key: str, dtype, shape: tuple[int, ...], *, count: int, input_shape: tuple | None, batch_dim: int | None
) -> None:
    """A tensor of the probe's file or the held-out set's: inputs (count, *the model's input shape,
    or any with `input_shape` None), the probe's other input tensors (count, ...), integer labels
    (count,). `batch_dim`: the probe's axis holding its samples (None for the held-out set's file)."""
    axis = batch_dim or 0
    if key.startswith("inputs."):  # another of the probe's input tensors: its samples first
        if not shape or shape[0] != count or len(shape) <= axis or np.dtype(dtype).kind not in "biuf":
            raise Invalid(
                f"{key!r} is {np.dtype(dtype).name} {list(shape)}; the manifest says {count} samples "
                f"of numbers, with an axis {axis} to hold them"
            )
        return
    want = (count, *(shape[1:] if input_shape is None else input_shape)) if key == "inputs" else (count,)
    if shape != want or (key == "labels" and np.dtype(dtype).kind not in "iu"):
        raise Invalid(
            f"{key!r} is {np.dtype(dtype).name} {list(shape)}; the manifest says {list(want)}"
            + (" integers" if key == "labels" else "")
        )
    if key == "inputs" and batch_dim is not None and len(shape) <= batch_dim:
        raise Invalid(
            f"'inputs' is {list(shape)}, with no axis {batch_dim} to hold the samples as the manifest's batch_dim says"
        )

"""One tensor, several names: stored once, listed in the snapshot's alias table (run_format.ALIASES_KEY).

Names share a tensor when a model ties weights (GPT's `lm_head.weight = wte.weight`), registers a
module twice, or when an output is the very tensor of another node's (nn.Identity returns its input).
The recorder sends each such tensor object once with the names it also goes by; the writer stores
every distinct array once, whether the sharing was said or found (two outputs equal bit for bit).
numpy-only: the writer process uses it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnvox.capture.run_format import tensor_kind

_FINGERPRINT = 64  # values compared first: two different arrays almost never agree in these


def same_objects(named: Mapping[str, object]) -> dict[str, str]:
    """{name: the first name of the same object}, for every later name of an object met before
    (`model.named_parameters(remove_duplicate=False)` lists a tied weight under each of its names)."""
    first: dict[int, str] = {}
    aliases = {}
    for name, value in named.items():
        seen = first.setdefault(id(value), name)  # (ids are unique while `named` holds every value)
        if seen != name:
            aliases[name] = seen
    return aliases


def with_aliases(tensors: dict[str, np.ndarray], aliases: Mapping[str, str]) -> dict[str, np.ndarray]:
    """Every name the recorder gave, each alias bound to its tensor's array (no copy). Aliases of a
    tensor not sent are left out: a tied weight's gradient before the first backward has none."""
    return tensors | {alias: tensors[target] for alias, target in aliases.items() if target in tensors}


def _fingerprint(a: np.ndarray) -> bytes:
    flat = a.reshape(-1)
    return flat[:: max(1, flat.size // _FINGERPRINT)][:_FINGERPRINT].tobytes()


def _identical(a: np.ndarray, b: np.ndarray) -> bool:
    """The same bits (so -0.0 is not 0.0, and a NaN equals the same NaN)."""
    return a is b or np.array_equal(
        np.ascontiguousarray(a).reshape(-1).view(np.uint8), np.ascontiguousarray(b).reshape(-1).view(np.uint8)
    )


def stored_once(arrays: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """(arrays to store, {alias: stored name}): each float array identical to an earlier one of the
    same kind, dtype and shape becomes an alias of it. The reader returns it under both names."""
    stored: dict[str, np.ndarray] = {}
    aliases: dict[str, str] = {}
    candidates: dict[tuple, list[str]] = {}  # (kind, dtype, shape, fingerprint) -> names stored
    for name, a in arrays.items():
        kind = tensor_kind(name)
        if kind is None or a.dtype.kind != "f":  # indices and other keys: stored as they are
            stored[name] = a
            continue
        group = candidates.setdefault((kind, a.dtype.str, a.shape, _fingerprint(a)), [])
        same = next((s for s in group if _identical(stored[s], a)), None)
        if same is None:
            group.append(name)
            stored[name] = a
        else:
            aliases[name] = same
    return stored, aliases

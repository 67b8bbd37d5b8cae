"""Deliberate masks: -Inf that a softmax consumes by design is not a fault.

Attention code masks scores with `masked_fill(mask, float("-inf"))` before a softmax (nanoGPT's slow
path, many Hugging Face models): the softmax turns those -Inf into exact zeros. Such a node holds
non-finite values on purpose. It is told apart from a fault by two things together:

- what it holds: its only non-finite values are -Inf (the writer counts NaN, +Inf and -Inf apart,
  `NONFINITE_KINDS_KEY`); NaN anywhere is a fault, and so is +Inf (a softmax turns it into NaN);
- where it goes: every consumer in the architecture graph is softmax-like (`SOFTMAX_KINDS`), so the
  -Inf reach no layer's output. A node that also feeds anything else (or nothing: a model output)
  is judged as before.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnvox.capture.architecture import Architecture

# Node kinds (module class names, function names as the tracer records them) for which an input of
# -Inf means "this entry takes no part": softmax gives it weight 0, log-softmax and logsumexp leave it out.
SOFTMAX_KINDS = frozenset(
    {"softmax", "log_softmax", "Softmax", "LogSoftmax", "Softmax2d", "scaled_dot_product_attention", "logsumexp"}
)


def softmax_fed(architecture: Architecture) -> frozenset[str]:
    """Names of the nodes whose every consumer (at least one) is softmax-like."""
    kinds = {n.name: n.kind for n in architecture.nodes}
    consumers: dict[str, set[str]] = {}
    for source, target in architecture.edges:
        consumers.setdefault(source, set()).add(kinds.get(target, ""))
    return frozenset(name for name, used_by in consumers.items() if used_by and used_by <= SOFTMAX_KINDS)


def nonfinite_kinds(a: np.ndarray) -> list[float]:
    """[NaN, +Inf, -Inf] counts of an array."""
    return [
        float(np.count_nonzero(np.isnan(a))),
        float(np.count_nonzero(np.isposinf(a))),
        float(np.count_nonzero(np.isneginf(a))),
    ]


def kinds_of(tensors: Mapping[str, np.ndarray], counts: Mapping[str, float]) -> dict[str, list[float]]:
    """The [NaN, +Inf, -Inf] counts of the tensors `counts` (their non-finite counts) says hold any:
    a pass over those only, so a healthy snapshot costs nothing more."""
    return {k: nonfinite_kinds(tensors[k]) for k, n in counts.items() if n and k in tensors}


def only_masked(kinds) -> bool:
    """Counts [NaN, +Inf, -Inf] with no non-finite value but -Inf."""
    return len(kinds) == 3 and kinds[0] == 0 and kinds[1] == 0

"""A model's own Python state put back as it was after a pass nnvox ran for itself.

A forward pass may cache on the model (the word-language-model keeps its causal mask in
`self.src_mask`; rotary embeddings keep tables): after a shapes-only pass on the meta device those
caches would hold meta tensors and the user's next forward would fail. Every module's attributes,
and the contents of its dict and list attributes, are restored; parameters and buffers are the
same objects throughout.
"""

from __future__ import annotations

from contextlib import contextmanager

from torch import nn


@contextmanager
def state_kept(model: nn.Module):
    saved = []
    for module in model.modules():
        attributes = dict(module.__dict__)
        contents = {
            k: (dict(v) if isinstance(v, dict) else list(v))
            for k, v in attributes.items()
            if type(v) in (dict, list) or isinstance(v, dict)
        }
        saved.append((module, attributes, contents))
    try:
        yield
    finally:
        for module, attributes, contents in saved:
            for key in [k for k in module.__dict__ if k not in attributes]:
                del module.__dict__[key]
            module.__dict__.update(attributes)
            for key, items in contents.items():
                value = attributes[key]
                if isinstance(value, dict):
                    if not _same(list(value.items()), list(items.items())):
                        value.clear()
                        value.update(items)
                elif not _same(value, items):
                    value[:] = items


def _same(now: list, before: list) -> bool:
    """The same items, by identity: `==` would compare tensors by value (a meta tensor cached during
    the pass against the CPU one it replaced raises), and putting back what was there is always right."""
    return len(now) == len(before) and all(_identical(a, b) for a, b in zip(now, before))


def _identical(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):  # a dict's (key, value) pairs
        return len(a) == len(b) and all(x is y or (type(x) is str and x == y) for x, y in zip(a, b))
    return a is b

"""MODEL arguments: a built-in name or `package.module:callable` returning an nn.Module."""

from __future__ import annotations

import importlib
import os
import sys

from nnvox.errors import NnvoxError
from nnvox.models.registry import BuiltinModel, available_models, get_builtin


def resolve_model(spec: str) -> BuiltinModel:
    """A built-in, or a user callable trained on the built-in digits data (1x8x8 inputs, 10 classes)."""
    if ":" not in spec:
        return get_builtin(spec)
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise NnvoxError(f"model {spec!r} is not of the form package.module:callable")
    if os.getcwd() not in sys.path:  # as `python -m` does: the user's own modules import from here
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module itself failing on import
        raise NnvoxError(
            f"cannot import {module_name!r} ({type(exc).__name__}: {exc}); check the name and that it is on PYTHONPATH"
        ) from None
    try:
        factory = getattr(module, attr)
    except AttributeError:
        raise NnvoxError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(factory):
        raise NnvoxError(f"{spec!r} is not callable; point at a function or class that returns an nn.Module")

    def build():
        import torch

        model = factory()
        if not isinstance(model, torch.nn.Module):
            raise NnvoxError(f"{spec!r} returned {type(model).__name__}, not a torch.nn.Module")
        return model

    return BuiltinModel(spec, f"user model {spec}", build, get_builtin(available_models()[0]).dataset)

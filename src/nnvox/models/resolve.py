"""MODEL arguments: a built-in name or `package.module:callable` returning an nn.Module."""

from __future__ import annotations

import importlib
import os
import sys

from nnvox.errors import NnvoxError, one_line
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
    except ModuleNotFoundError as exc:
        if exc.name and not (module_name == exc.name or module_name.startswith(exc.name + ".")):  # a package it imports
            raise NnvoxError(
                f"importing {module_name!r} failed: it needs {exc.name!r}, which is not installed "
                f"(pip install it, or fix the import)"
            ) from None
        raise NnvoxError(
            f"cannot import {module_name!r} ({_raised(exc)}); check the name and that it is on PYTHONPATH"
        ) from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 (the module fails on import, or exits: argparse at import time)
        raise NnvoxError(
            f"importing {module_name!r} failed: {_raised(exc)}; fix the module (it must import cleanly)"
        ) from None
    try:
        factory = getattr(module, attr)
    except AttributeError:
        raise NnvoxError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(factory):
        raise NnvoxError(f"{spec!r} is not callable; point at a function or class that returns an nn.Module")

    def build():
        import torch

        try:
            model = factory()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 (the user's code failing: its words, not a traceback)
            raise NnvoxError(f"{spec} raised {_raised(exc)}; fix it so that {spec}() returns an nn.Module") from None
        if not isinstance(model, torch.nn.Module):
            raise NnvoxError(f"{spec!r} returned {type(model).__name__}, not a torch.nn.Module")
        return model

    return BuiltinModel(spec, f"user model {spec}", build, get_builtin(available_models()[0]).dataset)


def _raised(exc: BaseException) -> str:
    """`Type: message (at file:line)`, the line being the innermost frame outside nnvox, the standard
    library and installed packages: where the user's code raised (no place when none of it ran)."""
    import sysconfig
    import traceback

    ours = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the nnvox package
    library = {os.path.abspath(sysconfig.get_path(k)) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith("<") and not os.path.abspath(f.filename).startswith((ours, *library))
    ]
    message = one_line(exc) or "no message"
    if isinstance(exc, SyntaxError) and exc.filename:  # raised by the parser: the place is the bad line itself
        return f"SyntaxError: {exc.msg} (at {os.path.relpath(exc.filename)}:{exc.lineno})"
    where = f" (at {os.path.relpath(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {message}{where}"

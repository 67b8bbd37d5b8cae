"""A model from a name, a module path or a file, with optional weights. Nothing is unpickled unless
the user says --trust-pickle; state_dicts load through safetensors or torch.load(weights_only=True)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from nnvox.errors import NnvoxError, one_line

MAX_DIMENSIONS = 32  # numpy 1.x's limit (torch's is 64)


@dataclass
class LoadedModel:
    model: object  # nn.Module
    name: str
    input_shape: tuple[int, ...] | None  # a batch shape that works, when known
    class_names: tuple[str, ...] | None = None
    example: tuple[object, object] | None = None  # (inputs, labels) from the model's own data, batch of 1
    initialised_here: bool = False  # a built-in or zoo model built with fresh random weights


def _seeded(build):
    """The model `build` makes, its random initial weights the same every time (the same command
    draws the same picture), without touching the caller's random state."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return build()


def load_model(spec: str, *, weights: Path | None = None, trust_pickle: bool = False) -> LoadedModel:
    import torch

    from nnvox.models.registry import available_models
    from nnvox.models.resolve import resolve_model
    from nnvox.models.zoo import ARCHITECTURES

    path = Path(spec)
    if path.suffix in (".pt", ".pth") and path.exists():
        if not trust_pickle:
            raise NnvoxError(
                f"{spec} is a pickled file: loading a whole module can run arbitrary code; pass --trust-pickle "
                "if you trust it, or save a state_dict (safetensors) and give the model as package.module:callable"
            )
        try:
            model = torch.load(path, weights_only=False, map_location="cpu")
        except Exception as exc:  # noqa: BLE001 (whatever the unpickling raises becomes one line)
            raise NnvoxError(f"cannot load {spec}: {type(exc).__name__}: {exc}") from None
        if not isinstance(model, torch.nn.Module):
            raise NnvoxError(
                f"{spec} holds a {type(model).__name__}, not a whole model; "
                f"give --weights {spec} with the model's callable instead"
            )
        loaded = LoadedModel(model, path.stem, None)
    elif spec in ARCHITECTURES:
        build, shape, _ = ARCHITECTURES[spec]
        loaded = LoadedModel(_seeded(build), spec, (1, *shape), initialised_here=True)
    elif spec in available_models():
        from nnvox.models.data import probe_batch

        builtin = resolve_model(spec)
        data = builtin.dataset()
        x, y = probe_batch(data)  # a held-out sample of the first class, as `nnvox record` probes first
        loaded = LoadedModel(
            _seeded(builtin.build), spec, x[:1].shape, data.class_names, (x[:1], y[:1]), initialised_here=True
        )
    elif ":" in spec:
        loaded = LoadedModel(_seeded(resolve_model(spec).build), spec, None)  # its classes are unnamed: numbered
    else:
        known = ", ".join(sorted(ARCHITECTURES) + available_models())
        raise NnvoxError(
            f"{spec!r} is neither a run folder nor a model; "
            f"give a run folder, one of {known}, or package.module:callable"
        )
    if weights is not None:
        load_weights(loaded.model, Path(weights))
        loaded.initialised_here = False  # its weights are the user's now
    loaded.model.eval()
    return loaded


def load_weights(model, path: Path) -> None:
    import torch

    if not path.exists():
        raise NnvoxError(f"weights file {path} does not exist")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            with warnings.catch_warnings():  # torch's own warnings about the file: the one line below says it all
                warnings.simplefilter("ignore")
                state = torch.load(path, weights_only=True, map_location="cpu")  # refuses code, by design
    except Exception as exc:  # noqa: BLE001 (any unreadable file becomes one line)
        raise NnvoxError(
            f"cannot read weights from {path} ({type(exc).__name__}); "
            "use a safetensors file or a plain state_dict saved with torch.save"
        ) from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]  # Lightning-style checkpoints
    if not isinstance(state, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()
    ):
        raise NnvoxError(
            f"{path} does not hold a state_dict (names mapped to tensors); save one with "
            "torch.save(model.state_dict(), ...) or safetensors"
        )
    problems = state_misfits(model.state_dict(), state)
    if problems:
        raise NnvoxError(f"weights in {path} do not fit the model: {problems}; give weights saved from this model")
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # what the checks above cannot see (a lazy layer refusing its weights, ...)
        raise NnvoxError(f"weights in {path} do not fit the model: {one_line(exc)}") from None


def state_misfits(own: dict, state: dict) -> str:
    """What keeps `state` from loading into a model whose state_dict is `own`: tensors of other
    shapes (model vs file), then missing and unexpected names, a few of each; "" when it fits."""
    from torch.nn.parameter import is_lazy

    def listed(items: list[str]) -> str:
        return "; ".join(items[:3]) + (f"; and {len(items) - 3} more" if len(items) > 3 else "")

    shapes = [
        f"{k}: model {tuple(own[k].shape)}, file {tuple(v.shape)}"
        for k, v in state.items()
        if k in own and not is_lazy(own[k]) and tuple(own[k].shape) != tuple(v.shape)
    ]
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    parts = [
        f"{len(shapes)} of other shapes ({listed(shapes)})" if shapes else "",
        f"{len(missing)} missing ({listed(missing)})" if missing else "",
        f"{len(unexpected)} unexpected ({listed(unexpected)})" if unexpected else "",
    ]
    return ", ".join(p for p in parts if p)


def parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if not shape or any(v <= 0 for v in shape):
        raise NnvoxError(f"--input-shape {text!r} is not a shape; write it as 1,3,224,224 (batch first)")
    if len(shape) > MAX_DIMENSIONS:
        raise NnvoxError(
            f"--input-shape has {len(shape)} dimensions; arrays take at most {MAX_DIMENSIONS} (write it as 1,3,224,224)"
        )
    return shape

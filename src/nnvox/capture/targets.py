"""What a command's TARGET names: a run folder as it is, or a model run once on an input."""

from __future__ import annotations

from pathlib import Path

from nnvox.errors import NnvoxError


def open_target(target: str, *, input_shape: str | None = None, weights: Path | None = None,
                trust_pickle: bool = False, input_file: Path | None = None, mode: str = "activations",
                attributions: tuple[str, ...] = (), attribution_layer: str | None = None):
    """A run folder as it is, or a model run once on an input (a file; a built-in's own held-out
    sample; else a random one, said so), with `attributions` of its predictions recorded too."""
    from nnvox.capture.run import open_run

    path = Path(target)
    looks_like_path = ("/" in target or target.startswith(".")) and ":" not in target and path.suffix not in (".pt", ".pth")
    if looks_like_path and not path.exists():
        return open_run(path)  # says the run folder does not exist, and how to make one
    if path.is_dir():
        if input_shape or weights or input_file:
            raise NnvoxError(f"{target} is a run folder: --input-shape, --weights and --input apply to models only")
        return open_run(path)
    import numpy as np
    import torch

    from nnvox.capture.single_pass import single_pass_run
    from nnvox.models.loading import load_model, parse_shape

    loaded = load_model(target, weights=weights, trust_pickle=trust_pickle)
    labels = None  # unknown: the heads-up line names no true class
    if input_file is not None:
        try:
            x = np.load(input_file, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise NnvoxError(f"cannot read input {input_file} ({exc}); give a .npy array, batch first") from None
        what = f"input {input_file.name}"
    elif input_shape is None and loaded.example is not None:
        x, labels = loaded.example
        what = "a held-out sample"
    else:
        shape = parse_shape(input_shape) if input_shape else loaded.input_shape
        if shape is None:
            raise NnvoxError(f"give --input-shape for {target}, batch first, e.g. --input-shape 1,3,224,224")
        x, what = _random_input(loaded.model, shape)
    _materialise_lazy(loaded.model, torch.from_numpy(x))
    n_params = sum(p.numel() for p in loaded.model.parameters())
    # Weights of very large models are recorded only when they are what is shown.
    record_weights = mode != "activations" or n_params <= 20_000_000
    name = f"{loaded.name} (untrained)" if loaded.initialised_here else loaded.name
    return single_pass_run(loaded.model, torch.from_numpy(x), name=f"{name} · {what}", labels=labels,
                           class_names=loaded.class_names, weights=record_weights, attributions=attributions,
                           attribution_layer=attribution_layer)


def _random_input(model, shape: tuple[int, ...]):
    """A random input the model takes: token ids below its vocabulary size when it starts with an
    embedding (a float tensor would fail there), else standard normal values."""
    import torch

    g = torch.Generator().manual_seed(0)
    first = next((m for m in model.modules() if not m._modules), None)
    if isinstance(first, (torch.nn.Embedding, torch.nn.EmbeddingBag)):
        return torch.randint(0, first.num_embeddings, shape, generator=g).numpy(), "random tokens"
    return torch.randn(shape, generator=g).numpy(), "random input"


def _materialise_lazy(model, x) -> None:
    """Lazy layers (nn.LazyLinear, ...) get their shapes from a first pass; before it their weights
    cannot even be counted. A failing pass is left for the recorded one to report, with the graph."""
    import torch
    from torch.nn.parameter import UninitializedParameter

    if any(isinstance(p, UninitializedParameter) for p in model.parameters()):
        from nnvox.capture.modes import evaluating
        from nnvox.capture.recorder import _model_input

        try:
            with evaluating(model), torch.no_grad():  # eval: no batch-norm statistics touched
                model(_model_input(x))
        except Exception:
            pass

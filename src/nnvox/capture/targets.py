"""What a command's TARGET names: a run folder as it is, or a model run once on an input."""

from __future__ import annotations

import re
from pathlib import Path

from nnvox.errors import NnvoxError, one_line


def open_target(
    target: str,
    *,
    input_shape: str | None = None,
    weights: Path | None = None,
    trust_pickle: bool = False,
    input_file: Path | None = None,
    mode: str = "activations",
    attributions: tuple[str, ...] = (),
    attribution_layer: str | None = None,
    batch_dim: int | None = None,
):
    """A run folder as it is, or a model run once on an input (a file; a built-in's own held-out
    sample; else a random one, said so), with `attributions` of its predictions recorded too.
    `batch_dim`: the axis of the input file's array (or of `input_shape`) that holds the samples, as
    the model takes them (None: found, see Recorder)."""
    from nnvox.capture.run import open_run

    path = Path(target)
    looks_like_path = (
        ("/" in target or target.startswith(".")) and ":" not in target and path.suffix not in (".pt", ".pth")
    )
    if looks_like_path and not path.exists():
        return open_run(path)  # says the run folder does not exist, and how to make one
    if path.is_dir():
        if input_shape is not None or weights is not None or input_file is not None or batch_dim is not None:
            raise NnvoxError(
                f"{target} is a run folder: --input-shape, --weights, --input and --batch-dim apply to models only"
            )
        return open_run(path)
    import torch

    from nnvox.capture.single_pass import single_pass_run
    from nnvox.models.loading import load_model

    loaded = load_model(target, weights=weights, trust_pickle=trust_pickle)
    x, labels, what = _model_input(target, loaded, input_shape, input_file, batch_dim)
    _materialise_lazy(loaded.model, torch.from_numpy(x))
    n_params = sum(p.numel() for p in loaded.model.parameters())
    # Weights of very large models are recorded only when they are what is shown.
    record_weights = mode != "activations" or n_params <= 20_000_000
    name = f"{loaded.name} (untrained)" if loaded.initialised_here else loaded.name
    run = single_pass_run(
        loaded.model,
        torch.from_numpy(x),
        name=f"{name} · {what}",
        labels=labels,
        class_names=loaded.class_names,
        weights=record_weights,
        attributions=attributions,
        attribution_layer=attribution_layer,
        batch_dim=batch_dim,
    )
    if run.error and x.dtype.kind == "f" and WANTS_IDS.search(run.error):
        run.error += (
            f"; a model that takes token ids gets them from a file: --input ids.npy (saved with "
            f"np.save('ids.npy', ids), dtype int64, batch first"
            f"{', e.g. shape ' + str(tuple(x.shape)) if x.ndim else ''})"
        )
    return run


def _model_input(target: str, loaded, input_shape: str | None, input_file: Path | None, batch_dim: int | None):
    """The input a model is run once on, its labels (None: unknown) and words for it: a file, the
    built-in's own held-out sample, or a random one of the given (or the model's) shape."""
    from nnvox.models.loading import parse_shape

    labels = None  # unknown: the heads-up line names no true class
    if input_file is not None and input_shape:
        raise NnvoxError("give --input or --input-shape, not both (the input file has its own shape)")
    if batch_dim is not None and input_file is None and input_shape is None:
        raise NnvoxError(
            "--batch-dim says which axis of --input or --input-shape holds the samples; give one of them "
            "with it (e.g. --input-shape 8,4 --batch-dim 1: 4 sequences of 8)"
        )
    if input_file is not None:
        what = f"input {Path(input_file).name}"
        x = read_input(Path(input_file))
        vocabulary, ids = _token_vocabulary(loaded.model, x.shape) if x.ndim and x.size else (None, False)
        x = _prepared(loaded.model, x, what, vocabulary, ids)
        _check_axis(batch_dim, x.shape, f"--input {Path(input_file).name} (shape {','.join(map(str, x.shape))})")
        _check_pass_fits(loaded, x.shape, what, "give a smaller batch or input", vocabulary)
    elif input_shape is None and loaded.example is not None:
        x, labels = loaded.example
        what = "a held-out sample"
    else:
        shape = parse_shape(input_shape) if input_shape is not None else loaded.input_shape
        if shape is None:
            raise NnvoxError(f"give --input-shape for {target}, batch first: {_shape_example(loaded.model)}")
        if input_shape is not None:
            _check_axis(batch_dim, shape, f"--input-shape {','.join(map(str, shape))}")
        vocabulary, _ = _token_vocabulary(loaded.model, shape)
        _check_pass_fits(
            loaded, shape, f"--input-shape {','.join(map(str, shape))}", "give a smaller --input-shape", vocabulary
        )
        x, what = _random_input(shape, vocabulary, batch_dim or 0)
    return x, labels, what


def _shape_example(model) -> str:
    """An --input-shape the model takes, for the message asking for one: token ids where its input
    first reaches an embedding (a pass on the meta device says), else one its first layer fits."""
    from torch import nn

    vocabulary, _ = _token_vocabulary(model, (1, 16))
    if vocabulary is not None:
        return (
            f"it starts with an embedding, so --input-shape 1,16 runs 16 random token ids (0 to {vocabulary - 1}); "
            "--input ids.npy runs your own (int64, batch first)"
        )
    first = next((m for m in model.modules() if not m._modules), None)
    spatial = {nn.Conv1d: ",128", nn.Conv2d: ",224,224", nn.Conv3d: ",16,112,112"}.get(type(first))
    if spatial is not None:
        return f"e.g. --input-shape 1,{first.in_channels}{spatial}"
    if isinstance(first, nn.Linear):
        return f"e.g. --input-shape 1,{first.in_features}"
    return "e.g. --input-shape 1,3,224,224 for an image model, 1,16 for 16 token ids"


# What torch says when a float tensor reached an embedding or another operation that takes indices.
WANTS_IDS = re.compile(
    r"\((Embedding|EmbeddingBag)\)|'indices'|index tensor|scalar types?: Long|Long, Int|"
    r"expected scalar type Long|LongTensor|of type (torch\.)?long",
    re.IGNORECASE,
)


def read_input(path: Path):
    """A .npy array (never a pickle), its header read before its data: an archive, a folder or an
    array larger than free memory is a one-line refusal, not a traceback or an exhausted machine."""
    import pickle

    import numpy as np

    from nnvox.memory import check_fits

    fix = "give a .npy array (np.save), batch first"
    if path.is_dir():
        raise NnvoxError(f"input {path} is a folder; {fix}")
    try:
        x = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError) as exc:
        raise NnvoxError(f"cannot read input {path} ({one_line(exc)}); {fix}") from None
    if not isinstance(x, np.ndarray):  # an .npz archive: which array is meant is the user's to say
        names = ", ".join(x.files[:5]) or "none"
        x.close()
        raise NnvoxError(
            f"input {path} is an .npz archive (arrays: {names}); save the one to run as .npy: "
            f"np.save('input.npy', np.load('{path.name}')['NAME'])"
        )
    check_fits(x.nbytes, f"input {path.name} ({' x '.join(map(str, x.shape))} {x.dtype})", "give a smaller batch")
    return np.array(x)  # read into memory; the file may change or go after this


def _prepared(model, x, what: str, vocabulary: int | None, ids: bool = False):
    """`x` as the model takes it, or a one-line refusal naming what is wrong with it. Numbers of any
    width convert (numpy saves float64 by default: converted, not blamed on the shape); a model whose
    input first reaches an embedding takes token ids: whole numbers below its vocabulary; integers
    stay integers for a model that takes them (`ids`: a float input fails it, token ids do not)."""
    import numpy as np

    if x.ndim == 0 or x.size == 0:
        raise NnvoxError(
            f"{what} has shape {x.shape}: no samples; give a batch, batch first (e.g. shape (1, 3, 224, 224))"
        )
    if x.dtype.kind not in "biuf":
        raise NnvoxError(
            f"{what} holds {x.dtype} values, not numbers; save an array of numbers (float32, or token ids as int64)"
        )
    if vocabulary is None:
        return x.astype(np.int64) if ids and x.dtype.kind in "biu" else x.astype(_float_dtype(model), copy=False)
    whole = x.dtype.kind in "biu" or bool(np.isfinite(x).all() and (x == np.round(x)).all())
    if not whole:
        raise NnvoxError(
            f"{what} holds fractions ({x.dtype}); the model starts with an embedding, which takes token ids: "
            f"whole numbers 0 to {vocabulary - 1}"
        )
    if x.min() < 0 or x.max() >= vocabulary:
        raise NnvoxError(
            f"{what} holds token ids {x.min():g} to {x.max():g}; the model's embedding takes 0 to {vocabulary - 1}"
        )
    return x.astype(np.int64)


def _token_vocabulary(model, shape: tuple[int, ...]) -> tuple[int | None, bool]:
    """The vocabulary size when the first layer the input reaches is an embedding (the input is token
    ids), else None; and whether the model takes integers (an embedding, or a float input fails
    where integers go on). Which layer the input reaches first comes from a pass that stops there
    (`first_reached`), not from the order layers were registered in: PyTorch's word-language-model
    Transformer registers its encoder before its embedding. Where no pass runs, the first registered
    layer decides."""
    import torch

    first, dtype = first_reached(model, shape)
    if first is None and dtype is None:
        first = next((m for m in model.modules() if not m._modules), None)
    vocabulary = first.num_embeddings if isinstance(first, (torch.nn.Embedding, torch.nn.EmbeddingBag)) else None
    return vocabulary, vocabulary is not None or dtype == torch.int64


class _Reached(BaseException):
    """Ends a pass at the first layer the input reaches (a BaseException: a model's `except Exception`
    does not swallow it)."""


def first_reached(model, shape: tuple[int, ...]):
    """The first leaf module that a tensor computed from the model's input of `shape` reaches, and
    the input dtype of the pass that got there (float32, or int64 where a float input failed first);
    (None, dtype) when that pass ran to its end without reaching one; (None, None) when no pass ran.
    Each pass stops before that module runs (it never sees a wrong dtype).
    Tensors are followed from the input through every torch operation (a torch function mode), so
    a position embedding of `arange(T)` called first is not taken for the input's layer. Tried in
    turn: float then integer input on torch's meta device (shapes only: no memory, no data), then
    on the CPU for models the meta device cannot run (an input small enough to be cheap). Each pass
    runs a copy of the model (its weights shared or on the meta device, not copied), so what a
    forward caches on itself (the word-language model's mask) stays out of the model."""
    import math

    from nnvox.memory import available_memory

    devices = ["meta"]
    if math.prod(shape) * 8 * 16 < (available_memory() or 1 << 50):
        devices.append("cpu")
    for device in devices:
        copy, originals = _probe_copy(model, device)
        if copy is None:
            continue
        found = _first_on(copy, shape, device)
        if found is not None:
            module, dtype = found
            return (None if module is None else originals[module]), dtype
    return None, None


def _first_on(copy, shape: tuple[int, ...], device: str):
    """A float, then an integer input of `shape` through `copy` on `device`: (the first leaf module
    of `copy` that the input reaches, or None where the pass ran to its end, and the input's dtype);
    None where neither input runs there."""
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._pytree import tree_leaves

    from nnvox.capture.modes import evaluating

    derived: dict[int, torch.Tensor] = {}  # id -> tensor, held so an id is never reused during the pass

    def from_input(tree) -> bool:
        return any(id(t) in derived for t in tree_leaves(tree) if isinstance(t, torch.Tensor))

    class Follow(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if from_input((args, kwargs)):
                derived.update((id(t), t) for t in tree_leaves(out) if isinstance(t, torch.Tensor))
            return out

    def stop(module, args, kwargs):
        if from_input((args, kwargs)):
            raise _Reached(module)

    hooks = [m.register_forward_pre_hook(stop, with_kwargs=True) for m in copy.modules() if not m._modules]
    try:
        for dtype in (torch.float32, torch.int64):
            derived.clear()
            try:
                x = torch.zeros(shape, dtype=dtype, device=device)
                derived[id(x)] = x
                with torch.random.fork_rng(devices=[]), torch.no_grad(), evaluating(copy), Follow():
                    copy(x)
            except _Reached as reached:
                return reached.args[0], dtype
            except Exception:  # noqa: BLE001 (the user's model failing on this input: try the next)
                continue
            return None, dtype  # the pass ran to its end without the input reaching a module
    finally:
        for h in hooks:
            h.remove()
        derived.clear()
    return None  # neither input runs on this device: the next


def _probe_copy(model, device: str):
    """A copy of `model` to probe with, and its modules -> the model's own. On the meta device its
    weights are shapes only; on the CPU they are the model's own tensors (not copied), its buffers
    copies (a pass may write them). None where the model cannot be copied (or has lazy layers, whose
    shapes are unknown, for the meta device)."""
    import copy

    import torch
    from torch.nn.parameter import is_lazy

    params, buffers = list(model.parameters()), list(model.buffers())
    if device == "meta" and any(is_lazy(t) for t in params + buffers):
        return None, {}
    memo = {}
    for p in params:
        if not is_lazy(p):
            memo[id(p)] = (
                torch.nn.Parameter(torch.empty_like(p, device="meta"), p.requires_grad) if device == "meta" else p
            )
    for b in buffers:
        if not is_lazy(b):
            memo[id(b)] = torch.empty_like(b, device="meta") if device == "meta" else b.clone()
    try:
        twin = copy.deepcopy(model, memo)
    except Exception:  # noqa: BLE001 (a user's model that will not deepcopy: no probe copy)
        return None, {}
    return twin, dict(zip(twin.modules(), model.modules()))


def _float_dtype(model):
    """The dtype of the model's first floating parameter (float32 when it has none)."""
    import numpy as np

    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), None)
    return np.float32 if dtype is None else np.dtype(str(dtype).removeprefix("torch."))


def _check_pass_fits(loaded, shape: tuple[int, ...], what: str, fix: str, vocabulary: int | None) -> None:
    """Refuse an input whose forward pass could not fit in memory, before allocating anything: the
    input, then the layers' outputs, sized by a pass on the meta device (shapes, no data). That pass
    costs up to a second the first time, so it runs only for inputs big enough to matter: a pass
    keeps some tens of times its input (resnet18: 50x), never a thousand."""
    import math

    from nnvox.memory import available_memory, check_fits

    element = 8 if vocabulary is not None else 4
    example = f" (e.g. {','.join(map(str, loaded.input_shape))})" if loaded.input_shape else ""
    fix = f"{fix}{example}"
    check_fits(math.prod(shape) * element, f"{what}: the input alone", fix)
    if math.prod(shape) * element * 1000 < (available_memory() or 1 << 50):
        return
    outputs = _meta_pass_bytes(loaded.model, shape, vocabulary)
    if outputs is not None:
        check_fits(
            math.prod(shape) * element + outputs, f"{what}: {loaded.name}'s forward pass (its layers' outputs)", fix
        )


def _meta_pass_bytes(model, shape: tuple[int, ...], vocabulary: int | None) -> int | None:
    """Bytes of every leaf module's output for an input of `shape`, from a pass on the meta device
    (no memory used: a terabyte-sized input is sized in milliseconds); None when the model cannot be
    run that way (lazy layers, ops without meta kernels, a shape it does not take: the real pass says why)."""
    import torch
    from torch.func import functional_call
    from torch.nn.parameter import is_lazy

    state = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    if any(is_lazy(v) for v in state.values()):
        return None
    total = 0

    def count(_module, _args, output):
        nonlocal total
        if isinstance(output, torch.Tensor):
            total += output.numel() * output.element_size()

    x = torch.empty(shape, dtype=torch.int64 if vocabulary is not None else torch.float32, device="meta")
    hooks = [m.register_forward_hook(count) for m in model.modules() if not m._modules]
    try:
        with torch.no_grad():
            functional_call(model, {k: torch.empty_like(v, device="meta") for k, v in state.items()}, (x,))
    except Exception:  # noqa: BLE001 (the user's model failing on meta tensors: no estimate)
        return None
    finally:
        for h in hooks:
            h.remove()
    return total


def _check_axis(batch_dim: int | None, shape: tuple[int, ...], what: str) -> None:
    if batch_dim is not None and not 0 <= batch_dim < len(shape):
        raise NnvoxError(
            f"--batch-dim {batch_dim} is no axis of {what}; give 0 to {len(shape) - 1}, the axis that holds the samples"
        )


def _random_input(shape: tuple[int, ...], vocabulary: int | None, batch_dim: int = 0):
    """A random input the model takes: token ids below its vocabulary size when its input first
    reaches an embedding (a float tensor would fail there), else standard normal values. Drawn
    sample by sample (the samples on `batch_dim`), so each sample is the same whatever the batch
    size or the axis that holds it."""
    import torch

    g = torch.Generator().manual_seed(0)
    first = (shape[batch_dim], *shape[:batch_dim], *shape[batch_dim + 1 :]) if shape else shape
    if vocabulary is not None:
        x, what = torch.randint(0, vocabulary, first, generator=g), "random tokens"
    else:
        x, what = torch.randn(first, generator=g), "random input"
    return (x.movedim(0, batch_dim).contiguous() if shape and batch_dim else x).numpy(), what


def _materialise_lazy(model, x) -> None:
    """Lazy layers (nn.LazyLinear, ...) get their shapes from a first pass; before it their weights
    cannot even be counted. A failing pass is left for the recorded one to report, with the graph."""
    import torch
    from torch.nn.parameter import UninitializedParameter

    if any(isinstance(p, UninitializedParameter) for p in model.parameters()):
        from nnvox.capture.modes import evaluating
        from nnvox.capture.recorder_inputs import model_input

        try:
            with evaluating(model), torch.no_grad():  # eval: no batch-norm statistics touched
                model(model_input(x))
        except Exception:  # noqa: BLE001 (the user's model failing: the recorded pass reports it)
            pass

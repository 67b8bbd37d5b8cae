"""Attributions through captum: which input values drove a model's output.

    heat = nnvox.explain(model, images, method="integrated-gradients")   # numpy, images' shape

Every method returns one value per input value (Grad-CAM and LIME spread theirs over the inputs),
so all of them overlay the same input plane. The target defaults to each sample's predicted class.
"""

from __future__ import annotations

import difflib

import numpy as np

from nnvox.capture.modes import evaluating
from nnvox.errors import NnvoxError

METHODS = ("saliency", "integrated-gradients", "grad-cam", "occlusion", "lime")
LAYER_CAM = "attr/grad-cam/layer"  # a recorded Grad-CAM at its layer's own resolution


def _as_tensor(inputs):
    import torch

    x = torch.as_tensor(np.asarray(inputs) if not isinstance(inputs, torch.Tensor) else inputs)
    if not x.is_floating_point():
        raise NnvoxError(
            f"attributions need float inputs (images, features), got {x.dtype}; token ids have no gradient"
        )
    if x.ndim < 2:
        raise NnvoxError(f"inputs need a batch axis first, got shape {tuple(x.shape)}")
    return x.detach().float()


def _module(model, layer):
    """`layer` as a module: itself, or its name in model.named_modules() (as `nnvox info` lists them)."""
    import torch.nn as nn

    if isinstance(layer, nn.Module):
        return layer
    modules = dict(model.named_modules())
    if layer not in modules or layer == "":
        convs = [n for n, m in modules.items() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))]
        close = difflib.get_close_matches(str(layer), convs, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"conv layers: {', '.join(convs[:8]) or 'none'}"
        raise NnvoxError(f"layer {layer!r} is not a module of the model; {hint}")
    return modules[layer]


def upsample_cam(cam, inputs):
    """A Grad-CAM map (batch, 1, *the layer's map size) resized to `inputs` (bilinear for images),
    one copy for every input channel."""
    from captum import attr

    up = attr.LayerAttribution.interpolate(
        cam, tuple(inputs.shape[2:]), interpolate_mode="bilinear" if inputs.ndim == 4 else "nearest"
    )
    return up.expand_as(inputs).contiguous()


def _segments(shape: tuple[int, ...], size: int):
    """LIME's features for images: square patches of `size` pixels (all channels together); for
    vectors, one feature per value. A (1, *shape) integer mask."""
    import torch

    if len(shape) >= 3:
        h, w = shape[-2:]
        rows = torch.arange(h) // size
        cols = torch.arange(w) // size
        patch = rows[:, None] * ((w + size - 1) // size) + cols[None, :]
        return patch.expand(*shape).unsqueeze(0).contiguous()
    return torch.arange(int(np.prod(shape))).reshape(1, *shape)


def explain(
    model,
    inputs,
    method: str = "saliency",
    target=None,
    layer=None,
    *,
    steps: int = 50,
    window: int | None = None,
    samples: int = 200,
    seed: int = 0,
    upsample: bool = True,
) -> np.ndarray:
    """Attributions of `model`'s output for `target` (a class index, one per sample, or None: the
    predicted class) with respect to `inputs` (batch first), as a float32 numpy array of the inputs'
    shape. `method`: saliency (|gradient|), integrated-gradients (from a zero baseline in `steps`),
    grad-cam (on conv `layer`, upsampled to the input), occlusion (a `window`-pixel patch slid over
    the input), lime (`samples` perturbations of `window`-pixel patches). `upsample=False` keeps
    Grad-CAM at its layer's resolution, (batch, 1, *the layer's map size*)."""
    import torch

    if method not in METHODS:
        close = difflib.get_close_matches(method, METHODS, n=1)
        raise NnvoxError(
            f"unknown attribution method {method!r}; "
            + (f"did you mean {close[0]!r}?" if close else f"choose one of {', '.join(METHODS)}")
        )
    if method == "grad-cam" and layer is None:
        raise NnvoxError(
            "grad-cam needs a layer: explain(model, x, method='grad-cam', layer='conv2') (a conv layer's name)"
        )
    x = _as_tensor(inputs)
    with evaluating(model):
        with torch.no_grad():
            try:
                logits = model(x)
            except Exception as exc:  # noqa: BLE001  (any failure of user code becomes one line)
                raise NnvoxError(
                    f"the model's forward pass failed on inputs of shape {tuple(x.shape)}: {exc}"
                ) from None
        if logits.ndim != 2:
            raise NnvoxError(f"attributions need (batch, classes) outputs; the model gives shape {tuple(logits.shape)}")
        targets = logits.argmax(1) if target is None else torch.as_tensor(target).long().expand(len(x)).clone()
        if (targets < 0).any() or (targets >= logits.shape[1]).any():
            raise NnvoxError(f"target {target} is out of range; the model has {logits.shape[1]} outputs")
        heat = _attribute(
            model, x, method, targets, layer, steps=steps, window=window, samples=samples, seed=seed, upsample=upsample
        )
    return heat.detach().float().cpu().numpy().astype(np.float32)


def _attribute(model, x, method, targets, layer, *, steps, window, samples, seed, upsample=True):
    import torch
    from captum import attr

    if method == "saliency":
        return attr.Saliency(model).attribute(x.clone().requires_grad_(), target=targets, abs=True)
    if method == "integrated-gradients":
        return attr.IntegratedGradients(model).attribute(
            x, baselines=torch.zeros_like(x), target=targets, n_steps=steps
        )
    if method == "grad-cam":
        module = _module(model, layer)
        cam = attr.LayerGradCam(model, module).attribute(x, target=targets, relu_attributions=True)
        if cam.ndim != x.ndim:
            raise NnvoxError(
                f"grad-cam needs a conv layer with maps like the input's; {layer!r} gives shape {tuple(cam.shape)}"
            )
        return upsample_cam(cam, x) if upsample else cam
    size = window or max(1, min(x.shape[2:]) // 4 if x.ndim > 2 else 1)
    if method == "occlusion":
        shape = (x.shape[1], *[min(size, s) for s in x.shape[2:]]) if x.ndim > 2 else (1,)
        strides = (x.shape[1], *[max(1, min(size, s) // 2) for s in x.shape[2:]]) if x.ndim > 2 else (1,)
        return attr.Occlusion(model).attribute(
            x, sliding_window_shapes=shape, strides=strides, target=targets, baselines=0.0
        )
    # lime: each sample on its own (captum's Lime takes one example at a time), seeded
    torch.manual_seed(seed)
    mask = _segments(tuple(x.shape[1:]), size)
    lime = attr.Lime(model)
    return torch.cat(
        [
            lime.attribute(
                x[i : i + 1],
                target=int(targets[i]),
                feature_mask=mask,
                n_samples=samples,
                baselines=0.0,
                perturbations_per_eval=min(samples, 64),
            )
            for i in range(len(x))
        ]
    )

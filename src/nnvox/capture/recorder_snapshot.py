"""What one snapshot records, copied for the writer: the probe's activations, the weights and their
gradients (reduced as planned), the held-out set's predictions and its most confident mistakes, and
attributions; copies, never views of the live tensors, which training goes on changing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from nnvox.capture.aliases import same_objects
from nnvox.capture.architecture import Architecture
from nnvox.capture.attributions import LAYER_CAM, explain, upsample_cam
from nnvox.capture.detail import activation_plan, apply_activation, apply_weight, weight_plan
from nnvox.capture.mistakes import MISTAKE_INDEX, MISTAKE_PREFIX, mistake_order
from nnvox.capture.modes import evaluating
from nnvox.capture.recorder_inputs import HeldOut
from nnvox.capture.recorder_probe import Probe
from nnvox.capture.run_format import fits_fp16, tensor_kind, to_storage_dtype
from nnvox.errors import NnvoxError


def _stored(t: torch.Tensor, plan: dict | None, reduce, extremes: dict, key: str) -> np.ndarray:
    """A copy for the writer, in fp16 where that keeps the values (`fits_fp16`; else float32), so
    half the bytes cross to the writer process. Converted by torch, on the tensor's own device;
    the min and max measured on the way go to the writer in `extremes`."""
    t = t.detach()
    if not t.is_floating_point():  # integer or boolean outputs are shown as numbers too
        t = t.float()
    if plan is not None:  # reduced in float32 first (pooling averages), then converted
        return to_storage_dtype(reduce(t.to("cpu", torch.float32).numpy(), plan))
    if t.numel() == 0:
        return t.to("cpu", torch.float32, copy=True).numpy()
    lo, hi = (float(v) for v in torch.aminmax(t))
    # NaN propagates through aminmax and could hide a large finite value: float32 (and the writer
    # measures), as for any value fp16 cannot hold
    if not fits_fp16(lo, hi):
        return t.to("cpu", torch.float32, copy=True).numpy()
    extremes[key] = (lo, hi)
    return t.to("cpu", torch.float16, copy=True).numpy()


_SMALL = 65_536  # values: below this a tensor's copy costs per call, not per value


def _reducer(key: str):
    """How a tensor is cut to its level-of-detail plan: weights (and their gradients) or activations."""
    return apply_weight if key.startswith(("param/", "grad/")) else apply_activation


def copies(named: Mapping[str, torch.Tensor], plans: dict, extremes: dict, aliases: dict) -> dict[str, np.ndarray]:
    """Copies of many tensors for the writer, each tensor object once: a later name of the same
    object (a tied weight, an output that is another's tensor) goes into `aliases` instead, for the
    writer to store it once. Small ones travel as float32 slices of one concatenated copy per
    device (one call instead of four per tensor: on a small model the calls, not the bytes, are
    the cost); the writer checks and converts them to fp16. Large ones and reduced ones go
    through `_stored`."""
    shared = {a: t for a, t in same_objects(named).items() if tensor_kind(a) == tensor_kind(t)}
    aliases.update(shared)
    out, small = {}, {}
    for key, t in named.items():
        if key in shared:
            continue
        if key not in plans and 0 < t.numel() <= _SMALL:
            small.setdefault(t.device, {})[key] = t.detach()
        else:
            out[key] = _stored(t, plans.get(key), _reducer(key), extremes, key)
    for group in small.values():
        flat = torch.cat([t.reshape(-1).float() for t in group.values()]).cpu().numpy()
        at = 0
        for key, t in group.items():
            out[key] = flat[at : at + t.numel()].reshape(t.shape)
            at += t.numel()
    return out


def _whole_float32(copy: np.ndarray | None, t: torch.Tensor) -> bool:
    """Whether `copy` holds every value of `t`, exactly, in float32 (a gradient's norm can then be
    taken from it by the writer)."""
    return copy is not None and copy.dtype == np.float32 and copy.size == t.numel()


def with_gradients(plans: dict[str, dict]) -> dict[str, dict]:
    """Reductions of weights, and of gradients as of their weights."""
    return plans | {"grad/" + k.removeprefix("param/"): v for k, v in plans.items() if k.startswith("param/")}


def tied_plans(plans: dict[str, dict], model: nn.Module, architecture: Architecture) -> dict[str, dict]:
    """A tied weight's reduction under each name the architecture gives it too: its block asks for
    it by that name (GPT's lm_head.weight, stored as transformer.wte.weight)."""
    listed = {p for node in architecture.nodes for p in node.params}
    tied = same_objects(dict(model.named_parameters(remove_duplicate=False)))
    return plans | {
        f"param/{alias}": plans[f"param/{first}"]
        for alias, first in tied.items()
        if alias in listed and f"param/{first}" in plans
    }


def reduction_plans(
    model: nn.Module, architecture: Architecture, activation_budget: int | None, weight_budget: int | None
) -> dict[str, dict]:
    """Level of detail: what is kept of each activation and weight (none: all of it), a tied weight's
    under each of its names."""
    for what, budget in (("activation_budget", activation_budget), ("weight_budget", weight_budget)):
        if budget is not None and budget < 1:
            raise NnvoxError(f"{what} must be a positive number of values, got {budget}")
    plans = {}
    for node in architecture.nodes:
        if node.kind != "Input" and (plan := activation_plan(node.shape, activation_budget)):
            plans[f"act/{node.name}"] = {"original": list(node.shape), **plan}
    for pname, p in model.named_parameters():
        if plan := weight_plan(tuple(p.shape), weight_budget):
            plans[f"param/{pname}"] = {"original": list(p.shape), **plan}
    return tied_plans(plans, model, architecture)


@dataclass(frozen=True)
class Contents:
    """What each snapshot records besides the probe's activations."""

    weights: bool = True
    gradients: bool = True
    gradient_budget: int = 1_000_000  # larger gradients are summarised by their norm only
    attributions: tuple[str, ...] = ()
    attribution_layer: str | None = None


class SnapshotCopier:
    """Takes one snapshot's tensors: runs the probe through the model (`capture`), copies what
    `contents` asks for, reduced as `plans` say."""

    def __init__(
        self,
        model: nn.Module,
        capture,
        probe: Probe,
        plans: dict[str, dict],
        contents: Contents,
        held_out: HeldOut | None,
    ):
        self.model, self.capture, self.probe, self.contents, self.held_out = model, capture, probe, contents, held_out
        self.plans, self.all_plans = plans, with_gradients(plans)

    def copy(self) -> tuple[dict[str, np.ndarray], dict]:
        """The tensors, and what the writer is told of them: `extremes` measured on the way, and where
        any, `grad_norms` measured here and `aliases` (names of a tensor sent once)."""
        outputs, changed = self.capture(self.probe.feed())
        if changed:
            raise NnvoxError(
                "the model's architecture changed since recording started; record it into a new run folder"
            )
        extremes: dict[str, tuple[float, float]] = {}
        copied = {f"act/{node}": out for node, out in outputs.items()}  # all copied at once, below
        # every name a weight has: a tied weight is copied once (see copies), its gradient too
        params = dict(self.model.named_parameters(remove_duplicate=False))
        tied = same_objects(params)  # later names of a weight met before
        if self.contents.weights:
            copied.update((f"param/{k}", p) for k, p in params.items())
        grads = self._gradients(params, tied, copied)
        aliases: dict[str, str] = {}
        tensors = copies(copied, self.all_plans, extremes, aliases)
        if self.contents.gradients:  # (the writer drops those of a gradient not sent, and names its norm for each)
            aliases.update((f"grad/{a}", f"grad/{t}") for a, t in tied.items())
        # The norms of gradients sent whole in float32 are the writer's to take; the rest (reduced,
        # converted to fp16, or only summarised) in one fused call here, in float32
        # (half-precision sums of squares overflow).
        measured = {k: g for k, g in grads.items() if not _whole_float32(tensors.get(f"grad/{k}"), g)}
        norms = (
            dict(zip(measured, map(float, torch._foreach_norm([g.float() for g in measured.values()]))))
            if measured
            else {}
        )
        if self.held_out is not None:  # the held-out set's class probabilities: confusion and mistakes
            stored = tensors["eval/probabilities"] = _stored(
                self._evaluate(), None, apply_activation, extremes, "eval/probabilities"
            )
            if self.held_out.mistakes:  # ranked on the values stored, as the mistakes figure ranks them
                tensors.update(self._mistakes(stored.astype(np.float32), extremes, aliases))
        tensors.update(self._attributions(self.probe.on_device(self.probe.x), extremes))
        told = {"extremes": extremes}
        if norms:
            told["grad_norms"] = norms
        if aliases:
            told["aliases"] = aliases
        return tensors, told

    def _gradients(self, params: dict, tied: dict, copied: dict) -> dict[str, torch.Tensor]:
        """The gradients left by the last backward (none since zero_grad(set_to_none=True): nothing to
        show); those within the budget (or whose weight's plan is) go into `copied`."""
        if not self.contents.gradients:
            return {}
        grads = {k: p.grad.detach() for k, p in params.items() if k not in tied and p.grad is not None}
        budget = self.contents.gradient_budget
        for k, g in grads.items():
            plan = self.plans.get(f"param/{k}")  # gradients are kept where their weights are
            if g.numel() <= budget or (plan is not None and np.prod(plan["shape"]) <= budget):
                copied[f"grad/{k}"] = g
        return grads

    def _evaluate(self) -> torch.Tensor:
        x = self.probe.on_device(self.held_out.x)
        with evaluating(self.model), torch.no_grad():
            return torch.cat([torch.softmax(self.model(x[i : i + 512]).float(), dim=1) for i in range(0, len(x), 512)])

    def _attributions(self, x: torch.Tensor, extremes: dict) -> dict[str, np.ndarray]:
        """Which input values drove each sample's predicted class, now."""
        out, layer = {}, self.contents.attribution_layer
        for method in self.contents.attributions:
            heat = torch.from_numpy(explain(self.model, x, method, layer=layer, upsample=method != "grad-cam"))
            if method == "grad-cam":  # kept at the layer's own resolution too, drawn under that layer
                out[LAYER_CAM] = _stored(heat, None, apply_activation, extremes, LAYER_CAM)
                heat = upsample_cam(heat, x.cpu())
            out[f"attr/{method}"] = _stored(heat, None, apply_activation, extremes, f"attr/{method}")
        return out

    def _mistakes(self, probabilities: np.ndarray, extremes: dict, aliases: dict) -> dict[str, np.ndarray]:
        """The snapshot's most confident mistakes: which they are, their activations and attributions,
        under keys of their own (mistake/act/<node>, ...), reduced as the probe's are."""
        order = mistake_order(probabilities, self.held_out.y, self.held_out.mistakes)
        out = {MISTAKE_INDEX: order}
        if len(order):
            x = self.probe.on_device(self.held_out.x[torch.from_numpy(order)])
            outputs, _ = self.capture(x)
            plans = {MISTAKE_PREFIX + k: v for k, v in self.plans.items() if k.startswith("act/")}
            out.update(
                copies({f"{MISTAKE_PREFIX}act/{node}": v for node, v in outputs.items()}, plans, extremes, aliases)
            )
            out.update({MISTAKE_PREFIX + k: v for k, v in self._attributions(x, extremes).items()})
        return out

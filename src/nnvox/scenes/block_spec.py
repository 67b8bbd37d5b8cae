"""What each shown layer looks like before it is placed: a `BlockSpec` per block, in graph order.

Every block kind comes from the block registry (`layout.block_shape`): the input, each layer by its
own kind or its shape's generic kind, the classifier as "output", and a layer's weights as "weights".
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from nnvox.capture.architecture import Node
from nnvox.capture.run import Run
from nnvox.scenes.colour import ColourScale, finite_limits
from nnvox.scenes.layout import BlockShape, block_shape, near_square
from nnvox.scenes.per_architecture import nodes_by_name, per_run
from nnvox.scenes.run_scales import activation_scale, scale_from_stats, weight_scale
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.selection import Selection

MAX_CLASSES = 100_000  # more outputs than this are not read as class scores, whatever the layer

INPUT = "input"
# A chain's kinds, shortened in its block's title ("Conv2d+BN+ReLU")
_SHORT = {
    "BatchNorm1d": "BN",
    "BatchNorm2d": "BN",
    "BatchNorm3d": "BN",
    "LayerNorm": "LN",
    "GroupNorm": "GN",
    "InstanceNorm1d": "IN",
    "InstanceNorm2d": "IN",
    "relu": "ReLU",
    "relu_": "ReLU",
}


@dataclass(frozen=True)
class BlockSpec:
    name: str
    layout: BlockShape  # role, panels, rows, cols as drawn
    key: str  # the tensor a frame reads ("act/conv1", "param/conv1.weight", "grad/...", "probe")
    scale: ColourScale
    shape: tuple[int, ...]  # the layer's own output (or weight) shape, as its subtitle gives it
    kind: str  # the layer's kind, or a chain's kinds ("Conv2d+BN+ReLU")
    channels: tuple[int, ...] | None = None  # level of detail: the channels shown (None: all)
    pool: int = 1  # level of detail: average-pooling factor applied to each map


def block_specs(run: Run, options: SceneOptions, selection: Selection) -> dict[str, BlockSpec]:
    """The shown layers' specifications, in graph order: layers with weights in the weights modes,
    every recorded layer not hidden, grouped or folded in activations mode."""
    arch = run.architecture
    # The classifier is the last node that feeds nothing but is not a side output (attention maps).
    sink = next(n.name for n in reversed(arch.nodes) if n.kind != "AttentionMaps")
    specs = {}
    for node in arch.nodes:
        if node.name in selection.absorbed:
            continue  # a grouped layer, or a folded repeat: another block stands for it, "× N"
        collapsed = selection.collapsed.get(node.name)
        if collapsed is not None:  # a module subtree drawn as one block: titled by its class
            node = _subtree_node(run, node, collapsed.members, collapsed.kind)
        if options.mode != "activations":
            spec = _weight_spec(run, node, options.mode)
        elif collapsed is not None:
            spec = _activation_spec(run, node, options, selection, is_sink=node.name == sink)
        elif node.kind in options.hidden_kinds or (node.kind == "Input" and node.name != INPUT):
            continue  # reshapes and extra inputs (not recorded) get no block
        elif node.name == INPUT:
            spec = _input_spec(run, node)
        else:
            spec = _activation_spec(run, node, options, selection, is_sink=node.name == sink)
        if spec is not None:
            specs[node.name] = spec
    return specs


def _subtree_node(run: Run, node: Node, members, kind: str) -> Node:
    """A collapsed subtree's output node carrying the subtree's class and all its parameters, the
    largest weight first (the one weights modes draw for the block)."""
    nodes = nodes_by_name(run.architecture)
    params = {p: s for m in members for p, s in nodes[m].params.items()}
    order = sorted(params, key=lambda p: (not (p.endswith("weight") and len(params[p]) >= 2), -math.prod(params[p])))
    return dataclasses.replace(node, kind=kind, params={p: params[p] for p in order})


def output_class_names(run: Run, specs: dict[str, BlockSpec]) -> tuple[str, ...] | None:
    """The classifier's row labels: the run's class names, or its class numbers where they do not fit."""
    names = run.class_names
    out = next((s for s in specs.values() if s.layout.role == "output"), None)
    if out is not None and (names is None or len(names) != out.shape[0]):
        names = tuple(str(i) for i in range(out.shape[0]))
    return names


def _classifies(run: Run, node: Node, options: SceneOptions) -> bool:
    """A network's one-dimensional output read as class scores: up to `max_classes` of them (a
    labelled column), or more where the run names that many classes or a Linear layer gives them
    (ImageNet's 1,000: a grid, the most probable listed beside it)."""
    n = node.shape[0]
    named = run.class_names is not None and len(run.class_names) == n
    return 1 <= n <= options.max_classes or (n <= MAX_CLASSES and (named or node.kind == "Linear"))


def _weight_spec(run: Run, node: Node, mode: str) -> BlockSpec | None:
    """A layer's weight matrix or kernels (None: it has none, or no gradient was recorded for it)."""
    wkey = next((p for p, s in node.params.items() if p.endswith("weight") and len(s) >= 2), None)
    if wkey is None:
        return None
    original = node.params[wkey]
    layout = block_shape("weights", run.stored_shape(f"param/{wkey}", original))
    if mode != "gradients":
        return BlockSpec(node.name, layout, f"param/{wkey}", weight_scale(run, wkey, mode), original, node.kind)
    key = f"grad/{wkey}"
    if key not in run.stats(len(run.snapshots) - 1):
        return None  # no per-voxel gradient recorded for this layer (none, or over the budget)
    return BlockSpec(node.name, layout, key, scale_from_stats(run, key, signed=True), original, node.kind)


def _input_spec(run: Run, node: Node) -> BlockSpec:
    scale = _input_scale(run)
    return BlockSpec(node.name, block_shape(node.kind, node.shape), "probe", scale, node.shape, node.kind)


@per_run
def _input_scale(run: Run) -> ColourScale:
    """The probe input's grey scale: its robust limits, found once per run."""
    lo, hi = finite_limits(run.probe_inputs, 0.5, 99.5)
    return ColourScale.robust(lo, hi, signed=False, cmap="gray")


def _activation_spec(run: Run, node: Node, options: SceneOptions, selection: Selection, *, is_sink: bool):
    """A layer's recorded output, by its kind's block builder (None: it hides the layer), on its
    stage's colour scale (a ReLU and pooling on their conv's); the classifier's logits as
    probabilities on a fixed 0..1 scale."""
    key = f"act/{node.name}"
    stored = run.stored_shape(key, node.shape)
    classifier = is_sink and len(stored) == 1 and stored == node.shape and _classifies(run, node, options)
    layout = block_shape("output" if classifier else node.kind, stored)
    if classifier and node.shape[0] > options.max_classes:  # too many rows to label: a grid, its top classes listed
        layout = BlockShape("output", 1, *near_square(node.shape[0]))
    if layout is None:
        return None
    scale = (
        ColourScale(0.0, 1.0, "viridis", False)
        if classifier
        else activation_scale(run, node.name, options.hidden_kinds)
    )
    chain = selection.groups.get(node.name)
    nodes = nodes_by_name(run.architecture)
    kind = "+".join(_SHORT.get(nodes[m].kind, nodes[m].kind) for m in chain) if chain else node.kind
    return BlockSpec(node.name, layout, key, scale, node.shape, kind)

"""One colour scale per stage: a layer's ReLU and pooling keep the scale of the layer feeding them."""

from __future__ import annotations

import dataclasses
import itertools

from nnvox.capture.architecture import Architecture, Node
from nnvox.scenes.build import build_scene
from nnvox.scenes.run_scales import VALUE_KEEPING, stage_roots


def _chain(*kinds: str, fork: tuple[str, str] | None = None) -> Architecture:
    names = [f"n{i}" for i in range(len(kinds))]
    nodes = tuple(Node(name, kind, (4,)) for name, kind in zip(names, kinds, strict=True))
    edges = list(itertools.pairwise(names))
    return Architecture(nodes, tuple(edges + ([fork] if fork else [])))


def test_a_stage_runs_from_a_layer_through_the_value_keeping_layers_after_it():
    arch = _chain("Input", "Conv2d", "ReLU", "MaxPool2d", "flatten", "Linear", "GELU", "Dropout", "Linear", "Sigmoid")
    roots = stage_roots(arch, VALUE_KEEPING)
    assert [roots[f"n{i}"] for i in range(10)] == ["n0", "n1", "n1", "n1", "n1", "n5", "n5", "n5", "n8", "n9"]


def test_transformers_activations_keep_the_stage_and_a_global_average_starts_its_own():
    arch = _chain("Input", "Linear", "NewGELUActivation", "Conv2d", "SiLUActivation", "AdaptiveAvgPool2d")
    arch = dataclasses.replace(arch, nodes=(*arch.nodes[:-1], Node("n5", "AdaptiveAvgPool2d", (8, 1, 1))))
    roots = stage_roots(arch, VALUE_KEEPING)
    assert [roots[f"n{i}"] for i in range(6)] == ["n0", "n1", "n1", "n3", "n3", "n5"]  # n5: one value a map


def test_a_layer_with_two_inputs_starts_its_own_stage():
    # n3 (a ReLU) reads n2 and also n0: not one layer's values, so not that layer's colours
    roots = stage_roots(_chain("Input", "Conv2d", "Conv2d", "ReLU", fork=("n0", "n3")), VALUE_KEEPING)
    assert roots["n3"] == "n3"


def test_conv_relu_and_pool_share_one_scale_over_their_union(digits_run):
    scene = build_scene(digits_run)
    for stage in (("conv1", "relu1", "pool1"), ("conv2", "relu2", "pool2"), ("fc1", "relu3")):
        scales = {scene.block(n).scale for n in stage}
        assert len(scales) == 1, stage
        scale = scales.pop()
        assert scale.diverging and scale.lo == -scale.hi  # the conv's signed values: zero is the middle colour
        for n in stage:  # the union of the stage's robust limits: no member's range is cut
            lo, hi = digits_run.limits[f"act/{n}"]
            assert scale.lo <= lo and hi <= scale.hi
        assert scale.hi == max(max(abs(v) for v in digits_run.limits[f"act/{n}"]) for n in stage)
    assert scene.block("conv1").scale != scene.block("conv2").scale  # each stage its own range
    out = scene.block("fc2").scale
    assert (out.lo, out.hi, out.cmap) == (0.0, 1.0, "viridis")  # the answer keeps its probabilities' scale
    assert scene.block("input").scale.cmap == "gray"

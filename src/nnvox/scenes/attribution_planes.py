"""Attributions as planes: each probe sample's recorded attribution beside the input plane, raised
off the chain's line, and Grad-CAM at its layer's own resolution under the block that draws that layer."""

from __future__ import annotations

import dataclasses

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.layout import BlockShape, block_shape
from nnvox.scenes.scene import Block, SceneOptions

PLANE_GAP = 3.0  # scene units between the input plane and its attribution's (a block's side is 24)
# of the input's height: how far the attribution's bottom stands over the input's middle, the line
# along which the chain leaves the input (3 units of LeNet's 24: over it by 13 px and more at 1080p
# from 5 degrees under the chain). Level with the input it stood in that line, one more slab left of
# "input", and read as a layer before it (watch 9, #4)
OFF_AXIS = 0.125
EXPLANATION = "explanation"  # its label: what it is (not a layer), then what it shows


def with_attributions(
    run: Run, blocks: list[Block], options: SceneOptions, groups: dict[str, list[str]]
) -> list[Block]:
    """`blocks` with the asked-for attribution's planes: beside the input, and for Grad-CAM at its layer."""
    if options.attribution is None:
        return blocks
    if options.mode != "activations":
        raise NnvoxError(f"attributions are shown beside the input in activations mode, not {options.mode} mode")
    at = next((i for i, b in enumerate(blocks) if b.key == "probe"), None)
    if at is None:
        raise NnvoxError("this scene has no input plane to show attributions beside")
    out = [*blocks[: at + 1], attribution_block(run, blocks[at], options.attribution), *blocks[at + 1 :]]
    if options.attribution == "grad-cam" and (cam := layer_cam_block(run, out, groups)) is not None:
        out.append(cam)
    return out


def attribution_block(run: Run, source: Block, method: str) -> Block:
    """The recorded attribution of each probe sample's prediction, as a plane the input plane's size
    on the attribution's own run-wide scale, labelled as an explanation (EXPLANATION; its method
    in small print: viewer/overlays/method_note.py). Beside the input across the network (+y:
    left of it on screen from the cameras' side, -y, and further from the eye) and raised off the
    chain's line (OFF_AXIS): level with the input it read as one more layer before it (watch 9).
    Raised, not lowered: the cameras look from a little above, which lifts the far plane on screen,
    and the chain's line, rising to the right, falls away under it to the left. Not stacked wholly
    over or under the input: the close-up's room between the label row and the caption is about
    440 px tall at 1080p, and stacked the pair stood 213 px tall each; overlapping the input's
    upper half they stand 270. Off the chain (not upstream along x): it feeds nothing."""
    key = f"attr/{method}"
    if key not in run.limits:
        raise NnvoxError(f"the run has no {method} attributions; {_recorded(run)}")
    x, y, z = source.origin
    bs = block_shape("Attribution", run.architecture.node(source.name).shape)
    above = (x, y + source.extent[1] + PLANE_GAP, z + source.extent[2] * (0.5 + OFF_AXIS))
    # what it is and shows first, for a class that has not met the method; the method, as words,
    # under it (the title on one line: on two, the close-up's label row over the plane had no room for it)
    subtitle = method.replace("-", " ")
    return _plane(
        source,
        bs,
        key,
        run.limits[key],
        name=method,
        title=EXPLANATION,
        subtitle=subtitle,
        origin=above,
    )


def _recorded(run: Run) -> str:
    """The attributions the run has, or how to record them."""
    recorded = sorted(k.removeprefix("attr/") for k in run.limits if k.startswith("attr/") and k.count("/") == 1)
    if recorded:
        return f"it has {', '.join(recorded)}"
    return "record them with Recorder(..., attributions=[...]) or nnvox record --attributions ..."


def layer_cam_block(run: Run, blocks: list[Block], groups: dict[str, list[str]]) -> Block | None:
    """Grad-CAM at its layer's own resolution, as a plane under the block that draws that layer."""
    layer = run.attributions.get("layer")
    key = "attr/grad-cam/layer"
    if layer is None or key not in run.limits:
        return None
    node = next((n.name for n in run.architecture.nodes if n.module == layer or n.name == layer), None)
    target = next((b for b in blocks if node in groups.get(b.name, [b.name])), None)
    if target is None:
        return None
    heat = run.read(len(run.snapshots) - 1, [key], sample=0)[key]
    bs = block_shape("grad-cam", heat.shape)
    if bs is None:
        return None  # a layer without a map to lay it over
    _, x1, _, _, z0, _ = target.bounds
    # under the block's far end: clear of the input's attribution plane when the layer is the first
    below = (x1 - target.thickness, target.origin[1], z0 - bs.rows * target.voxel / 2 - PLANE_GAP)
    name = "grad-cam at " + target.name
    return _plane(
        target,
        bs,
        key,
        run.limits[key],
        name=name,
        title="grad-cam",
        subtitle=f"at {layer}",
        origin=below,
        channels=None,
        pool=1,
        labelled=True,
    )


def _plane(beside: Block, bs: BlockShape, key: str, limits: tuple[float, float], **changes) -> Block:
    """An attribution drawn as a block shaped `bs`, on its own run-wide scale, standing for no layer's parameters."""
    return dataclasses.replace(
        beside,
        kind="Attribution",
        key=key,
        role=bs.role,
        panels=bs.panels,
        rows=bs.rows,
        cols=bs.cols,
        scale=ColourScale.robust(*limits),
        params=(),
        **changes,
    )

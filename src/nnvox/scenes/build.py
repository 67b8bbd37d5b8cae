"""Run -> Scene."""

from __future__ import annotations

import dataclasses

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.capture.detail import map_pool
from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.clouds import CloudSource, place_clouds
from nnvox.scenes.feature_space import PROJECTIONS
from nnvox.scenes.colour import ColourScale, finite_limits
from nnvox.scenes.frames import FrameSource
from nnvox.scenes.folding import fold_repeats
from nnvox.scenes.grouping import group_chains
from nnvox.scenes.layout import BlockShape, block_shape, drawable, slice_pitch, weight_block
from nnvox.scenes.placement import Footprint, place, route_edges
from nnvox.scenes.scene import CHANGE_MODES, MODES, SIZINGS, Block, Scene, SceneOptions

INPUT = "input"


def contract_edges(arch: Architecture, keep: set[str]) -> list[tuple[str, str]]:
    """Edges between kept nodes, bridging over hidden ones (input -> flatten -> fc1 gives input -> fc1)."""
    preds: dict[str, list[str]] = {}
    for s, d in arch.edges:
        preds.setdefault(d, []).append(s)

    def visible_sources(name: str, seen: set[str]) -> list[str]:
        out = []
        for p in preds.get(name, []):
            if p in seen:
                continue
            seen.add(p)
            out += [p] if p in keep else visible_sources(p, seen)
        return out

    return [(s, n.name) for n in arch.nodes if n.name in keep for s in dict.fromkeys(visible_sources(n.name, set()))]


def without_implied(names: list[str], edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges no longer path implies (transitive reduction; names in topological order). Where only
    layers with weights are drawn, a residual stream bridged over its hidden adds otherwise joins every
    layer to every later one: a bundle of arcs that says nothing the chain does not."""
    succs: dict[str, list[str]] = {}
    for s, d in edges:
        succs.setdefault(s, []).append(d)
    reach: dict[str, set[str]] = {}
    for n in reversed(names):
        reach[n] = set().union(*({d} | reach[d] for d in succs.get(n, [])))
    return [(s, d) for s, d in edges if not any(d in reach[m] for m in succs[s] if m != d)]


def graph_depths(names: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path depth of each node; names are in execution (topological) order. A second source
    (GPT's position embedding, fed by no input) stands just before the first node it feeds, beside
    the branch it joins, not back at the input with a long edge drawn as a skip."""
    depth = {n: 0 for n in names}
    for n in names:
        for s, d in edges:
            if d == n:
                depth[n] = max(depth[n], depth[s] + 1)
    fed = {d for _, d in edges}
    for n in names[1:]:
        if n not in fed and (later := [depth[d] for s, d in edges if s == n]):
            depth[n] = min(later) - 1
    return depth


_SHORT = {"BatchNorm1d": "BN", "BatchNorm2d": "BN", "BatchNorm3d": "BN", "LayerNorm": "LN", "GroupNorm": "GN",
          "InstanceNorm1d": "IN", "InstanceNorm2d": "IN", "relu": "ReLU", "relu_": "ReLU"}


def _block_specs(run: Run, options: SceneOptions, groups: dict[str, list[str]], absorbed: set[str]):
    """What each shown node looks like: (block shape, tensor key, colour scale, shape, kind), in order."""
    arch = run.architecture
    # The classifier is the last node that feeds nothing but is not a side output (attention maps).
    sink = next(n.name for n in reversed(arch.nodes) if n.kind != "AttentionMaps")
    specs: dict[str, tuple[BlockShape, str, ColourScale, tuple[int, ...], str]] = {}
    class_names = run.class_names
    for node in arch.nodes:
        if node.name in absorbed and options.mode != "activations":
            continue  # a folded repeat: its first instance stands for it, "× N", as in activations
        if options.mode != "activations":  # weights, or how they changed
            wkey = next((p for p, s in node.params.items() if p.endswith("weight") and len(s) >= 2), None)
            if wkey is None:
                continue
            original = node.params[wkey]
            shape = run.stored_shape(f"param/{wkey}", original)
            if options.mode == "gradients":
                if f"grad/{wkey}" not in run.stats(len(run.snapshots) - 1):
                    continue  # no per-voxel gradient recorded for this layer (none, or over the budget)
                specs[node.name] = (weight_block(shape), f"grad/{wkey}", _scale_from_stats(run, f"grad/{wkey}", signed=True), original, node.kind)
                continue
            if options.mode == "update-ratio":
                # magnitudes: a sequential scale from 0, fixed over the run
                top = run.limits.get(f"update/param/{wkey}", (0.0, 1e-12))[1]
                scale = ColourScale.robust(0.0, top if top > 0 else 1e-12, signed=False)
                specs[node.name] = (weight_block(shape), f"param/{wkey}", scale, original, node.kind)
                continue
            stats_key = {"weights": "", "change": "change/", "change-from-start": "since_start/"}[options.mode] + f"param/{wkey}"
            scale = _scale_from_stats(run, stats_key, signed=True) if options.mode == "weights" else _change_scale(run, stats_key)
            specs[node.name] = (weight_block(shape), f"param/{wkey}", scale, original, node.kind)
            continue
        if node.kind in options.hidden_kinds or node.name in absorbed or (node.kind == "Input" and node.name != INPUT):
            continue  # reshapes, grouped or folded layers, and extra inputs (not recorded) get no block
        if node.name == INPUT:
            x = run.probe_inputs
            lo, hi = finite_limits(x, 0.5, 99.5)
            specs[node.name] = (block_shape("Input", node.shape), "probe", ColourScale.robust(lo, hi, signed=False, cmap="gray"), node.shape, node.kind)
            continue
        key = f"act/{node.name}"
        stored = run.stored_shape(key, node.shape)
        bs = block_shape(node.kind, stored)
        if bs is None:
            continue
        scale = _scale_from_stats(run, key)
        if node.name == sink and len(stored) == 1 and stored == node.shape and 1 <= node.shape[0] <= options.max_classes:
            # The classifier's logits are shown as probabilities on a fixed 0..1 scale.
            bs = BlockShape("output", 1, node.shape[0], 1)
            scale = ColourScale(0.0, 1.0, "viridis", False)
            if class_names is None or len(class_names) != node.shape[0]:
                class_names = tuple(str(i) for i in range(node.shape[0]))
        kind = "+".join(_SHORT.get(k, k) for k in (arch.node(m).kind for m in groups[node.name])) if node.name in groups else node.kind
        specs[node.name] = (bs, key, scale, node.shape, kind)
    return specs, class_names


def _groups(arch: Architecture, options: SceneOptions) -> dict[str, list[str]]:
    """Chains to draw as one block: always when asked, automatically for graphs of many blocks;
    never a chain with an expanded layer in it."""
    if options.mode != "activations" or options.group is False:
        return {}
    if options.group is None and not _is_large(arch, options):
        return {}
    return {k: chain for k, chain in group_chains(arch).items() if not options.expand.intersection(chain)}


def _folds(arch: Architecture, options: SceneOptions) -> tuple[set[str], dict[str, int]]:
    """Repeated blocks drawn once: when asked, or automatically for graphs of many blocks."""
    if options.fold is False:
        return set(), {}
    if options.fold is None and not _is_large(arch, options):
        return set(), {}
    return fold_repeats(arch, unfold=options.expand)


def _is_large(arch: Architecture, options: SceneOptions) -> bool:
    """Enough layers that grouping and folding help more than they hide."""
    return sum(1 for n in arch.nodes if n.kind not in options.hidden_kinds) > options.group_above


def _geometry(bs: BlockShape, options: SceneOptions) -> tuple[float, float, float]:
    """Voxel size, slice pitch and slab thickness of a block."""
    v = options.voxel
    side = max(bs.rows, bs.cols)
    if bs.role == "output":
        voxel = v * options.output_voxel
    elif options.sizing == "accurate":
        voxel = v
    elif options.sizing == "log":  # tiny and huge maps both read: the drawn side grows with log2 of the real one
        voxel = v * 4.0 * np.log2(1.0 + side) / side
    else:
        voxel = v * min(1.0, options.max_panel / side)
    pitch = slice_pitch(bs.rows, bs.cols) * voxel
    # One voxel deep where the slices have room; thinner where they are packed closely.
    thickness = min(voxel, 0.5 * pitch) if bs.panels > 1 else voxel
    return voxel, pitch, thickness


def _attribution_block(run: Run, source: Block, method: str) -> Block:
    """The recorded attribution of each probe sample's prediction, as a plane under the input plane
    (same size, so pixel and attribution line up), on the attribution's own run-wide scale."""
    key = f"attr/{method}"
    if key not in run.limits:
        recorded = sorted(k[len("attr/"):] for k in run.limits if k.startswith("attr/") and "/" not in k[len("attr/"):])
        raise NnvoxError(f"the run has no {method} attributions; " + (f"it has {', '.join(recorded)}" if recorded else
                         "record them with Recorder(..., attributions=[...]) or nnvox record --attributions ..."))
    lo, hi = run.limits[key]
    x, y, z = source.origin
    height = source.extent[2]
    return dataclasses.replace(
        source, name=method, kind="Attribution", key=key, scale=ColourScale.robust(lo, hi), params=(),
        origin=(x, y, z - height - 3.0), title=method, subtitle="of the prediction",
    )


def _layer_cam_block(run: Run, blocks: list[Block], groups: dict[str, list[str]]) -> Block | None:
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
    if heat.ndim < 2 or not drawable(*heat.shape[-2:]):
        return None  # a layer without a map to lay it over
    h, w = heat.shape[-2:]
    lo, hi = run.limits[key]
    _, x1, _, _, z0, _ = target.bounds
    # under the block's far end: clear of the input's attribution plane when the layer is the first
    return dataclasses.replace(
        target, name="grad-cam at " + target.name, kind="Attribution", key=key, role="feature", panels=1, rows=h, cols=w,
        channels=None, pool=1, scale=ColourScale.robust(lo, hi), params=(), labelled=True,
        origin=(x1 - target.thickness, target.origin[1], z0 - h * target.voxel / 2 - 3.0), title="grad-cam", subtitle=f"at {layer}",
    )


def _level_of_detail(run: Run, specs: dict, options: SceneOptions) -> dict[str, tuple[tuple[int, ...] | None, int]]:
    """Feature blocks over budget: the channels with the most energy for the probe in the last
    snapshot (one fixed choice for the whole timeline), and a pooling factor for large maps."""
    wide = [n for n, (bs, key, *_rest) in specs.items() if bs.role == "feature" and key.startswith("act/") and n not in options.expand
            and (bs.panels > options.max_channels or max(bs.rows, bs.cols) > options.max_map)]
    if not wide:
        return {}
    tensors = run.read(len(run.snapshots) - 1, [specs[n][1] for n in wide])
    detail = {}
    for n in wide:
        bs, key = specs[n][0], specs[n][1]
        a = tensors[key]
        channels = None
        maps = a.ndim == 4 and a.shape[1:] == (bs.panels, bs.rows, bs.cols)  # (N, C, H, W) drawn as C slices
        if maps and bs.panels > options.max_channels:
            energy = np.nan_to_num(np.abs(a)).mean(axis=(0, 2, 3))
            channels = tuple(sorted(int(c) for c in np.argsort(-energy, kind="stable")[: options.max_channels]))
        detail[n] = (channels, map_pool(bs.rows, bs.cols, options.max_map) if maps else 1)
    return detail


def _labelled(names: list[str], specs: dict, placement, options: SceneOptions, repeats: dict[str, int]) -> set[str]:
    """Every block in small scenes; in big ones, the blocks on the main axis where the resolution
    changes (a new stage), and the first block of each folded repeat (its label carries the "× N")."""
    if len(names) <= options.label_all_below:
        return set(names)
    keep, previous, previous_repeat = set(), None, None
    for n in names:
        if placement.lanes[n] != 0.0:
            continue  # side lanes stay unlabelled in big scenes
        shape = specs[n][3][1:] if len(specs[n][3]) == 3 else specs[n][3]  # spatial size for maps
        starts_repeat = n in repeats and previous_repeat is None
        if shape != previous or n == names[-1] or starts_repeat:
            keep.add(n)
        previous, previous_repeat = shape, repeats.get(n)
    return keep


def _detail_text(shape: tuple[int, ...], plan: dict | None, channels, pool: int) -> str:
    """What of the layer is drawn, when not all of it: reduced while recording and/or for the view."""
    plan = plan or {}
    if "out" in plan:  # weights: the leading filters and input channels
        return f" · first {plan['out']} × {plan['in']} kept"
    parts = []
    recorded = plan.get("channels", shape[0] if shape else 0)
    if shape and (channels or recorded < shape[0]):
        shown = len(channels) if channels else recorded
        parts.append(f"{shown} of {shape[0]} ch" + (f" ({recorded} recorded)" if shown < recorded < shape[0] else ""))
    kept = list(plan.get("shape", ()))
    if "keep" in plan:  # the first rows; where one row was too many, the first values of the first row
        parts.append(f"first {plan['keep']} kept" if kept[1:] == list(shape[1:]) else f"first {_shape_text(tuple(kept))} kept")
    elif "channels" in plan and len(kept) >= 3:  # maps of rank 4 and more: the first depth slices too
        f = plan.get("pool", 1)
        if kept[1:] != [*shape[1:-2], shape[-2] // f, shape[-1] // f]:
            parts.append(f"first {_shape_text(tuple(kept[1:]))} of each kept")
    factor = plan.get("pool", 1) * pool
    if factor > 1:
        parts.append(f"pooled {factor}×")
    return "".join(" · " + p for p in parts)


def _title(name: str, kind: str) -> str:
    return name if name == kind.lower() else f"{name} · {kind}"


def _shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(str(s) for s in shape) if shape else "scalar"


def _change_scale(run: Run, stats_key: str) -> ColourScale:
    """A change mode's scale: from the writer's summaries, else from the data (one read of each
    snapshot, for runs written without them)."""
    if stats_key in run.limits:
        return _scale_from_stats(run, stats_key, signed=True)
    key = stats_key.split("/", 1)[1]
    first = run.read(0, [key])[key]
    previous, limit = first, 0.0
    for s in run.snapshots[1:]:
        w = run.read(s.index, [key])[key]
        d = w - (previous if stats_key.startswith("change/") else first)
        finite = np.abs(d[np.isfinite(d)])
        if finite.size:
            limit = max(limit, float(np.percentile(finite, 99)))
        previous = w
    return ColourScale.robust(-limit, limit or 1e-12, signed=True)


def _scale_from_stats(run: Run, key: str, *, signed: bool | None = None) -> ColourScale:
    """Robust limits fixed over the whole run: lowest 1st and highest 99th percentile of all snapshots."""
    if key not in run.limits:
        return ColourScale.robust(0.0, 1.0, signed=signed)
    return ColourScale.robust(*run.limits[key], signed=signed)


def build_scene(run: Run, options: SceneOptions = SceneOptions()) -> Scene:
    if options.mode not in MODES:
        raise NnvoxError(f"unknown mode {options.mode!r}; choose one of {', '.join(MODES)}")
    if options.sizing not in SIZINGS:
        raise NnvoxError(f"unknown sizing {options.sizing!r}; choose one of {', '.join(SIZINGS)}")
    arch = run.architecture
    groups = _groups(arch, options)
    folded, repeats = _folds(arch, options)
    absorbed = folded | {m for chain in groups.values() for m in chain[:-1]}
    specs, class_names = _block_specs(run, options, groups, absorbed)

    if options.mode in CHANGE_MODES and len(run.snapshots) < 2:
        raise NnvoxError(f"{options.mode} mode shows how weights moved between snapshots, and this run has one "
                         "(a model run once has no training to show); record two or more, or choose activations or weights")
    if not specs:
        hint = " (record with gradients: call snapshot() after a backward pass)" if options.mode == "gradients" else " (no layers with weights?)"
        raise NnvoxError(f"the run has nothing to show in {options.mode} mode{hint}")
    # what the scene draws is in the run (the last snapshot, the one level of detail is chosen from)
    run.require(len(run.snapshots) - 1, [key for _, key, *_ in specs.values() if key != "probe" and not key.startswith("grad/")])
    names = [n.name for n in arch.nodes if n.name in specs]
    edges = contract_edges(arch, set(names))
    if options.mode != "activations":  # only layers with weights are drawn
        edges = without_implied(names, edges)
    depth = graph_depths(names, edges)

    v = options.voxel
    detail = _level_of_detail(run, specs, options)
    for name, (channels, pool) in detail.items():
        bs = specs[name][0]
        rows, cols = bs.rows // pool, bs.cols // pool  # pooling drops a partial last window, as pool_maps does
        specs[name] = (BlockShape(bs.role, len(channels) if channels else bs.panels, rows, cols), *specs[name][1:])
    geometry = {n: _geometry(specs[n][0], options) for n in names}
    footprints = [
        Footprint(n, (specs[n][0].panels - 1) * geometry[n][1] + geometry[n][2], specs[n][0].cols * geometry[n][0], specs[n][0].rows * geometry[n][0])
        for n in names
    ]
    wrap = None
    if len(names) > options.label_all_below:
        # Long networks wrap into rows so the whole reads at about 16:9 from the default view
        # (a row's length shows at ~0.7 on screen; rows are one block height plus margins apart).
        length = sum(f.length + options.layer_gap * v + 1.1 * f.width for f in footprints)
        pitch = 2.2 * max(f.height for f in footprints) + 3 * options.lane_gap * v
        n_rows = max(1, round(np.sqrt(0.7 * length / (1.8 * pitch))))
        wrap = length / n_rows * 1.05 if n_rows > 1 else None
    placement = place(footprints, edges, depth, gap=options.layer_gap * v, lane_gap=options.lane_gap * v, wrap=wrap)
    labelled = _labelled(names, specs, placement, options, repeats)

    blocks = []
    for name in names:
        bs, key, scale, shape, kind = specs[name]
        channels, pool = detail.get(name, (None, 1))
        subtitle = _shape_text(shape) + _detail_text(shape, run.reduced.get(key.replace("grad/", "param/", 1)), channels, pool)
        voxel, pitch, thickness = geometry[name]
        blocks.append(
            Block(
                name=name,
                kind=kind,
                role=bs.role,
                key=key,
                panels=bs.panels,
                rows=bs.rows,
                cols=bs.cols,
                origin=placement.origins[name],
                pitch=pitch,
                voxel=voxel,
                thickness=thickness,
                scale=scale,
                order=depth[name],
                title=_title(groups[name][0] if name in groups else name, kind) + (f"  × {repeats[name]}" if name in repeats else ""),
                subtitle=subtitle,
                class_names=class_names if bs.role == "output" else None,
                channels=channels,
                pool=pool,
                labelled=name in labelled,
                params=tuple(p for m in groups.get(name, [name]) for p in arch.node(m).params),
                lane=placement.lanes[name],
            )
        )
    if options.attribution is not None:
        if options.mode != "activations":
            raise NnvoxError(f"attributions are shown beside the input in activations mode, not {options.mode} mode")
        at = next((i for i, b in enumerate(blocks) if b.key == "probe"), None)
        if at is None:
            raise NnvoxError("this scene has no input plane to show attributions beside")
        blocks.insert(at + 1, _attribution_block(run, blocks[at], options.attribution))
        if options.attribution == "grad-cam" and (cam := _layer_cam_block(run, blocks, groups)) is not None:
            blocks.append(cam)
    tallest = max(b.extent[2] for b in blocks)
    paths = route_edges({b.name: b.bounds for b in blocks}, placement, edges, depth, clearance=(2.0 + 0.2 * tallest) * v)
    source = FrameSource(run, tuple(blocks), options.mode)
    clouds, cloud_source = (), None
    if options.clusters is not None and options.feature_space is None:
        raise NnvoxError("clusters are drawn in the feature-space clouds: ask for those too (--feature-space pca)")
    if options.feature_space is not None:
        if options.feature_space not in PROJECTIONS:
            raise NnvoxError(f"unknown feature space {options.feature_space!r}; choose one of {', '.join(PROJECTIONS)}")
        if options.mode != "activations":
            raise NnvoxError(f"feature-space clouds show activations; use activations mode, not {options.mode}")
        if len(run.probe_labels) < 3:
            raise NnvoxError(f"feature-space clouds need at least 3 probe samples, the run has {len(run.probe_labels)}")
        clouds = place_clouds(run, tuple(blocks))
        if options.clusters is not None and not (options.clusters in ("silhouette", "elbow") or
                                                 (isinstance(options.clusters, int) and options.clusters >= 1)):
            raise NnvoxError(f"clusters {options.clusters!r} is not a number of clusters, silhouette or elbow")
        cloud_source = CloudSource(run, clouds, options.feature_space, options.clusters)
    return Scene(
        run_name=run.name,
        mode=options.mode,
        blocks=tuple(blocks),
        edges=tuple(edges),
        edge_paths=tuple(paths),
        skips=tuple(depth[d] - depth[s] > 1 for s, d in edges),
        snapshot_labels=tuple(s.label for s in run.snapshots),
        probe_count=len(run.probe_labels),
        mistake_count=run.mistake_rows,
        source=source,
        metrics={k: run.snapshots.metric(k) for k in run.snapshots.metric_names},
        clouds=clouds,
        cloud_source=cloud_source,
        probe_labels=tuple(int(v) for v in run.probe_labels),
        class_names=run.class_names,
        rows=max(placement.rows.values(), default=0) + 1,
    )

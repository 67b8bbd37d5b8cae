"""Run -> Scene, as named stages: select the layers other blocks stand for, specify each block
(`BlockSpec`), join them as a graph, reduce detail, arrange, make the blocks, add attribution
planes, route the edges, and add feature-space clouds."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.arrange import Arrangement, arrange
from nnvox.scenes.attribution_planes import with_attributions
from nnvox.scenes.block_spec import BlockSpec, block_specs, output_class_names
from nnvox.scenes.block_text import detail_text, repeat_text, shape_text, title
from nnvox.scenes.clouds import CloudSource, place_clouds
from nnvox.scenes.drawn_graph import DrawnGraph, contract_edges, drawn_graph, graph_depths, without_implied
from nnvox.scenes.feature_space import PROJECTIONS
from nnvox.scenes.frames import FrameSource
from nnvox.scenes.level_of_detail import reduce_detail
from nnvox.scenes.open_layer import open_scene
from nnvox.scenes.open_weights import kernel_shape
from nnvox.scenes.per_architecture import nodes_by_name
from nnvox.scenes.placement import route_edges
from nnvox.scenes.scene import CHANGE_MODES, MODES, SIZINGS, Block, Scene, SceneOptions
from nnvox.scenes.selection import Selection, select

__all__ = ["build_scene", "contract_edges", "graph_depths", "without_implied"]

OUTPUT_NOTE = {"output": " · softmax"}  # a classifier is drawn as its softmax (frames.py): its label says so


def build_scene(run: Run, options: SceneOptions = SceneOptions()) -> Scene:
    with collection_paused():
        scene = _build_scene(run, options)
    return open_scene(scene, sorted(options.opened)) if options.opened else scene


@contextmanager
def collection_paused():
    """The garbage collector held off while a scene is built: the facts found once per architecture
    are tens of thousands of small tuples kept, and each of the full collections they set off walks
    every object alive, a loaded model's hundreds of thousands (EfficientNet-B0's first build: ~360
    -> ~75 ms). A build makes no reference cycles worth collecting meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_scene(run: Run, options: SceneOptions) -> Scene:
    check_options(options)
    selection = select(run.architecture, options)
    specs = block_specs(run, options, selection)
    require_recorded(run, options, specs)
    graph = drawn_graph(run.architecture, list(specs), options.mode, selection.stands_for(), options.hidden_kinds)
    specs = reduce_detail(run, specs, options)
    arrangement = arrange(specs, graph, selection.repeats, options)
    blocks = make_blocks(run, specs, graph, arrangement, selection)
    blocks = with_attributions(run, blocks, options, selection.groups)
    tallest = max(b.extent[2] for b in blocks)
    paths = route_edges(
        {b.name: b.bounds for b in blocks},
        arrangement.placement,
        graph.edges,
        arrangement.depth,
        clearance=(2.0 + 0.2 * tallest) * options.voxel,
    )
    source = FrameSource(run, tuple(blocks), options.mode)
    clouds, cloud_source = feature_clouds(run, blocks, options)
    return Scene(
        run_name=run.name,
        mode=options.mode,
        blocks=tuple(blocks),
        edges=tuple(graph.edges),
        edge_paths=tuple(paths),
        skips=tuple(arrangement.depth[d] - arrangement.depth[s] > 1 for s, d in graph.edges),
        snapshot_labels=tuple(s.label for s in run.snapshots),
        probe_count=len(run.probe_labels),
        mistake_count=run.mistake_rows,
        source=source,
        metrics={k: run.snapshots.metric(k) for k in run.snapshots.metric_names},
        clouds=clouds,
        cloud_source=cloud_source,
        probe_labels=tuple(int(v) for v in run.probe_labels),
        class_names=run.class_names,
        rows=max(arrangement.placement.rows.values(), default=0) + 1,
    )


def check_options(options: SceneOptions) -> None:
    if options.mode not in MODES:
        raise NnvoxError(f"unknown mode {options.mode!r}; choose one of {', '.join(MODES)}")
    if options.sizing not in SIZINGS:
        raise NnvoxError(f"unknown sizing {options.sizing!r}; choose one of {', '.join(SIZINGS)}")


def require_recorded(run: Run, options: SceneOptions, specs: dict[str, BlockSpec]) -> None:
    """The run holds what the scene draws (in the last snapshot, the one level of detail is chosen from)."""
    if options.mode in CHANGE_MODES and len(run.snapshots) < 2:
        raise NnvoxError(
            f"{options.mode} mode shows how weights moved between snapshots, and this run has one "
            "(a model run once has no training to show); record two or more, "
            "or choose activations or weights"
        )
    if not specs:
        hint = (
            " (record with gradients: call snapshot() after a backward pass)"
            if options.mode == "gradients"
            else " (no layers with weights?)"
        )
        raise NnvoxError(f"the run has nothing to show in {options.mode} mode{hint}")
    drawn = [s.key for s in specs.values() if s.key != "probe" and not s.key.startswith("grad/")]
    run.require(len(run.snapshots) - 1, drawn)


def make_blocks(
    run: Run, specs: dict[str, BlockSpec], graph: DrawnGraph, arrangement: Arrangement, selection: Selection
) -> list[Block]:
    class_names = output_class_names(run, specs)
    nodes = nodes_by_name(run.architecture)
    blocks = []
    for name in graph.names:
        s, g = specs[name], arrangement.geometry[name]
        chain = selection.members(name)
        repeat = repeat_text(selection.folds.get(name, ()))
        c = selection.collapsed.get(name)
        head, children = (c.module, 1 if c.alike else c.count) if c else (chain[0], 1)
        plan = run.reduced.get(s.key.replace("grad/", "param/", 1))
        blocks.append(
            Block(
                name=name,
                kind=s.kind,
                role=s.layout.role,
                key=s.key,
                panels=s.layout.panels,
                rows=s.layout.rows,
                cols=s.layout.cols,
                origin=arrangement.placement.origins[name],
                pitch=g.pitch,
                voxel=g.voxel,
                thickness=g.thickness,
                scale=s.scale,
                order=graph.depth[name],
                title=title(head, s.kind, children) + repeat,
                subtitle=shape_text(s.shape)
                + detail_text(s.shape, plan, s.channels, s.pool)
                + OUTPUT_NOTE.get(s.layout.role, ""),
                class_names=class_names if s.layout.role == "output" else None,
                channels=s.channels,
                pool=s.pool,
                labelled=name in arrangement.labelled,
                params=tuple(p for m in chain for p in nodes[m].params),
                lane=arrangement.placement.lanes[name],
                side_branch=name in arrangement.closed,
                kernels=kernel_shape(s.layout, s.shape),
            )
        )
    return blocks


def feature_clouds(run: Run, blocks: list[Block], options: SceneOptions) -> tuple[tuple, CloudSource | None]:
    """The probe set as a cloud of points above each layer, when asked for, and their source."""
    if options.clusters is not None and options.feature_space is None:
        raise NnvoxError("clusters are drawn in the feature-space clouds: ask for those too (--feature-space pca)")
    if options.feature_space is None:
        return (), None
    if options.feature_space not in PROJECTIONS:
        raise NnvoxError(f"unknown feature space {options.feature_space!r}; choose one of {', '.join(PROJECTIONS)}")
    if options.mode != "activations":
        raise NnvoxError(f"feature-space clouds show activations; use activations mode, not {options.mode}")
    if len(run.probe_labels) < 3:
        raise NnvoxError(f"feature-space clouds need at least 3 probe samples, the run has {len(run.probe_labels)}")
    clouds = place_clouds(run, tuple(blocks))
    if options.clusters is not None and not (
        options.clusters in ("silhouette", "elbow") or (isinstance(options.clusters, int) and options.clusters >= 1)
    ):
        raise NnvoxError(f"clusters {options.clusters!r} is not a number of clusters, silhouette or elbow")
    return clouds, CloudSource(run, clouds, options.feature_space, options.clusters)

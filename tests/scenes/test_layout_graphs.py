"""Layout invariants on graphs with branches, merges and skips: blocks never overlap, every edge
joins its own blocks, and arcs clear every block they pass."""

import itertools

import numpy as np
import pytest
import torch

from nnvox.capture.recorder import Recorder
from nnvox.capture.run import open_run
from nnvox.models.zoo import digits_resnet
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from tests.capture.zoo import ZOO

SINGLE_INPUT = [k for k, (_, make, *_rest) in ZOO.items() if isinstance(make(), torch.Tensor)]


OPEN = 99  # every module open: the layers themselves, as before module depths


def run_of(model, x, folder):
    rec = Recorder(model, probe=(x, np.zeros(len(x), dtype=np.int64)), out=folder, background=False)
    rec.snapshot(epoch=0)
    rec.close()
    return open_run(folder)


def _inside(point, bounds, margin=1e-6):
    x0, x1, y0, y1, z0, z1 = bounds
    x, y, z = point
    return x0 + margin < x < x1 - margin and y0 + margin < y < y1 - margin and z0 + margin < z < z1 - margin


def check_layout(scene):
    blocks = scene.blocks
    for i, a in enumerate(blocks):
        for b in blocks[i + 1 :]:
            ax0, ax1, ay0, ay1, az0, az1 = a.bounds
            bx0, bx1, by0, by1, bz0, bz1 = b.bounds
            overlap = ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1 and az0 < bz1 and bz0 < az1
            assert not overlap, f"{a.name} overlaps {b.name}"
    by_name = {b.name: b for b in blocks}
    assert len(scene.edge_paths) == len(scene.edges)
    for (s, d), path in zip(scene.edges, scene.edge_paths):
        src, dst = by_name[s].bounds, by_name[d].bounds
        # each end lies on its own block's surface
        for point, box in ((path[0], src), (path[-1], dst)):
            assert box[0] - 1e-6 <= point[0] <= box[1] + 1e-6 and box[4] - 1e-6 <= point[2] <= box[5] + 1e-6
        # sampled along every segment, the route never enters a block
        for p, q in itertools.pairwise(path):
            for t in np.linspace(0, 1, 25):
                point = p + t * (q - p)
                for other in blocks:
                    assert not _inside(point, other.bounds), f"edge {s}->{d} cuts through {other.name}"


@pytest.mark.parametrize("case", SINGLE_INPUT)
def test_zoo_layouts(case, tmp_path):
    build, make_inputs, *_ = ZOO[case]
    torch.manual_seed(0)
    run = run_of(build(), make_inputs(), tmp_path / "run")
    for group in (False, True):
        check_layout(build_scene(run, SceneOptions(group=group)))


def test_resnet_layout_has_lanes_arcs_and_groups(tmp_path):
    torch.manual_seed(0)
    run = run_of(digits_resnet(), torch.randn(2, 1, 8, 8), tmp_path / "run")
    scene = build_scene(run, SceneOptions(group=True))
    check_layout(scene)
    names = [b.name for b in scene.blocks]
    assert "layer1.0.bn1" not in names and "layer1.0.relu" in names  # conv1+bn1+relu drawn as one block
    assert (
        scene.block("layer1.0.relu").title.startswith("layer1.0.conv1")
        and "Conv2d+BN+ReLU" in scene.block("layer1.0.relu").title
    )
    lanes = {round(b.origin[2], 3) for b in scene.blocks}
    assert len(lanes) >= 2  # the downsampling branch runs in a lane beside the main path
    arcs = [path for path in scene.edge_paths if len(path) > 2]
    assert len(arcs) >= 2  # the identity skip and the downsample join arc over the blocks
    identity = scene.edges.index(("relu", "layer1.0.add_"))
    assert len(scene.edge_paths[identity]) > 2
    # parallel branches light up together in the forward pass
    down, main = scene.block("layer2.0.downsample.1"), scene.block("layer2.0.relu")
    assert down.order == main.order


def test_long_networks_wrap_into_rows_and_fold_repeats(tmp_path):
    from nnvox.models.zoo import resnet34

    torch.manual_seed(0)
    run = run_of(resnet34(num_classes=10), torch.randn(1, 3, 32, 32), tmp_path / "run")
    scene = build_scene(run, SceneOptions(depth=OPEN))  # automatic grouping, folding and wrapping for a big graph
    check_layout(scene)
    rows = {round(b.origin[2]) for b in scene.blocks if "downsample" not in b.name}
    assert len(rows) >= 2  # wrapped like text
    folded = [b for b in scene.blocks if "× " in b.title]
    assert any("layer3.1" in b.title and "× 5" in b.title for b in folded)  # layer3.1 ... layer3.5 drawn once
    assert not any(b.name.startswith("layer3.2") for b in scene.blocks)
    assert all(b.labelled for b in folded if b.title.startswith("layer3.1.conv1"))
    x0, x1, _, _, z0, z1 = scene.bounds
    assert (x1 - x0) < 4 * (z1 - z0)  # no longer a thin line
    assert (
        scene.rows == len(rows)
        and build_scene(run, SceneOptions(group=False, fold=False, depth=OPEN)).rows > scene.rows
    )
    weights = build_scene(
        run, SceneOptions(mode="weights", depth=OPEN)
    )  # folded the same way: layer3.1 stands for 3.1 ... 3.5
    assert not any(b.name.startswith("layer3.2") for b in weights.blocks)
    assert any(b.name.startswith("layer3.1") and "× 5" in b.title for b in weights.blocks)

    from nnvox.scenes.camera import MAX_SLOPE, network_boxes, overview
    from nnvox.scenes.framing import chain_slope

    pose = overview(scene.bounds, 16 / 9, wrapped=True, boxes=network_boxes(scene))
    assert abs(chain_slope(np.asarray(pose.direction))) <= MAX_SLOPE + 1e-9  # each row a level line, read like text


def test_expanding_one_layer_lifts_its_grouping_folding_and_detail(tmp_path):
    from nnvox.models.zoo import resnet34

    torch.manual_seed(0)
    run = run_of(resnet34(num_classes=10), torch.randn(1, 3, 64, 64), tmp_path / "run")
    overview = build_scene(run, SceneOptions(max_channels=16, depth=OPEN))
    names = {b.name for b in overview.blocks}
    assert "layer3.0.bn1" not in names and not any(n.startswith("layer3.2") for n in names)
    wide = next(b for b in overview.blocks if b.channels)
    expanded = build_scene(
        run, SceneOptions(max_channels=16, depth=OPEN, expand=frozenset({"layer3.0.relu", "layer3.1.relu", wide.name}))
    )
    names = {b.name for b in expanded.blocks}
    assert {"layer3.0.conv1", "layer3.0.bn1", "layer3.0.relu"} <= names  # the chain is separate layers again
    assert any(n.startswith("layer3.2") for n in names)  # the repeat it belongs to is unfolded
    assert expanded.block(wide.name).channels is None  # that layer at full resolution
    check_layout(expanded)

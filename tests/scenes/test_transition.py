"""Blocks gliding between two layouts (opening or closing a module, a depth change), as numbers: no GL."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nnvox.models.zoo import resnet18
from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import ease
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.selection import select
from nnvox.scenes.transition import EASING, glide, mapping, moved, scene_glide, union
from tests.scenes.test_layout_graphs import run_of

LAYER2 = "layer2.1.relu#2"  # the block standing for resnet18's layer2 at depth 1 (its output)


@pytest.fixture(scope="module")
def resnet(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(resnet18(num_classes=10), torch.randn(1, 3, 64, 64), tmp_path_factory.mktemp("glide") / "run")


def _boxes(g, u):
    """Where each animated block is drawn a fraction u through the glide."""
    return {name: moved(g.home[name], p) for name, p in g.at(u).items()}


def _inside(box, outer, tol=1e-6):
    return all(box[2 * i] >= outer[2 * i] - tol and box[2 * i + 1] <= outer[2 * i + 1] + tol for i in range(3))


def test_a_placement_takes_one_box_onto_another():
    a, b = (0.0, 2.0, -1.0, 1.0, -3.0, 3.0), (10.0, 11.0, 0.0, 4.0, 1.0, 2.0)
    assert np.allclose(moved(a, mapping(a, b)), b)
    assert np.allclose(moved(b, mapping(b, a)), a)
    flat = (5.0, 5.0, 0.0, 1.0, 0.0, 1.0)  # no size along x: moved there, not stretched
    p = mapping(flat, (7.0, 9.0, 0.0, 1.0, 0.0, 1.0))
    assert p.scale[0] == 1.0 and moved(flat, p)[:2] == (8.0, 8.0)


def test_a_glide_grows_the_parts_out_of_the_whole_and_back_eased():
    whole, left, right = (0.0, 4.0, -1.0, 1.0, -1.0, 1.0), (0.0, 2.0, -2, 2, -2, 2), (6.0, 8.0, -2, 2, -2, 2)
    before = {"whole": whole, "next": (6.0, 7.0, -1, 1, -1, 1)}
    after = {"a": left, "b": right, "next": (12.0, 13.0, -1, 1, -1, 1)}
    opening = glide(before, after, {"whole": ("a", "b")}, opening=True)
    start = _boxes(opening, 0.0)
    assert np.allclose(union([start["a"], start["b"]]), whole)  # squeezed into the whole's place
    assert start["a"][1] <= start["b"][0]  # in their order
    assert np.allclose(start["next"], before["next"])  # a block in both starts where it was
    end = _boxes(opening, 1.0)
    assert all(np.allclose(end[n], after[n]) for n in after)
    assert all(np.allclose(p.scale, 1.0) and np.allclose(p.offset, 0.0) for p in opening.at(1.0).values())
    quarter = _boxes(opening, 0.25)["next"][0]
    assert quarter == pytest.approx(6.0 + 6.0 * ease(EASING, 0.25)) and quarter < 6.0 + 6.0 * 0.25  # eased in
    closing = glide(after, before, {"whole": ("a", "b")}, opening=False)  # the same blocks, run backwards
    assert np.allclose(union([_boxes(closing, 1.0)[n] for n in "ab"]), whole)
    assert all(np.allclose(_boxes(closing, 0.0)[n], after[n]) for n in after)


def test_opening_a_module_grows_its_children_out_of_its_place_and_the_neighbours_make_room(resnet):
    arch, order = resnet.architecture, [n.name for n in resnet.architecture.nodes]
    coarse = SceneOptions(depth=1)
    before, after = build_scene(resnet, coarse), build_scene(resnet, SceneOptions(depth=1, expand=frozenset({LAYER2})))
    children = [b.name for b in after.blocks if b.name.startswith("layer2.")]
    assert len(children) >= 3 and len(after.blocks) > len(before.blocks)
    g = scene_glide(before, after, select(arch, coarse), order, opening=True)
    assert g.home == {b.name: b.bounds for b in after.blocks}  # the new scene's blocks glide
    start = _boxes(g, 0.0)
    assert np.allclose(union([start[c] for c in children]), before.block(LAYER2).bounds)
    for name in ("input", "layer1.1.relu#2", "layer3.1.relu#2", "fc"):  # present in both: from their old places
        assert np.allclose(start[name], before.block(name).bounds)
    assert after.block("fc").bounds[0] > before.block("fc").bounds[0] + 1  # the neighbours make room
    back = scene_glide(after, before, select(arch, coarse), order, opening=False)
    assert back.home == g.home  # closing: the same (finer) blocks, shrinking into the module's place
    assert np.allclose(union([_boxes(back, 1.0)[c] for c in children]), before.block(LAYER2).bounds)


def test_a_deeper_depth_starts_every_block_inside_the_block_that_stood_for_it(resnet):
    arch, order = resnet.architecture, [n.name for n in resnet.architecture.nodes]
    shallow, deep = build_scene(resnet, SceneOptions(depth=1)), build_scene(resnet, SceneOptions(depth=3))
    g = scene_glide(shallow, deep, select(arch, SceneOptions(depth=1)), order, opening=True)
    old = [b.bounds for b in shallow.blocks]
    start = _boxes(g, 0.0)
    assert len(start) == len(deep.blocks) > len(shallow.blocks)
    assert all(any(_inside(box, o) for o in old) for box in start.values())
    moved_in = [n for n, box in start.items() if not np.allclose(box, deep.block(n).bounds)]
    assert len(moved_in) > len(deep.blocks) // 2

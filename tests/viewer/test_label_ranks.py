"""Label importance tells a parallel lane from a closed side branch by the scene's flag
(Block.side_branch), not by where the block sits: BERT's query, key and value on lanes above and
below the path are labelled where they fit; a squeeze-excitation drawn closed under its block is
labelled only when focused."""

from __future__ import annotations

from dataclasses import replace

import torch

from nnvox.scenes.build import build_scene
from nnvox.viewer.label_layout import HOVER
from nnvox.viewer.overlays.labels import ranks
from tests.scenes.side_branch_models import SENet
from tests.scenes.test_layout_graphs import run_of


def test_lanes_rank_by_room_and_closed_side_branches_by_focus(tmp_path):
    torch.manual_seed(0)
    scene = build_scene(run_of(SENet(), torch.randn(2, 3, 8, 8), tmp_path / "run"))
    closed = [b for b in scene.blocks if b.side_branch]
    assert closed and all(b.lane < 0 and not b.labelled for b in closed)
    rank = ranks(list(scene.blocks))
    assert {rank[b.name] for b in closed} == {3}
    # the same block on a lane of the path, unlabelled by the scene, is labelled where it fits
    lanes = [replace(b, side_branch=False) if b.side_branch else b for b in scene.blocks]
    assert {ranks(lanes)[b.name] for b in closed} == {2}
    assert "side branch" in HOVER

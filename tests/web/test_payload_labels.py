"""The browser page's labels read as the desktop's: each module named relative to its stage
(overlays/labels.label_texts), the first block of a stage naming the stage, with the same ranks."""

from __future__ import annotations

import torch

from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.overlays.labels import label_texts, ranks
from nnvox.viewer.web.payload import describe
from tests.scenes.test_fold_counts import FirstOfItsOwn
from tests.scenes.test_layout_graphs import run_of


def test_page_labels_are_the_desktops_short_titles(tmp_path):
    torch.manual_seed(0)
    run = run_of(FirstOfItsOwn(3), torch.randn(2, 5, 8), tmp_path / "run")
    scene = build_scene(run, SceneOptions(depth=3, fold=True))
    page = {b["name"]: b["label"] for b in describe(scene, t=0, sample=0)["blocks"]}
    desktop, rank = label_texts(list(scene.blocks)), ranks(list(scene.blocks))
    assert {n: lb["rank"] for n, lb in page.items()} == rank
    assert {n: lb["text"] for n, lb in page.items()} == {n: desktop[n][rank[n] == 0] for n in desktop}
    texts = [lb["text"].split("\n")[0] for lb in page.values()]
    assert "blocks.0.ff · Sub" in [b.title for b in scene.blocks] and "ff · Sub" in texts, texts  # not the full name
    assert "blocks.1.attn · Sub  × 2 × 3" in texts, texts  # `attn` alone would clash with block 0's

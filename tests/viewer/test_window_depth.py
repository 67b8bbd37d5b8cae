"""The window's module depth: what a double-click opens and closes in a module hierarchy, the depth
held while modules open, and (under Xvfb) a real double-click opening a collapsed module, its
children gliding out and back, and the depth keys."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.scenes.build import build_scene
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.selection import select
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.desktop.panes import pinned_depth, scene_options, toggled
from tests.scenes.test_layout_graphs import run_of


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))


class Stage(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.ReLU())
        self.blocks = nn.Sequential(Block(cout), Block(cout))

    def forward(self, x):
        return self.blocks(self.down(x))


class StagedNet(nn.Module):
    """Stages of residual blocks in a ModuleList, as people write them: stages.S.blocks.B.conv1."""

    def __init__(self, widths=(8, 12, 16, 20, 24)):
        super().__init__()
        self.stem = nn.Conv2d(3, widths[0], 3, padding=1)
        self.stages = nn.ModuleList(Stage(a, b) for a, b in zip(widths, widths[1:] + widths[-1:]))
        self.head = nn.Linear(widths[-1], 10)

    def forward(self, x):
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
        return self.head(x.mean((2, 3)))


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(StagedNet(), torch.randn(1, 3, 32, 32), tmp_path_factory.mktemp("staged") / "run")


def _collapsed(run, spec: ViewSpec, expand=frozenset()) -> dict[str, str]:
    """Module path -> the block standing for it, in the window's scene for `spec`."""
    selection = select(run.architecture, scene_options(spec, expanded=False, expand=expand))
    return {c.module: rep for rep, c in selection.collapsed.items()}


def test_a_double_click_opens_one_module_and_a_click_inside_it_closes_it(staged):
    arch = staged.architecture
    spec = ViewSpec(depth=2)  # each stage one block
    stages = _collapsed(staged, spec)
    assert len(stages) == 5
    one = toggled(frozenset(), stages["stages.1"], arch, 2, "stages.1")  # as the window asks: the module opens
    assert one == {"stages.1"}
    # another stage opens too: by name both are "stages.N" (the old rule closed stages.1 instead)
    two = toggled(one, stages["stages.3"], arch, 2, "stages.3")
    assert two == {"stages.1", "stages.3"}
    overview = build_scene(staged, scene_options(spec, expanded=False, expand=frozenset()))
    opened = build_scene(staged, scene_options(spec, expanded=False, expand=two))
    tree = ModuleTree.of(arch)
    inside = [b for b in opened.blocks if b.name in tree.members["stages.1"]]
    for child in tree.children["stages.1"]:  # its children (down, blocks), each one block
        assert sum(b.name in tree.members[child] for b in inside) == 1
    assert len(inside) == len(tree.children["stages.1"]) and len(opened.blocks) == len(overview.blocks) + 2
    for child in inside:  # any of its blocks closes it, and only it
        assert toggled(two, child.name, arch, 2) == {"stages.3"}
    detail = {b.name: (b.panels, b.rows, b.cols) for b in overview.blocks}
    for b in opened.blocks:  # opening shows the parts as the overview would: no layer at full resolution
        assert detail.get(b.name, (b.panels, b.rows, b.cols)) == (b.panels, b.rows, b.cols)


def test_the_window_holds_its_default_depth_while_modules_open(staged):
    arch = staged.architecture
    spec = pinned_depth(ViewSpec(), arch)
    default = select(arch, scene_options(ViewSpec(), expanded=False, expand=frozenset())).depth
    assert spec.depth == default < ModuleTree.of(arch).max_level  # something is collapsed
    rep = next(iter(_collapsed(staged, spec).values()))
    opened = scene_options(spec, expanded=False, expand=frozenset({rep}))
    assert select(arch, opened).depth == default
    assert pinned_depth(ViewSpec(depth=1), arch).depth == 1


def _changed(a, b, region=None):
    if region is not None:
        a, b = a[region], b[region]
    return (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30).mean()


@pytest.mark.xvfb
@pytest.mark.timeout(240)
def test_double_click_opens_a_collapsed_module_and_closes_it_and_depth_keys(staged, tmp_path):
    from tests.viewer.probed_window import ProbedWindow
    from tests.viewer.test_window import _settle

    tree = ModuleTree.of(staged.architecture)
    depth = pinned_depth(ViewSpec(), staged.architecture).depth
    module, rep = sorted(_collapsed(staged, ViewSpec(depth=depth)).items())[1]
    window = ProbedWindow(staged.path, tmp_path / "state.json")
    display, state, double_click, clear = window.display, window.state, window.double_click, window.clear
    try:
        wid = window.wait_window()
        display.wait_title(wid, f"depth {depth} of {tree.max_level}")
        overview = state(lambda s: rep in s["blocks"])
        clear()
        before = _settle(display, 1.0)
        x, y = overview["blocks"][rep]
        double_click(x, y)
        display.wait_title(wid, "1 opened")
        opened = state(lambda s: len(s["blocks"]) > len(overview["blocks"]))
        clear()
        after = _settle(display)
        opened = state(lambda s: len(s["blocks"]) > len(overview["blocks"]))  # now: the selection's panel gone
        children = [n for n in opened["blocks"] if n in tree.members[module]]
        assert len(children) >= 3, opened["blocks"]  # the module drawn as its parts now
        assert opened["glide_ticks"] >= 2  # they glided there over several frames
        assert opened["depth"] == depth
        assert _changed(before, after, (slice(max(y - 60, 0), y + 60), slice(max(x - 60, 0), x + 60))) > 0.05

        cx, cy = opened["blocks"][children[0]]
        double_click(cx, cy)  # one of its parts closes it again
        display.wait_title_without(wid, "opened")
        closed = state(lambda s: s["blocks"].keys() == overview["blocks"].keys())
        clear()
        assert closed["glide_ticks"] > opened["glide_ticks"]
        assert _changed(before, _settle(display)) < 0.002  # back to the overview

        display.xdotool("key", "--window", wid, "minus")  # one level shallower: other blocks stand for the modules
        display.wait_title(wid, f"depth {depth - 1} of")
        state(lambda s: s["depth"] == depth - 1 and s["blocks"].keys() != overview["blocks"].keys())
        display.xdotool("key", "--window", wid, "plus")
        display.wait_title(wid, f"depth {depth} of")
        state(lambda s: s["blocks"].keys() == overview["blocks"].keys())
        assert _changed(before, _settle(display)) < 0.002

        display.xdotool("key", "--window", wid, "q")
        assert window.proc.wait(timeout=20) == 0
    finally:
        output = window.stop()
    assert "Traceback" not in output and "WARN" not in output, output

"""What a storyboard shot computes once, not per frame or per pass (issue 17 item 4): each timeline
position's values read once for the label settling passes and the render (a cache of 4 read a
moving timeline's values three times over), the open scene's closed layout made once, an open
weight's kernel tiles cut once per snapshot."""

from __future__ import annotations

import collections

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.frames import FrameSource
from nnvox.scenes.open_layer import closed_scene
from nnvox.scenes.open_weights import open_values
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.storyboard_export import render_storyboard

BOARD = """\
[video]
size = "320x180"
fps = 10

[[shot]]
run = "run"
duration = 2
timeline = "all"
open = ["conv1"]
caption = "a replay with conv1 open"
"""


@pytest.mark.gl
def test_a_shot_reads_each_timeline_position_once(digits_run, tmp_path, monkeypatch):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    calls = collections.Counter()
    frame_at = FrameSource.frame_at

    def counted(self, scene, t, **kw):
        calls[t, kw.get("reveal")] += 1
        return frame_at(self, scene, t, **kw)

    monkeypatch.setattr(FrameSource, "frame_at", counted)
    (tmp_path / "out").mkdir()
    render_storyboard(tmp_path / "board.toml", tmp_path / "out", progress=False)
    assert len(calls) > 10  # the timeline moves: many positions
    assert max(calls.values()) == 1, calls.most_common(3)


def test_an_open_scene_is_closed_once_and_its_weights_cut_once_per_snapshot(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="weights", opened=frozenset({"conv1"})))
    assert closed_scene(scene) is closed_scene(scene)
    open_block = next(b for b in scene.blocks if b.opened is not None)
    values = scene.source._extract(0, 0)  # a snapshot's values, as the frame source keeps them
    assert open_values(scene, values)[open_block.name] is open_values(scene, values)[open_block.name]
    later = scene.source._extract(1, 0)
    assert open_values(scene, later)[open_block.name] is not open_values(scene, values)[open_block.name]

"""What opening a layer into its maps costs per frame (issue 17 item 2), as ratios against the
closed network's frame measured in the same run: mnist-lenet (one epoch recorded here) at 1280 x
720, off screen, each frame new values + render + grab.

- closed: the overview of the closed network (the baseline)
- open: conv1 open (6 maps face-on with their kernels), the camera facing them
- open, overview: the same, seen from the overview's angle (the baseline's view)
- flying: conv1's maps moving between stack and grid (the points of one block rewritten a frame;
  labels, edges and kernels held back meanwhile, which is most of why it is cheap)
- build: building the open scene against the closed one (once per shot or double-click)

    .venv/bin/python benchmarks/bench_open_layer.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import gl_renderer, median_time


def measure(frames: int = 40) -> dict[str, float]:
    from nnvox.capture.run import open_run
    from nnvox.cli.commands import record_builtin
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.open_layer import open_pose
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / "lenet"
    record_builtin("mnist-lenet", out, epochs=1, quiet=True)
    run = open_run(out)
    options = RenderOptions(width=1280, height=720)
    opened = SceneOptions(opened=frozenset({"conv1"}))
    result = {
        "build_closed_ms": 1000 * median_time(lambda: build_scene(run), 5),
        "build_open_ms": 1000 * median_time(lambda: build_scene(run, opened), 5),
    }
    for name, scene_options in (("closed", SceneOptions()), ("open", opened)):
        scene = build_scene(run, scene_options)
        renderer = OffscreenRenderer(scene, options)
        pane = renderer.scene_renderer
        if name == "open":
            pane.apply_pose(open_pose(scene, "conv1", pane.aspect))
        ts = iter([0.0, 1.0] * frames * 4)
        result[f"{name}_frame_ms"] = 1000 * median_time(lambda: renderer.render(scene.frame_at(next(ts))), frames)
        if name == "open":
            us = iter([k / (frames + 2) for k in range(frames + 2)])

            def flying():
                pane.open_to(next(us))
                renderer.render(scene.frame_at(next(ts)))

            result["flying_frame_ms"] = 1000 * median_time(flying, frames)
            pane.open_to(1.0)
            pane.reset_camera()  # the open network from the overview's angle: the same view as the baseline's
            result["open_overview_frame_ms"] = 1000 * median_time(
                lambda: renderer.render(scene.frame_at(next(ts))), frames
            )
        renderer.close()
    return result


def report(quick: bool = False) -> list[str]:
    t = time.perf_counter()
    r = measure(frames=15 if quick else 40)
    base = r["closed_frame_ms"]
    return [
        f"## Open layer (mnist-lenet conv1, 1280x720, {gl_renderer()})",
        "",
        "| | ms (median) | ratio to the closed network |",
        "|---|---|---|",
        f"| frame, closed (baseline) | {base:.1f} | 1.00 |",
        f"| frame, conv1 open, facing its maps | {r['open_frame_ms']:.1f} | {r['open_frame_ms'] / base:.2f} |",
        f"| frame, conv1 open, overview | {r['open_overview_frame_ms']:.1f} |"
        f" {r['open_overview_frame_ms'] / base:.2f} |",
        f"| frame, maps flying (labels held back) | {r['flying_frame_ms']:.1f} | {r['flying_frame_ms'] / base:.2f} |",
        f"| scene build, open vs closed | {r['build_open_ms']:.1f} vs {r['build_closed_ms']:.1f} |"
        f" {r['build_open_ms'] / r['build_closed_ms']:.2f} |",
        "",
        f"({time.perf_counter() - t:.0f} s)",
    ]


if __name__ == "__main__":
    print("\n".join(report(quick="--quick" in sys.argv)))

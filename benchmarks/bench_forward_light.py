"""The forward pass's frame cost as the blocks ahead of it are drawn, against the network lit, in
the same run: opaque and dark (visuals.lit_strength, today) and, for comparison, the former rule
rebuilt here (each block at 0.12 + 0.88 * lit opacity, full colours) unsorted, as the window drew
it, and with depth peeling, as storyboards drew the dimming's frames. A frame is new values (two
snapshots alternating) + render + grab, at 720p, mid-pass (reveal 0.3: most blocks not reached).

    .venv/bin/python benchmarks/bench_forward_light.py [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import digits_run

SIZE = (1280, 720)
REVEAL = 0.3
FORMER_UNLIT_OPACITY = 0.12


def _frames(scene, reveal):
    """Two frames at the pass's `reveal` (None: all lit), of two snapshots: each draw writes new values."""
    last = scene.n_snapshots - 1
    return [scene.frame_at(t, reveal=reveal) for t in (last, max(last - 1, 0))]


def _former_rule(renderer, lit: dict[str, float], peel: bool) -> None:
    """The blocks as the former rule drew them: full colours, translucent by how far they are lit."""
    from nnvox.viewer.visuals import vtk_lut

    for pane in renderer.panes:
        pane.renderer.SetUseDepthPeeling(peel)
        for name, visual in pane.visuals.items():
            visual.texture.SetLookupTable(vtk_lut(visual.block.scale.cmap))
            visual.actor.GetProperty().SetOpacity(FORMER_UNLIT_OPACITY + (1 - FORMER_UNLIT_OPACITY) * lit[name])


CASES = ("lit", "opaque, dark", "former: translucent, unsorted", "former: translucent, depth peeling")


def forward_costs(run_path, rounds: int) -> dict[str, float]:
    """Median ms of a frame in each case, one renderer per case holding its light (a forward pass
    holds a block's light for a while), timed in turn frame by frame so that load on the machine
    falls on every case alike."""
    import statistics
    import time

    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(open_run(run_path))
    lit, passing = _frames(scene, None), _frames(scene, REVEAL)
    renderers = {case: OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1])) for case in CASES}
    shown = {case: lit if case == "lit" else passing for case in CASES}
    times: dict[str, list[float]] = {case: [] for case in CASES}
    try:
        for case, r in renderers.items():
            r.render(shown[case][0])  # the light set (and kept: every later frame holds it)
            if case.startswith("former"):
                _former_rule(r, passing[0].lit, peel=case.endswith("peeling"))
        for i in range(rounds + 2):  # the first two rounds warm up
            for case, r in renderers.items():
                t = time.perf_counter()
                r.render(shown[case][i % 2])
                if i >= 2:
                    times[case].append(1000 * (time.perf_counter() - t))
    finally:
        for r in renderers.values():
            r.close()
    return {case: statistics.median(ms) for case, ms in times.items()}


def report(quick: bool = False, run_path=None) -> list[str]:
    costs = forward_costs(run_path or digits_run(), rounds=10 if quick else 40)
    lines = [
        f"## The forward pass's frame, mid-pass (digits CNN, {SIZE[0]}x{SIZE[1]}, new values + render + grab)",
        "",
        "| blocks ahead of the pass drawn | median ms | / lit frame |",
        "|---|---|---|",
    ]
    for case in CASES:
        lines.append(f"| {case} | {costs[case]:.1f} | {costs[case] / costs['lit']:.2f}x |")
    return lines


if __name__ == "__main__":
    print("\n".join(report("--quick" in sys.argv)))

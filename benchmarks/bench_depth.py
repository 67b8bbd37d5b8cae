"""Issue 16's target "depth change and open/close in the window under 100 ms for EfficientNet-B0 on
2 cores": the scene build at the default depth (the depth chosen by the block budget) and at depths
1, 2, 3 and fully open, in activations mode and (default and fully open) weights mode, on
EfficientNet-B0 (transformers' EfficientNetConfig with B0's coefficients, as
tests/real_models/realistic.py builds it: the default config is B7; random weights, one 224 x 224
sample, recorded once through nnvox's single-pass path as `nnvox view MODEL` does, its weights
too), in ms and as a ratio to one 720p frame's render measured in the same run.

The rows run in order on one Run object, as a window session would. "first" is the first build of
that row (the default's is what opening the window costs: the per-architecture facts are found
then; fully open's first build reads every layer once, for level of detail's channel choice);
"again" is the median of later builds of the same row, what a depth change in the window costs
once those are known. "choose" is the selection stage alone (for the default: choosing the depth).

    .venv/bin/python benchmarks/bench_depth.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))  # tests.real_models.realistic: the one EfficientNet-B0 builder

DEPTHS = ("default", 1, 2, 3, "full")
ROWS = (*(("activations", d) for d in DEPTHS), ("weights", "default"), ("weights", "full"))
TARGET_MS = 100.0


def _efficientnet_b0_run():
    """EfficientNet-B0 as the realistic corpus builds it (one builder: EfficientNetConfig() alone
    is B7), recorded with its weights."""
    from nnvox.capture.single_pass import single_pass_run
    from tests.real_models.realistic import build

    model, example = build("efficientnet-b0")
    return single_pass_run(model, example, name="efficientnet-b0")


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    """(first call's ms, median ms of `repeat` later calls, the first call's result)."""
    t = time.perf_counter()
    result = fn()
    first = 1000 * (time.perf_counter() - t)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t))
    return first, statistics.median(times), result


def _frame_ms(scene, frames: int) -> float:
    """Median ms of one 720p frame of `scene` (new values + render + grab), alternating two times."""
    from common import median_time

    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    r = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    state = {"i": 0}

    def frame():
        state["i"] += 1
        r.render(scene.frame_at(0, reveal=None if state["i"] % 2 else 0.999))

    try:
        return 1000 * median_time(frame, frames)
    finally:
        r.close()


def depth_costs(repeat: int = 5, frames: int = 10) -> dict:
    """Build and selection times per mode and depth on EfficientNet-B0, and one 720p frame's render."""
    import torch

    from nnvox.scenes.build import build_scene
    from nnvox.scenes.hierarchy import ModuleTree
    from nnvox.scenes.scene import SceneOptions
    from nnvox.scenes.selection import select

    torch.set_num_threads(os.cpu_count() or 1)
    run = _efficientnet_b0_run()
    arch = run.architecture
    full = ModuleTree.of(arch).max_level
    rows = []
    for mode, depth in ROWS:
        d = None if depth == "default" else full if depth == "full" else depth
        options = SceneOptions(mode=mode, depth=d)
        first, again, scene = _timed(lambda o=options: build_scene(run, o), repeat)
        _, choose, selection = _timed(lambda o=options: select(arch, o), repeat)
        rows.append(
            {"mode": mode, "depth": depth, "drawn": selection.depth, "blocks": len(scene.blocks)}
            | {"side": sum(1 for b in scene.blocks if b.lane < 0 and not b.labelled)}
            | {"first_ms": first, "again_ms": again, "choose_ms": choose}
        )
    frame = _frame_ms(build_scene(run), frames)
    return {"nodes": len(arch.nodes), "modules": len(arch.modules), "frame_ms": frame, "rows": rows}


def report(quick: bool = False) -> list[str]:
    """Markdown lines for run_all.py and for printing."""
    from common import isolated

    m = isolated(depth_costs, 2 if quick else 5, 4 if quick else 10)
    frame = m["frame_ms"]
    lines = [
        f"## Depth change, EfficientNet-B0 (B0's coefficients, 224 x 224, {m['nodes']} nodes, "
        f"{m['modules']} modules, {os.cpu_count()} CPUs): scene build against one 720p frame ({frame:.0f} ms)",
        "",
        "| mode | depth | drawn at | blocks (small side-branch blocks) | first build | build again (a depth change) "
        "| ratio to a frame | choosing the selection | target: under 100 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in m["rows"]:
        lines.append(
            f"| {r['mode']} | {r['depth']} | {r['drawn']} | {r['blocks']} ({r['side']}) "
            f"| {r['first_ms']:.0f} ms ({r['first_ms'] / frame:.1f}x) "
            f"| {r['again_ms']:.0f} ms | {r['again_ms'] / frame:.1f}x | {r['choose_ms']:.1f} ms "
            f"| {'met' if r['again_ms'] < TARGET_MS else 'not met'} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(report(quick="--quick" in sys.argv)))

"""The lecture export's cost a frame, in one process against its runs of shots rendered by two
worker processes (viewer/storyboard_parts.py), measured in the same run: wall-clock and CPU
seconds a frame (CPU: this process's, its threads' and its children's: the encoders and workers),
and the ratio of the two. The shipped lecture storyboard (every shot; --quick at 10 fps: a third
of the frames, each shot's label settling as at 30) on
mnist-lenet recorded here (1 epoch, the mistake shot's integrated gradients), each export in a
fresh process (common.isolated). The figure that matters is the wall-clock ratio on an otherwise
idle 2-core machine (the issue's target: `make demo` within 4 minutes there); on a shared machine
the CPU figures are the steadier.

--splits: two workers both times, the tasks split as before (one task per renderer: the lecture's
one scene drew 68% of its frames in one worker) against balanced (storyboard_parts.balanced: that
scene's runs cut, the later part rehearsing the shot before), run twice in the order A B B A so a
shared machine's load drifting weighs on both alike.

    .venv/bin/python benchmarks/bench_export_parts.py [--quick | --preset 1080p30] [--run RUN] [--splits]
"""

from __future__ import annotations

import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import gl_renderer, isolated

LECTURE = Path(__file__).parents[1] / "src" / "nnvox" / "storyboards" / "lecture.toml"


def _record() -> Path:
    from nnvox.cli.commands import record_builtin

    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / "lenet"
    record_builtin("mnist-lenet", out, epochs=1, quiet=True, attributions=("integrated-gradients",))
    return out


def _board(run: Path, preset: str) -> Path:
    """The lecture storyboard on `run` at `preset`."""
    text = LECTURE.read_text()
    text = re.sub(r'^run = "run"$', f'run = "{run}"', text, flags=re.M)
    text = re.sub(r'^preset = ".*"$', f'preset = "{preset}"', text, count=1, flags=re.M)
    board = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / "lecture.toml"
    board.write_text(text)
    return board


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _export(board: Path, workers: int, by_renderer: bool = False) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to export `board` to an .mp4 with `workers`, and its frame count;
    `by_renderer`: the workers' tasks one per renderer, as before the split was balanced."""
    from nnvox.scenes.presets import preset_size
    from nnvox.scenes.shots import frame_count
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer import storyboard_parts
    from nnvox.viewer.storyboard_export import render_storyboard

    if by_renderer:  # one task per renderer group: what balanced() gives for one worker
        balanced = storyboard_parts.balanced
        storyboard_parts.balanced = lambda board, fps, workers: balanced(board, fps, 1)

    loaded = load_storyboard(board)
    fps = preset_size(loaded.preset)[2]
    t, cpu = time.perf_counter(), _cpu()
    render_storyboard(board, board.with_name(f"lecture-{workers}.mp4"), progress=False, workers=workers)
    return time.perf_counter() - t, _cpu() - cpu, sum(frame_count(s, fps) for s in loaded.shots)


def measure(preset: str, run: Path | None = None) -> dict[str, tuple[float, float, int]]:
    board = _board(run or isolated(_record), preset)
    return {f"{n} process{'es' if n > 1 else ''}": isolated(_export, board, n) for n in (1, 2)}


def shares(board: Path, fps: int) -> dict[str, float]:
    """The costliest task's share of the frames' cost, split by renderer and balanced."""
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.storyboard_parts import _task_cost, balanced

    loaded = load_storyboard(board)
    split = {"by renderer": balanced(loaded, fps, 1), "balanced": balanced(loaded, fps, 2)}
    total = sum(_task_cost(loaded, t, fps) for t in split["by renderer"])
    return {name: max(_task_cost(loaded, t, fps) for t in tasks) / total for name, tasks in split.items()}


def measure_splits(board: Path) -> dict[str, list[tuple[float, float, int]]]:
    result: dict[str, list] = {"by renderer": [], "balanced": []}
    for name in ("by renderer", "balanced", "balanced", "by renderer"):
        result[name].append(isolated(_export, board, 2, name == "by renderer"))
        print(f"  {name}: {result[name][-1][0]:.1f} s wall, {result[name][-1][1]:.1f} s CPU", flush=True)
    return result


def main_splits(preset: str, run: Path | None) -> None:
    from nnvox.scenes.presets import preset_size

    print(f"GL renderer: {gl_renderer()}; the lecture at {preset}, two workers, split two ways (A B B A)")
    board = _board(run or isolated(_record), preset)
    print(
        "the costliest task's share: "
        + ", ".join(f"{k} {v:.0%}" for k, v in shares(board, preset_size(preset)[2]).items())
    )
    result = measure_splits(board)
    print(f"{'split':12s} {'frames':>6s} {'wall s':>13s} {'cpu s':>13s}")
    for name, rows in result.items():
        walls, cpus = " ".join(f"{r[0]:6.1f}" for r in rows), " ".join(f"{r[1]:6.1f}" for r in rows)
        print(f"{name:12s} {rows[0][2]:6d} {walls:>13s} {cpus:>13s}")
    wall = {name: sum(r[0] for r in rows) for name, rows in result.items()}
    print(f"balanced against by renderer: {wall['balanced'] / wall['by renderer']:.2f}x the wall-clock time")


def main() -> None:
    preset = "720p10" if "--quick" in sys.argv else "720p30"
    preset = sys.argv[sys.argv.index("--preset") + 1] if "--preset" in sys.argv else preset
    run = Path(sys.argv[sys.argv.index("--run") + 1]) if "--run" in sys.argv else None
    if "--splits" in sys.argv:
        return main_splits(preset, run)
    print(f"GL renderer: {gl_renderer()}; the lecture at {preset}")
    result = measure(preset, run)
    (w1, c1, _), (w2, c2, _) = result.values()
    print(f"{'export':12s} {'frames':>6s} {'wall s':>7s} {'cpu s':>7s} {'wall ms/frame':>14s} {'cpu ms/frame':>13s}")
    for name, (wall, cpu, frames) in result.items():
        print(f"{name:12s} {frames:6d} {wall:7.1f} {cpu:7.1f} {1000 * wall / frames:14.1f} {1000 * cpu / frames:13.1f}")
    print(f"two processes against one: {w2 / w1:.2f}x the wall-clock time, {c2 / c1:.2f}x the CPU")


if __name__ == "__main__":
    main()

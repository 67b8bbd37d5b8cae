"""The lecture export's cost a frame, in one process against its runs of shots rendered by two
worker processes (viewer/storyboard_parts.py), measured in the same run: wall-clock and CPU
seconds a frame (CPU: this process's, its threads' and its children's: the encoders and workers),
and the ratio of the two. The shipped lecture storyboard (every shot; --quick at 10 fps: a third
of the frames, each shot's label settling as at 30) on
mnist-lenet recorded here (1 epoch, the mistake shot's integrated gradients), each export in a
fresh process (common.isolated). The figure that matters is the wall-clock ratio on an otherwise
idle 2-core machine (the issue's target: `make demo` within 4 minutes there); on a shared machine
the CPU figures are the steadier.

    .venv/bin/python benchmarks/bench_export_parts.py [--quick | --preset 1080p30] [--run RUN]
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


def _export(board: Path, workers: int) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to export `board` to an .mp4 with `workers`, and its frame count."""
    from nnvox.scenes.presets import preset_size
    from nnvox.scenes.shots import frame_count
    from nnvox.scenes.storyboard import load_storyboard
    from nnvox.viewer.storyboard_export import render_storyboard

    loaded = load_storyboard(board)
    fps = preset_size(loaded.preset)[2]
    t, cpu = time.perf_counter(), _cpu()
    render_storyboard(board, board.with_name(f"lecture-{workers}.mp4"), progress=False, workers=workers)
    return time.perf_counter() - t, _cpu() - cpu, sum(frame_count(s, fps) for s in loaded.shots)


def measure(preset: str, run: Path | None = None) -> dict[str, tuple[float, float, int]]:
    board = _board(run or isolated(_record), preset)
    return {f"{n} process{'es' if n > 1 else ''}": isolated(_export, board, n) for n in (1, 2)}


def main() -> None:
    preset = "720p10" if "--quick" in sys.argv else "720p30"
    preset = sys.argv[sys.argv.index("--preset") + 1] if "--preset" in sys.argv else preset
    run = Path(sys.argv[sys.argv.index("--run") + 1]) if "--run" in sys.argv else None
    print(f"GL renderer: {gl_renderer()}; the lecture at {preset}")
    result = measure(preset, run)
    (w1, c1, _), (w2, c2, _) = result.values()
    print(f"{'export':12s} {'frames':>6s} {'wall s':>7s} {'cpu s':>7s} {'wall ms/frame':>14s} {'cpu ms/frame':>13s}")
    for name, (wall, cpu, frames) in result.items():
        print(f"{name:12s} {frames:6d} {wall:7.1f} {cpu:7.1f} {1000 * wall / frames:14.1f} {1000 * cpu / frames:13.1f}")
    print(f"two processes against one: {w2 / w1:.2f}x the wall-clock time, {c2 / c1:.2f}x the CPU")


if __name__ == "__main__":
    main()

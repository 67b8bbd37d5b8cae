"""What each shot of the lecture storyboard costs to render (issue 17 item 4), as frames per second
against two baselines measured in the same run: the lecture's first shot (the overview), and a
plain frame (the overview scene drawn and grabbed at 720p under an orbiting camera, nothing else:
no label settling, no layers, no encoding; the export's shots are that rate at best). Every shot
of src/nnvox/storyboards/lecture.toml (its title cards left out) rendered alone to an MP4 at 720p30,
on mnist-lenet recorded here (3 epochs, the mistake shot's integrated gradients), each in a fresh
process (benchmarks/common.isolated). A shot's time is all of it: building the scene and renderer,
its label settling passes (each frame placed twice before it is drawn), its frames drawn and
encoded; the label settling passes' share (LabelLayout.settle_label_sides and settle_class_forms,
CPU seconds) is given apart. Both wall-clock and CPU time (the process's, its threads' included: steadier where other
work shares the machine). With --frames DIR, also writes every shot's frames as PNGs under DIR (to check that a
change leaves the pictures the same: --compare DIR_A DIR_B).

    .venv/bin/python benchmarks/bench_storyboard_shots.py [--quick] [--frames DIR]
    .venv/bin/python benchmarks/bench_storyboard_shots.py --compare DIR_A DIR_B
"""

from __future__ import annotations

import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import gl_renderer, isolated

LECTURE = Path(__file__).parents[1] / "src" / "nnvox" / "storyboards" / "lecture.toml"
FPS = 30  # the boards' preset, 720p30
NAMES = ("overview", "forward", "open", "explain", "epochs", "kernels", "distance", "distance-epochs", "mistake")


def _record() -> Path:
    from nnvox.cli.commands import record_builtin

    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / "lenet"
    record_builtin("mnist-lenet", out, epochs=3, quiet=True, attributions=("integrated-gradients",))
    return out


def _shot_boards(run: Path, folder: Path, scale: float) -> list[tuple[str, Path]]:
    """One storyboard per scene shot of the lecture (`scale` of its duration), on `run`."""
    shots = [s for s in tomllib.loads(LECTURE.read_text())["shot"] if "run" in s]
    boards = []
    for name, shot in zip(NAMES, shots, strict=True):  # a shot added to the lecture needs its name
        lines = ['[video]\npreset = "720p30"\n\n[[shot]]']
        shot = {**shot, "run": str(run), "duration": round(shot["duration"] * scale, 2)}
        shot.pop("transition", None)
        if scale < 1:  # a shortened pass's steps fall under the least caption time (a load error)
            shot.pop("stage_captions", None)
        lines += [f"{k} = {_toml(v)}" for k, v in shot.items()]
        board = folder / f"{name}.toml"
        board.write_text("\n".join(lines) + "\n")
        boards.append((name, board))
    return boards


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    return repr(v)


def _timed(owner, name: str, spent: list[float]) -> None:
    """`owner.name` wrapped to add the CPU seconds each call takes to spent[0]."""
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        cpu = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - cpu

    setattr(owner, name, timed)


def _render(board: Path, out: Path) -> tuple[float, float, int, float]:
    """Seconds to render `board` to `out` (wall clock, and the CPU time of this process and its
    threads: steadier on a shared machine), its frame count, and the CPU seconds of its label
    settling passes."""
    from nnvox.viewer.label_layout import LabelLayout
    from nnvox.viewer.storyboard_export import render_storyboard

    settling = [0.0]
    for name in ("settle_label_sides", "settle_class_forms"):
        _timed(LabelLayout, name, settling)
    t, cpu = time.perf_counter(), time.process_time()
    render_storyboard(board, out, progress=False)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    from nnvox.scenes.shots import frame_count
    from nnvox.scenes.storyboard import load_storyboard

    return seconds, cpu, sum(frame_count(shot, FPS) for shot in load_storyboard(board).shots), settling[0]


def _plain_frames(run: Path, n: int = 60) -> tuple[float, float, int, float]:
    """The baseline: `n` frames of the lecture's scene (its last snapshot, the probe sample the
    lecture follows) drawn and grabbed at 720p under a camera orbiting 14 degrees, as _render's
    figures (no settling: 0)."""
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(open_run(run))
    t_last = scene.n_snapshots - 1
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    frame = scene.frame_at(t_last, sample=9)
    renderer.render(frame)  # first-frame set-up left out
    t, cpu = time.perf_counter(), time.process_time()
    for k in range(n):
        renderer.scene_renderer.reset_camera(azimuth=14 * k / n)
        renderer.render(frame)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    renderer.close()
    return seconds, cpu, n, 0.0


def measure(scale: float = 1.0, frames: Path | None = None) -> dict[str, tuple[float, float, int]]:
    run = isolated(_record)
    folder = Path(tempfile.mkdtemp(prefix="nnvox-bench-"))
    result = {"plain frame": isolated(_plain_frames, run)}
    for name, board in _shot_boards(run, folder, scale):
        out = (frames / name) if frames else folder / f"{name}.mp4"
        if frames:
            out.mkdir(parents=True, exist_ok=True)
        result[name] = isolated(_render, board, out)
    return result


def compare(a: Path, b: Path) -> None:
    """Whether every shot's frames under `a` and `b` are the same pixels."""
    import imageio.v3 as iio
    import numpy as np

    for folder in (a, b):
        if not all((folder / name).is_dir() for name in NAMES):
            print(f"{folder} has no frames of every shot: write them with --frames {folder}", file=sys.stderr)
            sys.exit(2)
    for name in NAMES:
        left, right = sorted((a / name).glob("*.png")), sorted((b / name).glob("*.png"))
        same = len(left) == len(right) and all(
            np.array_equal(iio.imread(x), iio.imread(y)) for x, y in zip(left, right)
        )
        print(f"{name:10s} {len(left):4d} frames  {'identical' if same else 'DIFFERENT'}")


def main() -> None:
    if "--compare" in sys.argv:
        i = sys.argv.index("--compare")
        if len(sys.argv) < i + 3:
            print("--compare needs two folders: --compare DIR_A DIR_B", file=sys.stderr)
            sys.exit(2)
        compare(Path(sys.argv[i + 1]), Path(sys.argv[i + 2]))
        return
    frames = Path(sys.argv[sys.argv.index("--frames") + 1]) if "--frames" in sys.argv else None
    scale = 0.4 if "--quick" in sys.argv else 1.0
    print(f"GL renderer: {gl_renderer()}; lecture shots at 720p30, {scale:g} of their length")
    result = measure(scale, frames)
    rate = lambda name, k: result[name][2] / result[name][k]  # frames a second (k 0: wall, 1: CPU)
    print(
        f"{'shot':11s} {'frames':>6s} {'wall s':>7s} {'cpu s':>7s} {'settle':>7s} {'frames/s':>9s} "
        f"{'vs overview':>12s} {'(cpu)':>7s} {'vs plain':>9s} {'(cpu)':>7s}"
    )
    for name, (seconds, busy, n, settling) in result.items():
        print(
            f"{name:11s} {n:6d} {seconds:7.2f} {busy:7.2f} {settling:7.2f} {n / seconds:9.1f} "
            f"{rate(name, 0) / rate('overview', 0):11.2f}x {rate(name, 1) / rate('overview', 1):6.2f}x "
            f"{rate(name, 0) / rate('plain frame', 0):8.2f}x {rate(name, 1) / rate('plain frame', 1):6.2f}x"
        )


if __name__ == "__main__":
    main()

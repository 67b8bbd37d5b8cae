"""Video export through a storyboard: export time against render-only and encode-only time for the
same frames, and the process's memory at frame 100 against frame 3,000."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from unittest import mock


def _rss() -> int:
    """Resident memory of this process now (bytes): VTK's and ffmpeg pipes' C++ allocations included."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _board(run_path: Path, seconds: float, preset: str) -> Path:
    """One long shot: training scrubbed under a full orbit, a caption and a histogram panel."""
    folder = Path(tempfile.mkdtemp(prefix="nnvox-bench-"))
    (folder / "run").symlink_to(Path(run_path).resolve(), target_is_directory=True)
    board = folder / "board.toml"
    board.write_text(
        f'[video]\npreset = "{preset}"\n\n[[shot]]\nrun = "run"\nduration = {seconds}\ntimeline = "all"\n'
        'camera = { move = "orbit", degrees = 360, ease = "linear" }\nhistogram = "conv2"\n'
        'caption = "A caption on every frame, as in a lecture"\n'
    )
    return board


class _Discard:
    """A writer that keeps nothing: rendering alone."""

    def __init__(self, *args, **kwargs):
        self.images = kwargs.pop("keep", None)

    def write(self, image):
        if self.images is not None:
            self.images.append(image)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def throughput(run_path: Path, preset: str, frames: int = 150) -> dict:
    """Seconds to export `frames` frames, to render them only, and to encode the same images only."""
    from nnvox.scenes.presets import preset_size
    from nnvox.viewer.storyboard_export import render_storyboard
    from nnvox.viewer.video import mp4_writer

    width, height, fps = preset_size(preset)
    board = _board(run_path, frames / fps, preset)
    render_storyboard(board, board.with_name("warm.mp4"), progress=False)  # imports, caches, page cache

    images: list = []
    with mock.patch("nnvox.viewer.video.open_writer", lambda *a, **k: _Discard(keep=images)):
        t = time.perf_counter()
        render_storyboard(board, board.with_name("render-only.mp4"), progress=False)
        render_only = time.perf_counter() - t
    t = time.perf_counter()
    with mp4_writer(board.with_name("encode-only.mp4"), width, height, fps) as writer:
        for image in images:
            writer.write(image)
    encode_only = time.perf_counter() - t
    t = time.perf_counter()
    render_storyboard(board, board.with_name("export.mp4"), progress=False)
    export = time.perf_counter() - t
    return {
        "preset": preset,
        "frames": len(images),
        "export_s": export,
        "render_only_s": render_only,
        "encode_only_s": encode_only,
        "ratio_vs_sum": export / (render_only + encode_only),
        "ratio_vs_max": export / max(render_only, encode_only),
    }


def cross_fade_cost(run_path: Path, preset: str = "720p30", frames: int = 30) -> dict:
    """A cross-fade frame (the picture without text, the overlay over black and over white: see
    viewer/cross_fade.py) against a plain frame of the same scene, median milliseconds each."""
    import statistics

    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.presets import preset_size
    from nnvox.viewer.cross_fade import render_layers
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    width, height, _ = preset_size(preset)
    scene = build_scene(open_run(run_path))
    renderer = OffscreenRenderer(scene, RenderOptions(width=width, height=height))
    timings: dict[str, list[float]] = {"plain": [], "layered": []}
    try:
        for k in range(frames):
            frame = scene.frame_at(k / frames * (scene.n_snapshots - 1))
            for name, draw in (("plain", renderer.render), ("layered", lambda f: render_layers(renderer, f))):
                t = time.perf_counter()
                draw(frame)
                timings[name].append(time.perf_counter() - t)
    finally:
        renderer.close()
    plain, layered = (statistics.median(timings[n]) * 1000 for n in ("plain", "layered"))
    return {"preset": preset, "plain_ms": plain, "layered_ms": layered, "ratio": layered / plain}


def memory_growth(run_path: Path, preset: str = "720p30", frames: int = 3000) -> dict:
    """Resident memory at frame 100 and at the last of a `frames`-frame export."""
    from nnvox.scenes.presets import preset_size
    from nnvox.viewer import video
    from nnvox.viewer.storyboard_export import render_storyboard

    fps = preset_size(preset)[2]
    board = _board(run_path, frames / fps, preset)
    seen: dict[int, int] = {}
    original = video.FrameWriter.write

    def write(self, image):
        original(self, image)
        if self.frames in (100, frames):
            seen[self.frames] = _rss()

    with mock.patch.object(video.FrameWriter, "write", write):
        render_storyboard(board, board.with_name("long.mp4"), progress=False)
    return {
        "preset": preset,
        "frames": frames,
        "rss_100_mb": seen[100] / 1e6,
        "rss_last_mb": seen[frames] / 1e6,
        "growth": seen[frames] / seen[100] - 1,
    }


if __name__ == "__main__":
    from common import digits_run

    run = digits_run()
    for preset in ("720p30", "1080p30"):
        print(cross_fade_cost(run, preset))
        print(throughput(run, preset))
    print(memory_growth(run))

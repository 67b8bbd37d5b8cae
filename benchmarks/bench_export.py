"""MP4 export time against render-only plus encode-only time for the same frames."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def export_costs(run_path, preset: str = "720p", frames: int = 150) -> dict:
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.export import export, timeline
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.scenes.presets import preset_size
    from nnvox.viewer.options import RenderOptions, VideoOptions
    from nnvox.viewer.video import mp4_writer

    run = open_run(run_path)
    scene = build_scene(run)
    width, height, fps = preset_size(preset)
    per_snapshot = max(0.1, (frames / fps - 2.0) / max(scene.n_snapshots - 1, 1))
    video = VideoOptions(fps=fps, seconds_per_snapshot=per_snapshot, forward_seconds=1.0, hold_seconds=1.0)
    steps = list(timeline(scene, video))

    renderer = OffscreenRenderer(scene, RenderOptions(width=width, height=height))
    t = time.perf_counter()
    images = [renderer.render(scene.frame_at(ti, reveal=rv)) for ti, rv, _ in steps]
    render_only = time.perf_counter() - t
    renderer.close()

    out = Path(tempfile.mkdtemp()) / "enc.mp4"
    t = time.perf_counter()
    with mp4_writer(out, width, height, fps) as writer:
        for im in images:
            writer.write(im)
    encode_only = time.perf_counter() - t

    t = time.perf_counter()
    export(run, out.with_name("full.mp4"), preset=preset, video=video, progress=False)
    full = time.perf_counter() - t
    return {"preset": preset, "frames": len(steps), "export_s": full, "render_only_s": render_only,
            "encode_only_s": encode_only, "ratio_vs_sum": full / (render_only + encode_only),
            "ratio_vs_max": full / max(render_only, encode_only)}


if __name__ == "__main__":
    from common import digits_run

    print(export_costs(digits_run()))

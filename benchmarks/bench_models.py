"""Real architectures at 224 x 224: trace + record + scene build against one plain forward pass, and
frame cost with level of detail against full resolution."""

from __future__ import annotations

import time

from common import median_time


def model_costs(name: str, sizes=((1280, 720),), frames: int = 5) -> dict:
    import torch

    from nnvox.capture.single_pass import single_pass_run
    from nnvox.capture.trace import trace
    from nnvox.models.train import seed_everything
    from nnvox.models.zoo import ARCHITECTURES
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    seed_everything(0, torch.get_num_threads())
    build, shape, _ = ARCHITECTURES[name]
    model = build().eval()
    x = torch.randn(1, *shape)
    with torch.no_grad():
        forward = median_time(lambda: model(x), 3)
    t = time.perf_counter()
    arch = trace(model, x).architecture
    t_trace = time.perf_counter() - t
    t = time.perf_counter()
    run = single_pass_run(model, x, name=name, weights=False)
    t_record = time.perf_counter() - t
    t = time.perf_counter()
    scene = build_scene(run)
    t_scene = time.perf_counter() - t
    row = {
        "model": name,
        "nodes": len(arch.nodes),
        "blocks": len(scene.blocks),
        "forward_s": forward,
        "trace_s": t_trace,
        "record_s": t_record,
        "scene_s": t_scene,
        "trace_plus_scene_s": t_trace + t_scene,
    }
    full = build_scene(run, SceneOptions(max_channels=10**6, max_map=10**6))
    for width, height in sizes:
        for label, sc in (("lod", scene), ("full", full)):
            r = OffscreenRenderer(sc, RenderOptions(width=width, height=height))
            state = {"i": 0}

            def frame():
                state["i"] += 1
                r.render(sc.frame_at(0, reveal=None if state["i"] % 2 else 0.999))

            row[f"{label}_{height}p_ms"] = 1000 * median_time(frame, frames)
            r.close()
    return row


if __name__ == "__main__":
    for name in ("resnet50", "vgg16"):
        print(model_costs(name))

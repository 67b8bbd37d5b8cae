"""The label layout's cost per camera change: a frame rendered from a new camera each time (the
layout runs before each), and the layout alone, for the digits CNN and ResNet-18 at 1080p.
Run it on two checkouts (PYTHONPATH=old/src, then new) and compare: ratios, not absolute times."""

from __future__ import annotations

import sys

from common import digits_run, median_time


def costs(target, name: str, width: int = 1920, height: int = 1080) -> dict:
    from nnvox.capture.targets import open_target
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(open_target(str(target)))
    r = OffscreenRenderer(scene, RenderOptions(width=width, height=height))
    frame = scene.frame_at(scene.n_snapshots - 1)
    layout = r.scene_renderer.label_layout
    step = {"i": 0}

    def moved():  # a new camera each frame: the layout runs
        step["i"] += 1
        r.scene_renderer.reset_camera(azimuth=-30 + step["i"] % 60)
        r.render(frame)

    def still():
        r.render(frame)

    def layout_alone():
        layout._key = None
        layout.update()

    row = {
        "model": name,
        "camera_moving_ms": 1000 * median_time(moved, 15, warmup=2),
        "camera_still_ms": 1000 * median_time(still, 15, warmup=2),
        "layout_ms": 1000 * median_time(layout_alone, 30, warmup=2),
    }
    r.close()
    return row


if __name__ == "__main__":
    run = sys.argv[1] if len(sys.argv) > 1 else digits_run()
    for target, name in ((run, "digits-cnn"), ("resnet18", "resnet18")):
        print({k: round(v, 2) if isinstance(v, float) else v for k, v in costs(target, name).items()})

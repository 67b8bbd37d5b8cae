"""The label policy checked from picture reports (viewer/report.py), shared by the zoo's test
(tests/viewer/test_label_policy.py) and the realistic-depth corpus's (tests/real_models/
test_realistic_overviews.py): each model's scene drawn at 480p, 1080p and 2160p and three camera
angles; in each picture no two labels overlap, no label covers another block's rectangle, none hangs
off the picture, and every stage (block_text.stage_of: a top-level module, or a base-model
wrapper's child) is named: at 1080p and up the overview names every stage, by the label of any of
its blocks; at any size and angle a stage goes unnamed only when each of its labels found no free
place or its block is out of the picture."""

from __future__ import annotations

import json

SIZES = {"480p": (854, 480), "1080p": (1920, 1080), "2160p": (3840, 2160)}
ANGLES = {"overview": (0.0, 0.0), "orbit-left": (-35.0, 15.0), "orbit-right": (30.0, -20.0)}
FITS_NOT = {"no free place near its block", "its block is outside the picture", "its block is behind the camera"}
NO_VIOLATIONS = {"overlapping_labels": [], "labels_over_blocks": [], "labels_off_picture": []}


def reports(scene, size: tuple[int, int]) -> dict[str, dict]:
    """The report of the scene's last frame at each angle, from one renderer of `size`."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    frame = scene.frame_at(scene.n_snapshots - 1)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    out = {}
    try:
        for angle, (azimuth, elevation) in ANGLES.items():
            r.scene_renderer.reset_camera(azimuth=azimuth)
            camera = r.camera
            camera.Elevation(elevation)
            camera.OrthogonalizeViewUp()
            r.render(frame)
            out[angle] = picture_report(r)
    finally:
        r.close()
    return out


def stages(scene) -> dict[str, set[str]]:
    """Each stage -> its blocks (any of whose labels names it)."""
    from nnvox.viewer.overlays.labels import short_titles

    out: dict[str, set[str]] = {}
    for block, (stage, _, _) in short_titles(list(scene.blocks)).items():
        out.setdefault(stage, set()).add(block)
    return out


def check_policy(model: str, scene, size_name: str, by_angle: dict[str, dict]) -> None:
    """The policy holds in each report of `by_angle`, and every stage is named as the rule says."""
    of_stage = stages(scene)
    stage_of_block = {b: s for s, blocks in of_stage.items() for b in blocks}
    for angle, report in by_angle.items():
        where = f"{model} {size_name} {angle}"
        assert report["checks"] == NO_VIOLATIONS, where
        named = {stage_of_block[lb["block"]] for lb in report["labels"] if lb["kind"] == "block"}
        hidden = {h["block"]: h["reason"] for h in report["hidden_labels"]}
        for stage, blocks in of_stage.items():
            if stage in named:
                continue
            assert angle != "overview" or size_name == "480p", f"{where}: stage {stage} not named: {hidden}"
            assert {hidden[b] for b in blocks} <= FITS_NOT, f"{where}: {stage}"
        assert all(lb["box"][2] - lb["box"][0] > 0 for lb in report["labels"])
        json.dumps(report)  # plain JSON all through

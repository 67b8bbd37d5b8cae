"""Feature-space clouds for the browser page, as the desktop draws them (viewer/overlays/clouds.py,
scenes/clouds.py): in the description what stays (each cloud's box, each probe sample's class colour,
the cluster palette, the class legend), in each snapshot's piece every cloud's points (one per probe
sample, world coordinates) and, where asked for, its k-means clusters. The page moves the points
straight between two snapshots, as CloudSource.at does."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.feature_space import cluster_note
from nnvox.scenes.scene import Frame, Scene


def describe_clouds(scene: Scene, colours, layout) -> dict | None:
    """What the page draws of the clouds that does not change over the run; None without clouds."""
    if not scene.clouds:
        return None
    palette, labels = np.array(colours.classes), np.asarray(scene.probe_labels, dtype=np.int64)
    names = scene.class_names
    classes = sorted(set(scene.probe_labels))
    return {
        "names": [c.block for c in scene.clouds],
        "boxes": [[round(v + s * c.size / 2, 4) for v in c.centre for s in (-1, 1)] for c in scene.clouds],
        "box_colour": [round(v * 255) for v in colours.cloud_box],
        "samples": len(labels),
        "dots": palette[labels % len(palette)].tolist(),  # each probe sample's class colour
        "cluster_colours": [list(c) for c in colours.clusters],
        "legend": [
            {
                "text": f"class {names[c] if names and c < len(names) else c}",
                "colour": palette[c % len(palette)].tolist(),
            }
            for c in classes
        ],
        "legend_x": layout.cloud_legend_x,
    }


def snapshot_clouds(scene: Scene, frame: Frame) -> dict:
    """Every cloud's points at the frame's snapshot (`points`: name -> samples x 3) and, where the
    scene clusters them, each cloud's cluster labels and its note (`clusters`)."""
    if not scene.clouds:
        return {}
    points = {name: np.round(p, 4).tolist() for name, p in frame.points.items()}
    clusters = {
        name: {"labels": np.asarray(labels).tolist(), "text": cluster_note(k, purity)}
        for name, (labels, k, purity) in frame.clusters.items()
    }
    return {"points": points, "clusters": clusters}

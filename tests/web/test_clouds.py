"""Feature-space clouds on the page (nnvox export RUN x.html --feature-space pca --clusters 3): the
points Python projected (scenes/clouds.py) at each snapshot and moving straight between two, dots
in their cluster's colours with each cloud's note, as the desktop draws them (overlays/clouds.py)."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.scenes.feature_space import cluster_note
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.theme import DEFAULT_THEME
from tests.web.conftest import OpenPage

V = "window.nnvoxViewer"
SPEC = ViewSpec(feature_space="pca", clusters=3)


@pytest.fixture(scope="module")
def scene(digits_run):
    return build_scene(digits_run, SPEC.scene_options())


@pytest.fixture(scope="module")
def clouds_page(browser, digits_run, tmp_path_factory):
    from nnvox.viewer.export import export

    opened = OpenPage(browser, export(digits_run, tmp_path_factory.mktemp("clouds") / "c.html", spec=SPEC))
    yield opened
    opened.page.close()


def _points(page) -> np.ndarray:
    return np.array(page.page.evaluate(f"{V}.snapshotMarks.clouds.points"))


def test_the_clouds_points_are_pythons_and_move_straight_between_snapshots(clouds_page, scene):
    assert clouds_page.errors == []
    names = [c.block for c in scene.clouds]
    assert clouds_page.page.evaluate(f"{V}.scene.clouds.names") == names and len(names) > 3
    last = scene.n_snapshots - 1
    for t in (last, 0.5):
        clouds_page.page.evaluate(f"{V}.timeline.set({t})")
        expected = scene.cloud_source.at(t)
        assert _points(clouds_page) == pytest.approx(np.array([expected[n] for n in names]), abs=2e-4), t
    moved = np.abs(scene.cloud_source.at(0)[names[0]] - scene.cloud_source.at(1)[names[0]]).max()
    assert moved > 0.05  # training moved the points: the blend was tested on a real move
    clouds_page.page.evaluate(f"{V}.timeline.set({last})")


def test_dots_take_their_clusters_colours_and_each_cloud_says_its_clusters(clouds_page, scene):
    page, last = clouds_page.page, scene.n_snapshots - 1
    page.evaluate(f"{V}.timeline.set({last})")
    clouds_page.settle()
    clusters, palette = scene.frame_at(last).clusters, np.array(DEFAULT_THEME.colours.clusters)
    names, n = [c.block for c in scene.clouds], scene.probe_count
    colours = np.round(
        np.array(page.evaluate(f"Array.from({V}.snapshotMarks.clouds.dots.geometry.attributes.color.array)")) * 255
    )
    expected = np.concatenate([palette[clusters[name][0] % len(palette)] for name in names])
    assert (colours.reshape(-1, 3) == expected).all()
    notes = page.evaluate(f"{V}.snapshotMarks.clouds.notes.map((el) => el.textContent)")
    assert notes == [cluster_note(*clusters[name][1:]) for name in names]
    picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    points = _points(clouds_page).reshape(-1, 3)
    seen = 0
    for (x, y), rgb in zip(clouds_page.screens(points), expected):
        near = picture[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2]
        seen += bool((np.abs(near - rgb).max(axis=2) <= 3).any())
    assert seen > 0.6 * len(points)  # the dots show in their colours (a few hide behind others)
    assert n == len(points) // len(names)


def test_block_labels_keep_off_the_cloud_notes(clouds_page, scene):
    """The cluster notes over the clouds and the class legend are taken space for the block labels, as
    the desktop's panels are: no label shown overlaps one (at two zooms: the notes move with the clouds)."""
    rects = """(sel) => [...document.querySelectorAll(sel)]
        .filter((e) => e.textContent && getComputedStyle(e).display !== 'none')
        .map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    for zoom in (1.0, 1.6):
        clouds_page.page.evaluate(
            f"{V}.stage.camera.zoom = {zoom}; {V}.stage.camera.updateProjectionMatrix(); {V}.stage.draw()"
        )
        clouds_page.settle()
        notes = clouds_page.page.evaluate(rects, ".nnvox-cluster, .nnvox-cloud-legend")
        labels = clouds_page.page.evaluate(rects, ".nnvox-label")
        assert len(notes) > 3 and len(labels) > 3
        for a in labels:
            for b in notes:
                overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                assert min(overlap) <= 0.5, (a, b)
    clouds_page.page.keyboard.press("c")

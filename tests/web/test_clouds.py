"""Feature-space clouds on the page (nnvox export RUN x.html --feature-space pca --clusters 3): the
points Python projected (scenes/clouds.py) at each snapshot and moving straight between two, dots
in their cluster's colours with each cloud's note, as the desktop draws them (overlays/clouds.py)."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
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
    assert notes == [f"k = {clusters[name][1]} · {clusters[name][2]:.0%} pure" for name in names]
    picture = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    points = _points(clouds_page).reshape(-1, 3)
    seen = 0
    for (x, y), rgb in zip(clouds_page.screens(points), expected):
        near = picture[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2]
        seen += bool((np.abs(near - rgb).max(axis=2) <= 3).any())
    assert seen > 0.6 * len(points)  # the dots show in their colours (a few hide behind others)
    assert n == len(points) // len(names)

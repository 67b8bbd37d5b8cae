"""The HTML export's Python side, no browser: the page holds the scene and every snapshot's colour
indices exactly as the desktop quantises them, nothing outside the file, and refuses what it cannot show."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.export import export
from nnvox.viewer.web import page as page_module
from nnvox.viewer.web.frame_packing import unpack_frames
from nnvox.viewer.web.frames import atlas, atlas_shape

needs_bundle = pytest.mark.skipif(
    not page_module.BUNDLE.exists(), reason="the browser viewer's bundle is not built: run `make setup`"
)


def parts(path) -> tuple[dict, bytes]:
    """The page's scene description and its frames' indices, read back as the browser reads them."""
    text = path.read_text(encoding="utf-8")
    scene = re.search(r'<script type="application/json" id="nnvox-scene">(.*?)</script>', text, re.S).group(1)
    frames = re.search(r'<script type="text/plain" id="nnvox-frames">(.*?)</script>', text, re.S).group(1)
    description = json.loads(scene.replace("<\\/", "</"))
    return description, unpack_frames(frames, len(description["snapshots"]))


@pytest.fixture(scope="module")
def weights_page(digits_run, tmp_path_factory):
    return export(digits_run, tmp_path_factory.mktemp("web") / "weights.html", mode="weights", t=1)


@needs_bundle
def test_the_page_holds_every_snapshot_as_the_desktop_quantises_it(weights_page, digits_run):
    scene = build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    description, indices = parts(weights_page)
    assert description["mode"] == "weights" and description["t"] == 1.0
    assert [b["name"] for b in description["blocks"]] == [b.name for b in scene.blocks]
    assert len(indices) == scene.n_snapshots * description["frame_bytes"]
    for t in (0, scene.n_snapshots - 1):
        frame = scene.frame_at(t)
        for b, record in zip(scene.blocks, description["blocks"]):
            start = t * description["frame_bytes"] + record["offset"]
            got = np.frombuffer(indices[start : start + record["atlas"][0] * record["atlas"][1]], np.uint8)
            assert (got == atlas(b, frame.values[b.name]).ravel()).all(), (t, b.name)


def test_atlas_cells_hold_panels_in_reading_order(digits_run):
    block = next(b for b in build_scene(digits_run).blocks if b.panels == 8)  # conv1: 2 x 4 cells
    values = np.broadcast_to(np.arange(8, dtype=np.float32)[:, None, None], (8, block.rows, block.cols))
    gr, gc, _, _ = atlas_shape(block)
    cells = atlas(block, values).reshape(gr, block.rows, gc, block.cols)
    order = [int(cells[k // gc, 0, k % gc, 0]) for k in range(8)]
    assert order == sorted(order) and len(set(order)) > 1  # panel k in cell divmod(k, gc), as the desktop's atlas


@needs_bundle
def test_the_page_fetches_nothing_and_names_its_run(weights_page):
    text = weights_page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)
    assert "<title>digits-cnn · weights · nnvox</title>" in text
    assert not list(weights_page.parent.glob(".*.tmp"))  # published whole, no temporary left


def test_a_missing_bundle_is_one_line_naming_make_setup(digits_run, tmp_path, monkeypatch):
    monkeypatch.setattr(page_module, "BUNDLE", tmp_path / "absent.js")
    with pytest.raises(NnvoxError, match=r"bundle is not built: run `make setup`"):
        export(digits_run, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


@needs_bundle
def test_options_a_page_does_not_use_and_comparisons_are_refused(digits_run, tmp_path):
    with pytest.raises(NnvoxError, match="--fps does not apply to a web page"):
        export(digits_run, tmp_path / "x.html", fps=12)
    with pytest.raises(NnvoxError, match="a web page shows one run"):
        export(digits_run, tmp_path / "x.html", pin=0)


@needs_bundle
def test_the_command_line_writes_a_page_and_refuses_in_one_line(digits_run, tmp_path, nnvox_cmd):
    out = tmp_path / "digits.html"
    ok = subprocess.run([*nnvox_cmd, "export", str(digits_run.path), str(out)], capture_output=True, text=True)
    assert ok.returncode == 0 and f"wrote {out}" in ok.stdout, ok.stderr
    assert parts(out)[0]["mode"] == "activations"
    bad = subprocess.run(
        [*nnvox_cmd, "export", str(digits_run.path), str(out), "--size", "640x480"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--size does not apply to a web page" in bad.stderr


def test_export_help_offers_open_without_a_negative():
    """`--open` repeats; cyclopts would add `--empty-open` for it (a tuple's negative), which no one asked for."""
    from tests.cli.test_cli import nnvox

    text = nnvox("export", "--help").stdout
    assert "--open" in text and "--empty-" not in text

"""Every output format decoded back: codec, profile, pixel format, alpha, size, fps, frame count, pixels."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.presets import output_size
from nnvox.viewer.export import export, timeline
from nnvox.viewer.options import VideoOptions

from .media import decode, stream

pytestmark = pytest.mark.gl

SHORT = VideoOptions(fps=10, seconds_per_snapshot=0.3, forward_seconds=0.5, hold_seconds=0.3)
BACKGROUND = np.array([24, 24, 30])


def expected_frames(run) -> int:
    return len(list(timeline(build_scene(run), SHORT)))


def test_presets_and_explicit_sizes():
    assert output_size("1080p60") == (1920, 1080, 60)
    assert output_size("480p15") == (854, 480, 15)
    assert output_size("2160p60", "1600x900", 24) == (1600, 900, 24)
    with pytest.raises(NnvoxError, match="not WIDTHxHEIGHT"):
        output_size("720p", "big")
    with pytest.raises(NnvoxError, match="fps 0 is out of range"):
        output_size("720p", None, 0)


def test_webm_is_vp9_with_a_transparent_background(digits_run, tmp_path):
    out = export(digits_run, tmp_path / "clip.webm", size="320x180", video=SHORT, transparent=True, progress=False)
    line = stream(out)
    assert "vp9" in line and "320x180" in line and re.search(r"\b10 fps", line)
    frames = decode(out, rgba=True, decoder="libvpx-vp9")
    assert len(frames) == expected_frames(digits_run)
    alpha = frames[-1][..., 3]
    assert (alpha < 10).mean() > 0.5  # the background is clear
    assert (alpha > 245).mean() > 0.03  # the blocks are opaque


def test_mov_is_prores_4444_with_alpha(digits_run, tmp_path):
    out = export(digits_run, tmp_path / "clip.mov", size="320x180", video=SHORT, transparent=True, progress=False)
    line = stream(out)
    assert "prores (4444)" in line and "yuva444p" in line and "320x180" in line
    frames = decode(out, rgba=True)
    assert len(frames) == expected_frames(digits_run) and (frames[-1][..., 3] < 10).mean() > 0.5


def test_gif_has_one_palette_and_keeps_under_its_size_cap(digits_run, tmp_path):
    full = export(digits_run, tmp_path / "full.gif", size="320x180", video=SHORT, gif_max_mb=None, progress=False)
    line = stream(full)
    assert "gif" in line and "320x180" in line
    frames = decode(full)
    assert len(frames) == expected_frames(digits_run)
    # the background (the frame's commonest colour) keeps its colour through the palette
    colours, counts = np.unique(frames[-1][..., :3].reshape(-1, 3), axis=0, return_counts=True)
    assert np.abs(colours[counts.argmax()].astype(int) - BACKGROUND).max() <= 6
    cap = full.stat().st_size * 0.6
    small = export(
        digits_run, tmp_path / "small.gif", size="320x180", video=SHORT, gif_max_mb=cap / 1e6, progress=False
    )
    assert small.stat().st_size <= cap
    w, h = (int(v) for v in re.search(r"(\d+)x(\d+)", stream(small)).groups())
    assert w < 320 and h < 180 and abs(w / h - 16 / 9) < 0.05
    with pytest.raises(NnvoxError, match="stays over"):
        export(digits_run, tmp_path / "tiny.gif", size="320x180", video=SHORT, gif_max_mb=0.001, progress=False)


def test_png_sequence_in_a_folder(digits_run, tmp_path):
    out = export(digits_run, tmp_path / "frames", size="320x180", video=SHORT, transparent=True, progress=False)
    files = sorted(out.glob("frame-*.png"))
    assert len(files) == expected_frames(digits_run)
    last = np.asarray(Image.open(files[-1]))
    assert last.shape == (180, 320, 4) and last[..., 3].min() == 0 and last[..., 3].max() == 255
    # exported again, shorter: the sequence is replaced whole (no frames of the old one left over)
    shorter = VideoOptions(fps=5, seconds_per_snapshot=0.3, forward_seconds=0.5, hold_seconds=0.3)
    export(digits_run, out, size="320x180", video=shorter, progress=False)
    assert len(list(out.glob("frame-*.png"))) == len(list(timeline(build_scene(digits_run), shorter))) < len(files)
    (out / "notes.txt").write_text("mine")  # a folder holding anything else is not replaced
    with pytest.raises(NnvoxError, match="not a PNG sequence"):
        export(digits_run, out, size="320x180", video=SHORT, progress=False)


def test_mp4_sizes_and_transparency_are_checked(digits_run, tmp_path):
    with pytest.raises(NnvoxError, match="must be even"):
        export(digits_run, tmp_path / "odd.mp4", size="321x180", video=SHORT, progress=False)
    with pytest.raises(NnvoxError, match="cannot hold a transparent background"):
        export(digits_run, tmp_path / "clear.mp4", size="320x180", video=SHORT, transparent=True, progress=False)
    out = export(digits_run, tmp_path / "clip.mp4", size="320x180", fps=12, video=SHORT, progress=False)
    line = stream(out)
    assert "h264 (High)" in line and "yuv420p" in line and "320x180" in line and re.search(r"\b12 fps", line)


def test_a_saved_view_places_the_camera_of_stills_and_videos(digits_run, tmp_path):
    from nnvox.scenes.camera import focus, view_file_text
    from nnvox.viewer.export import render_png

    scene = build_scene(digits_run)
    conv2 = next(b for b in scene.blocks if b.name == "conv2")
    view = tmp_path / "close.toml"
    view.write_text(view_file_text(focus(conv2.bounds, scene.bounds, 16 / 9), "a close-up"))
    whole = np.asarray(Image.open(render_png(digits_run, tmp_path / "whole.png", width=320, height=180)))
    close = np.asarray(Image.open(render_png(digits_run, tmp_path / "close.png", width=320, height=180, view=view)))
    drawn = lambda im: (np.abs(im[30:150].astype(int) - BACKGROUND).max(axis=2) > 30).mean()
    assert drawn(close) > 1.5 * drawn(whole)  # one block, close up, fills more of the picture
    held = export(digits_run, tmp_path / "held", size="320x180", video=SHORT, view=view, progress=False)
    last = np.asarray(Image.open(sorted(held.glob("frame-*.png"))[-1]))
    assert np.array_equal(last, close)  # the video ends exactly on the still: the camera held the view
    with pytest.raises(NnvoxError, match=r"view file .*missing\.toml not found"):
        render_png(digits_run, tmp_path / "x.png", view=tmp_path / "missing.toml")


@pytest.mark.gl
def test_a_transparent_still_is_rgba_on_a_clear_background(digits_run, tmp_path):
    """`--transparent` on a .png (it wrote an opaque RGB still, silently)."""
    from nnvox.viewer.export import render_png

    still = np.asarray(
        Image.open(render_png(digits_run, tmp_path / "clear.png", width=320, height=240, transparent=True))
    )
    assert still.shape == (240, 320, 4)
    assert still[0, 0, 3] == 0 and (still[..., 3] == 255).mean() > 0.01  # the background clear, the network drawn


def _clear_and_drawn(path) -> None:
    """RGBA, the corner clear, the network's blocks opaque."""
    still = np.asarray(Image.open(path))
    assert still.ndim == 3 and still.shape[2] == 4
    assert still[0, 0, 3] == 0 and still[-1, -1, 3] == 0
    assert (still[..., 3] == 255).mean() > 0.01


def test_transparent_stills_through_the_command_line_and_export(digits_run, tmp_path, capsys):
    """`nnvox export RUN x.png --transparent` and nnvox.export(..., transparent=True) agree by pixel."""
    import nnvox
    from nnvox.cli.main import main

    assert main(["export", str(digits_run.path), str(tmp_path / "cli.png"), "--size", "320x240", "--transparent"]) == 0
    _clear_and_drawn(tmp_path / "cli.png")
    api = nnvox.export(digits_run, tmp_path / "api.png", size="320x240", transparent=True)
    _clear_and_drawn(api)
    assert np.array_equal(np.asarray(Image.open(api)), np.asarray(Image.open(tmp_path / "cli.png")))


def test_python_export_to_a_png_writes_a_still(digits_run, tmp_path):
    """nnvox.export(run, "x.png"), nothing more: a still at the command line's default size."""
    import nnvox

    still = np.asarray(Image.open(nnvox.export(digits_run, tmp_path / "x.png")))
    assert still.shape == (1080, 1920, 3)


def test_one_view_looks_the_same_from_every_entry_point(digits_run, tmp_path):
    """The same options through the command line, export(), render_png() with keywords and with a
    ViewSpec: the same pixels."""
    from nnvox.cli.main import main
    from nnvox.scenes.view import OutputSpec, ViewSpec
    from nnvox.viewer.export import render_png

    argv = ["--mode", "weights", "--histogram", "conv2", "--t", "1.5", "--background", "#ffffff", "--size", "320x180"]
    assert main(["export", str(digits_run.path), str(tmp_path / "cli.png"), *argv]) == 0
    keywords = {"mode": "weights", "histogram": "conv2", "t": 1.5, "background": "#ffffff"}
    spec = ViewSpec(**keywords)
    outs = [
        export(digits_run, tmp_path / "export.png", size="320x180", **keywords),
        render_png(digits_run, tmp_path / "keywords.png", width=320, height=180, **keywords),
        render_png(digits_run, tmp_path / "spec.png", spec=spec, output=OutputSpec(size="320x180")),
    ]
    cli = np.asarray(Image.open(tmp_path / "cli.png"))
    assert (cli[0, 0] == 255).all()  # the background given
    for out in outs:
        assert np.array_equal(np.asarray(Image.open(out)), cli), out.name
    plain = np.asarray(Image.open(render_png(digits_run, tmp_path / "plain.png", width=320, height=180)))
    assert not np.array_equal(plain, cli)  # and the options did change the picture
    with pytest.raises(NnvoxError, match="--t does not apply to a video"):
        export(digits_run, tmp_path / "clip.mp4", spec=spec)

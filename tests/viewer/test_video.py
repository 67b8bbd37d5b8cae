import re
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.viewer.export import export, timeline
from nnvox.viewer.options import VideoOptions

pytestmark = pytest.mark.gl

SHORT = VideoOptions(fps=10, seconds_per_snapshot=0.3, forward_seconds=0.5, hold_seconds=0.3)


def probe(path):
    info = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    return next(line for line in info.splitlines() if "Video:" in line)


def test_mp4_is_lecture_ready(digits_run, tmp_path):
    out = export(digits_run, tmp_path / "run.mp4", preset="480p", video=SHORT, progress=False)
    stream = probe(out)
    assert "h264 (High)" in stream and "yuv420p" in stream and "854x480" in stream and "10 fps" in stream
    expected = len(list(timeline(build_scene(digits_run), SHORT)))
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == expected
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: plays while downloading

    import imageio.v2 as imageio

    reader = imageio.get_reader(str(out))
    steps = list(timeline(build_scene(digits_run), SHORT))
    forward_start = next(i for i, (_, reveal, _) in enumerate(steps) if reveal is not None)
    first, dark, last = (reader.get_data(i) for i in (0, forward_start, frames - 1))
    assert first.shape == (480, 854, 3)
    # The forward pass starts with most blocks dimmed; the video ends on the whole network lit.
    bg = np.array([24, 24, 30])
    band = (slice(60, 400), slice(None))  # the network, without the heads-up line and the legend
    lit = lambda im: np.abs(im[band].astype(int) - bg).mean()
    assert lit(dark) < 0.75 * lit(last) and lit(first) > 0.8 * lit(last)


def test_fps_override_and_bad_preset(digits_run, tmp_path):
    out = export(
        digits_run,
        tmp_path / "fast.mp4",
        preset="480p",
        fps=6,
        video=VideoOptions(fps=6, seconds_per_snapshot=0.2, forward_seconds=0.2, hold_seconds=0.2),
        progress=False,
    )
    assert re.search(r"\b6 fps", probe(out))
    with pytest.raises(NnvoxError, match="unknown preset '4k'"):
        export(digits_run, tmp_path / "x.mp4", preset="4k")
    with pytest.raises(NnvoxError, match=r"ending in \.png, \.html, \.mp4"):
        export(digits_run, tmp_path / "x.avi")


def test_encoder_runs_at_low_priority_and_its_failure_is_one_line(tmp_path):
    """Rendering keeps its threads' priority (the encoder fills the gaps); an encoder that cannot
    write says why in one line, naming the file."""
    import os
    import sys

    from nnvox.viewer.video import ENCODER_NICE, open_writer

    frame = np.zeros((64, 64, 3), np.uint8)
    with open_writer(tmp_path / "ok.mp4", 64, 64, 10) as writer:
        writer.write(frame)
        if sys.platform == "linux":
            assert os.getpriority(os.PRIO_PROCESS, writer._proc.pid) == ENCODER_NICE
            assert os.getpriority(os.PRIO_PROCESS, 0) != ENCODER_NICE  # this thread is untouched
    assert imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "ok.mp4"))[0] == 1
    with (
        pytest.raises(NnvoxError, match=r"writing .*missing/x\.mp4 failed: .*No such file") as err,
        open_writer(tmp_path / "missing" / "x.mp4", 64, 64, 10) as writer,
    ):
        for _ in range(100):  # ffmpeg gives up at once; the writes that follow meet a closed pipe
            writer.write(frame)
    assert "\n" not in str(err.value)

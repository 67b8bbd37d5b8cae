"""Issue 18's size target without a browser: the demo's page (mnist-lenet, every mode, probe sample
and mistake, as `nnvox demo` exports it) at most 5 MB. Recorded here for one epoch (the session's
lenet_run): what grows with the snapshots (frames, snapshot texts, open layouts' unit frames) is
taken per snapshot and counted for the demo's snapshots, with what does not (the script,
descriptions). Its first snapshot's difference from the untrained one is the largest, so this
overestimates: the demo's page itself measured 4.29 MB (benchmarks/bench_web.py)."""

from __future__ import annotations

import base64
import inspect
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from nnvox.viewer.web.frame_packing import CHANGED, KEPT, pack_frames, unpack_frames
from nnvox.viewer.web.page_account import growing_bytes, page_account

TARGET = 5_000_000


def demo_snapshots() -> int:
    from nnvox.cli.main import demo

    return inspect.signature(demo).parameters["epochs"].default + 1  # one before training, one an epoch


def test_the_demos_page_fits_5_mb(lenet_run, tmp_path):
    from nnvox.viewer.export import export_html

    text = export_html(lenet_run.path, tmp_path / "lecture.html").read_text(encoding="utf-8")  # as _demo_page
    account = page_account(text)
    assert len(text) - sum(sum(parts.values()) for parts in account.values()) < 5_000  # every part counted
    assert {"weights", "gradients", "activations/9"} <= set(account)  # every mode and sample inside
    growing, snapshots = growing_bytes(account), len(lenet_run.snapshots)
    estimate = len(text) - growing + growing / snapshots * demo_snapshots()
    assert estimate <= TARGET, f"{estimate / 1e6:.2f} MB for {demo_snapshots()} snapshots"


def _frames() -> list[bytes]:
    rng = np.random.default_rng(0)
    still = rng.integers(0, 256, 4000, dtype=np.uint8)
    moved = still.copy()
    moved[:40] += 3  # a few indices move: packed as a difference (wrapping past 255 for some)
    other = rng.integers(0, 256, 4000, dtype=np.uint8)  # another picture altogether: packed whole
    return [still.tobytes(), moved.tobytes(), other.tobytes()]


def test_frames_pack_whole_or_as_a_difference_and_read_back_the_same():
    frames = _frames()
    packed = pack_frames(frames)
    assert zlib.decompress(base64.b64decode(packed))[:3] == bytes([KEPT, CHANGED, KEPT])
    assert unpack_frames(packed, 3) == b"".join(frames)


def test_the_page_reads_the_frames_back_as_python(tmp_path):
    import nnvox.viewer.web as web

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    frames = _frames()
    module = Path(web.__file__).with_name("js") / "frame_packing.js"
    script = tmp_path / "unpack.mjs"
    script.write_text(
        f"import {{ unpackFrames }} from {json.dumps(module.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "import { inflateSync } from 'node:zlib';\n"
        "const packed = inflateSync(Buffer.from(readFileSync(process.argv[2], 'utf8'), 'base64'));\n"
        "process.stdout.write(Buffer.from(unpackFrames(new Uint8Array(packed), 3, 4000)).toString('hex'));\n"
    )
    (tmp_path / "frames.txt").write_text(pack_frames(frames))
    shown = subprocess.run(
        [node, str(script), str(tmp_path / "frames.txt")], capture_output=True, text=True, check=True
    )
    assert bytes.fromhex(shown.stdout) == b"".join(frames)

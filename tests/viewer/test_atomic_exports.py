"""Exports are atomic (issue 13): a killed, failed or interrupted export leaves the previous file
under the final name byte for byte, never a broken file there, and no encoder running; the next
export removes the killed one's temporary and nothing else. Output paths that cannot be written are
one line each, before anything renders."""

from __future__ import annotations

import errno
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnvox.errors import NnvoxError
from nnvox.files import is_temporary
from nnvox.viewer.outputs import SEQUENCE_MARK
from nnvox.viewer.video import FfmpegWriter, GifWriter, open_writer

pytestmark = pytest.mark.gl

NNVOX = str(Path(sys.executable).with_name("nnvox"))
EXPORT = ["--fps", "5", "--preset", "480p"]  # 36 frames of 854x480: about a second of rendering
FORMATS = ["out.mp4", "out.gif", "frames", "out.png"]
# Files of the user's beside the output, which no export may touch: among them a temporary name of
# nnvox's pattern held by a live process (pid 1), which is not stale.
USER_FILES = {"notes.txt": b"mine", ".out.mp4.tmp": b"mine too", ".out.mp4.nnvox-1-abcdef.tmp": b"a live writer's"}


# ---------------------------------------------------------------- helpers


def place_previous(folder: Path, name: str) -> dict[str, bytes]:
    """A previous output under the final name (a folder of frames for a sequence) and the user's
    files beside it; returns the previous output's contents."""
    for user, data in USER_FILES.items():
        (folder / user).write_bytes(data)
    out = folder / name
    if out.suffix:
        out.write_bytes(b"the previous export of " + name.encode())
    else:
        out.mkdir()
        (out / SEQUENCE_MARK).write_text("an earlier export's")
        for k in range(3):
            (out / f"frame-{k:05d}.png").write_bytes(b"previous frame %d" % k)
    return contents(out)


def contents(out: Path) -> dict[str, bytes]:
    if out.is_dir():
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return {out.name: out.read_bytes()} if out.exists() else {}


def temporaries(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if is_temporary(n) and n not in USER_FILES]


def strays(folder: Path, name: str) -> list[str]:
    """Anything in `folder` besides the output, temporaries and the user's files."""
    return [n for n in os.listdir(folder) if n != name and n not in USER_FILES and not is_temporary(n)]


def encoders(folder: Path) -> list[int]:
    """Live processes writing an nnvox temporary in `folder` (named in full, or relative to a
    working folder there): an encoder that outlived its export."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue  # gone, or a zombie (nothing of it runs)
        if b".nnvox-" in cmdline and (str(folder).encode() in cmdline or cwd == str(folder)):
            found.append(int(pid))
    return found


def assert_no_encoder(folder: Path) -> None:
    deadline = time.monotonic() + 5  # PDEATHSIG is delivered at once; allow for a loaded machine
    while (alive := encoders(folder)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive, f"processes outlived the export: {[Path(f'/proc/{p}/cmdline').read_bytes() for p in alive]}"


def assert_complete(out: Path, frames: int) -> None:
    """A whole new export: every frame there, decodable."""
    import imageio_ffmpeg
    from PIL import Image

    if out.suffix in (".mp4", ".gif", ".webm", ".mov"):
        assert imageio_ffmpeg.count_frames_and_secs(str(out))[0] == frames
    elif out.suffix == ".png":
        assert Image.open(out).size == (854, 480)
    else:
        files = sorted(out.iterdir())
        assert [f.name for f in files] == [SEQUENCE_MARK] + [f"frame-{k:05d}.png" for k in range(frames)]
        files = files[1:]
        assert Image.open(files[-1]).size == (854, 480)


@pytest.fixture(scope="module")
def frames_exported(digits_run):
    """How many frames `nnvox export RUN OUT --fps 5 --preset 480p` writes."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.export import timeline
    from nnvox.viewer.options import VideoOptions

    return len(list(timeline(build_scene(digits_run), VideoOptions(fps=5))))


def start_export(run, folder: Path, name: str, **popen) -> subprocess.Popen:
    options = EXPORT[2:] if name.endswith(".png") else EXPORT  # (a still has no frame rate: --fps is refused there)
    return subprocess.Popen(
        [NNVOX, "export", str(run.path), name, *options],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **popen,
    )


def wait_for_temporary(folder: Path, proc: subprocess.Popen) -> None:
    """Until the export is writing (a temporary of its own appears) or has ended."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and not temporaries(folder) and time.monotonic() < deadline:
        time.sleep(0.005)


def signal_trial(run, folder: Path, name: str, rng: random.Random, sig: int, frames: int) -> None:
    """One export, signalled at a random moment: mostly while it writes, and a SIGKILL sometimes
    (a still always) at any moment from its start (a Ctrl-C before the command runs is the
    interpreter's, not the export's)."""
    previous = place_previous(folder, name)
    proc = start_export(run, folder, name)
    if sig == signal.SIGKILL and (name.endswith(".png") or rng.random() < 0.25):  # a still is written in a blink
        time.sleep(rng.uniform(0.3, 1.6))
    else:
        wait_for_temporary(folder, proc)
        time.sleep(rng.uniform(0.0, 1.0))
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert_no_encoder(folder)
    now = contents(folder / name)
    published = b"wrote" in out  # the signal came after the export had completed (exiting, say)
    if published or now != previous:  # or killed between its publishing rename and its report
        assert_complete(folder / name, frames)
    else:
        assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}.get(sig, -sig), err.decode()
    assert not strays(folder, name)
    assert {n: (folder / n).read_bytes() for n in USER_FILES} == USER_FILES
    if proc.returncode != -signal.SIGKILL:  # killed, a temporary may stay (the next export's); else cleaned up
        assert not temporaries(folder), err.decode()
        assert b"Traceback" not in err and err.decode().strip().splitlines()[-1:] in (
            [],
            ["nnvox: interrupted"],
            ["nnvox: terminated"],
        ), err.decode()


def next_export_succeeds(run, folder: Path, name: str, frames: int) -> None:
    """The next export to the folder publishes a whole output and removes the killed ones' temporaries
    (and only those)."""
    proc = start_export(run, folder, name)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    assert_complete(folder / name, frames)
    assert not temporaries(folder) and not strays(folder, name)
    assert {n: (folder / n).read_bytes() for n in USER_FILES} == USER_FILES
    assert_no_encoder(folder)


def kill_trials(run, tmp_path: Path, name: str, frames: int, seed: int, signals: list[int]) -> None:
    rng = random.Random(seed)
    folder = tmp_path / "out"
    for k, sig in enumerate(signals):
        folder.mkdir()
        signal_trial(run, folder, name, rng, sig, frames)
        if k < len(signals) - 1:
            folder.rename(tmp_path / f"trial-{k}")
    next_export_succeeds(run, folder, name, frames)


# ---------------------------------------------------------------- kills and interrupts


@pytest.mark.parametrize("name", FORMATS)
def test_a_killed_or_interrupted_export_keeps_the_previous_file(digits_run, tmp_path, name, frames_exported):
    """SIGKILL twice, Ctrl-C (SIGINT) and SIGTERM once each, at seeded random moments, on mp4, gif,
    a PNG sequence and a still (16 trials in CI)."""
    kill_trials(
        digits_run,
        tmp_path,
        name,
        frames_exported,
        seed=13,
        signals=[signal.SIGKILL, signal.SIGKILL, signal.SIGINT, signal.SIGTERM],
    )


@pytest.mark.long
@pytest.mark.parametrize("name", [*FORMATS, "out.webm", "out.mov"])
def test_many_killed_exports_keep_the_previous_file(digits_run, tmp_path, name, frames_exported):
    """The long variant: 16 trials a format (SIGKILL, SIGTERM, SIGINT), freshly seeded."""
    sigs = [signal.SIGKILL] * 10 + [signal.SIGTERM] * 3 + [signal.SIGINT] * 3
    kill_trials(digits_run, tmp_path, name, frames_exported, seed=random.randrange(1 << 30), signals=sigs)


FRAME = np.full((64, 64, 3), 90, np.uint8)
STREAMS = ["x.mp4", "x.webm", "x.mov", "x.gif", "frames"]


@pytest.mark.parametrize("name", STREAMS)
@pytest.mark.parametrize("failure", [RuntimeError("the renderer failed"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_failure_while_frames_come_kills_the_encoder_and_publishes_nothing(tmp_path, name, failure):
    """A Python-level failure (or Ctrl-C) mid-stream: the encoder killed and waited for, the
    temporary removed, the previous file untouched (10 trials)."""
    previous = place_previous(tmp_path, name)
    with pytest.raises(type(failure)), open_writer(tmp_path / name, 64, 64, 10) as writer:
        for _ in range(5):
            writer.write(FRAME)
        raise failure
    if isinstance(writer, FfmpegWriter):
        assert writer._proc.returncode is not None
    assert contents(tmp_path / name) == previous and not temporaries(tmp_path) and not strays(tmp_path, name)
    assert_no_encoder(tmp_path)
    with pytest.raises(NnvoxError, match="closed"):
        writer.write(FRAME)
    writer.close()  # closing an aborted writer again does nothing (and publishes nothing)
    assert contents(tmp_path / name) == previous


def _writer(codec="libx264", pix_fmt="yuv420p", muxer="mp4", params=(), size=(64, 64)):
    return lambda out: FfmpegWriter(
        out, *size, 10, alpha=False, codec=codec, pix_fmt=pix_fmt, params=list(params), muxer=muxer
    )


ENCODER_FAILURES = {  # forced through the writer API: what ffmpeg itself refuses
    "unknown codec": (_writer(codec="nosuchcodec"), "Unknown encoder"),
    "unknown profile": (_writer(params=["-profile:v", "nosuch"]), "invalid profile"),
    "unknown pixel format": (_writer(pix_fmt="nosuchfmt"), "Unknown pixel format"),
    "unknown container": (_writer(muxer="nosuchmux"), "not known"),
    "codec the container cannot hold": (_writer(codec="prores_ks", pix_fmt="yuv422p10le", muxer="webm"), "WebM"),
    "impossible size": (_writer(size=(16400, 2)), "invalid width x height"),
    "GIF over its cap at any size": (lambda out: GifWriter(out, 64, 64, 10, max_bytes=1), "stays over"),
}


@pytest.mark.parametrize("case", ENCODER_FAILURES, ids=list(ENCODER_FAILURES))
def test_an_encoder_failure_is_one_line_and_keeps_the_previous_file(tmp_path, case):
    make, match = ENCODER_FAILURES[case]
    name = "x.gif" if "GIF" in case else "x.mp4"
    previous = place_previous(tmp_path, name)
    with pytest.raises(NnvoxError, match=match) as err, make(tmp_path / name) as writer:
        for _ in range(30):  # ffmpeg gives up at once; the writes that follow meet a closed pipe
            writer.write(np.zeros((writer.size[1], writer.size[0], 3), np.uint8))
    assert "\n" not in str(err.value) and ".nnvox-" not in str(err.value)  # names the output, not its temporary
    assert contents(tmp_path / name) == previous and not temporaries(tmp_path) and not strays(tmp_path, name)
    assert_no_encoder(tmp_path)


@pytest.mark.parametrize("ffmpeg", ["missing", "text"], ids=["missing", "not a program"])
@pytest.mark.parametrize("name", ["x.mp4", "x.gif"])
def test_an_encoder_that_cannot_start_is_one_line(tmp_path, monkeypatch, ffmpeg, name):
    import imageio_ffmpeg

    exe = tmp_path / "bin" / "ffmpeg"
    if ffmpeg == "text":
        exe.parent.mkdir()
        exe.write_text("not a program")
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: str(exe))
    folder = tmp_path / "out"
    folder.mkdir()
    previous = place_previous(folder, name)
    with pytest.raises(NnvoxError, match=f"cannot start ffmpeg to write .*{name}: .*reinstall imageio-ffmpeg"):
        open_writer(folder / name, 64, 64, 10)
    assert contents(folder / name) == previous and not temporaries(folder) and not strays(folder, name)


def test_an_export_that_fails_while_rendering_keeps_the_previous_video(digits_run, tmp_path, monkeypatch):
    """Through export(): the renderer failing at the 5th frame."""
    from nnvox.viewer import offscreen
    from nnvox.viewer.export import export

    real, calls = offscreen.OffscreenRenderer.render, []

    def render(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("GL context lost")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(offscreen.OffscreenRenderer, "render", render)
    previous = place_previous(tmp_path, "clip.mp4")
    with pytest.raises(RuntimeError, match="GL context lost"):
        export(digits_run, tmp_path / "clip.mp4", size="320x180", fps=5, progress=False)
    assert contents(tmp_path / "clip.mp4") == previous and not temporaries(tmp_path)
    assert_no_encoder(tmp_path)


@pytest.mark.parametrize(
    "failure", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), KeyboardInterrupt()], ids=["disk full", "ctrl-c"]
)
def test_a_still_that_fails_while_written_keeps_the_previous_one(digits_run, tmp_path, monkeypatch, failure):
    """A still is written in a blink, too short to kill at random: its write fails halfway here."""
    import imageio.v3 as iio

    from nnvox.viewer.export import render_png

    def half_written(uri, image, **kwargs):
        Path(uri).write_bytes(b"\x89PNG half")
        raise failure

    monkeypatch.setattr(iio, "imwrite", half_written)
    previous = place_previous(tmp_path, "still.png")
    expected = (
        pytest.raises(NnvoxError, match=r"is full.*previous still\.png is kept")
        if isinstance(failure, OSError)
        else pytest.raises(KeyboardInterrupt)
    )
    with expected:
        render_png(digits_run, tmp_path / "still.png", width=160, height=90)
    assert (
        contents(tmp_path / "still.png") == previous and not temporaries(tmp_path) and not strays(tmp_path, "still.png")
    )


def test_the_encoder_dies_with_a_killed_export(tmp_path):
    """PDEATHSIG: a process killed while its encoder waits for frames takes the encoder with it,
    even when no frame came yet (the encoder started from the calling thread)."""
    code = (
        "import sys, time; from pathlib import Path; from nnvox.viewer.video import open_writer; "
        "w = open_writer(Path(sys.argv[1]), 64, 64, 10); print(w._proc.pid, flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "x.mp4")], stdout=subprocess.PIPE)
    encoder = int(proc.stdout.readline())
    assert encoders(tmp_path) == [encoder]
    proc.kill()
    proc.wait()
    assert_no_encoder(tmp_path)
    assert [n for n in os.listdir(tmp_path) if not is_temporary(n)] == []  # only the killed one's temporary


# ---------------------------------------------------------------- a full disk


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing

    return apply


@pytest.mark.parametrize("name", FORMATS)
def test_a_full_disk_is_one_line_and_keeps_the_previous_file(digits_run, tmp_path, name):
    """Writes past RLIMIT_FSIZE fail as a full disk does (EFBIG): ffmpeg's and our own (4 trials)."""
    previous = place_previous(tmp_path, name)
    proc = start_export(digits_run, tmp_path, name, preexec_fn=_file_size_limit(20_000))
    _, err = proc.communicate(timeout=120)
    line = err.decode().strip().splitlines()[-1]
    assert proc.returncode == 2 and b"Traceback" not in err, err.decode()
    assert (
        line.startswith("nnvox: error:")
        and "the size this system allows" in line
        and "ulimit -f" in line
        and f"previous {name} is kept" in line
    ), line
    assert contents(tmp_path / name) == previous and not temporaries(tmp_path) and not strays(tmp_path, name)
    assert_no_encoder(tmp_path)


# ---------------------------------------------------------------- outputs that cannot be written


def _bad_outputs(root: Path) -> dict[str, tuple[Path | str, str]]:
    """Bad output paths under `root`, each with what its one line says."""
    (root / "afile").write_text("a file")
    (root / "mine").mkdir()
    (root / "mine" / "thesis.tex").write_text("precious")
    (root / "hidden").mkdir()
    (root / "hidden" / ".keep").write_text("")
    (root / "nested").mkdir()
    (root / "nested" / "frames").mkdir()
    (root / "linked").symlink_to(root / "mine")
    (root / "frames_of_mine").mkdir()  # frame-NNNNN.png is what ffmpeg users name their own frames too
    (root / "frames_of_mine" / "frame-99999.png").write_bytes(b"my own frame")
    (root / "framelike" / "frame-00001.png").mkdir(parents=True)  # a folder named as a frame, holding the user's
    (root / "framelike" / "frame-00001.png" / "data.txt").write_text("mine")
    for folder in ("a.mp4", "a.gif", "a.webm", "a.mov", "a.png", "A.MP4"):
        (root / folder).mkdir()
    long = "x" * 240
    return {
        **{
            f"folder {f}": (root / f, "is a folder; give a file name")
            for f in ("a.mp4", "a.gif", "a.webm", "a.mov", "A.MP4")
        },
        "missing folder": (root / "missing" / "x.mp4", "does not exist; create it first"),
        "missing folders": (root / "missing" / "deeper" / "x.gif", "does not exist; create it first"),
        "file as folder": (root / "afile" / "x.mp4", "afile is a file, not a folder"),
        "file as folder, deeper": (root / "afile" / "sub" / "x.webm", "afile is a file, not a folder"),
        "sequence over a file": (root / "afile", "is a file; a PNG sequence is written to a folder"),
        "sequence over user files": (root / "mine", "not a PNG sequence .*thesis.tex"),
        "sequence over a hidden file": (root / "hidden", "not a PNG sequence"),
        "sequence over a subfolder": (root / "nested", "not a PNG sequence"),
        "sequence over a link to user files": (root / "linked", "not a PNG sequence"),
        "sequence named '.'": (".", "names no file or folder of its own"),  # pathlib drops a "." after a folder
        "sequence named '..'": (root / "mine" / "..", "names no file or folder of its own"),
        "the root": (Path("/"), "names no file or folder of its own"),
        "name too long": (root / (long + ".mp4"), "bytes long; use a name of at most"),
        "sequence name too long": (root / long, "bytes long; use a name of at most"),
        "folder name too long": (root / ("y" * 300) / "x.mp4", "File name too long"),
        "sequence over a folder named as a frame": (root / "framelike", "not a PNG sequence"),
        "sequence over frames nnvox did not write": (root / "frames_of_mine", "not a PNG sequence .*frame-99999.png"),
        "NUL in the name": (str(root / "x\0.mp4"), "NUL character"),
        "unknown suffix": (root / "x.avi", "cannot write x.avi: use a file ending in"),
        "text suffix": (root / "x.txt", "use a file ending in"),
        "a suffix alone": (root / "x.mp4.bak", "use a file ending in"),
        "in /proc": (Path("/proc/nnvox-export.mp4"), "proc"),
    }


def _expect_no_rendering(monkeypatch) -> None:
    """The output is checked before a scene is built or a frame rendered."""
    from nnvox.viewer import export as export_module

    def refuse(*args, **kwargs):
        raise AssertionError("rendering started before the output was checked")

    monkeypatch.setattr(export_module, "_Panes", refuse)


def test_outputs_that_cannot_be_written_are_one_line_before_rendering(digits_run, tmp_path, monkeypatch):
    """Through export() (videos and sequences) and render_png() (stills): 29 bad paths, nothing
    written or deleted anywhere."""
    from nnvox.viewer.export import export, render_png

    _expect_no_rendering(monkeypatch)
    cases = _bad_outputs(tmp_path)
    cases |= {
        "still into a folder": (tmp_path / "a.png", "is a folder"),
        "still as .mp4": (tmp_path / "x.mp4", "use a file ending in .png"),
    }
    assert len(cases) == 29
    before = sorted(p for p in tmp_path.rglob("*"))
    for what, (out, match) in cases.items():
        as_still = what.startswith("still")
        with pytest.raises(NnvoxError, match=match) as err:
            (render_png if as_still else export)(digits_run, out)
        assert "\n" not in str(err.value), what
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes into read-only folders (the root-proof cases are in the table)"
)
def test_a_read_only_folder_is_one_line(digits_run, tmp_path):
    from nnvox.viewer.export import export

    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        with pytest.raises(
            NnvoxError,
            match=r"cannot write there \(Permission denied, in .*ro\); make the folder writable or choose another",
        ):
            export(digits_run, tmp_path / "ro" / "x.mp4")
    finally:
        (tmp_path / "ro").chmod(0o755)


def test_a_folder_whose_temporary_cannot_be_made_is_one_line(digits_run, tmp_path, monkeypatch):
    """What os.access cannot see (root on a read-only disk): the first temporary file failing."""
    import builtins

    from nnvox.viewer.export import export

    real_open = builtins.open

    def read_only_disk(file, mode="r", *args, **kwargs):
        if "x" in mode or "w" in mode:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_disk)
    with pytest.raises(
        NnvoxError, match=r"\(Read-only file system, in .*\); choose a folder on a writable disk and export again"
    ):
        export(digits_run, tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


CLI_CASES = [  # (arguments after `nnvox`, what the one line says)
    (["export", "{run}", "a.mp4"], "is a folder"),
    (["export", "{run}", "missing/x.gif"], "does not exist"),
    (["export", "{run}", "afile/x.png"], "afile is a file"),
    (["export", "{run}", "mine"], "not a PNG sequence"),
    (["export", "{run}", "a.png", "--figure", "confusion"], "is a folder"),
    (["compare", "{run}", "{run}", "--out", "a.mp4"], "is a folder"),
]


def test_bad_outputs_through_the_cli_exit_2_with_one_line(digits_run, tmp_path):
    _bad_outputs(tmp_path)
    for args, match in CLI_CASES:
        done = subprocess.run(
            [NNVOX, *(a.format(run=digits_run.path) for a in args)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and match in lines[0], (args, done.stderr)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


# Paths made of the parts a hand or a script gets wrong: folders that exist or not, files in the
# way, dots, odd characters and suffixes.
_PART = st.sampled_from(
    [
        "afile",
        "mine",
        "a.mp4",
        "missing",
        ".",
        "..",
        "frames",
        "x.gif",
        "x.png",
        "x.mp4",
        "x.avi",
        "x.",
        ".mp4",
        "x.MP4",
        "é ü.mov",
        "sp ace.webm",
        "linked",
        "-",
        "~",
        "x" * 230,
    ]
)


@given(parts=st.lists(_PART, min_size=1, max_size=4))
def test_any_output_path_is_accepted_or_refused_in_one_line_touching_nothing(tmp_path_factory, parts):
    """100 generated paths in CI (a fixed seed): check_output says yes or one line; the folder
    tree is the same afterwards (nothing created, nothing removed)."""
    from nnvox.viewer.outputs import VIDEO_SUFFIXES, check_output

    root = tmp_path_factory.mktemp("paths")
    _bad_outputs(root)
    before = {p: p.read_bytes() if p.is_file() else None for p in root.rglob("*")}
    out = root.joinpath(*parts)
    try:
        checked = check_output(out, (*VIDEO_SUFFIXES, ""))
    except NnvoxError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert checked.parent.is_dir() and not (checked.suffix and checked.is_dir())
    assert {p: p.read_bytes() if p.is_file() else None for p in root.rglob("*")} == before


def test_the_window_saves_a_view_whole_or_says_why(digits_run, tmp_path, capsys):
    """The `k` key's view file: published whole (a storyboard never reads half of one); a folder
    that takes no file is a line in the window and on the terminal, not a crash."""
    from types import SimpleNamespace

    from nnvox.scenes.build import build_scene
    from nnvox.scenes.camera import overview
    from nnvox.viewer.window import Window

    hints = []
    pose = overview(build_scene(digits_run).bounds, 16 / 9)
    window = SimpleNamespace(
        views_dir=tmp_path,
        run=digits_run,
        mode="activations",
        panels=SimpleNamespace(say=hints.append),
        scene_renderer=SimpleNamespace(pose=lambda: pose),
        plotter=SimpleNamespace(render=lambda: None),
    )
    Window._save_view(window)
    assert os.listdir(tmp_path) == ["nnvox-view-1.toml"] and hints[-1].startswith(
        "saved the camera to nnvox-view-1.toml"
    )
    (tmp_path / "afile").write_text("")
    window.views_dir = tmp_path / "afile"
    Window._save_view(window)
    assert "Not a directory" in hints[-1] and capsys.readouterr().out.strip().splitlines()[-1].startswith(
        "nnvox: error:"
    )
    assert sorted(os.listdir(tmp_path)) == ["afile", "nnvox-view-1.toml"]

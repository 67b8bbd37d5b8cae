"""Chapter markers in storyboard videos, so a lecturer can skip to (and pause at) each part.

One chapter per shot, titled by its caption (a title card by its title), and inside a followed
forward pass with stage captions one per stage (its stage caption, from scenes/stage_captions.py's
caption_times). Times are the video's own: a shot starts after the frames of all shots before it
(frame_count; cross-fades and dissolves happen inside those frames), so a chapter starts on the
shot's first frame.

Chapters are added after encoding by a stream-copy remux (nothing re-encoded) with an FFMETADATA
file, into a second temporary that the writer publishes: the file under the final name is replaced
only when complete. Only containers that keep chapters get them (MP4, MOV); GIFs, WebMs and PNG
folders are written as before.
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
from pathlib import Path

# The muxers whose files keep chapters (ffmpeg's mp4 and mov write them as a chapter text track).
CHAPTER_MUXERS = ("mp4", "mov")
UNTITLED = "Shot"  # a shot with neither caption nor title


def board_chapters(board, fps: int, scene_of) -> list[tuple[float, str]]:
    """(start in seconds, title) of each chapter of `board` rendered at `fps`, in order. `scene_of(shot)`:
    the shot's scene (None for a title card), asked only for forward passes with stage captions and
    scrubs with stops."""
    from nnvox.scenes.shots import frame_count

    chapters: list[tuple[float, str]] = []
    frames = 0
    for k, shot in enumerate(board.shots):
        chapters.append((frames / fps, shot.caption or shot.title or f"{UNTITLED} {k + 1}"))
        inside = stage_chapters if shot.forward and shot.stage_captions else stop_chapters if shot.stops else None
        if inside is not None and (scene := scene_of(shot)) is not None:
            for at, text in inside(shot, scene):
                if text != chapters[-1][1]:  # on a frame of its own: the first at or after it
                    chapters.append(((frames + math.ceil(at * fps - 1e-6)) / fps, text))
        frames += frame_count(shot, fps)
    return chapters


def lazy_scenes(board):
    """A `scene_of` for board_chapters where no scenes are built yet (storyboard_parts' parent): each
    scene built once, when a followed pass with stage captions asks for it."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.storyboard_export import _open, _scene_key

    built: dict = {}

    def scene_of(shot):
        if shot.source is None:
            return None
        key = _scene_key(shot)
        if key not in built:
            built[key] = build_scene(_open(board, shot), key[1])
        return built[key]

    return scene_of


def stage_chapters(shot, scene) -> list[tuple[float, str]]:
    """A followed pass's stages as (seconds into the shot, caption): each where its step starts
    (pass_schedule: the first after the lead, though its caption shows from the shot's start), and
    the shot's own caption where the answer is reached; captions the pass does not show (too short
    to read, scenes/stage_captions.py) have none."""
    from nnvox.scenes.follow import pass_schedule
    from nnvox.scenes.stage_captions import caption_times

    lead = pass_schedule(scene.levels, shot.duration).lead
    return [(at or lead, text) for at, text in caption_times(shot, scene) if text and (at or lead) > 0]


def stop_chapters(shot, scene) -> list[tuple[float, str]]:
    """A scrub's stops (storyboard `stops`, scenes/scrub_stops.py) as (seconds into the shot, the
    heads-up's words for the snapshot held: "Epoch 4 of 10"); one held from the shot's start has the
    shot's own chapter."""
    import numpy as np

    from nnvox.scenes.heads_up import progress_text
    from nnvox.scenes.scrub_stops import scrub_stops
    from nnvox.scenes.storyboard import scrubbed

    snapshots = scrubbed(shot, scene.n_snapshots - 1)
    sample = shot.view.sample if shot.view.mistake is None else scene.probe_count + shot.view.mistake - 1
    stops, times = scrub_stops(scene, sample, snapshots, shot.duration)
    begins = np.concatenate([[0.0], np.cumsum(times)[:-1]])
    records = scene.source.run.snapshots
    words = [progress_text(s.epoch, s.step, s.index, records[-1]) for s in (records[snapshots[k]] for k in stops)]
    return [(float(begins[k]), w or f"Snapshot {snapshots[k] + 1}") for k, w in zip(stops, words) if begins[k] > 0]


def _escaped(text: str) -> str:
    """FFMETADATA's escapes: '=', ';', '#', '\\' and newlines are preceded by a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", text)


def ffmetadata(chapters: list[tuple[float, str]], seconds: float) -> str:
    """An FFMETADATA file of `chapters` (each lasting until the next, the last until `seconds`)."""
    lines = [";FFMETADATA1"]
    ends = [start for start, _ in chapters[1:]] + [seconds]
    for (start, title), end in zip(chapters, ends):
        ms = round(start * 1000), round(end * 1000)
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={ms[0]}",
            f"END={max(ms[0], ms[1])}",
            f"title={_escaped(title)}",
        ]
    return "\n".join(lines) + "\n"


def remux_command(source: Path, metadata: Path, out: Path, muxer: str) -> list[str]:
    """ffmpeg copying `source`'s streams into `out` with `metadata`'s chapters (faststart for MP4)."""
    import imageio_ffmpeg

    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(source), "-i", str(metadata)]
    cmd += ["-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy"]
    cmd += ["-movflags", "+faststart"] if muxer == "mp4" else []
    return [*cmd, "-f", muxer, str(out)]


def add_chapters(source: Path, out: Path, chapters, seconds: float, muxer: str, start) -> tuple[int, str]:
    """Write `source` with `chapters` to `out`, ffmpeg started by `start` (video.start_encoder: it dies
    with us); ffmpeg's exit code and messages."""
    with tempfile.TemporaryDirectory(prefix="nnvox-chapters-") as folder:
        metadata = Path(folder) / "chapters.txt"
        metadata.write_text(ffmetadata(chapters, seconds), encoding="utf-8")
        proc = start(
            remux_command(source, metadata, out, muxer),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, err = proc.communicate()
    return proc.returncode, err.decode(errors="replace").strip()


def read_chapters(path: Path) -> list[tuple[float, float, str]]:
    """(start, end in seconds, title) of the chapters in `path`, as ffmpeg reads them back."""
    import imageio_ffmpeg

    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-f", "ffmetadata", "-"]
    text = subprocess.run(cmd, capture_output=True, check=True).stdout.decode()
    chapters = []
    for block in text.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        num, den = (int(v) for v in fields["TIMEBASE"].split("/"))
        title = re.sub(r"\\(.)", r"\1", fields.get("title", ""))
        chapters.append((int(fields["START"]) * num / den, int(fields["END"]) * num / den, title))
    return chapters

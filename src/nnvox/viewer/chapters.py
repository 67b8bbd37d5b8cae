"""Chapter markers in storyboard videos, so a lecturer can skip to (and pause at) each part.

One chapter per shot, titled by the caption on screen at its start (a title card by its title), and
one inside a shot wherever its words change on screen (shot_marks): a followed forward pass's stage
captions (scenes/stage_captions.py), a scrub's snapshot named by the heads-up ("Epoch 4 of 10", every
one passed or stopped on), an explained layer's heading (each position the window walks or stops on,
its sweep, its last). Times are the video's own, read off the frames as shots.shot_frames times them:
a shot starts after the frames of all shots before it (frame_count; cross-fades, dips and dissolves
happen inside those frames), so a chapter starts on the shot's first frame, or on the first frame of
a camera move's dissolve into it, and one inside a shot on the first frame its new words show.

Chapters are added after encoding by a stream-copy remux (nothing re-encoded) with an FFMETADATA
file, into a second temporary that the writer publishes: the file under the final name is replaced
only when complete. Only containers that keep chapters get them (MP4, MOV); GIFs, WebMs and PNG
folders are written as before.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

# The muxers whose files keep chapters (ffmpeg's mp4 and mov write them as a chapter text track).
CHAPTER_MUXERS = ("mp4", "mov")
UNTITLED = "Shot"  # a shot with neither caption nor title


def board_chapters(board, fps: int, scene_of) -> list[tuple[float, str]]:
    """(start in seconds, title) of each chapter of `board` rendered at `fps`, in order. `scene_of(shot)`:
    the shot's scene (None for a title card), asked only for the shots whose words change inside them
    (shot_marks). A shot's chapter starts on its first frame, or where the shot before starts to
    dissolve into it (a camera "move", shot_changes.MOVE_FADE: its texts switch from there), titled
    by the caption on screen at its start (a forward pass's: its first stage's, not its summary,
    which shows only at the answer: watch 10, finding 8)."""
    from nnvox.scenes.shot_changes import move_fade_frames
    from nnvox.scenes.shots import frame_count
    from nnvox.scenes.storyboard import transitions

    ways = transitions(board)
    dissolves = move_fade_frames(board, fps, ways)
    chapters: list[tuple[float, str]] = []
    frames = 0
    for i, shot in enumerate(board.shots):
        own = shot.caption or shot.title or f"{UNTITLED} {i + 1}"
        scene = scene_of(shot) if _changes_inside(shot) else None
        marks = shot_marks(board, i, scene, fps, ways) if scene is not None else []
        start = max(frames - dissolves[i], round(chapters[-1][0] * fps) + 1 if chapters else 0)
        chapters.append((start / fps, (marks[0] if shot.forward and marks and marks[0] else own)))
        for k in range(1, len(marks)):
            if marks[k] and marks[k] != marks[k - 1] and marks[k] != chapters[-1][1]:
                chapters.append(((frames + k) / fps, marks[k]))
        frames += frame_count(shot, fps)
    return chapters


def lazy_scenes(board):
    """A `scene_of` for board_chapters where no scenes are built yet (storyboard_parts' parent): each
    scene built once, when a shot whose words change inside it asks for it."""
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


def _changes_inside(shot) -> bool:
    """Whether `shot` shows words that change inside it: a followed pass's stage captions, a scrub's
    stops (the heads-up's epoch), an explained layer's heading (where the window stands)."""
    return bool(shot.forward and shot.stage_captions) or shot.stops is not None or shot.explain is not None


def shot_marks(board, i: int, scene, fps: int, ways: list[str]) -> list[str | None]:
    """For each frame of shot i (as shots.shot_frames times them: frame k at k / (n - 1) of the
    shot), the words that name it where they change inside the shot: a followed pass's stage caption
    (None where it shows none), a scrub's heads-up epoch ("Epoch 4 of 10"), an explained layer's
    heading ("conv1: map 0, row 6, column 17", "conv1: map 0, sliding to row 27, column 27")."""
    shot = board.shots[i]
    n = frame_count_of(shot, fps)
    progress = [k / max(n - 1, 1) for k in range(n)]
    if shot.forward and shot.stage_captions:
        from nnvox.scenes.stage_captions import stage_caption

        caption = stage_caption(shot, scene)
        return [caption(p)[0] for p in progress]
    if shot.stops is not None:
        return stop_marks(shot, scene, fps, progress)
    return explain_marks(board, i, scene, ways, progress)


def frame_count_of(shot, fps: int) -> int:
    """The shot's frames (shots.frame_count)."""
    from nnvox.scenes.shots import frame_count

    return frame_count(shot, fps)


def stop_marks(shot, scene, fps: int, progress: list[float]) -> list[str]:
    """A scrub with stops (storyboard `stops`, scenes/scrub_stops.py): the heads-up's words for the
    snapshot each frame shows, every snapshot passed or stopped on (watch 10, finding 7: with chapters
    at the stops alone, "Epoch 1 of 10" ran over epochs 2 and 3)."""
    from nnvox.scenes.heads_up import progress_text
    from nnvox.scenes.shots import stopping_scrub

    at = stopping_scrub(shot, scene, fps)
    records = scene.source.run.snapshots
    words = []
    for p in progress:
        index = round(at(p))
        s = records[index]
        words.append(progress_text(s.epoch, s.step, index, records[-1]) or f"Snapshot {index + 1}")
    return words


def explain_marks(board, i: int, scene, ways: list[str], progress: list[float]) -> list[str]:
    """An explained layer (storyboard `explain`): the heading's words where the window stands (each
    position it walks or stops on), or where it sweeps to, without the count computed, which changes
    at every position of a sweep (watch 10, finding 7: one 26 s chapter over five states)."""
    from nnvox.scenes.explain import shot_explanation
    from nnvox.scenes.shot_changes import coming_in, going_out
    from nnvox.scenes.storyboard import resolve
    from nnvox.viewer.overlays.explain_inset import BREAK, heading_words

    shot, run = board.shots[i], scene.source.run
    last = scene.n_snapshots - 1
    t = resolve(shot.timeline[0], last) if shot.timeline is not None else float(last)
    lead, tail = coming_in(board, i, ways[i]), going_out(board, i, ways)
    explained = shot_explanation(board, shot, run, scene, lead, tail)
    return [heading_words(explained.at(p, t)).split(BREAK)[0] for p in progress]


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

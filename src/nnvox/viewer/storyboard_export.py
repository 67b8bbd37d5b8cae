"""render_storyboard(FILE, OUT): every shot of a storyboard, one video (or PNG sequence)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from nnvox.capture.run import open_run
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.explain import Explanation, focused, shot_explanation
from nnvox.scenes.frames import nearest_snapshot
from nnvox.scenes.histogram import HistogramSource, steady
from nnvox.scenes.presets import output_size
from nnvox.scenes.scene import CHANGE_MODES
from nnvox.scenes.shot_changes import coming_in, cross_fade_frames, dip_levels, going_out, move_fade_frames
from nnvox.scenes.shot_subject import shot_subject
from nnvox.scenes.shots import ShotFrame, forward_light, frame_count, shot_frames
from nnvox.scenes.storyboard import (
    Shot,
    Storyboard,
    check_layers,
    check_runs,
    check_stage_captions,
    load_storyboard,
    transitions,
)
from nnvox.scenes.view import OutputSpec, check_applies, frames_units, specs_from
from nnvox.viewer.cross_fade import Layers, as_image, as_layers, cross_fade, dipped, render_layers, texts_switched
from nnvox.viewer.grid_dissolve import pose_dissolve
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.legend_pace import camera_stops

CAPTION_FADE = 0.35  # seconds a caption takes to fade in and out
# The poses a second at which a shot decides its labels (which show, on which side, in which form):
# a camera moves little in a tenth of a second, and settling at every frame of a 30 fps export was
# 70% of its CPU (the frames between keep the held sides, each laid out as it is drawn)
SETTLE_POSES_PER_SECOND = 10


def _fade(progress: float, duration: float, seconds: float) -> float:
    """Opacity of something shown for a whole shot, fading in at its start and out at its end."""
    if seconds <= 0:
        return 1.0
    t = progress * duration
    return float(np.clip(min(t, duration - t) / seconds, 0.0, 1.0))


def settle_poses(frames: list, seconds: float) -> list:
    """The frames a shot decides its labels at: SETTLE_POSES_PER_SECOND, evenly, with its last."""
    step = max(1, int(len(frames) / max(seconds, 1e-9) / SETTLE_POSES_PER_SECOND))
    return frames[::step] + ([frames[-1]] if (len(frames) - 1) % step else [])


def _scene_key(shot: Shot) -> tuple:
    """Shots that draw the same scene share it (and its renderer); a shot that opens a layer draws
    the scene with it open (its maps fly there from the stack as the shot starts)."""
    options = shot.view.scene_options()
    if shot.open:
        options = dataclasses.replace(options, opened=frozenset(shot.open))
    return shot.source, options


def _open_layout_key(shot: Shot) -> tuple:
    """What decides where an open shot's maps or tiles stand: its scene, with the weights modes as
    one (they draw the same weights in the same places, only coloured by another measure)."""
    source, options = _scene_key(shot)
    if options.mode in ("weights", *CHANGE_MODES):
        options = dataclasses.replace(options, mode="weights")
    return source, options


def _opening(board: Storyboard, i: int, way: str) -> tuple[bool, bool]:
    """How shot i's open layers come in: (whether they fly out of the stack at its start, whether the
    shot before already showed the same layout open). They fly where the camera carries on from the
    shot before (`way` "move") or the video starts with them, and not where that shot showed them
    open (the same scene, or the same weights in another weights mode): there they stay open, framed
    as they were. After a dip or a cut to another scene they stand open from the first frame, as an
    edit to a new scene does (the lecture's weights shot, flying in after a dip, flashed a
    screen-filling slab of tiles as its camera closed in)."""
    shots, key = board.shots, _open_layout_key(board.shots[i])
    shown = i > 0 and shots[i - 1].source is not None and _open_layout_key(shots[i - 1]) == key
    return (way == "move" or i == 0) and not shown, shown


def _open(board: Storyboard, shot: Shot):
    """A run folder, or a model run once (on a random input unless given one), its errors on the shot's line."""
    try:
        if shot.model is None:
            return open_run(shot.run)
        from nnvox.capture.targets import open_target

        return open_target(shot.model, input_shape=shot.input_shape, weights=shot.weights, mode=shot.view.mode)
    except NnvoxError as exc:
        raise NnvoxError(
            f"{board.path.name}, line {shot.lines.get('model', shot.lines.get('run', shot.line))}: {exc}"
        ) from None


class _Scenes:
    """One scene, renderer and histogram source per (source, mode) the storyboard uses, made once."""

    def __init__(self, board: Storyboard, options: RenderOptions):
        self.options = options
        runs = {}
        for shot in board.shots:
            if shot.source is not None and shot.source not in runs:
                runs[shot.source] = _open(board, shot)
        check_runs(board, runs)
        self.runs = runs
        self.scenes = {}
        for shot in board.shots:
            if shot.source is None:
                continue
            key = _scene_key(shot)
            if key not in self.scenes:
                try:
                    self.scenes[key] = build_scene(runs[shot.source], key[1])
                except NnvoxError as exc:
                    line = shot.lines.get("attribution", shot.lines.get("mode", shot.line))
                    line = shot.lines.get("open", line) if str(exc).startswith("open:") else line
                    raise NnvoxError(f"{board.path.name}, line {line}: {exc}") from None
            check_layers(board, shot, [b.name for b in self.scenes[key].blocks])
            check_stage_captions(board, shot, self.scenes[key])  # each one shown, before anything renders
        ways = transitions(board)  # how each shot comes in
        self.explanations = {
            id(s): self._explanation(board, s, coming_in(board, i, ways[i]), going_out(board, i, ways))
            for i, s in enumerate(board.shots)
            if s.explain is not None
        }
        self._renderers, self._histograms = {}, {}

    def _explanation(self, board: Storyboard, shot: Shot, lead: float, tail: float = 0.0) -> Explanation:
        """A shot's explained layer, checked against its run and scene before anything renders; its
        window waits `lead` seconds while the shot comes in (shot_changes.coming_in) and has reached
        the map's end `tail` seconds before it ends (shot_changes.going_out)."""
        return shot_explanation(board, shot, self.runs[shot.source], self.scenes[_scene_key(shot)], lead, tail)

    def renderer(self, key, hud: str):
        """A scene's renderer in a heads-up style (shots of one scene in two styles: two renderers)."""
        if (key, hud) not in self._renderers:
            from nnvox.viewer.offscreen import OffscreenRenderer

            options = dataclasses.replace(self.options, hud=hud, show_marks=frames_units(hud, storyboard=True))
            self._renderers[key, hud] = OffscreenRenderer(self.scenes[key], options)
        return self._renderers[key, hud]

    def scene_of(self, shot: Shot):
        """The shot's scene; None for a title card."""
        return None if shot.source is None else self.scenes[_scene_key(shot)]

    def histograms(self, key) -> HistogramSource:
        if key not in self._histograms:
            self._histograms[key] = HistogramSource(self.scenes[key])
        return self._histograms[key]

    def drop_renderers(self, keys) -> None:
        """Close the renderers of `keys` ((scene key, heads-up style)) made so far: the next shots
        draw with new ones, free of their state."""
        for key in set(keys) & set(self._renderers):
            self._renderers.pop(key).close()

    def close(self) -> None:
        for r in self._renderers.values():
            r.close()


def _figure(
    board: Storyboard, shot: Shot, run, index: int, width: int, height: int, options: RenderOptions
) -> np.ndarray:
    from nnvox.viewer.figures import figure_image

    try:
        image = figure_image(
            run,
            shot.figure,
            t=index,
            layer=shot.layer,
            width=width,
            height=height,
            voxel=shot.voxel,
            sample=shot.sample_in(run),
        )
    except NnvoxError as exc:
        raise NnvoxError(f"{board.path.name}, line {shot.lines.get('figure', shot.line)}: {exc}") from None
    if options.transparent:
        image = np.concatenate([image, np.full((*image.shape[:2], 1), 255, np.uint8)], axis=2)
    return image


class _Painter:
    """The images of a shot, frame by frame: a title card, a 2D figure, or its scene under its camera."""

    def __init__(self, board: Storyboard, scenes: _Scenes, options: RenderOptions):
        self.board, self.scenes, self.options = board, scenes, options
        self.cards = None
        self.last_pose = None  # the camera's pose at the last frame of the shot painted last
        self.last_labels: dict = {}  # where its labels stood then (LabelLayout.carried): a move starts from them

    def images(
        self,
        shot: Shot,
        fps: int,
        layered: set[int] = frozenset(),
        opening=(True, False),
        moves: bool = False,
        drawn_from: int = 0,
    ) -> Iterator[np.ndarray | Layers | None]:
        """Frame by frame; a scene's frames numbered in `layered` (those a cross-fade mixes, -1 the
        last) as Layers, so that only their 3D picture blends. `opening`: (opens, shown_before), see
        _opening and shots.shot_frames;
        `moves`: the camera carries on from the last pose of the shot painted before;
        `drawn_from`: a scene's frames before it not drawn (None), the shot only rehearsed (rehearse)."""
        key = _scene_key(shot)
        renderer = self.scenes.renderer(key, shot.view.hud) if shot.source is not None and shot.figure is None else None
        scene = self.scenes.scenes.get(key)
        aspect = renderer.scene_renderer.aspect if renderer else self.options.width / self.options.height
        explained = self.scenes.explanations.get(id(shot))
        framed = [n for n in (shot.explain, explained.source) if n] if explained else None
        reach = explained.reach if explained else 0
        carried = self.last_pose if moves else None
        beside = renderer.scene_renderer.class_room() if renderer else 0.0  # the class texts' room
        opens, shown_before = opening
        frames = shot_frames(
            shot,
            scene,
            aspect,
            fps,
            framed,
            opens=opens,
            shown_before=shown_before,
            reach=reach,
            carried=carried,
            beside=beside,
            safe=renderer.scene_renderer.safe_share() if renderer else 0.0,
            dock=_dock_room(renderer.scene_renderer) if renderer and shot.view.mistake is not None else 0.0,
        )
        self.last_pose = frames[-1].pose
        if shot.figure is not None:
            return self._figures(shot, frames)
        if renderer is None:
            return self._card(shot, frames)
        layered = {k % len(frames) for k in layered}
        return self._scene(shot, frames, renderer, scene, key, layered, moves, drawn_from)

    def _figures(self, shot: Shot, frames) -> Iterator[np.ndarray]:
        figures: dict[int, np.ndarray] = {}  # a figure changes only from one snapshot to the next
        for f in frames:
            nearest = round(f.t)
            if nearest not in figures:
                figures[nearest] = _figure(
                    self.board,
                    shot,
                    self.scenes.runs[shot.source],
                    nearest,
                    self.options.width,
                    self.options.height,
                    self.options,
                )
            yield figures[nearest]

    def _card(self, shot: Shot, frames) -> Iterator[np.ndarray]:
        from nnvox.viewer.cards import CardRenderer

        self.cards = self.cards or CardRenderer(self.options)
        fade_seconds = min(0.5, shot.duration / 4)
        drawn: tuple | None = None  # the last opacity drawn and its image: a card held whole is drawn once
        for f in frames:
            fade = _fade(f.progress, shot.duration, fade_seconds)
            if drawn is None or drawn[0] != fade:
                drawn = (fade, self.cards.render(shot.title, shot.subtitle, fade))
            yield drawn[1]

    def _scene(
        self, shot: Shot, frames, renderer, scene, key, layered: set[int], moves: bool = False, drawn_from: int = 0
    ) -> Iterator[np.ndarray | Layers | None]:
        sample = shot.sample_in(self.scenes.runs[shot.source])
        pane = renderer.scene_renderer
        explained = self.scenes.explanations.get(id(shot))
        histograms = self._histograms(shot, key, frames, sample)
        pane.set_subject(shot_subject(shot))  # its labels at the subject's size
        pane.overlays.class_rows.dock(shot.view.mistake is not None)  # a mistake's answer kept on screen
        # what moves on by itself from picture to picture (a bar's fade, a docked list's light) at
        # the shot's pace: already as the labels settle (they keep off the bars and the list)
        pane.pace(len(frames) / shot.duration)
        if pane.overlays.hud is not None:  # a scrub over training: the sample's scores so far (overlays/hud.py)
            stops = [nearest_snapshot(f.t) for f in frames]  # the snapshots its pictures show
            pane.overlays.hud.show_scores(min(stops) if len(set(stops)) > 1 else None)
        if pane.overlays.legends is not None:  # its notes (none under an explaining inset)
            pane.overlays.legends.show_notes(len({round(f.t) for f in frames}) > 1, shown=explained is None)
        values = shot_values(scene, frames, sample)  # each position's values read once for the passes and the render
        if pane.label_layout is not None:  # class texts keep one form, labels which show and where, through the shot
            place = lambda f: _place(pane, f, _lit_as_drawn(scene, f, values(f.t, f.reveal)), f.caption)
            poses = settle_poses(frames, shot.duration)
            pane.label_layout.settle_class_forms(poses, place)
            pane.label_layout.carry_on(self.last_labels if moves else {})  # a move's labels stay put
            pane.label_layout.settle_label_sides(poses, place, picture_repeats(poses))
        pane.overlays.open_maps.settle(frames, lambda f: _place(pane, f))  # a map's name one size through the shot
        pane.pace(len(frames) / shot.duration)  # again: the first picture draws its bars as they stand, not as settled
        drawn: tuple | None = None  # the last frame drawn plainly, and what it was drawn from (_still)
        stops = camera_stops([f.pose for f in frames], len(frames) / shot.duration)  # (_legends_ahead)
        for k, f in enumerate(frames):
            caption = _fade(f.progress, shot.duration, CAPTION_FADE) * f.caption_shown  # (a stage's switch)
            pane.open_to(f.opened)
            _legends_ahead(pane, frames[stops[k][0]].pose, stops[k][1])
            pane.apply_pose(f.pose)
            if pane.label_layout is not None:  # a label shown for part of the shot (label_layout.LabelWindows)
                pane.label_layout.at_progress(f.progress)
            pane.set_caption(f.caption, caption)  # a forward pass's stage's, or the shot's
            pane.overlays.edge_fade.show(*f.sides)  # a close-up's sides fading out (scenes/close_up.py)
            histogram = histograms[k]
            frame = _lit_as_drawn(scene, f, values(f.t, f.reveal))
            moment = explained.at(f.progress, f.t) if explained else None
            pane.show_explain(moment)  # hidden (None) on the scene's other shots
            if moment is not None:
                frame = focused(frame, moment)
            if k < drawn_from:
                yield None
            elif k in layered:
                yield render_layers(renderer, frame, histogram)
            elif f.labels < 1.0 and f.opened >= 1.0:
                yield _labels_fading(renderer, frame, histogram, f.labels)
            elif f.dissolve is not None:  # from one open grid alone to all of them (shots.grids_dissolve)
                yield pose_dissolve(renderer, frame, histogram, *f.dissolve)
            else:
                # a picture drawn again while an overlay moves on (a bar mid-fade, a list's light
                # rising) would freeze it: reused only while all are steady
                still = _still(f, caption, moment) if histogram is None and pane.steady else None
                if drawn is None or still is None or drawn[0] != still:
                    drawn = (still, renderer.render(frame, histogram))
                yield drawn[1]
        self.last_labels = pane.label_layout.carried() if pane.label_layout is not None else {}

    def _histograms(self, shot: Shot, key, frames, sample: int) -> list:
        """The shot's histogram panel at each frame (None where it shows none), on one axis and in
        one wording over the shot (scenes/histogram.steady)."""
        if not shot.view.histogram:
            return [None] * len(frames)
        source = self.scenes.histograms(key)
        return steady([source.at(shot.view.histogram, f.t, sample=sample) for f in frames])

    def close(self) -> None:
        if self.cards is not None:
            self.cards.close()


FRAMES_KEPT_BYTES = 256 * 2**20  # a shot's frames kept for its passes and render where they fit in this


def shot_values(scene, frames, sample: int):
    """`frame_at` for a storyboard shot's `frames`, each (position, reveal) computed once: the label
    settling passes place every frame twice before the render draws it (a cache of 4 read a moving
    timeline's snapshots three times over). Every frame kept where all fit in FRAMES_KEPT_BYTES,
    else the last 4 (a large network's long replay)."""
    at = lambda t, reveal: scene.frame_at(t, sample=sample, reveal=reveal)
    positions = len({(f.t, f.reveal) for f in frames})
    size = sum(4 * b.panels * b.rows * b.cols for b in scene.blocks)  # a frame's float32 values
    return functools.lru_cache(maxsize=None if positions * size <= FRAMES_KEPT_BYTES else 4)(at)


def picture_repeats(frames: list) -> list[int]:
    """For each of `frames`, the index of the first of its run of frames drawing the same picture
    as it, their progress aside (a held camera on a held snapshot: the lecture's stops and holds,
    about two thirds of its settle poses): a label settle lays each run out once."""
    keys = [_still(f, f.caption_shown, None) for f in frames]
    firsts = []
    for k, key in enumerate(keys):
        firsts.append(firsts[-1] if k and key == keys[k - 1] else k)
    return firsts


def _still(f: ShotFrame, caption: float, moment) -> tuple:
    """All a plain frame of a scene shot is drawn from, its progress aside: two frames alike draw the
    same picture, drawn once (a scrub's held snapshot, an explained stop, a held answer: 30-40% of
    the lecture's frames)."""
    at = None if moment is None else (moment.done, moment.stopped, moment.sweeping, moment.heading, moment.walking)
    pose = None if f.pose is None else np.round(np.hstack(dataclasses.astuple(f.pose)), 9).tobytes()  # float noise
    return (
        dataclasses.replace(f, progress=0.0, pose=None),
        pose,
        caption,
        at,
        None if moment is None else (moment.legible, moment.titled),
    )


def _legends_ahead(pane, stop, seconds: float) -> None:
    """The legends told the view where the camera stops, `seconds` on (the `stop` pose: its picture's
    apply_pose follows): their changes ride the camera's move, done as it stops (overlays/legend_pace.py)."""
    if pane.overlays.legends is not None and stop is not None:
        pane.apply_pose(stop)
        pane.overlays.legends.head_for(seconds)


def _lit_as_drawn(scene, f, frame):
    """`frame`, the values at shot frame `f`'s position, lit as `f` draws it: a forward pass starts
    from the network lit (shots.forward_light), for the picture and the labels' settling alike."""
    if f.dimmed is None:
        return frame
    return dataclasses.replace(frame, lit=forward_light(scene, f.reveal, f.dimmed))


def _place(pane, f, frame=None, caption: str | None = None) -> None:
    """The pane as frame `f` draws it: its open layers as open as then, its camera at its pose, and
    with `frame`, its values (an output's list of top classes stands where it will: from its
    column's top in a shot, steady_lists) and `caption` (labels keep off its band) written, for the
    label layout to settle on."""
    pane.open_to(f.opened)
    pane.apply_pose(f.pose)
    if frame is not None:
        pane.set_caption(caption)
        pane.draw(frame)


def _labels_fading(renderer, frame, histogram, shown: float) -> np.ndarray:
    """A frame with the open layout's labels and kernels `shown` (0..1) of the way faded in: the
    frame drawn with and without them, mixed."""
    pane = renderer.scene_renderer
    pane.show_open_layout(False)
    try:
        without = renderer.render(frame, histogram).astype(np.float32)
    finally:
        pane.show_open_layout(True)
    full = renderer.render(frame, histogram).astype(np.float32)
    return np.clip(without + shown * (full - without) + 0.5, 0, 255).astype(np.uint8)


def render_storyboard(
    storyboard: str | Path,
    out: str | Path,
    *,
    output: OutputSpec | None = None,
    progress: bool = True,
    workers: int = 1,
    **options,
) -> Path:
    """Render a storyboard to `out` (.mp4, .webm, .mov, .gif, or a folder of PNGs). `output` (an
    OutputSpec, or its `preset`, `size` and `fps` as keywords) overrides the storyboard's [video] table.
    `workers` > 1: an .mp4's independent runs of shots (storyboard_parts.py) rendered by that many
    processes at once, each encoded apart and joined without re-encoding: the same frames."""
    from nnvox.viewer.chapters import board_chapters
    from nnvox.viewer.export import ProgressBar, interrupts_between_frames
    from nnvox.viewer.outputs import VIDEO_SUFFIXES, check_output
    from nnvox.viewer.video import open_writer

    view, output = specs_from(None, output, options, where="render_storyboard")
    check_applies("a storyboard (its shots set their own)", view, output)
    board = load_storyboard(storyboard)
    out = check_output(out, (*VIDEO_SUFFIXES, ""))
    width, height, fps = _size(board, output)
    if workers > 1 and out.suffix.lower() == ".mp4" and not board.transparent:
        from nnvox.viewer.storyboard_parts import render_parts, runs_of_shots

        if len(runs_of_shots(board, fps)) > 1:
            return render_parts(board, out, output, workers=workers, progress=progress)
    look = board_look(board, width, height)
    scenes = _Scenes(board, look)
    total = sum(frame_count(s, fps) for s in board.shots)
    chapters = board_chapters(board, fps, scenes.scene_of)  # before the encoder starts: nothing to stop if it fails
    writer = open_writer(
        out, width, height, fps, transparent=board.transparent, crf=board.crf, gif_max_mb=board.gif_max_mb
    )
    writer.set_chapters(chapters)
    painter = _Painter(board, scenes, look)
    try:
        with writer, ProgressBar(progress, total, out) as tick, interrupts_between_frames() as check:

            def write(image: np.ndarray) -> None:
                check()
                writer.write(image)
                tick()

            write_shots(board, painter, range(len(board.shots)), fps, write)
    finally:
        scenes.close()
        painter.close()
    return out


def board_look(board: Storyboard, width: int, height: int) -> RenderOptions:
    """How the storyboard's frames are drawn at `width` x `height`."""
    background = {"background": board.background} if board.background else {}
    return RenderOptions(width=width, height=height, transparent=board.transparent, **background)


def write_shots(board: Storyboard, painter: _Painter, shots, fps: int, write) -> None:
    """The frames of the storyboard's `shots` (indices, in order), each passed to `write`: every shot,
    or runs of them that need nothing of the shots before (storyboard_parts.runs_of_shots)."""
    moves = transitions(board)
    blends, levels = cross_fade_frames(board, fps, moves), dip_levels(board, fps, moves)
    dissolves = move_fade_frames(board, fps, moves)
    look = painter.options
    previous: Layers | None = None  # the last frame of the shot before: cross-fades start from it
    held: list[Layers] = []  # its last frames, where the next shot moves on: they dissolve into its first
    for i in shots:
        shot, blend = board.shots[i], blends[i]
        fading = dissolves[i + 1] if i + 1 < len(dissolves) else 0  # its last frames, into the next
        layered = _layered(blends, dissolves, i)
        drawn_frames = painter.images(shot, fps, layered, _opening(board, i, moves[i]), moves[i] == "move")
        keep = frame_count(shot, fps) - fading
        for k, (image, drawn) in enumerate(_composed(drawn_frames, previous, blend, levels[i], look)):
            if k == 0 and held:  # the shot before's last frames, held, dissolve into this first one
                for frame in dissolving(held, as_layers(drawn)):
                    write(frame)
                held = []
            if k < keep:
                write(image)
            else:
                held.append(as_layers(drawn))
            last = drawn
        previous = as_layers(last) if i + 1 < len(blends) and blends[i + 1] else None


def _layered(blends: list[int], dissolves: list[int], i: int) -> set[int]:
    """Shot i's frames drawn as Layers: those a cross-fade mixes, and those whose texts switch in a
    move's dissolve (write_shots)."""
    fading = dissolves[i + 1] if i + 1 < len(dissolves) else 0
    layered = set(range(blends[i])) | ({-1} if i + 1 < len(blends) and blends[i + 1] else set())
    return layered | set(range(-fading, 0)) | ({0} if dissolves[i] else set())


def rehearse(board: Storyboard, painter: _Painter, i: int, fps: int, drawn: int) -> None:
    """Shot i as write_shots draws it, for what its renderer keeps from it (the label layout's held
    sides and places, its texts' measures), its pictures not drawn but for its last `drawn`: a
    worker that starts at a later shot of the same renderer then draws that shot as one process
    would (storyboard_parts.py)."""
    moves = transitions(board)
    blends, dissolves = cross_fade_frames(board, fps, moves), move_fade_frames(board, fps, moves)
    opening, carried = _opening(board, i, moves[i]), moves[i] == "move"
    start = frame_count(board.shots[i], fps) - drawn
    shot = board.shots[i]
    pictures = painter.images(shot, fps, _layered(blends, dissolves, i), opening, carried, drawn_from=start)
    if shot.source is None or shot.figure is not None:  # a title card or a 2D figure keeps nothing: not drawn
        return
    for _ in pictures:
        pass


def _composed(drawn_frames, previous: Layers | None, blend: int, level: np.ndarray, look: RenderOptions):
    """A shot's frames as written, each with the frame as drawn: its first `blend` cross-faded from
    the shot before's last (`previous`), each dipped to its `level` (1: as drawn)."""
    for k, drawn in enumerate(drawn_frames):
        # a cross-fade from the shot before mixes the pictures, never the texts
        image = cross_fade(previous, as_layers(drawn), (k + 1) / (blend + 1)) if k < blend else as_image(drawn)
        if level[k] < 1:  # a dip: this shot's frame alone, towards the background
            image = dipped(image, look.background, level[k])
        yield image, drawn


def dissolving(held: list[Layers], into: Layers) -> list[np.ndarray]:
    """The shot before's last frames `held`, dissolved towards `into`, the first frame of the shot
    that carries its camera on (the same pose): its texts and marks that the new shot does not show
    fade out, then the new ones in (cross_fade.texts_switched), and the new shot starts whole
    (shot_changes.MOVE_FADE)."""
    n = len(held)
    return [texts_switched(layers, into, (j + 1) / (n + 1)) for j, layers in enumerate(held)]


def _size(board: Storyboard, output: OutputSpec) -> tuple[int, int, int]:
    """Width, height and fps: the [video] table's, where `output` gives none ("" or 0 given is checked, not ignored)."""
    _pick = lambda given, own: own if given is None else given
    return output_size(_pick(output.preset, board.preset), _pick(output.size, board.size), _pick(output.fps, board.fps))


def _dock_room(pane) -> float:
    """Of `pane`'s width, the room a mistake's close-up keeps right of its subject for the docked
    answer list (class_room.dock_room)."""
    from nnvox.viewer.class_room import dock_room

    return dock_room(pane.scene, pane.options, pane.stage.pane_width, pane.stage.pane_height)

"""The label policy checked from picture reports (viewer/report.py), shared by the zoo's test
(tests/viewer/test_label_policy.py) and the realistic-depth corpus's (tests/real_models/
test_realistic_overviews.py): each model's scene drawn at 480p, 1080p and 2160p and three camera
angles; in each picture no two labels overlap, no label covers another block's rectangle, none hangs
off the picture, and every stage (block_text.stage_of: a top-level module, or a base-model
wrapper's child) is named: at 1080p and up the overview names every stage but at most two, by the
label of any of its blocks (with labels at the hall's size, 3.7% of the frame's height in bold at
every size, a crowded overview may leave two unnamed: ResNet-18's layer1 and avgpool); at any size and angle
a stage goes unnamed only when each of its labels found no free place or its block is out of the
picture."""

from __future__ import annotations

import json

SIZES = {"480p": (854, 480), "1080p": (1920, 1080), "2160p": (3840, 2160)}
ANGLES = {"overview": (0.0, 0.0), "orbit-left": (-35.0, 15.0), "orbit-right": (30.0, -20.0)}
FITS_NOT = {
    "no free place near its block",
    "its block is outside the picture",
    "its block's middle is outside the picture",
    "its block is behind the camera",
}
NO_VIOLATIONS = {"overlapping_labels": [], "labels_over_blocks": [], "labels_off_picture": []}


def reports(scene, size: tuple[int, int]) -> dict[str, dict]:
    """The report of the scene's last frame at each angle, from one renderer of `size`."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    frame = scene.frame_at(scene.n_snapshots - 1)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    out = {}
    try:
        for angle, (azimuth, elevation) in ANGLES.items():
            r.scene_renderer.reset_camera(azimuth=azimuth)
            camera = r.camera
            camera.Elevation(elevation)
            camera.OrthogonalizeViewUp()
            r.render(frame)
            out[angle] = picture_report(r)
    finally:
        r.close()
    return out


def stages(scene) -> dict[str, set[str]]:
    """Each stage -> its blocks (any of whose labels names it)."""
    from nnvox.viewer.overlays.labels import short_titles

    out: dict[str, set[str]] = {}
    for block, (stage, _, _) in short_titles(list(scene.blocks)).items():
        out.setdefault(stage, set()).add(block)
    return out


def check_policy(model: str, scene, size_name: str, by_angle: dict[str, dict]) -> None:
    """The policy holds in each report of `by_angle`, and every stage is named as the rule says."""
    of_stage = stages(scene)
    stage_of_block = {b: s for s, blocks in of_stage.items() for b in blocks}
    for angle, report in by_angle.items():
        where = f"{model} {size_name} {angle}"
        assert report["checks"] == NO_VIOLATIONS, where
        named = {stage_of_block[lb["block"]] for lb in report["labels"] if lb["kind"] == "block"}
        hidden = {h["block"]: h["reason"] for h in report["hidden_labels"]}
        unnamed = [stage for stage in of_stage if stage not in named]
        # hall-sized labels (3.7% of the height in bold, 40 px capitals at 1080p) leave a crowded
        # overview a stage or two short (ResNet-18's layer1 and avgpool or fc)
        assert angle != "overview" or size_name == "480p" or len(unnamed) <= 2, f"{where}: {unnamed} unnamed: {hidden}"
        for stage in unnamed:
            assert {hidden[b] for b in of_stage[stage]} <= FITS_NOT, f"{where}: {stage}"
        assert all(lb["box"][2] - lb["box"][0] > 0 for lb in report["labels"])
        json.dumps(report)  # plain JSON all through


# --- lecture style: text sizes, nothing clipped, no overlaps, the overview's fill (issue 17 item 6) ---


def drawn_texts(renderer) -> list[dict]:
    """Every text a rendered picture shows, for each pane: kind ("text" for 2D texts, "label" for
    camera-facing ones: block labels, class texts), its words, font size and box in image pixels
    (x0, y0, x1, y1 from the bottom-left), and its lines; plus "ticks" entries for colour bars'
    own tick numbers where drawn (font size only: vtk lays them out inside the bar; the lecture's
    bars draw none, the words under them are texts)."""
    import vtk

    out = []
    for pane in renderer.panes:
        undrawn = pane.undrawn_labels()  # hidden while it renders (an explaining shot's other blocks')
        for layer in (pane.renderer, pane.overlay):
            if not layer.GetDraw():  # held back (an open shot's labels while its maps fly): nothing of it shows
                continue
            props = layer.GetViewProps()
            props.InitTraversal()
            for _ in range(props.GetNumberOfItems()):
                prop = props.GetNextProp()
                if not any(prop is a for a in undrawn):
                    out += _text_of(prop, layer, vtk)
    return out


def _text_of(prop, layer, vtk) -> list[dict]:
    if not prop.GetVisibility():
        return []
    if isinstance(prop, vtk.vtkScalarBarActor):  # its own tick numbers, where it draws them
        if not prop.GetDrawTickLabels() or not prop.GetNumberOfLabels():
            return []
        return [{"kind": "ticks", "text": "", "font": prop.GetLabelTextProperty().GetFontSize(), "box": None}]
    if isinstance(prop, vtk.vtkTextActor | vtk.vtkBillboardTextActor3D) and prop.GetInput():
        tp = prop.GetTextProperty()
        if tp.GetOpacity() <= 0:
            return []
        bbox = [0, 0, 0, 0]
        if isinstance(prop, vtk.vtkTextActor):
            prop.GetBoundingBox(layer, bbox)
            x, y = prop.GetPositionCoordinate().GetComputedDisplayValue(layer)
            kind = "text"
        else:
            vtk.vtkTextRenderer().GetBoundingBox(tp, prop.GetInput(), bbox, layer.GetRenderWindow().GetDPI())
            x, y = prop.GetAnchorDC()[:2]
            bbox[1], bbox[3] = bbox[1] + 1, bbox[3] + 1
            kind = "label"
        box = [x + bbox[0], y + bbox[2], x + bbox[1], y + bbox[3]]
        return [
            {
                "kind": kind,
                "text": prop.GetInput(),
                "font": tp.GetFontSize(),
                "box": box,
                "lines": prop.GetInput().count("\n") + 1,
            }
        ]
    return []


def check_lecture_text(where: str, texts: list[dict], size: tuple[int, int]) -> None:
    """Every text at least the lecture height (theme.LECTURE_TEXT of the frame's height: its
    font, and each of its lines as drawn), inside the frame with a margin, none overlapping another."""
    from nnvox.viewer.theme import LECTURE_FONT, LECTURE_TEXT

    w, h = size
    keep = 0.005 * h  # a quarter of the labels' margin (label_layout.EDGE): nothing reads as cut off
    for t in texts:
        assert t["font"] >= round(LECTURE_FONT * h), f"{where}: {t['text'][:40]!r} at {t['font']} px"
        if t["box"] is None:
            continue
        x0, y0, x1, y1 = t["box"]
        # a 2D text's box is its glyphs': a pixel short of the lecture height (23 px at 1080p)
        assert (y1 - y0) / t["lines"] >= LECTURE_TEXT * h - 1, f"{where}: {t['text'][:40]!r} drawn {y1 - y0} px"
        assert x0 >= keep and y0 >= keep and x1 <= w - keep and y1 <= h - keep, (
            f"{where}: {t['text'][:40]!r} at {t['box']}"
        )
    boxed = [t for t in texts if t["box"] is not None]
    for i, a in enumerate(boxed):
        for b in boxed[:i]:
            assert not _overlap(a, b) or _arriving(a, b), f"{where}: {a['text'][:30]!r} over {b['text'][:30]!r}"


def _arriving(a: dict, b: dict) -> bool:
    """Whether two texts are one line with a part fading in (the heads-up line's answer at the end
    of a forward pass, overlays/hud.py): from one corner, each line of one the start of the other's."""
    if a["kind"] != "text" or b["kind"] != "text" or (a["box"][0], a["box"][3]) != (b["box"][0], b["box"][3]):
        return False
    old, new = sorted((a["text"].split("\n"), b["text"].split("\n")), key=lambda t: len("".join(t)))
    return len(old) == len(new) and all(n.startswith(o) for o, n in zip(old, new, strict=True))


def _overlap(a: dict, b: dict) -> bool:
    """Whether two texts' lines overlap: each line a font size tall about the middle of its share of
    the box (a box carries the font's line gap above and below its glyphs, where rows of class
    texts one line apart meet)."""

    def lines(t):
        x0, y0, x1, y1 = t["box"]
        cut = max(0.0, ((y1 - y0) / t["lines"] - t["font"]) / 2)
        return x0, y0 + cut, x1, y1 - cut

    (a0, a1, a2, a3), (b0, b1, b2, b3) = lines(a), lines(b)
    return min(a2, b2) - max(a0, b0) > 1 and min(a3, b3) - max(a1, b1) > 0


def edge_band_pixels(image, background, size: tuple[int, int]) -> int:
    """Pixels off the background within a quarter of the labels' margin of the frame's edges: anything
    there (a tick label, a percentage, a block) reads as cut off."""
    import numpy as np

    band = max(1, round(0.005 * size[1]))
    off = np.abs(image[..., :3].astype(int) - np.asarray(background)).max(axis=-1) > 24
    off[band:-band, band:-band] = False
    return int(off.sum())


def fill(report: dict) -> tuple[float, float]:
    """The fractions of the frame's width and height the blocks' screen bounding box covers."""
    import numpy as np

    boxes = np.array([b["visible"] for b in report["blocks"] if b["visible"] is not None]).reshape(-1, 4)
    w, h = report["image"]["width"], report["image"]["height"]
    return float((boxes[:, 2].max() - boxes[:, 0].min()) / w), float((boxes[:, 3].max() - boxes[:, 1].min()) / h)


def legend_words_missing(texts: list[dict], scene) -> list[str]:
    """The legend words (each colour bar's title, in one of its forms, and the words under it,
    overlays/legends.py colour_bars) of `scene` that the picture's `texts` (drawn_texts) do not show."""
    from nnvox.viewer.overlays.legends import SHORT_WORDS, colour_bars

    shown = {t["text"] for t in texts if t["kind"] == "text"}
    missing = []
    for bar in colour_bars(scene.mode, scene.blocks):  # (the input's grey has none)
        missing += [] if shown & set(bar.titles) else [bar.titles[0]]
        missing += [w for w in bar.words if w not in shown and SHORT_WORDS.get(w, w) not in shown]
    return missing


def one_shot_board(folder, run, size: tuple[int, int], fps: int, shot: str):
    """A storyboard of one shot (`shot`: its TOML keys but the run) on `run`, at `size` and `fps`."""
    from nnvox.scenes.storyboard import load_storyboard

    path = folder / f"board-{size[1]}.toml"
    path.write_text(f'[video]\nsize = "{size[0]}x{size[1]}"\nfps = {fps}\n\n[[shot]]\nrun = "{run.path}"\n{shot}\n')
    return load_storyboard(path)


def board_pictures(board, size: tuple[int, int] | None = None, fps: int | None = None):
    """Each frame of each shot as the storyboard renders it (no cross-fades), at the board's size
    and fps or those given: (shot index, image, its renderer, None for a card or figure)."""
    from nnvox.scenes.presets import output_size
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.storyboard_export import _Painter, _scene_key, _Scenes

    width, height, board_fps = output_size(board.preset, size or board.size, fps or board.fps)
    look = RenderOptions(width=width, height=height)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    try:
        for i, shot in enumerate(board.shots):
            scene = shot.source is not None and shot.figure is None
            renderer = scenes.renderer(_scene_key(shot), shot.view.hud) if scene else None
            for image in painter.images(shot, board_fps):  # each shot's layers open at its start
                yield i, image, renderer
    finally:
        scenes.close()
        painter.close()


def shot_pictures(board):
    """Each frame of the board's first shot as the storyboard renders it: (image, its renderer)."""
    for i, image, renderer in board_pictures(board):
        if i > 0:
            return
        yield image, renderer


def render_counting(folder, name: str, monkeypatch, *, reuse: bool):
    """`folder`/board.toml rendered to PNG frames at `folder`/`name`: (the frames, how many pictures
    were drawn); `reuse` False makes every frame its own (storyboard_export._still never alike).
    Undoes `monkeypatch` after (the caller sets again what the next render needs)."""
    import numpy as np
    from PIL import Image

    from nnvox.viewer import storyboard_export
    from nnvox.viewer.offscreen import OffscreenRenderer

    calls = []
    drawn = OffscreenRenderer.render

    def counted(self, *args, **kwargs):
        calls.append(1)
        return drawn(self, *args, **kwargs)

    monkeypatch.setattr(OffscreenRenderer, "render", counted)
    if not reuse:  # every frame its own: nothing ever alike
        monkeypatch.setattr(storyboard_export, "_still", lambda *_: object())
    out = storyboard_export.render_storyboard(folder / "board.toml", folder / name, progress=False)
    monkeypatch.undo()
    return [np.asarray(Image.open(f)) for f in sorted(out.glob("frame-*.png"))], len(calls)

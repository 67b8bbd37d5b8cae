"""The explaining shot drawn: the value just computed shows its colour, those not yet computed are
covered in one flat colour, the inset's sum is the recorded value; a storyboard names a bad layer on its line."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import vtk

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.explain import Explanation, focused, printed, sheet_block, sum_lines
from nnvox.scenes.shots import explain_pose
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.explain import pending_colour
from nnvox.viewer.storyboard_export import render_storyboard

from .conftest import voxel_pixel

pytestmark = pytest.mark.gl


def _drawn(
    run, layer: str, progress: float, size: tuple[int, int] = (1280, 720), sample: int = 3, seconds=1.0, safe=None
):
    """A frame (720p) of an explaining shot on `layer` at `progress` of `seconds`, drawn as a storyboard
    draws it (framed inside the picture's title-safe margin, or `safe`)."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(run)
    explained = Explanation(run, scene, layer, 0, sample, seconds=seconds)
    renderer = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    pane = renderer.scene_renderer
    safe = pane.safe_share() if safe is None else safe
    pane.apply_pose(explain_pose(scene, [layer, explained.source], pane.aspect, explained.reach, safe))
    moment = explained.at(progress, 1.0)
    pane.show_explain(moment)
    image = renderer.render(focused(scene.frame_at(1.0, sample=sample), moment))
    return scene, renderer, moment, image


def test_the_value_just_computed_shows_its_colour_and_the_rest_are_covered(lenet_run):
    # framed as the window frames it (cells of ~5 px at 720p): in a lecture's framing, inside title-safe,
    # a cell is ~3.5 px and the value's outline (~3 px lines) leaves none of its colour showing
    scene, renderer, moment, image = _drawn(lenet_run, "conv1", 0.3, safe=0.0)
    try:
        block = scene.block("conv1")
        c, r, x = moment.step.position
        # the explained map is drawn pulled out in front of the block's stack
        sheet = sheet_block(block)
        expected = block.scale.rgb(moment.step.recorded).astype(int)
        at = voxel_pixel(renderer, sheet, 0, r, x)  # a cell of ~5 px at 720p, its frame's lines ~3 px wide:
        near = image[at[0] - 1 : at[0] + 2, at[1] - 1 : at[1] + 2].reshape(-1, 3).astype(int)  # any of 3 x 3
        assert np.abs(near - expected).max(axis=1).min() <= 12, (near, expected)
        pending = pending_colour(renderer.options.background, renderer.scene_renderer.stage.colours.text)
        assert np.abs(expected - pending).max() > 30
        # every value not yet computed in row r + 3 drawn in the one pending colour: none shows through
        values = scene.frame_at(1.0, sample=3).values["conv1"][c]
        cols = range(4, 24, 4)
        assert np.ptp([values[r + 3, col] for col in cols]) > 0.5  # values that would tell apart
        for col in cols:  # any of 3 x 3 pixels: the window's 1 px rays to the input cross the rows under it
            y, x = voxel_pixel(renderer, sheet, 0, r + 3, col)
            got = image[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).astype(float)
            assert np.abs(got - pending).max(axis=1).min() <= 6, (col, got, pending)
        # the inset's sum as printed: the run's value, the terms adding up to it (scenes/explain.sum_lines)
        inset = renderer.scene_renderer.overlays.explain.inset
        assert not moment.sweeping
        numbers = inset.numbers.GetInput().split("\n")  # (first, what the printed product cells add to)
        assert numbers[-3:] == [n for _, n in sum_lines(moment.step)] and len(numbers) == 4
        assert inset.numbers.GetInput().endswith(printed(round(moment.step.recorded * 1000)))
    finally:
        renderer.close()


def test_nothing_of_the_faded_blocks_shows_around_or_through_the_inset(lenet_run):
    """The blocks after the explained layer (faded) and their labels were seen through the inset's
    backing and around it: the frame must be the same with those blocks and labels not drawn at all.
    The window on the last rows stays above the caption's band."""
    scene, renderer, moment, image = _drawn(lenet_run, "conv1", 0.3)
    try:
        pane = renderer.scene_renderer
        others = [b.name for b in scene.blocks if b.name not in (moment.layer, moment.source)]
        frame = focused(scene.frame_at(1.0, sample=3), moment)
        for name in others:
            pane.visuals[name].actor.SetVisibility(False)
            pane.overlays.labels.labels[name].GetTextProperty().SetOpacity(0.0)
            pane.overlays.labels.labels[name].GetTextProperty().SetBackgroundOpacity(0.0)
        without = renderer.render(frame)
        differs = np.abs(image.astype(int) - without.astype(int)).max(axis=-1) > 3
        assert differs.sum() == 0, f"{differs.sum()} pixels of faded blocks or their labels show"
    finally:
        renderer.close()


def test_a_cross_fade_shows_no_block_or_label_the_explaining_shot_leaves_out(lenet_run):
    """A cross-fade blends the picture drawn without text and lays one shot's text over it: the
    inset's panel hid the left-out blocks' labels in a plain frame, not in the text layer."""
    from nnvox.viewer.cross_fade import render_layers

    scene, renderer, moment, _ = _drawn(lenet_run, "conv1", 0.3)
    try:
        pane = renderer.scene_renderer
        frame = focused(scene.frame_at(1.0, sample=3), moment)
        layers = render_layers(renderer, frame)
        for name in (b.name for b in scene.blocks if b.name not in (moment.layer, moment.source)):
            pane.overlays.labels.labels[name].GetTextProperty().SetOpacity(0.0)
            pane.overlays.labels.labels[name].GetTextProperty().SetBackgroundOpacity(0.0)
        without = render_layers(renderer, frame)
        assert np.abs(layers.ink - without.ink).max() <= 3, "a left-out block's label in the text layer"
        assert np.abs(layers.picture - without.picture).max() <= 3
    finally:
        renderer.close()


def test_the_window_on_the_last_rows_stays_clear_of_the_caption(lenet_run):
    scene, renderer, moment, _ = _drawn(lenet_run, "conv1", 1.0)  # the last position: the window in the padding
    try:
        pane = renderer.scene_renderer
        assert moment.step.position == (0, 27, 27) and moment.done == moment.total
        assert pane.overlays.explain.window_actor.GetVisibility()
        pane.set_caption("The window slides over the 9; patch × kernel, summed, plus bias, is each value of map 0")
        renderer.render(scene.frame_at(1.0, sample=3))
        band = pane.overlays.caption.box()
        bounds = pane.overlays.explain.window.GetOutput().GetBounds()
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        lowest = []
        for corner in ((x, y, z) for x in bounds[:2] for y in bounds[2:4] for z in bounds[4:]):
            coord.SetValue(*corner)
            lowest.append(coord.GetComputedDoubleViewportValue(pane.renderer)[1])
        assert min(lowest) > band[3], (min(lowest), band)
    finally:
        renderer.close()


def test_a_dense_unit_and_a_pool_window_are_explained_too(lenet_run):
    for layer, says in (("fc1", "sum of the 400 products"), ("pool1", "largest of the 4 values")):
        _, renderer, moment, image = _drawn(lenet_run, layer, 1.0)  # the last unit or window, standing
        try:
            assert not moment.sweeping  # (sweeping over the units: no unit's numbers printed)
            inset = renderer.scene_renderer.overlays.explain.inset
            text = inset.words.GetInput() + "\n" + inset.numbers.GetInput()
            assert says in text and f"{moment.step.recorded:.3f}".replace("-", "−") in text
            w, h = 1280, 720  # the inset's grids are drawn: its box (the weights' and products' grids) is not empty
            box = image[int(h * 0.2) : int(h * 0.6), int(w * 0.4) :]
            assert len(np.unique(box.reshape(-1, 3), axis=0)) > 60  # (its "×" and "=" alone: a few dozen)
        finally:
            renderer.close()


BOARD = """\
[video]
size = "320x180"
fps = 5

[[shot]]
run = "run"
duration = 1
sample = 3
explain = "{layer}"
channel = {channel}
"""


def test_a_storyboard_explains_a_layer_and_names_a_bad_one_on_its_line(lenet_run, tmp_path):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(BOARD.format(layer="conv1", channel=0))
    frames = sorted(render_storyboard(board, tmp_path / "out", progress=False).glob("frame-*.png"))
    assert len(frames) == 5
    for layer, channel, says in (
        (
            "relu1",
            0,
            "line 9: explain: layer 'relu1' is a ReLU, not a convolution, dense layer or pool; explain one of conv1",
        ),
        ("conv9", 0, "line 9: explain: layer 'conv9' is not in the model"),
        ("conv1", 6, "line 10: explain: channel 6 is out of range; 'conv1' has 6 maps"),
    ):
        board.write_text(BOARD.format(layer=layer, channel=channel))
        with pytest.raises(NnvoxError, match=says):
            render_storyboard(board, tmp_path / "bad", progress=False)


@pytest.mark.parametrize("transition", ["fade", "dip", "move"])
def test_the_window_stands_still_while_the_explaining_shot_comes_in(lenet_run, tmp_path, transition):
    """The window slid during the incoming cross-fade (55 of 784 positions done by its end): it
    waits for the fade-in, or the camera's move from the shot before, then stops on its chosen
    positions."""
    from nnvox.scenes.storyboard import MOVE_SECONDS, load_storyboard
    from nnvox.viewer.storyboard_export import _Scenes

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    shot = '[[shot]]\nrun = "run"\nduration = 12\nsample = 9\n'
    board.write_text(f'[video]\nfade_seconds = 0.5\n\n{shot}\n{shot}explain = "conv1"\ntransition = "{transition}"\n')
    loaded = load_storyboard(board)
    scenes = _Scenes(loaded, RenderOptions(width=320, height=180))
    try:
        explained = scenes.explanations[id(loaded.shots[1])]
        coming_in = MOVE_SECONDS if transition == "move" else 0.5
        last = len(lenet_run.snapshots) - 1
        during = [explained.at(k / 100 * coming_in / 12, last).done for k in range(101)]
        start = explained.at(0.0, last).done  # the walk's first position (explain_pace.first_visited)
        assert set(during) == {start} and start > 1, transition
        assert explained.at(0.5, last).done > start
    finally:
        scenes.close()


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_the_patch_prints_its_values_marks_0_on_its_scale_and_says_what_black_is(lenet_run, size):
    """Black input pixels are not 0 (the images are normalised) while the padding reads 0: each
    kernel and product cell prints its value (padding's products: 0; the patch's own values where
    that costs the numbers no size, else its colours only), the patch's colour scale ticks 0
    between its ends, and a line says what black is, from the run's recorded inputs; every text at
    the lecture's size, none over another."""
    from nnvox.viewer.overlays.explain_inset import cell_text, printed_products
    from tests.viewer.picture_policy import check_lecture_text, drawn_texts

    black = float(lenet_run.probe_inputs.min())
    for progress in (0.0, 0.5, 1.0):  # the window on the background, on the digit, in the corner's padding
        _, renderer, moment, image = _drawn(lenet_run, "conv1", progress, size, sample=9, seconds=26)  # keeps padding
        try:
            inset = renderer.scene_renderer.overlays.explain.inset
            assert not moment.sweeping
            s = moment.step
            cells = [a.GetInput() for a in inset.values if a.GetVisibility()]
            want = (
                []
                if inset.first
                else [  # the patch's values where printed (a colour-only patch: none)
                    _two_places(v) if inside else "0" for v, inside in zip(s.inputs.ravel(), s.inside.ravel())
                ]
            )
            want += [_two_places(v) for v in s.weights.ravel()]  # the kernel's 25 weights
            want += [  # ... and their 25 products (padding's: 0), of the values as printed
                _two_places(p) if inside else "0"
                for p, inside in zip(printed_products(s.inputs, s.weights).ravel(), s.inside.ravel())
            ]
            if inset.compact:  # (16:9: no zero before the point)
                want = [cell_text(float(w.replace("−", "-")), True, compact=True) for w in want]
            assert cells == want, (cells, want)  # never a signed zero: "−0.00" read as a mistake
            # the kernel right of the patch's grid, the products under the kernel
            kernel, products = (inset.values[k : k + 25] for k in (len(want) - 50, len(want) - 25))
            patch_right = inset.grids.mapper.GetInput().GetPoints().GetPoint(4 * 24 + 1)[0]  # its last cell's right
            assert min(a.GetPosition()[0] for a in kernel) > patch_right
            assert [a.GetPosition()[0] for a in products] == pytest.approx([a.GetPosition()[0] for a in kernel])
            assert max(a.GetPosition()[1] for a in products) < min(a.GetPosition()[1] for a in kernel)
            said, placed = inset.note.GetInput().split("\n"), inset.aside.GetInput().split("\n")
            assert "normalised: black = " + f"{black:.2f}".replace("-", "−") in said  # a note of its own
            assert ("padding reads 0" in placed or "padding = 0" in placed) == (not s.inside.all())  # the window's
            assert s.inside.all() == (progress < 1.0)  # the last, in the corner, reads padding
            lo, _, zero = (a.GetInput() for a in inset.ends)
            assert (lo, zero) == (f"{black:.2f}".replace("-", "−"), "0")
            x_lo, x_hi, x_zero = (a.GetPosition()[0] for a in inset.ends)
            assert x_lo < x_zero < x_hi  # 0 marked between the scale's ends, black not at 0
            texts = [t for t in drawn_texts(renderer) if t["kind"] == "text"]  # (labels of undrawn blocks: hidden)
            check_lecture_text(f"explain {size[1]}p at {progress}", texts, size)
            assert sum(t["text"] in cells for t in texts) >= 25
            y = round(size[1] - inset.ends[2].GetPosition()[1])  # the tick stands out of the bar above "0"
            column = image[y - round(0.6 * inset.font) : y, round(x_zero)].astype(int)
            assert (np.abs(column - np.asarray(renderer.options.theme.colours.text)).max(axis=1) < 40).any()
        finally:
            renderer.close()


def _outline_pixels(renderer, image: np.ndarray, source) -> float:
    """The share of the window's outline (its four edges as the camera sees them, sampled) drawn in
    the accent colour (within 3 px)."""
    pane = renderer.scene_renderer
    x0, _, y0, y1, z0, z1 = pane.overlays.explain.window.GetOutput().GetBounds()
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    accent = np.asarray(pane.stage.colours.accent, float) * 255
    h = renderer.options.height
    hits = []
    for u in np.linspace(0.1, 0.9, 9):  # points along each edge of the outline's front face
        for y, z in (
            (y0 + u * (y1 - y0), z0),
            (y0 + u * (y1 - y0), z1),
            (y0, z0 + u * (z1 - z0)),
            (y1, z0 + u * (z1 - z0)),
        ):
            coord.SetValue(x0, y, z)
            dx, dy = coord.GetComputedDoubleDisplayValue(pane.renderer)
            r, c = h - 1 - round(dy), round(dx)
            near = image[max(r - 3, 0) : r + 4, max(c - 3, 0) : c + 4].reshape(-1, 3).astype(float)
            hits.append(np.abs(near - accent).max(axis=1).min() <= 40)
    return float(np.mean(hits))


def test_the_window_and_its_output_cell_are_drawn_at_every_stop_and_the_padded_last_position(lenet_run):
    """The padded stop's window vanished (the finished map was held without it) while the inset
    spoke of its padding: its outline must be drawn wherever the window stands, the last too."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 9, seconds=26, tail=0.5)  # long enough to keep the padding
    renderer = OffscreenRenderer(scene, RenderOptions(width=960, height=540))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(
            explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach, pane.safe_share())
        )
        last = len(lenet_run.snapshots) - 1
        frames = [explained.at(k / 359, last) for k in range(360)]
        stops = explained.stops(last)
        assert stops[-1] == 783
        seen = set()
        for moment in [
            frames[0],
            *(next(m for m in frames if m.stopped and m.done - 1 == k) for k in stops),
            frames[-1],
        ]:
            pane.show_explain(moment)
            image = renderer.render(focused(scene.frame_at(last, sample=9), moment))
            assert (
                pane.overlays.explain.window_actor.GetVisibility()
                and pane.overlays.explain.output_actor.GetVisibility()
            )
            assert _outline_pixels(renderer, image, explained.source) >= 0.75, moment.step.position
            seen.add(moment.step.position)
        assert (0, 27, 27) in seen and len(seen) == len(stops) + 1
        # the explained layer's own label is not drawn (named over its map): the output cell on the last
        # row and the window's lines crossed its text
        label = pane.overlays.labels.labels["conv1"].GetTextProperty()
        label.SetOpacity(0.0)
        label.SetBackgroundOpacity(0.0)
        assert (
            np.abs(renderer.render(focused(scene.frame_at(last, sample=9), frames[-1])).astype(int) - image).max() <= 3
        )
    finally:
        renderer.close()


def _two_places(v: float) -> str:
    """A value as a cell prints it: two decimals, a true minus sign, never "−0.00"."""
    text = f"{v:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def test_the_heading_counts_from_0_where_it_indexes_and_counts_values_computed(lenet_run):
    """Rows, columns, maps and units count from 0, as PyTorch indexes and as every shot numbers maps
    and classes; how far the map is done is a count of values computed ("(783 of 0–783)" read oddly,
    and "row 6, column 15 · position 184" read as mixed counting: 6 · 28 + 15 = 183)."""
    from nnvox.viewer.overlays.explain_inset import heading_words as _title

    explained = Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=12)
    last = len(lenet_run.snapshots) - 1
    for progress in (0.0, 0.5, 1.0):
        m = explained.at(progress, last)
        m = dataclasses.replace(m, sweeping=False)  # where it stands (sweeping, the heading names where to)
        _, row, col = m.step.position
        assert _title(m) == f"conv1: map 0, row {row}, column {col} · {row * 28 + col + 1} of 784 computed"
    assert _title(m) == "conv1: map 0, row 27, column 27 · 784 of 784 computed"  # the last
    dense = Explanation(lenet_run, build_scene(lenet_run), "fc1", 0, 9, seconds=12).at(0.0, last)
    unit = dense.step.position[0]
    assert _title(dense) == f"fc1: unit {unit} · {unit + 1} of {dense.total} computed"
    swept = Explanation(lenet_run, build_scene(lenet_run), "fc1", 0, 9, seconds=12).at(0.75, last)
    assert swept.sweeping and _title(swept) == f"fc1: on to unit {swept.total - 1}"  # not "map 57"


def test_the_values_not_yet_computed_say_so_at_the_labels_size(lenet_run):
    """A lecturer saw a dark slab over the map nobody explained: the covered rows carry "not yet
    computed" at the explained layer's size (theme.EXPLAIN_TEXT: at a note's 28 px a lecturer's watch
    found it unreadable from row 20), inside the covered part of the map as drawn where it fits
    there, else under the blocks in a box of the covered rows' colour; none once the map is filled.
    Its words: "still to compute" ("not yet computed", framed, read like an error message, watch 5);
    at 16:9 (the blocks large, the sum under them) on one line under the map it names."""
    from nnvox.viewer.options import cap_height, hall_font
    from nnvox.viewer.overlays.explain import PENDING_NOTE
    from nnvox.viewer.overlays.explain_inset import pending_colour
    from nnvox.viewer.theme import EXPLAIN_TEXT, TITLE_SAFE

    size = (1920, 1080)
    for progress, shown in ((0.0, True), (1.0, False)):
        scene, renderer, moment, image = _drawn(lenet_run, "conv1", progress, size, sample=9, seconds=12)
        try:
            explain = renderer.scene_renderer.overlays.explain
            on_map, key = bool(explain.pending.GetVisibility()), bool(explain.key.GetVisibility())
            assert (on_map or key) == shown and not (on_map and key), progress
            if not shown:
                continue
            note = explain.pending if on_map else explain.key
            font = note.GetTextProperty().GetFontSize()
            assert note.GetInput() in (PENDING_NOTE, PENDING_NOTE.replace("\n", " "))  # (one line under the map)
            assert " ".join(note.GetInput().split()) == "still to compute"
            assert cap_height(font) >= round(EXPLAIN_TEXT * size[1])
            assert font >= hall_font(size[1], EXPLAIN_TEXT)
            if key:  # under the blocks, by the map it names (beside the sum it read as the sum's), boxed in
                # the covered rows' colour
                x, y = note.GetPosition()
                room = explain.inset.key_room
                assert x >= TITLE_SAFE * size[0], (x, y)
                assert x < explain.inset.tables_left and not (room is not None and room[0] <= x < room[2]), (x, y, room)
                sheet = explain.framed[-1].bounds  # the map it names: right under its front face
                coord = vtk.vtkCoordinate()
                coord.SetCoordinateSystemToWorld()
                seen = []
                for corner in ((sheet[0], y_, z_) for y_ in sheet[2:4] for z_ in sheet[4:6]):
                    coord.SetValue(*corner)
                    seen.append(coord.GetComputedDoubleViewportValue(renderer.scene_renderer.renderer))
                xs, ys = [c[0] for c in seen], [c[1] for c in seen]
                assert min(xs) - 2 <= x <= max(xs) and 0 < min(ys) - y < 0.6 * font + 2, (x, y, seen)
                assert y - 1.3 * font > explain.inset.band_top, (y, explain.inset.band_top)  # over the sum's band
                want = pending_colour(renderer.options.background, renderer.options.theme.colours.text)
                box = image[size[1] - round(y) + 4 : size[1] - round(y) + 100, round(x) + 4 : round(x) + 200]
                backed = (np.abs(box.astype(float) - want).max(axis=-1) < 6).mean()
                assert backed > 0.5, backed  # mostly the covered rows' colour, round the text
                continue
            sheet = sheet_block(scene.block("conv1"))
            (x, y, z), v = sheet.origin, sheet.voxel
            row = moment.step.position[1] + 1  # the first row wholly covered
            coord = vtk.vtkCoordinate()
            coord.SetCoordinateSystemToWorld()
            edges = []
            for r in (row, sheet.rows):
                coord.SetValue(x, y, z + sheet.rows * v / 2 - r * v)
                edges.append(coord.GetComputedDoubleViewportValue(renderer.scene_renderer.renderer)[1])
            assert edges[1] < note.GetPosition()[1] < edges[0]  # between the covered rows' top and bottom
            # drawn: the text's colour in the covered rows' middle band, around the note
            px, py = (round(c) for c in note.GetPosition())
            band = image[size[1] - py - 40 : size[1] - py + 40, px - 120 : px + 120].astype(int)
            text = np.asarray(renderer.options.theme.colours.text)
            assert (np.abs(band - text).max(axis=2) < 40).sum() > 200
        finally:
            renderer.close()


def test_an_explaining_shot_draws_no_edges(lenet_run):
    """The window's rays join the input to the map; the input's edge ran into the pulled-out map's
    covered rows, across their "not yet computed"."""
    _, renderer, _, _ = _drawn(lenet_run, "conv1", 0.4)
    try:
        edges = renderer.scene_renderer.overlays.edges
        poly = edges.straight.GetMapper().GetInput()
        assert poly.GetNumberOfLines() == 0 and edges.drawn == set()
        renderer.scene_renderer.show_explain(None)
        assert edges.drawn is None  # the shot after draws them all again
    finally:
        renderer.close()


def test_no_box_of_a_block_left_out_shows(lenet_run):
    """The blocks an explaining shot leaves out are not drawn, nor their boxes (one outline actor
    for all blocks): framed over a two-line caption, the box of a block past the inset showed its
    top at the frame's top right, above the inset's backing. The outlines drawn stand on the
    explained blocks only."""
    for drawn in ("explained", "all"):
        scene, renderer, moment, image = _drawn(lenet_run, "conv1", 0.3)
        try:
            pane = renderer.scene_renderer
            if drawn == "all":  # as before: every block's box drawn, the left-out ones' behind nothing
                pane.overlays.outlines.drawn = None
                pane.overlays.outlines._flags.clear()
                # nor behind the inset's backing, which now reaches title-safe's top and the frame's right
                pane.overlays.explain.inset.band.SetVisibility(False)
                image = renderer.render(focused(scene.frame_at(1.0, sample=3), moment))
            pane.overlays.outlines.actor.SetVisibility(False)
            without = renderer.render(focused(scene.frame_at(1.0, sample=3), moment))
            differs = np.abs(image.astype(int) - without.astype(int)).max(axis=-1) > 3
            rows, cols = np.nonzero(differs)
            coord = vtk.vtkCoordinate()
            coord.SetCoordinateSystemToWorld()
            xs = []
            for name in (moment.layer, moment.source):
                b = scene.block(name).bounds
                for corner in ((x, y, z) for x in b[:2] for y in b[2:4] for z in b[4:]):
                    coord.SetValue(*corner)
                    xs.append(coord.GetComputedDoubleDisplayValue(pane.renderer)[0])
            outside = int((cols > max(xs) + 6).sum())  # right of the explained blocks: the left-out ones
            assert (outside == 0) == (drawn == "explained"), (drawn, outside, len(rows))
        finally:
            renderer.close()


def test_no_leader_line_of_a_label_left_out_shows(lenet_run):
    """A 4:3 frame moved the explained layer's block label (left out: the map is named over it) and
    drew its leader line alone, a grey stroke under the map; no leader of a label left out shows."""
    scene, renderer, moment, image = _drawn(lenet_run, "conv1", 0.3, size=(1440, 1080), sample=9)
    try:
        leaders = renderer.scene_renderer.overlays.labels.layout.leaders
        assert leaders.lines.GetNumberOfLines() > 0  # laid out for the labels, the one left out's among them
        leaders.actor.SetVisibility(False)
        leaders.actor.SetVisibility = lambda *_: None  # kept hidden through the render's restore
        without = renderer.render(focused(scene.frame_at(1.0, sample=9), moment))
        assert (np.abs(image.astype(int) - without.astype(int)).max(axis=-1) > 3).sum() == 0
    finally:
        renderer.close()


@pytest.mark.parametrize("size", [(1280, 720), (1440, 1080)])
def test_the_pending_note_stands_on_the_covered_rows_or_not_at_all(lenet_run, size):
    """ "not yet computed" is light text on the dark covered rows: at 4:3 "computed" ran past the
    narrower map onto the light maps behind it and read "compute". Where shown (16:9 has room), it
    lies across the map's width."""
    scene, renderer, moment, _ = _drawn(lenet_run, "conv1", 0.3, size=size, sample=9)
    try:
        pane = renderer.scene_renderer
        pending = pane.overlays.explain.pending
        # 16:9 shows it: on the map, or (a lecture's map too narrow at its size) as a key under the blocks
        assert pending.GetVisibility() or pane.overlays.explain.key.GetVisibility() or size[0] / size[1] < 1.5
        if not pending.GetVisibility():
            return
        box = [0.0] * 4
        pending.GetBoundingBox(pane.overlay, box)
        sheet = sheet_block(scene.block(moment.layer))
        xs = [voxel_pixel(renderer, sheet, 0, sheet.rows - 1, col)[1] for col in (0, sheet.cols - 1)]
        x = pending.GetPosition()[0]  # the box about it (centred)
        assert min(xs) <= x + box[0] and x + box[1] <= max(xs), (x, box, xs)
    finally:
        renderer.close()


def test_while_the_window_sweeps_the_inset_prints_the_position_it_passes(lenet_run):
    """Watch 9 finding 5: six seconds of "–" tables while the caption spoke of a 5 x 5 window
    sliding to row 27, column 27. While the window sweeps, the patch's and the products' cells print
    and colour the position it passes (the kernel the same throughout), the sum's lines that
    position's, adding up as printed; the title names where it slides to; the stop after prints its own."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.overlays.explain_inset import cell_text, printed_products

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 9, seconds=26, lead=0.5, tail=0.5)  # (the corner a stop)
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(
            explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach, pane.safe_share())
        )
        last = len(lenet_run.snapshots) - 1
        moments = [explained.at(k / 599, last) for k in range(600)]
        sweep = [k for k, m in enumerate(moments) if m.sweeping and m.heading == (0, 27, 27)]
        shown = [k for k in sweep if moments[k].legible == 1.0]  # (not where the sweep starts or ends)
        inked = next(k for k in shown if np.abs(moments[k].step.inputs - explained.background).max() > 1.0)
        landed = next(k for k in range(sweep[-1], 600) if moments[k].stopped)
        inset = pane.overlays.explain.inset
        pending = pending_colour(renderer.options.background, pane.stage.colours.text)
        for k in (shown[len(shown) // 2], inked, landed + 15):
            m = moments[k]
            pane.show_explain(m)
            image = renderer.render(focused(scene.frame_at(last, sample=9), m))
            texts = inset.values[: 75 - 25 * inset.first]  # (a colour-only patch prints none)
            cells = [""] * 25 * inset.first + [a.GetInput() for a in texts]
            s = m.step
            if not inset.first:  # the patch's values as printed, padding's as 0
                want = [cell_text(float(v), bool(i), inset.compact) for v, i in zip(s.inputs.ravel(), s.inside.ravel())]
                assert cells[:25] == want, (s.position, cells[:25])
            shown = printed_products(s.inputs, s.weights).ravel()
            assert cells[50:] == [cell_text(float(p), bool(i), inset.compact) for p, i in zip(shown, s.inside.ravel())]
            assert min(a.GetTextProperty().GetOpacity() for a in texts) == 1.0
            numbers = inset.numbers.GetInput().split("\n")
            assert numbers[-3:] == [n for _, n in sum_lines(s)], (s.position, numbers)  # that position's sum
            centres = [a.GetPosition() for a in texts[-25:]]  # the products' cells, under their text
            colours = np.array([image[719 - round(y), round(x)] for x, y in centres], float)
            if np.abs(s.products).max() > 0.1 * m.product_limit:
                assert np.abs(colours - pending).max() > 40, s.position  # their own colours, not the pending one
            title = inset.title.GetInput()
            assert ("sliding to row 27, column 27" in title) == m.sweeping, title
    finally:
        renderer.close()

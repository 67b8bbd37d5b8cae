"""The lecture's conv1 close-up (camera keyed onto conv1, 23-32 s) ran the network off the right
edge cut through relu2, reading as accidental. Every close-up (a camera on a layer) fades the
blocks into the background over a band at each side edge, short of its subject
(scenes/close_up.py, overlays/edge_fade.py): measured on the pixels at the frame's edge."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.close_up import BAND, SUBJECT_GAP, cover_alpha, fade_bands, side_strips
from nnvox.scenes.open_layer import open_scene
from nnvox.scenes.shots import focused_bounds, shot_frames
from nnvox.scenes.storyboard import load_storyboard

SIZE = (1280, 720)
ASPECT = SIZE[0] / SIZE[1]
# conv1 opened, seen 30 degrees round (open_layer.facing_key keeps a key's azimuth): relu1 runs past
# the right edge. Face-on (the lecture's key) the filled grid leaves every neighbour wholly outside:
# nothing cut, this test would show nothing.
SHOT = """[[shot]]
run = "run"
duration = 9
open = ["input", "conv1"]
camera = { keys = [
    { at = 0, overview = true },
    { at = 0.35, layer = "conv1", azimuth = 30 },
    { at = 1, layer = "conv1", azimuth = 30 },
] }
caption = "conv1's six maps side by side"
"""


@pytest.fixture(scope="module")
def close_up(lenet_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("close_up")
    (folder / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (folder / "board.toml").write_text(SHOT)
    shot = load_storyboard(folder / "board.toml").shots[0]
    scene = open_scene(build_scene(lenet_run), ["input", "conv1"])
    return scene, shot_frames(shot, scene, ASPECT, 10, opens=False)


def _across(pose, bounds) -> np.ndarray:
    """A box's corners across the frame of `pose`, 0 at its left edge, 1 at its right."""
    corners = np.array([(x, y, z) for x in bounds[:2] for y in bounds[2:4] for z in bounds[4:]]) - pose.focal
    right = np.cross(np.asarray(pose.up), np.asarray(pose.direction))
    return (corners @ right / (pose.scale * ASPECT) + 1) / 2


def test_a_close_ups_covers_reach_short_of_its_subject_only_on_a_layer(close_up):
    scene, frames = close_up
    assert frames[0].sides == (0.0, 0.0)  # the overview: no cover
    assert max(frames[-1].sides) > 0.08
    bounds = focused_bounds(scene)
    for f in frames[len(frames) // 2 :]:
        for name in ("input", "conv1"):
            x = _across(f.pose, bounds[name])
            assert f.sides[0] + SUBJECT_GAP <= x.min() + 1e-4 and x.max() <= 1 - f.sides[1] - SUBJECT_GAP + 1e-4
    assert fade_bands(frames[-1].pose, [bounds["conv1"]], ASPECT, 0.0) == (0.0, 0.0)


def test_a_block_the_edge_cuts_is_covered_whole_and_fades_as_it_nears_the_edge():
    # three blocks: one well inside, one the right edge cuts, one the first overlaps on screen
    spans = np.array([[0.40, 0.60], [0.85, 1.10], [0.80, 0.88], [0.62, 0.70]])
    strips, hidden = side_strips(spans, reach=0.35)
    start = min(x0 for x0, *_ in strips)
    opaque = [s for s in strips if s[2] == s[3]]
    assert opaque and opaque[0][0] == pytest.approx(0.80) and opaque[0][2] == pytest.approx(1.0)  # both covered whole
    assert hidden.tolist() == [False, True, True, False]
    assert 0.70 <= start < 0.80  # the cover eases to clear in the gap (from the block inside's end: clear there)
    near, _ = side_strips(np.array([[0.85, 0.99]]), reach=0.35)  # nearing the edge: half faded
    assert 0.0 < near[0][2] < 1.0
    assert side_strips(np.array([[0.5, 0.9]]), reach=0.35) == ([], pytest.approx(np.zeros(1, bool)))  # none cut
    inside, _ = side_strips(np.array([[0.85, 0.96]]), reach=0.35)  # clear of the edge
    margin, covered = side_strips(np.array([[0.85, 0.96]]), reach=0.35, edge=0.05)  # but in a title-safe margin
    assert inside == [] and covered.tolist() == [True] and margin[0][2] == pytest.approx(1.0)
    long, none = side_strips(np.array([[0.5, 1.2]]), reach=0.35)  # too long to cover short of the subject
    assert long and not none.any() and min(x0 for x0, *_ in long) == pytest.approx(1 - BAND)


@pytest.mark.gl
def test_the_blocks_cut_by_a_close_ups_side_edge_fade_into_the_background(close_up, lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene, frames = close_up
    f = frames[-1]
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(f.pose)
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)
        background = np.array(r.options.background)

        def edges(sides) -> np.ndarray:
            pane.overlays.edge_fade.show(*sides)
            image = r.render(frame)[60:540].astype(int)  # the blocks' band: under the heads-up line, over the caption
            return np.abs(np.concatenate([image[:, :4], image[:, -4:]], axis=1) - background).max(axis=2)

        cut = edges((0.0, 0.0))
        assert (cut > 60).sum() > 20, "a block runs past the side edge (else the test shows nothing)"
        faded = edges(f.sides)
        assert (faded > 12).sum() == 0, "every block fades into the background at the side edges"
        from nnvox.viewer.cross_fade import render_layers

        layers = render_layers(r, frame)  # a cross-fade's frame: the covers are the picture's, under the texts
        picture = np.abs(layers.picture[60:540][:, np.r_[0:4, -4:0]] - background).max(axis=2)
        assert (picture > 12).sum() == 0, (
            "a cross-fade's picture showed the cut blocks (the covers went with the texts)"
        )
        hidden = pane.overlays.edge_fade.hidden
        assert hidden and "conv1" not in hidden and "input" not in hidden
        assert "relu1" in hidden, "relu1 runs past the right edge: covered with its label"
        r.render(frame)
        left_out = set(map(id, pane.undrawn_labels()))  # hidden for each render, as the layout left them between
        drawn = {n for n, a in pane.overlays.labels.labels.items() if a.GetVisibility() and id(a) not in left_out}
        assert drawn and not drawn & hidden, "a covered block's label is not drawn (it stood pinned at the edge)"
    finally:
        r.close()


def test_a_subject_in_the_title_safe_margin_still_lets_its_cut_neighbour_be_covered():
    """A lecture's margin counts for the blocks a cover may hide: the subject reaching into it (never
    covered) once sent its neighbour, cut at the edge, to the gradient band, drawn cut and labelled."""
    spans = [[0.3, 0.95], [0.985, 1.2]]  # the subject inside the 5% margin, its neighbour cut
    for edge in (0.0, 0.05):
        strips, hidden = side_strips(spans, 0.03, edge=edge)
        assert hidden.tolist() == [False, True] and len(strips) < 12, edge


def test_a_transparent_videos_cover_is_the_blocks_opacity_not_a_slab():
    # one block covered whole (cut by the right edge), one in the gradient band's reach, one clear
    spans = np.array([[0.85, 1.10], [0.40, 0.60]])
    strips, _ = side_strips(spans, reach=0.35)
    alpha = cover_alpha(spans, strips)
    assert alpha[0] == pytest.approx(1.0) and alpha[1] == 0.0
    band = [(0.8, 0.9, 0.0, 1.0), (0.9, 1.0, 1.0, 1.0)]  # a gradient: faded only as far as its least
    assert cover_alpha(np.array([[0.85, 1.2], [0.95, 1.0]]), band).tolist() == pytest.approx([0.5, 1.0])


@pytest.mark.gl
def test_a_transparent_close_up_lowers_the_cut_blocks_alpha(close_up, lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene, frames = close_up
    f = frames[-1]
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1], transparent=True))
    try:
        pane = r.scene_renderer
        pane.apply_pose(f.pose)
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)

        def edge_alpha(sides) -> np.ndarray:
            pane.overlays.edge_fade.show(*sides)
            image = r.render(frame)
            assert image.shape[2] == 4
            return image[60:540, np.r_[0:4, -4:0], 3]  # the blocks' band at the side edges

        # the blocks' boxes left out: one actor draws every block's, not faded by the covers (a known gap)
        pane.overlays.outlines.actor.SetVisibility(False)
        cut = (edge_alpha((0.0, 0.0)) > 128).sum()
        assert cut > 60, "a block runs past the side edge (else the test shows nothing)"
        assert (edge_alpha(f.sides) > 12).sum() == 0, "a cut block is see-through at the edge, not a grey slab"
        assert pane.overlays.edge_fade.hidden and not pane.overlays.edge_fade.actor.GetVisibility()
        middle = r.render(frame)[60:540, SIZE[0] // 2 - 40 : SIZE[0] // 2 + 40, 3]
        assert (middle > 250).mean() > 0.05, "the subject stays opaque"
        pane.overlays.edge_fade.show(0.0, 0.0)
        restored = edge_alpha((0.0, 0.0))
        assert (restored > 128).sum() == cut, "the faded blocks' opacity comes back off the close-up"
    finally:
        r.close()


def test_a_leader_is_drawn_only_with_its_label():
    from nnvox.viewer.overlays.edge_fade import leaders_drawn

    segments = np.array([[[10, 10], [10, 40]], [[100, 10], [100, 40]], [[300, 5], [300, 9]]], float)
    shown, dropped = np.array([0.0, 40, 60, 55]), np.array([80.0, 40, 140, 55])  # boxes the lines end on
    assert leaders_drawn(segments, [(shown, True), (dropped, False)]).tolist() == [True, False, True]
    assert leaders_drawn(segments, []).all()


@pytest.mark.gl
def test_a_label_hidden_after_its_layout_takes_its_leader_with_it(close_up, lenet_run):
    from vtk.util.numpy_support import vtk_to_numpy

    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene, frames = close_up
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)
        on = lambda seg, box: ((seg >= box[:2] - 1.5) & (seg <= box[2:] + 1.5)).all(axis=1).any()
        lines = lambda: vtk_to_numpy(pane.overlays.labels.layout.leaders.lines.GetPoints().GetData()).reshape(-1, 2, 3)[
            :, :, :2
        ]
        for shot_frame in frames[::-1]:  # the close-up's last view where a label has a leader
            pane.apply_pose(shot_frame.pose)
            pane.overlays.edge_fade.show(*shot_frame.sides)
            r.render(frame)
            layout = pane.overlays.labels.layout
            before = lines()
            boxes = {b: np.asarray(box) for kind, b, _, box in layout.placement.shown if kind == "block"}
            name = next((b for b in boxes if any(on(s, boxes[b]) for s in before)), None)
            if name is not None:
                break
        assert name is not None, "no label with a leader in any view of the shot"
        pane.overlays.labels.labels[name].SetVisibility(False)  # dropped after its layout (a held shot's)
        r.render(frame)  # the same view: laid out as before
        after = lines()
        assert len(after) == len(before) - 1, name
        assert not any(on(s, boxes[name]) for s in after), f"{name}'s leader drawn without its label"
    finally:
        r.close()


def test_a_block_coming_into_the_margin_fades_over_frames_not_at_once():
    """The lecture's conv1 close-up (28.2 s): conv2 came into the title-safe margin beside relu2,
    already covered whole, and joined its opaque cover in one frame. Here the two slide to the right
    edge by a thousandth of the width a frame (the close-up's pan at 30 fps, 720p: 0.0007): each
    block's cover grows by a few hundredths a frame, over 15 frames or more."""
    step, edge = 0.001, 0.05
    relu2, conv2 = np.array([0.942, 1.033]), np.array([0.839, 0.930])  # as drawn at 4.73 s into the shot
    covers, unlabelled = [], []
    for k in range(-40, 60):
        spans = np.array([conv2, relu2]) + k * step
        strips, hidden = side_strips(spans, reach=0.32, edge=edge)
        covers.append(cover_alpha(spans, strips)[0])
        unlabelled.append(hidden[0])
    covers, unlabelled = np.array(covers), np.array(unlabelled)
    # its label goes as its block is a fifth covered (close_up.HIDES), not with its neighbour's
    assert unlabelled[-1] and not unlabelled[covers < 0.19].any() and unlabelled[covers > 0.21].all()
    assert covers[0] == 0.0 and covers[-1] == pytest.approx(1.0)  # clear at first, gone at last
    assert np.abs(np.diff(covers)).max() < 0.1, np.round(covers, 2)
    assert ((covers > 0.05) & (covers < 0.95)).sum() >= 10

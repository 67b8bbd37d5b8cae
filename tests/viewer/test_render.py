import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.colour import lut
from tests.viewer.conftest import voxel_pixel

pytestmark = pytest.mark.gl


def _probes(scene, names, step=2):
    for name in names:
        b = scene.block(name)
        for r in range(0, b.rows, step):
            for c in range(0, b.cols, step):
                yield b, r, c


def test_block_voxels_have_the_colour_their_value_maps_to(plain_renderer):
    scene, renderer = plain_renderer
    frame = scene.frame_at(scene.n_snapshots - 1, sample=2)
    image = renderer.render(frame)
    assert image.shape == (540, 960, 3)
    checked = matched = 0
    for b, r, c in _probes(scene, ["input", "conv1", "relu1", "conv2", "fc1"], step=1):
        value = frame.values[b.name][0, r, c]
        expected = lut(b.scale.cmap)[int(b.scale.quantise(np.array([value], np.float32))[0])].astype(int)
        y, x = voxel_pixel(renderer, b, 0, r, c)
        checked += 1
        matched += int(np.abs(image[y, x].astype(int) - expected).max() <= 3)
    assert checked > 150
    assert matched / checked >= 0.97, f"{matched}/{checked} voxel centres show their value's colour"


def test_changing_epoch_changes_only_voxels_whose_values_changed(plain_renderer):
    scene, renderer = plain_renderer
    f0, f1 = scene.frame_at(0, sample=5), scene.frame_at(scene.n_snapshots - 1, sample=5)
    a, b = renderer.render(f0), renderer.render(f1)
    changed_expected = changed_seen = unchanged_ok = unchanged_total = 0
    for blk, r, c in _probes(scene, ["input", "conv1", "relu2", "fc1", "fc2"], step=1):
        q0, q1 = (blk.scale.quantise(np.array([f.values[blk.name][0, r, c]], np.float32))[0] for f in (f0, f1))
        y, x = voxel_pixel(renderer, blk, 0, r, c)
        differs = np.abs(a[y, x].astype(int) - b[y, x].astype(int)).max() > 3
        if abs(int(q0) - int(q1)) > 2:
            changed_expected += 1
            changed_seen += differs
        elif q0 == q1:
            unchanged_total += 1
            unchanged_ok += not differs
    assert changed_expected > 20 and changed_seen / changed_expected >= 0.95
    assert unchanged_total > 20 and unchanged_ok / unchanged_total >= 0.97
    input_block = scene.block("input")
    y0, x0 = voxel_pixel(renderer, input_block, 0, 0, 0)
    y1, x1 = voxel_pixel(renderer, input_block, 0, input_block.rows - 1, input_block.cols - 1)
    region = (slice(min(y0, y1), max(y0, y1)), slice(min(x0, x1), max(x0, x1)))
    np.testing.assert_array_equal(a[region], b[region])  # the input did not change with training


def test_forward_pass_dims_blocks_not_yet_reached(plain_renderer):
    scene, renderer = plain_renderer
    full = renderer.render(scene.frame_at(0, sample=0))
    early = renderer.render(scene.frame_at(0, sample=0, reveal=0.15))
    fc1 = scene.block("fc1")
    y, x = voxel_pixel(renderer, fc1, 0, fc1.rows // 2, fc1.cols // 2)
    background = np.array(renderer.options.background)
    assert np.abs(early[y, x].astype(int) - background).sum() < np.abs(full[y, x].astype(int) - background).sum()
    inp = scene.block("input")
    y, x = voxel_pixel(renderer, inp, 0, 4, 4)
    np.testing.assert_array_equal(early[y, x], full[y, x])  # the input is lit from the start


def test_png_at_any_size_and_bad_outputs(digits_run, tmp_path):
    import imageio.v3 as iio

    from nnvox.viewer.export import render_png

    out = render_png(digits_run, tmp_path / "still.png", width=333, height=211, mode="weights")
    assert iio.imread(out).shape == (211, 333, 3)
    with pytest.raises(NnvoxError, match="does not exist"):
        render_png(digits_run, tmp_path / "no" / "such" / "dir.png")
    with pytest.raises(NnvoxError, match=r"ending in \.png"):
        render_png(digits_run, tmp_path / "still.jpg")
    with pytest.raises(
        NnvoxError,
        match=r"sample 18 is out of range; the run has probe samples 0..9, then each snapshot's most confident "
        r"mistakes 10..17 \(--mistake 1..8\)",
    ):
        render_png(digits_run, tmp_path / "x.png", sample=18)
    with pytest.raises(NnvoxError, match=r"sample 10 is out of range; the run has probe samples 0..9$"):
        render_png(digits_run, tmp_path / "x.png", sample=10, pin=0)  # mistakes are one snapshot's: not in comparisons


def test_a_frame_writes_values_into_existing_actors(plain_renderer):
    scene, renderer = plain_renderer
    props = renderer.renderer.GetViewProps()
    before = props.GetNumberOfItems()
    mtime = renderer.scene_renderer.visuals["conv1"].image.GetMTime()
    renderer.render(scene.frame_at(1.5, sample=1))
    assert props.GetNumberOfItems() == before  # no per-frame actor creation
    assert renderer.scene_renderer.visuals["conv1"].image.GetMTime() > mtime


def test_metrics_inset_cursor_follows_the_timeline(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    assert len(scene.metrics["held-out accuracy"]) == scene.n_snapshots and np.isnan(scene.metrics["loss"][0])
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540, show_labels=False, hall=False))
    ax0, ay0, ax1, ay1 = r.scene_renderer.overlays.metrics.chart.place.area  # pixels, y up
    row = int(540 - (ay0 + ay1) / 2)  # across the curves' area

    def cursor_x(t):
        left = int(ax0) - 2
        line = r.render(scene.frame_at(t))[row, left : int(ax1) + 3].astype(int)
        white = (line > 235).all(axis=1)
        assert white.any()
        return int(np.argmax(white)) + left  # the white cursor

    xs = [cursor_x(t) for t in (0, 1.5, scene.n_snapshots - 1)]
    assert xs[0] < xs[1] < xs[2]
    assert abs(xs[0] - ax0) <= 2 and abs(xs[2] - ax1) <= 2  # from the first snapshot's tick to the last's
    r.close()


def test_metrics_curves_keep_under_the_inset_titles(digits_run):
    """An accuracy of 100% draws its curve under the titles' band, never through its own title: with
    the titles hidden, the band holds no pixel of either curve's colour (and the curves show below)."""
    import dataclasses

    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.metrics import LABEL_DROP
    from nnvox.viewer.theme import DEFAULT_THEME

    scene = build_scene(digits_run)
    perfect = np.linspace(0.5, 1.0, scene.n_snapshots)  # the curve reaches the top of its area
    scene = dataclasses.replace(scene, metrics={**scene.metrics, "held-out accuracy": perfect})
    box, (w, h) = (0.7, 0.02, 0.98, 0.15), (960, 540)
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, show_labels=False, metrics_box=box, hall=False))
    try:
        inset = r.scene_renderer.overlays.metrics
        for prop in inset.props:
            if prop.IsA("vtkTextActor"):
                prop.SetVisibility(False)  # only the curves' pixels can then be in their colours
        image = r.render(scene.frame_at(0)).astype(int)  # the cursor at the left edge, off the band's middle
    finally:
        r.close()
    columns = slice(int(w * box[0]) + 6, int(w * box[2]) - 2)
    band = image[int(h * (1 - box[3])) + 2 : int(h * (1 - box[3] + LABEL_DROP)) + 3, columns]
    below = image[int(h * (1 - box[3] + LABEL_DROP)) + 3 : int(h * (1 - box[1])) - 2, columns]
    for name in ("accuracy", "loss"):
        colour = np.array([round(255 * v) for v in DEFAULT_THEME.colours.curve_rgb(name)])
        near = lambda pixels, colour=colour: int((np.abs(pixels - colour).max(axis=-1) <= 40).sum())
        assert near(below) > 20, f"the {name} curve is drawn in the inset"
        assert near(band) == 0, f"{near(band)} pixels of the {name} curve in the titles' band"


def test_histogram_panel_shows_the_selected_layer(digits_run, tmp_path):
    import imageio.v3 as iio

    from nnvox.viewer.export import render_png
    from nnvox.viewer.options import RenderOptions

    box = RenderOptions().histogram_box
    panel = (
        slice(int(540 * (1 - box[3])) + 4, int(540 * (1 - box[1])) - 4),
        slice(int(960 * box[0]) + 4, int(960 * box[2]) - 4),
    )
    plain = iio.imread(render_png(digits_run, tmp_path / "a.png", width=960, height=540))
    shown = iio.imread(render_png(digits_run, tmp_path / "b.png", width=960, height=540, histogram="conv2"))
    other = iio.imread(render_png(digits_run, tmp_path / "c.png", width=960, height=540, histogram="conv2", t=0))
    diff = lambda a, b: (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30).mean()
    assert diff(plain[panel], shown[panel]) > 0.05  # the panel appears
    assert diff(shown[panel], other[panel]) > 0.01  # and follows the timeline
    # conv2 is signed: bars are drawn in the diverging map's colours (blue and red), not grey (its
    # negatives reach half its stage's scale, which pool2's maxima widen: a light blue)
    region = shown[panel].reshape(-1, 3).astype(int)
    assert ((region[:, 2] - region[:, 0] > 20).sum() > 20) and ((region[:, 0] - region[:, 2] > 20).sum() > 20)
    with pytest.raises(NnvoxError, match="layer 'nope' is not drawn"):
        render_png(digits_run, tmp_path / "d.png", histogram="nope")


def test_comparison_panes_share_the_camera_and_show_the_difference(digits_run, tmp_path):
    from types import SimpleNamespace

    from nnvox.scenes.compare import build_comparison
    from nnvox.viewer.export import render_png
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    c = build_comparison(digits_run, pin=2)  # snapshot 2 against itself: every difference is zero
    options = RenderOptions(width=960, height=540, show_labels=False, show_legend=False, show_hud=False)
    r = OffscreenRenderer([c.left, c.difference], options)
    image = r.render([c.left.frame_at(2), c.difference.frame_at(2)])
    assert r.panes[0].renderer.GetActiveCamera() is r.panes[1].renderer.GetActiveCamera()
    zero = c.difference.block("conv2").scale.rgb(0.0)
    pane = SimpleNamespace(renderer=r.panes[1].renderer, options=options)
    for b, row, col in _probes(c.difference, ["conv1", "conv2"], step=3):
        y, x = voxel_pixel(pane, b, 0, row, col)
        assert x > 480 and np.abs(image[y, x].astype(int) - zero).max() <= 12, (b.name, row, col)
    r.close()
    out = render_png(digits_run, tmp_path / "cmp.png", width=640, height=360, pin=0, difference=True, mode="weights")
    assert out.exists()
    with pytest.raises(NnvoxError, match="needs two things to compare"):
        render_png(digits_run, tmp_path / "x.png", difference=True)


@pytest.mark.parametrize("height", [480, 1080])
def test_legend_title_sits_over_its_bar_and_the_ticks_under_it(digits_run, height):
    """Read off the picture, top to bottom: title text, a gap, the colour bar, tick labels; vtk's own
    title shared the ticks' side of the bar and ran into them."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    width = height * 16 // 9
    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=width, height=height, show_labels=False, show_hud=False))
    try:
        image = r.render(scene.frame_at(0)).astype(int)
    finally:
        r.close()
    band = image[int(height * 0.8) :, int(width * 0.02) : int(width * 0.3)]  # the first legend, under the network
    spread = band.max(axis=2) - band.min(axis=2)
    kinds = []
    for row, chroma in zip(band, spread):
        bar = (chroma > 40).mean() > 0.5  # mostly colour: the bar
        text = not bar and ((row.min(axis=1) > 120) & (chroma < 30)).any()  # light grey: text
        kind = "bar" if bar else "text" if text else "gap"
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    assert (
        kinds[kinds.index("bar") - 1] == "gap" and "text" in kinds[: kinds.index("bar")]
    )  # the title, clear of the bar
    assert "text" in kinds[kinds.index("bar") :]  # the ticks under it


def test_a_theme_reaches_the_picture(digits_run):
    """Colours come from the options' theme: another background and outline colour are drawn as such."""
    from dataclasses import replace

    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import DEFAULT_THEME

    scene = build_scene(digits_run)
    theme = replace(DEFAULT_THEME, colours=replace(DEFAULT_THEME.colours, background=(90, 20, 20), outline=(0, 250, 0)))
    options = RenderOptions(width=640, height=360, show_labels=False, show_legend=False, show_hud=False, theme=theme)
    assert options.background == (90, 20, 20) and RenderOptions().background == DEFAULT_THEME.colours.background
    r = OffscreenRenderer(scene, options)
    image = r.render(scene.frame_at(0)).astype(int)
    r.close()
    assert (image[3, 3] == (90, 20, 20)).all()
    assert ((np.abs(image - (0, 250, 0)).max(axis=2) < 10).sum()) > 200  # the block outlines


def test_overlays_share_one_protocol_and_leave_nothing_behind(digits_run):
    """Every overlay of a pane lists its props and takes a frame through update(shown); removing the
    pane takes every prop out of the window (the window switches scenes this way)."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.histogram import HistogramSource
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays import Shown

    scene = build_scene(digits_run, SceneOptions(feature_space="pca", clusters=2))
    r = OffscreenRenderer(scene, RenderOptions(width=640, height=360))
    pane = r.scene_renderer
    overlays = pane.overlays.all
    assert len(overlays) == 16  # every switch on: none left out
    histogram = HistogramSource(scene).at("conv2", 1)
    for overlay in overlays:
        assert isinstance(overlay.props, list)
        overlay.update(Shown(scene.frame_at(1), histogram))
    r.render(scene.frame_at(2), histogram)
    assert pane.renderer.GetViewProps().GetNumberOfItems() > 0
    pane.remove()
    assert pane.renderer.GetViewProps().GetNumberOfItems() == 0
    assert not r.window.HasRenderer(pane.overlay)
    r.close()

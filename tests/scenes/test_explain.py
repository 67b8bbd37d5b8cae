"""scenes/explain: each output value taken apart from the recorded arrays sums to the recorded value."""

import dataclasses
import itertools

import numpy as np
import pytest
import torch

from nnvox.errors import NnvoxError
from nnvox.scenes import explain as ex


def fp16_bound(s: ex.Step) -> float:
    """What storing inputs, weights and the output as float16 (the run's format) can move the sum by:
    each term's two roundings and the recorded value's own (2^-11 relative each)."""
    terms = np.abs(s.products).sum() if s.products is not None else 0.0
    return 2.0**-10 * (terms + abs(s.bias) + abs(s.recorded)) + 1e-7


@pytest.mark.parametrize("which", ["digits", "lenet"])
@pytest.mark.parametrize("layer", ["conv1", "conv2", "fc1", "fc2"])
def test_products_sum_to_the_recorded_value(which, layer, digits_run, lenet_run):
    run = digits_run if which == "digits" else lenet_run
    t = ex.target(run.architecture, layer)
    last = len(run.snapshots) - 1
    for index, sample, channel in ((0, 0, 0), (last, 3, t.shape[0] - 1)):
        arrays = ex.read_arrays(run, t, index, sample)
        steps = [ex.step(t, arrays, p) for p in ex.order(t, channel)]  # every position, padded borders too
        errors = np.array([abs(s.value - s.recorded) / fp16_bound(s) for s in steps])
        assert errors.max() < 0.5, (layer, index, errors.max())
        if t.family == "conv" and t.padding != (0, 0):
            assert (
                not steps[0].inside.all() and steps[t.shape[1] // 2 * t.shape[2] + t.shape[2] // 2].inside.all()
            )  # the corner reads padding
    # the same sums on a window one row off miss: the check tells a wrong patch apart
    if t.family == "conv":
        shifted = dataclasses.replace(t, padding=(t.padding[0] + 1, t.padding[1]))
        moved = [ex.step(shifted, arrays, p) for p in ex.order(t, channel)[: t.shape[2] * 3]]
        assert max(abs(s.value - s.recorded) / fp16_bound(s) for s in moved) > 5


@pytest.mark.parametrize("layer", ["pool1", "pool2"])
def test_a_pooling_window_max_is_the_recorded_value_exactly(lenet_run, layer):
    t = ex.target(lenet_run.architecture, layer)
    arrays = ex.read_arrays(lenet_run, t, 1, 2)
    for p in ex.order(t, 4):
        s = ex.step(t, arrays, p)
        assert s.value == s.recorded
        assert s.inputs[s.chosen] == s.value


def test_strided_dilated_grouped_padded_convolution_matches_torch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 11, 9)).astype(np.float32)
    w = rng.normal(size=(6, 2, 3, 3)).astype(np.float32)
    b = rng.normal(size=6).astype(np.float32)
    y = torch.nn.functional.conv2d(
        torch.from_numpy(x)[None], torch.from_numpy(w), torch.from_numpy(b), stride=2, padding=2, dilation=2, groups=2
    )[0].numpy()
    t = ex.Target("c", "conv", "x", "c", (3, 3), (2, 2), (2, 2), (2, 2), 2, y.shape)
    arrays = ex.Arrays(x, y, w, b)
    for p in ex.order(t, 0) + ex.order(t, 5):
        s = ex.step(t, arrays, p)
        assert abs(s.value - s.recorded) <= 1e-4 * max(1.0, abs(s.recorded))
    assert ex.step(t, arrays, (5, 0, 0)).channels == (2, 3)  # the second group reads the second half


def test_padded_average_pool_and_a_dense_unit_match_torch():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 7, 7)).astype(np.float32)
    y = torch.nn.functional.avg_pool2d(torch.from_numpy(x)[None], 3, stride=2, padding=1)[0].numpy()
    t = ex.Target("p", "mean", "x", None, (3, 3), (2, 2), (1, 1), (1, 1), 1, y.shape)
    for p in ex.order(t, 2):
        s = ex.step(t, ex.Arrays(x, y), p)
        assert abs(s.value - s.recorded) < 1e-5
    v, w, b = (
        rng.normal(size=20).astype(np.float32),
        rng.normal(size=(5, 20)).astype(np.float32),
        np.ones(5, np.float32),
    )
    dense = ex.Target("fc", "linear", "v", "fc", shape=(5,))
    for p in ex.order(dense):
        s = ex.step(dense, ex.Arrays(v, w @ v + b, w, b), p)
        assert abs(s.value - s.recorded) < 1e-4


def test_bad_layers_are_one_line_errors_naming_the_choices(digits_run):
    for bad, says in (("relu1", "is a ReLU"), ("nope", "is not in the model")):
        with pytest.raises(NnvoxError) as err:
            ex.target(digits_run.architecture, bad)
        assert says in str(err.value) and "conv1, pool1, conv2" in str(err.value) and "\n" not in str(err.value)


def test_the_window_waits_for_the_fade_in_stops_on_the_chosen_positions_and_sweeps_the_rest():
    from nnvox.scenes import explain_pace as pace

    total, fps, seconds, lead = 28 * 28, 30, 20.0, 0.5
    chosen = (300, 340, 450)
    done = [pace.schedule(k / (fps * seconds), total, chosen, seconds, lead) for k in range(int(fps * seconds) + 1)]
    assert done == sorted(done) and done[-1] == total
    assert set(done[: round(fps * (lead + pace.SETTLE))]) == {1}  # still while the shot fades in
    standing = [done.count(stop + 1) / fps for stop in chosen]
    assert 6.0 <= standing[0] <= 7.5 and all(3.7 <= s <= 4.6 for s in standing[1:]), standing  # the first longest
    assert standing[0] / standing[1] == pytest.approx(pace.FIRST_READING / pace.READING, rel=0.05)
    held = done.count(total)
    assert held >= pace.END_HOLD * (seconds - lead - pace.SETTLE) * fps - 1  # the finished map held
    # the rest swept over where the class watches the map fill: 8.5 s frozen and 597 positions in
    # 1.9 s was the timing backwards, and 6 s of empty tables (watch 9) too long: about 12% of the shot
    sweeping = len(done) - round(fps * (lead + pace.SETTLE)) - round(fps * sum(standing)) - held
    assert 2.0 * fps <= sweeping <= 0.12 * seconds * fps, sweeping / fps
    assert [pace.schedule(p, 10) for p in (0.0, 0.5, 1.0)] == [1, 5, 10]  # a dense layer's units, evenly


def _standing(explained, last, seconds, tail=0.5, fps=30):
    """Seconds the window stands on each of the shot's stops, flagged as stopped, before the fade-out."""
    n = round(fps * seconds)
    moments = [explained.at(k / (n - 1), last) for k in range(n)]
    before = moments[: n - round(fps * tail)]
    assert {m.done - 1 for m in moments if m.stopped} == set(explained.stops(last))
    return [sum(m.stopped and m.done - 1 == k for m in before) / fps for k in explained.stops(last)]


def test_the_stops_are_a_stroke_edge_the_padded_end_the_stroke_centre_and_background_each_its_own_sum(lenet_run):
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    seconds, lead, tail = 40, 0.5, 0.5  # a long shot keeps them all (after its 12 s walk)
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=lead, tail=tail)
    last = len(lenet_run.snapshots) - 1
    chosen = explained.stops(last)
    arrays = ex.read_arrays(lenet_run, explained.target, last, 9)
    steps = [ex.step(explained.target, arrays, p) for p in explained.positions]
    black = explained.black
    assert black == pytest.approx(float(lenet_run.probe_inputs.min())) and black < -0.1  # normalised: not 0
    background = [k for k in chosen if steps[k].inside.all() and np.all(steps[k].inputs == black)]
    assert len(background) == 1  # one stop reads a whole window of black pixels
    read = ex.ink(steps, black)
    edge = [
        k for k in range(len(steps)) if pace.EDGE[0] <= read[k] / read.max() <= pace.EDGE[1] and steps[k].inside.all()
    ]
    strongest = max(abs(steps[k].recorded) for k in edge)
    assert int(np.argmax(read)) in chosen  # the window fullest of the stroke
    assert any(abs(steps[k].recorded) == strongest for k in chosen)  # across an edge, where the map answers most
    assert chosen[-1] == len(steps) - 1 and not steps[-1].inside.all()  # the padded last position
    assert len({ex.shown_sum(steps[k]) for k in chosen}) == len(chosen) == 4  # no two alike
    standing = _standing(explained, last, seconds, tail)  # each at least its reading time, the first longest
    assert standing[0] >= pace.FIRST_READING and min(standing[1:]) >= pace.READING - 0.1, standing
    # a short shot keeps one stop, the most telling: where the map answers most, its sum far from 0
    short = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=12, lead=lead, tail=tail)
    (only,) = short.stops(last)
    assert abs(steps[only].recorded) == strongest > 4 * abs(steps[int(np.argmax(read))].recorded)  # 3.45, 0.42
    assert _standing(short, last, 12, tail)[0] >= 2.2  # longer than any stop of the old 12 s shot (2 s)


@pytest.mark.parametrize(
    ("seconds", "lead", "kept"),
    [(12, 0.5, 1), (16, 0.0, 1), (22, 0.5, 2), (26, 0.5, 2), (30, 0.0, 4), (34, 0.5, 4), (38, 0.5, 4)],
)
def test_a_shot_keeps_as_many_stops_as_its_length_reads_aloud(lenet_run, seconds, lead, kept):
    """A lecturer found 2 s stops too fast to read aloud: one example held 8-10 s (25 products and
    the sum said), the padding example at least 5 s. The stops a shot keeps follow from its length,
    the most telling first: the first stop at least FIRST_READING, each other at least READING."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=lead, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    chosen = explained.stops(last)
    standing = _standing(explained, last, seconds)  # (a dip in and out: lead, tail 0.5 s)
    assert len(chosen) == kept, (seconds, chosen, standing)
    assert standing[0] == max(standing) >= (pace.FIRST_READING - 0.1 if kept > 1 else 2.2)  # the first longest
    assert all(s >= pace.READING - 0.1 for s in standing[1:]), standing
    if kept >= 2:  # the padding example kept second: the window reads zeros past the input's edge
        assert chosen[-1] == len(explained.positions) - 1 and 0.0 in explained.at(1.0, last).step.inputs
    if seconds == 26:  # the lecture's shot: a first stop about 6 s, the padded corner about 3.6 s (not 8.5, 5.5)
        assert 5.4 <= standing[0] <= 6.5 and 3.3 <= standing[1] <= 4.0, standing
    assert explained.at(1.0, last).done == len(explained.positions)  # the map filled


def test_the_window_walks_one_row_cell_by_cell_into_its_first_stop(lenet_run):
    """A lecturer saw the window hop between stops and the map fill in bands: before the first stop
    it walks WALK consecutive positions of one row, the map one cell more each time, each position's
    own sum shown. At 3-4 a second (9 steps of 0.28 s) 75 numbers flashed, at a second each a
    lecturer could not say the sums: a 12 s shot walks faster (WALK_MOST), its first position about
    3.7 s, the next about 1.8 s."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    fps = 30
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=12, lead=0.5, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    first = explained.stops(last)[0]
    moments = [explained.at(k / (12 * fps - 1), last) for k in range(12 * fps)]
    walking = [m for m in moments if m.walking]
    visited = sorted({m.done - 1 for m in walking} - {first})  # (the stop's frame leaving it counts as walked)
    assert visited == list(range(first - pace.WALK + 1, first)), visited  # consecutive, ending on the stop
    rows = {explained.positions[k][1] for k in [*visited, first]}
    assert len(rows) == 1  # along one row
    waiting = round(fps * (0.5 + pace.SETTLE))  # the first walked also stands through the fade-in (first_visited)
    frames = [sum(m.done - 1 == k for m in moments) - (waiting if k == visited[0] else 0) for k in visited]
    assert 3.2 * fps <= frames[0] <= 4.2 * fps and 1.5 * fps <= frames[1] <= 2.1 * fps, frames  # not 3-4 a second
    assert len(visited) == 2  # two steps: the slide seen, into the stop (four left 2.5 s each in 22 s)
    assert all(not m.sweeping and not m.stopped for m in walking)  # each one's own numbers
    done = [m.done for m in moments]
    at = [done.index(k + 1) for k in [*visited, first]]
    assert all(b > a for a, b in itertools.pairwise(at))  # one cell more at a time
    # a dense layer walks its first units one by one too, then goes quickly over the rest
    dense = ex.Explanation(lenet_run, build_scene(lenet_run), "fc1", 0, 9, seconds=12, lead=0.5, tail=0.5)
    units = [dense.at(k / (12 * fps - 1), last) for k in range(12 * fps)]
    assert sorted({m.done - 1 for m in units if m.walking}) == list(range(pace.WALK))
    swept = [m for m in units if not m.walking and m.done < m.total]  # quickly: each unit's numbers as it passes
    assert len(swept) > 100 and all(m.sweeping for m in swept)
    assert sum(m.legible == 1.0 for m in swept) >= len(swept) - round(fps * (pace.ARRIVING + pace.LEAVING)) - 2
    assert units[-1].done == units[-1].total


def test_a_walk_stays_in_its_row_and_short_shots_walk_faster():
    from nnvox.scenes import explain_pace as pace

    assert pace.walk((187,), 784, 28) == tuple(range(188 - pace.WALK, 188))  # ends on the stop
    assert pace.walk((30,), 784, 28) == tuple(range(28, 28 + pace.WALK))  # the row's start, through the stop
    assert pace.walk((), 120, 120) == tuple(range(pace.WALK))
    assert list(pace.walk_seconds(2, 30.0)) == [pace.FIRST_WALK_SECONDS, pace.WALK_SECONDS]
    assert pace.walk_seconds(8, 2.0).sum() == pytest.approx(pace.WALK_MOST * 2.0)
    walked = tuple(range(188 - pace.WALK, 188))
    d = pace.dwell(784, (187, 458, 783), walked, 30.0)
    assert d.sum() == pytest.approx(30.0) and d[walked[0]] == pace.FIRST_WALK_SECONDS
    assert d[walked[1]] == pace.WALK_SECONDS and d[187] > d[458] == d[783] > 1.5


def test_between_stops_the_window_sweeps_its_numbers_shown_and_names_the_next(lenet_run):
    """A lecturer saw the last stop's numbers, dimmed, under "sliding to row 27, column 27" while
    the window swept elsewhere; watch 9 then sat through six seconds of "–" tables under a band moving
    down the map. A sweep flags its moments, heads for the next stop, and stands on the position it
    passes: the inset prints that position's numbers as the window passes it, fully (legible) but
    where the sweep starts and ends (test_the_numbers_dim_only_with_the_headings_words)."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=26, lead=0.5, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    chosen = explained.stops(last)
    moments = [explained.at(k / 779, last) for k in range(780)]
    sweeping = [m for m in moments if m.sweeping]
    assert len(sweeping) >= 30 and all(not m.stopped and not m.walking for m in sweeping)
    assert not any(m.sweeping for m in moments if m.stopped or m.walking)
    for m in sweeping:  # heading for the next stop, never standing on one, its own numbers shown
        ahead = [k for k in chosen if k > m.done - 1]
        assert m.done - 1 not in chosen and m.heading == explained.positions[ahead[0]]
        at = explained.positions.index(m.step.position)  # a hop's position (test_explain_hops), computed
        assert at < m.done and at not in chosen, (m.step.position, m.done)
    shown = [m for m in sweeping if m.legible == 1.0]
    assert len(shown) >= len(sweeping) - 2 * round(30 * (pace.ARRIVING + pace.LEAVING)) - 2, (len(shown), len(sweeping))
    assert len({m.step.position for m in shown}) >= 5  # the numbers change as it goes, hop by hop


def test_the_numbers_dim_only_with_the_headings_words(lenet_run):
    """Watch 5: fading the numbers out and in at every step greyed the products for 0.4 s each
    second; a lecturer saw the numbers pop in one frame after a sweep. The numbers of every position
    are printed, swept ones too (watch 9), at full strength but where a sweep starts or ends: there
    they go over LEAVING and come in over ARRIVING with the heading's words ("sliding to ..."), in
    step with them at every frame; from one walked position or stop to the next they change in the
    frame the window moves, the heading's numbers with them."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    fps, seconds = 30, 26
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=0.5, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    moments = [explained.at(k / (seconds * fps - 1), last) for k in range(seconds * fps)]
    assert moments[0].legible == 1.0  # the first position: there from the first frame, the shot fading in
    assert all(m.legible == pytest.approx(m.titled) for m in moments)  # with the heading's words
    edges = [k for k in range(1, len(moments)) if moments[k].sweeping != moments[k - 1].sweeping]
    assert len(edges) >= 2
    near = round(fps * (pace.ARRIVING + pace.LEAVING)) + 1
    for k, m in enumerate(moments):  # dimmed only round a sweep's start or end
        assert m.legible == 1.0 or min(abs(k - e) for e in edges) <= near, (k, m.legible)
    for k in edges:  # going before, coming in after
        went = [m.legible for m in moments[k - round(fps * pace.LEAVING) - 1 : k]]
        came = [m.legible for m in moments[k : k + round(fps * pace.ARRIVING) + 1]]
        assert went[0] > 0.8 and went == sorted(went, reverse=True) and went[-1] < 0.3, (k, went)
        assert came[0] < 0.2 and came == sorted(came) and came[-1] == 1.0, (k, came)
    changes = [k for k in range(1, len(moments)) if moments[k].done != moments[k - 1].done]
    steps = [k for k in changes if not moments[k].sweeping and not moments[k - 1].sweeping]
    assert len(steps) >= pace.WALK - 1  # the walk's, into the first stop
    for k in steps:  # no grey frame either side of a step: the old numbers up to it, the new from it
        around = [m.legible for m in moments[k - round(fps * pace.LEAVING) - 1 : k + round(fps * pace.ARRIVING) + 1]]
        assert all(v == 1.0 for v in around), (k, around)


def test_the_lecture_shot_walks_stops_and_sweeps_at_a_pace_to_talk_over(lenet_run):
    """Watch 5: columns 15-18 stepped once a second, the screen froze 8.5 s on column 18, the other
    597 positions went by in 1.9 s, then the padded corner froze 5.5 s. Watch 8: 4.3 s on the first
    position was too little to walk a class through its 25 products. Watch 9: 6 s of empty tables
    while the window swept to row 27, column 27. In the lecture's 26 s shot the first walked
    position stands 8-10 s, the next about 4 s, the first stop about 6 s, the sweep about 3 s (at
    most 12% of the shot), the padded corner about 3.6 s."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    fps, seconds, lead, tail = 30, 26, 0.5, 0.5
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=lead, tail=tail)
    last = len(lenet_run.snapshots) - 1
    n = seconds * fps
    moments = [explained.at(k / (n - 1), last) for k in range(n)]
    runs = [(m.sweeping, m.done) for m in moments]
    spans = [(key, len(list(group)) / fps) for key, group in itertools.groupby(runs)]
    walked = [s for _, s in spans[: pace.WALK]]  # the two walked positions and the first stop, in turn
    assert len(walked) == 3 and 8.0 <= walked[0] <= 10.0 and 3.6 <= walked[1] <= 4.6 <= 5.4 <= walked[2] <= 6.5, walked
    assert [key[1] for key, _ in spans[: pace.WALK]] == sorted(key[1] for key, _ in spans[: pace.WALK])
    standing = _standing(explained, last, seconds, tail)  # the stops, flagged as such, before the fade-out
    assert len(standing) == 2 and 5.4 <= standing[0] <= 6.5 and 3.3 <= standing[1] <= 4.0, standing
    assert explained.stops(last)[-1] == len(explained.positions) - 1  # the second: the padded corner
    sweep = sum(s for (swept, _), s in spans if swept)
    assert 2.5 <= sweep <= 0.12 * seconds, sweep  # not the 6 s of watch 9
    assert moments[-1].done == len(explained.positions)


def test_the_walk_scales_with_the_shot_its_first_position_longest():
    """The walk's seconds follow the shot's length: the first walked position FIRST_WALK_SECONDS and
    each next WALK_SECONDS where the shot has room, all shortened alike in a short one (never the
    first shorter than the next), never more than WALK_MOST of it."""
    from nnvox.scenes import explain_pace as pace

    long = pace.walk_seconds(2, 40.0)
    assert list(long) == [pace.FIRST_WALK_SECONDS, pace.WALK_SECONDS]
    short = pace.walk_seconds(2, 10.0)
    assert short.sum() == pytest.approx(pace.WALK_MOST * 10.0) and short[0] / short[1] == pytest.approx(
        pace.FIRST_WALK_SECONDS / pace.WALK_SECONDS
    )
    lengths = [pace.walk_seconds(2, a)[0] for a in (6.0, 12.0, 18.0, 24.0, 30.0)]
    assert lengths == sorted(lengths) and lengths[-1] == pace.FIRST_WALK_SECONDS  # longer shot, longer first
    assert pace.walk_seconds(0, 20.0).size == 0


def test_the_printed_sums_add_up_as_printed_at_every_position_of_a_run(lenet_run):
    """The inset's lines (words, number) parse, the printed products' sum plus the printed bias is
    the printed value exactly, and that is the recorded value rounded (seen before: 5.396 - 0.146
    printed as 5.251)."""
    from decimal import Decimal

    last = len(lenet_run.snapshots) - 1
    for layer, channel in (("conv1", 0), ("conv1", 5), ("conv2", 3), ("fc1", 0), ("pool1", 2)):
        t = ex.target(lenet_run.architecture, layer)
        arrays = ex.read_arrays(lenet_run, t, last, 9)
        for s in (ex.step(t, arrays, p) for p in ex.order(t, channel)):
            numbers = [Decimal(n.replace("−", "-")) for _, n in ex.sum_lines(s)]
            assert numbers[-1] == round(Decimal(s.recorded), 3), (layer, s.position, numbers, s.recorded)
            if s.products is not None:
                products, bias, total = numbers
                assert products + bias == total, (layer, s.position, numbers)
                assert bias == round(Decimal(s.bias), 3)
                assert abs(float(products) - float(s.products.sum(dtype=np.float64))) <= fp16_bound(s) + 1.5e-3


def test_a_shot_checks_its_explained_layer_and_channel(digits_run, tmp_path):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.scenes.storyboard import load_storyboard

    scene = build_scene(digits_run, SceneOptions(max_channels=4))
    drawn = scene.block("conv2").channels
    hidden = next(c for c in range(16) if c not in drawn)
    with pytest.raises(NnvoxError, match=f"channel {hidden} of 'conv2' is not drawn"):
        ex.Explanation(digits_run, scene, "conv2", hidden)
    with pytest.raises(NnvoxError, match="channel 8 is out of range; 'conv1' has 8 maps"):
        ex.Explanation(digits_run, scene, "conv1", 8)
    moment = ex.Explanation(digits_run, scene, "conv2", drawn[-1]).at(0.5, 1.0)
    assert moment.step.position[0] == drawn[-1] and ex.done_cells(scene.block("conv2"), moment)[0] == 3
    board = tmp_path / "b.toml"
    board.write_text('[[shot]]\ntitle = "x"\nduration = 1\n\n[[shot]]\nrun = "."\nduration = 1\nchannel = 2\n')
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(NnvoxError, match=r"b.toml, line 8: channel is the map an explained layer fills in"):
        load_storyboard(board)


def test_a_linear_applied_at_each_token_is_refused_in_one_line():
    """A Linear over a sequence (an MLP on tokens) has a row of outputs a position, not one value a
    unit: explaining it is a one-line error, not a traceback while the shot draws."""
    from torch import nn

    from nnvox.capture.trace import trace

    model = nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 3)).eval()
    arch = trace(model, torch.zeros(1, 5, dtype=torch.long)).architecture
    linear = next(n.name for n in arch.nodes if n.kind == "Linear")
    with pytest.raises(NnvoxError, match="applied at each of 5 positions") as err:
        ex.target(arch, linear)
    assert "\n" not in str(err.value)


def test_the_inputs_colour_scale_is_one_over_the_run_not_the_patch_in_view(lenet_run):
    from nnvox.scenes.build import build_scene

    scene = build_scene(lenet_run)
    for layer, source in (("conv1", "input"), ("conv2", "pool1")):
        explained = ex.Explanation(lenet_run, scene, layer, 0, 2)
        scales = {explained.at(p, t).input_scale for p in (0.05, 0.5, 0.95) for t in (0.0, 1.0)}
        assert len(scales) == 1  # the same over the shot and across snapshots
        (scale,) = scales
        assert (scale.lo, scale.hi) == pytest.approx((scene.block(source).scale.lo, scene.block(source).scale.hi))


def test_the_window_reaches_the_padded_end_before_the_shot_dips_out(lenet_run, tmp_path):
    from nnvox.scenes.shot_changes import going_out
    from nnvox.scenes.storyboard import load_storyboard, transitions

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    shot = '[[shot]]\nrun = "run"\nduration = {d}\n'
    board = tmp_path / "board.toml"
    board.write_text(
        "[video]\nfade_seconds = 0.5\n\n"
        + shot.format(d=12)
        + 'explain = "conv1"\n\n'
        + shot.format(d=3)
        + 'transition = "dip"\n\n'
        + shot.format(d=3)
        + 'transition = "cut"\n'
    )
    loaded = load_storyboard(board)
    ways = transitions(loaded)
    assert [going_out(loaded, i, ways) for i in range(3)] == [0.5, 0.0, 0.0]  # a dip out, a cut, the end


def test_the_first_frame_stands_on_the_walks_start_under_a_heading_naming_it(lenet_run):
    """A lecturer saw, after the cut into the shot, "sliding to row 6, column 18" over row 0,
    column 0's numbers for 10 frames while the window raced over the background, then the scene
    snapped back to the walk's start: from the first frame the window stands on the walk's first
    position, its own numbers shown (no held stop, no heading to one), through the shot's fade-in."""
    from nnvox.scenes import explain_pace as pace
    from nnvox.scenes.build import build_scene

    fps = 30
    last = len(lenet_run.snapshots) - 1
    for lead in (0.0, 0.5):  # a cut, a fade
        explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=12, lead=lead)
        first = explained.stops(last)[0]
        start = first - pace.WALK + 1  # (test_the_window_walks_one_row_cell_by_cell_into_its_first_stop)
        moments = [explained.at(k / (12 * fps - 1), last) for k in range(round(fps * (lead + pace.SETTLE)))]
        assert {m.done for m in moments} == {start + 1}, lead  # still, on the walk's start
        for m in moments:
            assert not m.sweeping and m.heading is None and m.walking and m.legible == 1.0
            assert m.step.position == explained.positions[start]  # the numbers shown are the position's
            _, row, col = m.step.position
            assert m.done - 1 == row * m.grid[1] + col  # the count it prints (from 0) is that position's


def test_the_window_lands_on_each_stop_slowly_not_16_positions_in_a_frame(lenet_run):
    """A lecturer took each landing for the camera jumping: the sweep between stops went at one pace,
    16-22 positions a frame up to the stop. Now it eases out of a stop and into the next: over the
    last frames before landing it moves a few positions a frame, fastest halfway."""
    from nnvox.scenes.build import build_scene

    fps, seconds = 30, 34  # a long shot: all four stops
    explained = ex.Explanation(lenet_run, build_scene(lenet_run), "conv1", 0, 9, seconds=seconds, lead=0.0, tail=0.5)
    last = len(lenet_run.snapshots) - 1
    chosen = explained.stops(last)
    assert len(chosen) == 4
    n = fps * seconds
    done = [explained.at(k / (n - 1), last).done for k in range(n)]
    for stop in chosen[1:]:  # (the first is walked into one by one)
        landed = done.index(stop + 1)
        steps = [b - a for a, b in itertools.pairwise(done[landed - 3 : landed + 1])]
        # slowing into it (a frame may pass without a move: 1 s walks shifted the frames' sampling)
        assert max(steps) <= 4, (stop, steps)
        left = max(k for k in range(landed) if done[k] - 1 in chosen)  # the last frame on the stop before
        pace = [b - a for a, b in itertools.pairwise(done[left : landed + 1])]
        fastest = int(np.argmax(pace)) / len(pace)
        assert 0.2 <= fastest <= 0.8 and max(pace) > 2 * steps[-1], (stop, pace)  # fastest on the way


def test_the_explaining_shots_camera_holds_one_pose_framing_every_window(lenet_run, tmp_path):
    """A lecturer saw the 3D view change angle at each stop: the camera holds one pose over the
    whole shot (shots.explain_pose, chosen once with the window's reach into the padding), so what
    moves is the window alone (it now eases into each stop)."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.shots import shot_frames
    from nnvox.scenes.storyboard import load_storyboard

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text('[[shot]]\nrun = "run"\nduration = 12\nsample = 9\nexplain = "conv1"\ntransition = "cut"\n')
    shot = load_storyboard(board).shots[0]
    scene = build_scene(lenet_run)
    explained = ex.Explanation(lenet_run, scene, "conv1", 0, 9, seconds=12)
    frames = shot_frames(shot, scene, 16 / 9, 30, ["conv1", explained.source], reach=explained.reach)
    assert len({f.pose for f in frames}) == 1 and explained.reach == 2  # conv1 reads 2 of padding each side

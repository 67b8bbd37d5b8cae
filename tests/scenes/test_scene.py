import itertools

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene, contract_edges, without_implied
from nnvox.scenes.colour import ColourScale, lut
from nnvox.scenes.layout import block_from_shape, near_square, weight_block, weight_panels
from nnvox.scenes.scene import SceneOptions


def test_activation_blocks_follow_the_layer_shapes(digits_run):
    scene = build_scene(digits_run)
    by_name = {b.name: b for b in scene.blocks}
    assert "flatten" not in by_name  # a pure reshape gets no block of its own
    assert (by_name["input"].role, by_name["input"].panels, by_name["input"].rows) == ("input", 1, 8)
    assert (by_name["conv1"].panels, by_name["conv1"].rows, by_name["conv1"].cols) == (8, 8, 8)
    assert (by_name["pool2"].panels, by_name["pool2"].rows) == (16, 2)
    fc1 = by_name["fc1"]
    assert (fc1.role, fc1.panels, fc1.rows, fc1.cols) == ("dense", 4, 16, 1)  # 64 units: 4 columns of 16
    assert fc1.bounds[5] - fc1.bounds[4] == pytest.approx(8 * by_name["conv1"].voxel)  # as tall as the maps
    out = by_name["fc2"]
    assert out.role == "output" and out.rows == 10 and out.class_names == tuple("0123456789")
    assert ("pool2", "fc1") in scene.edges  # bridged over the hidden flatten


def test_blocks_do_not_overlap_and_run_left_to_right(digits_run):
    for mode in ("activations", "weights"):
        blocks = build_scene(digits_run, SceneOptions(mode=mode)).blocks
        for a, b in itertools.pairwise(blocks):
            assert a.bounds[1] < b.bounds[0], (a.name, b.name)
        for b in blocks:
            assert b.order == list(blocks).index(b)  # a chain: depth = position


def test_colour_scales_are_fixed_over_the_whole_run(digits_run):
    scene = build_scene(digits_run)
    for block in scene.blocks:
        if block.role in ("feature", "dense"):
            for snap in digits_run.snapshots:
                _, p1, p99, _, nonfinite = digits_run.stats(snap.index)[block.key]
                assert nonfinite == 0
                assert block.scale.lo <= p1 + 1e-6 and p99 <= block.scale.hi + 1e-6
    relu = scene.block("relu1").scale
    assert relu == scene.block("conv1").scale  # a ReLU keeps its convolution's scale (scenes/run_scales.py)
    assert scene.block("conv1").scale.diverging  # conv outputs are signed: centred on zero
    assert scene.block("conv1").scale.lo == -scene.block("conv1").scale.hi


def test_weights_mode_is_signed_and_centred(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="weights"))
    assert [b.name for b in scene.blocks] == ["conv1", "conv2", "fc1", "fc2"]
    for b in scene.blocks:
        assert b.scale.diverging and b.scale.lo == -b.scale.hi and b.scale.cmap == "diverging"
    frame = scene.frame_at(1)
    w = digits_run.read(1, ["param/conv2.weight"])["param/conv2.weight"]
    conv2 = frame.values["conv2"]
    assert conv2.shape == (16, 7, 15)
    np.testing.assert_array_equal(conv2[5, 0:3, 0:3], w[5, 0])  # out channel 5, in channel 0
    np.testing.assert_array_equal(conv2[5, 4:7, 4:7], w[5, 5])  # in channel 5 at grid cell (1, 1)
    assert np.isnan(conv2[:, 3, :]).all()  # the gap between kernels shows "no value"


def test_frame_at_interpolates_between_snapshots(digits_run):
    scene = build_scene(digits_run)
    f1, f2, mid = scene.frame_at(1, sample=4), scene.frame_at(2, sample=4), scene.frame_at(1.25, sample=4)
    np.testing.assert_allclose(
        mid.values["conv1"], 0.75 * f1.values["conv1"] + 0.25 * f2.values["conv1"], rtol=1e-5, atol=1e-6
    )
    direct = digits_run.read(2, ["act/relu2"])["act/relu2"][4]
    np.testing.assert_array_equal(f2.values["relu2"], direct)
    np.testing.assert_array_equal(f1.values["input"][0], digits_run.probe_inputs[4][0])
    assert scene.frame_at(-3).t == 0 and scene.frame_at(99).t == scene.n_snapshots - 1


def test_output_block_shows_probabilities_and_hud_says_the_prediction(digits_run):
    scene = build_scene(digits_run)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=7)
    probs = frame.values["fc2"].ravel()
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    logits = digits_run.read(scene.n_snapshots - 1, ["act/fc2"])["act/fc2"][7]
    assert int(np.argmax(probs)) == int(np.argmax(logits))
    assert f"predicted {np.argmax(logits)}" in frame.hud_detail and "true 7" in frame.hud_detail
    assert len(frame.texts["fc2"]) == 10 and frame.texts["fc2"][3].startswith("3")
    assert scene.block("fc2").subtitle.endswith("softmax")  # what its column shows, named
    assert not any(b.subtitle.endswith("softmax") for b in scene.blocks if b.name != "fc2")


def test_a_selected_mistake_fills_the_whole_scene_with_its_activations(digits_run):
    scene = build_scene(digits_run)
    last = scene.n_snapshots - 1
    assert scene.sample_count == scene.probe_count + digits_run.mistake_rows > scene.probe_count
    sample = digits_run.mistake_sample(1)
    frame = scene.frame_at(last, sample=sample)
    held_out = int(digits_run.mistakes(last)[0])
    x, y = digits_run.evaluation
    np.testing.assert_array_equal(frame.values["input"][0], x[held_out][0])  # its image on the input plane
    np.testing.assert_array_equal(
        frame.values["relu2"], digits_run.read(last, ["act/relu2"], sample=sample)["act/relu2"]
    )
    predicted = int(np.argmax(frame.values["fc2"]))
    assert predicted != y[held_out]  # a mistake, shown as one
    assert (
        f"most confident mistake 1/{digits_run.mistake_rows} (held-out #{held_out}): "
        f"true {y[held_out]}, predicted {predicted}" in frame.hud_detail
    )
    # each snapshot's first mistake is another image: between snapshots, the nearer one, never a blend
    np.testing.assert_array_equal(scene.frame_at(last - 0.4, sample=sample).values["relu2"], frame.values["relu2"])
    assert (
        scene.frame_at(last, sample=scene.sample_count).hud_detail == scene.frame_at(last, sample=0).hud_detail
    )  # wraps round


def test_forward_pass_reveal_lights_blocks_in_graph_order(digits_run):
    scene = build_scene(digits_run)
    lit = scene.frame_at(0, reveal=0.35).lit
    order = [lit[b.name] for b in scene.blocks]
    assert order == sorted(order, reverse=True) and order[0] == 1.0 and order[-1] == 0.0
    assert set(scene.frame_at(0).lit.values()) == {1.0}


def test_unknown_mode_is_a_clear_error(digits_run):
    with pytest.raises(NnvoxError, match="unknown mode 'vibes'"):
        build_scene(digits_run, SceneOptions(mode="vibes"))


def test_generic_fallback_and_helpers():
    assert block_from_shape("Anything", (3, 5, 7)).panels == 3
    assert block_from_shape("Anything", (4, 2, 5, 7)).panels == 8
    assert block_from_shape("Anything", (6, 9)).rows == 6
    assert block_from_shape("Anything", ()).rows == 1
    rows, cols = near_square(10)
    assert rows * cols >= 10 and rows <= cols
    shape = weight_block((4, 3, 2, 2))
    assert weight_panels(np.ones((4, 3, 2, 2)), shape).shape == (4, shape.rows, shape.cols)


def test_quantise_and_colours():
    s = ColourScale.robust(-2.0, 1.0)
    assert s.diverging and (s.lo, s.hi) == (-2.0, 2.0)
    q = s.quantise(np.array([-5.0, -2.0, 0.0, 2.0, 9.0, np.nan, np.inf, -np.inf], dtype=np.float32))
    assert list(q) == [2, 2, 129, 255, 255, 0, 1, 1]  # 0: padding, 1: non-finite data, 2..255: the scale
    table = lut("diverging")
    assert tuple(s.rgb(0.0)) == tuple(table[129]) and table[129].min() > 240  # zero is white
    assert tuple(table[1]) == (255, 0, 255)  # NaN / Inf: magenta, a colour no scale uses
    assert ColourScale.robust(0.0, 3.0).cmap == "viridis"


def test_contract_edges_bridges_hidden_nodes():
    from nnvox.capture.architecture import Architecture, Node

    arch = Architecture(tuple(Node(n, "X", (1,)) for n in "abcd"), (("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")))
    assert contract_edges(arch, {"a", "d"}) == [("a", "d")]
    assert sorted(contract_edges(arch, {"a", "c", "d"})) == [("a", "c"), ("c", "d")]


def test_edges_a_longer_path_implies_are_dropped_and_branches_kept():
    stream = [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("a", "d"), ("b", "d")]  # a residual stream
    assert without_implied(list("abcd"), stream) == [("a", "b"), ("b", "c"), ("c", "d")]
    diamond = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]  # two branches: nothing implied
    assert without_implied(list("abcd"), diamond) == diamond


def test_weights_modes_draw_the_chain_of_layers_not_the_residual_stream():
    """GPT in weights mode: the adds are hidden, and bridging over them joined every layer to every
    later one (a bundle of arcs); activations mode keeps its residual arcs over the adds."""
    from nnvox.capture.targets import open_target
    from nnvox.scenes.scene import SceneOptions

    gpt = open_target("seq-gpt", mode="weights")
    acts = build_scene(gpt)
    assert any(acts.skips)  # the residual arcs over each add
    order = {b.name: b.order for b in acts.blocks}
    # the position embedding (a second source) stands beside the token embedding it is added to,
    # fed in by a plain edge, not an arc from back at the input
    assert order["wpe"] == order["wte"] and not acts.skips[acts.edges.index(("wpe", "add"))]
    weights = build_scene(gpt, SceneOptions(mode="weights"))
    assert not any(weights.skips)
    names = [b.name for b in weights.blocks]
    fed = {d for _, d in weights.edges}
    assert set(names) - fed == {"wte", "wpe"}  # every other layer still drawn fed
    assert ("h.0.attn", "h.0.mlp.0") in weights.edges and ("wte", "head") not in weights.edges


def test_forward_pass_pulses_travel_the_edges(digits_run):
    scene = build_scene(digits_run)
    assert len(scene.frame_at(0).pulses) == 0  # no animation, no pulses
    i = scene.edges.index(("input", "conv1"))
    path = scene.edge_paths[i]
    seen = []
    for reveal in np.linspace(0, 1, 200):
        frame = scene.frame_at(0, reveal=reveal)
        on_edge = [
            p
            for p in frame.pulses
            if np.linalg.norm(np.cross(path[1] - path[0], p - path[0])) < 1e-6
            and path[0][0] - 1e-6 <= p[0] <= path[1][0] + 1e-6
        ]
        seen += [p[0] for p in on_edge]
    assert len(seen) >= 3 and seen == sorted(seen)  # a dot moving forward along input -> conv1


def test_sizing_modes(digits_run):
    sides = {}
    for sizing in ("accurate", "capped", "log"):
        scene = build_scene(digits_run, SceneOptions(sizing=sizing))
        check = scene.block("conv1"), scene.block("pool2")  # 8x8 and 2x2 maps
        sides[sizing] = [b.rows * b.voxel for b in check]
    assert sides["accurate"] == [8.0, 2.0] and sides["capped"] == [8.0, 2.0]  # small maps are not capped
    big, small = sides["log"]
    assert small / big > 2.0 / 8.0  # log sizing brings tiny maps closer to big ones
    with pytest.raises(NnvoxError, match="unknown sizing"):
        build_scene(digits_run, SceneOptions(sizing="huge"))


def test_nan_and_inf_are_recorded_shown_and_reported(tmp_path):
    import torch
    from torch import nn

    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import open_run

    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))
    rec = Recorder(model, probe=(torch.ones(2, 4), [0, 1]), out=tmp_path / "run", background=False)
    rec.snapshot(epoch=0)
    with torch.no_grad():
        model[0].weight[0, 0] = float("nan")  # the first hidden unit is NaN from here on
        model[2].bias[1] = float("inf")
    rec.snapshot(epoch=1)
    rec.close()
    run = open_run(tmp_path / "run")
    assert run.stats(1)["act/0"][4] == 2 and run.stats(0)["act/0"][4] == 0  # counted per tensor
    scene = build_scene(run)
    frame = scene.frame_at(1, sample=0)
    hidden = frame.values["0"].ravel()
    assert np.isinf(hidden[0]) and np.isfinite(hidden[1:6]).all() and np.isnan(hidden[6:]).all()  # data vs padding
    q = scene.block("0").scale.quantise(frame.values["0"].ravel())
    assert q[0] == 1 and (q[1:6] >= 2).all() and (q[6:] == 0).all()
    assert "NaN/Inf (magenta) in 0" in frame.hud_detail
    halfway = scene.frame_at(0.5, sample=0).values["0"].ravel()
    assert np.isinf(halfway[0]) and np.isnan(halfway[6:]).all()  # interpolation keeps both apart


def test_nan_output_has_no_prediction(tmp_path):
    import torch
    from torch import nn

    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import open_run

    model = nn.Sequential(nn.Linear(4, 3))
    with torch.no_grad():
        model[0].bias[0] = float("nan")
    rec = Recorder(model, probe=(torch.ones(2, 4), [0, 1]), out=tmp_path / "run", background=False)
    rec.snapshot(epoch=0)
    rec.close()
    frame = build_scene(open_run(tmp_path / "run")).frame_at(0)
    assert "predicted none (the output is NaN/Inf) (wrong)" in frame.hud_detail
    assert frame.texts["0"][0].endswith("NaN")


@pytest.mark.parametrize("mode", ["change", "change-from-start"])
def test_change_modes_show_how_weights_moved(digits_run, mode):
    scene = build_scene(digits_run, SceneOptions(mode=mode))
    key = "param/conv1.weight"
    reference = (lambda i: max(i - 1, 0)) if mode == "change" else (lambda i: 0)
    for i in range(scene.n_snapshots):
        expected = digits_run.read(i, [key])[key] - digits_run.read(reference(i), [key])[key]
        np.testing.assert_allclose(scene.frame_at(i).values["conv1"][:, :3, :3], expected[:, 0], atol=1e-6)
    assert not scene.frame_at(0).values["fc1"].any()  # nothing has changed at the first snapshot
    block = scene.block("fc1")
    assert block.scale.diverging and block.scale.lo == -block.scale.hi
    limits = []
    for s in digits_run.snapshots[1:]:
        prefix = "change/" if mode == "change" else "since_start/"
        limits.append(max(abs(v) for v in digits_run.stats(s.index)[prefix + "param/fc1.weight"][1:3]))
    assert block.scale.hi == pytest.approx(max(limits))  # fixed over the run, from the writer's summaries
    assert "weight change since" in scene.frame_at(1).hud_detail


def test_change_scale_without_stored_summaries(digits_run, monkeypatch):
    """Runs written before change summaries existed still get a scale, computed from the data."""
    real = digits_run.stats
    monkeypatch.setattr(
        digits_run,
        "stats",
        lambda i: {k: v for k, v in real(i).items() if not k.startswith(("change/", "since_start/"))},
    )
    scene = build_scene(digits_run, SceneOptions(mode="change"))
    assert scene.block("conv1").scale.hi > 0


def test_gradients_mode(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="gradients"))
    assert [b.name for b in scene.blocks] == ["conv1", "conv2", "fc1", "fc2"]
    last = scene.n_snapshots - 1
    g = digits_run.read(last, ["grad/fc2.weight"])["grad/fc2.weight"]
    np.testing.assert_array_equal(scene.frame_at(last).values["fc2"][0], g)
    assert not scene.frame_at(0).values["fc2"].any()  # the snapshot before training has no gradient
    assert "gradients of the last training step" in scene.frame_at(last).hud_detail
    assert all(b.scale.diverging for b in scene.blocks)


def test_update_ratio_mode(digits_run):
    from nnvox.capture.writer import update_ratio

    scene = build_scene(digits_run, SceneOptions(mode="update-ratio"))
    w1, w2 = (digits_run.read(i, ["param/fc2.weight"])["param/fc2.weight"] for i in (1, 2))
    values = scene.frame_at(2).values["fc2"][0]
    np.testing.assert_allclose(values, np.abs(w2 - w1) / np.sqrt(np.mean(w2**2)), rtol=1e-5)
    np.testing.assert_allclose(values, update_ratio(w2, w1), rtol=1e-6)
    block = scene.block("fc2")
    assert not block.scale.diverging and block.scale.lo == 0.0 and block.scale.hi > 0
    assert "update ratio" in scene.frame_at(2).hud_detail


@pytest.mark.parametrize("mode", ["change", "change-from-start", "update-ratio"])
def test_a_change_mode_of_a_single_pass_is_refused_not_blank(mode):
    """A model run once has no training to show: a change mode drew an all-white still '±1e-12'."""
    import torch

    from nnvox.capture.single_pass import single_pass_run

    run = single_pass_run(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU()), torch.randn(2, 3), name="once")
    with pytest.raises(
        NnvoxError, match=f"^{mode} mode shows how weights moved between snapshots, and this run has one"
    ):
        build_scene(run, SceneOptions(mode=mode))
    build_scene(run, SceneOptions(mode="weights"))  # what it has, it shows

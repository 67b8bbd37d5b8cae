"""Layer health with known answers: a planted dead ReLU layer and a saturated tanh are flagged."""

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.capture.health import dead_fraction, dead_units, layer_health, saturated_fraction
from nnvox.scenes.build import build_scene
from tests.scenes.test_layout_graphs import run_of


def _sick_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 3))
    with torch.no_grad():
        model[0].bias[:6] = -100.0  # 6 of 8 units can never fire
        model[2].weight.mul_(100.0)  # tanh pushed to +-1
    return model


def test_health_measures():
    acts = np.zeros((5, 4, 3, 3), np.float32)
    acts[2, 1, 0, 0] = 1.0  # channel 1 fires once, somewhere
    assert dead_fraction(acts) == 0.75
    assert saturated_fraction(np.array([-1.0, 0.0, 0.995, 0.5]), -1.0, 1.0) == 0.5
    assert layer_health("Conv2d+BN+ReLU", acts) == {"dead": 0.75, "active": 1 / 180}  # a group's activation is its last
    assert layer_health("Linear", acts) == {}


def test_one_input_is_no_verdict_on_dead_or_stuck_units():
    """Half a ReLU layer is silent for any one input: dead only if silent for a probe set."""
    one = np.array([[1.0, 0.0, 2.0, 0.0]], np.float32)
    assert layer_health("ReLU", one) == {"active": 0.5}
    assert layer_health("Tanh", np.ones((1, 4), np.float32)) == {}
    assert layer_health("ReLU", np.repeat(one, 4, axis=0))["dead"] == 0.5  # the same silence, over four samples


def test_planted_faults_are_flagged(tmp_path):
    scene = build_scene(run_of(_sick_model(), torch.randn(16, 4), tmp_path / "run"))
    frame = scene.frame_at(0)
    assert frame.health["1"]["dead"] == pytest.approx(0.75)
    assert frame.health["3"]["saturated"] > 0.5
    assert "unhealthy: 1 75% dead, 3" in frame.hud_detail


@pytest.mark.gl
def test_flagged_layer_outline_is_red(tmp_path):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.renderer import HEALTH_RGB

    scene = build_scene(run_of(_sick_model(), torch.randn(16, 4), tmp_path / "run"))
    renderer = OffscreenRenderer(
        scene, RenderOptions(width=960, height=540, show_labels=False, show_hud=False, show_legend=False)
    )
    image = renderer.render(scene.frame_at(0)).astype(int)
    red = (np.abs(image - np.array(HEALTH_RGB["dead"])).sum(axis=2) < 40).sum()
    orange = (np.abs(image - np.array(HEALTH_RGB["saturated"])).sum(axis=2) < 40).sum()
    assert red > 30 and orange > 30


def test_gradient_flags_with_known_answers():
    from nnvox.capture.health import gradient_flags, gradient_levels

    layers = {k: {f"{k}.weight": 100} for k in "abcdef"}
    norms = {
        "a.weight": 1.0,
        "b.weight": 2.0,
        "c.weight": 1.5,
        "d.weight": 1e4,
        "e.weight": 1e-6,
        "f.weight": float("nan"),
    }
    assert gradient_flags(layers, norms) == {"d": "exploding", "e": "vanishing", "f": "exploding"}
    assert gradient_levels({"a": {"a.weight": 4, "a.bias": 5}}, {"a.weight": 3.0, "a.bias": 0.0}) == {
        "a": 1.0
    }  # sqrt(9 / 9)
    # A layer with a gradient but too few layers to compare with: only a non-finite one is a verdict
    assert gradient_flags({"a": {"a.w": 1}, "b": {"b.w": 1}}, {"a.w": 1.0, "b.w": 1e9}) == {}
    assert gradient_flags({"a": {"a.w": 1}, "b": {"b.w": 1}}, {"a.w": 1.0, "b.w": float("inf")}) == {"b": "exploding"}


def test_a_large_tensor_is_not_exploding_for_being_large():
    """A tiny Whisper after 3 AdamW steps (the numbers of a user's run): the tied 100 x 64 token
    embedding has the largest gradient norm, 1.97, over 100x the median tensor's only because
    tiny bias and norm tensors pull that median down; per value it is a few times the others."""
    from nnvox.capture.health import gradient_flags

    layers, norms = (
        {"embed": {"embed.weight": 6400}, "head": {"head.weight": 6400}},
        {"embed.weight": 1.97, "head.weight": 1.97},
    )
    for k in range(8):
        layers[f"linear{k}"] = {f"linear{k}.weight": 4096, f"linear{k}.bias": 64}
        norms |= {f"linear{k}.weight": 0.1 + 0.08 * k, f"linear{k}.bias": 0.002 + 0.003 * k}
        layers[f"norm{k}"] = {f"norm{k}.weight": 64, f"norm{k}.bias": 64}
        norms |= {f"norm{k}.weight": 0.0004 + 0.0008 * k, f"norm{k}.bias": 0.0005 + 0.0009 * k}
    median = float(np.median(list(norms.values())))
    assert 100 * median < 1.97  # what the flag was measured against
    same = {"head.weight": "embed.weight"}
    assert gradient_flags(layers, norms, same) == {}
    # ten times the others per value: still no alarm; a thousand times: one, under the tied tensor's first name only
    assert gradient_flags(layers, norms | {"linear3.weight": 3.4, "linear3.bias": 0.1}, same) == {}
    blown = norms | {"embed.weight": 1970.0, "head.weight": 1970.0}
    assert gradient_flags(layers, blown, same) == {"embed": "exploding"}
    assert gradient_flags(layers, blown) == {"embed": "exploding", "head": "exploding"}  # (told apart without `same`)


def _tied_model():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(100, 32)
            self.norm = nn.LayerNorm(32)
            self.mix = nn.Linear(32, 32)
            self.norm2 = nn.LayerNorm(32)
            self.head = nn.Linear(32, 100, bias=False)
            self.head.weight = self.embed.weight

        def forward(self, x):
            return self.head(self.norm2(self.mix(self.norm(self.embed(x)))))

    return Tied()


@pytest.mark.parametrize("plant", [None, "embed", "mix"])
def test_the_scene_and_info_flag_the_same_layers_and_a_tied_tensor_once(tmp_path, capsys, plant):
    import json

    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import open_run
    from nnvox.cli.commands import run_info

    torch.manual_seed(0)
    model = _tied_model()
    x = torch.randint(0, 100, (4, 12))
    rec = Recorder(model, probe=(x, [0, 1, 2, 0]), out=tmp_path / "run", background=False)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step in range(3):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x[:, :-1]).reshape(-1, 100), x[:, 1:].reshape(-1)).backward()
        if plant and step == 2:
            with torch.no_grad():
                getattr(model, plant).weight.grad.mul_(1e5)
        rec.snapshot(epoch=step)
        opt.step()
    rec.close()
    run = open_run(tmp_path / "run")
    frame = build_scene(run).frame_at(len(run.snapshots) - 1)
    shown = {name for name, h in frame.health.items() if "exploding" in h or "vanishing" in h}
    run_info(run, as_json=True)
    listed = {name for name, h in json.loads(capsys.readouterr().out)["health"].items() if "gradients" in h}
    assert shown == listed == ({plant} if plant else set())
    if plant:
        assert f"{plant} exploding gradients" in frame.hud_detail and "head exploding" not in frame.hud_detail
    else:
        assert "gradients" not in frame.hud_detail


def test_exploding_gradient_is_flagged_in_the_scene(tmp_path):
    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import open_run

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3)
    )
    rec = Recorder(model, probe=(torch.randn(4, 4), [0, 1, 2, 0]), out=tmp_path / "run", background=False)
    model(torch.randn(5, 4)).sum().backward()
    with torch.no_grad():
        model[4].weight.grad.mul_(1e6)  # a planted explosion in the third linear layer
    rec.snapshot(epoch=0)
    rec.close()
    frame = build_scene(open_run(tmp_path / "run")).frame_at(0)
    assert frame.health["4"]["exploding"] == 1.0 and "4 exploding gradients" in frame.hud_detail
    assert not any("exploding" in h for name, h in frame.health.items() if name != "4")


def test_a_planted_dead_unit_is_listed_by_the_writer_and_sparsity_followed_over_time(tmp_path):
    import nnvox

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 64, 3))
    with torch.no_grad():
        model[0].bias[4] = -100.0  # channel 4 can never fire
    x = torch.randn(12, 1, 8, 8)
    assert dead_units(model[1](model[0](x)).detach().numpy()).tolist() == [4]
    with nnvox.Recorder(model, (x, torch.zeros(12, dtype=torch.long)), tmp_path / "run", background=False) as rec:
        for epoch in range(3):
            with torch.no_grad():
                model[0].bias[:4] -= 0.3  # the other units fire less and less
            rec.snapshot(epoch=epoch)
    run = nnvox.open_run(tmp_path / "run")
    assert run.dead_units(0) == {"act/1": [4]}
    assert run.health(0)["act/1"] == pytest.approx({"dead": 1 / 6, "active": run.health(0)["act/1"]["active"]})
    active = run.health_over_time("act/1", "active")
    assert active.shape == (3,) and active[0] > active[1] > active[2] > 0
    frame = build_scene(run).frame_at(0)
    assert (
        frame.health["1"]["dead"] == pytest.approx(1 / 6) and "unhealthy" not in frame.hud_detail
    )  # one of six: listed, not flagged
    assert frame.dead == {"1": (4,)}  # the slice framed in red in the scene


def test_a_planted_saturated_unit_is_listed_and_framed(tmp_path):
    import nnvox

    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 6), nn.Tanh(), nn.Linear(6, 3))
    with torch.no_grad():
        model[1].bias[2] = 50.0  # unit 2 sits at tanh's +1 for every input
        model[1].bias[5] = -50.0  # and unit 5 at -1
    x = torch.randn(10, 16)
    with nnvox.Recorder(model, (x, torch.zeros(10, dtype=torch.long)), tmp_path / "run", background=False) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    assert run.saturated_units(0) == {"act/2": [2, 5]} and run.dead_units(0) == {}
    assert run.health(0)["act/2"]["saturated"] == pytest.approx(2 / 6, abs=0.05)  # no unit lists in the fractions
    frame = build_scene(run).frame_at(0)
    assert frame.saturated == {"2": (2, 5)} and frame.dead == {}  # framed in orange in the scene

"""The command line end to end, in subprocesses, as a user runs it."""

import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

ENV = {**os.environ, "VTK_DEFAULT_OPENGL_WINDOW": "vtkEGLRenderWindow", "COLUMNS": "120"}
ENV.pop("DISPLAY", None)


def nnvox(*args, cwd=None, env=ENV, timeout=240):
    exe = os.path.join(os.path.dirname(sys.executable), "nnvox")
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def test_help_is_instant():
    start = time.perf_counter()
    result = nnvox("--help")
    assert result.returncode == 0 and "demo" in result.stdout and "export" in result.stdout
    assert time.perf_counter() - start < 5  # a generous bound for a loaded CI box; typically ~0.2 s
    code = (
        "import sys; from nnvox.cli import main; "
        "print(sorted(m for m in ('torch','pyvista','vtk') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


@pytest.mark.gl
def test_record_info_export_round_trip(tmp_path):
    run = tmp_path / "run"
    result = nnvox("record", "digits-mlp", "--epochs", "2", "--out", run)
    assert result.returncode == 0, result.stderr
    info = json.loads(nnvox("info", run, "--json").stdout)
    assert info["snapshots"] == 3  # before training + 2 epochs
    assert set(info["health"]) == {"2", "4"} and 0 <= info["health"]["2"]["dead"] <= 1  # the two ReLUs (0 is Flatten)
    assert [n["name"] for n in info["nodes"]][:3] == ["input", "0", "1"]
    assert {"name", "kind", "shape"} <= set(info["nodes"][1]) and ["input", "0"] in info["edges"]
    table = nnvox("info", run)
    assert table.returncode == 0 and "Linear" in table.stdout
    png = nnvox("export", run, tmp_path / "w.png", "--preset", "480p", "--mode", "weights", "--histogram", "3")
    assert png.returncode == 0, png.stderr
    mp4 = nnvox("export", run, tmp_path / "a.mp4", "--preset", "480p", "--fps", "5", "--sample", "3")
    assert mp4.returncode == 0, mp4.stderr
    assert (tmp_path / "a.mp4").stat().st_size > 10_000 and (tmp_path / "w.png").stat().st_size > 10_000


@pytest.mark.gl
def test_sequence_models_record_and_show_their_mistakes(tmp_path):
    """Token ids stay integers all the way: training, the held-out evaluation, the mistakes figure."""
    run = tmp_path / "run"
    result = nnvox("record", "seq-lstm", "--epochs", "1", "--out", run)
    assert result.returncode == 0, result.stderr
    figure = nnvox("export", run, tmp_path / "mistakes.png", "--figure", "mistakes", "--size", "960x540")
    assert figure.returncode == 0, figure.stderr
    still = nnvox("export", run, tmp_path / "mistake.png", "--mistake", "1", "--preset", "480p")
    assert still.returncode == 0, still.stderr
    import imageio.v3 as iio

    strips = iio.imread(tmp_path / "mistakes.png")[..., :3].astype(int)
    assert (np.abs(strips - [31, 119, 180]).max(axis=2) < 8).sum() > 50  # token cells in tab10 colours


def test_user_model_from_module_path(tmp_path):
    (tmp_path / "mymodels.py").write_text(
        "from torch import nn\n"
        "def tiny():\n    return nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 10))\n"
        "def not_a_model():\n    return 3\n"
    )
    result = nnvox("record", "mymodels:tiny", "--epochs", "1", "--out", tmp_path / "r", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    bad = nnvox("record", "mymodels:not_a_model", "--epochs", "1", "--out", tmp_path / "r2", cwd=tmp_path)
    assert bad.returncode == 2 and "not a torch.nn.Module" in bad.stderr
    hint = "trains a model of yours on the built-in digits (inputs 1 × 8 × 8, 10 classes)"
    for name, body, says in (
        ("four", "nn.Sequential(nn.Flatten(), nn.Linear(64, 4))", "outputs shape (2, 4) for a batch of 2"),
        ("rgb", "nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(144, 10))", "expects 3 input channels"),
    ):
        (tmp_path / f"{name}.py").write_text(f"from torch import nn\ndef build():\n    return {body}\n")
        misfit = nnvox("record", f"{name}:build", "--epochs", "1", "--out", tmp_path / name, cwd=tmp_path)
        assert misfit.returncode == 2 and says in misfit.stderr and hint in misfit.stderr, misfit.stderr
        assert "Traceback" not in misfit.stderr


def test_record_help_lists_every_built_in_model():
    from nnvox.models import available_models

    text = " ".join(nnvox("record", "--help").stdout.split())
    assert all(name in text for name in available_models())


@pytest.mark.parametrize(
    "args, message",
    [
        (["info", "{tmp}/missing"], "does not exist"),
        (["export", "{run}", "{tmp}/no/such/dir/out.mp4"], "output folder"),
        (["export", "{run}", "{tmp}/out.mp4", "--preset", "999p"], "999p"),
        (["export", "{run}", "{tmp}/out.avi"], "ending in .png, .html, .mp4"),
        (["record", "no_such_pkg.mod:fn", "--out", "{tmp}/r"], "cannot import 'no_such_pkg.mod'"),
        (["record", "resnet-9000", "--out", "{tmp}/r"], "unknown built-in model"),
        (["view", "{run}"], "no display"),
        (["export", "{run}", "{tmp}/x.png", "--t", "99"], "t = 99 is outside the timeline: the run has snapshots 0..3"),
        (["export", "{run}", "{tmp}/m.png", "--sample", "2", "--mistake", "1"], "give --sample or --mistake, not both"),
        (
            ["export", "{run}", "{tmp}/m.png", "--mistake", "9"],
            "mistake 9 is out of range; the run keeps the 8 most confident",
        ),
        (["export", "digits-cnn", "{tmp}/m.png", "--mistake", "1"], "recorded no mistakes' activations"),
    ],
)
def test_bad_input_gets_one_line_and_nonzero_exit(tmp_path, digits_run, args, message):
    args = [a.format(tmp=tmp_path, run=digits_run.path) for a in args]
    result = nnvox(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_a_display_nobody_serves_is_a_clear_error(digits_run):
    """DISPLAY set but no X server there: vtk alone would log a warning and return at once, exit 0."""
    result = nnvox("view", digits_run.path, env={**ENV, "DISPLAY": ":987"})
    assert result.returncode == 2, result.stderr
    assert "cannot open the display ':987'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.gl
def test_corrupted_and_partial_runs(tmp_path, digits_run):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(digits_run.path, partial)
    manifest = json.loads((partial / "manifest.json").read_text())
    manifest["closed"] = False
    manifest["snapshots"] = manifest["snapshots"][:2]  # as if killed while writing the third
    (partial / "manifest.json").write_text(json.dumps(manifest))
    (partial / "snapshot-00002.safetensors").write_bytes(b"half-written")
    info = nnvox("info", partial)
    assert info.returncode == 0 and "did not finish" in info.stdout
    assert nnvox("export", partial, tmp_path / "p.png", "--preset", "480p").returncode == 0

    (partial / "snapshot-00001.safetensors").write_bytes(b"x" * 100)
    result = nnvox("export", partial, tmp_path / "q.png")
    assert result.returncode == 2 and "truncated" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.gl
def test_models_without_a_run(tmp_path):
    """Bring your own model: a zoo name, a module path with weights, and the pickle opt-in."""
    info = json.loads(nnvox("info", "resnet18", "--json").stdout)
    names = [n["name"] for n in info["nodes"]]
    assert info["snapshots"] == 1 and "layer1.0.add_" in names and ["layer1.0.bn2", "layer1.0.add_"] in info["edges"]
    assert "random input" in info["name"]

    (tmp_path / "netdef.py").write_text(
        "from torch import nn\n"
        "def net():\n    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))\n"
    )
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(1)
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(144, 5)
    )
    save_file(reference.state_dict(), str(tmp_path / "w.safetensors"))
    torch.save(reference.state_dict(), tmp_path / "w.pt")
    torch.save(reference, tmp_path / "whole.pt")
    png = nnvox(
        "export",
        "netdef:net",
        tmp_path / "n.png",
        "--input-shape",
        "2,3,8,8",
        "--weights",
        tmp_path / "w.safetensors",
        "--preset",
        "480p",
        cwd=tmp_path,
    )
    assert png.returncode == 0, png.stderr
    ok = nnvox("info", "netdef:net", "--input-shape", "1,3,8,8", "--weights", tmp_path / "w.pt", "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr

    refused = nnvox("info", tmp_path / "whole.pt")
    assert refused.returncode == 2 and "--trust-pickle" in refused.stderr
    trusted = nnvox("info", tmp_path / "whole.pt", "--trust-pickle", "--input-shape", "1,3,8,8", "--json")
    assert trusted.returncode == 0, trusted.stderr

    wrong = nnvox("info", "netdef:net", "--input-shape", "1,1,8,8", cwd=tmp_path)
    assert wrong.returncode == 2 and "layer '0' (Conv2d)" in wrong.stderr and "expects 3 input channels" in wrong.stderr
    missing = nnvox("info", "netdef:net", cwd=tmp_path)
    assert missing.returncode == 2 and "--input-shape" in missing.stderr
    bad_weights = nnvox("info", "resnet18", "--weights", tmp_path / "w.safetensors")
    assert bad_weights.returncode == 2 and "do not fit the model" in bad_weights.stderr


def test_built_in_models_run_once_on_their_own_held_out_sample():
    """Token models get token ids, not a random float image; the run says the weights are untrained."""
    from nnvox.capture.targets import open_target
    from nnvox.models.data import load_sequences, probe_batch
    from nnvox.scenes.build import build_scene

    gpt = open_target("seq-gpt")
    x, y = probe_batch(load_sequences())
    assert gpt.name == "seq-gpt (untrained) · a held-out sample" and gpt.error is None
    assert np.array_equal(gpt.probe_inputs, x[:1]) and gpt.probe_labels.tolist() == [int(y[0])]
    hud = build_scene(gpt).frame_at(0).hud_detail
    assert f"sample 1/1: true token {int(y[0])}, predicted token " in hud

    noise = open_target("resnet18")  # no data of its own: a random input, whose class nobody knows
    assert noise.name == "resnet18 (untrained) · random input" and noise.probe_labels.tolist() == [-1]
    hud = build_scene(noise).frame_at(0).hud_detail
    # its 1,000 outputs read as classes (a grid, the top 5 listed): what it predicts, never a true class
    assert re.search(r"sample 1/1: predicted \d+$", hud) and "true" not in hud


def test_models_initialised_here_draw_the_same_picture_every_time():
    """Fresh random weights, but the same ones each time (seeded), leaving the caller's random state alone."""
    import torch

    from nnvox.capture.targets import open_target

    torch.manual_seed(123)
    state = torch.get_rng_state()
    first, second = (open_target("digits-mlp").read(0, ["param/1.weight", "act/2"]) for _ in range(2))
    assert all(np.array_equal(first[k], second[k]) for k in first)
    assert torch.equal(torch.get_rng_state(), state)


def test_random_inputs_fit_the_model_token_ids_and_lazy_layers(tmp_path, monkeypatch):
    """A model that starts with an embedding gets random token ids below its vocabulary (a float
    tensor fails there); lazy layers get their shapes from a first pass before anything counts them."""
    from nnvox.capture.targets import open_target

    (tmp_path / "usermodels.py").write_text(
        "from torch import nn\n"
        "def tokens():\n"
        "    return nn.Sequential(nn.Embedding(7, 4), nn.Flatten(), nn.Linear(20, 3))\n"
        "def lazy():\n"
        "    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.LazyLinear(3))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    tokens = open_target("usermodels:tokens", input_shape="2,5")
    assert tokens.error is None and tokens.name.endswith("· random tokens")
    ids = tokens.probe_inputs
    assert ids.dtype.kind == "i" and ids.shape == (2, 5) and ids.min() >= 0 and ids.max() < 7
    lazy = open_target("usermodels:lazy", input_shape="1,1,6,6", mode="weights")
    assert lazy.error is None and "param/2.weight" in lazy.read(0, ["param/2.weight"])
    assert lazy.read(0, ["param/2.weight"])["param/2.weight"].shape == (3, 32)


@pytest.mark.gl
def test_failing_model_shows_its_partial_graph(tmp_path):
    (tmp_path / "badnet.py").write_text(
        "from torch import nn\n"
        "def net():\n    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(100, 5))\n"
    )
    info = nnvox("info", "badnet:net", "--input-shape", "1,3,12,12", "--json", cwd=tmp_path)
    assert info.returncode == 2
    doc = json.loads(info.stdout)
    assert [n["name"] for n in doc["nodes"]] == ["input", "0", "1", "2"]  # up to the failing layer
    assert "layer '3' (Linear), which got input of shape (1, 800) but expects 100 input features" in doc["error"]
    assert info.stderr.count("\n") == 1 and "layer '3' (Linear)" in info.stderr
    png = nnvox(
        "export", "badnet:net", tmp_path / "partial.png", "--input-shape", "1,3,12,12", "--preset", "480p", cwd=tmp_path
    )
    # an export draws no half network: the error, exit 2, no file and no "wrote"
    assert png.returncode == 2 and "layer '3' (Linear)" in png.stderr and "wrote" not in png.stdout
    assert not (tmp_path / "partial.png").exists()


def test_record_resume_continues_training(tmp_path):
    run = tmp_path / "run"
    assert nnvox("record", "digits-cnn", "--epochs", "2", "--out", run).returncode == 0
    again = nnvox("record", "digits-cnn", "--epochs", "2", "--out", run, "--resume")
    assert again.returncode == 0, again.stderr
    info = json.loads(nnvox("info", run, "--json").stdout)
    assert info["snapshots"] == 5  # before training, epochs 1-2, then epochs 3-4
    accuracy = [m["held-out accuracy"] for m in info["metrics"]]
    assert accuracy[3] > accuracy[0] + 0.3  # resumed from the trained weights, not from scratch
    refused = nnvox("record", "digits-cnn", "--epochs", "1", "--out", run)
    assert refused.returncode == 2 and "--resume" in refused.stderr


def test_record_with_level_of_detail_and_probe_size(tmp_path):
    full, small = tmp_path / "full", tmp_path / "small"
    assert nnvox("record", "digits-cnn", "--epochs", "1", "--out", full).returncode == 0
    result = nnvox(
        "record",
        "digits-cnn",
        "--epochs",
        "1",
        "--out",
        small,
        "--probe-size",
        "25",
        "--activation-budget",
        "100",
        "--weight-budget",
        "200",
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(nnvox("info", small, "--json").stdout)
    assert info["probe_samples"] == 25
    assert info["reduced"]["param/fc1.weight"]["shape"] == [14, 14]  # 64 x 64 shrunk in proportion to fit 200
    assert info["reduced"]["act/relu1"]["shape"] == [1, 8, 8]  # 8 x 8 maps are never pooled: channels go
    full_info = json.loads(nnvox("info", full, "--json").stdout)
    per_sample = lambda i: i["bytes_per_snapshot"] / i["probe_samples"]
    assert per_sample(info) < 0.5 * per_sample(full_info)
    assert "reduced while recording" in nnvox("info", small).stdout
    refused = nnvox("record", "digits-cnn", "--epochs", "1", "--out", small, "--resume")
    assert refused.returncode == 2 and "kept only part of its weights" in refused.stderr


@pytest.mark.gl
def test_compare_writes_side_by_side_and_refuses_other_architectures(tmp_path, digits_run):
    png = nnvox(
        "compare",
        digits_run.path,
        "--out",
        tmp_path / "c.png",
        "--preset",
        "480p",
        "--difference",
        "--histogram",
        "conv2",
    )
    assert png.returncode == 0, png.stderr
    from imageio.v3 import imread

    assert imread(tmp_path / "c.png").shape == (480, 854, 3)
    mlp = tmp_path / "mlp"
    assert nnvox("record", "digits-mlp", "--epochs", "1", "--out", mlp).returncode == 0
    refused = nnvox("compare", digits_run.path, mlp, "--out", tmp_path / "d.png")
    assert refused.returncode == 2 and "same architecture" in refused.stderr and "Traceback" not in refused.stderr
    windowless = nnvox("compare", digits_run.path)
    assert windowless.returncode == 2 and "no display" in windowless.stderr


@pytest.mark.gl
@pytest.mark.timeout(900)  # pytest-timeout's 300 s (pyproject) stopped it before the guard below
def test_demo_writes_the_lecture_pack(tmp_path):
    """The quick start's main job, at a small preset: run, storyboard, lecture video, stills."""
    out = tmp_path / "demo"
    # a guard against a hang, not a speed test (benchmarks/ time it): the whole lecture's frames at 4 fps
    # took over 240 s on a loaded 2-core box
    result = nnvox("demo", "--out", out, "--no-window", "--epochs", "2", "--preset", "480p4", timeout=900)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "run" / "manifest.json").read_text())["name"] == "mnist-lenet"  # the default
    assert (out / "lecture.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    from nnvox.scenes.storyboard import load_storyboard
    from tests.viewer.media import decode, stream

    line = stream(out / "lecture.mp4")
    assert "h264 (High)" in line and "854x480" in line and " 4 fps" in line
    seconds = load_storyboard(out / "lecture.toml").seconds  # the shipped storyboard, copied beside the run
    assert len(decode(out / "lecture.mp4")) == round(seconds * 4)  # (its length: tests/cli/test_demo_lecture.py)
    assert sorted(p.name for p in (out / "stills").glob("*.png")) == [
        "activations-untrained.png",
        "activations.png",
        "change-from-start.png",
        "integrated-gradients.png",
        "most-confident-mistake.png",
        "weights.png",
    ]


@pytest.mark.gl
def test_a_model_run_once_can_show_its_attributions(tmp_path):
    out = tmp_path / "saliency.png"
    result = nnvox("export", "digits-cnn", out, "--attribution", "saliency", "--size", "640x360")
    assert result.returncode == 0, result.stderr
    assert out.exists()
    bad = nnvox("export", "digits-cnn", tmp_path / "x.png", "--attribution", "grad-cam")
    assert bad.returncode == 2 and "recording grad-cam needs attribution_layer" in bad.stderr
    good = nnvox(
        "export",
        "digits-cnn",
        tmp_path / "cam.png",
        "--attribution",
        "grad-cam",
        "--attribution-layer",
        "conv2",
        "--size",
        "640x360",
    )
    assert good.returncode == 0, good.stderr


def test_names_from_runs_and_users_are_printed_as_text_not_markup(tmp_path):
    import torch

    from nnvox import Recorder

    out = tmp_path / "[exp]"
    model = torch.nn.Sequential(torch.nn.Linear(4, 3))
    with Recorder(model, (torch.randn(2, 4), [0, 1]), out, name="[/bad] [red]net", background=False) as rec:
        rec.snapshot(epoch=0, metrics={"[b]loss": 0.5})
    result = nnvox("info", out)
    assert result.returncode == 0, result.stderr
    assert "[/bad] [red]net" in result.stdout and "[b]loss 0.5" in result.stdout


def test_info_json_is_strict_json_with_infinite_metrics(tmp_path):
    import torch

    from nnvox import Recorder

    with Recorder(
        torch.nn.Sequential(torch.nn.Linear(4, 3)), (torch.randn(2, 4), [0, 1]), tmp_path / "r", background=False
    ) as rec:
        rec.snapshot(epoch=0, metrics={"loss": float("inf")})
    result = nnvox("info", tmp_path / "r", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert doc["metrics"] == [{"loss": None}]

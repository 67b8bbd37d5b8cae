"""The heads-up line as a lecture reads it (the default) and the developer's detail (asked for)."""

from __future__ import annotations

import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.heads_up import run_once_caveats, significant
from nnvox.scenes.storyboard import load_storyboard
from nnvox.scenes.view import ViewSpec


@pytest.mark.parametrize(
    "value, text", [(97.6, "97.6"), (97.64, "97.6"), (5, "5.00"), (100, "100"), (0.08336, "0.0834"), (12345, "12,345")]
)
def test_numbers_keep_three_significant_digits(value, text):
    assert significant(value) == text


@pytest.mark.parametrize(
    "name, caveats",
    [
        ("resnet18 (untrained) · random input", ["untrained", "random input"]),
        ("bert:build · random tokens", ["random tokens"]),
        ("digits-cnn (untrained) · a held-out sample", ["untrained"]),
        ("my net · input x.npy", []),
        ("digits-cnn", []),
    ],
)
def test_caveats_read_the_words_a_model_run_once_carries_in_its_name(name, caveats):
    assert run_once_caveats(name) == caveats


def test_the_lecture_line_counts_epochs_from_one_and_leaves_out_the_developers_detail(digits_run):
    scene = build_scene(digits_run)
    last = scene.n_snapshots - 1
    epochs = digits_run.snapshots[last].epoch
    accuracy = digits_run.snapshots[last].metrics["held-out accuracy"]  # the built-in trainer's name says so
    first, final = scene.frame_at(0), scene.frame_at(last)
    assert first.hud.startswith("Before training   ·   held-out accuracy ")
    assert final.hud.startswith(
        f"Epoch {epochs} of {epochs}   ·   held-out accuracy {significant(accuracy * 100)}%   ·   true "
    )
    assert scene.frame_at(1).hud.startswith(f"Epoch 1 of {epochs}   ·   ")
    for detail in ("mode: activations", "learning rate", "loss", "sample 1/", digits_run.name, f"({last + 1}/"):
        assert detail not in final.hud and detail in final.hud_detail  # detail only where asked
    assert "\n" not in final.hud and "\n" not in first.hud  # one line
    mistake = scene.frame_at(last, sample=digits_run.mistake_sample(1))
    assert "most confident mistake: true " in mistake.hud and "held-out #" not in mistake.hud
    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options()).frame_at(last)
    assert "true" not in weights.hud and "predicted" not in weights.hud  # no sample in a weights picture


def test_the_style_is_a_view_option_a_storyboard_shot_sets(tmp_path, digits_run):
    assert ViewSpec().hud == "lecture" and ViewSpec(hud="detail").hud == "detail"
    with pytest.raises(NnvoxError, match="unknown heads-up style 'loud'; choose one of lecture, detail"):
        ViewSpec(hud="loud")
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    shot = '[[shot]]\nrun = "run"\nduration = 1\nhud = "{}"\n'
    (tmp_path / "a.toml").write_text(shot.format("detail"))
    assert load_storyboard(tmp_path / "a.toml").shots[0].view.hud == "detail"
    (tmp_path / "b.toml").write_text(shot.format("loud"))
    with pytest.raises(NnvoxError, match=r"line 4: .*loud"):
        load_storyboard(tmp_path / "b.toml")


NET = "from torch import nn\ndef net():\n    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(144, 5))"


def test_a_model_run_once_says_untrained_and_random_input_in_both_styles(tmp_path, monkeypatch, digits_run):
    """An untrained network's guess on noise must never read as a real prediction (trial finding 2)."""
    from nnvox.capture.targets import open_target

    noise = build_scene(open_target("digits-cnn", input_shape="1,1,8,8")).frame_at(0)
    assert noise.hud.startswith("untrained   ·   random input   ·   predicted ")
    assert noise.hud_detail.startswith("digits-cnn (untrained) · random input   ·   ")  # the words read
    held_out = build_scene(open_target("digits-cnn")).frame_at(0)
    assert held_out.hud.startswith("untrained   ·   true ") and "random" not in held_out.hud
    # a module of the user's: whether its build loads trained weights nobody knows; its input is random
    (tmp_path / "netdef.py").write_text(NET)
    monkeypatch.syspath_prepend(str(tmp_path))
    users = build_scene(open_target("netdef:net", input_shape="1,3,8,8")).frame_at(0)
    assert users.hud.startswith("random input   ·   predicted ")
    recorded = build_scene(digits_run)
    for t in (0, recorded.n_snapshots - 1):  # a recorded run leads with its progress, never a caveat
        assert "untrained" not in recorded.frame_at(t).hud and "random" not in recorded.frame_at(t).hud


def test_unit_frames_are_left_out_of_a_lecture_storyboard_unless_a_shot_asks():
    from nnvox.scenes.view import frames_units

    assert not frames_units("lecture", storyboard=True)  # a lecture video tells its story in captions
    assert frames_units("detail", storyboard=True)  # a shot asks for them with hud = "detail"
    assert frames_units("lecture", storyboard=False) and frames_units("detail", storyboard=False)


def test_the_lecture_line_keeps_the_prediction_back_until_the_forward_pass_reaches_the_output(digits_run):
    """Mid forward pass the lecture line says what the sample is, not what the network will answer
    (the column's texts wait too); once the output is lit it answers. The detail line always does."""
    scene = build_scene(digits_run)
    last = scene.n_snapshots - 1
    midway, done = scene.frame_at(last, reveal=0.3), scene.frame_at(last, reveal=1.0)
    assert "true " in midway.hud and "predicted" not in midway.hud
    assert "predicted" in done.hud and "predicted" in scene.frame_at(last).hud
    assert "predicted" in midway.hud_detail


def test_progress_reads_a_run_whose_last_snapshot_counts_the_other_way():
    """Steps while training and an epoch at the end (the manifest allows any mix): no crash, and no
    'of' total where the last snapshot has none of that kind."""
    from types import SimpleNamespace

    from nnvox.scenes.heads_up import progress_text

    last = SimpleNamespace(epoch=3, step=None, index=7)
    assert progress_text(None, 500, 4, last) == "Step 500"
    assert progress_text(3, None, 7, last) == "Epoch 3 of 3"


def test_a_snapshot_in_running_text_is_counted_as_the_line_counts():
    from nnvox.scenes.heads_up import snapshot_words

    assert snapshot_words(0, None, 0) == "before training" and snapshot_words(3, None, 3) == "epoch 3"
    assert snapshot_words(None, 1200, 5) == "step 1,200" and snapshot_words(None, None, 1) == "snapshot 2"

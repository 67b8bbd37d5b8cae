"""A stage caption the forward pass would never show (the input's, lit before the steps; a layer a
grouped step lights after another named one; a step too short to read) is a one-line error on its
line, naming the layers the shot can caption, before anything renders (storyboard.check_stage_captions);
`nnvox export` exits 2 with it."""

from __future__ import annotations

import subprocess

import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.storyboard import check_stage_captions, load_storyboard

NAMES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3", "fc2")


@pytest.fixture(scope="module")
def lenet_scene(lenet_run):
    return build_scene(lenet_run)


def _board(tmp_path, duration: float, captions: str):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[video]\npreset = "480p30"\n\n[[shot]]\nrun = "run"\nduration = {duration}\nforward = true\n'
        f'caption = "c"\nstage_captions = {{ {captions} }}\n'
    )
    (tmp_path / "run").mkdir(exist_ok=True)
    (tmp_path / "run" / "manifest.json").write_text("{}")
    return load_storyboard(path)


def _error(board, scene) -> str:
    with pytest.raises(NnvoxError) as err:
        check_stage_captions(board, board.shots[0], scene)
    message = str(err.value)
    assert message.startswith("s.toml, line 9: ") and "\n" not in message, message
    return message


def test_every_layer_captioned_in_a_long_pass_is_shown(tmp_path, lenet_scene):
    board = _board(tmp_path, 51, ", ".join(f'{n} = "{n} text"' for n in NAMES))
    check_stage_captions(board, board.shots[0], lenet_scene)  # the lecture's: 5 s a stage


def test_the_inputs_caption_is_never_shown(tmp_path, lenet_scene):
    message = _error(_board(tmp_path, 51, 'input = "a 28 x 28 digit", conv1 = "six kernels"'), lenet_scene)
    assert "stage_captions.input is never shown" in message and "lit before" in message, message
    assert "captions of conv1, relu1, pool1, conv2, relu2, pool2, fc1, relu3, fc2" in message, message


def test_a_layer_a_grouped_step_lights_after_another_named_one_is_never_shown(tmp_path, lenet_scene):
    # 12 s: four steps, the first lighting conv1 and relu1 together, which shows conv1's caption
    message = _error(_board(tmp_path, 12, 'conv1 = "six kernels", relu1 = "negatives cut"'), lenet_scene)
    assert "stage_captions.relu1 is never shown" in message and "lights 'conv1' too" in message, message
    assert "captions of conv1, pool1," in message and "relu1," not in message, message
    board = _board(tmp_path, 12, 'relu1 = "negatives cut"')  # alone, it names the step
    check_stage_captions(board, board.shots[0], lenet_scene)


def test_nnvox_export_exits_2_with_the_line(tmp_path, lenet_run, nnvox_cmd):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "s.toml"
    board.write_text(
        '[video]\nsize = "320x180"\nfps = 5\n\n[[shot]]\nrun = "run"\nduration = 51\nforward = true\n'
        'caption = "c"\nstage_captions = { input = "a digit", conv1 = "six kernels" }\n'
    )
    out = tmp_path / "x.mp4"
    done = subprocess.run([*nnvox_cmd, "export", "--storyboard", str(board), str(out)], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "line 10: stage_captions.input" in lines[0], done.stderr
    assert not out.exists()

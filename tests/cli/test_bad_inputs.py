"""Every bad command line and Python-API argument is one line: the CLI exits 2 with `nnvox: error: ...`
on stderr, never a traceback, never silence; API functions raise NnvoxError with the same words.

The table runs in-process through `nnvox.cli.main.main(argv)` (fast); a fixed sample runs as real
subprocesses; hypothesis fuzzes option values per command and mutates the shipped storyboard.
"""

import math
import os
import subprocess
import sys
import textwrap
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from nnvox.cli.main import main
from nnvox.errors import NnvoxError

LONG = os.environ.get("NNVOX_LONG") == "1"  # as tests/conftest.py: the long variants draw many more

os.environ.pop("DISPLAY", None)  # `view` must refuse, never open a window

MODULE = "nnvox_bad_models"  # user code for the model rows, importable from the test's folder
MODELS = """
    from torch import nn

    def raises():
        return _helper()

    def _helper():
        raise ValueError("depth must be even")

    def not_a_module():
        return 42

    def exits():
        raise SystemExit(3)

    def recursion():
        return recursion()

    class NeedsArgument(nn.Module):
        def __init__(self, n):
            super().__init__()

    def flat():
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))

    import sys


    class ExitsInForward(nn.Module):
        def forward(self, x):
            sys.exit(3)


    class Custom(BaseException):
        pass


    def exits_in_forward():
        return ExitsInForward()


    def raises_base_exception():
        raise Custom("not an Exception")


    class Tokens(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.fc = nn.Linear(4, 2)

        def forward(self, ids):
            return self.fc(self.emb(ids).mean(1))


    def tokens():
        return Tokens()


    def conv():
        return nn.Sequential(nn.Conv2d(2, 4, 3), nn.Flatten())
"""


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A folder with bad inputs of every kind, user model modules and weights that do not fit."""
    import torch
    from safetensors.torch import save_file

    d = tmp_path_factory.mktemp("bad")
    arrays = {
        "empty": np.zeros((0, 1, 8, 8), np.float32),
        "zero_d": np.float32(3),
        "strings": np.array(["a", "b"]),
        "complex": np.ones((1, 1, 8, 8), np.complex64),
        "fractions": np.full((1, 12), 0.5, np.float32),
        "big_ids": np.full((1, 12), 10**6, np.int64),
        "negative_ids": np.full((1, 12), -1, np.int64),
        "float64": np.random.default_rng(0).random((1, 1, 8, 8)),
        "nan": np.full((1, 1, 8, 8), np.nan, np.float32),
        "inf": np.full((1, 1, 8, 8), -np.inf, np.float32),
        "ints": np.ones((1, 1, 8, 8), np.int32),
    }
    for name, a in arrays.items():
        np.save(d / f"{name}.npy", a)
    np.save(d / "objects.npy", np.array([1, None], dtype=object), allow_pickle=True)
    np.savez(d / "archive.npz", x=np.zeros((1, 1, 8, 8)))
    (d / "garbage.npy").write_bytes(b"\x93NUMPY garbage")
    (d / "folder").mkdir()
    (d / "notarun").mkdir()
    (d / "notarun" / "notes.txt").write_text("mine")
    (d / f"{MODULE}.py").write_text(textwrap.dedent(MODELS))
    (d / "import_fails.py").write_text("raise RuntimeError('module import boom')\n")
    (d / "syntax_error.py").write_text("def f(:\n")
    (d / "needs_a_package.py").write_text("import a_package_nobody_installed\n")
    narrow = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(32, 10))
    save_file(narrow.state_dict(), str(d / "narrow.safetensors"))
    torch.save(narrow.state_dict(), d / "narrow.pt")
    torch.save([1, 2], d / "list.pt")
    torch.save(narrow, d / "whole.pt")
    (d / "junk.safetensors").write_bytes(b"12345678junk")
    (d / "latin1.toml").write_bytes('[video]\ntitle = "caf\xe9"\n'.encode("latin-1"))
    (d / "not_toml.toml").write_text("[video\n")
    (d / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    (d / "nan_view.toml").write_text(
        "[camera]\nfocal = [nan, 0, 0]\ndirection = [1, 0, 0]\nup = [0, 0, 1]\nscale = 1\n"
    )
    (d / "huge_view.toml").write_text(
        "[camera]\nfocal = [0, 0, 0]\ndirection = [1, 0, 0]\nup = [0, 0, 1]\nscale = 1e300\n"
    )
    (d / "big.toml").write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    (d / "title.toml").write_text('[video]\ntitle = "A title card alone"\n')  # valid: needs no run
    yield d
    for name in (MODULE, "import_fails", "syntax_error"):
        sys.modules.pop(name, None)


def run_main(argv, capsys) -> tuple[int, list[str]]:
    """main(argv) in this process: its exit code and stderr's non-empty lines."""
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


def assert_one_line_error(code: int, lines: list[str], *words: str) -> None:
    assert code == 2 and len(lines) == 1 and lines[0].startswith("nnvox: error: "), (code, lines)
    assert "Traceback" not in lines[0] and "internal error" not in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])


E, R = "export", "record"
ENDINGS = "use a file ending in .png, .html, .mp4, .webm, .mov or .gif, or a folder (PNG sequence)"
# (argv with {run} {d} {out} placeholders, words the one line must hold)
TABLE = [
    # --input files: dtype, rank, size, container, path
    (["info", "digits-cnn", "--input", "{d}/empty.npy"], ["has shape (0, 1, 8, 8): no samples"]),
    (["info", "digits-cnn", "--input", "{d}/zero_d.npy"], ["has shape (): no samples"]),
    (["info", "digits-cnn", "--input", "{d}/strings.npy"], ["holds <U1 values, not numbers"]),
    (["info", "digits-cnn", "--input", "{d}/complex.npy"], ["holds complex64 values"]),
    (["info", "digits-cnn", "--input", "{d}/objects.npy"], ["cannot read input", "give a .npy array"]),
    (["info", "digits-cnn", "--input", "{d}/archive.npz"], [".npz archive (arrays: x)", "np.save"]),
    (["info", "digits-cnn", "--input", "{d}/garbage.npy"], ["cannot read input"]),
    (["info", "digits-cnn", "--input", "{d}/missing.npy"], ["No such file"]),
    (["info", "digits-cnn", "--input", "{d}/folder"], ["is a folder"]),
    (["info", "seq-gpt", "--input", "{d}/fractions.npy"], ["holds fractions", "token ids", "0 to 9"]),
    (["info", "seq-lstm", "--input", "{d}/big_ids.npy"], ["token ids 1e+06 to 1e+06", "takes 0 to 9"]),
    (["info", "seq-lstm", "--input", "{d}/negative_ids.npy"], ["token ids -1 to -1"]),
    (["info", "{run}", "--input", "{d}/float64.npy"], ["is a run folder", "apply to models only"]),
    # models: factories and modules that fail, weights that do not fit
    (
        ["info", f"{MODULE}:raises", "--input-shape", "1,1,8,8"],
        ["raised ValueError: depth must be even", f"{MODULE}.py:8"],
    ),
    (["info", f"{MODULE}:not_a_module", "--input-shape", "1,1,8,8"], ["returned int, not a torch.nn.Module"]),
    (["info", f"{MODULE}:exits", "--input-shape", "1,1,8,8"], ["raised SystemExit: 3"]),
    (["info", f"{MODULE}:recursion", "--input-shape", "1,1,8,8"], ["raised RecursionError"]),
    (["info", f"{MODULE}:NeedsArgument", "--input-shape", "1,1,8,8"], ["raised TypeError", "missing 1 required"]),
    (["info", f"{MODULE}:exits_in_forward", "--input-shape", "1,4"], ["forward pass failed", "SystemExit: 3"]),
    (["info", f"{MODULE}:raises_base_exception", "--input-shape", "1,4"], ["Custom", "not an Exception"]),
    (["info", f"{MODULE}:nothing_here"], ["has no attribute 'nothing_here'"]),
    (["info", f"{MODULE}:"], ["not of the form package.module:callable"]),
    (
        ["info", "import_fails:f"],
        ["importing 'import_fails' failed: RuntimeError: module import boom", "import_fails.py:1"],
    ),
    (["info", "syntax_error:f"], ["SyntaxError", "syntax_error.py:1"]),
    (["info", "no_such_module_here:f"], ["cannot import 'no_such_module_here'"]),
    (["info", "needs_a_package:f"], ["it needs 'a_package_nobody_installed', which is not installed"]),
    (["info", "no-such-model"], ["neither a run folder nor a model"]),
    (
        ["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/narrow.safetensors"],
        ["1.weight: model (10, 64), file (10, 32)"],
    ),
    (
        ["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/narrow.pt"],
        ["1.weight: model (10, 64), file (10, 32)"],
    ),
    (["info", "digits-cnn", "--weights", "{d}/narrow.pt"], ["8 missing", "2 unexpected (1.weight; 1.bias)"]),
    (
        ["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/list.pt"],
        ["does not hold a state_dict"],
    ),
    (
        ["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/junk.safetensors"],
        ["cannot read weights"],
    ),
    (["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/whole.pt"], ["cannot read weights"]),
    (["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/nothing.pt"], ["does not exist"]),
    (["info", f"{MODULE}:flat", "--input-shape", "1,1,8,8", "--weights", "{d}/folder"], ["cannot read weights"]),
    (["info", "{d}/whole.pt"], ["pickled file", "--trust-pickle"]),
    (["info", "{d}/narrow.pt", "--trust-pickle"], ["not a whole model"]),
    # --input-shape: malformed, too large to allocate (sized before trying)
    *[
        (["info", f"{MODULE}:flat", "--input-shape", shape], ["is not a shape"])
        for shape in ("", "0,3", "-1", "1,a", "1,,3", "1.5,3", ",")
    ],
    (["info", f"{MODULE}:flat", "--input-shape", ",".join(["1"] * 40)], ["40 dimensions", "at most 32"]),
    (["info", f"{MODULE}:flat", "--input-shape", "100000,100000,100000"], ["the input alone would need about", "TB"]),
    (["info", f"{MODULE}:flat", "--input-shape", "9" * 30], ["would need about"]),
    (
        ["info", "resnet18", "--input-shape", "1,3,20000,20000"],
        ["resnet18's forward pass", "would need about", "e.g. 1,3,224,224"],
    ),
    (["info", "seq-gpt", "--input-shape", "1000000,1000000"], ["the input alone would need", "e.g. 1,12"]),
    # record: options out of range or contradictory, nothing written
    ([R, "digits-mlp", "--out", "{out}", "--epochs", "0"], ["--epochs must be at least 1, got 0"]),
    ([R, "digits-mlp", "--out", "{out}", "--epochs", "-5"], ["--epochs must be at least 1"]),
    ([R, "digits-mlp", "--out", "{out}", "--probe-size", "0"], ["--probe-size must be at least 1"]),
    ([R, "digits-mlp", "--out", "{out}", "--probe-size", "-3"], ["--probe-size must be at least 1"]),
    ([R, "digits-mlp", "--out", "{out}", "--probe-size", "100000"], ["--probe-size 100000 is more than", "use 1 to"]),
    ([R, "digits-mlp", "--out", "{out}", "--seed", "-1"], ["--seed must be between 0 and 4294967295"]),
    ([R, "digits-mlp", "--out", "{out}", "--seed", str(2**32)], ["--seed must be between 0 and"]),
    ([R, "digits-mlp", "--out", "{out}", "--seed", "9" * 30], ["--seed must be between 0 and"]),
    ([R, "digits-mlp", "--out", "{out}", "--resume", "--overwrite"], ["contradict"]),
    ([R, "digits-mlp", "--out", "{out}", "--activation-budget", "0"], ["activation_budget must be a positive"]),
    ([R, "digits-mlp", "--out", "{out}", "--weight-budget", "-1"], ["weight_budget must be a positive"]),
    ([R, "digits-mlp", "--out", "{out}", "--attributions", "bogus"], ["unknown attribution method 'bogus'"]),
    ([R, f"{MODULE}:raises", "--out", "{out}"], ["raised ValueError: depth must be even"]),
    ([R, f"{MODULE}:not_a_module", "--out", "{out}"], ["not a torch.nn.Module"]),
    ([R, "no-such-model", "--out", "{out}"], ["unknown built-in model"]),
    (["demo", "--epochs", "0", "--out", "{out}"], ["--epochs must be at least 1"]),
    (["demo", "--preset", "bogus", "--out", "{out}"], ["unknown preset 'bogus'"]),
    # export and compare: options out of range
    *[([E, "{run}", "{out}.mp4", "--fps", fps], [f"fps {fps} is out of range"]) for fps in ("0", "-1", "100000")],
    *[
        ([E, "{run}", "{out}.gif", "--gif-max-mb", v], ["GIF size cap", "must be a positive number"])
        for v in ("-1", "nan", "inf", "-inf")
    ],
    ([E, "{run}", "{out}.gif", "--gif-max-mb", "nan"], ["GIF size cap"]),
    # options the output does not use: said, never ignored
    ([E, "{run}", "{out}.png", "--fps", "5"], ["--fps does not apply to a still"]),
    ([E, "{run}", "{d}/.png"], ["is a suffix with no name"]),
    (["compare", "{run}", "--out", "{out}.png", "--fps", "0"], ["--fps does not apply to a still"]),
    (["compare", "{run}", "--out", "{out}.mp4", "--t", "1"], ["--t does not apply to a video"]),
    (
        ["info", "digits-cnn", "--input", "{d}/float64.npy", "--input-shape", "1,1,8,8"],
        ["give --input or --input-shape, not both"],
    ),
    (["record", "digits-cnn", "--out", "{out}", "--attributions", ","], ["names no method"]),
    (
        ["record", "digits-cnn", "--out", "{out}", "--attribution-layer", "conv1"],
        ["give it with --attributions grad-cam"],
    ),
    ([E, "{run}", "{out}.png", "--gif-max-mb", "3"], ["--gif-max-mb does not apply to a still"]),
    ([E, "{run}", "{out}.mp4", "--t", "1"], ["--t does not apply to a video"]),
    ([E, "{run}", "{out}.mp4", "--gif-max-mb", "3"], ["--gif-max-mb does not apply to a video"]),
    ([E, "{run}", "{out}.png", "--layer", "1", "--voxel", "0"], ["--layer, --voxel do not apply to a still"]),
    ([E, "{run}", "{out}.png", "--figure", "confusion", "--mode", "weights"], ["--mode does not apply to a figure"]),
    *[
        ([E, "{run}", "{out}.png", "--size", v], ["out of range; use 16 to 8192"])
        for v in ("0x0", "15x100", "9000x100")
    ],
    ([E, "{run}", "{out}.png", "--size", "100000x100000"], ["40 GB a frame"]),
    *[([E, "{run}", "{out}.png", "--size", v], ["is not WIDTHxHEIGHT"]) for v in ("abc", "100", "1x2x3", "axb", "")],
    ([E, "{run}", "{out}.mp4", "--size", "1601x901"], ["must be even"]),
    *[([E, "{run}", "{out}.png", "--preset", v], ["unknown preset"]) for v in ("bogus", "1080", "999p", "")],
    ([E, "{run}", "{out}.png", "--preset", "1080p0"], ["fps 0 in preset"]),
    *[
        ([E, "{run}", "{out}.png", "--t", v], ["is outside the timeline"])
        for v in ("nan", "inf", "-inf", "-1", "99", "1e300")
    ],
    *[
        ([E, "{run}", "{out}.png", "--figure", "filters", "--t", v], ["is outside the timeline"])
        for v in ("nan", "-1", "4")
    ],
    ([E, "{run}", "{out}.png", "--figure", "filters", "--sample", "-1"], ["sample -1 is out of range"]),
    ([E, "{run}", "{out}.png", "--sample", "-1"], ["sample -1 is out of range"]),
    ([E, "{run}", "{out}.png", "--sample", "999"], ["sample 999 is out of range"]),
    *[([E, "{run}", "{out}.png", "--mistake", v], ["mistake", "is out of range"]) for v in ("0", "-1", "99999")],
    ([E, "{run}", "{out}.png", "--sample", "2", "--mistake", "1"], ["not both"]),
    *[
        ([E, "{run}", "{out}.png", "--feature-space", "pca", "--clusters", v], ["is not a number of clusters"])
        for v in ("0", "-2", "abc")
    ],
    ([E, "{run}", "{out}.png", "--feature-space", "umap"], ["unknown feature space 'umap'"]),
    (
        [E, "{run}", "{out}.png", "--feature-space", "pca", "--clusters", "1.5"],
        ["clusters '1.5' is not a number of clusters"],
    ),
    ([E, "{run}", "{out}.png", "--background", "red"], ["background 'red' is not a colour like \"#18181e\""]),
    (
        ["view", "{run}", "--transparent", "--view", "{d}/nothing.toml"],
        ["--transparent, --view do not apply to the window"],
    ),
    (["compare", "{run}", "--out", "{out}.mp4", "--t", "1", "--preset", "480p"], ["--t does not apply to a video"]),
    (
        [E, "{run}", "{out}.png", "--figure", "voxel", "--layer", "conv1", "--voxel", "a,b,c"],
        ["is not CHANNEL,ROW,COLUMN"],
    ),
    (
        [E, "{run}", "{out}.png", "--figure", "voxel", "--layer", "conv1", "--voxel", "3"],
        ["layer 'conv1' is channels × rows × columns (8 × 8 × 8): give --voxel CHANNEL,ROW,COLUMN (three numbers"],
    ),
    (
        [E, "{run}", "{out}.png", "--figure", "voxel", "--layer", "fc1", "--voxel", "0,5"],
        ["layer 'fc1' is a vector of 64 units: give --voxel UNIT (one number, e.g. --voxel 2), not 0,5"],
    ),
    (
        [E, "{run}", "{out}.png", "--figure", "voxel", "--layer", "conv1", "--voxel", "0,8,0"],
        ["position (8, 0) is outside 'conv1'"],
    ),
    ([E, "{run}", "{out}.png", "--figure", "bogus"], ["unknown figure 'bogus'"]),
    ([E, "{run}", "{out}.mp4", "--figure", "filters"], ["a figure is a still"]),
    ([E, "{run}", "{out}.png", "--figure", "filters", "--layer", "nolayer"], ["layer 'nolayer'"]),
    ([E, "{run}", "{out}.png", "--histogram", "nolayer"], ["layer 'nolayer' is not drawn"]),
    ([E, "{run}", "{out}.png", "--attribution", "bogus"], ["no bogus attributions"]),
    (
        [E, "{run}", "{out}.txt"],
        [f"cannot write out.txt: {ENDINGS}"],
    ),
    (
        [E, "{run}", "{out}.pngg"],
        [f"cannot write out.pngg: {ENDINGS}"],
    ),
    ([E, f"{MODULE}:raises", "{out}.pngg"], [f"cannot write out.pngg: {ENDINGS}"]),  # before the model is built
    # a model with no shape of its own: an --input-shape that fits it (token ids for an embedding)
    (
        [E, f"{MODULE}:tokens", "{out}.png"],
        [
            f"give --input-shape for {MODULE}:tokens, batch first: it starts with an embedding, so "
            "--input-shape 1,16 runs 16 random token ids (0 to 9); --input ids.npy runs your own (int64, batch first)"
        ],
    ),
    ([E, f"{MODULE}:conv", "{out}.png"], ["batch first: e.g. --input-shape 1,2,224,224"]),
    ([E, f"{MODULE}:flat", "{out}.png"], ["e.g. --input-shape 1,3,224,224 for an image model, 1,16 for 16 token ids"]),
    # a forward pass that fails: its error, and nothing written (the table checks)
    *[
        ([E, f"{MODULE}:flat", f"{{out}}{suffix}", "--input-shape", "1,3,8,8"], ["forward pass failed", "(1, 192)"])
        for suffix in (".png", ".mp4", ".html")
    ],
    (
        [E, f"{MODULE}:flat", "{out}.png", "--input-shape", "1,3,8,8", "--figure", "filters"],
        ["forward pass failed"],
    ),
    ([E, "{run}"], ["give OUT"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/nothing.toml"], ["not found; save one in the window"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/folder"], ["is a folder"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/latin1.toml"], ["line 2: not UTF-8 text (byte 0xe9)"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/not_toml.toml"], ["not valid TOML"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/nan_view.toml"], ["finite"]),
    ([E, "{run}", "{out}.png", "--view", "{d}/huge_view.toml"], ["finite"]),
    ([E, "{run}", "{out}.png", "--view", "/dev/zero"], ["not a regular file"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/latin1.toml"], ["line 2: not UTF-8"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/not_toml.toml"], ["not valid TOML", "line 1"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/deep.toml"], ["nested too deeply"]),
    (
        [E, "{out}.mp4", "--storyboard", "{d}/deep.toml", "--t", "1", "--mode", "weights"],
        ["--mode, --t do not apply to a storyboard (its shots set their own)"],
    ),
    ([E, "{out}.mp4", "--storyboard", "{d}/big.toml"], ["over the 1 MB"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/folder"], ["is a folder"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/nothing.toml"], ["does not exist"]),
    ([E, "{out}.mp4", "--storyboard", "/dev/zero"], ["not a regular file"]),
    ([E, "{run}", "{out}.mp4", "--storyboard", "{d}/nothing.toml"], ["give only OUT"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/title.toml", "--fps", "0"], ["fps 0 is out of range"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/title.toml", "--preset", ""], ["unknown preset ''"]),
    ([E, "{out}.mp4", "--storyboard", "{d}/title.toml", "--size", ""], ["is not WIDTHxHEIGHT"]),
    (["compare", "{run}", "--t", "nan", "--out", "{out}.png"], ["outside the timeline"]),
    (["compare", "{run}", "--pin", "nan", "--out", "{out}.png"], ["snapshot nan does not exist"]),
    (["compare", "{run}", "--pin", "-1", "--out", "{out}.png"], ["snapshot -1 does not exist"]),
    (["compare", "{run}", "--fps", "0", "--out", "{out}.mp4"], ["fps 0 is out of range"]),
    (["compare", "{run}", "--sample", "-1", "--out", "{out}.png"], ["sample -1 is out of range"]),
    (["compare", "{run}", "{d}/nothing", "--out", "{out}.png"], ["does not exist"]),
    (["view", "digits-cnn", "--input", "{d}/strings.npy"], ["not numbers"]),
    # malformed command lines: cyclopts' words on one line
    (
        [R, "digits-mlp", "--out", "{out}", "--epochs", "abc"],
        ["--epochs: 'abc' is not a whole number", "see nnvox record --help"],
    ),
    ([R, "digits-mlp", "--out", "{out}", "--epochs", "1e9"], ["--epochs"]),
    ([R, "digits-mlp", "--out", "{out}", "--seed", "1.5"], ["'1.5' is not a whole number"]),  # cyclopts alone rounds it
    ([E, "{run}", "{out}.png", "--sample", "2.0"], ["'2.0' is not a whole number"]),
    ([R, "digits-mlp"], ["--out requires an argument"]),
    ([E, "{run}", "{out}.png", "--mode", "bogus"], ['Invalid value "bogus" for --mode']),
    (["view", "{run}", "--mode", "weight"], ['Did you mean "weights"? See nnvox view --help']),
    (
        ["view", "{run}"],
        [
            "no display found (DISPLAY is not set); render it instead: `nnvox export ",
            " out.png` (a still), out.mp4 (a video) or out.html (a page any browser opens), or `nnvox serve RUN`",
        ],
    ),
    (
        [R, "digits-mlp", "--out", "{d}/notarun", "--overwrite"],
        [
            "notarun is not an nnvox run folder and holds other files (notes.txt); "
            "nnvox will not record into it: choose a new or empty folder"
        ],
    ),
    ([E, "{run}", "{out}.png", "--sizing", "huge"], ["--sizing"]),
    ([E, "{run}", "{out}.png", "--fps", "ten"], ["--fps"]),
    ([E, "{run}", "{out}.png", "--gif-max-mb", "lots"], ["--gif-max-mb"]),
    ([E, "{run}", "{out}.png", "--t", "first"], ["--t"]),
    ([E, "{run}", "{out}.png", "--figure", "voxel", "--voxel", "-1,0,0"], ["written --voxel=-1,0,0"]),
    ([E, "{run}", "{out}.png", "--no-such-option", "3"], ["Unknown option: --no-such-option"]),
    (["no-such-command", "{run}"], ['Unknown command "no-such-command"', "see nnvox --help"]),
    (["info"], ["requires an argument"]),
    (["info", "{run}", "--json", "extra"], ["Unused Tokens"]),
    (["compare", "{run}", "--pin", "first"], ["--pin"]),
]


@pytest.mark.parametrize("argv, words", TABLE, ids=[" ".join(a) for a, _ in TABLE])
def test_bad_command_line_is_one_line(place, digits_run, tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(place)  # the model modules import from here, as from a user's folder
    out = tmp_path / "out"
    argv = [a.format(run=digits_run.path, d=place, out=out) for a in argv]
    assert_one_line_error(*run_main(argv, capsys), *words)
    assert list(tmp_path.iterdir()) == []  # nothing written: not the run, not an empty folder, not an output


ROWS = {" ".join(argv): (argv, words) for argv, words in TABLE}
SUBPROCESS_SAMPLE = [  # a row of each class, end to end as a user runs them
    "info digits-cnn --input {d}/archive.npz",
    f"info {MODULE}:raises --input-shape 1,1,8,8",
    f"info {MODULE}:flat --input-shape 1,1,8,8 --weights {{d}}/narrow.safetensors",
    "info resnet18 --input-shape 1,3,20000,20000",
    "record digits-mlp --out {out} --seed -1",
    "export {run} {out}.gif --gif-max-mb nan",
    "export {out}.mp4 --storyboard {d}/latin1.toml",
    "record digits-mlp --out {out} --epochs abc",
    "no-such-command {run}",
    "record digits-mlp --out {out} --seed 1.5",
    "export {run} {out}.png --figure voxel --voxel -1,0,0",
]


@pytest.mark.parametrize("row", SUBPROCESS_SAMPLE)
def test_bad_command_line_in_a_real_process(place, digits_run, tmp_path, row):
    argv, words = ROWS[row]
    argv = [a.format(run=digits_run.path, d=place, out=tmp_path / "out") for a in argv]
    exe = Path(sys.executable).with_name("nnvox")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([str(exe), *argv], capture_output=True, text=True, cwd=place, env=env, timeout=240)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert_one_line_error(result.returncode, lines, *words)
    assert "Traceback" not in result.stdout


def test_internal_errors_are_one_line_with_exit_1(monkeypatch, capsys, digits_run):
    """The last resort: a bug (not a user's mistake) is still one line, said to be a bug, exit 1 (not 2)."""
    import nnvox.cli.commands as commands

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(commands, "run_info", broken)
    code, lines = run_main(["info", digits_run.path], capsys)
    assert code == 1 and len(lines) == 1, lines
    assert (
        lines[0].startswith("nnvox: internal error: KeyError: 'oops'; this is a bug in nnvox")
        and "NNVOX_DEBUG=1" in lines[0]
    )
    monkeypatch.setenv("NNVOX_DEBUG", "1")
    assert main(["info", str(digits_run.path)]) == 1 and "Traceback" in capsys.readouterr().err


def test_odd_inputs_are_converted_and_non_finite_inputs_draw_magenta(place, tmp_path, capsys):
    """float64 (numpy's default) and integer arrays run on a float model; all-NaN and all-Inf inputs
    render, their voxels magenta (they ended in an IndexError)."""
    import imageio.v3 as iio

    for name in ("float64", "ints"):
        assert main(["info", "digits-cnn", "--input", str(place / f"{name}.npy"), "--json"]) == 0, (
            capsys.readouterr().err
        )
    capsys.readouterr()
    for name in ("nan", "inf"):
        out = tmp_path / f"{name}.png"
        assert main(["export", "digits-cnn", str(out), "--input", str(place / f"{name}.npy"), "--size", "640x360"]) == 0
        assert capsys.readouterr().err == ""
        image = iio.imread(out)[..., :3].astype(int)
        assert (np.abs(image - [255, 0, 255]).max(axis=2) < 30).mean() > 0.05  # magenta voxels over the picture


# Python API: the same one-line errors, as NnvoxError (and TypeError/ValueError where apt)
API = [
    (lambda run, d: __import__("nnvox").open_run(3), TypeError, "a run is a path"),
    (lambda run, d: __import__("nnvox").open_run(None), TypeError, "got NoneType"),
    (lambda run, d: __import__("nnvox").export(run, None), TypeError, "the output is a path"),
    (
        lambda run, d: __import__("nnvox").export(run, d / "a.mp4", fps=float("nan")),
        ValueError,
        "fps nan is out of range",
    ),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", fps="ten"), ValueError, "fps 'ten'"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.gif", gif_max_mb=float("nan")), NnvoxError, "GIF size cap"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", size=(100000, 100000)), ValueError, "40 GB a frame"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", size=(800.5, 600)), TypeError, "two whole numbers"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", size="big"), NnvoxError, "not WIDTHxHEIGHT"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", preset=720), TypeError, "a preset is text"),
    (lambda run, d: __import__("nnvox").export(run, d / "a.mp4", sample="0"), TypeError, "a sample is a whole number"),
    (
        lambda run, d: __import__("nnvox").render_png(run, d / "a.png", width=0, height=0),
        ValueError,
        "size 0x0 is out of range",
    ),
    (lambda run, d: __import__("nnvox").render_png(run, d / "a.png", width="800"), TypeError, "two whole numbers"),
    (lambda run, d: __import__("nnvox").render_png(run, d / "a.png", t="1"), TypeError, "t is a snapshot position"),
    (lambda run, d: __import__("nnvox").render_png(run, d / "a.png", t=math.nan), NnvoxError, "outside the timeline"),
    (
        lambda run, d: __import__("nnvox").render_figure(run, d / "f.png", "filters", t=math.nan),
        NnvoxError,
        "outside the timeline",
    ),
    (
        lambda run, d: __import__("nnvox").render_figure(run, d / "f.png", "filters", width=10**6, height=10),
        ValueError,
        "out of range",
    ),
    (lambda run, d: __import__("nnvox").render_storyboard(3, d / "s.mp4"), TypeError, "a storyboard is a path"),
    (lambda run, d: __import__("nnvox").show(3), TypeError, "a run is a path"),
    (lambda run, d: __import__("nnvox").show(run, mode="bogus"), NnvoxError, "unknown mode 'bogus'"),
    (lambda run, d: __import__("nnvox").show(run, t=math.inf), NnvoxError, "outside the timeline"),
    (lambda run, d: __import__("nnvox").show(run, size=(10**5, 10**5)), ValueError, "out of range"),
]


@pytest.mark.parametrize("call, kind, words", API, ids=[w for _, _, w in API])
def test_api_bad_arguments_raise_one_line(digits_run, tmp_path, call, kind, words):
    with pytest.raises(NnvoxError) as caught:
        call(digits_run, tmp_path)
    assert isinstance(caught.value, kind) and words in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.gl
def test_api_export_writes_a_png_as_the_cli_does(digits_run, tmp_path):
    import imageio.v3 as iio

    import nnvox

    path = nnvox.export(digits_run, tmp_path / "still.png", preset="480p")
    assert iio.imread(path).shape[:2] == (480, 854)


# Fuzzing the command line: random values of random types for each option, never a traceback.
ODD = st.sampled_from(
    [
        "",
        "-1",
        "0",
        "nan",
        "inf",
        "-inf",
        "1e300",
        "-1e300",
        "0x0",
        "a,b",
        "1,2,3",
        "..",
        "/dev/zero",
        "\u00e9",
        "9" * 40,
        "-0",
        "0.5",
        " 1",
        "true",
        "--",
        "1_000",
        "\x7f",
    ]
)
VALUES = st.one_of(
    ODD,
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12).filter(lambda s: "\0" not in s),
)
OPTIONS = {  # per command: options to fuzz; the rest of the command line is fixed and valid
    "export": [
        "--t",
        "--sample",
        "--mistake",
        "--fps",
        "--size",
        "--preset",
        "--gif-max-mb",
        "--clusters",
        "--feature-space",
        "--histogram",
        "--layer",
        "--voxel",
        "--figure",
        "--view",
        "--mode",
        "--sizing",
        "--attribution",
    ],
    "info": ["--input-shape", "--input", "--weights"],
    "compare": ["--t", "--pin", "--sample", "--fps", "--preset", "--histogram"],
}


@settings(max_examples=2000 if LONG else 60)
@given(command=st.sampled_from(sorted(OPTIONS)), data=st.data())
def test_fuzzed_options_exit_0_or_one_line(command, data, place, digits_run, tmp_path_factory, monkeypatch, capsys):
    folder = tmp_path_factory.mktemp("fuzz")
    monkeypatch.chdir(folder)
    picked = data.draw(st.lists(st.sampled_from(OPTIONS[command]), min_size=1, max_size=2, unique=True))
    argv = {
        "export": ["export", digits_run.path, folder / "x.png"],
        "info": ["info", f"{MODULE}:flat"],
        "compare": ["compare", digits_run.path, "--out", folder / "c.png"],
    }[command]
    for option in picked:
        argv += [f"{option}={data.draw(VALUES)}"]  # --opt=VALUE: a value may start with -
    if command == "export" and not {"--size", "--preset"} & set(picked):
        argv += ["--size", "64x64"]  # small stills: a valid draw renders in a moment
    elif command == "compare" and "--preset" not in picked:
        argv += ["--preset", "480p"]
    sys.path.insert(0, str(place))  # the user model module
    try:
        code, lines = run_main(argv, capsys)
    finally:
        sys.path.remove(str(place))
    event(f"{command}: exit {code}")  # --hypothesis-show-statistics: how many draws were refused
    assert code in (0, 2), lines
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("nnvox: error: "), lines
    assert {p.name for p in folder.iterdir()} <= {"x.png", "c.png"}  # nothing but the output


# Fuzzing storyboards: the shipped lecture storyboard, mutated; loading (no rendering) either
# succeeds or says what is wrong, on one line, naming the line.
LECTURE = files("nnvox.storyboards").joinpath("lecture.toml").read_bytes()
LITERALS = st.sampled_from(
    [
        "nan",
        "inf",
        "-inf",
        "+nan",
        "1e300",
        "-1e300",
        "-1",
        "0",
        "1",
        "0.5",
        "99999999999999999999",
        "-9223372036854775808",
        '"x"',
        '""',
        '"\\u0000"',
        "true",
        "false",
        "[]",
        "[1, 2, 3]",
        "{}",
        '{ move = "orbit" }',
        "1979-05-27",
        '"first"',
        '"all"',
        '["first", nan]',
        "[0, inf]",
    ]
)


@st.composite
def mutated_storyboards(draw) -> bytes:
    lines = LECTURE.split(b"\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["retype", "drop", "duplicate", "bytes", "rename"]))
        if kind == "retype" and b"=" in lines[i]:
            lines[i] = lines[i].split(b"=", 1)[0] + b"= " + draw(LITERALS).encode()
        elif kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "bytes":
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + draw(st.binary(min_size=1, max_size=3)) + lines[i][cut:]
        elif kind == "rename" and b"=" in lines[i]:
            lines[i] = (
                draw(st.sampled_from([b"durations", b"Duration", b"run.x", b"camera.move", b"shot"]))
                + b" ="
                + lines[i].split(b"=", 1)[1]
            )
    return b"\n".join(lines)


@settings(max_examples=2000 if LONG else 150)
@given(text=mutated_storyboards())
def test_fuzzed_storyboards_load_or_name_the_line(text, tmp_path_factory):
    from nnvox.scenes.storyboard import load_storyboard

    folder = tmp_path_factory.mktemp("board")
    (folder / "run").mkdir()
    (folder / "run" / "manifest.json").write_text("{}")  # loading checks the run is there, not what it holds
    path = folder / "lecture.toml"
    path.write_bytes(text)
    try:
        board = load_storyboard(path)
    except NnvoxError as exc:
        message = str(exc)
        event("refused")
        assert "\n" not in message and "line " in message, message
        return
    event("loaded")
    assert all(math.isfinite(s.duration) and 0 < s.duration <= 600 for s in board.shots)
    assert math.isfinite(board.fade_seconds) and (board.fps is None or 1 <= board.fps <= 240)


def test_the_shipped_storyboard_loads(tmp_path):
    from nnvox.scenes.storyboard import load_storyboard

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "manifest.json").write_text("{}")
    (tmp_path / "lecture.toml").write_bytes(LECTURE)
    assert len(load_storyboard(tmp_path / "lecture.toml").shots) > 5  # the fuzzing starts from a valid file


def test_a_failed_forward_pass_writes_nothing_and_never_says_wrote(place, tmp_path, monkeypatch, capsys):
    """An export whose forward pass fails: exit 2 and its error, no 'wrote' and no file (a picture of
    the graph up to the failure would read as a result; `nnvox view` draws it in the window)."""
    monkeypatch.chdir(place)
    for name in ("x.png", "x.mp4", "x.html"):
        code = main(["export", f"{MODULE}:flat", str(tmp_path / name), "--input-shape", "1,3,8,8"])
        printed = capsys.readouterr()
        assert code == 2 and "wrote" not in printed.out + printed.err, printed
        assert "forward pass failed in layer '1' (Linear)" in printed.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.gl
def test_the_suggested_input_shape_runs(place, tmp_path, monkeypatch, capsys):
    """The --input-shape the refusal suggests for a model that starts with an embedding draws it."""
    monkeypatch.chdir(place)
    out = tmp_path / "x.png"
    assert main(["export", f"{MODULE}:tokens", str(out)]) == 2
    assert "--input-shape 1,16 runs 16 random token ids" in capsys.readouterr().err
    assert main(["export", f"{MODULE}:tokens", str(out), "--input-shape", "1,16", "--size", "320x180"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}" and out.stat().st_size > 1000

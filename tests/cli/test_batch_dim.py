"""Issue 14: `--batch-dim` (view, export, info on a model): the axis of --input / --input-shape that
holds the samples, as the model takes them. A sequence-first model whose layers do not say so is
taken as T samples without it; with it, as its N sequences. A run folder given --batch-dim, an axis
the input lacks, or --batch-dim without an input to apply to: one line, exit 2."""

import json
import textwrap

import numpy as np
import pytest

from tests.cli.test_cli import nnvox

SEQUENCE_FIRST = textwrap.dedent('''
    import torch
    from torch import nn

    class Tagger(nn.Module):
        """(T, N) ids -> (T, N, 5), each position against its sequence's mean: no layer says the batch is second."""
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(11, 6)
            self.out = nn.Linear(6, 5)

        def forward(self, x):
            h = self.emb(x)
            return self.out(h - h.mean(0, keepdim=True))

    class Lstm(nn.Module):
        """(T, N) ids through nn.LSTM without batch_first: its batch is found on axis 1."""
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(11, 6)
            self.rnn = nn.LSTM(6, 7)
            self.out = nn.Linear(7, 5)

        def forward(self, x):
            return self.out(self.rnn(self.emb(x))[0])

    def tagger():
        torch.manual_seed(0)
        return Tagger()

    def lstm():
        torch.manual_seed(0)
        return Lstm()
''')


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "seqfirst.py").write_text(SEQUENCE_FIRST)
    return tmp_path


def info(cwd, *args):
    result = nnvox("info", *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_batch_dim_makes_a_sequence_first_input_its_sequences(spec):
    found = info(spec, "seqfirst:tagger", "--input-shape", "8,4")
    assert found["probe_samples"] == 8 and found["nodes"][0]["shape"] == [4]  # nothing said: axis 0, 8 "samples"
    given = info(spec, "seqfirst:tagger", "--input-shape", "8,4", "--batch-dim", "1")
    assert given["probe_samples"] == 4 and given["nodes"][0]["shape"] == [8]
    assert {n["name"]: n["shape"] for n in given["nodes"]}["out"] == [8, 5]
    # a layer that says its batch is second: found without the option, the same with it
    assert info(spec, "seqfirst:lstm", "--input-shape", "8,4")["probe_samples"] == 4
    assert info(spec, "seqfirst:lstm", "--input-shape", "8,4", "--batch-dim", "1")["probe_samples"] == 4
    # an input file's axis too
    np.save(spec / "ids.npy", np.arange(24, dtype=np.int64).reshape(8, 3) % 11)
    from_file = info(spec, "seqfirst:tagger", "--input", spec / "ids.npy", "--batch-dim", "1")
    assert from_file["probe_samples"] == 3 and from_file["nodes"][0]["shape"] == [8]


@pytest.mark.gl
def test_export_a_sequence_first_model_with_batch_dim(spec):
    out = spec / "still.png"

    def export(sample: int):
        args = ["--input-shape", "8,4", "--batch-dim", "1", "--sample", str(sample), "--preset", "480p"]
        return nnvox("export", "seqfirst:tagger", out, *args, cwd=spec)

    result = export(3)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    past = export(4)
    assert past.returncode == 2 and "sample 4 is out of range" in past.stderr and "0..3" in past.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ["seqfirst:tagger", "--input-shape", "8,4", "--batch-dim", "2"],
            "--batch-dim 2 is no axis of --input-shape 8,4; give 0 to 1",
        ),
        (
            ["seqfirst:tagger", "--input-shape", "8,4", "--batch-dim=-1"],
            "--batch-dim -1 is no axis of --input-shape 8,4",
        ),
        (
            ["seqfirst:tagger", "--batch-dim", "1"],
            "--batch-dim says which axis of --input or --input-shape holds the samples",
        ),
        (
            ["digits-cnn", "--batch-dim", "0"],
            "--batch-dim says which axis of --input or --input-shape holds the samples",
        ),
        (["seqfirst:tagger", "--input-shape", "8,4", "--batch-dim", "x"], "--batch-dim"),
    ],
    ids=["beyond", "negative", "no-input", "builtin-example", "not-a-number"],
)
def test_a_batch_dim_that_does_not_apply_is_one_line(spec, args, says):
    result = nnvox("info", *args, cwd=spec)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr


def test_a_run_folder_given_batch_dim_is_one_line(digits_run):
    for command in (["info", str(digits_run.path)], ["export", str(digits_run.path), "x.png"]):
        result = nnvox(*command, "--batch-dim", "1")
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert "is a run folder" in result.stderr and "--batch-dim apply to models only" in result.stderr


def test_a_random_input_is_drawn_sample_by_sample_on_the_batch_axis():
    """--input-shape 8,4 --batch-dim 1: sample k is the same sequence as with batch first (4,8), and its
    first samples the same whatever the batch size."""
    from nnvox.capture.targets import _random_input

    seq_first, _ = _random_input((8, 4), None, 1)
    batch_first, _ = _random_input((4, 8), None, 0)
    fewer, _ = _random_input((8, 2), None, 1)
    np.testing.assert_array_equal(seq_first.T, batch_first)
    np.testing.assert_array_equal(fewer, seq_first[:, :2])
    ids, what = _random_input((8, 4), 11, 1)
    assert what == "random tokens" and ids.shape == (8, 4) and ids.max() < 11
    np.testing.assert_array_equal(ids.T, _random_input((4, 8), 11, 0)[0])


def test_batch_dim_is_in_the_help_of_view_export_and_info():
    for command in ("view", "export", "info"):
        assert "--batch-dim" in nnvox(command, "--help").stdout

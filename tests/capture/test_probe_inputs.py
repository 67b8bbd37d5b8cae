"""Issue 14: the Recorder takes the probe as the model takes it. Keyword inputs (a tiny Hugging Face
T5: input_ids, decoder_input_ids and use_cache=False), positional inputs nested as the model takes
them (the PyTorch word-language-model's RNNModel.forward(input, (h0, c0))), and sequence-first (T, N)
inputs, the batch axis found by the trace or given; each recorded around real optimizer steps, read
back (the probe file's tensors, samples first; sample_input; every mode's frame), resumed, and refused
in one line where a probe or a resume does not fit."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nnvox
from nnvox.capture.run_format import probe_key
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import MODES, SceneOptions
from tests.real_models.corpus import RNNModel

VOCAB = 64


# ---- models ----------------------------------------------------------------------------------------


class SequenceFirstEncoder(nn.Module):
    """The word-language-model's Transformer, small: (T, N) ids through nn.TransformerEncoder without
    batch_first (which says its batch is second), a causal mask, log-probabilities (T, N, V)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(VOCAB, 16)
        layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0)
        self.transformer_encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.decoder = nn.Linear(16, VOCAB)

    def forward(self, src):
        mask = nn.Transformer.generate_square_subsequent_mask(len(src))
        return F.log_softmax(self.decoder(self.transformer_encoder(self.encoder(src) * 4.0, mask)), dim=-1)


class SequenceFirstTagger(nn.Module):
    """Sequence first with no layer that says so: (T, N) ids -> (T, N, 5). The trace cannot know its
    batch is second (axis 0 works as well for it): batch_dim=1 says so."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8)
        self.out = nn.Linear(8, 5)

    def forward(self, x):
        h = self.emb(x)
        return self.out(h - h.mean(0, keepdim=True))  # each position against its sequence's mean


def t5():
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    config = T5Config(
        vocab_size=VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4, decoder_start_token_id=0
    )
    return T5ForConditionalGeneration(config).eval()


def tokens(*shape, seed=0) -> torch.Tensor:
    return torch.randint(0, VOCAB, shape, generator=torch.Generator().manual_seed(seed))


# ---- helpers ---------------------------------------------------------------------------------------


def record(model, probe, out, loss, *, steps=2, **options):
    """`steps` AdamW steps, a snapshot after each; the run."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    with nnvox.Recorder(model, probe=probe, out=out, **options) as rec:
        for step in range(steps):
            value = loss()
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            rec.snapshot(step=step, metrics={"loss": value})
    return nnvox.open_run(out)


def every_mode_draws(run) -> None:
    """Every mode's scene, a frame at each snapshot and between them, each block of finite values."""
    for mode in MODES:
        scene = build_scene(run, SceneOptions(mode=mode))
        for t in (0.0, 0.5, scene.n_snapshots - 1.0):
            frame = scene.frame_at(t, sample=run.probe_count - 1)
            for block in scene.blocks:
                values = frame.values[block.name]
                assert np.isfinite(values).any(), f"{mode}: {block.name} drawn blank"


def hooked(model, inputs, module: str) -> torch.Tensor:
    """The output of `module` when `model` takes `inputs` (a dict: keyword inputs, a tuple: positional)."""
    seen = {}
    handle = model.get_submodule(module).register_forward_hook(lambda m, a, out: seen.setdefault("out", out))
    try:
        with torch.no_grad():
            model(**inputs) if isinstance(inputs, dict) else model(*inputs) if isinstance(inputs, tuple) else model(
                inputs
            )
    finally:
        handle.remove()
    return seen["out"]


def manifest(run) -> dict:
    return json.loads((run.path / "manifest.json").read_text())


# ---- keyword inputs: T5 ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def t5_run(tmp_path_factory):
    model = t5()
    ids, target = tokens(4, 7), tokens(4, 5, seed=1)
    probe = {"input_ids": ids, "decoder_input_ids": target, "use_cache": False}
    out = tmp_path_factory.mktemp("t5") / "run"
    model.train()
    run = record(model, probe, out, lambda: model(input_ids=ids, labels=target).loss)
    return model, probe, run


def test_keyword_inputs_are_recorded_and_read_back(t5_run):
    model, probe, run = t5_run
    assert len(run.snapshots) == 2 and run.probe_count == 4 and run.probe_batch_dim == 0
    assert run.probe_input_names == ["input_ids", "decoder_input_ids"]
    assert manifest(run)["probe"]["inputs"] == {
        "dict": {"input_ids": {"tensor": 0}, "decoder_input_ids": {"tensor": 1}, "use_cache": {"value": False}}
    }
    np.testing.assert_array_equal(run.probe_inputs, probe["input_ids"].numpy())  # the Input block's: the first
    np.testing.assert_array_equal(run.probe_tensors["inputs.1"], probe["decoder_input_ids"].numpy())
    np.testing.assert_array_equal(run.sample_input(1, 2), probe["input_ids"][2].numpy())
    feed = run.probe_feed()
    assert list(feed) == ["input_ids", "decoder_input_ids", "use_cache"] and feed["use_cache"] is False
    np.testing.assert_array_equal(feed["decoder_input_ids"], probe["decoder_input_ids"].numpy())
    # the decoder ran on the decoder ids given: its last block's output per sample is the model's
    model.eval()
    expected = hooked(model, probe, "lm_head")
    np.testing.assert_allclose(run.read(1, ["act/lm_head"])["act/lm_head"], expected.numpy(), rtol=2e-2, atol=2e-2)
    assert any(n.module and n.module.startswith("decoder.") for n in run.architecture.nodes)
    every_mode_draws(run)


def test_keyword_inputs_resume_with_the_runs_own_probe(t5_run, tmp_path):
    import shutil

    model, probe, run = t5_run
    out = tmp_path / "run"
    shutil.copytree(run.path, out)
    other = {"input_ids": tokens(2, 7, seed=5), "decoder_input_ids": tokens(2, 5, seed=6), "use_cache": False}
    with nnvox.Recorder(model, probe=other, out=out, resume=True) as rec:  # same form, other values
        rec.snapshot(step=2)
    resumed = nnvox.open_run(out)
    assert len(resumed.snapshots) == 3 and resumed.probe_count == 4
    np.testing.assert_array_equal(resumed.probe_tensors["inputs.1"], probe["decoder_input_ids"].numpy())
    expected = hooked(model.eval(), probe, "lm_head")  # the run's probe was fed, not the one passed
    np.testing.assert_allclose(resumed.read(2, ["act/lm_head"])["act/lm_head"], expected.numpy(), rtol=2e-2, atol=2e-2)
    for changed in (
        {"input_ids": probe["input_ids"], "decoder_input_ids": probe["decoder_input_ids"]},  # no use_cache
        {**probe, "use_cache": True},
        (probe["input_ids"], probe["decoder_input_ids"]),
        probe["input_ids"],
    ):
        with pytest.raises(NnvoxError, match="is not of the form of the run's") as refused:
            nnvox.Recorder(model, probe=(changed, None), out=out, resume=True)
        assert "\n" not in str(refused.value) and "run.probe_feed()" in str(refused.value)
    assert len(nnvox.open_run(out).snapshots) == 3


# ---- positional inputs, nested: the word-language-model's RNNModel(input, hidden) --------------------


def rnn_case():
    torch.manual_seed(0)
    model = RNNModel("LSTM", VOCAB, 16, 16, 2, dropout=0.2)  # the example's own class, at a tiny size
    data = tokens(4, 6).t().contiguous()  # (bptt 6, batch 4), as batchify gives it
    hidden = model.init_hidden(4)
    hidden = (hidden[0] + torch.randn_like(hidden[0]), hidden[1] + torch.randn_like(hidden[1]))  # told apart per sample

    def loss():
        output, _ = model(data, hidden)
        return F.nll_loss(output, data.roll(-1, 0).reshape(-1))

    return model, data, hidden, loss


@pytest.fixture(scope="module")
def rnn_run(tmp_path_factory):
    model, data, hidden, loss = rnn_case()
    model.train()
    run = record(model, ((data, hidden), None), tmp_path_factory.mktemp("rnn") / "run", loss)
    return model, data, hidden, run


def test_nested_positional_inputs_are_recorded_samples_first(rnn_run):
    model, data, hidden, run = rnn_run
    assert run.probe_batch_dim == 1, "nn.LSTM without batch_first takes its batch second"
    assert run.probe_count == 4 and list(run.probe_labels) == [-1] * 4
    assert run.probe_input_names == ["inputs[0]", "inputs[1][0]", "inputs[1][1]"]
    assert manifest(run)["probe"]["inputs"] == {"tuple": [{"tensor": 0}, {"tuple": [{"tensor": 1}, {"tensor": 2}]}]}
    np.testing.assert_array_equal(run.probe_inputs, data.t().numpy())  # (samples, T)
    np.testing.assert_array_equal(run.probe_tensors["inputs.2"], hidden[1].transpose(0, 1).numpy())
    np.testing.assert_array_equal(run.sample_input(0, 3), data[:, 3].numpy())
    feed = run.probe_feed()  # as the model takes it again: (T, N) and (layers, N, H)
    assert isinstance(feed, tuple) and isinstance(feed[1], tuple)
    np.testing.assert_array_equal(feed[0], data.numpy())
    np.testing.assert_array_equal(feed[1][0], hidden[0].numpy())
    # sample k's activations are sample k's: the decoder's output at (T, k), and the LSTM's
    model.eval()
    decoded = hooked(model, (data, hidden), "decoder")  # (T, N, V)
    stored = run.read(1, ["act/decoder"])["act/decoder"]
    assert stored.shape == (4, 6, VOCAB)
    np.testing.assert_allclose(stored, decoded.transpose(0, 1).numpy(), rtol=1e-2, atol=1e-2)
    every_mode_draws(run)


def test_nested_positional_inputs_resume_and_refuse_another_form(rnn_run, tmp_path):
    import shutil

    model, data, hidden, run = rnn_run
    out = tmp_path / "run"
    shutil.copytree(run.path, out)
    with nnvox.Recorder(model, probe=((data, hidden), None), out=out, resume=True) as rec:
        rec.snapshot(step=2)
    with nnvox.Recorder(model, probe=((data, hidden), None), out=out, resume=True, batch_dim=1) as rec:
        rec.snapshot(step=3)
    resumed = nnvox.open_run(out)
    assert len(resumed.snapshots) == 4 and resumed.probe_batch_dim == 1
    decoded = hooked(model.eval(), (data, hidden), "decoder").transpose(0, 1).numpy()
    np.testing.assert_allclose(resumed.read(3, ["act/decoder"])["act/decoder"], decoded, rtol=1e-2, atol=1e-2)
    with pytest.raises(NnvoxError, match=r"batch_dim 0 is not the run's: .* axis 1") as refused:
        nnvox.Recorder(model, probe=((data.t(), hidden), None), out=out, resume=True, batch_dim=0)
    assert "\n" not in str(refused.value)
    with pytest.raises(
        NnvoxError,
        match=(
            r"the probe passed, \{input: T, hidden: \(T, T\)\}, "
            r"is not of the form of the run's in .*, \(T, \(T, T\)\)"
        ),
    ):
        nnvox.Recorder(model, probe={"input": data, "hidden": hidden}, out=out, resume=True)
    with pytest.raises(NnvoxError, match="is not of the form"):
        nnvox.Recorder(
            model, probe=((data, list(hidden)), None), out=out, resume=True
        )  # a list is not the tuple it was
    assert len(nnvox.open_run(out).snapshots) == 4


def test_keyword_inputs_holding_a_nested_hidden_state(tmp_path):
    """{input, hidden}: the model called with keywords, its hidden state a tuple under one of them."""
    model, data, hidden, loss = rnn_case()
    run = record(model, {"input": data, "hidden": hidden}, tmp_path / "run", loss)
    assert run.probe_input_names == ["input", "hidden[0]", "hidden[1]"] and run.probe_count == 4
    assert isinstance(run.probe_feed()["hidden"], tuple)
    every_mode_draws(run)


# ---- sequence first ------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_dim", [None, 1], ids=["found", "given"])
def test_a_sequence_first_probe_is_taken_as_its_sequences(tmp_path, batch_dim):
    torch.manual_seed(0)
    model = SequenceFirstEncoder()
    data = tokens(4, 8).t().contiguous()  # (T=8, N=4)
    loss = lambda: F.nll_loss(model(data).reshape(-1, VOCAB), data.roll(-1, 0).reshape(-1))
    run = record(model, data, tmp_path / "run", loss, batch_dim=batch_dim)
    assert run.probe_count == 4 and run.probe_batch_dim == 1 and manifest(run)["probe"]["batch_dim"] == 1
    assert "inputs" not in manifest(run)["probe"]  # one tensor: the structure is left out, as before
    assert run.architecture.nodes[0].shape == (8,)
    np.testing.assert_array_equal(run.probe_inputs, data.t().numpy())
    np.testing.assert_array_equal(run.sample_input(1, 2), data[:, 2].numpy())
    np.testing.assert_array_equal(run.probe_feed(), data.numpy())
    expected = hooked(model.eval(), data, "decoder").transpose(0, 1).numpy()
    np.testing.assert_allclose(run.read(1, ["act/decoder"])["act/decoder"], expected, rtol=1e-2, atol=1e-2)
    every_mode_draws(run)
    with nnvox.Recorder(model, probe=data, out=tmp_path / "run", resume=True) as rec:
        rec.snapshot(step=2)
    assert len(nnvox.open_run(tmp_path / "run").snapshots) == 3
    with pytest.raises(NnvoxError, match="batch_dim 0 is not the run's"):
        nnvox.Recorder(model, probe=data, out=tmp_path / "run", resume=True, batch_dim=0)


def test_batch_dim_given_where_no_layer_says_it(tmp_path):
    """The trace takes axis 0 where nothing says otherwise (8 samples of 4); batch_dim=1 makes them
    the 4 sequences of 8 they are, each sample's values its own column."""
    torch.manual_seed(0)
    model = SequenceFirstTagger()
    data = tokens(4, 8).t().contiguous()
    labels = torch.zeros(8, 4, dtype=torch.long)
    loss = lambda: F.cross_entropy(model(data).reshape(-1, 5), labels.reshape(-1))
    found = record(model, data, tmp_path / "found", loss)
    assert found.probe_count == 8 and found.probe_batch_dim == 0
    given = record(model, data, tmp_path / "given", loss, batch_dim=1)
    assert given.probe_count == 4 and given.probe_batch_dim == 1
    expected = hooked(model.eval(), data, "out").transpose(0, 1).numpy()  # (N, T, 5)
    np.testing.assert_allclose(given.read(1, ["act/out"])["act/out"], expected, rtol=1e-2, atol=1e-2)
    every_mode_draws(given)


# ---- refused in one line ---------------------------------------------------------------------------


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(4, 3), nn.Linear(2, 3)

    def forward(self, x, extra=None, scale=1.0):
        return (self.a(x) + (0 if extra is None else self.b(extra))) * scale


X, E = torch.randn(4, 4), torch.randn(4, 2)
REFUSED = [  # (probe, Recorder options, words the error says)
    (((X, torch.randn(3, 2)), None), {}, "probe input 'inputs[1]' has 3 samples on axis 0, the others 4"),
    (
        {"x": X, "extra": torch.randn(4, 3, 2)[:, 0], "scale": 1.0},
        {"batch_dim": 1},
        "probe input 'extra' has 2 samples on axis 1, the others 4",
    ),
    (((X, E), None), {"batch_dim": 2}, "probe input 'inputs[0]' has shape (4, 4): no axis 2 to hold the samples"),
    ({"x": X, "extra": object()}, {}, "probe input 'extra' is a object; the probe's inputs are tensors"),
    ({"x": X, 3: E}, {}, "hold the key 3; keyword inputs are named by strings"),
    ({"x": X, "scale": math.nan}, {}, "probe input 'scale' is nan; a constant among the inputs is a finite number"),
    ({"x": X, "scale": 2**60}, {}, "beyond the whole numbers a run stores exactly"),
    ({"x": X, "extra": torch.tensor(1.0)}, {}, "probe input 'extra' must have a batch axis first"),
    ({"x": X, "deep": [[[[[[[[[E]]]]]]]]]}, {}, "nested more than 8 deep"),
    ({"x": X, "extra": E}, {"attributions": ["saliency"]}, "attributions are recorded for a probe of one input tensor"),
    (
        {"x": X, "extra": E},
        {"evaluation": (X, [0] * 4)},
        "an evaluation set is recorded for a probe of one input tensor",
    ),
    (X, {"batch_dim": 1, "attributions": ["saliency"]}, "this probe holds its samples on axis 1"),
    (X, {"batch_dim": -1}, "batch_dim is the axis of the probe's tensors that holds the samples"),
    (X, {"batch_dim": True}, "batch_dim must be a whole number"),
    (((X, E), [0, 1]), {}, "probe inputs (4) and labels (2) differ in length"),
    ({"scale": 2.0}, {}, "the probe's inputs hold no tensor"),
]


@pytest.mark.parametrize("probe, options, says", REFUSED, ids=[s[:40] for _, _, s in REFUSED])
def test_a_probe_that_does_not_fit_is_refused_in_one_line_and_writes_nothing(tmp_path, probe, options, says):
    with pytest.raises(NnvoxError) as refused:
        nnvox.Recorder(TwoInputs(), probe=probe, out=tmp_path / "run", **options)
    assert says in str(refused.value) and "\n" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_self_holding_list_is_refused_not_recursed():
    looped = [X]
    looped.append(looped)
    with pytest.raises(NnvoxError, match="nested more than 8 deep"):
        nnvox.Recorder(TwoInputs(), probe=((looped,), None), out="never-written")


def test_a_probe_of_one_tensor_batch_first_writes_the_manifest_as_before(tmp_path):
    """No "inputs", no "batch_dim": a run an older nnvox reads as it always did."""
    model = TwoInputs()
    run = record(model, (X, [0, 1, 2, 0]), tmp_path / "run", lambda: model(X).sum())
    assert set(manifest(run)["probe"]) == {"file", "count", "labels", "class_names"}
    assert run.probe_input_names == ["inputs"] and list(run.probe_tensors) == [probe_key(0)]


def test_positional_keyword_and_constant_inputs_reach_the_model(tmp_path):
    """(x, extra) positional, scale by keyword: the recorded output is the model's for those inputs."""
    model = TwoInputs()
    run = record(model, {"x": X, "extra": E, "scale": -2.0}, tmp_path / "kw", lambda: model(X, E, -2.0).sum())
    with torch.no_grad():
        expected = model(X, E, -2.0)
    last = [n.name for n in run.architecture.nodes][-1]
    np.testing.assert_allclose(run.read(1, [f"act/{last}"])[f"act/{last}"], expected.numpy(), rtol=1e-2, atol=1e-2)
    assert run.probe_feed()["scale"] == -2.0
    positional = record(model, ([X, E], None), tmp_path / "pos", lambda: model(X, E).sum())
    assert manifest(positional)["probe"]["inputs"] == {"tuple": [{"tensor": 0}, {"tensor": 1}]}  # top level: positional

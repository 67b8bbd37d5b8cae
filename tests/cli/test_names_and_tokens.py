"""Issue 14, real models drawn true, from the command line: `nnvox info` piped keeps layer names
whole; token ids go to a model whose input first reaches an embedding, whatever order its layers
were registered in; and a float input that fails where ids were wanted says how to give ids."""

import json
import textwrap

import numpy as np

from tests.cli.test_cli import ENV, nnvox

LONG_NAMES = textwrap.dedent("""
    from torch import nn

    class Attn(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(8, 24)
            self.c_proj = nn.Linear(24, 8)

        def forward(self, x):
            return self.c_proj(self.c_attn(x))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = Attn()

        def forward(self, x):
            return self.attn(x)

    class Body(nn.Module):
        def __init__(self):
            super().__init__()
            self.h = nn.ModuleList([Block()])

        def forward(self, x):
            return self.h[0](x)

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = Body()
            self.lm_head = nn.Linear(8, 5)

        def forward(self, x):
            return self.lm_head(self.transformer(x))

    def build():
        return GPT()
""")

# PyTorch examples' word_language_model Transformer, small: its encoder (and the positional
# encoding's dropout) registered before the embedding its input reaches first; its forward caches
# its mask on the model, as the example does (`cache=True`).
WORD_LM = textwrap.dedent('''
    import math

    import torch
    import torch.nn.functional as F
    from torch import nn

    class PositionalEncoding(nn.Module):
        def __init__(self, d, max_len=64):
            super().__init__()
            self.dropout = nn.Dropout(0.1)
            position = torch.arange(max_len, dtype=torch.float).unsqueeze(1)
            div = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
            pe = torch.zeros(max_len, d)
            pe[:, 0::2], pe[:, 1::2] = torch.sin(position * div), torch.cos(position * div)
            self.register_buffer("pe", pe.unsqueeze(1))

        def forward(self, x):
            return self.dropout(x + self.pe[: x.size(0)])

    class TransformerModel(nn.Module):
        def __init__(self, ntoken=13, ninp=8, cache=True):
            super().__init__()
            self.cache = cache
            self.pos_encoder = PositionalEncoding(ninp)
            layer = nn.TransformerEncoderLayer(ninp, 2, 16, dropout=0.0)
            self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.decoder = nn.Linear(ninp, ntoken)
            self.ninp = ninp
            self.src_mask = None

        def forward(self, src):
            if not self.cache or self.src_mask is None or self.src_mask.size(0) != len(src):
                self.src_mask = torch.log(torch.tril(torch.ones(len(src), len(src)))).to(src.device)
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(self.ninp))
            return F.log_softmax(self.decoder(self.encoder(src, mask=self.src_mask)), dim=-1)

    class PositionsFirst(nn.Module):
        """Float input; a learned position embedding, registered and called first, on arange(T)."""

        def __init__(self):
            super().__init__()
            self.pos = nn.Embedding(16, 8)
            self.proj = nn.Linear(8, 8)

        def forward(self, x):
            return self.proj(x) + self.pos(torch.arange(x.shape[1]))

    class LookupTable(nn.Module):
        """Token ids looked up with F.embedding: no embedding layer to find."""

        def __init__(self):
            super().__init__()
            self.table = nn.Parameter(torch.randn(9, 4))
            self.fc = nn.Linear(4, 3)

        def forward(self, ids):
            return self.fc(F.embedding(ids, self.table).mean(1))

    def build():
        return TransformerModel()

    def uncached():
        return TransformerModel(cache=False)

    def positions():
        return PositionsFirst()

    def lookup():
        return LookupTable()
''')


def test_info_piped_keeps_whole_layer_names(tmp_path):
    """rich narrows tables to 80 columns when stdout is no terminal (piped, CI): names were cut to
    'transforme…'. Piped, each name is whole, on one line, whatever COLUMNS says."""
    (tmp_path / "longnames.py").write_text(LONG_NAMES)
    no_columns = {k: v for k, v in ENV.items() if k != "COLUMNS"}
    for env in (no_columns, {**ENV, "COLUMNS": "40"}):
        result = nnvox("info", "longnames:build", "--input-shape", "1,4,8", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert "…" not in result.stdout
        lines = result.stdout.splitlines()
        for name in ("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "lm_head"):
            row = next((line for line in lines if line.split("│")[1:2] and line.split("│")[1].strip() == name), None)
            assert row is not None, f"no row names {name} whole:\n{result.stdout}"
        # the inputs column too
        assert any(
            line.split("│")[-3].strip() == "transformer.h.0.attn.c_attn" for line in lines if line.count("│") > 3
        )


def test_token_ids_go_to_the_embedding_the_input_reaches_first(tmp_path):
    """The word-language model registers its encoder before its embedding: it gets random token
    ids (it got floats and failed). A model whose first registered and first called layer is a
    position embedding of arange(T) still gets a float input: it is not what the input reaches."""
    (tmp_path / "wordlm.py").write_text(WORD_LM)
    info = nnvox("info", "wordlm:uncached", "--input-shape", "6,2", "--json", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    doc = json.loads(info.stdout)
    assert doc["error"] is None and doc["name"].endswith("· random tokens")
    assert {"input_emb", "encoder.layers.0.linear1", "decoder"} <= {n["name"] for n in doc["nodes"]}
    floats = nnvox("info", "wordlm:positions", "--input-shape", "2,5,8", "--json", cwd=tmp_path)
    assert floats.returncode == 0, floats.stderr
    assert json.loads(floats.stdout)["name"].endswith("· random input")
    # its own ids from a file are checked against the vocabulary the input reaches
    np.save(tmp_path / "ids.npy", np.array([[1, 2], [3, 4], [12, 0]], dtype=np.int64))
    assert nnvox("info", "wordlm:uncached", "--input", tmp_path / "ids.npy", "--json", cwd=tmp_path).returncode == 0
    np.save(tmp_path / "big.npy", np.array([[1, 13]], dtype=np.int64))
    refused = nnvox("info", "wordlm:uncached", "--input", tmp_path / "big.npy", cwd=tmp_path)
    assert refused.returncode == 2 and "takes 0 to 12" in refused.stderr


def test_the_word_language_model_as_the_example_writes_it(tmp_path):
    """As above, with the example's mask cached on the model: no pass before the recorded one (the
    probe for the first layer here, trace's shape pass) may leave it on the meta device."""
    (tmp_path / "wordlm.py").write_text(WORD_LM)
    info = nnvox("info", "wordlm:build", "--input-shape", "6,2", "--json", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["name"].endswith("· random tokens")


def test_a_float_input_where_ids_were_wanted_says_how_to_give_ids(tmp_path):
    """A model that looks token ids up itself cannot be told from its layers: the float input fails,
    and the one-line error says to give ids with --input ids.npy (int64, np.save); they then work."""
    (tmp_path / "wordlm.py").write_text(WORD_LM)
    failed = nnvox("info", "wordlm:lookup", "--input-shape", "2,6", cwd=tmp_path)
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith("nnvox: error:")
    assert "--input ids.npy" in failed.stderr and "int64" in failed.stderr and "np.save" in failed.stderr
    np.save(tmp_path / "ids.npy", np.array([[1, 2, 3, 4, 5, 6], [0, 8, 0, 8, 0, 8]], dtype=np.int64))
    ok = nnvox("info", "wordlm:lookup", "--input", tmp_path / "ids.npy", "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["error"] is None
    # an error that is not about ids gets no such advice
    wrong = nnvox("info", "wordlm:positions", "--input-shape", "2,5,7", cwd=tmp_path)
    assert wrong.returncode == 2 and "ids.npy" not in wrong.stderr


def test_finding_the_first_layer_leaves_the_model_as_it_was():
    """The probing passes run a copy: the word-language model's cached mask is not set (a mask left
    on the meta device broke the real pass), its weights are not copied, the RNG is untouched."""
    import torch

    from nnvox.capture.targets import first_reached

    namespace: dict = {}
    exec(WORD_LM, namespace)
    model = namespace["build"]()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    state = torch.get_rng_state()
    assert first_reached(model, (6, 2)) == (model.input_emb, torch.float32)  # stopped before it: never fails
    assert model.src_mask is None and torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(v, weights[k]) for k, v in model.state_dict().items())
    positions = namespace["positions"]()
    assert first_reached(positions, (2, 5, 8)) == (positions.proj, torch.float32)
    lookup = namespace["lookup"]()
    assert first_reached(lookup, (2, 6)) == (lookup.fc, torch.int64)  # floats fail before any layer; ids go on


CHANNELS_LAST = textwrap.dedent('''
    from torch import nn

    class Block(nn.Module):
        """ConvNeXt's block: LayerNorm and an MLP over the channels of (N, H, W, C)."""

        def __init__(self, c=4):
            super().__init__()
            self.dwconv = nn.Conv2d(c, c, 3, padding=1, groups=c)
            self.norm = nn.LayerNorm(c)
            self.pw = nn.Linear(c, 2 * c)

        def forward(self, x):
            return self.pw(self.norm(self.dwconv(x).permute(0, 2, 3, 1))).permute(0, 3, 1, 2).mean((2, 3))

    def build():
        return Block()
''')


def test_info_says_which_blocks_the_model_holds_channels_last(tmp_path):
    (tmp_path / "convnext_block.py").write_text(CHANNELS_LAST)
    result = nnvox("info", "convnext_block:build", "--input-shape", "1,4,5,7", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {
        line.split("│")[1].strip(): line.split("│")[3].strip()
        for line in result.stdout.splitlines()
        if line.count("│") > 3
    }
    assert rows["pw"] == "8 × 5 × 7 (model's HWC)" and rows["dwconv"] == "4 × 5 × 7"
    doc = json.loads(nnvox("info", "convnext_block:build", "--input-shape", "1,4,5,7", "--json", cwd=tmp_path).stdout)
    layouts = {n["name"]: n["layout"] for n in doc["nodes"]}
    assert layouts["norm"] == "HWC" and layouts["permute#2"] is None


MANY_CLASSES = textwrap.dedent("""
    from torch import nn

    def clf50():
        return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 50))
""")


def test_a_model_of_yours_may_have_any_number_of_classes(tmp_path):
    """A user's model was given ten class names '0'..'9', and one with 50 outputs was refused
    ("class_names holds 10 names"), naming an option the user never gave."""
    (tmp_path / "many.py").write_text(MANY_CLASSES)
    result = nnvox("info", "many:clf50", "--input-shape", "4,8", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["nodes"][-1]["shape"] == [50]
    result = nnvox("export", "many:clf50", str(tmp_path / "out.png"), "--input-shape", "4,8", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "out.png").exists(), result.stderr


def test_the_voxel_figure_of_a_sequence_layer_takes_a_token_and_a_feature(tmp_path):
    """A tokens x features layer (the word-language model's decoder, 6 tokens of 13 features):
    --voxel TOKEN,FEATURE draws it; three numbers, or one, are refused in one line that says what
    the layer is and what --voxel takes."""
    (tmp_path / "wordlm.py").write_text(WORD_LM)
    base = (
        "export",
        "wordlm:build",
        tmp_path / "vx.png",
        "--input-shape",
        "6,2",
        "--figure",
        "voxel",
        "--layer",
        "decoder",
    )
    for given in ("0,5,3", "3"):
        refused = nnvox(*base, "--voxel", given, cwd=tmp_path)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert (
            f"layer 'decoder' is tokens × features (6 × 13): give --voxel TOKEN,FEATURE (two numbers, "
            f"e.g. --voxel 2,2), not {given}"
        ) in refused.stderr
    assert "give --voxel TOKEN,FEATURE" in nnvox(*base, cwd=tmp_path).stderr
    out_of_range = nnvox(*base, "--voxel", "6,0", cwd=tmp_path)
    assert (
        out_of_range.returncode == 2
        and "token 6 is out of range; 'decoder' has 6 (tokens × features" in out_of_range.stderr
    )
    drawn = nnvox(*base, "--voxel", "4,3", cwd=tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert (tmp_path / "vx.png").exists()

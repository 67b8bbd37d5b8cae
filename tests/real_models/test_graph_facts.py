"""Issue 14's graph facts on real models: each fact a helper in `facts.py`, checked on the graph
`trace` gives at batch 1 and at batch 4.

Facts that fail until issue 14 is fixed are marked `xfail(strict=True)` in KNOWN below, with what
is wrong: a fix turns them into XPASS failures, and the mark is removed then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pytest
import torch

from nnvox.capture.trace import trace
from tests.real_models import facts as F
from tests.real_models.corpus import CORPUS, build

BATCHES = (1, 4)


@dataclass(frozen=True)
class Expect:
    """What the model's code says its graph must show."""

    sites: tuple[tuple[int, int, int], ...] = ()  # (heads, queries, keys) of each attention, in order
    causal: frozenset[int] = frozenset()  # the sites that are causal self-attention
    cross: frozenset[int] = frozenset()  # the sites that are cross-attention (k and v from the encoder)
    encoder: str = ""  # the encoder's module prefix (encoder-decoder models)
    decoder: str = ""  # the decoder's
    fused_qkv: bool = False  # q, k and v come out of one split / unbind
    residuals: int = 0  # `x + f(x)` in the code
    embeddings: tuple[str, ...] = ()  # independent embeddings, summed
    independent: tuple[tuple[str, str], ...] = ()  # other pairs of nodes with no path between them
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # per-sample shapes the code gives
    grids: frozenset[tuple[int, int]] = frozenset()  # H x W of the maps of a model with channels-last parts


def _each(n, site):
    return (site,) * n


EXPECT: dict[str, Expect] = {
    "gpt2": Expect(
        _each(2, (4, 8, 8)),
        causal=frozenset({0, 1}),
        fused_qkv=True,
        residuals=4,
        embeddings=("transformer.wte", "transformer.wpe"),
    ),
    "llama": Expect(_each(2, (4, 8, 8)), causal=frozenset({0, 1}), residuals=4),
    "bert": Expect(
        _each(2, (4, 8, 8)),
        residuals=4,
        embeddings=(
            "bert.embeddings.word_embeddings",
            "bert.embeddings.token_type_embeddings",
            "bert.embeddings.position_embeddings",
        ),
    ),
    "t5": Expect(
        _each(2, (4, 8, 8)) + ((4, 6, 6), (4, 6, 8)) * 2,
        causal=frozenset({2, 4}),
        cross=frozenset({3, 5}),
        encoder="encoder.",
        decoder="decoder.",
        residuals=2 * 2 + 2 * 3,
    ),
    "vit": Expect(_each(2, (4, 17, 17)), residuals=4),
    "swin": Expect(
        ((2, 16, 16), (4, 16, 16)),
        residuals=4,
        grids=frozenset({(8, 8), (4, 4)}),
        shapes={"swin.encoder.layers.0.blocks.0.view": (16, 8, 8)},
    ),
    "convnext": Expect(
        residuals=2,
        grids=frozenset({(8, 8), (4, 4)}),
        shapes={
            "convnext.encoder.stages.0.layers.0.layernorm": (16, 8, 8),
            "convnext.encoder.stages.0.layers.0.pwconv1": (64, 8, 8),
            "convnext.encoder.stages.1.layers.0.pwconv2": (32, 4, 4),
        },
    ),
    "mobilevit": Expect(_each(2, (2, 16, 16)) + _each(4, (2, 4, 4)) + _each(3, (2, 1, 1)), residuals=3 + 9 * 2),
    "efficientnet": Expect(residuals=3),
    "whisper": Expect(
        _each(2, (4, 16, 16)) + ((4, 6, 6), (4, 6, 16)) * 2,
        causal=frozenset({2, 4}),
        cross=frozenset({3, 5}),
        encoder="model.encoder.",
        decoder="model.decoder.",
        residuals=2 * 2 + 2 * 3,
        embeddings=("model.decoder.embed_tokens", "model.decoder.embed_positions"),
        independent=(("model.encoder.conv2", "model.encoder.embed_positions"),),
    ),
    "nanogpt": Expect(
        _each(2, (4, 8, 8)),
        causal=frozenset({0, 1}),
        fused_qkv=True,
        residuals=4,
        embeddings=("transformer.wte", "transformer.wpe"),
    ),
    "nanogpt-manual": Expect(
        _each(2, (4, 8, 8)),
        causal=frozenset({0, 1}),
        fused_qkv=True,
        residuals=4,
        embeddings=("transformer.wte", "transformer.wpe"),
    ),
    "timm-vit": Expect(
        _each(2, (4, 17, 17)),
        fused_qkv=True,
        residuals=4,
        independent=(
            ("blocks.0.attn.q_norm", "blocks.0.attn.k_norm"),
            ("blocks.1.attn.q_norm", "blocks.1.attn.k_norm"),
        ),
    ),
    # sequence-first: (T, N) token ids; per sample T = 8 time steps, never the 8 steps taken as samples
    "word-lstm": Expect(
        shapes={"input": (8,), "encoder": (8, 32), "rnn": (8, 32), "decoder": (8, 96), "log_softmax": (8, 96)}
    ),
    "word-transformer": Expect(
        _each(2, (4, 8, 8)),
        causal=frozenset({0, 1}),
        residuals=4,
        shapes={
            "input": (8,),
            "encoder": (8, 32),
            "transformer_encoder.layers.0.self_attn": (8, 32),
            "decoder": (8, 96),
        },
    ),
}
assert set(EXPECT) == set(CORPUS)

# (model, fact) -> what is wrong today. Removed by whoever fixes it (strict: a fix fails the run until then).
KNOWN: dict[tuple[str, str], str] = {}


@cache
def traced(name: str, batch: int):
    model, inputs = build(name, batch)
    return trace(model, inputs)


def cases(fact: str, names=None, batches=BATCHES):
    """pytest params (name, batch) for the models a fact applies to, marked where it fails today."""
    out = []
    for name in names if names is not None else EXPECT:
        for batch in batches:
            marks = (
                [pytest.mark.xfail(strict=True, reason=f"issue 14: {KNOWN[name, fact]}")]
                if (name, fact) in KNOWN
                else []
            )
            out.append(pytest.param(name, batch, marks=marks, id=f"{name}-b{batch}"))
    return out


def with_(attr: str) -> list[str]:
    return [n for n, e in EXPECT.items() if getattr(e, attr)]


# --- attention -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, batch", cases("attention", with_("sites")))
def test_every_attention_is_found(name, batch):
    arch = traced(name, batch).architecture
    assert len(F.attention_sites(arch)) == len(EXPECT[name].sites), F.attention_sites(arch)


@pytest.mark.parametrize("name, batch", cases("qkv", with_("sites")))
def test_q_k_and_v_each_reach_their_attention(name, batch):
    arch = traced(name, batch).architecture
    for site in F.attention_sites(arch):
        assert F.qkv_reach_attention(arch, site), f"{site} is fed by {arch.predecessors(site)} only"


@pytest.mark.parametrize("name, batch", cases("split", with_("fused_qkv")))
def test_each_output_of_the_fused_qkv_split_feeds_the_attention(name, batch):
    arch = traced(name, batch).architecture
    for site in F.attention_sites(arch):
        assert F.multi_output_feeds_attention(arch, site), f"{site} is fed by {arch.predecessors(site)}"


@pytest.mark.parametrize("name, batch", cases("maps", with_("sites")))
def test_attention_maps_are_present_per_head_queries_by_keys(name, batch):
    arch = traced(name, batch).architecture
    for site, (heads, queries, keys) in zip(F.attention_sites(arch), EXPECT[name].sites):
        maps = F.attention_maps(arch, site)
        assert maps is not None, f"{site} shows no attention maps"
        assert maps.shape[-3:] == (heads, queries, keys), f"{maps.name}: {maps.shape}"


@pytest.mark.parametrize("name, batch", cases("causal", with_("sites")))
def test_attention_maps_are_causal_where_the_model_is_causal(name, batch):
    result = traced(name, batch)
    arch = result.architecture
    sites = F.attention_sites(arch)
    assert sites, "no attention found"
    for i, site in enumerate(sites):
        maps = F.attention_maps(arch, site)
        assert maps is not None, f"{site} shows no attention maps"
        values = result.outputs[maps.name]
        assert values.shape[0] == batch
        if i in EXPECT[name].causal:
            assert F.is_causal(values), f"{maps.name} looks at later keys"
        elif values.shape[-1] > 1:
            assert F.upper_triangle(values).abs().max() > 1e-3, f"{maps.name} is causal in a model that is not"


@pytest.mark.parametrize("name, batch", cases("cross", with_("cross")))
def test_cross_attention_is_fed_by_the_encoder(name, batch):
    arch = traced(name, batch).architecture
    expect = EXPECT[name]
    encoder_out = [n.name for n in arch.nodes if n.name.startswith(expect.encoder)][-1]
    decoder_in = next(n.name for n in arch.nodes if n.name.startswith(expect.decoder))
    sites = F.attention_sites(arch)
    assert len(sites) == len(expect.sites)
    for i in sorted(expect.cross):
        assert F.cross_attention_fed_by_encoder(arch, sites[i], encoder_out, decoder_in), (
            f"{sites[i]}: inputs {F.attention_inputs(arch, sites[i])}, "
            f"from {encoder_out}: {F.fed_by(arch, sites[i], encoder_out)}"
        )
    for i in (
        set(range(len(sites))) - expect.cross
    ):  # self-attention sees nothing of the encoder's output through k and v
        assert len(F.fed_by(arch, sites[i], encoder_out)) in (0, len(F.attention_inputs(arch, sites[i]))), sites[i]


# --- embeddings, residuals --------------------------------------------------------------------------


@pytest.mark.parametrize("name, batch", cases("embeddings", with_("embeddings") + with_("independent")))
def test_independent_embeddings_meet_only_at_their_add(name, batch):
    arch = traced(name, batch).architecture
    expect = EXPECT[name]
    embeddings = expect.embeddings
    for i, a in enumerate(embeddings):
        for b in embeddings[i + 1 :]:
            assert not F.has_edge_between(arch, a, b), f"a false edge {a} -> {b}"
            assert F.independent(arch, a, b), f"a path between {a} and {b}"
    if embeddings:
        meeting = F.first_meeting(arch, embeddings)
        assert meeting is not None and meeting.kind == "add", f"{embeddings} first meet at {meeting}"
    for a, b in expect.independent:
        assert F.independent(arch, a, b), f"a path between {a} and {b}"


@pytest.mark.parametrize("name, batch", cases("residuals"))
def test_residual_arcs_where_the_code_adds(name, batch):
    arch = traced(name, batch).architecture
    assert len(F.residual_adds(arch)) == EXPECT[name].residuals, F.residual_adds(arch)


# --- batch axis, layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, batch", cases("same-graph", batches=(4,)))
def test_the_same_graph_at_batch_1_and_4(name, batch):
    one, four = F.graph(traced(name, 1).architecture), F.graph(traced(name, batch).architecture)
    assert one[0] == four[0], [(a, b) for a, b in zip(one[0], four[0]) if a != b][:5] or (len(one[0]), len(four[0]))
    assert set(one[1]) ^ set(four[1]) == set(), sorted(set(one[1]) ^ set(four[1]))[:5]


@pytest.mark.parametrize("name, batch", cases("per-sample", batches=(4,)))
def test_each_sample_of_a_batch_is_drawn_as_when_alone(name, batch):
    """Sample 2 of the batch-4 trace has the values of sample 2 traced alone: the batch axis is found,
    whichever it is, and each node's output is split along it."""
    _, inputs = build(name, batch)
    model, _ = build(name, 1)
    alone = trace(model, CORPUS[name].take(inputs, 2)).outputs
    together = traced(name, batch).outputs
    wrong = [
        node
        for node in alone
        if node in together
        and not (
            together[node].shape[0] == batch
            and together[node][2:3].shape == alone[node].shape
            and torch.allclose(together[node][2:3], alone[node], atol=1e-4, rtol=1e-3)
        )
    ]
    assert wrong == []


@pytest.mark.parametrize("name, batch", cases("shapes", with_("shapes")))
def test_shapes_per_sample_as_the_code_makes_them(name, batch):
    """Sequence-first models have (T, ...) per sample; channels-last maps are drawn channels x H x W."""
    arch = traced(name, batch).architecture
    for node, shape in EXPECT[name].shapes.items():
        assert arch.node(node).shape == shape, f"{node}: {arch.node(node).shape}, not {shape}"


@pytest.mark.parametrize("name, batch", cases("channels-last", with_("grids")))
def test_no_map_is_drawn_channels_last(name, batch):
    arch = traced(name, batch).architecture
    assert F.channels_last_nodes(arch, set(EXPECT[name].grids)) == []

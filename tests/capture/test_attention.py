"""Attention maps recomputed from F.scaled_dot_product_attention's inputs, and nn.MultiheadAttention's."""

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.nn.modules.module import register_module_forward_hook
from torch.overrides import TorchFunctionMode

from nnvox.capture import attention
from nnvox.capture.attention import mha_maps, no_fused_attention, sdpa_probabilities

NAMES = ("query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa")


def eager(q, k, v, attn_mask=None, is_causal=False, scale=None, enable_gqa=False):
    """The reference: torch's documented math, written out score by score for each query row."""
    lq, lk = q.shape[-2], k.shape[-2]
    if enable_gqa:
        k = k.repeat_interleave(q.size(-3) // k.size(-3), -3)
    s = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = (q.double() @ k.double().transpose(-2, -1)) * s
    bias = torch.zeros(lq, lk, dtype=torch.float64)
    if is_causal:
        for i in range(lq):
            bias[i, i + 1 :] = -math.inf  # top-left aligned: query i sees keys 0..i
    if attn_mask is not None:
        bias = bias.masked_fill(~attn_mask, -math.inf) if attn_mask.dtype == torch.bool else bias + attn_mask.double()
    scores = scores + bias
    top = scores.amax(-1, keepdim=True)
    e = torch.exp(scores - torch.where(torch.isinf(top), 0.0, top))
    total = e.sum(-1, keepdim=True)
    return torch.where(total > 0, e / total, 0.0).float()  # a row with no key to see: zeros, as torch gives


def call(args, kwargs):
    """(SDPA's own output, our probabilities) for one call."""
    return F.scaled_dot_product_attention(*args, **kwargs), sdpa_probabilities(args, kwargs)


def split(values: dict, positional: int):
    """The first `positional` of SDPA's parameters passed by position, the rest by keyword."""
    args = tuple(values[n] for n in NAMES[:positional])
    return args, {n: values[n] for n in NAMES[positional:] if n in values}


@st.composite
def sdpa_calls(draw):
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    dims = draw(st.sampled_from([3, 4]))
    batch, lq, lk, e = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, 6)),
        draw(st.integers(1, 6)),
        draw(st.integers(1, 8)),
    )
    kv_heads = draw(st.integers(1, 3))
    gqa = dims == 4 and draw(st.booleans())
    heads = kv_heads * (draw(st.integers(1, 3)) if gqa else 1)
    lead = (batch, heads) if dims == 4 else (batch,)
    kv_lead = (batch, kv_heads) if dims == 4 else (batch,)
    q = torch.randn(*lead, lq, e, generator=g)
    k, v = torch.randn(*kv_lead, lk, e, generator=g), torch.randn(*kv_lead, lk, draw(st.integers(1, 5)), generator=g)
    full = (*lead, lq, lk)
    mask_shape = draw(st.sampled_from([None, (lq, lk), (1, lk), full, (batch, *([1] * (dims - 2)), lk)]))
    mask = None
    if mask_shape is not None:
        if draw(st.booleans()):
            mask = torch.rand(*mask_shape, generator=g) > 0.4  # some rows fully masked now and then
        else:
            mask = torch.randn(*mask_shape, generator=g)
            mask[torch.rand(*mask_shape, generator=g) > 0.7] = -math.inf
    values = {"query": q, "key": k, "value": v}
    if mask is not None:
        values["attn_mask"] = mask
    if draw(st.booleans()):
        values["dropout_p"] = 0.0
    if mask is None and draw(st.booleans()):  # with a mask too, torch's math kernel refuses: tested apart
        values["is_causal"] = True
    if draw(st.booleans()):
        values["scale"] = draw(st.floats(0.05, 2.0))
    if gqa:
        values["enable_gqa"] = True
    # Passed by position up to a point (never past a parameter left out), the rest by keyword.
    upto = 3
    while upto < 6 and NAMES[upto] in values:
        upto += 1
    return values, draw(st.integers(3, upto))


@given(sdpa_calls())
def test_probabilities_match_the_reference_and_sdpa_output(call_spec):
    values, positional = call_spec
    args, kwargs = split(values, positional)
    before = {n: t.clone() for n, t in values.items() if isinstance(t, torch.Tensor)}
    out, probs = call(args, kwargs)
    q = values["query"]
    assert probs is not None and probs.dtype == torch.float32
    assert probs.shape == (
        (*q.shape[:-2], q.shape[-2], values["key"].shape[-2])
        if q.dim() == 4
        else (q.shape[0], 1, q.shape[-2], values["key"].shape[-2])
    )
    assert not probs.isnan().any()
    ref = eager(
        q,
        values["key"],
        values["value"],
        values.get("attn_mask"),
        values.get("is_causal", False),
        values.get("scale"),
        values.get("enable_gqa", False),
    )
    seen = probs if q.dim() == 4 else probs.squeeze(-3)
    torch.testing.assert_close(seen, ref.expand(seen.shape), atol=1e-5, rtol=1e-5)
    v = values["value"]
    if values.get("enable_gqa"):
        v = v.repeat_interleave(q.size(-3) // v.size(-3), -3)
    torch.testing.assert_close(seen @ v, out, atol=1e-5, rtol=1e-4)
    for n, t in before.items():  # nothing changed in place
        assert torch.equal(values[n], t) or (t.isnan().any() and torch.equal(values[n].isnan(), t.isnan()))


@pytest.mark.parametrize("lq,lk", [(3, 7), (7, 3), (5, 5), (1, 4)])
def test_causal_is_top_left_aligned_for_unequal_lengths(lq, lk):
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 2, lq, 4), torch.randn(2, 2, lk, 4), torch.randn(2, 2, lk, 4)
    out, probs = call((q, k, v), {"is_causal": True})
    allowed = torch.ones(lq, lk, dtype=torch.bool).tril()
    assert (probs[..., ~allowed] == 0).all()
    assert (probs[..., allowed] > 0).all()  # query i sees keys 0..i, whatever the lengths
    torch.testing.assert_close(probs @ v, out)


def test_a_causal_call_with_a_mask_keeps_both():
    """torch's fused kernels (CPU's default here) take both and keep what both allow."""
    torch.manual_seed(1)
    q, k, v = torch.randn(1, 2, 4, 8), torch.randn(1, 2, 6, 8), torch.randn(1, 2, 6, 8)
    mask = torch.rand(4, 6) > 0.3
    probs = sdpa_probabilities((q, k, v, mask), {"is_causal": True})
    torch.testing.assert_close(probs, eager(q, k, v, mask & torch.ones(4, 6, dtype=torch.bool).tril()))
    try:
        out = F.scaled_dot_product_attention(q, k, v, mask, is_causal=True)
    except RuntimeError:  # torch 2.15's CPU kernels refuse the pair (2.5.1 and 2.13 take it): no call to match
        return
    torch.testing.assert_close(probs @ v, out)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_fully_masked_rows_are_zero_as_in_torch(kind):
    torch.manual_seed(2)
    q, k, v = torch.randn(1, 2, 3, 4), torch.randn(1, 2, 5, 4), torch.randn(1, 2, 5, 4)
    mask = torch.ones(3, 5, dtype=torch.bool)
    mask[1] = False
    if kind == "float":
        mask = torch.zeros(3, 5).masked_fill(~mask, -math.inf)
    out, probs = call((q, k, v), {"attn_mask": mask})
    assert (out[..., 1, :] == 0).all()  # what torch does: no NaN, zeros
    assert (probs[..., 1, :] == 0).all() and not probs.isnan().any()
    torch.testing.assert_close(probs[..., [0, 2], :].sum(-1), torch.ones(1, 2, 2))
    torch.testing.assert_close(probs @ v, out)


def test_grouped_query_attention():
    torch.manual_seed(3)
    q, k, v = torch.randn(2, 6, 5, 8), torch.randn(2, 2, 5, 8), torch.randn(2, 2, 5, 8)
    out, probs = call((q, k, v), {"enable_gqa": True, "is_causal": True})
    assert probs.shape == (2, 6, 5, 5)
    # query heads 0, 1, 2 share key head 0; 3, 4, 5 key head 1 (repeat_interleave, as torch does)
    for h in range(6):
        torch.testing.assert_close(
            probs[:, h], eager(q[:, h : h + 1], k[:, h // 3 : h // 3 + 1], v, is_causal=True)[:, 0]
        )
    torch.testing.assert_close(probs @ v.repeat_interleave(3, 1), out)
    # the keys repeated by the caller (Hugging Face's repeat_kv): the same maps without enable_gqa
    same = sdpa_probabilities((q, k.repeat_interleave(3, 1), v.repeat_interleave(3, 1)), {"is_causal": True})
    torch.testing.assert_close(same, probs)


def test_default_scale_and_an_explicit_one():
    torch.manual_seed(4)
    q, k, v = torch.randn(1, 1, 3, 16), torch.randn(1, 1, 4, 16), torch.randn(1, 1, 4, 16)
    default = sdpa_probabilities((q, k, v), {})
    torch.testing.assert_close(default, torch.softmax(q @ k.transpose(-2, -1) / 4.0, -1))
    torch.testing.assert_close(sdpa_probabilities((q, k, v), {"scale": 0.25}), default)
    assert not torch.allclose(sdpa_probabilities((q, k, v), {"scale": 1.0}), default)


def test_three_dim_inputs_get_a_head_axis():
    torch.manual_seed(5)
    q, k, v = torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 4)
    out, probs = call((q, k, v), {})
    assert probs.shape == (2, 1, 3, 5)
    torch.testing.assert_close(probs[:, 0] @ v, out)


def test_dropout_is_left_out():
    torch.manual_seed(6)
    q, k, v = torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4)
    torch.testing.assert_close(sdpa_probabilities((q, k, v, None, 0.5), {}), sdpa_probabilities((q, k, v), {}))


def test_outside_autograd_and_in_float32():
    q = torch.randn(1, 2, 3, 4, requires_grad=True)
    k, v = torch.randn(1, 2, 3, 4, dtype=torch.float64), torch.randn(1, 2, 3, 4)
    probs = sdpa_probabilities((q, k.float(), v), {})
    assert probs.grad_fn is None and not probs.requires_grad
    half = sdpa_probabilities(
        (q.detach().half(), k.half(), v.half()), {"attn_mask": torch.zeros(3, 3, dtype=torch.half)}
    )
    assert half.dtype == torch.float32


def test_what_cannot_be_reproduced_is_none(monkeypatch):
    q, k, v = torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4)
    assert sdpa_probabilities((q[0, 0], k[0, 0], v[0, 0]), {}) is None  # no batch, no heads
    assert sdpa_probabilities((q, k, v), {"attn_mask": torch.ones(3, 3, dtype=torch.int64)}) is None
    assert sdpa_probabilities((q, k, v), {"attn_mask": torch.ones(4, 4, dtype=torch.bool)}) is None  # does not fit
    assert sdpa_probabilities((q, k[..., :3], v), {}) is None  # E differs
    assert sdpa_probabilities((q, k, v), {"query": q}) is None  # bound twice
    assert sdpa_probabilities((q, k, v), {"nonsense": 1}) is None
    assert sdpa_probabilities((q,), {}) is None
    assert sdpa_probabilities((q, torch.randn(1, 3, 3, 4), v), {"enable_gqa": True}) is None  # 2 heads, 3 groups
    nested = torch.nested.nested_tensor([torch.randn(2, 3, 4), torch.randn(2, 5, 4)])
    assert sdpa_probabilities((nested, nested, nested), {}) is None
    monkeypatch.setattr(attention, "MAX_MAP_VALUES", 2 * 3 * 3 - 1)  # one value too many
    assert sdpa_probabilities((q, k, v), {}) is None
    monkeypatch.setattr(attention, "MAX_MAP_VALUES", 2 * 3 * 3)
    assert sdpa_probabilities((q, k, v), {}) is not None


# --- Hugging Face models: their SDPA calls against the eager implementation's attentions -------------


class CatchSdpa(TorchFunctionMode):
    """Our probabilities for every SDPA call a model makes, worked out from exactly what it passed."""

    def __init__(self):
        super().__init__()
        self.maps = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is F.scaled_dot_product_attention:
            self.maps.append(sdpa_probabilities(args, kwargs))
        return func(*args, **kwargs)


def _twins(model_cls, config):
    """The same weights under attn_implementation "eager" and "sdpa"."""
    torch.manual_seed(0)
    config._attn_implementation = "eager"
    eager_model = model_cls(config).eval()
    config = copy.deepcopy(config)
    config._attn_implementation = "sdpa"
    sdpa_model = model_cls(config).eval()
    sdpa_model.load_state_dict(eager_model.state_dict())
    return eager_model, sdpa_model


def _gpt2():
    transformers = pytest.importorskip("transformers")
    return _twins(
        transformers.GPT2Model,
        transformers.GPT2Config(
            n_layer=2, n_embd=32, n_head=4, vocab_size=100, n_positions=32, bos_token_id=0, eos_token_id=0
        ),
    )


def _llama():  # grouped-query attention: 4 query heads over 2 key/value heads
    transformers = pytest.importorskip("transformers")
    config = transformers.LlamaConfig(
        num_hidden_layers=2,
        hidden_size=32,
        intermediate_size=64,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=100,
        max_position_embeddings=32,
        bos_token_id=0,
        eos_token_id=0,
    )
    return _twins(transformers.LlamaModel, config)


@pytest.mark.parametrize("build", [_gpt2, _llama], ids=["gpt2", "llama-gqa"])
@pytest.mark.parametrize("padded", [False, True], ids=["no-mask", "left-padded"])
def test_hugging_face_sdpa_calls_match_the_eager_attentions(build, padded):
    eager_model, sdpa_model = build()
    ids = torch.randint(0, 100, (2, 7), generator=torch.Generator().manual_seed(7))
    mask = torch.ones(2, 7, dtype=torch.long)
    if padded:
        mask[0, :3] = 0  # sample 0 is left-padded: its first 3 positions are padding
    with torch.no_grad():
        reference = eager_model(ids, attention_mask=mask, output_attentions=True).attentions
        catch = CatchSdpa()
        with catch:
            sdpa_model(ids, attention_mask=mask)
    assert len(catch.maps) == len(reference) == 2
    for ours, theirs in zip(catch.maps, reference):
        assert ours is not None and ours.shape == theirs.shape == (2, 4, 7, 7)
        # Padding queries attend to nothing real: eager fills them with an arbitrary row; only real ones compare.
        real = mask.bool()[:, None, :, None].expand(ours.shape)
        torch.testing.assert_close(ours[real], theirs[real], atol=1e-5, rtol=1e-5)
        if padded:
            assert (ours[0, :, 3:, :3] == 0).all()  # no real token looks at the padding


# --- nn.MultiheadAttention ------------------------------------------------------------------------


@pytest.mark.parametrize("batch_first", [True, False])
def test_mha_maps_are_the_modules_per_head_weights(batch_first):
    torch.manual_seed(8)
    mha = nn.MultiheadAttention(16, 4, batch_first=batch_first).eval()
    x = torch.randn(2, 5, 16) if batch_first else torch.randn(5, 2, 16)
    pad = torch.zeros(2, 5, dtype=torch.bool)
    pad[1, -2:] = True
    with torch.no_grad():
        _, expected = mha(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
    # called as a model would, asking for no weights, positionally and by keyword
    for args, kwargs in [
        ((x, x, x), {"key_padding_mask": pad, "need_weights": False}),
        ((x, x, x, pad, False), {}),
        ((x, x, x, pad), {"average_attn_weights": True}),
    ]:
        maps = mha_maps(mha, args, kwargs)
        assert maps.shape == (2, 4, 5, 5)
        torch.testing.assert_close(maps, expected)
        assert (maps[1, ..., -2:] == 0).all()


def test_mha_maps_refuse_what_they_cannot_repeat(monkeypatch):
    mha = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    x = torch.randn(2, 3, 8)
    assert mha_maps(mha, (x[0], x[0], x[0]), {}) is None  # unbatched
    assert mha_maps(mha, (x, x, torch.randn(2, 4, 8)), {}) is None  # keys and values disagree: torch raises
    assert mha_maps(mha, (x, x, x), {"bogus": 1}) is None
    monkeypatch.setattr(attention, "MAX_MAP_VALUES", 2 * 2 * 3 * 3 - 1)
    assert mha_maps(mha, (x, x, x), {}) is None


def test_no_fused_attention_lets_hooks_see_inside_transformer_layers():
    """Eval under no_grad: the encoder layer's fused kernel skips its submodules, which a global forward
    hook (the hooked capture pass) then never sees; the switch is restored afterwards."""
    layer = nn.TransformerEncoderLayer(16, 4, 32, batch_first=True).eval()
    x = torch.randn(2, 5, 16)
    seen = []
    handle = register_module_forward_hook(lambda m, a, o: seen.append(type(m).__name__))
    try:
        with torch.no_grad():
            layer(x)
            fused = list(seen)
            seen.clear()
            with no_fused_attention():
                assert not torch.backends.mha.get_fastpath_enabled()
                layer(x)
    finally:
        handle.remove()
    assert fused == ["TransformerEncoderLayer"]
    assert "MultiheadAttention" in seen and "Linear" in seen
    assert torch.backends.mha.get_fastpath_enabled()


def test_no_fused_attention_restores_the_previous_setting_on_error():
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with pytest.raises(ValueError), no_fused_attention():
            raise ValueError
        assert not torch.backends.mha.get_fastpath_enabled()  # it was off before: still off
    finally:
        torch.backends.mha.set_fastpath_enabled(True)
    with pytest.raises(ValueError), no_fused_attention():
        raise ValueError
    assert torch.backends.mha.get_fastpath_enabled()

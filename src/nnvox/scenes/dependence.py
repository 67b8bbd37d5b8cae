"""What one activation depends on in the input, for every kind of layer, and what its axes are.

Maps (an image in, channels x rows x columns out) have receptive fields, exact from the geometry of
their convolutions and pools (see receptive.py). Sequences (token ids, or a signal such as a
spectrogram's frames) are followed position by position instead: layers that act on each position
apart (Linear, norms, activations, embeddings, reshapes that keep the position axis) keep a token's
dependence as it is; an attention layer gives query t the keys its recorded maps weigh above zero
(a causal model's token t: tokens 0..t; an encoder's: all); an RNN's step t depends on steps 0..t
(all of them when bidirectional); a 1-D convolution on its window. Anything else between the input
and the layer (a matmul, a slice that picks tokens, maps not recorded) is not guessed at: no region
is shown, and `Seen.note` says why in one line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnvox.capture.architecture import Architecture, Node
from nnvox.errors import NnvoxError
from nnvox.scenes.receptive import ACTIVATION_MODULES, Box, map_field

# Kinds that act on each position apart, along the last axis (which must then not be the positions)
ALONG_LAST = {"Linear", "linear", "Conv1D", "LayerNorm", "layer_norm", "RMSNorm", "rms_norm", "softmax", "log_softmax"}
# Kinds that act on each value apart, or broadcast values of the same position together
ELEMENTWISE = {
    "add",
    "sub",
    "mul",
    "div",
    "truediv",
    "neg",
    "pow",
    "sqrt",
    "rsqrt",
    "exp",
    "log",
    "abs",
    "tanh",
    "sigmoid",
    "relu",
    "gelu",
    "silu",
    "dropout",
    "to",
    "float",
    "half",
    "bfloat16",
    "type_as",
    "contiguous",
    "clone",
    "detach",
    "masked_fill",
    "where",
    "clamp",
    "square",
    "reciprocal",
    "erf",
    "cos",
    "sin",
    "Identity",
    "scale",
}
ACTIVATIONS = ACTIVATION_MODULES | {"GLU"}
RESHAPING = {"view", "reshape", "flatten", "unflatten", "unsqueeze", "squeeze", "view_as", "reshape_as"}
PERMUTING = {"transpose", "permute", "movedim", "moveaxis", "swapaxes", "swapdims", "t"}
SLICING = {"getitem", "split", "chunk", "narrow", "split_with_sizes", "unbind", "cat", "expand", "expand_as", "repeat"}
# Reductions: where the positions' axis keeps its size (keepdim over other axes), each position apart
REDUCING = {"mean", "sum", "var", "std", "norm", "amax", "amin", "logsumexp"}
RNNS = {"LSTM", "GRU", "RNN"}
ATTENTION = {"scaled_dot_product_attention", "MultiheadAttention"}
NAMES = {1: ("unit",), 3: ("channel", "row", "column"), 4: ("channel", "depth", "row", "column")}

MapsReader = Callable[[str], "np.ndarray | str"]  # an AttentionMaps node -> (heads..., queries, keys), or why not


@dataclass(frozen=True)
class Seen:
    """What one activation depends on in the input drawn beside it."""

    box: Box | None = None  # a map input: per spatial axis (first, last), inclusive
    positions: tuple[int, ...] | None = None  # a sequence input: the positions (tokens, frames) it depends on
    axis: int = 0  # which axis of the input the positions index
    note: str = ""  # one line: what it sees, or why no region is shown

    @property
    def shown(self) -> bool:
        return self.box is not None or self.positions is not None


def _kind(node: Node) -> str:
    return node.kind.split("+")[-1]


def _is_norm(kind: str) -> bool:
    return kind.endswith(("RMSNorm", "LayerNorm")) or kind in ALONG_LAST


def _elementwise(kind: str) -> bool:
    # (a rotary embedding: the cos and sin of each position, its own position only)
    return kind in ELEMENTWISE or kind in ACTIVATIONS or kind.endswith(("Activation", "Dropout", "RotaryEmbedding"))


@dataclass
class _Axis:
    """Where a node's positions are: `axis` of its per-sample shape, `count` of them."""

    axis: int
    count: int


class _Sequence:
    """The position axis of every node that a sequence input reaches, found in graph order."""

    def __init__(self, arch: Architecture, source: Node, source_axis: int, words: str):
        self.arch, self.source, self.words = arch, source, words
        self.nodes = {n.name: n for n in arch.nodes}
        self.axes: dict[str, _Axis | None] = {}  # None: reached from the input, its positions unknown
        self.why: dict[str, str] = {}
        self.const: set[str] = set()  # nodes no input reaches (position tables, masks of buffers, constant tokens)
        self.maps = {
            arch.predecessors(m.name)[0]: m.name
            for m in arch.nodes
            if m.kind == "AttentionMaps" and len(arch.predecessors(m.name)) == 1
        }
        inputs = {n.name for n in arch.nodes if n.kind == "Input"}
        for n in arch.nodes:
            if n.name == source.name:
                self.axes[n.name] = _Axis(source_axis, n.shape[source_axis])
                continue
            preds = [p for p in arch.predecessors(n.name) if p not in self.const and (p in self.axes or p in inputs)]
            if not preds and n.kind != "Input":
                self.const.add(n.name)
            elif n.kind == "Input":
                self.axes[n.name] = _Axis(0, n.shape[0]) if n.shape else None  # another input (a mask): its rows
            else:
                self.axes[n.name] = self._axis(n, preds)

    def _node(self, name: str) -> Node:
        return self.nodes[name]

    def _unknown(self, n: Node, why: str) -> None:
        self.why[n.name] = why
        return None

    def _axis(self, n: Node, preds: list[str]) -> _Axis | None:
        kind, shape = _kind(n), n.shape
        got = [self.axes.get(p) for p in preds]
        if (
            kind in ATTENTION or self.maps_of(n.name) is not None
        ):  # (..., queries, features); its sources are judged when followed
            return (
                _Axis(len(shape) - 2, shape[-2])
                if len(shape) >= 2
                else self._unknown(n, f"{n.name!r} has no query axis")
            )
        if any(a is None for a in got):
            bad = next(p for p, a in zip(preds, got) if a is None)
            return self._unknown(n, self.why.get(bad, f"{bad!r}'s positions are not known"))
        if kind == "AttentionMaps":
            return _Axis(len(shape) - 2, shape[-2])
        first = got[0]
        if kind in RNNS:
            if len(got) == 1 and first.axis == 0 and shape and shape[0] == first.count:
                return _Axis(0, first.count)
            return self._unknown(n, f"{kind} {n.name!r} does not run along the positions as nnvox found them")
        if n.geometry and len(n.geometry["kernel"]) == 1:  # Conv1d / pools over the last axis
            if len(got) == 1 and first.axis == len(shape) - 1:
                return _Axis(first.axis, shape[-1])
            return self._unknown(n, f"{kind} {n.name!r} slides along an axis that is not the positions")
        if kind in ("Embedding", "embedding"):
            return (
                _Axis(first.axis, first.count)
                if len(shape) == len(self._node(preds[0]).shape) + 1
                else self._unknown(n, f"{n.name!r} is an embedding of another shape")
            )
        if kind in PERMUTING:
            j = _moved(first.axis, self._node(preds[0]).shape, shape, swap=kind != "permute") if len(got) == 1 else None
            if j is not None:
                return _Axis(j, first.count)
            return self._unknown(
                n, f"{kind} {n.name!r} moves axes of the same size as the positions; nnvox cannot tell which"
            )
        if kind in RESHAPING:
            before = self._node(preds[0]).shape
            lead = math.prod(before[: first.axis])
            for j in range(len(shape)):
                if (
                    math.prod(shape[:j]) == lead
                    and shape[j] == first.count
                    and math.prod(shape[j + 1 :]) == math.prod(before[first.axis + 1 :])
                ):
                    return _Axis(j, first.count)
            return self._unknown(n, f"{kind} {n.name!r} folds the positions into another axis")
        if _is_norm(kind) or _elementwise(kind) or kind in SLICING or kind in REDUCING:
            # each source's position axis, aligned from the right as broadcasting does; all must agree
            at = {a.axis + len(shape) - len(self._node(p).shape) for p, a in zip(preds, got)}
            counts = {a.count for a in got}
            if len(at) != 1 or len(counts) != 1 or not 0 <= (j := at.pop()) < len(shape) or shape[j] != first.count:
                why = "picks or joins positions" if kind in SLICING else "does not keep the positions apart"
                return self._unknown(n, f"{kind} {n.name!r} {why}")
            if _is_norm(kind) and j == len(shape) - 1:
                return self._unknown(n, f"{kind} {n.name!r} acts along the positions")
            return _Axis(j, first.count)
        return self._unknown(n, f"{kind} {n.name!r} mixes positions in a way nnvox does not follow")

    def maps_of(self, name: str) -> str | None:
        """The AttentionMaps node recorded beside attention node `name`."""
        return self.maps.get(name)

    def depends(self, layer: str, position: int, maps: MapsReader) -> Seen:
        """The input positions that position `position` (along the layer's own position axis) depends on."""
        if layer in self.const:
            return Seen(note=f"no input region: {layer!r} does not depend on the input {self.source.name!r}")
        if self.axes.get(layer) is None:
            return Seen(note=f"no input region shown: {self.why.get(layer, 'its positions are not known')}")
        walk = _Walk({layer: {position}})
        try:
            self._walk_back(layer, walk, maps)
        except _Stop as stop:
            return Seen(note=f"no input region shown: {stop}")
        return self._seen(layer, walk)

    def _walk_back(self, layer: str, walk: _Walk, maps: MapsReader) -> None:
        """From `layer` back to the input, node by node in reverse graph order: what of each node's
        positions the asked position depends on."""
        order = {n.name: i for i, n in enumerate(self.arch.nodes)}
        for n in reversed(self.arch.nodes[: order[layer] + 1]):
            if n.name not in walk.need or n.name in self.const or n.name == self.source.name:
                continue
            if n.kind == "Input":
                walk.other_inputs.append(n.name)
                continue
            wanted = walk.need[n.name]
            if wanted is not ALL and self.axes.get(n.name) is None:
                raise _Stop(self.why.get(n.name, f"{n.name!r} is not followed"))
            preds = [p for p in self.arch.predecessors(n.name) if p not in self.const]
            for p, more in self._step(n, wanted, preds, maps, walk.through):
                walk.give(p, more)

    def _step(
        self, n: Node, wanted: set[int] | None, preds: list[str], maps: MapsReader, through: list[tuple[str, str]]
    ) -> list[tuple[str, set[int] | None]]:
        """What of each of `n`'s sources its wanted positions depend on (ALL: every position)."""
        if wanted is ALL:
            return [(p, ALL) for p in preds]
        kind = _kind(n)
        if kind in ATTENTION or self.maps_of(n.name) is not None:
            return self._attention_step(n, wanted, preds, maps, through)
        if kind == "AttentionMaps":
            return [(p, wanted) for p in preds]
        if kind in RNNS:
            both = any(p.endswith("_reverse") for p in n.params)
            through.append((f"bidirectional {kind}" if both else kind, n.name))
            return [(p, ALL if both else set(range(max(wanted) + 1))) for p in preds]
        if n.geometry and len(n.geometry["kernel"]) == 1:
            (k,), (s,), (pad,), (d,) = (n.geometry[key] for key in ("kernel", "stride", "padding", "dilation"))
            through.append(("window", n.name))
            return [
                (
                    p,
                    {
                        i
                        for j in wanted
                        for i in range(j * s - pad, j * s - pad + (k - 1) * d + 1, d)
                        if 0 <= i < self.axes[p].count
                    },
                )
                for p in preds
            ]
        return [(p, wanted) for p in preds]  # position by position

    def _attention_step(
        self, n: Node, wanted: set[int], preds: list[str], maps: MapsReader, through: list[tuple[str, str]]
    ) -> list[tuple[str, set[int] | None]]:
        """The keys its recorded maps weigh above zero for the wanted queries, and the queries themselves."""
        maps_node = self.maps_of(n.name)
        if maps_node is None:
            raise _Stop(f"{n.name!r}'s attention maps were not recorded, so which keys each query sees is not known")
        weights = maps(maps_node)
        if isinstance(weights, str):
            raise _Stop(weights)
        seen = np.asarray(weights).reshape(-1, *np.shape(weights)[-2:]) != 0
        queries, keys = seen.shape[-2:]
        if max(wanted) >= queries:
            raise _Stop(f"{maps_node!r} does not fit {n.name!r}")
        attended = set(np.flatnonzero(seen[:, sorted(wanted)].any(axis=(0, 1))).tolist())
        through.append(("attention", n.name))
        out = []
        for p in preds:
            a = self.axes.get(p)
            if a is None:
                shape = self.nodes[p].shape
                if shape and shape[-1] == keys and (len(shape) == 1 or shape[-2] in (queries, 1)):
                    out.append((p, ALL))  # a mask computed from an input: all of it decides what is seen
                    continue
                raise _Stop(self.why.get(p, f"{p!r} is not followed"))
            more = (attended if a.count == keys else set()) | (wanted if a.count == queries else set())
            out.append((p, more if more else ALL))
        return out

    def _seen(self, layer: str, walk: _Walk) -> Seen:
        """The input positions the walk reached, and one line saying through what."""
        source = self.source.name
        got = walk.need.get(source)
        if got is None and source not in walk.need:
            return Seen(note=f"no input region: {layer!r} does not depend on the input {source!r}")
        count = self.source.shape[self.axes[source].axis]
        positions = tuple(range(count)) if got is ALL else tuple(sorted(got))
        one = self.words[:-1]
        how = (
            f" ({_through(walk.through, one)})"
            if walk.through
            else f" only: the layers since the input keep each {one} apart"
        )
        also = f"; also depends on {', '.join(repr(i) for i in walk.other_inputs)}" if walk.other_inputs else ""
        return Seen(
            positions=positions,
            axis=self.axes[source].axis,
            note=f"sees {describe(positions, count, self.words)}{how}{also}",
        )


ALL = None  # every position of a node is needed


class _Stop(Exception):
    """No input region is shown; the message says why in one line."""


@dataclass
class _Walk:
    need: dict[str, set[int] | None]  # node -> the positions needed (ALL: every one)
    through: list[tuple[str, str]] = field(default_factory=list)  # (what, node) of each layer that mixed positions
    other_inputs: list[str] = field(default_factory=list)

    def give(self, p: str, more: set[int] | None) -> None:
        if p in self.need and self.need[p] is ALL:
            return
        self.need[p] = ALL if more is ALL else (self.need.get(p) or set()) | more


def _moved(axis: int, before: tuple[int, ...], after: tuple[int, ...], *, swap: bool) -> int | None:
    """Where axis `axis` of `before` is in `after`, when the shapes say so: the only axis of its
    size, or, for a swap of two axes (transpose), the partner of the one it left; None when the
    shapes cannot tell (axes of one size moved among each other)."""
    if len(before) != len(after) or sorted(before) != sorted(after):
        return None
    at = [i for i, s in enumerate(after) if s == before[axis]]
    if len(at) == 1:
        return at[0]
    if swap:
        changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        if len(changed) == 2:
            i, j = changed
            return j if axis == i else i if axis == j else axis
        if not changed and before.count(before[axis]) > 1:
            return None  # two axes of its size may have been swapped
    return None


def _through(through: list[tuple[str, str]], one: str) -> str:
    """How the positions were found, input side first: "attention of 'h.0.attn...' and 1 more, from
    their recorded maps; 'rnn', an LSTM: steps up to its own"."""
    parts = []
    for what in dict.fromkeys(w for w, _ in reversed(through)):
        names = list(dict.fromkeys(n for w, n in reversed(through) if w == what))
        listed = repr(names[0]) + (f" and {len(names) - 1} more" if len(names) > 1 else "")
        if what == "attention":
            parts.append(f"attention in {listed}, from {'its' if len(names) == 1 else 'their'} recorded maps")
        elif what == "window":
            parts.append(f"the windows of {listed}")
        elif what.startswith("bidirectional"):
            parts.append(f"{listed}, a {what}: every {one}")
        else:
            parts.append(f"{listed}, {'an' if what in ('LSTM', 'RNN') else 'a'} {what}: {one}s up to its own")
    return "; ".join(parts)


def describe(positions: tuple[int, ...], count: int, words: str = "tokens") -> str:
    """ "tokens 0-5", "token 3", "all 16 tokens", "tokens 0-3, 7"."""
    one = words[:-1] if words.endswith("s") else words
    if len(positions) == count and count > 1:
        return f"all {count} {words}"
    runs, start = [], None
    for i, p in enumerate(positions):
        if start is None:
            start = p
        if i + 1 == len(positions) or positions[i + 1] != p + 1:
            runs.append(str(start) if start == p else f"{start}–{p}")
            start = None
    shown = ", ".join(runs[:6]) + (f" and {len(runs) - 6} more runs" if len(runs) > 6 else "")
    return f"{one} {shown}" if len(positions) == 1 else f"{words} {shown}"


def sequence_of(arch: Architecture, tokens: bool) -> _Sequence | None:
    """The position analysis of a sequence model (an input of token ids, or a 2-D input: a signal's
    channels x positions when a 1-D convolution reads it, else positions x features); None for maps."""
    source = next((n for n in arch.nodes if n.kind == "Input"), None)
    if source is None:
        return None
    if len(source.shape) == 1 and tokens:
        return _sequence(arch, source, 0, "tokens")
    if len(source.shape) == 2 and not tokens:
        slides = any(
            arch.node(d).geometry and len(arch.node(d).geometry["kernel"]) == 1
            for s, d in arch.edges
            if s == source.name
        )
        return _sequence(arch, source, 1 if slides else 0, "positions")
    return None


_CACHE: dict[tuple[int, str, int], _Sequence] = {}


def _sequence(arch: Architecture, source: Node, axis: int, words: str) -> _Sequence:
    key = (id(arch), source.name, axis)
    hit = _CACHE.get(key)
    if hit is None or hit.arch is not arch:
        if len(_CACHE) > 8:
            _CACHE.clear()
        hit = _CACHE[key] = _Sequence(arch, source, axis, words)
    return hit


def layer_axes(arch: Architecture, layer: str, *, tokens: bool) -> tuple[str, ...]:
    """Names for the axes of a layer's per-sample output: ("token", "feature") for a sequence's
    positions x features (position for a signal's, or an image model's tokens), ("channel",
    "position") for a 1-D map, ("channel", "row", "column") for maps, ("unit",) for vectors,
    ("head", "query", "key") for attention maps."""
    node = arch.node(layer)
    rank = len(node.shape)
    if node.kind == "AttentionMaps" and rank == 3:
        return ("head", "query", "key")
    seq = sequence_of(arch, tokens)
    if seq is not None:
        a = seq.axes.get(layer)
        if a is not None and rank >= 2:
            if node.geometry or (rank == 2 and a.axis == 1):
                return ("channel", "position")
            word = "token" if seq.words == "tokens" else "position"
            names = ["head"] * rank
            names[a.axis], names[-1] = word, "feature"
            return tuple(names)
        if rank == 1 and a is not None:
            return ("token" if seq.words == "tokens" else "position",)
    if rank == 2:
        source = next((n for n in arch.nodes if n.kind == "Input"), None)
        if source is not None and len(source.shape) == 3:
            return ("position", "feature")  # an image model's tokens (patches)
        if seq is not None:  # (its positions not followed; named as a sequence layer's)
            same = node.shape[0] == seq.source.shape[seq.axes[seq.source.name].axis]
            return ("token" if seq.words == "tokens" and same else "position", "feature")
        return ("row", "column")
    return NAMES.get(rank, tuple(f"axis {i}" for i in range(rank)))


def describe_layer(arch: Architecture, layer: str, *, tokens: bool) -> tuple[str, str]:
    """("tokens × features (16 × 144)", "TOKEN,FEATURE"): what a layer's axes are and the form --voxel takes."""
    node = arch.node(layer)
    axes = layer_axes(arch, layer, tokens=tokens)
    if not node.shape:
        return "a single value", ""
    plural = ["queries" if a == "query" else a if a.startswith("axis") else f"{a}s" for a in axes]
    sizes = " × ".join(map(str, node.shape))
    what = f"a vector of {node.shape[0]} {plural[0]}" if len(axes) == 1 else f"{' × '.join(plural)} ({sizes})"
    return what, ",".join(a.upper().replace(" ", "") for a in axes)


def seen_by(arch: Architecture, layer: str, coords: tuple[int, ...], *, tokens: bool, maps: MapsReader) -> Seen:
    """What the activation at `coords` (one index per axis of the layer's per-sample output) depends on."""
    seq = sequence_of(arch, tokens)
    if seq is not None:
        a = seq.axes.get(layer)
        if a is None:
            if layer in seq.const:
                return Seen(note=f"no input region: {layer!r} does not depend on the input")
            return Seen(note=f"no input region shown: {seq.why.get(layer, 'its positions are not known')}")
        return seq.depends(layer, coords[a.axis], maps)
    try:
        box, note = map_field(arch, layer, coords)
    except NnvoxError as exc:
        return Seen(note=f"no input region shown: {exc}")
    if box is None:
        return Seen(note=f"no input region shown: {note}")
    return Seen(box=box, note=note)

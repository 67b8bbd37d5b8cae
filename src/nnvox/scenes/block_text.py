"""A block's title and subtitle: its name and kind, its shape, and what of the layer is drawn."""

from __future__ import annotations

import re

MIXED = "mixed"  # a container's kind where its children's classes differ


def title(name: str, kind: str, children: int = 1) -> str:
    """`name · kind`; a container's with its children's number (`blocks · SwinLayer × 2`,
    `layers · 3 × mixed` where their classes differ)."""
    if children > 1:
        kind = f"{children} × {kind}" if kind == MIXED else f"{kind} × {children}"
    return name if name == kind.lower() else f"{name} · {kind}"


def _kind_words(kind: str) -> list[str]:
    """A class name's words, lower case, without its dimension (`Conv2d` -> conv; `MaxPool2d` ->
    max, pool; `ReLU` -> re, lu; `LayerNorm` -> layer, norm)."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", re.sub(r"\d+[dD]$", "", kind))]


def names_its_kind(name: str, kind: str) -> bool:
    """Whether a module's name already says its kind, so a lecture's label need not repeat it: the
    name's letters (digits and `_` left out) are the kind's letters (`relu1` of ReLU, `add`), the
    initials of its words (`bn1` of BatchNorm2d, `ln_1` of LayerNorm), or three or more first
    letters of its last word, the thing it is (`conv1` of Conv2d, `pool1` of MaxPool2d, `embed` of
    Embedding). `fc1` of Linear, `c_attn` of Conv1D and `conv` of ConvTranspose2d keep theirs."""
    letters, words = re.sub(r"[^a-z]", "", name.split(".")[-1].lower()), _kind_words(kind)
    if not letters or not words:
        return False
    initials = "".join(w[0] for w in words)
    return (
        letters == "".join(words)
        or (len(words) > 1 and letters == initials)
        or (len(letters) >= 3 and words[-1].startswith(letters))
    )


def repeat_text(counts: tuple[int, ...]) -> str:
    """The folds a block stands for, outermost last: `  × 5` (blocks 1-5), `  × 3 × 5` (3 alike
    layers in each of 5 alike blocks: 15 in all). Empty when it stands for itself alone."""
    return "  " + " ".join(f"× {n}" for n in reversed(counts)) if counts else ""


def shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(str(s) for s in shape) if shape else "scalar"


def detail_text(shape: tuple[int, ...], plan: dict | None, channels, pool: int) -> str:
    """What of the layer is drawn, when not all of it: reduced while recording and/or for the view."""
    plan = plan or {}
    if "out" in plan:  # weights: the leading filters and input channels
        return f" · first {plan['out']} × {plan['in']} kept"
    parts = []
    recorded = plan.get("channels", shape[0] if shape else 0)
    if shape and (channels or recorded < shape[0]):
        shown = len(channels) if channels else recorded
        parts.append(f"{shown} of {shape[0]} ch" + (f" ({recorded} recorded)" if shown < recorded < shape[0] else ""))
    kept = list(plan.get("shape", ()))
    if "keep" in plan:  # the first rows; where one row was too many, the first values of the first row
        whole_rows = kept[1:] == list(shape[1:])
        parts.append(f"first {plan['keep']} kept" if whole_rows else f"first {shape_text(tuple(kept))} kept")
    elif "channels" in plan and len(kept) >= 3:  # maps of rank 4 and more: the first depth slices too
        f = plan.get("pool", 1)
        if kept[1:] != [*shape[1:-2], shape[-2] // f, shape[-1] // f]:
            parts.append(f"first {shape_text(tuple(kept[1:]))} of each kept")
    factor = plan.get("pool", 1) * pool
    if factor > 1:
        parts.append(f"pooled {factor}×")
    return "".join(" · " + p for p in parts)


def _named(part: str) -> bool:
    return not part.split("#")[0].isdigit()


def stage_of(names: list[str]) -> dict[str, str]:
    """Each name's stage, the module it belongs to at the top of the picture: its top-level module
    ("layer2" of "layer2.0.conv1"), or below a base-model wrapper, the wrapper's child ("bert.encoder"
    of "bert.encoder.layer.0.output.dense"). A top-level module is a wrapper (Hugging Face's
    `bert`, `efficientnet`, `transformer`) when it holds more than half of the names, under two or
    more named (not numbered: a Sequential's `features.0…` are its layers) children."""
    children: dict[str, set[str]] = {}
    for n in names:
        parts = n.split(".")
        if len(parts) > 1:
            children.setdefault(parts[0], set()).add(parts[1])
    counts = {top: sum(n.startswith(top + ".") for n in names) for top in children}
    wrappers = {
        top
        for top, kids in children.items()
        if counts[top] > len(names) / 2 and len(kids) > 1 and all(map(_named, kids))
    }
    out = {}
    for n in names:
        parts = n.split(".")
        out[n] = ".".join(parts[:2]) if parts[0] in wrappers else parts[0]
    return out


def _tail(parts: list[str], k: int) -> list[str]:
    """The last `k` parts, and the container of a bare index they start with (`blocks.5`, not `5`)."""
    start = len(parts) - k
    while start > 0 and not _named(parts[start]):
        start -= 1
    return parts[start:]


def short_names(names: list[str], stages: dict[str, str]) -> dict[str, str]:
    """Each name as a label reads it, relative to its stage: the shortest tail of its dotted name
    that no other name of the stage reads as (names that clash each grow by one part, a bare index
    with its container: `blocks.5`, not `5`). A name that is its stage
    reads as the stage's last part ("encoder" of "bert.encoder"). The full name stays in the report
    and on hover and selection."""
    rest = {n: n[len(stages[n]) + 1 :].split(".") if n.startswith(stages[n] + ".") else [] for n in names}
    k = dict.fromkeys(names, 1)
    while True:
        groups: dict[tuple, list[str]] = {}
        for n in names:
            groups.setdefault((stages[n], *_tail(rest[n], k[n])), []).append(n)
        grow = [n for g in groups.values() if len(g) > 1 for n in g if k[n] < len(rest[n])]
        if not grow:
            break
        for n in grow:
            k[n] += 1
    out = {}
    for n in names:
        tail = _tail(rest[n], k[n])
        out[n] = ".".join(tail if tail and _named(tail[0]) else [stages[n].split(".")[-1], *tail])
    return out


def stage_label(stage: str, short: str) -> str:
    """A short name that also names its stage, for the label that says where a stage is."""
    part = stage.split(".")[-1]
    return short if short == part or short.startswith(part + ".") else f"{part}: {short}"

"""A block's title and subtitle: its name and kind, its shape, and what of the layer is drawn."""

from __future__ import annotations


def title(name: str, kind: str) -> str:
    return name if name == kind.lower() else f"{name} · {kind}"


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

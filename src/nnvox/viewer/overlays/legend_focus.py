"""A colour bar's numbers where the picture is about one layer: a followed forward pass's stage, a
shot's opened layer, a kernels grid. Its words under the bar are then that layer's scale's ends, the
very ends its colours span (scenes/colour.ColourScale, to two significant digits), and its title
names the layer ("activation of conv1", "≤ −4.8  0  ≥ 4.8"); where the blocks in view take several
scales on one bar (an overview: each stage its own), the bar keeps its words ("− 0 +") and says so
(legends.layer_titles, the notes). An eighth watch: "− 0 +" alone left nobody able to say how big a
red is."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from nnvox.scenes.colour import ColourScale

LIT = 0.999  # a block's light at which a forward pass has reached it (scenes/shots.forward_light)
# Each bar's title where it names one layer, longest first (the first that fits over the bar), by
# the bar's own first title: an activations bar (layer_titles), a weight mode's (quantity_titles)
# and the kernels beside an open convolution's maps (legends.KERNEL_TITLES)
KERNEL_FORMS = ("kernel weights of {name}", "kernels of {name}")


@dataclass(frozen=True)
class Focused:
    """A bar's title and words where it shows one layer's scale."""

    title: str
    words: tuple[str, ...]


def pass_front(lit: dict[str, float], blocks) -> str | None:
    """The block a forward pass is reaching now: the last in network order lit at all, every block
    before it lit whole and every one after it darker (from its step's first picture, as its light
    starts to rise: named once lit whole, the bar changed 0.8 s into a 5 s stage, after the camera had
    stopped); None where every block is lit (no pass, or a pass done) or none stands out (the
    network dimming alike ahead of the pass)."""
    if not lit or min(lit.values()) >= LIT:
        return None
    ordered = sorted((b for b in blocks if b.order > 0 and b.name in lit), key=lambda b: b.order)
    front = None
    for b in ordered:
        before = min((lit[a.name] for a in ordered if a.order < b.order), default=1.0)
        after = max((lit[a.name] for a in ordered if a.order > b.order), default=-1.0)
        if lit[b.name] > 0 and before >= LIT and lit[b.name] > after + 1e-6:
            front = b.name
    return front


def focus_of(blocks, focus: Collection[str], seen: Collection[str], scales: dict[str, tuple]) -> object | None:
    """Of the `blocks` a bar colours, the one whose scale it shows (None: several scales, or none):
    those the picture is about (`focus`) where the bar colours any, else those in view (`seen`),
    where they all share one scale (`scales`: each one's scale_key; the first of them in network
    order: its name on the bar)."""
    about = [b for b in blocks if b.name in focus] or [b for b in blocks if b.name in seen]
    return about[0] if about and len({scales[b.name] for b in about}) == 1 else None


def focused_form(
    titles: tuple[str, ...],
    name: str,
    words: list[tuple[str, ...]],
    fits_title: Callable[[str], bool],
    fits_words: Callable[[tuple[str, ...]], bool],
) -> Focused | None:
    """The bar's title (the first of `titles`, "{name}" filled in, that fits) and the first of the
    scale's `words` forms that fits, where both fit the bar as it stands; None where either does not
    (it keeps its own words)."""
    title = next((t.format(name=name) for t in titles if fits_title(t.format(name=name))), None)
    fitting = next((w for w in words if fits_words(w)), None)
    return Focused(title, fitting) if title is not None and fitting is not None else None


def scale_key(scale: ColourScale) -> tuple:
    """What makes two scales one for a bar's numbers: their ends and colour map."""
    return (round(scale.lo, 9), round(scale.hi, 9), scale.cmap)


def recorded_range(run, key: str) -> tuple[float, float] | None:
    """The lowest and highest value of tensor `key` recorded over the run (each snapshot header's min
    and max, no tensor data read), or None where the run recorded none: whether a scale's ends clip
    (the darkest cells saturated past them: a ninth watch found conv1's 5.61 under a bar reading
    "+4.8")."""
    ranges = [st[0:4:3] for s in run.snapshots if (st := run.stats(s.index).get(key)) is not None]
    return (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None


def clipped_ends(scale: ColourScale, recorded: tuple[float, float] | None) -> tuple[bool, bool] | None:
    """Whether values lie past `scale`'s low and high ends (None: not known, the robust scale's
    default marks then stand: a percentile's end has values past it by construction)."""
    if recorded is None:
        return None
    return bool(recorded[0] < scale.lo), bool(recorded[1] > scale.hi)


def shared_form(forms: tuple[str, ...], names: list[str], fits: Callable[[str], bool]) -> tuple[str, ...]:
    """The first of the title `forms` ("{name}" in each) that fits for every one of `names` alone, so
    one wording stands through a shot ("activation of conv1" ... "activation of pool2", not "pool2"
    where one name is longer): the forms from it on, or all where none fits every name."""
    for i, form in enumerate(forms):
        if all(fits(form.format(name=n)) for n in names):
            return forms[i:]
    return forms

"""Each snapshot's frame as the browser takes it: every block's 1-byte colour indices laid out as
the desktop's texture atlas (viewer/visuals.py: panel k in cell divmod(k, grid columns), row 0 the
map's top row), one block after another, and the per-snapshot texts (heads-up line, class rows).

The indices come from `scene.frame_at` at each snapshot and the block's own `ColourScale.quantise`,
as the desktop's visuals write them: the browser never computes a value or a colour scale."""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.layout import near_square
from nnvox.scenes.scene import Block, Frame, Scene


def atlas_shape(block: Block) -> tuple[int, int, int, int]:
    """Grid rows and columns of panels, and the atlas's height and width in texels."""
    gr, gc = near_square(block.panels)
    return gr, gc, gr * block.rows, gc * block.cols


def atlas(block: Block, values: np.ndarray) -> np.ndarray:
    """A block's (panels, rows, cols) values as its atlas of colour indices (unused cells 0)."""
    gr, gc, h, w = atlas_shape(block)
    cells = np.zeros((gr * gc, block.rows, block.cols), dtype=np.uint8)
    block.scale.quantise(values, out=cells[: block.panels])
    return cells.reshape(gr, gc, block.rows, block.cols).transpose(0, 2, 1, 3).reshape(h, w)


def frame_bytes(scene: Scene) -> int:
    """The bytes one snapshot's atlases take, all blocks."""
    return sum(atlas_shape(b)[2] * atlas_shape(b)[3] for b in scene.blocks)


@dataclass(frozen=True)
class SnapshotPiece:
    """One snapshot of one sample as the page takes it: `indices` holds every block's atlas (frame_bytes
    colour indices), `hud` the heads-up line (`hud_pending` while a forward pass has not reached the
    output: no answer yet), `texts` (output block -> its class rows) and `tops`
    (output block -> its rows, most probable first: the list shown where rows are too close to read)
    and `framed` (output block -> the class the desktop frames, overlays/class_rows.py, or None);
    `units` the boxes framing dead and saturated units (overlays/units.py) and `marks` the legend's
    entries for what the snapshot draws.
    The HTML export embeds every piece; `nnvox serve` and the notebook widget hand out one when asked."""

    indices: bytes
    hud: str
    texts: dict[str, tuple[str, ...]]
    tops: dict[str, tuple[int, ...]]
    framed: dict[str, int | None] = dataclasses.field(default_factory=dict)  # output -> the class framed
    hud_pending: str = ""
    units: dict[str, dict[str, list]] = dataclasses.field(default_factory=dict)  # kind -> block -> unit boxes
    marks: tuple[str, ...] = ()  # the legend's mark entries this snapshot shows (legends.drawn_marks)
    histograms: dict[str, dict] = dataclasses.field(default_factory=dict)  # block -> its bars (histograms.py)
    clouds: dict[str, dict] = dataclasses.field(default_factory=dict)  # feature-space points (clouds.py)
    stats: dict[str, list] = dataclasses.field(default_factory=dict)  # block -> its groups' min, mean, max

    def header(self) -> dict:
        """Everything but the indices, as JSON: the page reads it beside them."""
        return {
            "hud": self.hud,
            "texts": {k: list(v) for k, v in self.texts.items()},
            "tops": {k: list(v) for k, v in self.tops.items()},
            "framed": self.framed,
            "hud_pending": self.hud_pending or self.hud,
            "units": self.units,
            "marks": list(self.marks),
            "histograms": self.histograms,
            "clouds": self.clouds,
            "stats": self.stats,
        }

    @functools.cached_property
    def header_json(self) -> bytes:
        """The header as sent (`nnvox serve`'s .json answer), encoded once."""
        return json.dumps(self.header(), separators=(",", ":"), allow_nan=False).encode()

    @property
    def nbytes(self) -> int:
        """What keeping the piece costs, counted as sent: its indices and its header's JSON (cloud
        points, histogram bars and statistics are most of it in small runs)."""
        return len(self.indices) + len(self.header_json)


def most_probable(probabilities: np.ndarray, k: int) -> tuple[int, ...]:
    """The k most probable rows, first the most probable (NaN last), as the desktop's output lists them."""
    return tuple(int(i) for i in np.argsort(-np.nan_to_num(probabilities, nan=-1.0), kind="stable")[:k])


def unit_frames(scene: Scene, frame: Frame) -> dict[str, dict[str, list]]:
    """The boxes the desktop frames dead and saturated units with (overlays/units.py), per kind and
    block; kinds without any left out."""
    from nnvox.viewer.overlays.units import KINDS, unit_box

    boxes = lambda name, units: [[round(float(v), 4) for v in unit_box(scene.block(name), u)] for u in units]
    found = {kind: {name: boxes(name, units) for name, units in getattr(frame, kind).items()} for kind in KINDS}
    return {kind: blocks for kind, blocks in found.items() if blocks}


def snapshot_piece(scene: Scene, t: int, sample: int, top_classes: int, numbers=None) -> SnapshotPiece:
    """The frame at snapshot position t: the browser blends between two of these. `numbers` (a
    view_numbers.ViewNumbers of the scene) are kept between a view's snapshots."""
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.class_rows import framed_class
    from nnvox.viewer.overlays.legends import drawn_marks
    from nnvox.viewer.web.clouds import snapshot_clouds
    from nnvox.viewer.web.histograms import snapshot_histograms
    from nnvox.viewer.web.statistics import snapshot_statistics
    from nnvox.viewer.web.view_numbers import numbers_for

    frame = scene.frame_at(t, sample=sample)
    framed = {b.name: framed_class(b, frame.values[b.name], 1.0) for b in scene.blocks if b.role == "output"}
    tops = {
        name: most_probable(frame.values[name].ravel()[: len(rows)], top_classes) for name, rows in frame.texts.items()
    }
    indices = b"".join(atlas(b, frame.values[b.name]).tobytes() for b in scene.blocks)
    marks = drawn_marks(frame, RenderOptions())
    numbers = numbers_for(scene, numbers)
    units, histograms = unit_frames(scene, frame), snapshot_histograms(scene, t, sample, numbers.histograms)
    clouds, stats = snapshot_clouds(scene, frame), snapshot_statistics(scene, t, sample, numbers.statistics)
    texts = (frame.hud, dict(frame.texts), tops, framed, frame.hud_pending)
    return SnapshotPiece(indices, *texts, units, marks, histograms, clouds, stats)


def quantised_frames(scene: Scene, sample: int, top_classes: int, numbers=None) -> list[SnapshotPiece]:
    """Every snapshot's piece, in order (t = 0, 1, ...)."""
    from nnvox.viewer.web.view_numbers import numbers_for

    numbers = numbers_for(scene, numbers)
    return [snapshot_piece(scene, t, sample, top_classes, numbers) for t in range(scene.n_snapshots)]

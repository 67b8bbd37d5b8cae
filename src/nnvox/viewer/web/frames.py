"""Each snapshot's frame as the browser takes it: every block's 1-byte colour indices laid out as
the desktop's texture atlas (viewer/visuals.py: panel k in cell divmod(k, grid columns), row 0 the
map's top row), one block after another, and the per-snapshot texts (heads-up line, class rows).

The indices come from `scene.frame_at` at each snapshot and the block's own `ColourScale.quantise`,
as the desktop's visuals write them: the browser never computes a value or a colour scale."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.layout import near_square
from nnvox.scenes.scene import Block, Scene


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
    and `framed` (output block -> the class the desktop frames, overlays/class_rows.py, or None).
    The HTML export embeds every piece; `nnvox serve` and the notebook widget hand out one when asked."""

    indices: bytes
    hud: str
    texts: dict[str, tuple[str, ...]]
    tops: dict[str, tuple[int, ...]]
    framed: dict[str, int | None] = dataclasses.field(default_factory=dict)  # output -> the class framed
    hud_pending: str = ""

    def header(self) -> dict:
        """Everything but the indices, as JSON: the page reads it beside them."""
        return {
            "hud": self.hud,
            "texts": {k: list(v) for k, v in self.texts.items()},
            "tops": {k: list(v) for k, v in self.tops.items()},
            "framed": self.framed,
            "hud_pending": self.hud_pending or self.hud,
        }


def most_probable(probabilities: np.ndarray, k: int) -> tuple[int, ...]:
    """The k most probable rows, first the most probable (NaN last), as the desktop's output lists them."""
    return tuple(int(i) for i in np.argsort(-np.nan_to_num(probabilities, nan=-1.0), kind="stable")[:k])


def snapshot_piece(scene: Scene, t: int, sample: int, top_classes: int) -> SnapshotPiece:
    """The frame at snapshot position t: the browser blends between two of these."""
    from nnvox.viewer.overlays.class_rows import framed_class

    frame = scene.frame_at(t, sample=sample)
    framed = {b.name: framed_class(b, frame.values[b.name], 1.0) for b in scene.blocks if b.role == "output"}
    tops = {
        name: most_probable(frame.values[name].ravel()[: len(rows)], top_classes) for name, rows in frame.texts.items()
    }
    indices = b"".join(atlas(b, frame.values[b.name]).tobytes() for b in scene.blocks)
    return SnapshotPiece(indices, frame.hud, dict(frame.texts), tops, framed, frame.hud_pending)


def quantised_frames(scene: Scene, sample: int, top_classes: int) -> list[SnapshotPiece]:
    """Every snapshot's piece, in order (t = 0, 1, ...)."""
    return [snapshot_piece(scene, t, sample, top_classes) for t in range(scene.n_snapshots)]

"""The render-free scene description: blocks, edges, colour scales, and frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from nnvox.capture.detail import VIEW_MAP
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.view import MODES, SIZINGS  # noqa: F401  (declared with the view spec: the CLI reads them without numpy)

if TYPE_CHECKING:
    from nnvox.scenes.frames import FrameSource

# how weights moved between snapshots; the FROM_START ones compare each snapshot with the first
CHANGE_MODES = ("change", "change-from-start", "distance-from-start", "update-ratio")
FROM_START = ("change-from-start", "distance-from-start")
MODE_TEXT = {
    "activations": "activations",
    "weights": "weights",
    "change": "weight change since the previous snapshot",
    "change-from-start": "weight change since the first snapshot",
    "distance-from-start": "how far each weight moved since the first snapshot, |w − w₀|, all layers on one scale",
    "update-ratio": "update ratio: size of each weight's change ÷ rms of the layer's weights",
    "gradients": "gradients of the last training step",
}


@dataclass(frozen=True)
class SceneOptions:
    mode: str = "activations"
    voxel: float = 1.0  # world size of one voxel
    layer_gap: float = 1.5  # space between neighbouring blocks along the network axis, in voxels
    group: bool | None = None  # conv/linear + norm + activation as one block; None: when many blocks
    fold: bool | None = None  # repeated blocks (layer3.1 ... layer3.5) drawn once with "× N"; None: when many blocks
    group_above: int = 20  # "many": more visible layers than this
    # module depth drawn: each module below it one block showing its output; None: the default, the
    # deepest depth at which the overview stays within a block budget (selection.BLOCK_BUDGET)
    depth: int | None = None
    lane_gap: float = 6.0  # space between parallel branches (lanes above and below the main path)
    sizing: str = (
        "capped"  # accurate: one voxel a value; capped: big maps shrink to max_panel; log: size grows with log2
    )
    max_panel: float = 24.0  # capped: panels larger than this many voxels are drawn with smaller voxels
    output_voxel: float = 2.0  # the classifier's voxels are larger so each class label fits beside it
    max_classes: int = 20  # more classes than this: the output is a grid, not a labelled column
    max_channels: int = 32  # level of detail: wider layers show their highest-energy channels
    max_map: int = VIEW_MAP  # level of detail: larger feature maps are average-pooled to about this size
    expand: frozenset[str] = frozenset()  # layers shown as they are: not grouped, folded or reduced
    opened: frozenset[str] = frozenset()  # feature-map layers opened into their maps, face-on (scenes/open_layer.py)
    attribution: str | None = None  # a recorded attribution ("saliency", ...) drawn under the input plane
    feature_space: str | None = None  # "pca" or "tsne": the probe set as a cloud of points above each layer
    clusters: int | str | None = None  # k-means in each cloud: a k, or "silhouette" / "elbow" to choose it
    label_all_below: int = 16  # more blocks than this: rows wrap, and only stage changes get labels
    # Reshapes and copies show the same values as their input: no block of their own.
    hidden_kinds: tuple[str, ...] = (
        "Flatten",
        "Dropout",
        "Identity",
        "Unflatten",
        "flatten",
        "view",
        "reshape",
        "permute",
        "transpose",
        "unsqueeze",
        "squeeze",
        "expand",
        "expand_as",
        "getitem",
        "dropout",
        "t",
        "T",
        "mT",
        "unflatten",
        "chunk",
        "split",
    )


OPEN_END = 0.5  # of an open grid's gap between maps: its room right of the last column (Block.extent)


@dataclass(frozen=True)
class Block:
    """One layer as P panels (slices) of rows x cols voxels, stacked along the network axis (x).

    Panel k's front face is centred at `origin + (k * pitch, 0, 0)`, facing -x (towards the
    camera); it spans `cols` voxels in y and `rows` in z, and is `thickness` deep behind that face.
    """

    name: str
    kind: str
    role: str  # input | feature | dense | output | weights
    key: str  # tensor key in a snapshot ("act/conv1", "param/conv1.weight", "probe")
    panels: int
    rows: int
    cols: int
    origin: tuple[float, float, float]
    pitch: float
    voxel: float
    thickness: float
    scale: ColourScale
    order: int  # depth in the graph: the forward-pass animation lights blocks by it
    title: str  # "conv1 · Conv2d"
    subtitle: str  # "8 × 8 × 8"
    class_names: tuple[str, ...] | None = None  # output blocks: one per row
    channels: tuple[int, ...] | None = None  # level of detail: the channels shown (None: all)
    pool: int = 1  # level of detail: average-pooling factor applied to each map
    labelled: bool = True
    params: tuple[str, ...] = ()  # the parameters of the layers this block stands for
    lane: float = 0.0  # above (> 0) or below (< 0) its row's main path, or on it (0)
    # a closed side branch's block (squeeze-excitation, a gate: drawn small under the block it leaves
    # from), labelled only when focused; not a parallel lane's (BERT's query, key, value)
    side_branch: bool = False
    # open (scenes/open_layer.py): its maps face-on in a grid of (rows, cols) maps in the x-z plane,
    # with a gap left of each (where a convolution's kernel stands) and above each (its label), from the origin's x
    opened: tuple[int, int] | None = None
    gap: float = 0.0
    row_gap: float | None = None  # above each map, where it differs from the gap left of each (open_layer.row_gap_of)
    # a convolution's weight (out, in, kh, kw) where the block tiles its kernels (layout.weight_block):
    # opened, it is one kh x kw kernel a panel, a row per filter and a column per input (scenes/open_weights.py)
    kernels: tuple[int, int, int, int] | None = None
    # room an open grid keeps left of its first column and above its top row, in world units (an open
    # weight's: its input channels' and filters' labels), inside its bounds so no block label lands there
    margin: tuple[float, float] = (0.0, 0.0)

    @property
    def extent(self) -> tuple[float, float, float]:
        """Size along x, y, z in world units."""
        if self.opened is not None:
            (gr, gc), v, g, (left, top) = self.opened, self.voxel, self.gap, self.margin
            # room right of the last column too, so no map or kernel stands flush with the outline: a
            # weight's one row as much as left of it (its kernels centred in their box, "filter" left
            # of them: conv1's six stood flush right), a weight's table a gap (its rows' names are
            # part of it), maps' a little (their names, wider than a map, passed the outline)
            right = g + (left if gr == 1 else 0.0) if self.kernels is not None else OPEN_END * g
            rg = g if self.row_gap is None else self.row_gap
            return (left + gc * (self.cols * v + g) + right, self.thickness, top + gr * (self.rows * v + rg))
        return ((self.panels - 1) * self.pitch + self.thickness, self.cols * self.voxel, self.rows * self.voxel)

    @property
    def bounds(self) -> tuple[float, float, float, float, float, float]:
        ex, ey, ez = self.extent
        x, y, z = self.origin
        return (x, x + ex, y - ey / 2, y + ey / 2, z - ez / 2, z + ez / 2)

    def panel_centres(self) -> np.ndarray:
        x, y, z = self.origin
        k = np.arange(self.panels, dtype=np.float64)
        return np.stack([x + k * self.pitch, np.full_like(k, y), np.full_like(k, z)], axis=1)


@dataclass(frozen=True)
class Frame:
    """What the renderer draws at one timeline position."""

    t: float
    values: dict[str, np.ndarray]  # block name -> (panels, rows, cols) float32
    lit: dict[str, float]  # block name -> 0..1 (forward-pass animation)
    hud: str
    texts: dict[str, tuple[str, ...]]  # block name -> per-row labels (output class probabilities)
    snapshot: int  # nearest snapshot index
    pulses: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))  # forward pass: dots travelling the edges
    health: dict[str, dict[str, float]] = field(default_factory=dict)  # block -> {"dead" | "saturated": fraction}
    points: dict[str, np.ndarray] = field(default_factory=dict)  # block -> (probe samples, 3): its feature-space cloud
    dead: dict[str, tuple[int, ...]] = field(
        default_factory=dict
    )  # block -> drawn panels (maps) or cells (units) that never fire
    saturated: dict[str, tuple[int, ...]] = field(default_factory=dict)  # ... or that are stuck at a tanh/sigmoid limit
    clusters: dict[str, tuple[np.ndarray, int, float]] = field(default_factory=dict)  # cloud -> (labels, k, purity)
    hud_detail: str = ""  # the developer's heads-up line (`hud` is the lecture's; "": the same)
    hud_pending: str = ""  # the lecture's line before a forward pass reaches the output (no answer yet)
    hud_answered: str = ""  # the lecture's line with the answer (fading in over hud_pending: overlays/hud.py)
    scores: object = None  # heads_up.ScoreTrail: the sample's true-class score so far (a scrub's score line)


@dataclass(frozen=True)
class Scene:
    run_name: str
    mode: str
    blocks: tuple[Block, ...]
    edges: tuple[tuple[str, str], ...]  # between block names
    edge_paths: tuple[np.ndarray, ...]  # a polyline (k, 3) per edge, routed clear of the blocks
    skips: tuple[bool, ...]  # per edge: a skip connection (jumps over layers), drawn to stand out
    snapshot_labels: tuple[str, ...]
    probe_count: int
    source: FrameSource = field(compare=False, repr=False)
    metrics: dict[str, np.ndarray] = field(default_factory=dict, compare=False)  # per snapshot, NaN where absent
    clouds: tuple = ()  # feature-space clouds (scenes.clouds.Cloud), when asked for
    cloud_source: object = field(default=None, compare=False, repr=False)
    probe_labels: tuple[int, ...] = ()
    class_names: tuple[str, ...] | None = None
    mistake_count: int = 0  # each snapshot's most confident mistakes recorded, shown after the probe samples
    rows: int = 1  # a long network wraps into rows, read like text

    @property
    def sample_count(self) -> int:
        return self.probe_count + self.mistake_count

    @property
    def wrapped(self) -> bool:
        """Wrapped into rows: the camera looks from the front so that each row reads as a line."""
        return self.rows > 1

    @property
    def n_snapshots(self) -> int:
        return len(self.snapshot_labels)

    @property
    def levels(self) -> int:
        return max((b.order for b in self.blocks), default=0) + 1

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)

    @property
    def bounds(self) -> tuple[float, ...]:
        """Everything drawn: blocks and edge routes."""
        b = np.array([blk.bounds for blk in self.blocks])
        lo, hi = b[:, 0::2].min(axis=0), b[:, 1::2].max(axis=0)
        if self.edge_paths:
            pts = np.vstack(self.edge_paths)
            lo, hi = np.minimum(lo, pts.min(axis=0)), np.maximum(hi, pts.max(axis=0))
        for c in self.clouds:
            lo, hi = (
                np.minimum(lo, np.asarray(c.centre) - c.size / 2),
                np.maximum(hi, np.asarray(c.centre) + c.size / 2),
            )
        return (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])

    def frame_at(self, t: float, *, sample: int = 0, reveal: float | None = None) -> Frame:
        """The frame at timeline position t in [0, n_snapshots - 1], interpolating between snapshots.

        `reveal` in [0, 1] runs the forward-pass animation: blocks light up in graph order.
        """
        return self.source.frame_at(self, t, sample=sample, reveal=reveal)

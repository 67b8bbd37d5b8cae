"""Reading a run folder lazily: the manifest at open, snapshot files only when asked for.

numpy-only on purpose: scenes and the viewer read runs without importing torch.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from numbers import Integral
from pathlib import Path

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.capture.mistakes import MISTAKE_INDEX, MISTAKE_PREFIX

# (importable from here as before: scenes, tests and benchmarks use them)
from nnvox.capture.run_format import (  # noqa: F401
    EVALUATION_FILE,
    HEALTH_KEY,
    KIND_NAMES,
    MANIFEST,
    NONFINITE_KEY,
    NONFINITE_KINDS_KEY,
    PROBE_FILE,
    PROBE_ROWS,
    SCHEMA_VERSION,
    SINGLE_TENSOR,
    STATS_KEY,
    Invalid,
    Missing,
    check_members,
    check_samples,
    check_tensor,
    expected_shapes,
    fill_probe,
    mapped,
    probe_key,
    read_file,
    read_manifest,
    read_samples,
    read_tensors,
    reading,
    refused,
    summary_entry,
    tensor_names,
    to_float32,
)
from nnvox.capture.run_format import mapped_version as _mapped_version  # noqa: F401
from nnvox.capture.run_summaries import HeaderSummaries
from nnvox.errors import NnvoxError, NnvoxTypeError, path_argument


@dataclass(frozen=True)
class SnapshotInfo:
    index: int
    epoch: int | None
    step: int | None
    file: str
    bytes: int
    metrics: dict[str, float]
    grad_norms: dict[str, float] = field(default_factory=dict)  # parameter -> L2 norm of its gradient

    @property
    def label(self) -> str:
        if self.epoch is not None:
            return f"epoch {self.epoch}"
        if self.step is not None:
            return f"step {self.step}"
        return f"snapshot {self.index}"


class Snapshots(Sequence):
    """A run's snapshots held as columns (numbers in arrays, not a dict per snapshot), so a run's
    metadata costs bytes, not Python objects, per snapshot. Items are built when asked for."""

    def __init__(self, entries: list[dict]):
        def column(values) -> np.ndarray:
            return np.array([-1 if v is None else v for v in values], dtype=np.int64)

        self._index = column(s["index"] for s in entries)
        self._epoch = column(s.get("epoch") for s in entries)
        self._step = column(s.get("step") for s in entries)
        self._bytes = column(s["bytes"] for s in entries)
        self._files = [s["file"] for s in entries]
        self.metric_names = tuple(dict.fromkeys(k for s in entries for k in s.get("metrics", {})))
        self.metric_values = np.array(
            [[float(s.get("metrics", {}).get(k, np.nan)) for k in self.metric_names] for s in entries], dtype=np.float64
        ).reshape(len(entries), len(self.metric_names))
        self._grad_names = tuple(dict.fromkeys(k for s in entries for k in s.get("grad_norms", {})))
        self._grad_values = np.array(
            [[float(s.get("grad_norms", {}).get(k, np.nan)) for k in self._grad_names] for s in entries],
            dtype=np.float32,
        ).reshape(len(entries), len(self._grad_names))

    def __len__(self) -> int:
        return len(self._files)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # negative indices; IndexError past the end
        optional = lambda v: None if v < 0 else int(v)
        return SnapshotInfo(
            index=int(self._index[i]),
            epoch=optional(self._epoch[i]),
            step=optional(self._step[i]),
            file=self._files[i],
            bytes=int(self._bytes[i]),
            metrics={k: float(v) for k, v in zip(self.metric_names, self.metric_values[i]) if not np.isnan(v)},
            grad_norms={k: float(v) for k, v in zip(self._grad_names, self._grad_values[i]) if not np.isnan(v)},
        )

    def file(self, i: int) -> str:
        """Snapshot i's file name, without building its SnapshotInfo (a timeline move asks several times)."""
        return self._files[i]

    def metric(self, name: str) -> np.ndarray:
        """One metric over the run (NaN where a snapshot lacks it)."""
        return self.metric_values[:, self.metric_names.index(name)].copy()


class Run(HeaderSummaries):
    """A recorded run. Construct with `open_run(path)`, which checks the manifest first."""

    def __init__(self, path: Path, manifest: dict, architecture: Architecture):
        self.path = path
        self._folder = str(path)
        self.name: str = manifest.get("name") or path.name
        self.closed: bool = bool(manifest.get("closed"))
        self.error: str | None = manifest.get("error")  # a forward pass that failed part way
        self.architecture = architecture
        probe = manifest["probe"]
        self.probe_labels = np.asarray(probe["labels"], dtype=np.int64)
        self.class_names: tuple[str, ...] | None = tuple(probe["class_names"]) if probe.get("class_names") else None
        self._probe_file = path / probe["file"]
        # how the model takes the probe: its inputs' structure (one tensor, or positional and keyword
        # inputs, nested), and the axis of each of its tensors that holds the samples
        self.probe_structure: dict = probe.get("inputs", SINGLE_TENSOR)
        self.probe_batch_dim: int = probe.get("batch_dim", 0)
        self.probe_input_names: list[str] = tensor_names(self.probe_structure)
        # recording-time level of detail: tensor key -> {"original": shape, "shape": stored shape, ...}
        self.reduced: dict[str, dict] = dict(manifest.get("reduced", {}))
        # attributions recorded: {"methods": [...], "layer": the module Grad-CAM looks at}
        self.attributions: dict = dict(manifest.get("attributions", {}))
        # activation key -> pooling factor of its pooled copy (stored for maps larger than the view)
        self.views: dict[str, int] = dict(manifest.get("views", {}))
        evaluation = manifest.get("evaluation", {})
        # how many of each snapshot's most confident held-out mistakes have their activations recorded
        self.mistake_rows = int(evaluation.get("mistakes", 0))
        self._evaluation_file = path / evaluation["file"] if evaluation else None
        # what each tensor a snapshot may hold must look like: every read is checked against it
        self._expected = expected_shapes(
            self.architecture,
            len(self.probe_labels),
            self.reduced,
            self.views,
            self.attributions.get("methods", ()),
            evaluation.get("count"),
        )
        self._valid: set[tuple] = set()  # (key, dtype, shape) of tensors checked against the manifest
        self._parsed: OrderedDict[tuple[int, str], object] = OrderedDict()  # header JSON of a few snapshots
        self._mistake_index: OrderedDict[int, np.ndarray] = OrderedDict()  # a few snapshots' recorded mistakes
        self.snapshots = Snapshots(manifest["snapshots"])

    def _file(self, index: int) -> str:
        """Snapshot `index`'s file path, as a string: a timeline move asks several times, and joining
        Paths costs more than reading a small snapshot's header entry."""
        return os.path.join(self._folder, self.snapshots.file(index))

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, snapshots={len(self.snapshots)}, closed={self.closed})"

    @cached_property
    def probe_inputs(self) -> np.ndarray:
        """As stored: float images, or integer token ids."""
        return self._samples(self._probe_file, ["inputs"], self.probe_count)["inputs"]

    @cached_property
    def probe_tensors(self) -> dict[str, np.ndarray]:
        """Every tensor of the probe's inputs by its key in the probe file ("inputs", then "inputs.1",
        ... in the order of `probe_input_names`), samples first, as stored."""
        keys = [probe_key(i) for i in range(len(self.probe_input_names))]
        path = str(self._probe_file)
        with reading(path):
            extra = [k for k in mapped(path)[1] if k.startswith("inputs.") and k not in keys]
            if extra:
                raise Invalid(f"it holds {extra[0]!r}, though the manifest lists {len(keys)} probe input tensors")
        return self._samples(self._probe_file, keys, self.probe_count)

    def probe_feed(self):
        """The probe as the model takes it: its inputs' structure rebuilt (positional inputs a tuple,
        keyword inputs a dict, constants as they were), each tensor a numpy array with its samples
        on `probe_batch_dim`."""
        tensors, axis = self.probe_tensors, self.probe_batch_dim
        return fill_probe(self.probe_structure, lambda i: np.moveaxis(tensors[probe_key(i)], 0, axis))

    def _samples(self, path: Path, keys: list[str], count: int) -> dict[str, np.ndarray]:
        """The probe's or the held-out set's tensors: inputs (count, *the model's input shape), as
        stored, the probe's other input tensors (count, ...), and integer labels (count,)."""
        check = partial(
            check_samples,
            count=count,
            input_shape=self._expected.get("inputs"),
            batch_dim=self.probe_batch_dim if path == self._probe_file else None,
        )
        return read_samples(str(path), keys, check)

    def _header_json(self, index: int, key: str):
        """One summary entry of a snapshot's header (summaries, health, NaN/Inf counts), parsed and
        checked. A few are kept: frames ask for them every time, and memory does not grow with the run."""
        if (index, key) in self._parsed:
            self._parsed.move_to_end((index, key))
            return self._parsed[(index, key)]
        path = self._file(index)
        with reading(path):
            parsed = summary_entry(mapped(path)[2], key)
        self._parsed[(index, key)] = parsed
        if len(self._parsed) > 12:
            self._parsed.popitem(last=False)
        return parsed

    @cached_property
    def evaluation(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The held-out set (inputs, labels) recorded with `evaluation=`, or None."""
        count = self._expected.get("eval/probabilities", (None,))[0]
        if count is None:
            return None
        tensors = self._samples(self._evaluation_file, ["inputs", "labels"], count)
        return tensors["inputs"], tensors["labels"]

    def probabilities(self, index: int) -> np.ndarray:
        """The held-out set's class probabilities at a snapshot, (samples, classes)."""
        if self.evaluation is None:
            raise NnvoxError(f"run {self.path} has no evaluation set; record with Recorder(..., evaluation=(x, y))")
        return self.read(index, ["eval/probabilities"])["eval/probabilities"]

    @property
    def probe_count(self) -> int:
        return len(self.probe_labels)

    @property
    def sample_count(self) -> int:
        """Samples a scene can show: the probe's, then each snapshot's recorded mistakes by rank."""
        return self.probe_count + self.mistake_rows

    def check_sample(self, sample: int, mistakes: bool = True) -> None:
        """A one-line error for a sample number neither a probe sample nor (with `mistakes`) a recorded mistake."""
        if isinstance(sample, bool) or not isinstance(sample, Integral):
            raise NnvoxTypeError(f"a sample is a whole number (0 is the first probe sample), got {sample!r}")
        count = self.sample_count if mistakes else self.probe_count
        if not 0 <= sample < count:
            more = (
                (
                    f", then each snapshot's most confident mistakes {self.probe_count}..{count - 1} "
                    f"(--mistake 1..{self.mistake_rows})"
                )
                if count > self.probe_count
                else ""
            )
            raise NnvoxError(
                f"sample {sample} is out of range; the run has probe samples 0..{self.probe_count - 1}{more}"
            )

    def is_mistake(self, sample: int) -> bool:
        return sample >= self.probe_count

    def mistake_sample(self, rank: int) -> int:
        """The sample number that shows each snapshot's `rank`-th most confident mistake (1 = most)."""
        if not self.mistake_rows:
            raise NnvoxError(
                f"run {self.path} recorded no mistakes' activations; record with an evaluation set "
                "(`nnvox record` does; Recorder(..., evaluation=(x, y)))"
            )
        if not 1 <= rank <= self.mistake_rows:
            raise NnvoxError(
                f"mistake {rank} is out of range; the run keeps the {self.mistake_rows} most confident "
                f"mistakes of each snapshot: 1..{self.mistake_rows}"
            )
        return self.probe_count + rank - 1

    def mistakes(self, index: int) -> np.ndarray:
        """Held-out indices of the mistakes recorded at a snapshot, most confident first (may be fewer
        than the run keeps: a good model makes few)."""
        if not self.mistake_rows:
            return np.zeros(0, np.int64)
        if index not in self._mistake_index:  # a frame showing a mistake asks several times: read once
            rows = self.read(index, [MISTAKE_INDEX], skip_missing=True).get(MISTAKE_INDEX, np.zeros(0, np.int64))
            if rows.size and not (rows.min() >= 0 and rows.max() < len(self.evaluation[1])):
                raise refused(
                    self._file(index),
                    f"a recorded mistake is not one of the {len(self.evaluation[1])} held-out samples",
                )
            self._mistake_index[index] = rows
            if len(self._mistake_index) > 8:
                self._mistake_index.popitem(last=False)
        return self._mistake_index[index]

    def sample_input(self, index: int, sample: int) -> np.ndarray:
        """What a sample fed the model at a snapshot: a probe input, or that snapshot's mistake of
        that rank (zeros where it made fewer mistakes)."""
        if not self.is_mistake(sample):
            return self.probe_inputs[sample]
        rows, inputs = self.mistakes(index), self.evaluation[0]
        rank = sample - self.probe_count
        return inputs[rows[rank]] if rank < len(rows) else np.zeros_like(inputs[0])

    def sample_label(self, index: int, sample: int) -> int | None:
        """Its true class (None for a mistake rank the snapshot does not have)."""
        if not self.is_mistake(sample):
            return int(self.probe_labels[sample])
        rows, rank = self.mistakes(index), sample - self.probe_count
        return int(self.evaluation[1][rows[rank]]) if rank < len(rows) else None

    def stored_shape(self, key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape a tensor of this shape is stored in (smaller when reduced while recording)."""
        plan = self.reduced.get(key)
        return tuple(plan["shape"]) if plan else tuple(shape)

    def keys(self, index: int) -> list[str]:
        path = self._file(index)
        with reading(path):
            return list(mapped(path)[1])

    def aliases(self, index: int) -> dict[str, str]:
        """{alias key: stored key} of a snapshot: the names under which a tensor stored once is also
        read (tied weights, a module registered twice, outputs that are another node's tensor, and
        arrays equal bit for bit). From the file header, checked as every read checks it."""
        path = self._file(index)
        with reading(path):
            return dict(getattr(mapped(path)[1], "aliases", {}))

    def lacking(self, index: int, key: str) -> NnvoxError:
        """Why snapshot `index` has no tensor `key`: a kind the run never recorded (weights, with
        weights=False: the run is fine, it is shown another way), or a file damaged or altered."""
        kind = key.split("/", 1)[0] + "/"
        if not any(k.startswith(kind) for k in self.keys(index)):
            what = KIND_NAMES.get(kind, f"{kind} tensors")
            return NnvoxError(
                f"run {self.path} recorded no {what} (snapshot {index} has none, so there is no "
                f"{key!r} to show); show what it recorded (another mode), or record with {what}"
            )
        return refused(self._file(index), f"tensor {key!r} is missing, though the snapshot holds other {kind} tensors")

    def require(self, index: int, keys) -> None:
        """A one-line error unless snapshot `index` holds every one of `keys`, each of the dtype and
        shape the manifest says (from its header alone: before anything is drawn from them)."""
        path = self._file(index)
        with reading(path):
            header = mapped(path)[1]
            for key in keys:
                if key not in header:
                    raise self.lacking(index, key)
                self._check(key, header[key][0], header[key][1])

    def _check(self, key: str, dtype, shape: tuple[int, ...]) -> None:
        """A tensor's dtype and shape as the manifest says; each combination met is checked once
        (every snapshot stores the same keys alike: a timeline move then pays a set lookup a key)."""
        if (key, dtype, shape) not in self._valid:
            check_tensor(key, dtype, shape, self._expected, self.probe_count, self.mistake_rows)
            self._valid.add((key, dtype, shape))

    def read(
        self,
        index: int,
        keys: list[str] | None = None,
        *,
        sample: int | None = None,
        channels: dict[str, tuple[int, ...]] | None = None,
        skip_missing: bool = False,
    ) -> dict[str, np.ndarray]:
        """Load tensors of one snapshot as float32 (all of them when keys is None). With `sample`,
        activations are read for that sample only (its bytes alone), without the batch axis (a
        sample past the probe's is the snapshot's recorded mistake of that rank, see `sample_count`);
        with `channels` too, only those channels of the named activations (in the order given).
        `skip_missing` leaves out keys the snapshot lacks (gradients before the first backward)."""
        if not 0 <= index < len(self.snapshots):
            raise NnvoxError(f"snapshot {index} does not exist; the run has {len(self.snapshots)}")
        if sample is None or not self.is_mistake(sample):
            return self._checked_read(index, keys, sample, channels, skip_missing)
        # A recorded mistake: its per-sample tensors are stored as mistake/<key>, one row per rank.
        rank, recorded = sample - self.probe_count, len(self.mistakes(index))
        if rank >= recorded and not skip_missing:
            raise NnvoxError(f"snapshot {index} recorded {recorded} mistakes; there is no mistake {rank + 1} to show")
        if keys is None:
            keys = [k for k in self.keys(index) if not k.startswith(MISTAKE_PREFIX)]
        renamed = {(MISTAKE_PREFIX + k if k.startswith(PROBE_ROWS) else k): k for k in keys}
        if rank >= recorded:  # nothing of this sample here: the per-sample keys are missing
            renamed = {k: v for k, v in renamed.items() if not k.startswith(MISTAKE_PREFIX)}
        chosen = {MISTAKE_PREFIX + k: v for k, v in (channels or {}).items()}
        out = self._checked_read(index, list(renamed), rank, chosen, skip_missing)
        return {renamed[k]: v for k, v in out.items()}

    def _checked_read(self, index: int, keys, sample, channels, skip_missing) -> dict[str, np.ndarray]:
        """Snapshot tensors, each checked against the manifest (dtype, shape) before it is used."""
        try:
            return read_tensors(self._file(index), keys, sample, channels, skip_missing, self._check)
        except Missing as missing:
            raise self.lacking(index, missing.key) from None


def open_run(path: str | Path) -> Run:
    """Open a run folder. Checks the manifest (see run_format: any file nnvox did not write as it
    is gets a one-line refusal) and that every file it lists is whole and inside the folder."""
    path = path_argument(path, "a run")
    if not path.exists():
        raise NnvoxError(f"run folder {path} does not exist; record one with `nnvox record` or `nnvox demo`")
    if not path.is_dir():
        raise NnvoxError(f"{path} is not a run folder (it is a file); pass the folder that holds {MANIFEST}")
    if not os.path.lexists(path / MANIFEST):
        raise NnvoxError(
            f"{path} has no {MANIFEST}: it is not a run folder, or recording stopped before the first write"
        )
    manifest, architecture = read_manifest(path)
    run = Run(path, manifest, architecture)
    if not run.snapshots:
        raise NnvoxError(f"run {path} has no complete snapshot yet; wait for the first or record again")
    check_members(path, manifest)
    return run

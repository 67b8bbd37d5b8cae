"""The run folder's names: its files, its schema, the manifest's format tag, the snapshot header's
metadata keys, the kinds of tensor key, and the limits a reader holds a folder to."""

from __future__ import annotations

import numpy as np

from nnvox.capture.detail import VIEW_PREFIX
from nnvox.capture.mistakes import MISTAKE_PREFIX
from nnvox.errors import NnvoxError

MANIFEST = "manifest.json"
PROBE_FILE = "probe.safetensors"
EVALUATION_FILE = "evaluation.safetensors"  # a held-out set whose predictions each snapshot keeps
FORMAT = "nnvox-run"
SCHEMA_VERSION = 1  # what a run is written as
ALIASES_SCHEMA = 2  # a run one of whose snapshots stores a tensor once under several names (ALIASES_KEY)
NEWEST_SCHEMA = ALIASES_SCHEMA  # the newest run schema this nnvox reads

STATS_KEY = "nnvox.stats"  # safetensors metadata: JSON {tensor key: [min, p1, p99, max, non-finite count]}
HEALTH_KEY = "nnvox.health"  # safetensors metadata: JSON {activation key: {"dead" | "saturated": fraction}}
NONFINITE_KEY = "nnvox.nonfinite"  # safetensors metadata: JSON {tensor key: NaN/Inf count}, keys with any only
# safetensors metadata: JSON {tensor key: [NaN, +Inf, -Inf] counts}, the keys NONFINITE_KEY lists
NONFINITE_KINDS_KEY = "nnvox.nonfinite_kinds"
# safetensors metadata: JSON {alias key: stored key}, a tensor stored once and read under both names (tied
# weights, a module registered twice, an output that is its input's tensor). safetensors refuses tensors
# sharing memory, so sharing is said here rather than in the tensors' offsets.
ALIASES_KEY = "nnvox.aliases"
# What every snapshot's header holds (the writer has always written them; ALIASES_KEY only when shared).
SUMMARY_KEYS = (STATS_KEY, HEALTH_KEY, NONFINITE_KEY, NONFINITE_KINDS_KEY)

PROBE_ROWS = ("act/", "attr/", VIEW_PREFIX)  # tensor keys with one row per probe sample
PER_SAMPLE = PROBE_ROWS + tuple(MISTAKE_PREFIX + k for k in PROBE_ROWS)  # ... or per recorded mistake
FLOAT_KEYS = ("act/", "attr/", VIEW_PREFIX, "param/", "grad/", "eval/", MISTAKE_PREFIX)  # stored as F16/F32
# The kinds of tensor a key may name, longest first: an alias and the tensor it names are of one kind.
TENSOR_KINDS = tuple(sorted({*PER_SAMPLE, "param/", "grad/", "eval/"}, key=len, reverse=True))
# What each kind of tensor is called in a message ("the run recorded no gradients").
KIND_NAMES = {
    "param/": "weights",
    "grad/": "gradients",
    "attr/": "attributions",
    "act/": "activations",
    "eval/": "held-out predictions",
    "mistake/": "mistakes",
}
INPUT_NODE = "input"  # the model's (first) input: the probe's and the held-out set's samples have its shape

# Limits. A manifest lists every snapshot (a long run of a big model: tens of MB); a snapshot's header
# holds names, shapes and summaries (KBs, a few MB for the largest models).
MANIFEST_LIMIT = 64 << 20
HEADER_LIMIT = 16 << 20
FILE_NAME_LIMIT = 255
# names in one snapshot's alias table (a model ties a few weights; a tracer aliases a few outputs)
MAX_ALIASES = 1 << 16

DTYPES = {
    "F16": np.float16,
    "F32": np.float32,
    "F64": np.float64,
    "I8": np.int8,
    "I16": np.int16,
    "I32": np.int32,
    "I64": np.int64,
    "U8": np.uint8,
    "U16": np.uint16,
    "U32": np.uint32,
    "U64": np.uint64,
    "BOOL": np.bool_,
}
ITEMSIZE = {k: np.dtype(v).itemsize for k, v in DTYPES.items()}


class RunFileError(NnvoxError, ValueError):
    """A run file nnvox refuses: damaged, or not written by nnvox."""


def refused(path, reason: str) -> RunFileError:
    """The one-line refusal of a file nnvox did not write as it is (altered, damaged, hostile)."""
    return RunFileError(
        f"not an nnvox run file: {path} ({reason}); nnvox refuses it: "
        "restore the file from a copy or record the run again"
    )


def snapshot_file_name(index: int) -> str:
    return f"snapshot-{index:05d}.safetensors"


def tensor_kind(key: str) -> str | None:
    """What kind of tensor a key names ("act/", "mistake/view/", "param/", ...), None for another key."""
    return next((kind for kind in TENSOR_KINDS if key.startswith(kind)), None)

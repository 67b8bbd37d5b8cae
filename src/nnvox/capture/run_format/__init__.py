"""The run format, defined once for the writer and the reader.

A run is a folder:
- manifest.json (`manifest`): format "nnvox-run", schema 1 (2 once a snapshot stores a tensor under
  several names), the architecture, the probe (file, count, labels, class names, and how the model
  takes it: `probe`), the snapshots in order (index, epoch, step, file, bytes, metrics, gradient
  norms), and optional reductions, pooled views, attributions and a held-out evaluation set.
- probe.safetensors (and evaluation.safetensors): the samples shown, samples first, and their labels.
- snapshot-NNNNN.safetensors: the tensors of one snapshot under keys of known kinds ("act/", "param/",
  "grad/", "attr/", "view/act/", "eval/", "mistake/..."), fp16 where that keeps the values
  (`conversions`), and in the header the summaries every reader relies on (`summaries`).

A run folder is untrusted input (it may come from anyone): a file is read only inside the folder
(`folder`), only if it is a regular file, only up to a bounded size, and only once its header says
what it holds (`header`) and that agrees with the manifest (`shapes`); anything else, including a
layout nnvox never wrote, is refused with one line (`keys.refused`). numpy-only, like the reader.
"""

from nnvox.capture.json_checks import Invalid
from nnvox.capture.run_format.conversions import FP16_MAX, fits_fp16, to_float32, to_storage_dtype
from nnvox.capture.run_format.folder import check_members, file_name, member
from nnvox.capture.run_format.header import AliasedEntries, TensorEntries, check_aliases, check_header, map_tensors
from nnvox.capture.run_format.keys import (
    ALIASES_KEY,
    ALIASES_SCHEMA,
    DTYPES,
    EVALUATION_FILE,
    FLOAT_KEYS,
    FORMAT,
    HEADER_LIMIT,
    HEALTH_KEY,
    INPUT_NODE,
    KIND_NAMES,
    MANIFEST,
    MANIFEST_LIMIT,
    MAX_ALIASES,
    NEWEST_SCHEMA,
    NONFINITE_KEY,
    NONFINITE_KINDS_KEY,
    PER_SAMPLE,
    PROBE_FILE,
    PROBE_ROWS,
    SCHEMA_VERSION,
    STATS_KEY,
    SUMMARY_KEYS,
    TENSOR_KINDS,
    RunFileError,
    refused,
    snapshot_file_name,
    tensor_kind,
)
from nnvox.capture.run_format.manifest import check_manifest, new_manifest, read_manifest
from nnvox.capture.run_format.probe import (
    MAX_PROBE_DEPTH,
    MAX_PROBE_ITEMS,
    MAX_PROBE_TENSORS,
    MAX_PROBE_TEXT,
    SINGLE_TENSOR,
    check_probe_inputs,
    fill_probe,
    input_name,
    probe_items,
    probe_key,
    tensor_names,
)
from nnvox.capture.run_format.reading import (
    Missing,
    mapped,
    mapped_version,
    read_file,
    read_samples,
    read_tensors,
    reading,
)
from nnvox.capture.run_format.shapes import check_samples, check_tensor, expected_shapes
from nnvox.capture.run_format.summaries import (
    parse_metadata,
    sampled,
    snapshot_metadata,
    summary_entry,
    tensor_stats,
    update_ratio,
)

__all__ = [
    "ALIASES_KEY",
    "ALIASES_SCHEMA",
    "DTYPES",
    "EVALUATION_FILE",
    "FLOAT_KEYS",
    "FORMAT",
    "FP16_MAX",
    "HEADER_LIMIT",
    "HEALTH_KEY",
    "INPUT_NODE",
    "KIND_NAMES",
    "MANIFEST",
    "MANIFEST_LIMIT",
    "MAX_ALIASES",
    "MAX_PROBE_DEPTH",
    "MAX_PROBE_ITEMS",
    "MAX_PROBE_TENSORS",
    "MAX_PROBE_TEXT",
    "NEWEST_SCHEMA",
    "NONFINITE_KEY",
    "NONFINITE_KINDS_KEY",
    "PER_SAMPLE",
    "PROBE_FILE",
    "PROBE_ROWS",
    "SCHEMA_VERSION",
    "SINGLE_TENSOR",
    "STATS_KEY",
    "SUMMARY_KEYS",
    "TENSOR_KINDS",
    "AliasedEntries",
    "Invalid",
    "Missing",
    "RunFileError",
    "TensorEntries",
    "check_aliases",
    "check_header",
    "check_manifest",
    "check_members",
    "check_probe_inputs",
    "check_samples",
    "check_tensor",
    "expected_shapes",
    "file_name",
    "fill_probe",
    "fits_fp16",
    "input_name",
    "map_tensors",
    "mapped",
    "mapped_version",
    "member",
    "new_manifest",
    "parse_metadata",
    "probe_items",
    "probe_key",
    "read_file",
    "read_manifest",
    "read_samples",
    "read_tensors",
    "reading",
    "refused",
    "sampled",
    "snapshot_file_name",
    "snapshot_metadata",
    "summary_entry",
    "tensor_kind",
    "tensor_names",
    "tensor_stats",
    "to_float32",
    "to_storage_dtype",
    "update_ratio",
]

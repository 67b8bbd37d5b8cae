"""The run folder's format in one place: its file names and keys, the limits a reader holds any run
folder to, and the checks that refuse a damaged or hostile one with one line before anything is used.

A run folder is untrusted input (it may come from anyone): a file is read only inside the folder,
only if it is a regular file, only up to a bounded size, and only once its header says what it
holds and that agrees with the manifest. numpy-only, like the reader.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import stat
import struct
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from nnvox.capture.architecture import Architecture, ArchitectureError
from nnvox.capture.json_checks import MAX_NUMBER, MAX_RANK, MAX_SIDE, Invalid, check_shape, number, show, text
from nnvox.capture.detail import VIEW_PREFIX
from nnvox.capture.mistakes import MISTAKE_INDEX, MISTAKE_PREFIX
from nnvox.errors import NnvoxError

MANIFEST = "manifest.json"
PROBE_FILE = "probe.safetensors"
EVALUATION_FILE = "evaluation.safetensors"  # a held-out set whose predictions each snapshot keeps
SCHEMA_VERSION = 1  # what a run is written as: a reader of any nnvox version reads it
ALIASES_SCHEMA = 2  # a run one of whose snapshots stores a tensor once under several names (ALIASES_KEY):
# marked so only once it does, so that an older nnvox says "upgrade" rather than calling the run damaged
NEWEST_SCHEMA = ALIASES_SCHEMA  # the newest run schema this nnvox reads
FORMAT = "nnvox-run"
STATS_KEY = "nnvox.stats"  # safetensors metadata: JSON {tensor key: [min, p1, p99, max, non-finite count]}
HEALTH_KEY = "nnvox.health"  # safetensors metadata: JSON {activation key: {"dead" | "saturated": fraction}}
NONFINITE_KEY = "nnvox.nonfinite"  # safetensors metadata: JSON {tensor key: NaN/Inf count}, keys with any only
# safetensors metadata: JSON {tensor key: [NaN, +Inf, -Inf] counts}, the keys NONFINITE_KEY lists; absent from
# runs written before (readers then know only the total) and ignored by the nnvox versions that wrote them
NONFINITE_KINDS_KEY = "nnvox.nonfinite_kinds"
# safetensors metadata: JSON {alias key: stored key}, a tensor stored once and read under both names (tied
# weights, a module registered twice, an output that is its input's tensor). safetensors refuses tensors
# sharing memory, so sharing is said here rather than in the tensors' offsets.
ALIASES_KEY = "nnvox.aliases"
PROBE_ROWS = ("act/", "attr/", VIEW_PREFIX)  # tensor keys with one row per probe sample
PER_SAMPLE = PROBE_ROWS + tuple(MISTAKE_PREFIX + k for k in PROBE_ROWS)  # ... or per recorded mistake
FLOAT_KEYS = ("act/", "attr/", VIEW_PREFIX, "param/", "grad/", "eval/", MISTAKE_PREFIX)  # stored as F16/F32
# The kinds of tensor a key may name, longest first: an alias and the tensor it names are of one kind.
TENSOR_KINDS = tuple(sorted({*PER_SAMPLE, "param/", "grad/", "eval/"}, key=len, reverse=True))
MAX_ALIASES = 1 << 16  # names in one snapshot's alias table (a model ties a few weights; a tracer aliases a few outputs)

# Limits. A manifest lists every snapshot (a long run of a big model: tens of MB); a snapshot's header
# holds names, shapes and summaries (KBs, a few MB for the largest models).
MANIFEST_LIMIT = 64 << 20
HEADER_LIMIT = 16 << 20
FILE_NAME_LIMIT = 255

DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I8": np.int8, "I16": np.int16,
          "I32": np.int32, "I64": np.int64, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32,
          "U64": np.uint64, "BOOL": np.bool_}
_ITEMSIZE = {k: np.dtype(v).itemsize for k, v in DTYPES.items()}


class RunFileError(NnvoxError, ValueError):
    """A run file nnvox refuses: damaged, or not written by nnvox."""


def refused(path, reason: str) -> RunFileError:
    """The one-line refusal of a file nnvox did not write as it is (altered, damaged, hostile)."""
    return RunFileError(f"not an nnvox run file: {path} ({reason}); nnvox refuses it: "
                        "restore the file from a copy or record the run again")


def snapshot_file_name(index: int) -> str:
    return f"snapshot-{index:05d}.safetensors"


# ---- files inside the folder ----------------------------------------------------------------------

def file_name(value, what: str) -> str:
    """A plain file name: the folder's own file, never a path out of it."""
    name = text(value, what, FILE_NAME_LIMIT)
    if not name or name in (".", "..") or any(c in name for c in "/\\") or not name.isprintable():
        raise Invalid(f"{what} {show(name)} is not a plain file name inside the run folder")
    return name


def member(folder: Path, name: str) -> os.stat_result:
    """The stat of `folder/name`, a regular file inside the folder (a symbolic link only if it
    resolves inside too). Raises Invalid for anything else: a device, a FIFO, a folder, a link out."""
    path = os.path.join(folder, name)
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))  # (a loop of links: realpath stops; the stat below says ELOOP)
        if not target.is_relative_to(Path(folder).resolve()):
            raise Invalid(f"{show(name)} is a symbolic link out of the run folder (to {show(str(target))})")
        st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Invalid(f"{show(name)} is not a regular file")
    return st


# ---- JSON ---------------------------------------------------------------------------------------

def parse_json(raw: bytes | str, what: str):
    """JSON, with every way it can fail (bad UTF-8, syntax, nesting past the recursion limit,
    numbers of thousands of digits) one Invalid."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise Invalid(f"{what} is nested too deeply") from None
    except UnicodeDecodeError:
        raise Invalid(f"{what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise Invalid(f"corrupted: {what} is not valid JSON ({exc.msg} at character {exc.pos})") from None
    except ValueError as exc:  # an integer too long to convert
        raise Invalid(f"{what} holds a value JSON cannot stand for ({str(exc).splitlines()[0][:80]})") from None


def read_manifest(folder: Path) -> tuple[dict, Architecture]:
    """The manifest of `folder`, parsed and checked, and its architecture. Raises NnvoxError (one
    line) for anything else."""
    path = folder / MANIFEST
    try:
        member(folder, MANIFEST)  # (before opening: opening a FIFO would wait for a writer)
        # non-blocking, and checked again once open: the name may have been swapped meanwhile
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            st = os.fstat(f.fileno())  # the file opened: a recorder renames each new manifest over the last
            if not stat.S_ISREG(st.st_mode):
                raise Invalid(f"{MANIFEST} is not a regular file")
            size = st.st_size
            if size > MANIFEST_LIMIT:
                raise Invalid(f"{size:,} bytes; a manifest holds at most {MANIFEST_LIMIT:,}")
            raw = f.read(size + 1)  # (read(n) allocates n bytes at once: ask for what the file holds)
        if len(raw) > size:
            raise Invalid("it grew while read: a program other than nnvox is writing it")
        manifest = parse_json(raw, "the manifest")
        _object(manifest, "the manifest")
        schema = manifest.get("schema")
        if type(schema) is int and schema > NEWEST_SCHEMA:
            raise NnvoxError(
                f"{folder} was written by a newer nnvox (run schema {schema}, this nnvox reads {NEWEST_SCHEMA}); "
                "upgrade nnvox: pip install -U nnvox")
        architecture = check_manifest(manifest)
    except Invalid as exc:
        raise refused(path, str(exc)) from None
    except OSError as exc:
        raise NnvoxError(f"{path} cannot be read ({exc.strerror or exc}); check the folder's permissions") from None
    return manifest, architecture


def _object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"{what} must be a JSON object, not {show(value)}")
    return value


def _list(value, what: str) -> list:
    if not isinstance(value, list):
        raise Invalid(f"{what} must be a list, not {show(value)}")
    return value


def _optional(value, check, *args):
    return None if value is None else check(value, *args)


def _flag(value, what: str) -> bool:
    if type(value) is not bool:
        raise Invalid(f"{what} must be true or false, not {show(value)}")
    return value


def _numbers(value, what: str) -> dict:
    """{name: number}: metrics and gradient norms (NaN and Inf allowed: a diverging run records them)."""
    for k, v in _object(value, what).items():
        text(k, f"a name in {what}")
        if type(v) not in (int, float) or (type(v) is int and abs(v) > MAX_NUMBER):  # (10**400 is JSON too)
            raise Invalid(f"{what} {show(k)} must be a number, not {show(v)}")
    return value


# ---- the manifest ---------------------------------------------------------------------------------

def check_manifest(m: dict) -> Architecture:
    """Every field a reader uses, of the right type and range and consistent with the others.
    Raises Invalid naming the first that is not; returns the architecture."""
    if m.get("format", FORMAT) != FORMAT:
        raise Invalid(f"format {show(m.get('format'))}, not {FORMAT!r}")
    schema = m.get("schema")
    if type(schema) is not int or not 1 <= schema <= NEWEST_SCHEMA:
        raise Invalid(f"schema must be a run schema number 1..{NEWEST_SCHEMA}, not {show(schema)}")
    for key in ("name", "created", "error"):
        _optional(m.get(key), text, key, 1 << 16)
    _optional(m.get("closed"), _flag, "closed")
    if "architecture" not in m:
        raise Invalid("the architecture is missing")
    try:
        arch = Architecture.from_json(m["architecture"])
    except ArchitectureError as exc:
        raise Invalid(exc.reason) from None
    probe = _object(m.get("probe"), "probe")
    file_name(probe.get("file"), "the probe file")
    labels = _list(probe.get("labels"), "the probe's labels")
    for v in labels:
        number(v, "a probe label", -1, (1 << 31) - 1)
    if probe.get("count", len(labels)) != len(labels):
        raise Invalid(f"the probe's count {show(probe.get('count'))} is not its {len(labels)} labels")
    if not labels:
        raise Invalid("the probe has no samples")
    for c in _optional(probe.get("class_names"), _list, "class names") or ():
        text(c, "a class name")
    if "inputs" in probe:
        check_probe_inputs(probe["inputs"])
    if "batch_dim" in probe:
        number(probe["batch_dim"], "the probe's batch_dim", 0, MAX_RANK - 1)
    snaps = _list(m.get("snapshots"), "snapshots")
    for i, s in enumerate(snaps):
        _snapshot_entry(s, i)
    if len({s["file"] for s in snaps}) != len(snaps):
        raise Invalid("two snapshots name the same file")
    shapes = {f"act/{n.name}": n.shape for n in arch.nodes}
    shapes.update((f"param/{p}", s) for n in arch.nodes for p, s in n.params.items())
    _reduced(_object(m.get("reduced", {}), "reduced"), shapes)
    views = _object(m.get("views", {}), "views")
    for k, f in views.items():
        number(f, f"the view factor of {show(k)}", 2, 1 << 16)
        if not k.startswith("act/") or len(_layer_shape(k, shapes, f"views {show(k)}")) != 3:
            raise Invalid(f"views {show(k)} names a layer whose activations are not maps")
    attributions = _object(m.get("attributions", {}), "attributions")
    for method in _list(attributions.get("methods", []), "attribution methods"):
        text(method, "an attribution method")
    _optional(attributions.get("layer"), text, "the attribution layer")
    if "evaluation" in m:
        ev = _object(m["evaluation"], "evaluation")
        file_name(ev.get("file"), "the evaluation file")
        number(ev.get("count"), "the evaluation count", 1)
        number(ev.get("mistakes", 0), "the evaluation's mistakes", 0, 1 << 20)
    return arch


def _snapshot_entry(s, i: int) -> None:
    where = f"snapshot {i}"
    _object(s, where)
    if s.get("index") != i or type(s.get("index")) is not int:
        raise Invalid(f"{where}: index must be {i}, not {show(s.get('index'))}")
    for key in ("epoch", "step"):
        _optional(s.get(key), number, f"{where}: {key}")
    file_name(s.get("file"), f"{where}: file")
    number(s.get("bytes"), f"{where}: bytes", 8)
    _numbers(s.get("metrics", {}), f"{where}: metric")
    _numbers(s.get("grad_norms", {}), f"{where}: gradient norm")


def _layer_shape(key, shapes: dict[str, tuple[int, ...]], what: str) -> tuple[int, ...]:
    """The shape of the layer output or weight an act/<node> or param/<name> key names."""
    if key not in shapes:
        raise Invalid(f"{what} names no layer of the architecture")
    return shapes[key]


def _reduced(plans: dict, shapes: dict[str, tuple[int, ...]]) -> None:
    """Recording-time reductions: the kept shape has the original's rank and no larger sides."""
    for key, plan in plans.items():
        what = f"reduced {show(key)}"
        original = _layer_shape(key, shapes, what)
        _object(plan, what)
        if tuple(check_shape(plan.get("original"), f"{what}: original")) != original:
            raise Invalid(f"{what}: original shape is not the layer's {list(original)}")
        kept = check_shape(plan.get("shape"), f"{what}: shape")
        if len(kept) != len(original) or any(k > o for k, o in zip(kept, original)):
            raise Invalid(f"{what}: shape {list(kept)} is not a reduction of {list(original)}")
        for field in ("keep", "pool", "channels", "out", "in"):
            _optional(plan.get(field), number, f"{what}: {field}", 1)
        if ("out" in plan) != ("in" in plan):
            raise Invalid(f"{what} keeps 'out' and 'in' together")


# ---- the probe's inputs as the model takes them ------------------------------------------------------
# The manifest's probe entry may say how the model takes the probe: "inputs", its structure (absent: one
# tensor), and "batch_dim", the axis of each of its tensors that holds the samples in the model's layout
# (absent: 0). The structure is a tree of one-key objects: {"tensor": i} (the i-th tensor, counted in
# order, stored samples first in the probe file under probe_key(i)), {"value": a JSON constant},
# {"tuple": [...]}, {"list": [...]}, {"dict": {name: ...}}. A model called on a tuple (or list) takes
# its items as positional inputs, on a dict as keyword inputs.

MAX_PROBE_DEPTH = 8  # containers inside containers (a dict of a tuple of tensors: 2)
MAX_PROBE_ITEMS = 1024  # containers, constants and tensors in all
MAX_PROBE_TENSORS = 256
MAX_PROBE_TEXT = 1024  # a name or a text constant
PROBE_CONTAINERS = ("tuple", "list", "dict")
SINGLE_TENSOR = {"tensor": 0}  # a probe of one tensor: what a manifest without "inputs" means


def probe_key(i: int) -> str:
    """The probe file's key of the i-th tensor of the probe's inputs: the first is "inputs" (the
    Input block drawn, read by every nnvox), the others "inputs.<i>"."""
    return "inputs" if i == 0 else f"inputs.{i}"


def input_name(path: tuple) -> str:
    """How a message names an item of the probe's inputs: `inputs`, `inputs[1]`, `hidden[0]`, `cache.key`."""
    name = "" if path and isinstance(path[0], str) else "inputs"
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else f".{step}" if name else step
    return name


def probe_items(structure, path: tuple = ()):
    """(path, node) of every node of a checked structure, depth first, in the order tensors are counted."""
    yield path, structure
    (kind, value), = structure.items()
    if kind in ("tuple", "list"):
        for i, v in enumerate(value):
            yield from probe_items(v, (*path, i))
    elif kind == "dict":
        for k, v in value.items():
            yield from probe_items(v, (*path, k))


def tensor_names(structure) -> list[str]:
    """The names of the structure's tensors, in their order."""
    return [input_name(path) for path, node in probe_items(structure) if "tensor" in node]


def fill_probe(structure, tensor: Callable[[int], object]):
    """The structure rebuilt as the model takes it: containers as they were, constants, and
    `tensor(i)` for the i-th tensor."""
    (kind, value), = structure.items()
    if kind == "tensor":
        return tensor(value)
    if kind == "value":
        return value
    if kind == "dict":
        return {k: fill_probe(v, tensor) for k, v in value.items()}
    items = [fill_probe(v, tensor) for v in value]
    return tuple(items) if kind == "tuple" else items


def check_probe_inputs(structure) -> int:
    """A probe structure as untrusted input: one-key nodes of known kinds, tensors numbered in order,
    constants JSON's own (finite, whole numbers exact), names and text bounded, nesting at most
    MAX_PROBE_DEPTH, at most MAX_PROBE_ITEMS nodes and MAX_PROBE_TENSORS tensors, the first node a
    tensor or a container holding one. Returns the number of tensors; raises Invalid."""
    count = [0, 0]  # nodes, tensors

    def node(n, depth: int, path: tuple) -> None:
        where = f"probe input {input_name(path)!r}" if path else "the probe's inputs"
        count[0] += 1
        if count[0] > MAX_PROBE_ITEMS:
            raise Invalid(f"the probe's inputs hold more than {MAX_PROBE_ITEMS:,} items")
        if not isinstance(n, dict) or len(n) != 1:
            raise Invalid(f"{where} must be an object of one key (tensor, value, tuple, list or dict), not {show(n)}")
        (kind, value), = n.items()
        if kind == "tensor":
            if type(value) is not int or value != count[1]:
                raise Invalid(f"{where} must be tensor {count[1]} (tensors are numbered in order), not {show(value)}")
            count[1] += 1
            if count[1] > MAX_PROBE_TENSORS:
                raise Invalid(f"the probe's inputs hold more than {MAX_PROBE_TENSORS} tensors")
        elif kind == "value":
            if not path:
                raise Invalid("the probe's inputs must hold a tensor, not only a constant")
            if isinstance(value, str):
                text(value, where, MAX_PROBE_TEXT)
            elif type(value) is int:
                number(value, where, -MAX_NUMBER)
            elif type(value) is float:
                if not math.isfinite(value):
                    raise Invalid(f"{where} must be a finite number, not {show(value)}")
            elif value is not None and type(value) is not bool:
                raise Invalid(f"{where} must be null, true, false, a number or text, not {show(value)}")
        elif kind in PROBE_CONTAINERS:
            if depth >= MAX_PROBE_DEPTH:
                raise Invalid(f"the probe's inputs are nested more than {MAX_PROBE_DEPTH} deep")
            if kind == "dict":
                for k, v in _object(value, where).items():
                    if not text(k, f"a name in {where}", MAX_PROBE_TEXT) or not k.isprintable():
                        raise Invalid(f"{where} holds the name {show(k)}; names are printable text")
                    node(v, depth + 1, (*path, k))
            else:
                for i, v in enumerate(_list(value, where)):
                    node(v, depth + 1, (*path, i))
        else:
            raise Invalid(f"{where} is of unknown kind {show(kind)} (tensor, value, tuple, list or dict)")

    node(structure, 0, ())
    if not count[1]:
        raise Invalid("the probe's inputs hold no tensor")
    return count[1]


# ---- snapshot files ---------------------------------------------------------------------------------

def map_tensors(path: str) -> tuple[np.ndarray, dict[str, tuple], dict[str, str]]:
    """A safetensors file mapped into memory, its header checked first: (data, {key:
    (dtype, shape, start, end)}, metadata). Raises Invalid before mapping or allocating anything
    the header claims."""
    # Non-blocking, and checked once open: the name may have been swapped for a FIFO since it was looked at.
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Invalid("not a regular file")
        size = st.st_size
        if size < 8:
            raise Invalid(f"{size} bytes: too short to hold a safetensors header")
        n = struct.unpack("<Q", f.read(8))[0]
        if n > min(HEADER_LIMIT, size - 8):
            raise Invalid(f"its header claims {n:,} bytes; the file holds {size:,}, a header at most {HEADER_LIMIT:,}")
        header = _object(parse_json(f.read(n), "the header"), "the header")
        entries, metadata = check_header(header, size - 8 - n)
        if ALIASES_KEY in metadata:  # (checked at every mapping: keys() and every read see the same names)
            entries = AliasedEntries(entries, check_aliases(metadata[ALIASES_KEY], entries))
        # (a file with no tensors has no data to map)
        data = (np.frombuffer(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), dtype=np.uint8, offset=8 + n)
                if size > 8 + n else np.zeros(0, np.uint8))
    return data, entries, metadata


def check_header(header: dict, data_size: int) -> tuple[Mapping[str, tuple], dict[str, str]]:
    """Metadata text to text, and the tensors' spans tiling the data exactly (no gaps, no overlaps,
    nothing past the end); each tensor's own entry is checked when it is first read (TensorEntries)."""
    metadata = _object(header.pop("__metadata__", None) or {}, "the header's metadata")
    for k, v in metadata.items():
        text(v, f"metadata {show(k)}", HEADER_LIMIT)
    try:  # the common case in one pass over the raw offsets; anything odd is taken apart below
        spans = sorted([(start, end) for start, end in (e["data_offsets"] for e in header.values())])
    except (TypeError, KeyError, ValueError, AttributeError):
        spans = sorted((start, end) for _, _, start, end in (_entry(k, e, data_size) for k, e in header.items()))
    at = 0
    for start, end in spans:
        if start != at:
            raise Invalid("its tensors overlap or leave gaps in the data")
        at = end
    if at != data_size:
        raise Invalid(f"its tensors cover {at:,} of its {data_size:,} data bytes")
    return TensorEntries(header, data_size), metadata


class TensorEntries(Mapping):
    """A header's tensor entries as (dtype, shape, start, end), each checked (`_entry`) the first
    time it is asked for: a timeline move reads a few of a snapshot's tensors and need not check
    the rest; nothing is read from an entry before its check."""

    def __init__(self, raw: dict, data_size: int):
        self._raw, self._size, self._checked = raw, data_size, {}

    def __getitem__(self, key: str) -> tuple:
        entry = self._checked.get(key)
        if entry is None:
            entry = self._checked[key] = _entry(key, self._raw[key], self._size)
        return entry

    def __contains__(self, key) -> bool:
        return key in self._raw

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def tensor_kind(key: str) -> str | None:
    """What kind of tensor a key names ("act/", "mistake/view/", "param/", ...), None for another key."""
    return next((kind for kind in TENSOR_KINDS if key.startswith(kind)), None)


def check_aliases(stored: str, entries: Mapping) -> dict[str, str]:
    """A snapshot's alias table, checked as untrusted input: each alias a new name of a tensor of its
    own kind that the file stores (an alias of an alias, a cycle, or a name shadowing a stored
    tensor is refused), at most MAX_ALIASES of them."""
    aliases = _object(parse_json(stored, f"metadata {ALIASES_KEY}"), f"metadata {ALIASES_KEY}")
    if len(aliases) > MAX_ALIASES:
        raise Invalid(f"its alias table holds {len(aliases):,} names (at most {MAX_ALIASES:,})")
    for alias, target in aliases.items():
        text(alias, "an alias", 1024)
        text(target, f"the tensor alias {show(alias)} names", 1024)
        if alias in entries:
            raise Invalid(f"alias {show(alias)} is also a tensor the file stores")
        if target not in entries:  # (aliases are not stored tensors: no chains, no cycles)
            raise Invalid(f"alias {show(alias)} names {show(target)}, which the file does not store")
        if tensor_kind(alias) is None or tensor_kind(alias) != tensor_kind(target):
            raise Invalid(f"alias {show(alias)} names {show(target)}, another kind of tensor")
    return aliases


class AliasedEntries(Mapping):
    """A header's tensor entries with each alias answering as the tensor it names: every reader of
    a snapshot (keys, checks, reads of one sample) sees one tensor under all its names."""

    def __init__(self, entries: Mapping, aliases: dict[str, str]):
        self._entries, self.aliases = entries, aliases

    def __getitem__(self, key: str) -> tuple:
        return self._entries[self.aliases.get(key, key)]

    def __contains__(self, key) -> bool:
        return key in self._entries or key in self.aliases

    def __iter__(self):
        yield from self._entries
        yield from self.aliases

    def __len__(self) -> int:
        return len(self._entries) + len(self.aliases)


def _entry(key: str, entry, data_size: int) -> tuple:
    """(dtype, shape, start, end) of one header entry. Checked on every mapping of a file (a
    timeline move maps snapshots anew): the common case is tested in one expression, and only a
    failing entry is taken apart for the message that names what is wrong."""
    try:
        dtype, shape, (start, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if (key.isascii() and dtype in _ITEMSIZE and type(shape) is list and len(shape) <= MAX_RANK
                and type(start) is int and type(end) is int and 0 <= start <= end <= data_size):
            n = _ITEMSIZE[dtype]
            for side in shape:  # (a loop: several times faster than all() over a generator here)
                if type(side) is not int or not 0 <= side <= MAX_SIDE:
                    break
                n *= side
            else:
                if end - start == n:
                    return DTYPES[dtype], tuple(shape), start, end
    except (TypeError, KeyError, ValueError, AttributeError):
        pass
    what = f"tensor {show(key)}"
    text(key, "a tensor name")
    _object(entry, what)
    dtype = entry.get("dtype")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise Invalid(f"{what} has unknown dtype {show(dtype)}")
    shape = tuple(check_shape(entry.get("shape"), f"{what}: shape"))
    offsets = _list(entry.get("data_offsets"), f"{what}: offsets")
    if len(offsets) != 2:
        raise Invalid(f"{what}: offsets must be [start, end]")
    start, end = (number(o, f"{what}: offset", 0, data_size) for o in offsets)
    if end - start != math.prod(shape) * _ITEMSIZE[dtype]:
        raise Invalid(f"{what} claims shape {list(shape)} of {dtype} in {end - start:,} bytes")
    return DTYPES[dtype], shape, start, end  # (a name beyond ASCII, valid)


def _finite(v, what: str) -> float:
    if type(v) not in (int, float) or (type(v) is int and abs(v) > MAX_NUMBER) or not math.isfinite(v):
        raise Invalid(f"{what} must be a finite number, not {show(v)}")
    return v


def _check_stats(stats: dict) -> None:
    for k, s in stats.items():
        if not isinstance(s, list) or len(s) not in (4, 5):
            raise Invalid(f"the summary of {show(k)} must be [min, p1, p99, max, non-finite count]")
        for v in s:
            _finite(v, f"the summary of {show(k)}")
        if len(s) == 5 and s[4] < 0:
            raise Invalid(f"the summary of {show(k)} counts {s[4]} non-finite values")


def _check_health(health: dict) -> None:
    """{activation key: {measure: fraction 0..1, or for "..._units" a list of unit indices}} (read on
    every move)."""
    for k, h in health.items():
        if not isinstance(h, dict):
            raise Invalid(f"the health of {show(k)} must be a JSON object, not {show(h)}")
        for measure, v in h.items():
            if measure.endswith("_units"):
                if type(v) is not list:
                    raise Invalid(f"the health of {show(k)} ({show(measure)}) must list unit indices, not {show(v)}")
                for u in v:
                    if type(u) is not int or not 0 <= u <= MAX_SIDE:
                        raise Invalid(f"a unit of {show(k)} must be a whole number 0..{MAX_SIDE}, not {show(u)}")
            elif type(v) not in (int, float) or not 0 <= v <= 1:  # (NaN fails the range too)
                raise Invalid(f"the health of {show(k)} ({show(measure)}) must be a fraction 0..1, not {show(v)}")


def _check_nonfinite(counts: dict) -> None:
    for k, v in counts.items():
        if _finite(v, f"the non-finite count of {show(k)}") < 0:
            raise Invalid(f"the non-finite count of {show(k)} is negative")


def _check_nonfinite_kinds(counts: dict) -> None:
    for k, v in counts.items():
        if not isinstance(v, list) or len(v) != 3:
            raise Invalid(f"the non-finite counts of {show(k)} must be [NaN, +Inf, -Inf], not {show(v)}")
        for n in v:
            if _finite(n, f"the non-finite counts of {show(k)}") < 0:
                raise Invalid(f"the non-finite counts of {show(k)} hold a negative count")


METADATA_CHECKS: dict[str, Callable[[dict], None]] = {
    STATS_KEY: _check_stats, HEALTH_KEY: _check_health, NONFINITE_KEY: _check_nonfinite,
    NONFINITE_KINDS_KEY: _check_nonfinite_kinds}


def parse_metadata(key: str, stored: str):
    """One of nnvox's metadata entries, parsed and checked (a hostile summary must not reach a colour scale)."""
    value = _object(parse_json(stored, f"metadata {key}"), f"metadata {key}")
    for k in value:
        text(k, f"a key of metadata {key}")
    METADATA_CHECKS[key](value)
    return value


# ---- tensors against the manifest ---------------------------------------------------------------------

INPUT_NODE = "input"  # the model's (first) input: the probe's and the held-out set's samples have its shape


def expected_shapes(arch: Architecture, probe_count: int, reduced: dict, views: dict, methods,
                    evaluation_count: int | None) -> dict[str, tuple]:
    """The shape each known tensor key of a snapshot must have: activations (probe count, *the
    layer's shape or its recorded reduction), their pooled view copies, weights and gradients,
    attributions (the input's shape), the held-out predictions; and under "inputs", one sample's
    shape (the probe's and the held-out set's files). None: any size."""
    def stored(key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(reduced[key]["shape"]) if key in reduced else tuple(shape)

    out: dict[str, tuple[int, ...]] = {}
    for node in arch.nodes:
        key = f"act/{node.name}"
        out[key] = (probe_count, *stored(key, node.shape))
        if (f := views.get(key)) and len(out[key]) == 4:
            n, c, h, w = out[key]
            out[VIEW_PREFIX + key] = (n, c, h // f, w // f)
        for p, shape in node.params.items():
            out[f"param/{p}"] = out[f"grad/{p}"] = stored(f"param/{p}", shape)
    inputs = next((n.shape for n in arch.nodes if n.name == INPUT_NODE), None)
    if inputs is not None:
        out["inputs"] = inputs
        out.update((f"attr/{m}", (probe_count, *inputs)) for m in methods)
    if evaluation_count is not None:
        out["eval/probabilities"] = (evaluation_count, None)  # (held-out samples, classes)
    return out


def check_tensor(key: str, dtype, shape: tuple[int, ...], expected: dict, probe_count: int, mistake_rows: int) -> None:
    """A tensor read from a snapshot is what the manifest says it is; raises Invalid naming it."""
    mistake = key.startswith(MISTAKE_PREFIX)
    base = key[len(MISTAKE_PREFIX):] if mistake else key
    if key == MISTAKE_INDEX:
        if np.dtype(dtype).kind not in "iu" or len(shape) != 1 or shape[0] > mistake_rows:
            raise Invalid(f"tensor {key!r} must be at most {mistake_rows} integer indices, not {np.dtype(dtype).name} {list(shape)}")
        return
    if not base.startswith(FLOAT_KEYS):
        return  # a key this nnvox does not read: its header entry was checked, nothing more to say
    if np.dtype(dtype).kind != "f":
        raise Invalid(f"tensor {key!r} is {np.dtype(dtype).name}; nnvox stores it as floats")
    want = expected.get(base)
    if want is None and base.startswith(PROBE_ROWS):
        want = (probe_count, *shape[1:])  # attributions: one row per probe sample
    if want is None:
        return
    if mistake:
        rows_ok = len(shape) >= 1 and shape[0] <= mistake_rows
        want, shape_rest = want[1:], shape[1:]
    else:
        rows_ok, shape_rest = True, shape
    if not rows_ok or len(shape_rest) != len(want) or any(w is not None and w != s for w, s in zip(want, shape_rest)):
        sides = ([f"at most {mistake_rows}"] if mistake else []) + ["any" if w is None else str(w) for w in want]
        raise Invalid(f"tensor {key!r} has shape {list(shape)}; the manifest says [{', '.join(sides)}]")

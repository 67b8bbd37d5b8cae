"""The manifest: what a writer puts in it (`new_manifest`), and the check that a reader's copy holds
every field it uses, of the right type and range and consistent with the others (`read_manifest`)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nnvox.capture.architecture import Architecture, ArchitectureError
from nnvox.capture.json_checks import (
    MAX_RANK,
    Invalid,
    check_shape,
    flag,
    json_list,
    json_object,
    number,
    numbers,
    optional,
    parse_json,
    show,
    text,
)
from nnvox.capture.run_format.folder import file_name, member
from nnvox.capture.run_format.keys import (
    EVALUATION_FILE,
    FORMAT,
    MANIFEST,
    MANIFEST_LIMIT,
    NEWEST_SCHEMA,
    PROBE_FILE,
    SCHEMA_VERSION,
    refused,
)
from nnvox.capture.run_format.probe import check_probe_inputs
from nnvox.errors import NnvoxError


def new_manifest(
    *,
    name: str,
    architecture: Architecture,
    labels: list[int],
    class_names=None,
    created: str | None = None,
    error: str | None = None,
    inputs: dict | None = None,
    batch_dim: int = 0,
    reduced: dict | None = None,
    attributions: dict | None = None,
    evaluation: dict | None = None,
) -> dict:
    """A run's first manifest, listing no snapshot yet. Optional parts are left out when they say
    nothing: `inputs` for a probe of one tensor, `batch_dim` 0, no reductions or attributions;
    `evaluation` is {"count", "mistakes"} of a held-out set (its file is EVALUATION_FILE)."""
    manifest = {"format": FORMAT, "schema": SCHEMA_VERSION, "name": name}
    if created is not None:
        manifest["created"] = created
    manifest["architecture"] = architecture.to_json()
    probe = manifest["probe"] = {
        "file": PROBE_FILE,
        "count": len(labels),
        "labels": list(labels),
        "class_names": None if class_names is None else list(class_names),
    }
    if inputs is not None:
        probe["inputs"] = inputs
    if batch_dim:
        probe["batch_dim"] = batch_dim
    manifest.update(snapshots=[], closed=False)
    if error is not None:
        manifest["error"] = error
    if reduced:
        manifest["reduced"] = reduced
    if attributions:
        manifest["attributions"] = attributions
    if evaluation is not None:
        manifest["evaluation"] = {"file": EVALUATION_FILE, **evaluation}
    return manifest


def read_manifest(folder: Path) -> tuple[dict, Architecture]:
    """The manifest of `folder`, parsed and checked, and its architecture. Raises NnvoxError (one
    line) for anything else."""
    path = folder / MANIFEST
    try:
        manifest = json_object(parse_json(_manifest_bytes(folder), "the manifest"), "the manifest")
        schema = manifest.get("schema")
        if type(schema) is int and schema > NEWEST_SCHEMA:
            raise NnvoxError(
                f"{folder} was written by a newer nnvox (run schema {schema}, this nnvox reads {NEWEST_SCHEMA}); "
                "upgrade nnvox: pip install -U nnvox"
            )
        architecture = check_manifest(manifest)
    except Invalid as exc:
        raise refused(path, str(exc)) from None
    except OSError as exc:
        raise NnvoxError(f"{path} cannot be read ({exc.strerror or exc}); check the folder's permissions") from None
    return manifest, architecture


def _manifest_bytes(folder: Path) -> bytes:
    """The manifest file's bytes, read only if it is a regular file inside the folder of at most MANIFEST_LIMIT."""
    member(folder, MANIFEST)  # (before opening: opening a FIFO would wait for a writer)
    # non-blocking, and checked again once open: the name may have been swapped meanwhile
    with open(os.open(folder / MANIFEST, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
        st = os.fstat(f.fileno())  # the file opened: a recorder renames each new manifest over the last
        if not stat.S_ISREG(st.st_mode):
            raise Invalid(f"{MANIFEST} is not a regular file")
        size = st.st_size
        if size > MANIFEST_LIMIT:
            raise Invalid(f"{size:,} bytes; a manifest holds at most {MANIFEST_LIMIT:,}")
        raw = f.read(size + 1)  # (read(n) allocates n bytes at once: ask for what the file holds)
    if len(raw) > size:
        raise Invalid("it grew while read: a program other than nnvox is writing it")
    return raw


def check_manifest(m: dict) -> Architecture:
    """Every field a reader uses, of the right type and range and consistent with the others.
    Raises Invalid naming the first that is not; returns the architecture."""
    if m.get("format") != FORMAT:  # (every run nnvox wrote says so: anything else is no layout of its)
        raise Invalid(f"format {show(m.get('format'))}, not {FORMAT!r}")
    schema = m.get("schema")
    if type(schema) is not int or not 1 <= schema <= NEWEST_SCHEMA:
        raise Invalid(f"schema must be a run schema number 1..{NEWEST_SCHEMA}, not {show(schema)}")
    for key in ("name", "created", "error"):
        optional(m.get(key), text, key, 1 << 16)
    optional(m.get("closed"), flag, "closed")
    if "architecture" not in m:
        raise Invalid("the architecture is missing")
    try:
        arch = Architecture.from_json(m["architecture"])
    except ArchitectureError as exc:
        raise Invalid(exc.reason) from None
    _probe(json_object(m.get("probe"), "probe"))
    snaps = json_list(m.get("snapshots"), "snapshots")
    for i, s in enumerate(snaps):
        _snapshot_entry(s, i)
    if len({s["file"] for s in snaps}) != len(snaps):
        raise Invalid("two snapshots name the same file")
    shapes = {f"act/{n.name}": n.shape for n in arch.nodes}
    shapes.update((f"param/{p}", s) for n in arch.nodes for p, s in n.params.items())
    _reduced(json_object(m.get("reduced", {}), "reduced"), shapes)
    _views(json_object(m.get("views", {}), "views"), shapes)
    attributions = json_object(m.get("attributions", {}), "attributions")
    for method in json_list(attributions.get("methods", []), "attribution methods"):
        text(method, "an attribution method")
    optional(attributions.get("layer"), text, "the attribution layer")
    if "evaluation" in m:
        ev = json_object(m["evaluation"], "evaluation")
        file_name(ev.get("file"), "the evaluation file")
        number(ev.get("count"), "the evaluation count", 1)
        number(ev.get("mistakes", 0), "the evaluation's mistakes", 0, 1 << 20)
    return arch


def _probe(probe: dict) -> None:
    file_name(probe.get("file"), "the probe file")
    labels = json_list(probe.get("labels"), "the probe's labels")
    for v in labels:
        number(v, "a probe label", -1, (1 << 31) - 1)
    if probe.get("count") != len(labels):
        raise Invalid(f"the probe's count {show(probe.get('count'))} is not its {len(labels)} labels")
    if not labels:
        raise Invalid("the probe has no samples")
    for c in optional(probe.get("class_names"), json_list, "class names") or ():
        text(c, "a class name")
    if "inputs" in probe:
        check_probe_inputs(probe["inputs"])
    if "batch_dim" in probe:
        number(probe["batch_dim"], "the probe's batch_dim", 0, MAX_RANK - 1)


def _snapshot_entry(s, i: int) -> None:
    where = f"snapshot {i}"
    json_object(s, where)
    if s.get("index") != i or type(s.get("index")) is not int:
        raise Invalid(f"{where}: index must be {i}, not {show(s.get('index'))}")
    for key in ("epoch", "step"):
        optional(s.get(key), number, f"{where}: {key}")
    file_name(s.get("file"), f"{where}: file")
    number(s.get("bytes"), f"{where}: bytes", 8)
    numbers(s.get("metrics", {}), f"{where}: metric")
    numbers(s.get("grad_norms", {}), f"{where}: gradient norm")


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
        json_object(plan, what)
        if tuple(check_shape(plan.get("original"), f"{what}: original")) != original:
            raise Invalid(f"{what}: original shape is not the layer's {list(original)}")
        kept = check_shape(plan.get("shape"), f"{what}: shape")
        if len(kept) != len(original) or any(k > o for k, o in zip(kept, original)):
            raise Invalid(f"{what}: shape {list(kept)} is not a reduction of {list(original)}")
        for field in ("keep", "pool", "channels", "out", "in"):
            optional(plan.get(field), number, f"{what}: {field}", 1)
        if ("out" in plan) != ("in" in plan):
            raise Invalid(f"{what} keeps 'out' and 'in' together")


def _views(views: dict, shapes: dict[str, tuple[int, ...]]) -> None:
    """Pooled copies of large maps: a factor for a layer whose activations are maps."""
    for k, f in views.items():
        number(f, f"the view factor of {show(k)}", 2, 1 << 16)
        if not k.startswith("act/") or len(_layer_shape(k, shapes, f"views {show(k)}")) != 3:
            raise Invalid(f"views {show(k)} names a layer whose activations are not maps")

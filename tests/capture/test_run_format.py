"""The run format is one package (capture/run_format) that the writer and the reader both use: neither
imports the other, every snapshot the writer makes holds what the reader relies on, and a run of a
layout nnvox never wrote is refused with one line naming the problem and the fix."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import save_file

import nnvox.capture
from nnvox.capture.run import open_run
from nnvox.capture.run_format import SUMMARY_KEYS, RunFileError, check_manifest, new_manifest
from nnvox.capture.run_format.summaries import METADATA_CHECKS
from nnvox.errors import NnvoxError

CAPTURE = Path(nnvox.capture.__file__).parent


def _imports() -> dict[str, set[str]]:
    """Each capture module's imports of other nnvox modules, those inside functions included."""
    graph = {}
    for path in CAPTURE.rglob("*.py"):
        parts = path.relative_to(CAPTURE.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)  # `from nnvox.capture import run`
        graph[name] = {m for m in found if m.startswith("nnvox.")}
    return graph


def _reached(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for m in graph.get(todo.pop(), ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def test_the_reader_and_the_writer_do_not_import_each_other():
    graph = _imports()
    assert "nnvox.capture.writer" not in _reached(graph, "nnvox.capture.run")
    assert "nnvox.capture.run" not in _reached(graph, "nnvox.capture.writer")
    format_modules = [m for m in graph if m.startswith("nnvox.capture.run_format")]
    assert len(format_modules) > 1
    for module in format_modules:  # the format stands below both, and needs no torch
        assert not _reached(graph, module) & {"nnvox.capture.run", "nnvox.capture.writer", "nnvox.capture.recorder"}


def test_every_summary_entry_has_its_check():
    assert set(METADATA_CHECKS) == set(SUMMARY_KEYS)


def test_a_new_manifest_is_what_the_reader_checks(digits_run):
    made = new_manifest(
        name="x",
        architecture=digits_run.architecture,
        labels=[0, -1],
        class_names=["a", "b"],
        batch_dim=1,
        evaluation={"count": 3, "mistakes": 2},
    )
    assert check_manifest(made) == digits_run.architecture
    assert made["probe"] == {
        "file": "probe.safetensors",
        "count": 2,
        "labels": [0, -1],
        "class_names": ["a", "b"],
        "batch_dim": 1,
    }
    assert made["evaluation"] == {"file": "evaluation.safetensors", "count": 3, "mistakes": 2}


def test_every_snapshot_written_holds_every_summary_entry(digits_run):
    for s in digits_run.snapshots:
        with safe_open(str(digits_run.path / s.file), framework="numpy") as f:
            assert set(SUMMARY_KEYS) <= set(f.metadata())


def _copy(digits_run, tmp_path: Path) -> Path:
    run = tmp_path / "run"
    shutil.copytree(digits_run.path, run)
    return run


def _drop_header_entry(run: Path, key: str, index: int) -> None:
    """Snapshot `index` rewritten without one of its header's entries, listed at its new size."""
    manifest = json.loads((run / "manifest.json").read_text())
    snap = run / manifest["snapshots"][index]["file"]
    with safe_open(str(snap), framework="numpy") as f:
        names = f.keys()  # (a safetensors file, not a dict)
        tensors = {k: f.get_tensor(k) for k in names}
        metadata = {k: v for k, v in f.metadata().items() if k != key}
    save_file(tensors, str(snap), metadata=metadata)
    manifest["snapshots"][index]["bytes"] = snap.stat().st_size
    (run / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("key", SUMMARY_KEYS)
def test_a_snapshot_of_a_layout_nnvox_never_wrote_is_refused_in_one_line(digits_run, tmp_path, key):
    """Summaries, health and NaN/Inf counts absent: no fallback guesses them, the file is refused."""
    run_dir = _copy(digits_run, tmp_path)
    _drop_header_entry(run_dir, key, 1)
    run = open_run(run_dir)
    read = {
        "nnvox.stats": run.stats,
        "nnvox.health": run.health,
        "nnvox.nonfinite": run.nonfinite,
        "nnvox.nonfinite_kinds": run.nonfinite_kinds,
    }[key]
    assert read(0) is not None  # the other snapshots are fine
    with pytest.raises(RunFileError) as err:
        read(1)
    message = str(err.value)
    assert "\n" not in message and f"has no {key} entry" in message and "record the run again" in message


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("format", None, "format null, not 'nnvox-run'"),
        ("schema", 0, "schema must be a run schema number 1..2"),
        ("schema", 3, "written by a newer nnvox"),
    ],
)
def test_a_run_of_an_unknown_layout_is_refused_in_one_line(digits_run, tmp_path, field, value, says):
    run = _copy(digits_run, tmp_path)
    manifest = json.loads((run / "manifest.json").read_text())
    if value is None:
        del manifest[field]
    else:
        manifest[field] = value
    (run / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(NnvoxError, match=says) as err:
        open_run(run)
    assert "\n" not in str(err.value)
    fix = "upgrade nnvox" if value == 3 else "record the run again"
    assert fix in str(err.value)


def test_the_command_line_refuses_an_unknown_layout_with_exit_2(digits_run, tmp_path, nnvox_cmd):
    run = _copy(digits_run, tmp_path)
    _drop_header_entry(run, "nnvox.health", len(digits_run.snapshots) - 1)  # what `info` reads
    result = subprocess.run([*nnvox_cmd, "info", str(run)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnvox: error: not an nnvox run file"), result.stderr
    assert "has no nnvox.health entry" in lines[0] and "record the run again" in lines[0]


def test_every_summary_is_min_percentiles_max_and_a_nonfinite_count(digits_run):
    stats = digits_run.stats(len(digits_run.snapshots) - 1)
    assert all(len(s) == 5 and np.isfinite(s[:4]).all() for s in stats.values())

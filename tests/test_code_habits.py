"""Habits the code keeps (issue 15): ruff lint and format clean, no class over 300 lines, no function
over 60, no function outside the view specification that re-declares the view options, and
`nnvox --help` answering without loading torch or vtk (its time is a benchmark:
benchmarks/bench_cli.py). No GL; a few seconds.

Rules (a) to (c) are a RATCHET while issue 15's refactor is under way: each has an allow-list of the
files that violated it when the rule arrived. A file not on its list must keep the rule; a listed
file that keeps it now must leave the list. The lists only shrink, to empty, and then go.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CHECKED = ("src", "tests", "benchmarks", "scripts")  # what ruff checks and formats

MAX_CLASS_LINES = 300
MAX_FUNCTION_LINES = 60
MAX_VIEW_OPTIONS = 8
# Parameter names that are options of the view specification (what to show, and how to write it).
VIEW_OPTIONS = frozenset(
    {
        "mode",
        "sample",
        "mistake",
        "t",
        "sizing",
        "histogram",
        "attribution",
        "feature_space",
        "clusters",
        "transparent",
        "background",
        "view",
        "preset",
        "size",
        "fps",
    }
)
VIEW_SPEC = "src/nnvox/scenes/view.py"  # the one place that declares them all

# --- the allow-lists (ratchet): files that broke a rule when it arrived; shrink them, never grow them ---

# (a) `ruff check` findings (the rules: [tool.ruff.lint] in pyproject.toml).
RUFF_CHECK_ALLOWED = frozenset(
    {
        "src/nnvox/capture/recorder_inputs.py",
        "src/nnvox/capture/run.py",
        "src/nnvox/capture/run_lock.py",
        "src/nnvox/capture/targets.py",
        "src/nnvox/capture/writer.py",
        "src/nnvox/capture/writer_clients.py",
        "src/nnvox/cli/commands.py",
        "src/nnvox/cli/main.py",
        "src/nnvox/scenes/compare.py",
        "src/nnvox/scenes/folding.py",
        "src/nnvox/scenes/frames.py",
        "src/nnvox/scenes/placement.py",
        "src/nnvox/scenes/presets.py",
        "src/nnvox/scenes/scene.py",
        "src/nnvox/scenes/shots.py",
        "src/nnvox/scenes/storyboard.py",
        "src/nnvox/viewer/export.py",
        "src/nnvox/viewer/storyboard_export.py",
        "src/nnvox/viewer/video.py",
        "src/nnvox/viewer/window.py",
        "tests/capture/test_attention.py",
        "tests/capture/test_attributions.py",
        "tests/capture/test_crash_safety.py",
        "tests/capture/test_detail.py",
        "tests/capture/test_distributed.py",
        "tests/capture/test_health.py",
        "tests/capture/test_hostile_runs.py",
        "tests/capture/test_integrations.py",
        "tests/capture/test_probe_inputs.py",
        "tests/capture/test_reads.py",
        "tests/capture/test_recorder.py",
        "tests/capture/test_run_safety.py",
        "tests/capture/test_shared_tensors.py",
        "tests/capture/test_trace.py",
        "tests/capture/zoo.py",
        "tests/cli/test_bad_inputs.py",
        "tests/cli/test_batch_dim.py",
        "tests/cli/test_cli.py",
        "tests/cli/test_names_and_tokens.py",
        "tests/models/test_models.py",
        "tests/real_models/corpus.py",
        "tests/real_models/test_graph_facts.py",
        "tests/scenes/test_any_shape.py",
        "tests/scenes/test_camera.py",
        "tests/scenes/test_compare.py",
        "tests/scenes/test_dependence.py",
        "tests/scenes/test_evaluation.py",
        "tests/scenes/test_histogram.py",
        "tests/scenes/test_layout_graphs.py",
        "tests/scenes/test_masking.py",
        "tests/scenes/test_receptive.py",
        "tests/scenes/test_scene.py",
        "tests/scenes/test_storyboard.py",
        "tests/scenes/test_view.py",
        "tests/test_public_api.py",
        "tests/viewer/conftest.py",
        "tests/viewer/media.py",
        "tests/viewer/test_atomic_exports.py",
        "tests/viewer/test_figures.py",
        "tests/viewer/test_formats.py",
        "tests/viewer/test_storyboard_render.py",
        "tests/viewer/test_video.py",
        "tests/viewer/xvfb.py",
    }
)

# (a) Files `ruff format` would change.
RUFF_FORMAT_ALLOWED = frozenset(
    {
        "src/nnvox/capture/integrations.py",
        "src/nnvox/capture/recorder.py",
        "src/nnvox/capture/recorder_folder.py",
        "src/nnvox/capture/recorder_inputs.py",
        "src/nnvox/capture/recorder_probe.py",
        "src/nnvox/capture/recorder_snapshot.py",
        "src/nnvox/capture/run.py",
        "src/nnvox/capture/run_format/__init__.py",
        "src/nnvox/capture/run_format/conversions.py",
        "src/nnvox/capture/run_format/folder.py",
        "src/nnvox/capture/run_format/header.py",
        "src/nnvox/capture/run_format/keys.py",
        "src/nnvox/capture/run_format/manifest.py",
        "src/nnvox/capture/run_format/probe.py",
        "src/nnvox/capture/run_format/reading.py",
        "src/nnvox/capture/run_format/shapes.py",
        "src/nnvox/capture/run_format/summaries.py",
        "src/nnvox/capture/run_lock.py",
        "src/nnvox/capture/single_pass.py",
        "src/nnvox/capture/storage.py",
        "src/nnvox/capture/targets.py",
        "src/nnvox/capture/writer.py",
        "src/nnvox/capture/writer_clients.py",
        "src/nnvox/cli/commands.py",
        "src/nnvox/cli/main.py",
        "src/nnvox/scenes/compare.py",
        "src/nnvox/scenes/folding.py",
        "src/nnvox/scenes/frames.py",
        "src/nnvox/scenes/grouping.py",
        "src/nnvox/scenes/placement.py",
        "src/nnvox/scenes/playback.py",
        "src/nnvox/scenes/presets.py",
        "src/nnvox/scenes/scene.py",
        "src/nnvox/scenes/shots.py",
        "src/nnvox/scenes/storyboard.py",
        "src/nnvox/scenes/view.py",
        "src/nnvox/viewer/export.py",
        "src/nnvox/viewer/storyboard_export.py",
        "src/nnvox/viewer/video.py",
        "src/nnvox/viewer/window.py",
        "tests/capture/test_attention.py",
        "tests/capture/test_attributions.py",
        "tests/capture/test_crash_safety.py",
        "tests/capture/test_detail.py",
        "tests/capture/test_distributed.py",
        "tests/capture/test_health.py",
        "tests/capture/test_hostile_runs.py",
        "tests/capture/test_integrations.py",
        "tests/capture/test_probe_inputs.py",
        "tests/capture/test_recorder.py",
        "tests/capture/test_run_format.py",
        "tests/capture/test_run_safety.py",
        "tests/capture/test_shared_tensors.py",
        "tests/capture/test_trace.py",
        "tests/capture/zoo.py",
        "tests/cli/test_bad_inputs.py",
        "tests/cli/test_batch_dim.py",
        "tests/cli/test_cli.py",
        "tests/cli/test_names_and_tokens.py",
        "tests/models/test_models.py",
        "tests/real_models/corpus.py",
        "tests/real_models/facts.py",
        "tests/real_models/test_graph_facts.py",
        "tests/real_models/test_record_and_render.py",
        "tests/scenes/test_any_shape.py",
        "tests/scenes/test_camera.py",
        "tests/scenes/test_compare.py",
        "tests/scenes/test_dependence.py",
        "tests/scenes/test_evaluation.py",
        "tests/scenes/test_histogram.py",
        "tests/scenes/test_inspect.py",
        "tests/scenes/test_layout_graphs.py",
        "tests/scenes/test_masking.py",
        "tests/scenes/test_receptive.py",
        "tests/scenes/test_scene.py",
        "tests/scenes/test_storyboard.py",
        "tests/scenes/test_view.py",
        "tests/test_public_api.py",
        "tests/viewer/conftest.py",
        "tests/viewer/media.py",
        "tests/viewer/test_atomic_exports.py",
        "tests/viewer/test_figures.py",
        "tests/viewer/test_formats.py",
        "tests/viewer/test_storyboard_render.py",
        "tests/viewer/test_video.py",
        "tests/viewer/xvfb.py",
    }
)

# (b) A class over 300 lines or a function over 60 (decorators not counted, docstrings counted).
SIZE_ALLOWED = frozenset()

# (c) A function taking more than 8 view options as separate parameters.
VIEW_OPTIONS_ALLOWED = frozenset()


def _ratchet(rule: str, violations: dict[str, list[str]], allowed: frozenset[str]) -> None:
    new = {f: v for f, v in sorted(violations.items()) if f not in allowed}
    kept = sorted(allowed - set(violations))
    problems = []
    if new:
        lines = "\n".join(f"  {f}: {'; '.join(v[:5])}{' ...' if len(v) > 5 else ''}" for f, v in new.items())
        problems.append(f"{rule}: these files break it (fix them; the allow-list only shrinks):\n{lines}")
    if kept:
        lines = "\n".join(f"  {f}" for f in kept)
        problems.append(f"{rule}: these listed files keep it now: take them off its allow-list:\n{lines}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _ruff(*args: str) -> subprocess.CompletedProcess:
    # ruff comes with the test extra (pyproject.toml); a missing ruff is a failure, never a skip.
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def _relative(path: str | Path) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix()


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def ruff_check_violations() -> dict[str, list[str]]:
    done = _ruff("check", "--output-format", "json", "--no-cache", *CHECKED)
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[str]] = {}
    for f in json.loads(done.stdout):
        found.setdefault(_relative(f["filename"]), []).append(f"{f['code']} line {f['location']['row']}")
    return found


def ruff_format_violations() -> dict[str, list[str]]:
    done = _ruff("format", "--check", "--output-format", "json", "--no-cache", *CHECKED)
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[str]] = {}
    for f in json.loads(done.stdout or "[]"):
        found.setdefault(_relative(f["filename"]), []).append(f"would reformat line {f['location']['row']}")
    return found


def _functions(tree: ast.AST):
    """(qualified name, node) of every class and function, nested ones included."""

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                yield name, child
                yield from walk(child, name + ".")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def size_violations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _sources():
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = node.end_lineno - node.lineno + 1
            limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
            if lines > limit:
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                found.setdefault(_relative(path), []).append(f"{kind} {name}: {lines} lines (limit {limit})")
    return found


def view_option_violations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _sources():
        if _relative(path) == VIEW_SPEC:
            continue
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                continue
            a = node.args
            options = sorted({p.arg for p in a.posonlyargs + a.args + a.kwonlyargs} & VIEW_OPTIONS)
            if len(options) > MAX_VIEW_OPTIONS:
                found.setdefault(_relative(path), []).append(f"{name}({', '.join(options)})")
    return found


def test_ruff_check_is_clean():
    _ratchet("ruff check", ruff_check_violations(), RUFF_CHECK_ALLOWED)


def test_ruff_format_is_clean():
    _ratchet("ruff format --check", ruff_format_violations(), RUFF_FORMAT_ALLOWED)


def test_no_class_over_300_lines_and_no_function_over_60():
    _ratchet("size", size_violations(), SIZE_ALLOWED)


def test_view_options_are_declared_once():
    _ratchet(f"more than {MAX_VIEW_OPTIONS} view options as parameters", view_option_violations(), VIEW_OPTIONS_ALLOWED)


@pytest.mark.parametrize("argv", [["--help"], ["export", "--help"]])
def test_help_loads_neither_torch_nor_vtk(argv):
    # `import nnvox` alone: tests/test_public_api.py. The time `nnvox --help` takes: benchmarks/bench_cli.py.
    code = (
        "import contextlib, io, sys\n"
        "from nnvox.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('torch', 'vtk', 'pyvista') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[]", done.stdout

"""Habits the code keeps (issue 15): ruff lint and format clean, no class over 300 lines, no function
over 60, no function outside the view specification that re-declares the view options, and
`nnvox --help` answering without loading torch or vtk (its time is a benchmark:
benchmarks/bench_cli.py). No GL; a few seconds.

Every file keeps every rule: a test that fails names the files and what in them breaks it."""

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

# Exceptions, until they are split up: a listed file that keeps the limit must leave the list; the
# list only shrinks (it is empty: placement's place was split when side branches were added).
SIZE_ALLOWED: frozenset[str] = frozenset()


def _demand_none(rule: str, violations: dict[str, list[str]]) -> None:
    if violations:
        lines = "\n".join(
            f"  {f}: {'; '.join(v[:5])}{' ...' if len(v) > 5 else ''}" for f, v in sorted(violations.items())
        )
        pytest.fail(f"{rule}: these files break it:\n{lines}", pytrace=False)


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
    _demand_none("ruff check", ruff_check_violations())


def test_ruff_format_is_clean():
    _demand_none("ruff format --check", ruff_format_violations())


def test_no_class_over_300_lines_and_no_function_over_60():
    found = size_violations()
    _demand_none("size", {f: v for f, v in found.items() if f not in SIZE_ALLOWED})
    kept = sorted(SIZE_ALLOWED - set(found))
    assert not kept, f"these files keep the size limit now: take them off SIZE_ALLOWED: {', '.join(kept)}"


def test_view_options_are_declared_once():
    _demand_none(f"more than {MAX_VIEW_OPTIONS} view options as parameters", view_option_violations())


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

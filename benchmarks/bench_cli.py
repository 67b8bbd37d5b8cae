"""How fast `nnvox --help` answers (issue 15's target: under 0.5 s), against a bare interpreter's start
and an `import torch` measured in the same run. That --help loads neither torch nor vtk is a test
(tests/test_code_habits.py); this is the time.

    .venv/bin/python benchmarks/bench_cli.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.5


def _median_wall(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def help_costs(repeat: int = 7) -> dict:
    nnvox = str(Path(sys.executable).with_name("nnvox"))
    _median_wall([nnvox, "--help"], 1)  # warm the file cache: every run below reads the same files
    return {
        "help_s": _median_wall([nnvox, "--help"], repeat),
        "export_help_s": _median_wall([nnvox, "export", "--help"], repeat),
        "python_s": _median_wall([sys.executable, "-c", "pass"], repeat),
        "torch_s": _median_wall([sys.executable, "-c", "import torch"], max(3, repeat // 2)),
    }


def report(repeat: int = 7) -> list[str]:
    c = help_costs(repeat)
    verdict = "met" if max(c["help_s"], c["export_help_s"]) < TARGET_S else "not met"
    return [
        "## Command line start (median wall time of a fresh process)",
        "",
        "| command | time | ratio to a bare interpreter | ratio to `import torch` |",
        "|---|---|---|---|",
        *(
            f"| {label} | {c[key] * 1000:.0f} ms | {c[key] / c['python_s']:.1f}x | {c[key] / c['torch_s']:.2f}x |"
            for label, key in (
                ("`nnvox --help`", "help_s"),
                ("`nnvox export --help`", "export_help_s"),
                ("`python -c pass`", "python_s"),
                ("`python -c 'import torch'`", "torch_s"),
            )
        ),
        "",
        f"Target (`nnvox --help` under {TARGET_S} s): {verdict}.",
    ]


if __name__ == "__main__":
    print("\n".join(report()))

"""Render the default overview of each model of issue 16's realistic-depth corpus
(tests/real_models/realistic.py) to docs/overviews/<model>.png at 1600 x 900, with its picture report
beside it when `--reports DIR` is given, and print per model: blocks drawn, labels shown and hidden,
how much of the frame the blocks span, the record's and the still's time (scene build included).

    .venv/bin/python scripts/overviews.py [MODEL ...] [--out docs/overviews] [--reports DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1600, 900)


def _shrink(png: Path) -> None:
    """256 colours (octree: no pixel off by more than ~14 of 255): a third of the bytes, for git."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(png, optimize=True)


def render(name: str, out: Path, reports: Path | None) -> dict:
    import nnvox
    from nnvox.viewer.report import frame_fill
    from tests.real_models.realistic import record

    t = time.perf_counter()
    run = record(name)
    recorded = time.perf_counter() - t
    report_path = (reports or out) / f"{name}.json"
    t = time.perf_counter()
    nnvox.render_png(
        run, out / f"{name}.png", width=SIZE[0], height=SIZE[1], output=nnvox.OutputSpec(report=report_path)
    )
    seconds = time.perf_counter() - t
    _shrink(out / f"{name}.png")
    report = json.loads(report_path.read_text())
    if reports is None:
        report_path.unlink()
    return {
        "model": name,
        "blocks": len(report["blocks"]),
        "labels shown": sum(lb["kind"] == "block" for lb in report["labels"]),
        "labels hidden": len(report["hidden_labels"]),
        "fill": round(frame_fill(report), 2),
        "record s": round(recorded, 1),
        "render s": round(seconds, 1),
        "violations": sum(len(v) for v in report["checks"].values()),
    }


def main(argv=None) -> None:
    from tests.real_models.realistic import MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(MODELS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "overviews")
    parser.add_argument("--reports", type=Path, default=None)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.reports:
        args.reports.mkdir(parents=True, exist_ok=True)
    for name in args.models:
        print(json.dumps(render(name, args.out, args.reports)), flush=True)


if __name__ == "__main__":
    main()

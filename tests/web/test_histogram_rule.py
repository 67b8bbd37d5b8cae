"""js/histogram_rule.js against scenes/histogram.py under node: the page's histogram panel between
snapshots (bars, axis, note) is Python's HistogramSource.at and notes(), for layers of random values
with a bar that is clipped at some snapshots and not at others, values off the scale and NaN/Inf."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from nnvox.scenes.colour import ColourScale
from nnvox.scenes.histogram import HistogramSource, notes
from nnvox.viewer.web.histograms import describe_histograms, snapshot_histograms

SNAPSHOTS = 4


def _scene(rng) -> SimpleNamespace:
    """Layers whose values differ per snapshot: ReLU-like (a spike at zero, some snapshots), wide
    (off the scale), with NaN/Inf at some snapshots, counts past a thousand."""
    blocks, values = [], {}
    for j in range(6):
        name = f"layer{j}"
        blocks.append(SimpleNamespace(name=name, role="hidden", scale=ColourScale(0.0, 2.0, "viridis", False)))
        for i in range(SNAPSHOTS):
            v = rng.normal(1.0, 0.3 + 0.4 * rng.random(), size=int(rng.integers(200, 3000)))
            if rng.random() < 0.6:  # the zeros after a ReLU: a bar far above the rest, or not
                v[: int(len(v) * rng.uniform(0.05, 0.6))] = 0.0
            if rng.random() < 0.4:
                v[: int(rng.integers(1, 9))] = np.nan
            values[name, i] = v.astype(np.float32)
    source = SimpleNamespace(layer_values=lambda i, block, sample: values[block.name, i], blends=lambda s: True)
    by_name = {b.name: b for b in blocks}
    return SimpleNamespace(
        blocks=blocks,
        block=by_name.__getitem__,
        source=source,
        mode="activations",
        n_snapshots=SNAPSHOTS,
        snapshot_labels=[f"epoch {i}" for i in range(SNAPSHOTS)],
    )


def test_the_pages_histogram_rule_is_pythons(tmp_path):
    import nnvox.viewer.web as web

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (make setup installs it to build the page's script)")
    scene = _scene(np.random.default_rng(0))
    source = HistogramSource(scene, cache_size=64)
    histograms = describe_histograms(scene, 0, source)
    described, rule = histograms["blocks"], histograms["rule"]
    pieces = [snapshot_histograms(scene, i, 0, source) for i in range(SNAPSHOTS)]
    positions = [0, 0.5, 0.999, 1.25, 1.5, 2.0000001, 2.7, 3]
    cases, expected = [], []
    for b in scene.blocks:
        for t in positions:
            i0 = int(t)  # the two snapshots around t as the page takes them (js/blend.around)
            i1, ref = min(i0 + 1, SNAPSHOTS - 1), described[b.name]
            cases.append(
                [pieces[i0][b.name], pieces[i1][b.name], t - i0, ref["reference"], ref["reference_label"], rule]
            )
            hist = source.at(b.name, t)
            expected.append({"fractions": hist.fractions.tolist(), "top": hist.axis_top, "note": notes(hist)})
    clipped = [e["top"] < max(e["fractions"]) for e in expected]
    assert any(clipped) and not all(clipped)  # both sides of the clipping rule looked at
    module = Path(web.__file__).with_name("js") / "histogram_rule.js"
    script = tmp_path / "rule.mjs"
    script.write_text(
        f"import {{ histogramAt }} from {json.dumps(module.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "console.log(JSON.stringify(cases.map((c) => histogramAt(...c))));\n"
    )
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    shown = subprocess.run(
        [node, str(script), str(tmp_path / "cases.json")], capture_output=True, text=True, check=True
    )
    for got, want, case in zip(json.loads(shown.stdout), expected, cases):
        assert got == want, case[2]
    # the words and constants are the payload's: other ones sent, other words and axis shown
    other = {**rule, "clips_over": 1e9, "words": {**rule["words"], "values": "{count} numbers"}}
    (tmp_path / "cases.json").write_text(json.dumps([[*case[:5], other] for case in cases]))
    shown = subprocess.run(
        [node, str(script), str(tmp_path / "cases.json")], capture_output=True, text=True, check=True
    )
    got = json.loads(shown.stdout)
    assert all(g["note"][0].endswith(" numbers") for g in got)
    assert all(g["top"] == max(max(e["fractions"]), max(c[3])) for g, e, c in zip(got, expected, cases))

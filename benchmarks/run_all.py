"""Run every benchmark and print a Markdown report, kept in RESULTS.md (paste the figures into the README).

.venv/bin/python benchmarks/run_all.py [--quick]   (--quick: fewer repeats, printed only)
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_cli import report as cli_report
from bench_depth import report as depth_report
from bench_forward_light import report as forward_light_report
from bench_frame import frame_costs
from bench_models import model_costs
from bench_open_close import report as open_close_report
from bench_real_models import report as real_models_report
from bench_recording import recording_overhead, resnet18_overhead
from bench_timeline import memory_ratio, move_costs
from bench_video import memory_growth, throughput
from bench_web import report as web_report
from common import digits_run, gl_renderer, is_software_gl, isolated, synthetic_vgg16_run


def main() -> None:
    quick = "--quick" in sys.argv
    import os

    renderer = gl_renderer()
    software = is_software_gl(renderer)
    lines = [
        f"# nnvox benchmarks ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"GL: {renderer})",
        "",
    ]
    digits = digits_run()
    lines += [
        "## Per-frame cost: new values + render + grab (median ms)",
        "",
        "| scene | size | nnvox, every channel | nnvox, interpolated t "
        "| one slab per channel (baseline, every channel) | speed-up | nnvox with level of detail |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = frame_costs(digits, [(1280, 720), (1920, 1080)], 3, 20)
    if not quick:
        rows += frame_costs(synthetic_vgg16_run(), [(1280, 720), (1920, 1080)], 2, 6)
    for r in rows:
        lines.append(
            f"| {r['run']} | {r['size']} | {r['nnvox_ms']:.1f} | {r['nnvox_interpolated_ms']:.1f} "
            f"| {r['baseline_ms']:.0f} | {r['speedup']:.0f}x | {r['nnvox_lod_ms']:.1f} |"
        )
    lines += [
        "",
        "## Video export through a storyboard (a scrub under a full orbit, caption and histogram on)",
        "",
        "| preset | frames | export | render only | encode only | export / (render + encode) | export / max |",
        "|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for preset in ("720p30", "1080p30"):
        e = throughput(digits, preset, frames=60 if quick else 150)
        lines.append(
            f"| {preset} | {e['frames']} | {e['export_s']:.2f} s | {e['render_only_s']:.2f} s "
            f"| {e['encode_only_s']:.2f} s | {e['ratio_vs_sum']:.2f} | {e['ratio_vs_max']:.2f} |"
        )
        # the target that applies to this machine: software GL on the CPU, or rendering on a GPU
        ratio, limit = (e["ratio_vs_sum"], 0.9) if software else (e["ratio_vs_max"], 1.15)
        verdicts.append(f"{preset} {ratio:.2f} ({'met' if ratio <= limit else 'not met'})")
    target = (
        "export / (render + encode) at most 0.9, software GL"
        if software
        else "export / max at most 1.15, rendering on a GPU"
    )
    lines += ["", f"Target ({target}): {', '.join(verdicts)}."]
    m = memory_growth(digits, "720p30", frames=600 if quick else 3000)
    lines += [
        "",
        f"Memory over a {m['frames']}-frame {m['preset']} export: {m['rss_100_mb']:.0f} MB resident at frame 100, "
        f"{m['rss_last_mb']:.0f} MB at the last frame ({m['growth'] * 100:+.1f}%).",
    ]
    lines += [
        "",
        "## Real architectures at 224 x 224 (untrained, one random input)",
        "",
        "| model | nodes | blocks | forward pass | trace | trace + scene build | frame 720p, level of detail "
        "| frame 720p, full resolution |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("resnet50", "vgg16"):
        m = model_costs(name)
        lines.append(
            f"| {name} | {m['nodes']} | {m['blocks']} | {m['forward_s'] * 1000:.0f} ms "
            f"| {m['trace_s'] * 1000:.0f} ms | {m['trace_plus_scene_s']:.2f} s "
            f"| {m['lod_720p_ms']:.0f} ms ({1000 / m['lod_720p_ms']:.0f} fps) | "
            f"{m['full_720p_ms']:.0f} ms ({m['full_720p_ms'] / m['lod_720p_ms']:.1f}x) |"
        )
    lines += ["", *real_models_report(quick)]
    lines += ["", *depth_report(quick)]
    lines += ["", *open_close_report(quick)]
    lines += ["", *forward_light_report(quick, digits)]
    rec = isolated(recording_overhead, epochs=20, pairs=3 if quick else 25)
    lines += [
        "",
        "## Recording overhead (digits CNN, a snapshot every epoch, 20 epochs)",
        "",
        f"training {rec['plain_s']:.2f} s without, {rec['recorded_s']:.2f} s with recording: "
        f"median ratio {rec['median_ratio']:.3f}, 95% interval {rec['ci_low']:.3f} to {rec['ci_high']:.3f} "
        f"(single pairs {rec['best_ratio']:.3f} to {rec['worst_ratio']:.3f})",
    ]
    lines += [
        "",
        "## Recording overhead and size, ResNet-18 (11.2 M parameters) on 32 x 32, 8 probe samples, "
        "a snapshot every epoch",
        "",
        "| recorded | training without | with recording | median ratio (range) | MB a snapshot |",
        "|---|---|---|---|---|",
    ]
    for label, budgets in (
        ("everything", {}),
        ("activation_budget=2048, weight_budget=8192", {"activation_budget": 2048, "weight_budget": 8192}),
    ):
        r = isolated(resnet18_overhead, epochs=2, pairs=1 if quick else 3, samples=512, **budgets)
        lines.append(
            f"| {label} | {r['plain_s']:.1f} s | {r['recorded_s']:.1f} s "
            f"| {r['median_ratio']:.3f} ({r['best_ratio']:.3f} to {r['worst_ratio']:.3f}) "
            f"| {r['mb_per_snapshot']:.1f} |"
        )
    lines += [
        "",
        "## Moving the timeline to a snapshot never visited (caches cleared, layer health included), "
        "against reading the same bytes raw",
        "",
        "| run | bytes read | move | raw read | ratio |",
        "|---|---|---|---|---|",
    ]
    for label, path in (
        ("digits CNN", digits),
        ("VGG-16-sized, full resolution", synthetic_vgg16_run(4)),
        ("VGG-16-sized, activation_budget=100,352", synthetic_vgg16_run(4, activation_budget=32 * 56 * 56)),
    ):
        m = isolated(move_costs, path, repeat=2 if quick else 5)
        lines.append(f"| {label} | {m['bytes']:,} | {m['move_ms']:.2f} ms | {m['raw_ms']:.2f} ms | {m['ratio']:.2f}x |")
    lines += [
        "",
        "## Viewer memory (peak allocations while opening a run and scrubbing every snapshot, histogram panel on)",
        "",
        "| run | 10 snapshots | 100 snapshots | ratio |",
        "|---|---|---|---|",
    ]
    for label, mem in (
        ("digits CNN (activations and change modes)", memory_ratio()),
        ("VGG-16 at 64 x 64 (activations)", memory_ratio(lambda n: synthetic_vgg16_run(n, size=64), ("activations",))),
    ):
        lines.append(f"| {label} | {mem['peak_10_mb']:.2f} MB | {mem['peak_100_mb']:.2f} MB | {mem['ratio']:.2f}x |")
    lines += ["", *web_report(quick)]
    lines += ["", *cli_report(3 if quick else 7)]
    report = "\n".join(lines)
    print(report)
    if not quick:  # a quick run checks the benchmarks work; its figures are not the ones to keep
        (Path(__file__).parent / "RESULTS.md").write_text(report + "\n")


if __name__ == "__main__":
    main()

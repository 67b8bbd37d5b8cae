"""Issue 14's targets on real model sizes, built from Hugging Face default configs (no download):

- trace + scene build of BERT-base (BertConfig()) and GPT-2 small (GPT2Config()) on 128 tokens, as a
  ratio to the model's own plain forward pass (target: within 3x);
- ResNet-50 (ResNetConfig()) at 224 x 224: trace + scene build in seconds (target: within 3 s);
- recording overhead on GPT-2 small training on synthetic tokens, a snapshot every 50 steps with
  the level-of-detail budgets on, as a ratio to the same training without nnvox (target: 1.10x).

Each figure is a ratio against a baseline measured in the same run.

    .venv/bin/python benchmarks/bench_real_models.py [--quick]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


SEQUENCE = 128
BUDGETS = {"activation_budget": 2048, "weight_budget": 8192}


def _hf_model(name: str):
    """(model in eval mode, one sample's input tensor), seeded."""
    import torch

    torch.manual_seed(0)
    if name == "bert-base":
        from transformers import BertConfig, BertModel

        config = BertConfig()
        return BertModel(config).eval(), torch.randint(0, config.vocab_size, (1, SEQUENCE))
    if name == "gpt2-small":
        from transformers import GPT2Config, GPT2LMHeadModel

        config = GPT2Config()
        return GPT2LMHeadModel(config).eval(), torch.randint(0, config.vocab_size, (1, SEQUENCE))
    if name == "resnet50":
        from transformers import ResNetConfig, ResNetForImageClassification

        return ResNetForImageClassification(ResNetConfig()).eval(), torch.randn(1, 3, 224, 224)
    raise ValueError(name)


def trace_and_scene(name: str, repeat: int = 3) -> dict:
    """Trace + scene build of `name` against its plain forward pass: the three alternate (after one
    warm-up of each), so that load on a shared machine hits each alike; medians of `repeat`."""
    import statistics

    import torch

    from nnvox.capture.single_pass import single_pass_run
    from nnvox.capture.trace import trace
    from nnvox.scenes.build import build_scene

    torch.set_num_threads(os.cpu_count() or 1)
    model, x = _hf_model(name)
    t = time.perf_counter()
    run = single_pass_run(model, x, name=name, weights=False)  # the scene's input: one recorded pass
    t_record = time.perf_counter() - t

    def forward():
        with torch.no_grad():
            model(x)

    steps = {"forward": forward, "trace": lambda: trace(model, x), "scene": lambda: build_scene(run)}
    times: dict[str, list[float]] = {k: [] for k in steps}
    for i in range(repeat + 1):
        for k, fn in steps.items():
            t = time.perf_counter()
            fn()
            if i:  # the first round warms up
                times[k].append(time.perf_counter() - t)
    forward_s, trace_s, scene_s = (statistics.median(times[k]) for k in steps)
    arch, scene = trace(model, x).architecture, build_scene(run)
    return {
        "model": name,
        "parameters": sum(p.numel() for p in model.parameters()),
        "nodes": len(arch.nodes),
        "blocks": len(scene.blocks),
        "forward_s": forward_s,
        "trace_s": trace_s,
        "record_s": t_record,
        "scene_s": scene_s,
        "trace_plus_scene_s": trace_s + scene_s,
        "ratio": (trace_s + scene_s) / forward_s,
    }


def gpt2_recording_overhead(
    steps: int = 100, every: int = 50, pairs: int = 1, batch: int = 2, sequence: int = 64
) -> dict:
    """GPT-2 small trained on synthetic tokens for `steps` AdamW steps, with a Recorder snapshotting
    every `every` steps (budgets on; its creation and close included) against the same training
    without nnvox. Runs alternate (without, with, ...) after a short warm-up; the median ratio counts.
    (A step of GPT-2 small takes seconds on a small CPU: full-length warm-ups as in
    bench_recording would double an already long benchmark.)"""
    import statistics

    import numpy as np
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    import nnvox

    torch.set_num_threads(os.cpu_count() or 1)
    config = GPT2Config()
    tokens = torch.randint(0, config.vocab_size, (steps, batch, sequence), generator=torch.Generator().manual_seed(0))
    probe = tokens[0]

    def once(record: bool, n: int = steps) -> float:
        torch.manual_seed(0)
        model = GPT2LMHeadModel(config)
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
        t = time.perf_counter()
        rec = nnvox.Recorder(model, probe=probe, out=tempfile.mkdtemp() + "/run", **BUDGETS) if record else None
        for step in range(n):
            loss = model(input_ids=tokens[step], labels=tokens[step]).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if rec is not None:
                rec.step(step, every=every, metrics={"loss": loss})
        if rec is not None:
            rec.close()
        return time.perf_counter() - t

    once(False, 3)
    plain, recorded = [], []
    for _ in range(pairs):
        plain.append(once(False))
        recorded.append(once(True))
    ratios = np.array(recorded) / np.array(plain)
    return {
        "steps": steps,
        "every": every,
        "batch": batch,
        "sequence": sequence,
        "snapshots": len(range(0, steps, every)),
        "plain_s": statistics.median(plain),
        "recorded_s": statistics.median(recorded),
        "median_ratio": float(np.median(ratios)),
        "best_ratio": float(ratios.min()),
        "worst_ratio": float(ratios.max()),
    }


def report(quick: bool = False) -> list[str]:
    """Markdown lines for run_all.py and for printing."""
    from common import isolated

    lines = [
        "## Real models from Hugging Face default configs (untrained, batch 1)",
        "",
        "| model | parameters | nodes | blocks | forward pass | trace | trace + scene build "
        "| ratio to forward | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("bert-base", "gpt2-small", "resnet50"):
        m = isolated(trace_and_scene, name, 1 if quick else 3)
        if name == "resnet50":
            target = f"within 3 s: {'met' if m['trace_plus_scene_s'] <= 3 else 'not met'}"
        else:
            target = f"within 3x: {'met' if m['ratio'] <= 3 else 'not met'}"
        lines.append(
            f"| {name} ({'224 x 224' if name == 'resnet50' else f'{SEQUENCE} tokens'}) "
            f"| {m['parameters'] / 1e6:.1f} M | "
            f"{m['nodes']} | {m['blocks']} | {m['forward_s'] * 1000:.0f} ms | {m['trace_s'] * 1000:.0f} ms | "
            f"{m['trace_plus_scene_s']:.2f} s | {m['ratio']:.1f}x | {target} |"
        )
    r = isolated(gpt2_recording_overhead, steps=51 if quick else 100, pairs=1)
    title = (
        f"## Recording overhead, GPT-2 small training on synthetic tokens ({r['steps']} AdamW steps of "
        f"{r['batch']} x {r['sequence']} tokens, a snapshot every {r['every']} steps ({r['snapshots']} snapshots), "
        "activation_budget=2048, weight_budget=8192)"
    )
    result = (
        f"training {r['plain_s']:.1f} s without, {r['recorded_s']:.1f} s with recording: median ratio "
        f"{r['median_ratio']:.3f} (single pairs {r['best_ratio']:.3f} to {r['worst_ratio']:.3f}); target 1.10x: "
        f"{'met' if r['median_ratio'] <= 1.10 else 'not met'}"
    )
    lines += ["", title, "", result]
    return lines


if __name__ == "__main__":
    print("\n".join(report(quick="--quick" in sys.argv)))

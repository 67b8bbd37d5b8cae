"""Kill a recording process at random moments; every snapshot that completed must read back whole."""

import random
import subprocess
import sys
import time

import pytest

import nnvox
from nnvox.errors import NnvoxError

CHILD = r"""
import sys, torch
from torch import nn
import nnvox
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(256, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
rec = nnvox.Recorder(model, probe=(torch.randn(16, 256), [i % 10 for i in range(16)]), out=sys.argv[1])
for i in range(10_000):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)
    rec.snapshot(epoch=i, metrics={"loss": 1.0 / (i + 1)})
"""


@pytest.mark.timeout(240)
def test_killed_recordings_keep_every_complete_snapshot(tmp_path):
    rng = random.Random(1234)
    outcomes = []
    for attempt in range(5):
        out = tmp_path / f"run{attempt}"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(out)], stderr=subprocess.DEVNULL)
        # Wait for recording to start (torch import takes a while), then kill at a random moment
        # within the next snapshots, so a slow machine still kills mid-stream.
        deadline = time.time() + 60
        while not (out / "snapshot-00000.safetensors").exists() and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 1.0))
        child.kill()
        child.wait()
        try:
            run = nnvox.open_run(out)
        except NnvoxError as exc:
            assert "no complete snapshot" in str(exc)  # killed before the first snapshot finished
            outcomes.append(0)
            continue
        for snap in run.snapshots:
            tensors = run.read(snap.index)
            assert tensors["param/2.weight"].shape == (1024, 1024)
            # snapshot i saw the weights after i+1 updates of +0.01: the data is that snapshot's, whole
            assert (
                abs(
                    float(tensors["param/4.bias"].mean())
                    - float(run.read(0)["param/4.bias"].mean())
                    - 0.01 * snap.index
                )
                < 2e-3
            )
        assert not run.closed
        outcomes.append(len(run.snapshots))
    assert sum(1 for n in outcomes if n > 0) >= 3, outcomes


UNCLOSED = r"""
import sys, torch
from torch import nn
import nnvox
model = nn.Sequential(nn.Linear(1024, 4096), nn.ReLU(), nn.Linear(4096, 10))  # 8 MB a snapshot
rec = nnvox.Recorder(model, probe=(torch.randn(8, 1024), list(range(8))), out=sys.argv[1])
for i in range(6):
    with torch.no_grad():
        model[0].bias.fill_(i)
    rec.snapshot(epoch=i)
"""


def run_when_listed(path, snapshots: int, seconds: float = 30):
    """The run once its writer process (which outlives the script) lists that many snapshots."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if len(nnvox.open_run(path).snapshots) == snapshots:
                break
        except NnvoxError:
            pass
        time.sleep(0.05)
    return nnvox.open_run(path)


def test_a_script_that_never_closes_still_hands_over_every_snapshot(tmp_path):
    # snapshot() returns once its frame is in the pipe, perhaps long before it is on disk: after the
    # script exits, the writer process still writes and lists every frame it was handed.
    subprocess.run([sys.executable, "-c", UNCLOSED, str(tmp_path / "run")], check=True, timeout=120)
    run = run_when_listed(tmp_path / "run", 6)
    assert [float(run.read(s.index)["param/0.bias"][0]) for s in run.snapshots] == list(range(6))
    assert not run.closed


SELF_KILL = r"""
import os, signal, sys, torch
from torch import nn
import nnvox
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
rec = nnvox.Recorder(model, probe=(torch.randn(4, 64), [0, 1, 2, 3]), out=sys.argv[1])
for i in range(3):
    with torch.no_grad():
        model[2].bias.fill_(i)
    rec.snapshot(epoch=i)
os.kill(os.getpid(), signal.SIGKILL if sys.argv[2] == "kill" else signal.SIGINT)  # the moment snapshot() returned
"""


@pytest.mark.parametrize("how", ["kill", "ctrl-c"])
def test_a_process_killed_right_after_snapshot_keeps_what_it_handed_over(tmp_path, how):
    # snapshot() returned: the frames are the writer's. It must write and list every one of them, though
    # the parent is gone before reading a single acknowledgement (and Ctrl-C reached the writer too).
    done = subprocess.run(
        [sys.executable, "-c", SELF_KILL, str(tmp_path / "run"), how], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr.replace("KeyboardInterrupt", "") or how == "ctrl-c", done.stderr
    assert "BrokenPipeError" not in done.stderr and "writer.py" not in done.stderr, done.stderr
    run = run_when_listed(tmp_path / "run", 3)
    assert [float(run.read(s.index)["param/2.bias"][0]) for s in run.snapshots] == [0, 1, 2]

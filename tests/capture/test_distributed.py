"""A DDP run with the gloo backend and 2 processes on loopback: rank 0 records, nobody hangs."""

import socket
import subprocess
import sys

import pytest

import nnvox

WORKER = r"""
import os, sys, torch, torch.distributed as dist
from torch import nn
import nnvox
rank, out, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
dist.init_process_group("gloo", rank=rank, world_size=2)
torch.manual_seed(0)
model = nn.parallel.DistributedDataParallel(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
rec = nnvox.Recorder(model, probe=(torch.randn(3, 4), [0, 1, 0]), out=out) if rank == 0 else None
for step in range(4):
    torch.manual_seed(rank * 100 + step)
    loss = model(torch.randn(8, 4)).pow(2).mean()
    opt.zero_grad(); loss.backward(); opt.step()  # gradients all-reduced across both ranks
    if rec is not None:
        rec.snapshot(step=step, metrics={"loss": loss})
    dist.barrier()
if rec is not None:
    rec.close()
dist.destroy_process_group()
print("done", rank, flush=True)
# Everything is done and checked by now. Skip the interpreter's teardown: gloo's threads sometimes
# abort it ("terminate called without an active exception", SIGABRT), a torch bug, not ours.
os._exit(0)
"""


def _free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def _run_ranks(out) -> list[tuple[str, str, int]]:
    """Both ranks to the end: (stdout, stderr, exit code) of each."""
    port = _free_port()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(r), str(out), port],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in range(2)
    ]
    return [(*p.communicate(timeout=90), p.returncode) for p in procs]


@pytest.mark.timeout(200)
def test_ddp_gloo_two_processes_rank0_records(tmp_path):
    out = tmp_path / "ddp"
    results = _run_ranks(out)
    if any(code != 0 and ("Address already in use" in err or "onnect" in err) for _, err, code in results):
        out = tmp_path / "ddp-again"  # the free port was taken between finding it and binding it: once more
        results = _run_ranks(out)
    for stdout, stderr, code in results:
        assert code == 0, stderr[-2000:]
        assert "done" in stdout
    run = nnvox.open_run(out)
    assert [s.step for s in run.snapshots] == [0, 1, 2, 3] and run.closed
    assert [n.name for n in run.architecture.nodes] == ["input", "0", "1", "2"]  # the module, not the wrapper

"""Recording never loses data: only nnvox's own folders are replaced, one writer per run, misuse is
an error, and nothing is written before the model is accepted."""

import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
import torch
from torch import nn

import nnvox
from nnvox.capture.run_lock import HOLDER
from nnvox.errors import NnvoxError


def small_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


PROBE = (torch.randn(3, 4), [0, 1, 2])


def record(out, snapshots=2, **options):
    model = small_model()
    with nnvox.Recorder(model, PROBE, out, **options) as rec:
        for i in range(snapshots):
            with torch.no_grad():
                model[0].bias.fill_(i)
            rec.snapshot(epoch=i, metrics={"loss": 1.0 / (i + 1)})
    return nnvox.open_run(out)


def record_when_free(out, timeout=30.0):
    """Record over `out` once its writer has let go (a killed recorder's writer process first
    finishes the frames it was handed; on a loaded machine that takes a while)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return record(out, snapshots=1, overwrite=True)
        except NnvoxError as exc:
            if "being recorded by" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def listing(folder):
    """Every file and its bytes (but the note of who is writing, which a killed writer leaves)."""
    return sorted(
        (p.relative_to(folder).as_posix(), p.read_bytes())
        for p in folder.rglob("*")
        if p.is_file() and p.name != HOLDER
    )


# --- overwrite only what is ours -------------------------------------------------------------------


@pytest.mark.parametrize("background", [False, True])
def test_overwrite_refuses_a_folder_with_user_files_and_deletes_nothing(tmp_path, background):
    precious = tmp_path / "precious"
    (precious / "thesis").mkdir(parents=True)
    (precious / "thesis" / "chapter1.tex").write_text("years of work")
    (precious / "data.csv").write_text("1,2,3")
    before = listing(precious)
    with pytest.raises(NnvoxError, match=r"is not an nnvox run folder .*data\.csv.*choose a new or empty folder"):
        nnvox.Recorder(small_model(), PROBE, precious, overwrite=True, background=background)
    with pytest.raises(NnvoxError, match="is not an nnvox run folder"):  # without overwrite: not mixed in either
        nnvox.Recorder(small_model(), PROBE, precious, background=background)
    assert listing(precious) == before
    # A run with a file of the user's dropped in it is not replaced either
    run = record(tmp_path / "run", background=background)
    (run.path / "notes.txt").write_text("mine")
    with pytest.raises(NnvoxError, match=r"holds files nnvox did not write \(notes.txt\)"):
        nnvox.Recorder(small_model(), PROBE, run.path, overwrite=True, background=background)
    assert (run.path / "notes.txt").read_text() == "mine" and len(nnvox.open_run(run.path).snapshots) == 2


def test_a_manifest_nnvox_did_not_write_is_not_replaced(tmp_path):
    folder = tmp_path / "webapp"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"name": "my web app", "icons": []}')
    with pytest.raises(NnvoxError, match="not a manifest nnvox can read; nnvox will not replace"):
        nnvox.Recorder(small_model(), PROBE, folder, overwrite=True)
    assert (folder / "manifest.json").read_text().startswith('{"name": "my web app"')


def test_cli_overwrite_of_a_precious_folder_is_one_line_and_deletes_nothing(tmp_path, nnvox_cmd):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "results.txt").write_text("keep me")
    done = subprocess.run(
        [*nnvox_cmd, "record", "digits-cnn", "--epochs", "1", "--out", str(precious), "--overwrite"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("nnvox: error: ") and "results.txt" in done.stderr
    assert (precious / "results.txt").read_text() == "keep me" and os.listdir(precious) == ["results.txt"]


@pytest.mark.parametrize("background", [False, True])
def test_overwrite_replaces_a_run_only_once_the_new_one_has_a_snapshot(tmp_path, background):
    out = tmp_path / "run"
    record(out, snapshots=3, background=background)
    old = listing(out)
    # Training fails before the new run's first snapshot: the old run is exactly as it was
    with (
        pytest.raises(RuntimeError, match="diverged"),
        nnvox.Recorder(small_model(), PROBE, out, overwrite=True, background=background),
    ):
        raise RuntimeError("diverged")
    assert listing(out) == old
    # Closed without a snapshot: the same
    nnvox.Recorder(small_model(), PROBE, out, overwrite=True, background=background).close()
    assert listing(out) == old
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the replacement's own folder is gone
    # With a snapshot, the new run takes the old one's place whole
    run = record(out, snapshots=1, background=background, overwrite=True)
    assert len(run.snapshots) == 1 and run.closed and not (out / HOLDER).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


REPLACER = r"""
import sys, time, torch
from torch import nn
import nnvox
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
rec = nnvox.Recorder(model, probe=(torch.randn(4, 64), [0, 1, 2, 3]), out=sys.argv[1], overwrite=True)
print("started", flush=True)
time.sleep(float(sys.argv[2]))
for i in range(1000):
    with torch.no_grad():
        model[2].bias.fill_(100 + i)
    rec.snapshot(epoch=i)
"""


def test_a_replacement_killed_at_any_moment_leaves_the_old_run_or_the_new_one(tmp_path):
    """Kill trials: a recorder replacing a run is killed at random moments, before and after its first
    snapshot; the folder always opens, holding the old run whole or the new one's complete snapshots."""
    rng = random.Random(7)
    out = tmp_path / "run"
    outcomes = []
    for trial in range(4):
        record(out, snapshots=2, overwrite=True)
        old = listing(out)
        delay = 0.0 if trial % 2 else 5.0  # odd trials: killed while still before the first snapshot
        child = subprocess.Popen(
            [sys.executable, "-c", REPLACER, str(out), str(delay)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 0.6) if delay == 0 else 0.2)
        child.kill()
        child.wait()
        run = nnvox.open_run(out)  # never neither
        if listing(out) == old:
            outcomes.append("old")
        else:
            biases = [float(run.read(s.index)["param/2.bias"][0]) for s in run.snapshots]
            assert biases == [100 + i for i in range(len(biases))]  # the new run's snapshots, each whole
            outcomes.append("new")
        # a later writer takes the folder (the kernel dropped the lock) and clears the killed one's leftovers
        record_when_free(out)  # the killed recorder's writer process finishes what it was handed, then lets go
        assert [p.name for p in tmp_path.iterdir()] == ["run"]
    assert "old" in outcomes, outcomes


# --- one writer per run ----------------------------------------------------------------------------

SLOW_WRITER = r"""
import select, sys, time, torch
from torch import nn
import nnvox
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
rec = nnvox.Recorder(model, probe=(torch.randn(3, 4), [0, 1, 2]), out=sys.argv[1], background=sys.argv[2] == "1")
i = 0
while not select.select([sys.stdin], [], [], 0.1)[0]:  # keeps writing until told to stop
    with torch.no_grad():
        model[0].bias.fill_(i)
    rec.snapshot(epoch=i)
    rec.flush()
    print("snapshot", i, flush=True)
    i += 1
rec.close()
print("closed", flush=True)
"""


def slow_writer(out, background="1"):
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(out), background],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("background", ["1", "0"])
def test_a_second_writer_is_refused_at_once_naming_the_first(tmp_path, nnvox_cmd, background):
    out = tmp_path / "run"
    first = slow_writer(out, background)
    assert first.stdout.readline().split() == ["snapshot", "0"]
    for options in ({"overwrite": True}, {"resume": True}, {}):
        start = time.monotonic()
        with pytest.raises(NnvoxError) as refused:
            nnvox.Recorder(small_model(), PROBE, out, **options)
        assert time.monotonic() - start < 5
        if options:
            assert f"is being recorded by process {first.pid}" in str(refused.value) and "one writer per run" in str(
                refused.value
            )
        else:
            assert "already holds a run" in str(refused.value)
    cli = subprocess.run(
        [*nnvox_cmd, "record", "digits-cnn", "--epochs", "1", "--out", str(out), "--overwrite"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1 and f"process {first.pid}" in cli.stderr, cli.stderr
    # Readers never need the lock
    info = subprocess.run([*nnvox_cmd, "info", str(out), "--json"], capture_output=True, text=True, timeout=120)
    assert info.returncode == 0, info.stderr
    first.stdin.write("stop\n")
    first.stdin.flush()
    said = first.stdout.read().split()
    assert said[-1] == "closed" and first.wait() == 0
    run = nnvox.open_run(out)  # the first writer kept writing throughout, and nobody else did
    assert run.closed and [float(run.read(s.index)["param/0.bias"][0]) for s in run.snapshots] == list(
        range(int(said[-2]) + 1)
    )
    nnvox.Recorder(small_model(), PROBE, out, resume=True).close()  # free once the first is done


def test_a_killed_writer_leaves_no_lock_and_its_leftovers_are_cleared(tmp_path):
    out = tmp_path / "run"
    first = slow_writer(out)
    assert first.stdout.readline().split() == ["snapshot", "0"]
    first.kill()
    first.wait()
    time.sleep(0.3)  # its writer process finishes what it was handed, then lets go
    dead = out / f".snapshot-00099.safetensors.nnvox-{first.pid}-abcdef.tmp"
    dead.write_bytes(b"half")
    mine = out / f".x.nnvox-{os.getpid()}-abcdef.tmp"  # a live process's temporary is never touched
    mine.write_bytes(b"live")
    with nnvox.Recorder(small_model(), PROBE, out, resume=True) as rec:
        rec.snapshot(epoch=99)
    assert not dead.exists() and mine.read_bytes() == b"live"
    assert nnvox.open_run(out).closed


# --- misuse is honest --------------------------------------------------------------------------------


@pytest.mark.parametrize("background", [False, True])
def test_recorder_misuse_is_a_clear_error_or_nothing(tmp_path, background):
    model = small_model()
    rec = nnvox.Recorder(model, PROBE, tmp_path / "run", background=background)
    rec.snapshot(epoch=0, metrics={"loss": torch.tensor(0.5), "acc": 0.9, "nan loss": float("nan")})
    for bad, says in (
        ({"loss": "low"}, "metric 'loss' is str"),
        ({"loss": torch.ones(3)}, "holds 3 values"),
        ({"loss": None}, "NoneType"),
        ({3: 1.0}, "metric names are non-empty strings"),
        ({"": 1.0}, "non-empty strings"),
        ([0.1], "mapping of names"),
        ({"loss": 10**400}, "beyond any floating-point number"),
    ):
        with pytest.raises(NnvoxError, match=says):
            rec.snapshot(epoch=1, metrics=bad)
    for bad in ({"epoch": 1.5}, {"epoch": -1}, {"step": "3"}, {"epoch": True}, {"epoch": 2**64}, {"step": 2**53 + 1}):
        with pytest.raises(NnvoxError, match="whole number"):
            rec.snapshot(**bad)
    with pytest.raises(NnvoxError, match="step is a whole number"):
        rec.step(1.5, every=1)
    assert rec.count == 1  # nothing half-recorded by the refused calls
    rec.close()
    rec.close()  # a second close does nothing
    with pytest.raises(NnvoxError, match=r"this Recorder is closed.*resume=True"):
        rec.snapshot(epoch=2)
    run = nnvox.open_run(tmp_path / "run")
    assert run.closed and len(run.snapshots) == 1 and run.snapshots[0].metrics["loss"] == 0.5
    with nnvox.Recorder(model, PROBE, tmp_path / "run2", background=background) as rec2:
        rec2.snapshot(epoch=0)
        rec2.close()  # closing inside `with`, then the with's own close: fine
    with pytest.raises(NnvoxError, match="overwrite and resume contradict"):
        nnvox.Recorder(model, PROBE, tmp_path / "run3", overwrite=True, resume=True)


def test_a_failed_training_is_not_marked_finished(tmp_path):
    with pytest.raises(ZeroDivisionError), nnvox.Recorder(small_model(), PROBE, tmp_path / "run") as rec:
        rec.snapshot(epoch=0)
        raise ZeroDivisionError("division by zero")  # a bug in the training loop
    run = nnvox.open_run(tmp_path / "run")
    assert not run.closed and len(run.snapshots) == 1


# --- nothing written before the model is accepted ----------------------------------------------------


def test_nothing_is_written_for_a_model_that_cannot_take_the_probe_or_a_zero_budget(tmp_path, nnvox_cmd):
    out = tmp_path / "deep" / "runs" / "run"
    with pytest.raises(NnvoxError, match="forward pass failed"):
        nnvox.Recorder(nn.Linear(5, 2), PROBE, out)
    with pytest.raises(NnvoxError, match="activation_budget must be a positive"):
        nnvox.Recorder(small_model(), PROBE, out, activation_budget=0)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "misfit.py").write_text("from torch import nn\ndef build():\n    return nn.Linear(5, 2)\n")
    done = subprocess.run(
        [*nnvox_cmd, "record", "misfit:build", "--epochs", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["misfit.py"]


# --- a full disk keeps every complete snapshot ---------------------------------------------------

FULL_DISK = r"""
import resource, signal, sys, torch
from torch import nn
import nnvox
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 10))  # ~0.3 MB a snapshot
rec = nnvox.Recorder(model, probe=(torch.randn(4, 256), [0, 1, 2, 3]), out=sys.argv[1], background=sys.argv[2] == "1")
try:
    for i in range(6):
        if i == 3:  # the disk fills up: no file may grow past 100 kB (this process and its writer's)
            for pid in (0, getattr(getattr(rec._writer, "proc", None), "pid", 0)):
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (100_000, 100_000))
        with torch.no_grad():
            model[2].bias.fill_(i)
        rec.snapshot(epoch=i)
        rec.flush()
    print("no error")
except nnvox.NnvoxError as exc:
    print(exc)
"""


@pytest.mark.parametrize("background", ["1", "0"])
def test_a_full_disk_is_reported_by_its_cause_and_keeps_every_complete_snapshot(tmp_path, background):
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(out), background], capture_output=True, text=True, timeout=120
    )
    message = done.stdout.strip()
    assert "EFBIG" in message and "file size limit" in message and "free space" not in message, (message, done.stderr)
    run = nnvox.open_run(out)  # 0 bytes lost: every snapshot before the disk filled, whole
    assert [float(run.read(s.index)["param/2.bias"][0]) for s in run.snapshots] == [0, 1, 2]


RACER = r"""
import sys, time, torch
from torch import nn
import nnvox
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
with torch.no_grad():
    model[0].bias.fill_(float(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()  # both start at the same moment: the test says go once both are ready
try:
    probe = (torch.randn(3, 4), [0, 1, 2])
    with nnvox.Recorder(model, probe=probe, out=sys.argv[1], overwrite=sys.argv[3] == "1") as rec:
        for i in range(5):
            rec.snapshot(epoch=i)
    print("recorded")
except nnvox.NnvoxError as exc:
    print("refused:", exc)
"""


@pytest.mark.parametrize("overwrite", ["0", "1"])
def test_two_recorders_started_together_on_one_folder_one_wins_whole(tmp_path, overwrite):
    """Race trials: two processes start recording into the same new folder at the same moment; one
    records, the other is refused with one line, and the run holds the winner's snapshots alone."""
    out = tmp_path / "run"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(out), str(k), overwrite],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2)
    ]
    # a barrier, not a clock: on a loaded machine one racer's torch import outlasted a 4 s head start,
    # so the two ran one after the other (with overwrite both "recorded") instead of racing
    assert [r.stdout.readline().strip() for r in racers] == ["ready", "ready"]
    for r in racers:
        r.stdin.write("go\n")
        r.stdin.flush()
    said = [r.communicate(timeout=120)[0].strip() for r in racers]
    winners = [k for k, s in zip((1, 2), said) if s == "recorded"]
    assert len(winners) == 1, said
    loser = said[2 - winners[0]]
    assert (
        loser.startswith("refused:")
        and loser.count("\n") == 0
        and ("being recorded by" in loser or "already holds a run" in loser)
    ), loser
    run = nnvox.open_run(out)
    assert run.closed and len(run.snapshots) == 5
    assert {float(run.read(s.index)["param/0.bias"][0]) for s in run.snapshots} == {float(winners[0])}
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


X = torch.randn(2, 4)
BAD_ARGUMENTS = [  # (Recorder keyword arguments, the error's type, words it says)
    ({"model": None}, TypeError, "model must be a torch.nn.Module"),
    ({"out": 3}, TypeError, "out is a path"),
    ({"activation_budget": "a"}, TypeError, "activation_budget must be a whole number"),
    ({"weight_budget": 2.5}, TypeError, "weight_budget must be a whole number"),
    ({"weight_budget": [1]}, TypeError, "weight_budget must be a whole number"),
    ({"gradient_budget": None}, TypeError, "gradient_budget must be a whole number"),
    ({"mistakes": 2.5}, TypeError, "mistakes must be a whole number"),
    ({"mistakes": -1}, NnvoxError, "mistakes is how many"),
    ({"class_names": 3}, TypeError, "class_names must be a list of strings"),
    ({"class_names": "abc"}, TypeError, "class_names must be a list of strings"),
    ({"name": 3}, TypeError, "name must be a string"),
    ({"probe": ("abc", [0, 1])}, TypeError, "probe inputs must be a tensor or array of numbers"),
    ({"probe": (X, ["a", "b"])}, TypeError, "probe labels must be a tensor or array of numbers"),
    ({"probe": (X, [0.5, 1])}, ValueError, "one whole-number class per sample"),
    ({"probe": (X, [[0], [1]])}, ValueError, "one whole-number class per sample"),
    ({"probe": (torch.tensor(1.0), [0])}, ValueError, "batch axis first"),
    ({"probe": (X, [0, 1, 2])}, NnvoxError, "differ in length"),
    ({"probe": (X, [0], [1])}, NnvoxError, "an (inputs, labels) pair"),
    ({"probe": "x"}, NnvoxError, "not str"),
    ({"evaluation": X}, TypeError, "evaluation is an (inputs, labels) pair"),
    ({"evaluation": (X, [0])}, NnvoxError, "differ in length"),
    ({"attributions": ["nope"]}, NnvoxError, "unknown attribution method"),
    ({"attributions": ["grad-cam"]}, NnvoxError, "needs attribution_layer"),
    ({"activation_budget": 0}, NnvoxError, "activation_budget must be a positive"),
    ({"overwrite": "no"}, TypeError, "overwrite is True or False"),
    ({"probe": (X, [0, 100])}, ValueError, "probe label 100 is no class of the model's 3 outputs"),
    ({"class_names": ["a"]}, ValueError, "class_names holds 1 names for the model's 3 outputs"),
    ({"probe": (torch.zeros(0, 4), [])}, ValueError, "the probe holds no samples"),
    ({"evaluation": (torch.randn(5, 3, 4, 4), [0] * 5)}, ValueError, "evaluation inputs are (3, 4, 4) a sample"),
    ({"attributions": ["grad-cam"], "attribution_layer": "0"}, NnvoxError, "grad-cam looks at feature maps"),
]


@pytest.mark.parametrize(
    "options, kind, says", BAD_ARGUMENTS, ids=[str(sorted(o)) + s[:20] for o, _, s in BAD_ARGUMENTS]
)
def test_recorder_arguments_of_the_wrong_kind_are_one_line_and_write_nothing(tmp_path, options, kind, says):
    arguments = {"model": nn.Sequential(nn.Linear(4, 3)), "probe": (X, [0, 1]), "out": tmp_path / "run"} | options
    with pytest.raises(NnvoxError, match=re.escape(says)) as raised:
        nnvox.Recorder(**arguments)
    assert isinstance(raised.value, kind) and "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "sig, code, says", [(signal.SIGINT, 130, "nnvox: interrupted"), (signal.SIGTERM, 143, "nnvox: terminated")]
)
def test_an_interrupted_record_keeps_its_snapshots_and_lets_the_next_writer_in(tmp_path, nnvox_cmd, sig, code, says):
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [*nnvox_cmd, "record", "digits-cnn", "--epochs", "5000", "--out", str(out)],  # never done before the signal
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it, even when the suite itself runs with SIGINT ignored (a job
        # started with & by a script inherits that, and Python then installs no KeyboardInterrupt)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 180  # a loaded CI machine starts torch and the writer slowly
    while not (out / "snapshot-00003.safetensors").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == code and err.strip().splitlines()[-1] == says and "Traceback" not in err, err
    run = nnvox.open_run(out)
    assert not run.closed and len(run.snapshots) >= 4 and not (out / HOLDER).exists()
    resumed = subprocess.run(
        [*nnvox_cmd, "record", "digits-cnn", "--epochs", "1", "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0 and len(nnvox.open_run(out).snapshots) == len(run.snapshots) + 1, resumed.stderr


def test_a_file_put_in_a_run_while_it_is_replaced_is_kept(tmp_path):
    out = tmp_path / "run"
    record(out, snapshots=1)
    model = small_model()
    with nnvox.Recorder(model, PROBE, out, overwrite=True, background=False) as rec:
        (out / "notes.txt").write_text("written while the new run started")  # before its first snapshot
        rec.snapshot(epoch=0)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("run.replaced-")]
    assert len(kept) == 1 and os.listdir(kept[0]) == ["notes.txt"]  # nnvox's old files gone, the user's kept in view
    assert len(nnvox.open_run(out).snapshots) == 1 and not (out / "notes.txt").exists()


def test_stale_temporaries_are_removed_only_when_they_hold_nothing_of_the_users(tmp_path):
    from nnvox.files import remove_stale_temporaries

    dead = 99_999_999  # no such process
    ours = tmp_path / f".run.nnvox-{dead}-abcdef.tmp"
    ours.mkdir()
    (ours / "snapshot-00000.safetensors").write_bytes(b"x")
    mixed = tmp_path / f".run2.nnvox-{dead}-abcdef.tmp"
    mixed.mkdir()
    (mixed / "thesis.tex").write_text("mine")
    crafted = tmp_path / ".x.nnvox-99999999999999999999999-abcdef.tmp"  # no process number at all
    crafted.write_text("?")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted([ours.name, mixed.name])
    assert not ours.exists() and (mixed / "thesis.tex").read_text() == "mine" and crafted.exists()


def test_the_swap_without_renameat2_never_loses_either_side(tmp_path, monkeypatch):
    import ctypes

    from nnvox import files

    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "x").write_text(folder.name)
    monkeypatch.setattr(ctypes, "CDLL", lambda *_, **__: object())  # a C library without renameat2
    files.exchange(a, b)
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    real, calls = os.rename, []

    def second_fails(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "rename", second_fails)
    with pytest.raises(OSError):
        files.exchange(a, b)
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"  # undone: both where they were
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_resuming_with_a_model_of_other_shapes_is_one_line(tmp_path, nnvox_cmd):
    (tmp_path / "m.py").write_text(
        "from torch import nn\n"
        "def a():\n    return nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))\n"
        "def b():\n    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))\n"
    )
    run = lambda spec, *more: subprocess.run(
        [*nnvox_cmd, "record", spec, "--epochs", "1", "--out", "r", *more],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run("m:a").returncode == 0
    before = listing(tmp_path / "r")
    wider = run("m:b", "--resume")
    assert wider.returncode == 2 and wider.stderr.count("\n") == 1, wider.stderr
    assert "1.weight: model (32, 64), file (16, 64)" in wider.stderr
    assert listing(tmp_path / "r") == before


def test_files_named_as_nnvox_names_its_own_are_not_taken_for_its_own(tmp_path):
    import numpy as np
    from safetensors.numpy import save_file

    mine = tmp_path / "mine"
    mine.mkdir()
    save_file({"my_inputs": np.zeros(3, np.float32)}, str(mine / "probe.safetensors"))
    (mine / "snapshot-00003.safetensors").write_text("hi")
    before = listing(mine)
    with pytest.raises(NnvoxError, match=r"not an nnvox run folder .*probe\.safetensors, snapshot-00003"):
        nnvox.Recorder(small_model(), PROBE, mine)
    run = record(tmp_path / "run")
    (run.path / "snapshot-00099.safetensors").write_text("my precious")  # not listed, not nnvox's
    with pytest.raises(NnvoxError, match=r"holds files nnvox did not write \(snapshot-00099"):
        nnvox.Recorder(small_model(), PROBE, run.path, overwrite=True)
    assert listing(mine) == before and (run.path / "snapshot-00099.safetensors").read_text() == "my precious"
    # A recording stopped before its manifest (its probe and held-out files only) is nnvox's: recorded into again
    partial = tmp_path / "partial"
    record(partial)
    (partial / "manifest.json").unlink()
    for name in os.listdir(partial):
        if name.startswith("snapshot-"):
            (partial / name).unlink()
    assert len(record(partial).snapshots) == 2


def test_the_demo_writes_only_into_a_new_empty_or_earlier_demo_folder(tmp_path, nnvox_cmd):
    from nnvox.cli.commands import _check_demo_folder

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "lecture.mp4").write_text("my own lecture")
    (mine / "lecture.toml").write_text("mine")
    afile = tmp_path / "afile"
    afile.write_text("x")
    for out, says in ((mine, "holds files the demo did not write (lecture.mp4, lecture.toml)"), (afile, "is a file")):
        done = subprocess.run(
            [*nnvox_cmd, "demo", "--out", str(out), "--no-window", "--epochs", "1"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert (mine / "lecture.mp4").read_text() == "my own lecture" and sorted(os.listdir(mine)) == [
        "lecture.mp4",
        "lecture.toml",
    ]
    earlier = tmp_path / "demo"
    record(earlier / "run")
    (earlier / "lecture.mp4").write_bytes(b"video")
    (earlier / "stills").mkdir()
    (earlier / "stills" / "weights.png").write_bytes(b"png")
    _check_demo_folder(earlier)  # an earlier demo's folder: taken
    (earlier / "stills" / "holiday.png").write_bytes(b"png")
    with pytest.raises(NnvoxError, match="holds files the demo did not write"):
        _check_demo_folder(earlier)


def test_record_refuses_what_it_cannot_do_before_writing(tmp_path, nnvox_cmd):
    (tmp_path / "m.py").write_text(
        "import torch\nfrom torch import nn\n"
        "class NoWeights(nn.Module):\n    def forward(self, x):\n        return x.flatten(1)[:, :10]\n"
        "def build():\n    return NoWeights()\n"
    )
    cases = (
        (["m:build"], "has no trainable parameters"),
        (["digits-cnn", "--resume"], "holds no run to resume"),
        (["digits-cnn", "--attributions", "grad-cam", "--attribution-layer", "fc1"], "grad-cam looks at feature maps"),
    )
    for args, says in cases:
        done = subprocess.run(
            [*nnvox_cmd, "record", *args, "--epochs", "1", "--out", "r"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and says in done.stderr, (args, done.stderr)
        assert sorted(os.listdir(tmp_path)) == ["__pycache__", "m.py"] or sorted(os.listdir(tmp_path)) == ["m.py"]

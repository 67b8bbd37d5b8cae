"""The built-in trainer records the held-out loss and accuracy at every snapshot, before training
too, under names that say so; a run recorded before them resumes under its old accuracy name."""

import json
import shutil

import numpy as np
import pytest

from nnvox.scenes.training_metrics import HELD_OUT_ACCURACY, HELD_OUT_LOSS, LEARNING_RATE, TRAINING_LOSS


def _direct_loss_and_accuracy(model, data) -> tuple[float, float]:
    """Cross-entropy and accuracy on the digits' test split, computed here with torch alone (not
    through the trainer's evaluate)."""
    import torch

    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(data.x_test))
        labels = torch.from_numpy(data.y_test).long()
        loss = torch.nn.functional.cross_entropy(logits, labels).item()
    return loss, float((logits.argmax(1) == labels).double().mean())


def _model_at(run, index: int | None):
    """The digits CNN as the trainer built it (seed 0: snapshot 0's exact weights), or with a
    snapshot's stored weights (stored in half precision: about 1e-4 off the live ones)."""
    import torch

    from nnvox.models.resolve import resolve_model
    from nnvox.models.train import seed_everything

    spec = resolve_model("digits-cnn")
    seed_everything(0, 1)
    model = spec.build()
    if index is not None:
        keys = [k for k in run.keys(index) if k.startswith("param/")]
        model.load_state_dict({k[len("param/") :]: torch.from_numpy(v) for k, v in run.read(index, keys).items()})
    return model, spec.dataset()


def test_held_out_loss_recorded_before_training_and_after_each_epoch(digits_run):
    snaps = digits_run.snapshots
    assert set(snaps[0].metrics) == {HELD_OUT_LOSS, HELD_OUT_ACCURACY}  # no training loss before training
    for snap in snaps[1:]:
        assert set(snap.metrics) == {TRAINING_LOSS, HELD_OUT_LOSS, HELD_OUT_ACCURACY, LEARNING_RATE}
    loss, accuracy = _direct_loss_and_accuracy(*_model_at(digits_run, None))
    assert snaps[0].metrics[HELD_OUT_LOSS] == pytest.approx(loss, rel=1e-6)
    assert snaps[0].metrics[HELD_OUT_ACCURACY] == pytest.approx(accuracy, abs=1e-9)
    last = len(snaps) - 1
    loss, accuracy = _direct_loss_and_accuracy(*_model_at(digits_run, last))
    assert snaps[last].metrics[HELD_OUT_LOSS] == pytest.approx(loss, rel=2e-3)
    held_out = [s.metrics[HELD_OUT_LOSS] for s in snaps]
    assert held_out[-1] < 0.5 * held_out[0]  # it learned: the held-out loss fell from its untrained value


def test_a_run_recorded_before_the_held_out_names_resumes_under_its_own(digits_run, tmp_path):
    from nnvox.capture.run import open_run
    from nnvox.cli.commands import record_builtin

    out = tmp_path / "old"
    shutil.copytree(digits_run.path, out)
    manifest = json.loads((out / "manifest.json").read_text())
    for snap in manifest["snapshots"]:  # as an older nnvox wrote it: 'accuracy', no held-out loss
        metrics = snap["metrics"]
        metrics["accuracy"] = metrics.pop(HELD_OUT_ACCURACY)
        metrics.pop(HELD_OUT_LOSS)
    (out / "manifest.json").write_text(json.dumps(manifest))
    record_builtin("digits-cnn", out, epochs=1, quiet=True, resume=True)
    names = open_run(out).snapshots.metric_names
    assert "accuracy" in names and HELD_OUT_ACCURACY not in names
    assert np.isfinite(open_run(out).snapshots.metric("accuracy")).all()
    # its one loss curve stays the training loss: a held-out loss from the resume on only replaced it
    assert HELD_OUT_LOSS not in names

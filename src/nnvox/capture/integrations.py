"""Recording from Lightning and Hugging Face training: callbacks that snapshot at every epoch's end
on the main process only. Their libraries are imported when a callback is made, never before."""

from __future__ import annotations

from pathlib import Path

from nnvox.capture.recorder import Recorder


def _scalars(values) -> dict[str, float]:
    out = {}
    for k, v in dict(values).items():
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            continue  # not a number (a string, a vector): not a metric we can plot
    return out


def lightning_callback(probe: tuple, out: str | Path, **recorder_options):
    """A `lightning.pytorch.Callback`: `Trainer(callbacks=[nnvox.lightning_callback((x, y), "runs/x")])`."""
    import lightning.pytorch as pl

    class NnvoxCallback(pl.Callback):
        def __init__(self):
            self.recorder: Recorder | None = None

        def on_train_epoch_end(self, trainer, pl_module):
            if not trainer.is_global_zero:
                return  # weights are the same on every rank: rank 0 records, the others go on
            if self.recorder is None:
                self.recorder = Recorder(pl_module, probe=probe, out=out, **recorder_options)
            self.recorder.snapshot(
                epoch=trainer.current_epoch, step=trainer.global_step, metrics=_scalars(trainer.callback_metrics)
            )

        def on_train_end(self, trainer, pl_module):
            if self.recorder is not None:
                self.recorder.close()

    return NnvoxCallback()


def huggingface_callback(probe: tuple, out: str | Path, **recorder_options):
    """A `transformers.TrainerCallback`: `Trainer(..., callbacks=[nnvox.huggingface_callback((x, y), "runs/x")])`."""
    from transformers import TrainerCallback

    class NnvoxTrainerCallback(TrainerCallback):
        def __init__(self):
            self.recorder: Recorder | None = None

        def on_epoch_end(self, args, state, control, model=None, **kwargs):
            if not state.is_world_process_zero or model is None:
                return
            if self.recorder is None:
                self.recorder = Recorder(model, probe=probe, out=out, **recorder_options)
            logged = state.log_history[-1] if state.log_history else {}
            self.recorder.snapshot(epoch=round(state.epoch or 0), step=state.global_step, metrics=_scalars(logged))

        def on_train_end(self, args, state, control, **kwargs):
            if self.recorder is not None:
                self.recorder.close()

    return NnvoxTrainerCallback()

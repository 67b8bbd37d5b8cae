"""The Lightning and Hugging Face callbacks, driving real (tiny) trainings of each library."""

import pytest
import torch
from torch import nn

import nnvox


def _data(n=64):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    return x, (x.sum(1) > 0).long()


def test_lightning_callback_records_each_epoch(tmp_path):
    pl = pytest.importorskip(
        "lightning.pytorch", reason="lightning is not installed (pip install 'nnvox[integrations]')"
    )
    x, y = _data()

    class Module(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

        def forward(self, v):
            return self.net(v)

        def training_step(self, batch, _):
            loss = nn.functional.cross_entropy(self(batch[0]), batch[1])
            self.log("train_loss", loss, on_epoch=True, on_step=False)
            return loss

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.5)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    trainer = pl.Trainer(
        max_epochs=3,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[nnvox.lightning_callback((x[:4], y[:4]), tmp_path / "run")],
    )
    trainer.fit(Module(), loader)
    run = nnvox.open_run(tmp_path / "run")
    assert [s.epoch for s in run.snapshots] == [0, 1, 2] and run.closed
    assert "train_loss" in run.snapshots[-1].metrics
    assert [n.name for n in run.architecture.nodes] == ["input", "net.0", "net.1", "net.2"]


def test_huggingface_callback_records_each_epoch(tmp_path):
    transformers = pytest.importorskip(
        "transformers", reason="transformers is not installed (pip install 'nnvox[integrations]')"
    )
    x, y = _data()

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

        def forward(self, inputs=None, labels=None):
            logits = self.net(inputs)
            loss = None if labels is None else nn.functional.cross_entropy(logits, labels)
            return {"loss": loss, "logits": logits} if loss is not None else {"logits": logits}

    rows = [{"inputs": a, "labels": b} for a, b in zip(x, y)]
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path / "hf"),
        num_train_epochs=2,
        per_device_train_batch_size=16,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="epoch",
        disable_tqdm=True,
        learning_rate=0.05,
    )
    trainer = transformers.Trainer(
        model=Model(),
        args=args,
        train_dataset=rows,
        callbacks=[nnvox.huggingface_callback((x[:4], y[:4]), tmp_path / "run")],
    )
    trainer.train()
    run = nnvox.open_run(tmp_path / "run")
    assert [s.epoch for s in run.snapshots] == [1, 2] and run.closed
    assert "loss" in run.snapshots[-1].metrics

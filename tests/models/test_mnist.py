"""mnist-lenet: a LeNet trained on the 5,000 real 28x28 MNIST digits that ship inside nnvox."""

import subprocess

import numpy as np
import torch

from nnvox.models import get_builtin
from nnvox.models.data import MNIST_TEST_PER_CLASS, load_mnist
from nnvox.models.train import TrainOptions, seed_everything, train


def _rows(a: np.ndarray) -> set[bytes]:
    return {img.tobytes() for img in a}


def test_mnist_ships_real_digits_with_a_fixed_held_out_split():
    a, b = load_mnist(), load_mnist()
    np.testing.assert_array_equal(a.x_test, b.x_test)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.x_train.shape == (4000, 1, 28, 28) and a.x_test.shape == (10 * MNIST_TEST_PER_CLASS, 1, 28, 28)
    assert a.x_train.dtype == np.float32 and a.y_train.dtype == np.int64
    assert np.bincount(a.y_test).tolist() == [MNIST_TEST_PER_CLASS] * 10  # every class held out alike
    assert np.bincount(a.y_train).tolist() == [500 - MNIST_TEST_PER_CLASS] * 10
    assert abs(float(a.x_train.mean())) < 1e-4 and abs(float(a.x_train.std()) - 1) < 1e-3
    assert not _rows(a.x_train) & _rows(a.x_test)  # no held-out digit is trained on
    background = a.x_train.min()  # real digits: mostly blank paper, a stroke in the middle
    assert (a.x_train == background).mean() > 0.7
    assert (a.x_train[:, :, 10:18, 10:18] > background).mean() > 3 * (a.x_train[:, :, :4, :] > background).mean()
    assert not np.array_equal(load_mnist(seed=1).x_test, a.x_test)  # the seed chooses the split


def test_mnist_lenet_reaches_95_percent_on_held_out_digits():
    """What `nnvox record mnist-lenet` trains (its default 10 epochs, seed 0): ~13 s on one thread."""
    options = TrainOptions(epochs=10, seed=0)
    seed_everything(options.seed, options.threads)
    spec = get_builtin("mnist-lenet")
    model = spec.build()
    assert [n for n, _ in model.named_children()][:3] == ["conv1", "relu1", "pool1"]
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    results = train(model, spec.dataset(), options)
    assert results[0].test_accuracy < results[-1].test_accuracy
    assert results[-1].test_accuracy >= 0.95, [round(r.test_accuracy, 3) for r in results]


def test_record_mnist_lenet_like_the_other_models(tmp_path, nnvox_cmd):
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene

    out = tmp_path / "lenet"
    done = subprocess.run([*nnvox_cmd, "record", "mnist-lenet", "--epochs", "1", "--out", str(out)], text=True)
    assert done.returncode == 0
    run = open_run(out)
    assert run.probe_inputs.shape == (10, 1, 28, 28) and run.class_names == tuple("0123456789")
    assert run.evaluation[0].shape == (10 * MNIST_TEST_PER_CLASS, 1, 28, 28)
    assert run.mistake_rows > 0 and len(run.mistakes(len(run.snapshots) - 1)) > 0
    scene = build_scene(run)
    assert scene.block("input").rows == 28 and scene.block("fc2").rows == 10
    info = subprocess.run([*nnvox_cmd, "info", str(out)], capture_output=True, text=True)
    assert info.returncode == 0 and "6 × 28 × 28" in info.stdout and "mnist-lenet" in info.stdout

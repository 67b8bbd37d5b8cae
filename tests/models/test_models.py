import numpy as np
import torch

from nnvox.models import available_models, get_builtin
from nnvox.models.data import load_digits, probe_batch
from nnvox.models.train import TrainOptions, train


def test_digits_split_is_fixed_and_normalised():
    a, b = load_digits(), load_digits()
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert a.x_train.shape[1:] == (1, 8, 8) and a.x_train.dtype == np.float32
    assert abs(float(a.x_train.mean())) < 1e-4 and abs(float(a.x_train.std()) - 1) < 1e-3
    assert len(a.x_train) + len(a.x_test) == 1797


def test_probe_batch_has_one_of_each_class_in_order():
    x, y = probe_batch(load_digits())
    assert list(y) == list(range(10)) and x.shape == (10, 1, 8, 8)


def test_builtins_run_on_their_own_data():
    assert {"digits-cnn", "digits-mlp", "digits-resnet", "digits-unet", "seq-lstm", "seq-gpt"} <= set(
        available_models()
    )
    for name in available_models():
        spec = get_builtin(name)
        data = spec.dataset()
        assert spec.build()(torch.from_numpy(data.x_test[:2])).shape == (2, len(data.class_names))


def test_training_is_deterministic_and_learns():
    data = load_digits()
    weights = []
    for _ in range(2):
        torch.manual_seed(123)  # a different global state must not matter: train() seeds itself
        model = get_builtin("digits-cnn").build()
        results = train(model, data, TrainOptions(epochs=3, seed=7))
        weights.append(model.fc2.weight.detach().clone())
    torch.testing.assert_close(weights[0], weights[1], rtol=0, atol=0)
    assert results[-1].test_accuracy > 0.8 and results[-1].loss < results[0].loss
    assert torch.get_num_threads() == 1


def test_zoo_names_have_small_trainable_variants():
    from nnvox.models.zoo import ARCHITECTURES, resnet18

    for name in ARCHITECTURES:
        spec = get_builtin(name)  # what `nnvox record NAME` trains
        data = spec.dataset()
        model = spec.build()
        assert model(torch.from_numpy(data.x_test[:2])).shape == (2, 10)
        assert sum(p.numel() for p in model.parameters()) < 3_000_000
    # the same module names as the full architecture, so what is learnt here maps onto it
    small, full = get_builtin("resnet18").build(), resnet18()
    assert [n for n, _ in small.named_modules()] == [n for n, _ in full.named_modules()]

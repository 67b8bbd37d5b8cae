"""Comparisons: one layout, one colour scale per layer across both sides, and left − right."""

import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.compare import build_comparison
from nnvox.scenes.scene import SceneOptions
from tests.conftest import record_digits
from tests.scenes.test_layout_graphs import run_of


@pytest.fixture(scope="module")
def other_run(tmp_path_factory):
    from nnvox.capture.run import open_run
    from nnvox.cli.commands import record_builtin

    out = tmp_path_factory.mktemp("runs") / "digits-seed1"
    record_builtin("digits-cnn", out, epochs=2, quiet=True, seed=1)
    return open_run(out)


def test_two_snapshots_of_one_run_and_their_difference(digits_run):
    c = build_comparison(digits_run, options=SceneOptions(mode="weights"))  # snapshot 0 pinned on the left
    left, right = c.frames(2.0)
    assert left.snapshot == 0 and right.snapshot == 2
    w0, w2 = (digits_run.read(i, ["param/fc1.weight"])["param/fc1.weight"] for i in (0, 2))
    np.testing.assert_allclose(left.values["fc1"][0], w0, rtol=1e-5)
    diff = c.difference.frame_at(2.0)
    np.testing.assert_allclose(diff.values["fc1"][0], w0 - w2, rtol=1e-4, atol=1e-6)
    block = c.difference.block("fc1")
    assert block.scale.cmap == "difference" and block.scale.hi == c.left.block("fc1").scale.hi
    assert "left" in diff.hud and "epoch 0" in diff.hud and "epoch 2" in diff.hud
    same = build_comparison(digits_run, pin=2).difference.frame_at(2.0)
    finite = [v[np.isfinite(v)] for v in same.values.values()]
    assert all(np.all(v == 0) for v in finite)  # a snapshot against itself: no difference anywhere


def test_two_runs_share_layout_and_scales(digits_run, other_run):
    c = build_comparison(digits_run, other_run)
    assert c.n_snapshots == 3 and c.pin is None  # the shorter run's length
    own = build_scene(other_run)
    for a, b, o in zip(c.left.blocks, c.right.blocks, own.blocks):
        assert a.scale == b.scale and a.origin == b.origin
        assert a.scale.lo <= min(o.scale.lo, build_scene(digits_run).block(a.name).scale.lo) + 1e-9
        assert a.scale.hi >= o.scale.hi - 1e-9
    _left, _right = c.frames(1.0, sample=3)
    act = {i: r.read(1, ["act/relu2"])["act/relu2"][3] for i, r in enumerate((digits_run, other_run))}
    np.testing.assert_allclose(
        c.difference.frame_at(1.0, sample=3).values["relu2"], act[0] - act[1], rtol=1e-4, atol=1e-5
    )
    assert c.left.run_name != c.right.run_name  # same model name: told apart by folder


def test_incomparable_runs_get_clear_errors(digits_run, tmp_path):
    mlp = record_digits(tmp_path / "mlp", epochs=1, model="digits-mlp")
    with pytest.raises(NnvoxError, match="same architecture"):
        build_comparison(digits_run, mlp)
    with pytest.raises(NnvoxError, match="snapshot 7 does not exist"):
        build_comparison(digits_run, pin=7)
    with pytest.raises(NnvoxError, match="pin applies to two snapshots of one run"):
        build_comparison(digits_run, digits_run, pin=1)
    torch.manual_seed(0)
    a = run_of(nn.Sequential(nn.Linear(4, 3)), torch.randn(2, 4), tmp_path / "a")
    b = run_of(nn.Sequential(nn.Linear(4, 3)), torch.randn(5, 4), tmp_path / "b")
    with pytest.raises(NnvoxError, match="probe sets differ"):
        build_comparison(a, b)
    assert dataclasses.is_dataclass(build_comparison(a, a))  # a run against itself is fine

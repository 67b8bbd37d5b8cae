import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def record_digits(out: Path, epochs: int = 3, model: str = "digits-cnn"):
    from nnvox.cli.commands import record_builtin

    record_builtin(model, out, epochs=epochs, quiet=True)
    from nnvox.capture.run import open_run

    return open_run(out)


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory):
    """A small real recording: the digits CNN, a snapshot before training and after each of 3 epochs."""
    return record_digits(tmp_path_factory.mktemp("runs") / "digits", epochs=3)


@pytest.fixture(scope="session")
def lenet_run(tmp_path_factory):
    """The demo's 28 x 28 LeNet after one epoch, with the integrated gradients the lecture's mistake
    shot draws: one recording shared by every test (none writes into it; one that would copies it)."""
    from nnvox.capture.run import open_run
    from nnvox.cli.commands import record_builtin

    out = tmp_path_factory.mktemp("runs") / "lenet"
    record_builtin("mnist-lenet", out, epochs=1, quiet=True, attributions=("integrated-gradients",))
    return open_run(out)


@pytest.fixture
def nnvox_cmd():
    """The installed `nnvox` script next to this interpreter."""
    return [str(Path(sys.executable).with_name("nnvox"))]


# Fuzzing: CI runs a fixed-seed sample (the same examples every run); NNVOX_LONG=1 runs the long
# variants (tests marked `long`) and many more examples, freshly drawn.
LONG = os.environ.get("NNVOX_LONG") == "1"
try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci",
        derandomize=True,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.register_profile(
        "long",
        max_examples=2000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.load_profile("long" if LONG else "ci")
except ImportError:  # hypothesis comes with the test extra
    pass


def pytest_collection_modifyitems(config, items):
    if LONG:
        return
    skip = pytest.mark.skip(reason="a long variant: run with NNVOX_LONG=1 (CI runs its fixed-seed sample)")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)

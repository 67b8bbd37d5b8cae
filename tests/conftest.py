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


@pytest.fixture
def nnvox_cmd():
    """The installed `nnvox` script next to this interpreter."""
    return [str(Path(sys.executable).with_name("nnvox"))]

"""nnvox: see a neural network think.

The public API loads torch and pyvista lazily, so `import nnvox` (and `nnvox --help`) stays instant.
"""

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "Recorder": "nnvox.capture.recorder",
    "open_run": "nnvox.capture.run",
    "Run": "nnvox.capture.run",
    "trace": "nnvox.capture.trace",
    "Architecture": "nnvox.capture.architecture",
    "build_scene": "nnvox.scenes.build",
    "SceneOptions": "nnvox.scenes.scene",
    "ViewSpec": "nnvox.scenes.view",
    "OutputSpec": "nnvox.scenes.view",
    "export": "nnvox.viewer.export",
    "render_png": "nnvox.viewer.export",
    "render_storyboard": "nnvox.viewer.storyboard_export",
    "render_figure": "nnvox.viewer.figures",
    "show": "nnvox.viewer.show",  # the desktop window, or in a notebook the inline viewer
    "NnvoxError": "nnvox.errors",
    "explain": "nnvox.capture.attributions",
    "lightning_callback": "nnvox.capture.integrations",
    "huggingface_callback": "nnvox.capture.integrations",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # what IDEs and type checkers see; at run time each name loads when first used
    from nnvox.capture.architecture import Architecture
    from nnvox.capture.attributions import explain
    from nnvox.capture.integrations import huggingface_callback, lightning_callback
    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import Run, open_run
    from nnvox.capture.trace import trace
    from nnvox.errors import NnvoxError
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.scenes.view import OutputSpec, ViewSpec
    from nnvox.viewer.export import export, render_png
    from nnvox.viewer.figures import render_figure
    from nnvox.viewer.show import show
    from nnvox.viewer.storyboard_export import render_storyboard


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nnvox' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazy names too: dir(nnvox) and completion in a REPL list Recorder, open_run, export, ..."""
    return sorted({*globals(), *_LAZY})

"""nnvox: see a neural network think.

The public API loads torch and pyvista lazily, so `import nnvox` (and `nnvox --help`) stays instant.
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "Recorder": "nnvox.capture.recorder",
    "open_run": "nnvox.capture.run",
    "Run": "nnvox.capture.run",
    "trace": "nnvox.capture.trace",
    "Architecture": "nnvox.capture.architecture",
    "build_scene": "nnvox.scenes.build",
    "SceneOptions": "nnvox.scenes.scene",
    "export": "nnvox.viewer.export",
    "render_png": "nnvox.viewer.export",
    "render_storyboard": "nnvox.viewer.storyboard_export",
    "render_figure": "nnvox.viewer.figures",
    "show": "nnvox.viewer.window",
    "NnvoxError": "nnvox.errors",
    "explain": "nnvox.capture.attributions",
    "lightning_callback": "nnvox.capture.integrations",
    "huggingface_callback": "nnvox.capture.integrations",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nnvox' has no attribute {name!r}")

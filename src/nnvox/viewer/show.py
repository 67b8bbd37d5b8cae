"""`nnvox.show`: in a notebook (Jupyter, JupyterLab, VS Code, Colab) the browser viewer inline as a
widget; anywhere else the desktop window (viewer/window.py). Either shows a run, or a model run once
on an input: `nnvox.show(model, x)`."""

from __future__ import annotations

import sys

from nnvox.errors import NnvoxError

# the window's own arguments, which an inline viewer has no use for
_WINDOW_ONLY = ("size", "against", "pin", "difference")


def in_notebook() -> bool:
    """An IPython kernel with a front end (a notebook), not a terminal IPython or a script."""
    ipython = sys.modules.get("IPython")  # never imported here: a script that did not import it is no notebook
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and (type(shell).__name__ == "ZMQInteractiveShell" or "google.colab" in sys.modules)


def notebook_widget(run, *, spec=None, height: int | None = None, **options):
    """The inline viewer on a run (or its folder), showing `spec` (its mode, sample or mistake, t, ...)."""
    from nnvox.scenes.view import check_applies, specs_from
    from nnvox.viewer.web.page import WIDGET_BUNDLE, viewer_bundle

    window_only = [k for k in _WINDOW_ONLY if options.get(k) is not None and options.get(k) is not False]
    if window_only:
        raise NnvoxError(f"{window_only[0]} does not apply to the notebook viewer (it shows one run); leave it out")
    options = {k: v for k, v in options.items() if k not in _WINDOW_ONLY}
    spec, _ = specs_from(spec, None, options, where="show", output_fields=False)
    check_applies("a web page", spec)
    viewer_bundle(WIDGET_BUNDLE)  # not built: one line, before the scene is built
    try:
        from nnvox.viewer.web.source import RunSource
        from nnvox.viewer.web.widget import HEIGHT, ViewerWidget
    except ImportError as exc:
        if exc.name != "anywidget":
            raise
        raise NnvoxError("the notebook viewer needs anywidget: pip install 'nnvox[notebook]'") from None
    return ViewerWidget(RunSource(run, spec), height=height or HEIGHT)


def show(target, inputs=None, *, spec=None, **options):
    """Show a run (a Run or its folder), or a model run once on `inputs` (a tensor or array, samples
    first; a tuple of positional inputs; a dict of keyword inputs). In a notebook: returns the
    inline viewer (the cell displays it; a run still being recorded grows on its timeline). Elsewhere:
    opens the desktop window (see nnvox.viewer.window.show for its options) and returns when it closes."""
    from nnvox.capture.single_pass import run_of

    # a forward pass that fails is drawn up to the failing layer, its error on screen
    target = run_of(target, inputs, call="nnvox.show(model, x)", partial=True)
    if in_notebook():
        return notebook_widget(target, spec=spec, **options)
    from nnvox.viewer.window import show as show_window

    return show_window(target, spec=spec, **options)

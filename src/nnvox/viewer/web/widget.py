"""The notebook widget (anywidget): the browser viewer inline in Jupyter, JupyterLab, VS Code and
Colab. Its front end is the viewer's bundle as an ES module (static/widget.js); the scene
description is the `scene` trait, and each snapshot travels when the page asks for it, as a message
with the colour indices in a binary buffer (source.RunSource computes it, as for `nnvox serve`).
A run that a Recorder is still writing is re-read every FOLLOW_SECONDS until it is closed, and new
snapshots appear on the widget's timeline.

Imported only by `nnvox.show` in a notebook: `import nnvox` never loads anywidget."""

from __future__ import annotations

import dataclasses
import threading

import anywidget
import traitlets

from nnvox.errors import NnvoxError
from nnvox.viewer.web.kept import Kept
from nnvox.viewer.web.page import WIDGET_BUNDLE, viewer_bundle
from nnvox.viewer.web.source import RunSource
from nnvox.viewer.web.views import PER_SAMPLE

FOLLOW_SECONDS = 2.0  # how often a live run's manifest is looked at (a stat)
HEIGHT = 560  # the widget's height in CSS pixels; it is as wide as the notebook's output
VIEWS_KEPT = 4  # views (mode, sample) kept built: switching back is instant, a late request still answered


class ViewerWidget(anywidget.AnyWidget):
    _esm = viewer_bundle(WIDGET_BUNDLE)  # not built: the one-line error, on first use
    scene = traitlets.Dict().tag(sync=True)
    height = traitlets.Int(HEIGHT).tag(sync=True)

    def __init__(self, source: RunSource, *, height: int = HEIGHT, follow_seconds: float = FOLLOW_SECONDS):
        super().__init__(scene=source.description, height=height)
        self._source = source  # the view the `scene` trait shows
        self._views: Kept = Kept(VIEWS_KEPT)  # (mode, sample) -> its RunSource, the shown one among them
        self._views.get(_kept_as(_view_of(source)), lambda: source)
        self._closing = threading.Event()
        self.on_msg(self._answer)
        if source.live:
            threading.Thread(target=self._follow, args=(follow_seconds,), daemon=True, name="nnvox-follow").start()

    def _answer(self, _widget, content, _buffers) -> None:
        """{"want": i, "view": {mode, sample, open}, "version": v} -> snapshot i of that view, its texts
        with the view and version echoed and its indices as the one buffer, or {"snapshot": i,
        "view", "error"} (the page's promise rejects with it); {"view": {mode, sample, open}} alone -> that
        view's description as the `scene` trait, or {"error", "view"} (the control bar). Every
        request is answered: one the widget cannot read, or whose build fails in any way, with an
        error (a page left waiting would never draw that view)."""
        if not isinstance(content, dict):
            return  # not one of the page's messages: nothing names what to answer
        asked = content.get("view")
        view = _view_asked(asked) if "view" in content else _view_of(self._source)
        if "want" not in content:
            self._switch(asked, view)
            return
        i = content["want"]
        echo = {"snapshot": i, "view": asked}
        try:
            if view is None or not isinstance(i, int) or isinstance(i, bool):
                raise NnvoxError(f"not a view and snapshot this widget shows: {asked!r}, {i!r}")
            source = self._view(view)
            piece = source.piece(i, content.get("version"))
        except Exception as exc:  # noqa: BLE001 - told to the page, whose promise rejects with it
            self.send({**echo, "error": _said(exc)})
            return
        self.send({**echo, "version": source.version, **piece.header()}, buffers=[piece.indices])

    def _view(self, view: tuple[str, int, str | None]) -> RunSource:
        """The run's view in a mode and sample, built when first wanted (a few kept); a mode whose
        picture does not depend on the sample (weights) is built once, whichever sample is asked.
        Its block `opened` open (a double-click) where the view opens it, else the view closed (a
        mode switched to with a layer open: weights has no conv1 maps)."""
        mode, sample, opened = key = _kept_as(view)
        if key == _kept_as(_view_of(self._source)):
            return self._source
        if opened is not None:
            closed = self._view((mode, sample, None))
            if opened not in closed.description["openable"]:
                return closed
        spec = dataclasses.replace(self._source.spec, mode=mode, sample=sample, mistake=None)
        if mode != self._source.spec.mode:  # its histogram panel is the first mode's layer
            spec = dataclasses.replace(spec, histogram=None)
        names = () if opened is None else (opened,)
        if opened is None and len(spec.open) > 1 and mode == self._source.spec.mode:
            names = spec.open  # several shown open (nnvox.show(open=[...])): kept through a sample switch
        spec = dataclasses.replace(spec, open=names)
        return self._views.get(key, lambda: RunSource(self._source.path, spec))

    def _switch(self, asked, view: tuple[str, int] | None) -> None:
        try:
            if view is None:
                raise NnvoxError(f"not a view this widget shows: {asked!r} (a mode and a sample number)")
            source = self._view(view)
            source.refresh()  # a view kept from before a live run grew
        except Exception as exc:  # noqa: BLE001 - told to the page's control bar
            self.send({"error": _said(exc), "view": asked})
            return
        self._source = source
        self.scene = source.description

    def follow_once(self) -> bool:
        """Read the run again if it changed, and hand the page the new description; whether it did."""
        source = self._source
        if changed := source.refresh():  # (a run caught half written keeps what was shown: refresh says no)
            self.scene = source.description
        return changed

    def _follow(self, seconds: float) -> None:
        while not self._closing.wait(seconds) and self._source.live:
            self.follow_once()

    def close(self) -> None:
        self._closing.set()
        super().close()


def _said(exc: BaseException) -> str:
    """An error as the page's one line: nnvox's own as they are, any other with its kind."""
    return str(exc) if isinstance(exc, (NnvoxError, LookupError)) else f"{type(exc).__name__}: {exc}"


def _view_of(source: RunSource) -> tuple[str, int, str | None]:
    return source.spec.mode, source.sample, source.description["opened"]


def _kept_as(view: tuple[str, int, str | None]) -> tuple[str, int, str | None]:
    """The key a view is kept under: a mode whose picture does not depend on the sample, one for all."""
    mode, sample, opened = view
    return (mode, sample if mode in PER_SAMPLE else 0, opened)


def _view_asked(view) -> tuple[str, int, str | None] | None:
    """A view the page names, {"mode": m, "sample": s, "open": b or null (none open)}, as (m, s, b);
    None if it is not one it offers."""
    from nnvox.scenes.view import MODES

    if not isinstance(view, dict):
        return None
    mode, sample, opened = view.get("mode"), view.get("sample"), view.get("open")
    if mode not in MODES or not isinstance(sample, int) or isinstance(sample, bool) or sample < 0:
        return None
    return (mode, sample, opened) if opened is None or isinstance(opened, str) else None

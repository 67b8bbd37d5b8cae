"""The notebook widget (anywidget): the browser viewer inline in Jupyter, JupyterLab, VS Code and
Colab. Its front end is the viewer's bundle as an ES module (static/widget.js); the scene
description is the `scene` trait, and each snapshot travels when the page asks for it, as a message
with the colour indices in a binary buffer (source.RunSource computes it, as for `nnvox serve`).
A run that a Recorder is still writing is re-read every FOLLOW_SECONDS until it is closed, and new
snapshots appear on the widget's timeline.

Imported only by `nnvox.show` in a notebook: `import nnvox` never loads anywidget."""

from __future__ import annotations

import threading

import anywidget
import traitlets

from nnvox.errors import NnvoxError
from nnvox.viewer.web.page import WIDGET_BUNDLE, viewer_bundle
from nnvox.viewer.web.source import RunSource

FOLLOW_SECONDS = 2.0  # how often a live run's manifest is looked at (a stat)
HEIGHT = 560  # the widget's height in CSS pixels; it is as wide as the notebook's output


class ViewerWidget(anywidget.AnyWidget):
    _esm = viewer_bundle(WIDGET_BUNDLE)  # not built: the one-line error, on first use
    scene = traitlets.Dict().tag(sync=True)
    height = traitlets.Int(HEIGHT).tag(sync=True)

    def __init__(self, source: RunSource, *, height: int = HEIGHT, follow_seconds: float = FOLLOW_SECONDS):
        super().__init__(scene=source.description, height=height)
        self._source = source
        self._closing = threading.Event()
        self.on_msg(self._answer)
        if source.live:
            threading.Thread(target=self._follow, args=(follow_seconds,), daemon=True, name="nnvox-follow").start()

    def _answer(self, _widget, content, _buffers) -> None:
        """{"want": i} -> snapshot i's texts, its indices as the one buffer; {"view": {mode, sample}}
        -> that view's description as the `scene` trait (the page's control bar)."""
        if isinstance(content, dict) and isinstance(content.get("view"), dict):
            self._switch(content["view"])
            return
        i = content.get("want") if isinstance(content, dict) else None
        if not isinstance(i, int) or isinstance(i, bool):
            return
        try:
            piece = self._source.piece(i)
        except IndexError:
            return  # a page that asked before the run was read again; it asks again
        self.send({"snapshot": i, **piece.header()}, buffers=[piece.indices])

    def _switch(self, view: dict) -> None:
        from nnvox.scenes.view import MODES, ViewSpec

        mode, sample = view.get("mode"), view.get("sample")
        if mode not in MODES or not isinstance(sample, int) or isinstance(sample, bool):
            return  # not a view this page offers
        try:
            source = RunSource(self._source.path, ViewSpec(mode=mode, sample=sample))
        except NnvoxError as exc:
            self.send({"error": str(exc)})
            return
        self._source = source
        self.scene = source.description

    def follow_once(self) -> bool:
        """Read the run again if it changed, and hand the page the new description; whether it did."""
        try:
            changed = self._source.refresh()
        except NnvoxError:
            return False  # a snapshot caught half written: the next look tries again
        if changed:
            self.scene = self._source.description
        return changed

    def _follow(self, seconds: float) -> None:
        while not self._closing.wait(seconds) and self._source.live:
            self.follow_once()

    def close(self) -> None:
        self._closing.set()
        super().close()

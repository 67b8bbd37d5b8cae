"""The window's mouse: a click selects a block and inspects the voxel under it (or picks a mistake
in the mistakes figure), a double-click opens or closes a block, hovering shows a block's label.
A part of viewer.window.Window, kept apart so that each file reads as one concern."""

from __future__ import annotations


class MouseHandlers:
    """Mixed into Window: reads its plotter, panes, scene, playback, panels and figure state."""

    def _on_move(self, *_) -> None:
        """Hovering a block shows its label."""
        if getattr(self, "_press", None) is None:
            name = self._block_at(*self.plotter.iren.interactor.GetEventPosition())
            if name != self._hovered:
                self._hovered = name
                self._focus_labels()
                self.plotter.render()

    def _on_press(self, *_) -> None:
        iren = self.plotter.iren.interactor
        x, y = iren.GetEventPosition()
        if iren.GetRepeatCount() < 1:  # a single click selects on release, if the mouse did not drag
            self._press = (x, y)
            return
        self._press = None
        # the block the first click selected: its histogram panel may have moved the network over since
        first, at = getattr(self, "_clicked", (None, None))
        name = first if at is not None and abs(x - at[0]) + abs(y - at[1]) <= 3 else self._block_at(x, y)
        if name is not None:
            self.toggle_layer(name)

    def _block_at(self, x: int, y: int) -> str | None:
        return next((name for pane in self.panes if (name := pane.renderer.block_at(x, y)) is not None), None)

    def _on_release(self, *_) -> None:
        x, y = self.plotter.iren.interactor.GetEventPosition()
        if self._press is not None and abs(x - self._press[0]) + abs(y - self._press[1]) <= 3:
            if self.figure == "mistakes" and (rank := self.figure_panel.plot_at(x, y)) is not None:
                self._choose_mistake(rank)
            else:
                self._inspect(x, y)
                self._clicked = (self._block_at(x, y), (x, y))
                self.select(self._clicked[0])
        self._press = None

    def _choose_mistake(self, rank: int) -> None:
        """A mistake clicked in the mistakes figure: the whole scene shows it, when its activations
        were recorded (the run keeps each snapshot's first few)."""
        recorded = min(len(self.run.mistakes(round(self.playback.t))), self.run.mistake_rows)
        if self.comparing or rank >= recorded:
            self.panels.say(f"mistake {rank + 1}: only the first {recorded} of each snapshot have recorded activations")
            self.plotter.render()
            return
        self.playback.choose_sample(self.run.probe_count + rank)

    def _inspect(self, x: int, y: int) -> None:
        """A clicked voxel's story, and what it sees outlined in amber; empty space clears it."""
        from nnvox.viewer.desktop.voxel import voxel_under

        self.voxel = None
        if self.mode == "activations" and not self.comparing:
            self.voxel = voxel_under(
                self.scene_renderer, self.scene, self.run, x, y, t=self.playback.t, sample=self.playback.sample
            )
        self.scene_renderer.show_field(self.voxel.field if self.voxel else None)
        self.panels.show_voxel(self.voxel)

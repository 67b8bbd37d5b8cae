"""The window's mouse: a click selects a block and inspects the voxel under it (or picks a mistake
in the mistakes figure), a double-click opens or closes a block (a layer of feature maps: into its
maps, face-on), hovering shows a block's label.
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
            self._toggle_open(name) if self._opens_into_maps(name) else self.toggle_layer(name)

    def select(self, name: str | None) -> None:
        self.selected = name
        self._redraw()

    def _opens_into_maps(self, name: str) -> bool:
        """A double-click on `name` opens it into its maps (or closes it): an open layer, or a layer
        of feature maps that stands for itself alone (a group, a fold or a module opens into its layers)."""
        from nnvox.scenes.open_layer import can_open
        from nnvox.scenes.selection import select
        from nnvox.viewer.desktop.panes import opened_by

        block = next((b for b in self.scene.blocks if b.name == name), None)
        if block is None or self.comparing:
            return False
        if block.opened is not None:
            return True
        depth = None if self.expanded else self.spec.depth
        if any(name in opened_by(e, self.run.architecture, depth) for e in self.expand):
            return False  # a part of what a double-click opened: that closes it, as before
        chosen = select(self.run.architecture, self.switch.shown)
        alone = chosen.members(name) == [name] and name not in chosen.folds
        return alone and block.role in ("feature", "weights") and can_open(block)  # weights: kernel tiles

    def _toggle_open(self, name: str) -> None:
        """Open a feature-map layer into its maps (a weight into its kernels), face-on, or close it back
        into its stack (animated)."""
        import dataclasses

        self._end_glide()
        opening, opened = name not in self.opened, self.opened ^ {name}
        self.switch.open_layer(dataclasses.replace(self._scene_options(), opened=opened), name, opening)
        self.opened = opened  # only once the scene was built: one that fails leaves the window as it was
        self._shown()
        self._redraw()

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

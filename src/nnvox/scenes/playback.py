"""Playback state shared by the window (and, later, every timeline control): pure and evented.

No GUI imports: the window calls `tick(dt)` from its timer and redraws when anything changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Real

from nnvox.errors import NnvoxError, NnvoxTypeError


def check_position(t: float, n_snapshots: int) -> float:
    """`t` (a snapshot index; fractions lie between two) when the timeline has it, else a clear error
    (a still silently taken at the last snapshot would hide a typo)."""
    if isinstance(t, bool) or not isinstance(t, Real):
        raise NnvoxTypeError(f"t is a snapshot position (a number), got {t!r}")
    if not 0 <= t <= max(n_snapshots - 1, 0):  # NaN fails this too
        raise NnvoxError(
            f"t = {t:g} is outside the timeline: the run has snapshots 0..{n_snapshots - 1} (fractions lie between two)"
        )
    return float(t)


@dataclass
class Playback:
    n_snapshots: int
    sample_count: int  # probe samples, then recorded mistakes
    t: float = 0.0
    sample: int = 0
    playing: bool = False
    speed: float = 1.0  # snapshots per second
    reveal: float | None = None  # forward-pass animation progress 0..1, None when not running
    forward_seconds: float = 2.0
    listeners: list[Callable[[Playback], None]] = field(default_factory=list, repr=False)

    @property
    def last(self) -> float:
        return float(max(self.n_snapshots - 1, 0))

    def _changed(self) -> None:
        for fn in self.listeners:
            fn(self)

    def seek(self, t: float) -> None:
        t = min(max(float(t), 0.0), self.last)
        if t != self.t:
            self.t = t
            self._changed()

    def step(self, delta: int) -> None:
        """To the next/previous whole snapshot (from between two, to the nearer one in that direction)."""
        target = (int(self.t) + 1 if delta > 0 else -int(-self.t // 1) - 1) if self.t % 1 else self.t + delta
        self.playing = False
        self.seek(target)

    def toggle_play(self) -> None:
        self.playing = not self.playing
        if self.playing and self.t >= self.last:
            self.t = 0.0  # play again from the start
        self._changed()

    def change_sample(self, delta: int) -> None:
        self.sample = (self.sample + delta) % max(self.sample_count, 1)
        self._changed()

    def choose_sample(self, sample: int) -> None:
        self.sample = sample % max(self.sample_count, 1)
        self._changed()

    def start_forward_pass(self) -> None:
        self.reveal = 0.0
        self._changed()

    def tick(self, dt: float) -> bool:
        """Advance by dt seconds. Returns whether anything moved."""
        moved = False
        if self.reveal is not None:
            self.reveal += dt / self.forward_seconds
            if self.reveal >= 1.0:
                self.reveal = None
            moved = True
        elif self.playing:
            self.t = min(self.t + dt * self.speed, self.last)
            if self.t >= self.last:
                self.playing = False
            moved = True
        if moved:
            self._changed()
        return moved

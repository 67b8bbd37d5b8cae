"""What the writer measured of each snapshot, read from its file header (no tensor data read):
value summaries, NaN/Inf counts and layer health, and the run-wide colour limits built from them."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from nnvox.capture.run_format import HEALTH_KEY, NONFINITE_KEY, NONFINITE_KINDS_KEY, STATS_KEY


class HeaderSummaries:
    """Mixed into Run, which provides `snapshots` and `_header_json(index, key)` (cached, checked)."""

    def stats(self, index: int) -> dict[str, list[float]]:
        """Per-tensor [min, p1, p99, max, non-finite count] of a snapshot, from its file header (no
        tensor data read). A few snapshots' are kept: memory does not grow with the run."""
        return self._header_json(index, STATS_KEY)

    def nonfinite(self, index: int) -> dict[str, float]:
        """Per tensor key, how many NaN/Inf values the snapshot holds (keys with any only): a small
        header entry, so a timeline move need not parse the summaries."""
        return self._header_json(index, NONFINITE_KEY)

    def nonfinite_kinds(self, index: int) -> dict[str, list[float]]:
        """Per tensor key with any NaN/Inf, the counts [NaN, +Inf, -Inf] apart (a deliberate -Inf
        mask is told from a fault by them, see capture/masking.py)."""
        return self._header_json(index, NONFINITE_KINDS_KEY)

    def health(self, index: int) -> dict[str, dict[str, float]]:
        """Layer health measured by the writer over the whole probe batch ({activation key:
        {"dead": fraction of units, "active": fraction of values} or {"saturated": fraction}}),
        from the file header."""
        recorded = self._header_json(index, HEALTH_KEY)
        return {k: {m: v for m, v in h.items() if not m.endswith("_units")} for k, h in recorded.items()}

    def dead_units(self, index: int) -> dict[str, list[int]]:
        """Per ReLU-like activation key, the units (channels or features) that never fired on any
        probe sample at this snapshot."""
        return self._stuck(index, "dead_units")

    def saturated_units(self, index: int) -> dict[str, list[int]]:
        """Per tanh/sigmoid activation key, the units within 1% of the range's ends for every probe
        sample at this snapshot."""
        return self._stuck(index, "saturated_units")

    def _stuck(self, index: int, what: str) -> dict[str, list[int]]:
        return {k: h[what] for k, h in self._header_json(index, HEALTH_KEY).items() if what in h}

    def health_over_time(self, key: str, measure: str = "active") -> np.ndarray:
        """One health measure of one activation across the run (NaN where not recorded)."""
        return np.array([self.health(s.index).get(key, {}).get(measure, np.nan) for s in self.snapshots])

    @cached_property
    def limits(self) -> dict[str, tuple[float, float]]:
        """Per tensor key over the whole run: (lowest 1st percentile, highest 99th percentile), the
        robust limits colour scales are fixed to. One pass over the snapshot headers."""
        out: dict[str, tuple[float, float]] = {}
        for s in self.snapshots:
            for k, st in self.stats(s.index).items():
                lo, hi = out.get(k, (np.inf, -np.inf))
                out[k] = (min(lo, st[1]), max(hi, st[2]))
        return out

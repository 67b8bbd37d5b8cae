"""What one view's snapshot pieces and description share while they are computed: its blocks'
histogram bins (each block's reference snapshot binned once, not once a snapshot) and what each
block's channel statistics are over. Made per view (the export's, a RunSource's reading), so it lives
as long as the view and no longer."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.scenes.histogram import HistogramSource
from nnvox.scenes.scene import Scene


@dataclass(frozen=True)
class ViewNumbers:
    scene: Scene
    histograms: HistogramSource
    statistics: dict[str, dict]  # block -> its statistics' axis, shape and words (statistics.py)


def view_numbers(scene: Scene) -> ViewNumbers:
    from nnvox.viewer.web.histograms import histogram_source
    from nnvox.viewer.web.statistics import describe_statistics

    return ViewNumbers(scene, histogram_source(scene), describe_statistics(scene))


def numbers_for(scene: Scene, numbers: ViewNumbers | None) -> ViewNumbers:
    """`numbers` where they are the scene's, else the scene's own."""
    return numbers if numbers is not None and numbers.scene is scene else view_numbers(scene)

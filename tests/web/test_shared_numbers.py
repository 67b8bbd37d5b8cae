"""A view's numbers are shared by the threads that answer its requests (`nnvox serve` answers each
in its own thread, and every snapshot piece of a view reads the one HistogramSource its
view_numbers made): they must give every thread its bins."""

from __future__ import annotations

import sys
import threading

import pytest


def test_histogram_source_serves_many_threads(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.web.view_numbers import view_numbers

    scene = build_scene(digits_run)
    source = view_numbers(scene).histograms  # as a RunSource's reading shares it between requests
    source._cache_size = 1  # evictions as often as they come: a view's reading keeps a few more
    names = [b.name for b in scene.blocks]
    errors: list[BaseException] = []

    def ask(k: int):
        try:
            for i in range(200):
                source.at(names[(k + i) % len(names)], (k + i) % scene.n_snapshots)
        except BaseException as exc:  # noqa: BLE001 - what a server thread would turn into a 500
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two bytecodes, as under load
    try:
        threads = [threading.Thread(target=ask, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    if errors:
        pytest.fail(f"{len(errors)} of 8 threads failed, the first with {errors[0]!r}")

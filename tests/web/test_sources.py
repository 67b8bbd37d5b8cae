"""What `nnvox serve` and the notebook widget keep, without a browser: a run read again only moves
on when the read succeeded and names its contents (never the count of reads), so a rebuilt view
never mixes old colour scales with new frames; views are built once per key while requests for
other views go on; the sample is part of what a request names; the least recently used go first;
and runs (and the modes they can show) written after the server started are offered."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from nnvox.capture.run import MANIFEST
from nnvox.errors import NnvoxError
from nnvox.viewer.web import server
from nnvox.viewer.web.kept import Kept
from nnvox.viewer.web.server import ServedRuns
from nnvox.viewer.web.source import RunSource, StaleVersion
from tests.web.test_serve import cut_manifest


@pytest.fixture
def live(digits_run, tmp_path):
    """A copy of the digits run after 2 of its snapshots, still open; the whole manifest beside it."""
    folder = tmp_path / "live"
    shutil.copytree(digits_run.path, folder)
    whole = json.loads((folder / MANIFEST).read_text())
    cut_manifest(folder, whole, 2)
    return folder, whole


def test_a_failed_read_is_tried_again_and_the_version_names_the_contents(live, monkeypatch):
    from nnvox.scenes import build

    folder, whole = live
    source = RunSource(folder)
    assert RunSource(folder).version == source.version  # a view built again agrees with the first
    cut_manifest(folder, whole, 3)
    real = build.build_scene
    with monkeypatch.context() as patch:
        patch.setattr(build, "build_scene", lambda *a, **k: (_ for _ in ()).throw(NnvoxError("half written")))
        assert not source.refresh()  # kept what was shown (before: the error escaped, the stamp moved on)
        assert source.n_snapshots == 2 and source.description["version"] == source.version
    assert build.build_scene is real
    assert source.refresh() and source.n_snapshots == 3  # tried again: the failed read claimed nothing
    rebuilt = RunSource(folder)
    assert rebuilt.version == source.version
    cut_manifest(folder, whole, 2)
    older = RunSource(folder)
    assert older.version != rebuilt.version  # a grown run is another version, whichever source read it
    with pytest.raises(StaleVersion):
        rebuilt.piece(0, older.version)
    assert rebuilt.piece(0, rebuilt.version).indices == rebuilt.piece(0).indices


def test_a_rebuilt_view_never_hands_old_scales_new_frames(live, monkeypatch):
    """The server drops a view (its budget) and builds it again after the run grew: the page's
    version poll sees a new version, and a snapshot asked for with the old one is refused (409)."""
    folder, whole = live
    monkeypatch.setattr(server, "SOURCES_KEPT", 1)  # one view kept: the next view asked for drops it
    runs = ServedRuns([folder], look_seconds=0)
    first = json.loads(runs.answer("/api/runs/0/scene?mode=weights").body)
    runs.answer("/api/runs/0/scene?mode=activations")  # drops weights
    cut_manifest(folder, whole, 3)
    polled = json.loads(runs.answer("/api/runs/0/version?mode=weights").body)  # rebuilt from the grown run
    assert polled["version"] != first["version"] and polled["snapshots"] == 3
    stale = runs.answer(f"/api/runs/0/snapshots/0.bin?mode=weights&v={first['version']}")
    assert stale.status == 409 and b"read again" in stale.body
    fresh = runs.answer(f"/api/runs/0/snapshots/0.bin?mode=weights&v={polled['version']}")
    assert (
        fresh.status == 200
        and len(fresh.body) == json.loads(runs.answer("/api/runs/0/scene?mode=weights").body)["frame_bytes"]
    )


def test_a_slow_view_does_not_hold_up_another_and_is_built_once(digits_run, tmp_path, monkeypatch):
    other = tmp_path / "other"
    shutil.copytree(digits_run.path, other)
    runs = ServedRuns([digits_run.path, other])
    release, entered, builds = threading.Event(), threading.Event(), []
    real = RunSource._read

    def read(self, run):
        builds.append(self.path)
        if self.path == digits_run.path:
            entered.set()
            assert release.wait(60)
        return real(self, run)

    monkeypatch.setattr(RunSource, "_read", read)
    slow = [threading.Thread(target=runs.answer, args=("/api/runs/0/scene?mode=weights",)) for _ in range(3)]
    for t in slow:
        t.start()
    assert entered.wait(30)
    answered = []
    quick = threading.Thread(target=lambda: answered.append(runs.answer("/api/runs/1/scene?mode=weights").status))
    quick.start()
    quick.join(10)  # (a digits view builds in well under a second)
    answered_meanwhile = list(answered)
    release.set()
    for t in slow:
        t.join(30)
    quick.join(30)
    assert answered_meanwhile == [200]  # run 1 answered while run 0 was still being built
    assert builds.count(digits_run.path) == 1  # three requests, one build


def test_kept_drops_the_least_recently_used_and_keeps_no_failure():
    kept = Kept(2)
    for key in ("a", "b", "a", "c"):
        kept.get(key, lambda key=key: key.upper())
    assert kept.keys() == ["a", "c"]  # b was used least recently (first in, first out would drop a)
    sized = Kept(10, budget=5, size=len)
    for key in ("ab", "cd", "ef"):
        sized.get(key, lambda key=key: key)
    assert sized.keys() == ["cd", "ef"]
    with pytest.raises(ValueError):
        kept.get("x", lambda: int("x"))
    assert kept.get("x", lambda: "X") == "X"  # a failed build was not kept


def test_the_widget_answers_each_request_from_the_view_it_names(live):
    pytest.importorskip("anywidget")
    from nnvox.viewer.web.widget import ViewerWidget

    folder, _ = live
    widget = ViewerWidget(RunSource(folder), follow_seconds=3600)
    sent = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers))
    widget._answer(widget, {"view": {"mode": "activations", "sample": 3}}, [])
    assert widget.scene["sample"] == 3
    widget._answer(widget, {"want": 1, "view": {"mode": "activations", "sample": 0}}, [])  # a late request
    (content, buffers), first = sent[-1], RunSource(folder)
    assert content["view"] == {"mode": "activations", "sample": 0} and buffers[0] == first.piece(1).indices
    assert buffers[0] != widget._source.piece(1).indices  # sample 3's differ: the sample was asked for
    widget._answer(widget, {"want": 1, "view": {"mode": "activations", "sample": 3}, "version": "old"}, [])
    assert "read again" in sent[-1][0]["error"] and sent[-1][1] is None
    widget._answer(widget, {"want": 99, "view": {"mode": "activations", "sample": 3}}, [])
    assert "snapshot 99 is not in" in sent[-1][0]["error"]
    widget._answer(widget, {"view": {"mode": "activations", "sample": 999}}, [])
    assert "999" in sent[-1][0]["error"] and sent[-1][0]["view"]["sample"] == 999 and widget.scene["sample"] == 3
    widget.close()


def test_runs_and_modes_written_after_the_server_started_are_offered(digits_run, tmp_path):
    runs_folder = tmp_path / "runs"
    runs_folder.mkdir()
    runs = ServedRuns([runs_folder], look_seconds=0)
    assert json.loads(runs.answer("/api/runs").body) == []
    late = runs_folder / "late"
    shutil.copytree(digits_run.path, late)
    whole = json.loads((late / MANIFEST).read_text())
    cut_manifest(late, whole, 1)  # a Recorder after its first snapshot
    listed = json.loads(runs.answer("/api/runs").body)
    assert [(r["name"], r["snapshots"]) for r in listed] == [("late", 1)]
    assert "change" not in listed[0]["modes"] and "mode=change" not in runs.answer("/").body.decode()
    cut_manifest(late, whole, 3)  # two more: change modes can be shown now
    listed = json.loads(runs.answer("/api/runs").body)
    assert listed[0]["snapshots"] == 3 and "change" in listed[0]["modes"]
    assert "/view?run=late&amp;mode=change" in runs.answer("/").body.decode()
    assert runs.answer("/api/runs/late/scene?mode=change").status == 200
    waiting = tmp_path / "waiting"  # named before its Recorder wrote anything
    waiting.mkdir()
    runs = ServedRuns([waiting], look_seconds=0)
    assert json.loads(runs.answer("/api/runs").body) == []
    shutil.copytree(digits_run.path, waiting, dirs_exist_ok=True)
    assert [r["name"] for r in json.loads(runs.answer("/api/runs").body)] == ["waiting"]


def test_a_late_run_whose_fallback_name_is_taken_gets_another(digits_run, tmp_path):
    """P/lenet, found after a/lenet, b/P-lenet and c/P-lenet-4: 'P-lenet' is taken and so is the
    fallback 'P-lenet-4' (the runs so far and one): the name looked on until free."""
    named = [tmp_path / "a" / "lenet", tmp_path / "b" / "P-lenet", tmp_path / "c" / "P-lenet-4"]
    for folder in [*named, tmp_path / "P" / "lenet"]:
        shutil.copytree(digits_run.path, folder)
    names = ServedRuns([*named, tmp_path / "P"], look_seconds=0).names
    assert names[:3] == ["lenet", "P-lenet", "P-lenet-4"] and len(set(names)) == 4, names


def test_unknown_run_names_list_the_folders_no_more_often_than_the_run_list(digits_run, tmp_path, monkeypatch):
    parent = tmp_path / "runs"
    shutil.copytree(digits_run.path, parent / "one")
    runs = ServedRuns([parent], look_seconds=60)
    listed = []
    real = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: listed.append(self) or real(self))
    for _ in range(5):
        assert runs.answer("/api/runs/nothing-here/scene").status == 404
    assert runs.answer("/api/runs/one/version").status == 200
    assert listed == []  # listed when the server started, not again within look_seconds


def test_the_widget_answers_every_request_and_builds_a_weights_view_once(live, monkeypatch):
    """A page waits for each answer: a request the widget cannot read, or whose build fails in any
    way, is answered with an error naming it; a weights view is one whatever sample is asked."""
    pytest.importorskip("anywidget")
    from nnvox.viewer.web import widget as widget_module

    folder, _ = live
    widget = widget_module.ViewerWidget(RunSource(folder), follow_seconds=3600)
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    nonsense = {"mode": "weights", "sample": "two"}
    for request in ({"view": nonsense}, {"want": 0, "view": nonsense}, {"want": "0"}, {"want": None}):
        widget._answer(widget, request, [])
        assert len(sent) == 1 and sent.pop()["error"], request
    built = []
    monkeypatch.setattr(widget_module, "RunSource", lambda *a: built.append(a) or RunSource(*a))
    for sample in (0, 2, 5):
        widget._answer(widget, {"view": {"mode": "weights", "sample": sample}}, [])
        assert widget.scene["mode"] == "weights" and "error" not in (sent[-1] if sent else {})
    assert len(built) == 1  # one weights view, not one per sample
    monkeypatch.setattr(RunSource, "piece", lambda *a: 1 / 0)  # a build failing in a way nnvox did not foresee
    widget._answer(widget, {"want": 1, "view": {"mode": "weights", "sample": 2}}, [])
    assert "ZeroDivisionError" in sent[-1]["error"] and sent[-1]["view"] == {"mode": "weights", "sample": 2}
    widget.close()


def test_the_servers_views_keep_their_snapshots_under_one_budget_counted_as_sent(digits_run, monkeypatch):
    """Every view's computed snapshots share one budget, each counted as the page receives it: its
    colour indices and its header's JSON (cloud points, histogram bars, statistics), not the indices alone."""
    views = [("activations", 0), ("activations", 1), ("weights", 0)]
    sent = {}
    runs = ServedRuns([digits_run.path])
    for mode, sample in views:
        for i in range(4):
            query = f"mode={mode}&sample={sample}&v={runs.source(0, mode, sample).version}"
            answers = [runs.answer(f"/api/runs/0/snapshots/{i}.{ext}?{query}") for ext in ("bin", "json")]
            assert [a.status for a in answers] == [200, 200]
            sent[mode, sample, i] = sum(len(a.body) for a in answers)
    budget = 3 * max(sent.values())
    monkeypatch.setattr(server, "SERVED_BUDGET", budget)
    runs = ServedRuns([digits_run.path])
    for mode, sample in views:
        for i in range(4):
            runs.source(0, mode, sample).piece(i)
    kept = [
        sent[mode, sample, i]
        for mode, sample in views
        for i in range(4)
        if runs.source(0, mode, sample)._pieces.peek(
            (runs.source(0, mode, sample)._own, runs.source(0, mode, sample).version, i)
        )
    ]
    assert len(kept) >= 2 and sum(kept) <= budget, (kept, budget)
    assert runs._pieces.bytes == sum(kept)  # counted as sent, indices and header


def test_the_server_builds_a_weights_view_once_whatever_sample_is_asked(digits_run, monkeypatch):
    from nnvox.viewer.web import source as source_module

    built = []
    real = source_module.RunSource
    monkeypatch.setattr(source_module, "RunSource", lambda *a: built.append(a[1]) or real(*a))
    runs = ServedRuns([digits_run.path])
    for sample in (0, 2, 5):
        assert runs.answer(f"/api/runs/0/scene?mode=weights&sample={sample}").status == 200
    assert runs.answer("/api/runs/0/scene?mode=activations&sample=2").status == 200
    assert [(spec.mode, spec.sample) for spec in built] == [("weights", 0), ("activations", 2)]

"""`nnvox serve`: the page and the run list answer, a snapshot comes as the bytes the exported page
embeds, nothing outside the named runs is served, a browser closing mid-transfer does not stop
it, and a run that gains a snapshot grows on the page's timeline (Chromium, tests/web/conftest.py)."""

from __future__ import annotations

import gzip
import http.client
import json
import shutil
import socket
import struct
import subprocess
import threading

import pytest

from nnvox.capture.run import MANIFEST
from nnvox.viewer.export import export
from nnvox.viewer.web import page as page_module
from nnvox.viewer.web.server import open_server
from tests.web.test_export_html import parts


def cut_manifest(folder, whole: dict, keep: int) -> None:
    """The run's manifest as a Recorder leaves it after `keep` snapshots, still open."""
    (folder / MANIFEST).write_text(json.dumps({**whole, "snapshots": whole["snapshots"][:keep], "closed": False}))


@pytest.fixture(scope="module")
def growing(digits_run, tmp_path_factory):
    """A copy of the digits run that a Recorder seems to be writing: its first 2 snapshots so far."""
    folder = tmp_path_factory.mktemp("live") / "digits-live"
    shutil.copytree(digits_run.path, folder)
    whole = {**json.loads((folder / MANIFEST).read_text()), "name": "digits-live"}  # its own name in the URLs
    cut_manifest(folder, whole, 2)
    return folder, whole


@pytest.fixture(scope="module")
def server(digits_run, growing):
    served = open_server([digits_run.path, growing[0]], "127.0.0.1", 0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()


def get(server, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    """GET a raw path (http.client sends it as written: no normalising of /../)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_the_run_list_and_the_page_answer(server, digits_run):
    status, body = get(server, "/")
    assert status == 200 and b"digits-cnn" in body and b"/view?run=digits-live&amp;mode=weights" in body
    status, body = get(server, "/api/runs")
    assert [r["snapshots"] for r in json.loads(body)] == [len(digits_run.snapshots), 2]
    if page_module.BUNDLE.exists():  # the page itself needs the built script
        status, body = get(server, "/view?run=0&mode=weights")
        assert status == 200 and b'id="nnvox-source"' in body and b'"api":"/api/runs/0"' in body


def test_a_snapshot_is_the_bytes_the_exported_page_embeds(server, digits_run, tmp_path):
    if not page_module.BUNDLE.exists():
        pytest.skip("the browser viewer's bundle is not built: run `make setup`")
    description, indices = parts(export(digits_run, tmp_path / "w.html", mode="weights", sample=1))
    status, body = get(server, "/api/runs/0/scene?mode=weights&sample=1")
    served = json.loads(body)
    assert status == 200 and served["frame_bytes"] == description["frame_bytes"]
    assert served["blocks"] == description["blocks"] and served["snapshots"] == description["snapshots"]
    n = description["frame_bytes"]
    for i in range(len(description["snapshots"])):
        status, body = get(server, f"/api/runs/digits-cnn/snapshots/{i}.bin?mode=weights&sample=1")
        assert status == 200 and body == indices[i * n : (i + 1) * n], i
        assert (
            json.loads(get(server, f"/api/runs/0/snapshots/{i}.json?mode=weights&sample=1")[1])
            == (description["headers"][i])
        )
    status, body = get(server, "/api/runs/0/snapshots/0.bin?mode=weights&sample=1", {"Accept-Encoding": "gzip"})
    assert status == 200 and gzip.decompress(body) == indices[:n]  # compressed for a slow SSH tunnel


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/api/runs/0/../../../../etc/passwd",
        "/api/runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd/scene",
        "//etc/passwd",
        "/etc/passwd",
        "http://127.0.0.1/etc/passwd",
        "/api/runs/0/snapshots/../manifest.json",
        "/api/runs/0/manifest.json",
        "/api/runs/2/scene",
        "/api/runs/nope/scene",
        "/api/runs/0/snapshots/99.bin",
        "/view?run=/etc",
    ],
)
def test_nothing_outside_the_named_runs_is_served(server, path):
    status, body = get(server, path)
    assert status == 404, (path, status)
    assert b"root:" not in body and b"architecture" not in body


def test_a_browser_closing_mid_transfer_is_quiet_and_the_server_goes_on(server, capfd):
    port = server.server_address[1]
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/runs/0/snapshots/1.bin?mode=weights HTTP/1.1\r\nHost: x\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a polite close
        s.close()
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"GET /api/runs/0/sce")  # a request cut short
    half.close()
    assert get(server, "/api/runs")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_bad_folder_or_a_taken_port_is_one_line(nnvox_cmd, tmp_path, server, digits_run):
    bad = subprocess.run([*nnvox_cmd, "serve", str(tmp_path / "absent")], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "does not exist" in bad.stderr
    port = str(server.server_address[1])
    taken = subprocess.run(
        [*nnvox_cmd, "serve", str(digits_run.path), "--port", port], capture_output=True, text=True, timeout=60
    )
    assert taken.returncode == 2 and taken.stderr.count("\n") == 1 and "pick another with --port" in taken.stderr


def test_the_served_page_follows_a_run_that_gains_a_snapshot(server, browser, growing):
    folder, whole = growing
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/view?run=1")
    page.wait_for_function("window.nnvoxViewer && window.nnvoxViewer.drawn > 0", timeout=30_000)
    slider = page.locator(".nnvox-timeline input")
    assert slider.get_attribute("max") == "1" and page.evaluate("window.nnvoxViewer.snapshot") == 1
    cut_manifest(folder, whole, 3)
    page.wait_for_function("document.querySelector('.nnvox-timeline input')?.max === '2'", timeout=20_000)
    page.wait_for_function("window.nnvoxViewer.snapshot === 2", timeout=10_000)  # it followed the newest
    slider.focus()
    slider.press("Home")
    page.wait_for_function("window.nnvoxViewer.snapshot === 0", timeout=10_000)
    assert errors == []
    page.close()
    (folder / MANIFEST).write_text(json.dumps(whole))


def test_the_index_offers_only_the_modes_a_run_can_show_and_names_runs_by_folder(digits_run, tmp_path):
    from nnvox.viewer.web.server import ServedRuns

    once, whole = tmp_path / "a" / "digits", tmp_path / "b" / "digits"
    for folder in (once, whole):
        shutil.copytree(digits_run.path, folder)
    manifest = json.loads((once / MANIFEST).read_text())
    (once / MANIFEST).write_text(json.dumps({**manifest, "snapshots": manifest["snapshots"][:1]}))  # run once
    runs = ServedRuns([once, whole])
    assert runs.names == ["a-digits", "b-digits"]  # two folders of one name, told apart
    index = runs.answer("/").body.decode()
    once_row, whole_row = index.split("<li>")[1:]
    assert "(digits-cnn, 1 snapshot)" in once_row and "(digits-cnn, 4 snapshots)" in whole_row
    assert "mode=weights" in once_row and "mode=change" not in once_row and "mode=update-ratio" not in once_row
    assert "/view?run=b-digits&amp;mode=change" in whole_row
    assert runs.find("b-digits") == 1 and runs.find("digits-cnn") is None  # the model's name is both runs'
    refused = runs.answer("/view?run=a-digits&mode=change")
    assert refused.status == 400 and b"a-digits cannot show change mode; it shows activations, weights" in refused.body
    far = runs.answer("/view?run=0&sample=999").body.decode()
    assert "no sample 999" in far and "--mistake" not in far  # the page's words, not the CLI's
    assert runs.answer("/api/runs/b-digits/scene?mode=change").status == 200


def test_requests_for_another_host_and_odd_numbers_are_refused(server):
    """Bound to 127.0.0.1 the server answers only requests addressed to the loopback (a page that
    rebinds its own name to 127.0.0.1 reads nothing), and a number that is not plain ASCII digits is a
    400, not a 500."""
    port = server.server_address[1]
    assert get(server, "/api/runs", {"Host": f"evil.example:{port}"})[0] == 400
    assert get(server, "/api/runs", {"Host": f"localhost:{port}"})[0] == 200
    assert get(server, "/api/runs", {"Host": f"[::1]:{port}"})[0] == 200
    assert get(server, "/view?run=0&mode=weights&sample=%C2%B2")[0] == 400  # '²'
    assert get(server, "/api/runs/%C2%B2/scene")[0] == 404

"""`nnvox serve RUN [RUN ...]`: the browser viewer for runs on a remote machine (reached through an
SSH port forward), TensorBoard-style, on the standard library's ThreadingHTTPServer.

What it answers, and nothing else (a URL names a run by index or by its folder's name, a snapshot by
number, never a path: no file outside the named runs' snapshots can be asked for):

    /                                      the runs, with a link per mode each can show
    /view?run=R&mode=M&sample=S            the viewer page (the export's script, fetching the rest)
    /api/runs                              the runs as JSON
    /api/runs/R/scene?mode=M&sample=S      the scene description (the run read again if it grew);
                                           &open=B: block B open into its maps (a double-click)
    /api/runs/R/version?...                {"version": n}: the page polls it to follow a live run
    /api/runs/R/snapshots/I.bin?...&v=V    snapshot I's colour indices (the bytes the export embeds)
    /api/runs/R/snapshots/I.json?...&v=V   snapshot I's texts (heads-up line, class rows)

(V: the version of the scene the page holds; a run read again since answers 409, so a page never
draws a snapshot with another reading's colour scales.) Runs are read again lazily: a run that
grew when next asked about, a run folder that appears in a folder of runs named on the command
line when the run list is next asked for (catalogue.py).

Snapshots are read from the run folders when first asked for (source.RunSource keeps a few).
A browser that closes mid-transfer is no error."""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, quote, unquote, urlsplit

from nnvox.errors import NnvoxError
from nnvox.scenes.view import MODES, ViewSpec
from nnvox.viewer.web.catalogue import LOOK_SECONDS, RunCatalogue
from nnvox.viewer.web.kept import Kept
from nnvox.viewer.web.source import StaleVersion, kept_pieces

GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)  # the browser went away: not an error
SOURCES_KEPT = 16  # (run, mode, sample) views kept built, the least recently asked for dropped first...
SOURCES_BUDGET = 64 * 1024 * 1024  # ...and at most this many bytes of their descriptions as sent
SERVED_PIECES = 512  # computed snapshots kept, all views together...
SERVED_BUDGET = 128 * 1024 * 1024  # ...and at most this many bytes of them as sent (indices and headers)
GZIP_MIN = 1024  # smaller answers go as they are
_API = re.compile(r"/api/runs/(?P<run>[^/]+)/(?:(?P<what>scene|version)|snapshots/(?P<i>\d{1,9})\.(?P<ext>bin|json))")


class Answer(NamedTuple):
    status: int
    type: str
    body: bytes


def _json(value, status: int = 200) -> Answer:
    return Answer(status, "application/json", json.dumps(value, separators=(",", ":"), allow_nan=False).encode())


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


class ServedRuns:
    """The named runs and their views; `answer(url)` is the whole server apart from the sockets.
    The runs are read again lazily (catalogue.RunCatalogue); each view is built once, by the first
    request that wants it, while requests for other views go on (kept.Kept)."""

    def __init__(self, paths: list[Path], look_seconds: float = LOOK_SECONDS):
        self.catalogue = RunCatalogue(paths, look_seconds)  # each run checked now: a bad folder is told before serving
        self._sources: Kept = Kept(SOURCES_KEPT, SOURCES_BUDGET, size=lambda source: len(source.encoded))
        self._pieces = kept_pieces(SERVED_PIECES, SERVED_BUDGET)  # every view's snapshots under one budget

    @property
    def names(self) -> list[str]:
        return self.catalogue.names

    def find(self, key: str) -> int | None:
        """A run by its index in the list, its folder's name (`names`), or its model's name when no
        other run has it; one not known yet is looked for again (a run started since), at most every
        look_seconds as the run list is."""
        if (index := self._find(key)) is None:
            self.catalogue.look()
            index = self._find(key)
        return index

    def _find(self, key: str) -> int | None:
        runs = self.catalogue.runs
        if _whole(key):
            return int(key) if int(key) < len(runs) else None
        if key in self.names:
            return self.names.index(key)
        named = [i for i, r in enumerate(runs) if r.run.name == key]
        return named[0] if len(named) == 1 else None

    def modes(self, index: int) -> tuple[str, ...]:
        """The modes a run can show (views.showable_modes), worked out again when the run grew."""
        return self.catalogue[index].modes()

    def source(self, index: int, mode: str, sample: int, opened: str | None = None):
        """The run's view in a mode and sample, built when first asked for (a few kept); a mode whose
        picture does not depend on the sample (weights) is one view, whichever sample is asked.
        `opened`: a block shown open (the page's double-click), where the view opens it; the view
        closed where it does not (a mode switched to with a layer open: weights has no conv1 maps)."""
        from nnvox.viewer.web.source import RunSource
        from nnvox.viewer.web.views import PER_SAMPLE

        path, sample = self.catalogue.runs[index].path, sample if mode in PER_SAMPLE else 0
        build = lambda *names: lambda: RunSource(path, ViewSpec(mode=mode, sample=sample, open=names), self._pieces)
        closed = self._sources.get((index, mode, sample, None), build())
        if opened is None or opened not in closed.description["openable"]:
            return closed
        return self._sources.get((index, mode, sample, opened), build(opened))

    def answer(self, url: str) -> Answer:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            if parts.path == "/":
                return Answer(200, "text/html; charset=utf-8", self.index().encode())
            if parts.path == "/favicon.ico":
                return Answer(204, "image/x-icon", b"")  # browsers ask; no icon is no error
            if parts.path == "/api/runs":
                self.catalogue.look()
                return _json([self._listing(i) for i in range(len(self.catalogue))])
            if parts.path == "/view":
                return self._view(query)
            if match := _API.fullmatch(parts.path):
                return self._api(match, query)
        except NnvoxError as exc:
            return _text(400, str(exc))
        return _text(404, "not found: this server answers /, /view?run=R&mode=M and /api/runs (`nnvox serve --help`)")

    def _spec(self, query: dict) -> tuple[str, int]:
        mode, sample = query.get("mode", "activations"), query.get("sample", "0")
        if mode not in MODES or not _whole(sample):
            raise NnvoxError(
                f"mode must be one of {', '.join(MODES)} and sample a whole number (got {mode!r}, {sample!r})"
            )
        return mode, int(sample)

    def _api(self, match: re.Match, query: dict) -> Answer:
        index = self.find(unquote(match["run"]))
        if index is None:
            return _text(404, f"no run {unquote(match['run'])!r} here: /api/runs lists them")
        mode, sample = self._spec(query)
        if problem := self._unshowable(index, mode, sample):
            return _text(400, problem)
        source = self.source(index, mode, sample, query.get("open") or None)
        if match["what"] == "version":
            source.refresh()
            return _json({"version": source.version, "snapshots": source.n_snapshots})
        if match["what"] == "scene":
            source.refresh()
            return Answer(200, "application/json", source.encoded)  # (encoded once a reading)
        try:
            piece = source.piece(int(match["i"]), query.get("v"))
        except StaleVersion as exc:
            return _text(409, str(exc))  # the page asks for the scene again (its version poll)
        except IndexError as exc:
            return _text(404, str(exc))
        if match["ext"] == "bin":
            return Answer(200, "application/octet-stream", piece.indices)
        return Answer(200, "application/json", piece.header_json)

    def _view(self, query: dict) -> Answer:
        from nnvox.viewer.theme import DEFAULT_THEME
        from nnvox.viewer.web.page import served_page

        index = self.find(query.get("run", "0"))
        if index is None:
            return _text(404, f"no run {query.get('run')!r} here: / lists them")
        mode, sample = self._spec(query)
        if problem := self._unshowable(index, mode, sample):
            return Answer(400, "text/html; charset=utf-8", _PROBLEM.format(problem=html.escape(problem)).encode())
        where = {"api": f"/api/runs/{index}", "mode": mode, "sample": sample}
        title = f"{self.names[index]} · {mode} · nnvox"
        page = served_page(title, where, DEFAULT_THEME.colours.background, nav=_ALL_RUNS)
        return Answer(200, "text/html; charset=utf-8", page.encode())

    def _unshowable(self, index: int, mode: str, sample: int) -> str | None:
        """Why the page cannot show this view, in the page's words (its links and menus), or None."""
        run, name = self.catalogue[index].run, self.names[index]
        if mode not in self.modes(index):
            return f"{name} cannot show {mode} mode; it shows {', '.join(self.modes(index))} (the links on / are those)"
        if sample >= run.sample_count:
            mistakes = f" and mistakes {run.probe_count}..{run.sample_count - 1}" if run.mistake_rows else ""
            return (
                f"{name} has no sample {sample}: its probe samples are 0..{run.probe_count - 1}{mistakes} "
                "(the page's sample menu lists them)"
            )
        return None

    def _listing(self, index: int) -> dict:
        run = self.catalogue[index].run
        return {
            "index": index,
            "name": self.names[index],
            "model": run.name,
            "snapshots": len(run.snapshots),
            "closed": run.closed,
            "modes": list(self.modes(index)),
        }

    def index(self) -> str:
        self.catalogue.look()
        rows = []
        for i in range(len(self.catalogue)):
            run = self.catalogue[i].run
            key = quote(self.names[i])
            links = (f'<a href="/view?run={key}&amp;mode={quote(m)}">{html.escape(m)}</a>' for m in self.modes(i))
            n = len(run.snapshots)
            count = f"{n} snapshot{'s' * (n != 1)}{'' if run.closed else ' so far, still recording'}"
            title = f"<b>{html.escape(self.names[i])}</b> ({html.escape(run.name)}, {count})"
            rows.append(f"<li>{title}: {' '.join(links)}</li>")
        return _INDEX.format(runs="\n".join(rows))


_ALL_RUNS = '<a href="/">← all runs</a>'  # the viewer page's link back (its control bar switches modes and samples)
_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nnvox</title>
<style>body{{background:#18181e;color:#ebebf0;font-family:system-ui,sans-serif;margin:2em}}a{{color:#f9b840}}
li{{margin:0.5em 0}}</style></head>
<body><h1>nnvox</h1><ul>
{runs}
</ul></body></html>
"""
_PROBLEM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nnvox</title>
<style>body{{background:#18181e;color:#ebebf0;font-family:system-ui,sans-serif;margin:2em}}a{{color:#f9b840}}</style>
</head><body><p>{problem}</p><p><a href="/">← all runs</a></p></body></html>
"""


LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _whole(text: str) -> bool:
    """A number in a URL: ASCII digits only (str.isdigit takes '²', which int() refuses), not absurdly long."""
    return text.isascii() and text.isdecimal() and len(text) <= 9


def _host(header: str) -> str:
    """The host part of a Host header: 'localhost:8080' -> 'localhost', '[::1]:8080' -> '::1'."""
    if header.startswith("["):
        return header[1 : header.find("]")]
    return header.rsplit(":", 1)[0]


class _Handler(BaseHTTPRequestHandler):
    server_version = "nnvox"
    protocol_version = "HTTP/1.1"  # keep-alive: a page's many snapshot requests share a connection
    timeout = 60  # an idle keep-alive connection gives its thread back

    def do_GET(self) -> None:
        try:
            if not self.server.answers_for(self.headers.get("Host", "")):
                answer = _text(400, "this server answers only requests addressed to localhost or 127.0.0.1")
            else:
                answer = self.server.runs.answer(self.path)
        except Exception as exc:  # noqa: BLE001 (a run folder gone bad while served: one line, serve on)
            print(f"nnvox serve: {self.path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            answer = _text(500, f"{type(exc).__name__}: {exc}")
        body = answer.body
        zipped = len(body) >= GZIP_MIN and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, compresslevel=1)
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(body)
        except GONE:
            self.close_connection = True

    def log_message(self, format, *args) -> None:
        pass  # a page asks for many snapshots; errors are told by handle_error


class Server(ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C ends the server whatever transfers are in flight

    def __init__(self, runs: ServedRuns, host: str, port: int):
        self.runs = runs
        self.loopback = host in LOOPBACK
        super().__init__((host, port), _Handler)

    def answers_for(self, host_header: str) -> bool:
        """Bound to the loopback, only requests addressed to it are answered: a web page elsewhere that
        points its own name at 127.0.0.1 (DNS rebinding) cannot read the runs. Bound elsewhere with
        --host, the user chose who may ask."""
        return not self.loopback or _host(host_header) in LOOPBACK

    def handle_error(self, request, client_address) -> None:
        """A browser closing mid-transfer is quiet; anything else is one line, and the server goes on."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, GONE):
            print(f"nnvox serve: {type(exc).__name__}: {exc}", file=sys.stderr)


def open_server(paths: list[Path], host: str = "127.0.0.1", port: int = 8080) -> Server:
    """The server on its socket (not yet answering: call serve_forever)."""
    runs = ServedRuns(paths)
    try:
        return Server(runs, host, port)
    except OSError as exc:
        raise NnvoxError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another with --port") from None


def serve(paths: list[Path], host: str = "127.0.0.1", port: int = 8080) -> None:
    """Answer until Ctrl-C: what `nnvox serve` does."""
    if not paths:
        raise NnvoxError("nnvox serve needs at least one run folder: nnvox serve runs/digits [runs/other ...] or runs/")
    if not 0 <= port <= 65535:
        raise NnvoxError(f"--port {port} is not a port: give one from 1 to 65535 (0: any free one)")
    server = open_server(paths, host, port)
    where = f"http://{host}:{server.server_address[1]}/"
    n, folders = len(server.runs.catalogue), server.runs.catalogue.parents
    print(f"nnvox: serving {n} run{'s' * (n != 1)} at {where} (Ctrl-C stops)", flush=True)
    for folder in folders:
        print(f"nnvox: {folder} is a folder of runs: a run written there later is listed too", flush=True)
    if host in ("127.0.0.1", "localhost", "::1"):
        print(f"from another machine: ssh -L {port}:localhost:{port} THIS-HOST, then open {where}", flush=True)
    else:
        print(f"nnvox: listening on {host}: anyone who can reach it can see these runs", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("nnvox: stopped", flush=True)
    finally:
        server.server_close()

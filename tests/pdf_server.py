"""A real HTTP server on 127.0.0.1 that serves the sample PDFs, and misbehaves on request.

Routes (NAME is a file of samples/editions, or a name registered with `serve_bytes`):

    /pdf/NAME                  200 with ETag and Last-Modified; 304 on a matching If-None-Match
    /slow/SECONDS/NAME         waits SECONDS before answering
    /trickle/SECONDS/NAME      sends the file in 8 parts, SECONDS apart
    /flaky/KEY/N/NAME          HTTP 500 for the first N requests of KEY, then the file
    /status/CODE               an empty answer with that status (404, 500 …)
    /html.pdf                  an HTML error page served as 200
    /big.pdf?bytes=N           a PDF-looking body of N bytes, with Content-Length
    /endless.pdf?bytes=N       the same without Content-Length (ends when the connection closes)
    /redirect-file.pdf         302 to a file:// address
    /loop/N.pdf                302 to /loop/N+1.pdf, for ever

Every request is recorded (`requests`: method, path, headers). The server runs in a
daemon thread, is shut down by `stop()` (the fixtures call it), and stops itself after
`lifetime` seconds whatever happens.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import SAMPLE_EDITIONS


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


class PdfServer:
    def __init__(self, lifetime: float = 300.0):
        self.files: dict[str, bytes] = {p.name: p.read_bytes() for p in Path(SAMPLE_EDITIONS).glob("*.pdf")}
        self.modified: dict[str, float] = {}
        self.requests: list[Request] = []
        self.flaky_counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True
        self._stopped = False

    # --- control --------------------------------------------------------------------------

    def start(self) -> PdfServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._watchdog.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve_bytes(self, name: str, data: bytes) -> None:
        """Serve (or replace) /pdf/NAME with `data`; its ETag and Last-Modified change with it."""
        with self._lock:
            self.files[name] = data
            self.modified[name] = time.time()

    def count(self, path_prefix: str) -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    # --- answers --------------------------------------------------------------------------

    def etag(self, name: str) -> str:
        return '"' + hashlib.sha256(self.files[name]).hexdigest()[:20] + '"'

    def last_modified(self, name: str) -> str:
        return formatdate(self.modified.get(name, 1_600_000_000), usegmt=True)


def _handler(server: PdfServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output clean
            pass

        def do_GET(self):
            split = urlsplit(self.path)
            with server._lock:
                server.requests.append(Request("GET", split.path, dict(self.headers.items())))
            parts = split.path.strip("/").split("/")
            query = parse_qs(split.query)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self._route(parts, query)

        def _route(self, parts: list[str], query: dict) -> None:
            match parts:
                case ["pdf", name]:
                    self._file(name)
                case ["slow", seconds, name]:
                    time.sleep(float(seconds))
                    self._file(name)
                case ["trickle", seconds, name]:
                    self._file(name, pause=float(seconds))
                case ["flaky", key, failures, name]:
                    with server._lock:
                        server.flaky_counts[key] += 1
                        failing = server.flaky_counts[key] <= int(failures)
                    if failing:
                        self._empty(500)
                    else:
                        self._file(name)
                case ["status", code]:
                    self._empty(int(code))
                case ["html.pdf"]:
                    self._body(200, b"<html><body>Seite nicht gefunden</body></html>", "text/html; charset=utf-8")
                case ["big.pdf"]:
                    size = int(query.get("bytes", ["1000000"])[0])
                    self._body(200, b"%PDF-1.4\n" + b"0" * (size - 9), "application/pdf")
                case ["endless.pdf"]:
                    size = int(query.get("bytes", ["1000000"])[0])
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.end_headers()
                    self.wfile.write(b"%PDF-1.4\n")
                    for _ in range(0, size, 65536):
                        self.wfile.write(b"0" * 65536)
                case ["redirect-file.pdf"]:
                    self._redirect("file:///etc/passwd")
                case ["loop", step]:
                    self._redirect(f"/loop/{int(step.removesuffix('.pdf')) + 1}.pdf")
                case _:
                    self._empty(404)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _file(self, name: str, pause: float = 0.0) -> None:
            if name not in server.files:
                self._empty(404)
                return
            etag = server.etag(name)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            data = server.files[name]
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", server.last_modified(name))
            self.end_headers()
            if not pause:
                self.wfile.write(data)
                return
            step = len(data) // 8 + 1
            for start in range(0, len(data), step):
                self.wfile.write(data[start : start + step])
                self.wfile.flush()
                time.sleep(pause)

        def _empty(self, code: int) -> None:
            self._body(code, b"", "text/plain")

        def _body(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler

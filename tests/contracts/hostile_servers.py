"""Targets built to be awkward, for the harness's verdict: each a tiny HTTP-ish server on 127.0.0.1.

``serve_hostile(kind)`` yields a base URL (a closed port for ``closed``) and stops everything on
exit. Kinds: ``closed`` (nothing listens), ``silent`` (accepts, never answers), ``probe-then-hang``
(answers the first request, then nothing), ``garbage`` (bytes that are not HTTP), ``slow`` (every
answer after 5 s), ``error500`` (500 to everything), ``empty200`` (200 ``{}`` to everything).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PROBE_ANSWER = b'{"managedObjects": [], "statistics": {"currentPage": 1, "pageSize": 1}}'
KINDS = ("closed", "silent", "probe-then-hang", "garbage", "slow", "error500", "empty200")


def http_answer(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def read_request(rfile: socketserver.StreamRequestHandler) -> bool:
    """Read one request (head and body); False when the client closed the connection."""
    length = 0
    line = rfile.rfile.readline()
    if not line:
        return False
    while line not in (b"\r\n", b"\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1].strip() or 0)
        line = rfile.rfile.readline()
    if length:
        rfile.rfile.read(length)
    return True


class Hostile(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.stop = threading.Event()
        self.answered = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(socketserver.StreamRequestHandler):
    server: Hostile

    def handle(self) -> None:
        kind = self.server.kind
        if kind == "silent":
            self.server.stop.wait()
            return
        while not self.server.stop.is_set() and read_request(self):
            if kind == "garbage":
                self.wfile.write(b"\x00\xff\x13 this is not HTTP \x07\r\n\r\n")
                return
            if kind == "probe-then-hang":
                with self.server.lock:
                    first = self.server.answered == 0
                    self.server.answered += 1
                if not first:
                    self.server.stop.wait()
                    return
                self.wfile.write(http_answer("200 OK", PROBE_ANSWER))
            elif kind == "slow":
                if self.server.stop.wait(5.0):  # the behaviour under test, not a synchronisation
                    return
                self.wfile.write(http_answer("200 OK", PROBE_ANSWER))
            elif kind == "error500":
                self.wfile.write(http_answer("500 Internal Server Error", b'{"error": "boom"}'))
            else:
                self.wfile.write(http_answer("200 OK", b"{}"))


@contextmanager
def serve_hostile(kind: str) -> Iterator[str]:
    if kind == "closed":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        yield f"http://127.0.0.1:{port}"  # bound then closed: nothing listens there
        return
    server = Hostile(kind)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

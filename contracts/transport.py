"""The transport every request of the run goes through: the guard first, then the network.

:class:`GuardTransport` wraps httpx's transport. It asks :class:`contracts.guard.Guard` about each
request before anything leaves the process, raises :class:`RefusedByGuard` for a refused one
(nothing is sent), and shows the guard every answer so it learns what the run created. The
harness's :class:`contracts.client.Client` uses it; Schemathesis reaches it through
:mod:`contracts.relay`, so there is no second way out.
"""

from __future__ import annotations

import threading

import httpx

from contracts.failures import RefusedByGuard, Stopped
from contracts.guard import Guard, Outgoing

STOP = threading.Event()
"""Set by the CLI's SIGINT/SIGTERM handler: from then on only cleanup requests leave the process."""
IN_FLIGHT = threading.Event()
"""Set while the main thread waits for an answer: a signal then waits for it (see interrupt_now)."""
DEFERRED = threading.Event()


def interrupt_now() -> bool:
    """For the signal handler: False when a request is in flight, whose answer must be learnt first.

    A resource created by a request cut off before its answer was read would be unknown to the
    guard, and so to cleanup; the transport raises the deferred KeyboardInterrupt after learning.
    """
    if IN_FLIGHT.is_set():
        DEFERRED.set()
        return False
    return True


class GuardTransport(httpx.BaseTransport):
    def __init__(self, guard: Guard, inner: httpx.BaseTransport, base_path: str = "") -> None:
        self.guard = guard
        self.inner = inner
        self.base_path = base_path.rstrip("/")
        self.cleaning_up = False
        self.forwarded = 0
        """Requests that left the process: the only way out is this counter's next line."""

    def outgoing(self, request: httpx.Request) -> Outgoing:
        path = request.url.path
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :] or "/"
        return Outgoing.of(request.method, path, request.url.query.decode("ascii", "replace"), request.read())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        outgoing = self.outgoing(request)
        if STOP.is_set() and not self.cleaning_up:
            raise Stopped(f"{outgoing.method} {outgoing.path} was not sent: the run was interrupted.")
        reason = self.guard.check(outgoing)
        if reason is not None:
            raise RefusedByGuard(reason)
        self.forwarded += 1
        main = threading.current_thread() is threading.main_thread()
        if main:
            IN_FLIGHT.set()
        try:
            response = self.inner.handle_request(request)
            if outgoing.method in ("POST", "PUT"):
                response.read()
                location = response.headers.get("location")
                self.guard.learn(outgoing, response.status_code, response.content, location)
        finally:
            if main:
                IN_FLIGHT.clear()
        if main and DEFERRED.is_set() and not self.cleaning_up:
            DEFERRED.clear()
            raise KeyboardInterrupt("signal (deferred until the answer was read)")
        return response

    def close(self) -> None:
        self.inner.close()

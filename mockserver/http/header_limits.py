"""Limits on a request's header section, in the HTTP/1.1 protocol uvicorn serves the mock with.

uvicorn's h11 protocol bounds the size of a header section only while it is incomplete
(``h11_max_incomplete_event_size``): one that arrives whole in one read passes, so the bytes
up to the blank line are counted here as well (400 over the limit). It has no header *read* timeout:
its keep-alive timer only runs between requests and is cancelled by any byte received, so a
client that sends a header section slowly (or never finishes it) holds its connection and
buffer for ever. :class:`HeaderLimitedH11` is uvicorn's ``H11Protocol`` (handed to
``uvicorn.Config(http=...)``, which takes a protocol class) with a deadline: the header
section must be complete within ``header_timeout`` seconds of the connection opening or of
the previous answer ending, or the mock answers 408 and closes. Both refusals answer in
Cumulocity's error shape. It overrides public methods only and calls each one's original.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from mockserver.errors import ERROR_MEDIA_TYPE, error_for_status
from mockserver.jsoncodec import dumps

DEFAULT_HEADER_TIMEOUT_S = 10.0


def raw_error(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP/1.1 error answer in Cumulocity's shape that closes the connection."""
    body = dumps(error_for_status(status, message).to_body())
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: {ERROR_MEDIA_TYPE}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class HeaderLimitedH11(H11Protocol):
    """uvicorn's h11 protocol with a header read deadline and error answers in Cumulocity's shape."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT_S
    deadline: asyncio.TimerHandle | None = None
    header_bytes: int = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self.header_section_too_long(data):
            self.send_400_response("The request line and headers are too long.")
            return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request's headers are complete
            self.disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.arm()  # the next request on this connection gets the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        limit = self.config.h11_max_incomplete_event_size
        message = f"{msg} Expected a well-formed request line and headers of at most {limit} bytes."
        self.transport.write(raw_error(400, "Bad Request", message))
        self.transport.close()

    def header_section_too_long(self, data: bytes) -> bool:
        """Whether the header section being read, with ``data``, exceeds the limit. h11 only
        bounds an *incomplete* section: one that arrives whole in one read (up to 64 KiB) would
        pass, so the bytes up to the blank line are counted here."""
        end = data.find(b"\r\n\r\n")
        self.header_bytes += len(data) if end < 0 else end + 4
        limit = self.config.h11_max_incomplete_event_size
        return limit is not None and self.header_bytes > limit

    def arm(self) -> None:
        self.header_bytes = 0
        self.disarm()
        self.deadline = self.loop.call_later(self.header_timeout, self.header_timed_out)

    def disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def header_timed_out(self) -> None:
        self.deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        message = f"The request's header section was not complete within {self.header_timeout:g} s."
        self.transport.write(raw_error(408, "Request Timeout", message))
        self.transport.close()


def header_limited_h11(timeout_s: float) -> type[HeaderLimitedH11]:
    """The protocol class for ``uvicorn.Config(http=...)`` with a header deadline of ``timeout_s``."""
    return type("HeaderLimitedH11", (HeaderLimitedH11,), {"header_timeout": timeout_s})

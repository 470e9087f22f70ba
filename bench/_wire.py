"""Raw client connections for bench/realtime.py that know when their bytes reached the socket.

Every read is ``recvmsg`` with ``SO_TIMESTAMPNS``: the kernel stamps each received segment
(``CLOCK_REALTIME``, nanoseconds) as it is queued on the subscriber's socket, and a read
returns the stamp of the last segment it read. So a subscriber's arrival time is the moment the
socket held the whole message, however long the one bench process then took to get round to
reading it (a hundred subscribers share one Python loop; their own parsing is not what is
measured). The reading side is a callback on readable (``loop.add_reader``), no coroutine per
message; parsing happens after the stamp is taken.

:class:`Wire` is one TCP connection (HTTP/1.1 messages with ``Content-Length``, or websocket
frames after :meth:`Wire.upgrade`). :class:`Inflater` undoes permessage-deflate, which the
websocket subscribers offer as the ``websockets`` library (and ``c8y_tk``) does, so the server
does the per-connection compression it does for real clients.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
import zlib
from collections.abc import Callable

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; SCM_TIMESTAMPNS has the same value
READ_BYTES = 1 << 16
STAMP = struct.Struct("qq")  # struct timespec on 64-bit Linux
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"


class Wire:
    """One TCP connection to the server; :meth:`read` returns the bytes and their kernel stamp."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.buffer = bytearray()
        self.stamp = 0.0  # kernel receive time (time.time() scale) of the newest byte in buffer

    def read(self) -> bool:
        """Read what is there into ``buffer`` (stamping it); False when the server closed."""
        data, ancdata, _flags, _addr = self.sock.recvmsg(READ_BYTES, socket.CMSG_SPACE(STAMP.size))
        if not data:
            return False
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanos = STAMP.unpack(payload[: STAMP.size])
                self.stamp = seconds + nanos / 1e9
        self.buffer += data
        return True

    def fill_until(self, done: Callable[[], bool]) -> None:
        """Blocking reads until ``done()`` (set-up only, before the connection goes non-blocking)."""
        while not done():
            if not self.read():
                raise ConnectionError("The server closed the connection during set-up.")

    def upgrade(self, url_path: str, host: str) -> str:
        """The websocket opening handshake (blocking); the server's extensions header."""
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {url_path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}\r\n\r\n".encode()
        )
        self.fill_until(lambda: b"\r\n\r\n" in self.buffer)
        head, _, rest = bytes(self.buffer).partition(b"\r\n\r\n")
        self.buffer = bytearray(rest)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ConnectionError(f"The websocket upgrade was refused: {lines[0]}")
        fields = (line.partition(": ") for line in lines[1:])
        found = [value for name, _, value in fields if name.lower() == "sec-websocket-extensions"]
        return found[0] if found else ""

    def go_async(self, loop: asyncio.AbstractEventLoop, on_readable: Callable[[], None]) -> None:
        self.sock.setblocking(False)
        loop.add_reader(self.sock.fileno(), on_readable)

    def send(self, data: bytes) -> None:
        """A small write; the socket buffer always has room for it here (one message in flight)."""
        sent = self.sock.send(data)
        if sent != len(data):
            self.sock.setblocking(True)
            self.sock.sendall(data[sent:])
            self.sock.setblocking(False)

    def close(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if loop is not None:
            loop.remove_reader(self.sock.fileno())
        self.sock.close()


def http_message(buffer: bytearray) -> tuple[int, bytes] | None:
    """The first complete HTTP response in ``buffer`` (status, body), removed from it; or None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).split(b"\r\n")
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if len(buffer) < end + 4 + length:
        return None
    body = bytes(buffer[end + 4 : end + 4 + length])
    del buffer[: end + 4 + length]
    return int(head[0].split(b" ", 2)[1]), body


def ws_frame(buffer: bytearray) -> tuple[int, bool, bytes] | None:
    """The first complete websocket frame (opcode, compressed, payload), removed; or None.
    Server frames are unmasked and, from this server, never fragmented."""
    if len(buffer) < 2:
        return None
    first, second = buffer[0], buffer[1] & 0x7F
    start, length = 2, second
    if second == 126:
        start, length = 4, int.from_bytes(buffer[2:4], "big") if len(buffer) >= 4 else -1
    elif second == 127:
        start, length = 10, int.from_bytes(buffer[2:10], "big") if len(buffer) >= 10 else -1
    if length < 0 or len(buffer) < start + length:
        return None
    payload = bytes(buffer[start : start + length])
    del buffer[: start + length]
    return first & 0x0F, bool(first & 0x40), payload


def ws_out(opcode: int, data: bytes) -> bytes:
    """One masked, uncompressed, final frame (a client's frame): text is opcode 1, pong 10."""
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    if len(data) < 126:
        header = bytes([0x80 | opcode, 0x80 | len(data)])
    else:
        header = bytes([0x80 | opcode, 0x80 | 126]) + len(data).to_bytes(2, "big")
    return header + mask + masked


class Inflater:
    """permessage-deflate of one connection (server-to-client direction), as negotiated."""

    def __init__(self, extensions: str) -> None:
        params = [p.strip() for p in extensions.split(";")]
        self.enabled = bool(params) and params[0] == "permessage-deflate"
        bits = [p.split("=", 1)[1] for p in params if p.startswith("server_max_window_bits=")]
        self.bits = int(bits[0]) if bits else 15
        self.takeover = "server_no_context_takeover" not in params
        self._inflate = zlib.decompressobj(-self.bits)

    def text(self, payload: bytes, compressed: bool) -> str:
        if not compressed:
            return payload.decode()
        if not self.takeover:
            self._inflate = zlib.decompressobj(-self.bits)
        return self._inflate.decompress(payload + b"\x00\x00\xff\xff").decode()

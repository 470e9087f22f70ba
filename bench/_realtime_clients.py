"""Subscribers for bench/realtime.py: CometD long-polling and Notification 2.0 websocket clients
that report every notification with the kernel's receive time of its last byte (see
:mod:`bench._wire`; ``time.time()`` scale), all in one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import orjson

from bench._wire import Inflater, Wire, http_message, ws_frame, ws_out

Arrival = Callable[[str, float], None]  # (measurement id, kernel receive time of its message)


class KeepAlive:
    """One keep-alive HTTP/1.1 connection sending JSON POSTs: much lighter than a pooled
    client when a thousand of them hold a request each (the load generator must not be what
    is measured)."""

    def __init__(self, host: str, port: int, authorization: str) -> None:
        self.host, self.port, self.authorization = host, port, authorization
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: Any) -> Any:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = orjson.dumps(body)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: {self.authorization}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self.writer.write(head.encode() + payload)
        headers = await self.reader.readuntil(b"\r\n\r\n")
        status = int(headers.split(b" ", 2)[1])
        length = 0
        for line in headers.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        answer = await self.reader.readexactly(length)
        if status != 200:
            raise RuntimeError(f"POST {path} answered {status}: {answer[:200]!r}")
        return orjson.loads(answer)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class CometdSubscriber:
    """Handshake and subscribe on a control connection, then connect in a loop on a raw held
    connection (:class:`bench._wire.Wire`), answered from a reader callback until stopped."""

    def __init__(self, base_url: str, authorization: str, channel: str, on_arrival: Arrival) -> None:
        host, _, port = base_url.split("://", 1)[1].partition(":")
        self.host, self.port, self.authorization = host, int(port), authorization
        self.control = KeepAlive(host, int(port), authorization)
        self.channel, self.on_arrival = channel, on_arrival
        self.client_id = ""
        self.wire: Wire | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.failure: BaseException | None = None

    def _connect_request(self) -> bytes:
        body = orjson.dumps([{"channel": "/meta/connect", "clientId": self.client_id}])
        return (
            f"POST /notification/realtime/connect HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: {self.authorization}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def start(self) -> None:
        handshake = [{"channel": "/meta/handshake", "version": "1.0"}]
        answer = await self.control.post("/notification/realtime/handshake", handshake)
        self.client_id = answer[0]["clientId"]
        subscribe = {"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": self.channel}
        await self.control.post("/notification/realtime/", [subscribe])
        wire = self.wire = Wire(self.host, self.port)
        wire.send(self._connect_request())  # the first connect is answered at once
        wire.fill_until(lambda: http_message(wire.buffer) is not None)
        self.loop = asyncio.get_running_loop()
        wire.go_async(self.loop, self._readable)
        wire.send(self._connect_request())

    def _readable(self) -> None:
        wire = self.wire
        assert wire is not None
        try:
            if not wire.read():
                self._close_wire()
                return
            while (message := http_message(wire.buffer)) is not None:
                status, body = message
                if status != 200:
                    raise RuntimeError(f"connect answered {status}: {body[:200]!r}")
                for item in orjson.loads(body):
                    if item.get("channel") == self.channel:
                        self.on_arrival(str(item["data"]["data"]["id"]), wire.stamp)
                wire.send(self._connect_request())
        except (OSError, RuntimeError, ValueError) as exc:
            self.failure = exc
            self._close_wire()

    def _close_wire(self) -> None:
        if self.wire is not None:
            self.wire.close(self.loop)
            self.wire = None

    async def stop(self) -> None:
        self._close_wire()
        with contextlib.suppress(OSError, RuntimeError, asyncio.IncompleteReadError):
            disconnect = {"channel": "/meta/disconnect", "clientId": self.client_id}
            await self.control.post("/notification/realtime/disconnect", [disconnect])
        self.control.close()


class Notification2Subscriber:
    """One consumer websocket (raw, permessage-deflate offered); acknowledges every frame."""

    def __init__(self, url: str, on_arrival: Arrival) -> None:
        self.url, self.on_arrival = url, on_arrival
        self.wire: Wire | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.inflater = Inflater("")
        self.failure: BaseException | None = None

    async def start(self) -> None:
        authority, _, path = self.url.split("://", 1)[1].partition("/")
        host, _, port = authority.partition(":")
        wire = self.wire = Wire(host, int(port))
        self.inflater = Inflater(wire.upgrade("/" + path, authority))
        self.loop = asyncio.get_running_loop()
        wire.go_async(self.loop, self._readable)
        if wire.buffer:  # frames that came with the upgrade answer
            self._frames(wire)

    def _readable(self) -> None:
        wire = self.wire
        assert wire is not None
        try:
            if not wire.read():
                self._close_wire()
                return
            self._frames(wire)
        except (OSError, RuntimeError, ValueError, UnicodeDecodeError) as exc:
            self.failure = exc
            self._close_wire()

    def _frames(self, wire: Wire) -> None:
        while (frame := ws_frame(wire.buffer)) is not None:
            opcode, compressed, payload = frame
            if opcode == 9:  # ping
                wire.send(ws_out(10, payload))
            elif opcode == 8:  # close
                self._close_wire()
                return
            elif opcode == 1:
                text = self.inflater.text(payload, compressed)
                ack_id, _, rest = text.partition("\n")
                body = rest.rsplit("\n", 1)[-1]
                self.on_arrival(body.split('"id":"', 1)[1].split('"', 1)[0], wire.stamp)
                wire.send(ws_out(1, ack_id.encode()))

    def _close_wire(self) -> None:
        if self.wire is not None:
            self.wire.close(self.loop)
            self.wire = None

    async def stop(self) -> None:
        if self.wire is not None:
            with contextlib.suppress(OSError):
                self.wire.send(ws_out(8, (1000).to_bytes(2, "big")))
        self._close_wire()

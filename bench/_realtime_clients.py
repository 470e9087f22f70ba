"""Subscribers for bench/realtime.py: CometD long-polling and Notification 2.0 websocket clients
that timestamp every notification on arrival (``time.perf_counter``), in one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import orjson
from websockets.asyncio.client import connect

Arrival = Callable[[str, float], None]  # (measurement id, arrival time)


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
    """Handshake, subscribe to one channel, then connect in a loop until stopped."""

    def __init__(self, base_url: str, authorization: str, channel: str, on_arrival: Arrival) -> None:
        host, _, port = base_url.split("://", 1)[1].partition(":")
        self.held, self.control = (
            KeepAlive(host, int(port), authorization),
            KeepAlive(host, int(port), authorization),
        )
        self.channel, self.on_arrival = channel, on_arrival
        self.client_id = ""
        self.task: asyncio.Task[None] | None = None

    async def post(self, http: KeepAlive, path: str, *batch: dict[str, Any]) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = await http.post(f"/notification/realtime{path}", list(batch))
        now = time.perf_counter()
        for message in answer:
            if message.get("channel") == self.channel:
                self.on_arrival(str(message["data"]["data"]["id"]), now)
        return answer

    async def start(self) -> None:
        handshake = {"channel": "/meta/handshake", "version": "1.0"}
        self.client_id = (await self.post(self.control, "/handshake", handshake))[0]["clientId"]
        subscribe = {"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": self.channel}
        await self.post(self.control, "/", subscribe)
        await self.post(self.held, "/connect", {"channel": "/meta/connect", "clientId": self.client_id})
        self.task = asyncio.create_task(self.loop())

    async def loop(self) -> None:
        while True:
            await self.post(self.held, "/connect", {"channel": "/meta/connect", "clientId": self.client_id})

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError, RuntimeError):
                await self.task
        self.held.close()
        with contextlib.suppress(OSError, RuntimeError, asyncio.IncompleteReadError):
            await self.post(
                self.control, "/disconnect", {"channel": "/meta/disconnect", "clientId": self.client_id}
            )
        self.control.close()


class Notification2Subscriber:
    """One consumer websocket; acknowledges every frame."""

    def __init__(self, url: str, on_arrival: Arrival) -> None:
        self.url, self.on_arrival = url, on_arrival
        self.task: asyncio.Task[None] | None = None
        self.socket: Any = None

    async def start(self) -> None:
        self.socket = await connect(self.url, max_queue=None, ping_interval=None)
        self.task = asyncio.create_task(self.loop())

    async def loop(self) -> None:
        async for frame in self.socket:
            now = time.perf_counter()
            ack_id, _, rest = str(frame).partition("\n")
            body = rest.rsplit("\n", 1)[-1]
            self.on_arrival(body.split('"id":"', 1)[1].split('"', 1)[0], now)
            await self.socket.send(ack_id)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        if self.socket is not None:
            await self.socket.close()

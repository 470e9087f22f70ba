"""CometD (Bayeux 1.0) at ``/notification/realtime``, as pure message handling.

The transports (long-polling POSTs and the websocket, in ``mockserver/http/cometd.py``) hand
each batch of messages to :meth:`BayeuxEngine.handle` and send back what it returns:

* ``/meta/handshake`` authenticates (the ``ext`` token ``com.cumulocity.authn.token``,
  base64 of ``tenant/user:password`` or an access token of ``POST /tenant/oauth``, or the
  request's own credentials: Basic, bearer, or the login cookie with ``X-XSRF-TOKEN``) and answers a new
  ``clientId``. Wrong credentials: ``successful: false``, ``error: "401::..."`` and
  ``advice.reconnect: none``, in a 200 answer (the Bayeux way).
* ``/meta/connect``: the first is answered at once; a later one is *held* (see
  :class:`HeldConnect`) until data arrives for the client or the advised ``timeout`` passes
  (or the connect's own ``advice.timeout``, when it asks for less).
  Its answer is the client's data messages, then the connect reply. A second connect of the
  same client releases the first one.
* ``/meta/subscribe`` and ``/meta/unsubscribe`` (several per batch), each replied to with its
  ``subscription`` echoed; ``/meta/disconnect`` forgets the client.
* An unknown or expired ``clientId`` is answered ``successful: false``, ``402::Unknown
  client`` and ``advice.reconnect: handshake``.

Bounds: a client's queue holds :data:`QUEUE_CAPACITY` messages (drop the oldest, see
:mod:`mockserver.realtime.bounded`); a client that has not connected for ``max_interval``
seconds (and holds no connect) is reaped at the next batch of any client; at most
``max_clients`` clients exist at once (the oldest idle one is reaped to make room).
Each event reaches a client once, on its concrete channel, however many of its
subscriptions match: the client dispatches it to each of them itself.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mockserver.errors import Unauthorized
from mockserver.events import Event
from mockserver.realtime.bounded import BoundedQueue, Signal
from mockserver.realtime.channels import ChannelIndex, pattern_problem
from mockserver.users import User, UserDirectory

Message = dict[str, Any]

QUEUE_CAPACITY = 1000
CONNECTION_TYPES = ["long-polling", "websocket"]
AUTH_EXT = "com.cumulocity.authn"
REAP_EVERY_S = 1.0  # vanished clients are looked for at most this often, on any batch


@dataclass(frozen=True)
class BayeuxSettings:
    """The advice the server gives and the bounds it keeps."""

    timeout_ms: int = 30_000
    interval_ms: int = 0
    max_interval_s: float = 60.0
    max_clients: int = 10_000
    queue_capacity: int = QUEUE_CAPACITY


@dataclass(eq=False)
class BayeuxClient:
    """One handshaken client: who it is, where it came from, and its waiting messages."""

    id: str
    user: User
    base_url: str
    queue: BoundedQueue[Event]
    last_seen: float
    connected: bool = False
    holding: int = 0
    signal: Signal = field(default_factory=Signal)


@dataclass(frozen=True)
class HeldConnect:
    """A connect to answer later: wait on ``client.signal`` up to ``timeout_s``, then
    :meth:`BayeuxEngine.complete` it."""

    client: BayeuxClient
    reply: Message
    timeout_s: float


@dataclass
class Exchange:
    """What one batch produced: replies to send now, and at most one held connect."""

    replies: list[Message] = field(default_factory=list)
    held: HeldConnect | None = None


def token_user(token: object, users: UserDirectory) -> User | None:
    """The user of an ``ext`` token: base64 of ``tenant/user:password`` or ``user:password``, or an
    access token of the OAuth internal login (what ``@c8y/client`` sends after a cookie login)."""
    if not isinstance(token, str):
        return None
    try:
        login, sep, password = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):
        sep = ""
    if sep:
        return users.authenticate(login, password)
    with contextlib.suppress(Unauthorized):
        return users.session_user(token, xsrf=None)
    return None


class BayeuxEngine:
    """Every CometD client of one mock, their subscriptions and their queues."""

    def __init__(
        self,
        users: UserDirectory,
        settings: BayeuxSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users = users
        self.settings = settings or BayeuxSettings()
        self.clock = clock
        self.clients: dict[str, BayeuxClient] = {}
        # What a data message carries for an event, given the client's base URL; the HTTP edge
        # replaces it with one that writes the resource's links (see mockserver/http/cometd.py).
        self.render: Callable[[Event, str], Any] = lambda event, base_url: realtime_data(event)
        self.index: ChannelIndex[str] = ChannelIndex()
        self._ids = itertools.count(1)
        self._last_reap = clock()

    # ------------------------------------------------------------------ publishing

    def publish(self, event: Event) -> int:
        """Queue ``event`` once for every client subscribed to a matching channel; how many."""
        targets = self.index.match(event.channel)
        for client_id in targets:
            client = self.clients.get(client_id)
            if client is not None and (event.tenant is None or client.user.tenant == event.tenant):
                client.queue.put(event)
                client.signal.fire()
        return len(targets)

    # ------------------------------------------------------------------ batches

    def handle(self, messages: Iterable[object], *, request_user: User | None, base_url: str) -> Exchange:
        """Answer one batch; the transport sends ``replies`` and waits for ``held``."""
        exchange = Exchange()
        now = self.clock()
        if now - self._last_reap >= REAP_EVERY_S:
            self._last_reap = now
            self.reap()
        for message in messages:
            if not isinstance(message, dict):
                exchange.replies.append(_failure({}, "400::A Bayeux message must be a JSON object"))
                continue
            channel = message.get("channel")
            if channel == "/meta/handshake":
                exchange.replies.append(self._handshake(message, request_user, base_url, now))
                continue
            client = self.clients.get(str(message.get("clientId")))
            if client is None:
                exchange.replies.append(_unknown_client(message))
                continue
            client.last_seen = now
            if channel == "/meta/connect":
                self._connect(client, message, exchange)
            elif channel in ("/meta/subscribe", "/meta/unsubscribe"):
                exchange.replies.append(self._subscription(client, message))
            elif channel == "/meta/disconnect":
                self.forget(client.id)
                exchange.replies.append(_reply(message, clientId=client.id))
            else:
                error = f"403::Publishing to {channel!r} is not supported by this server"
                exchange.replies.append(_failure(message, error))
        return exchange

    def complete(self, held: HeldConnect) -> list[Message]:
        """The answer of a held connect: the data that arrived, then the connect reply."""
        client = held.client
        client.holding -= 1
        client.last_seen = self.clock()
        reply = held.reply
        if self.clients.get(client.id) is not client:  # disconnected or reaped meanwhile
            reply = {**reply, "advice": {"reconnect": "handshake", "interval": 0}}
        return [*self.data_messages(client), reply]

    def data_messages(self, client: BayeuxClient) -> list[Message]:
        """The client's waiting events as data messages, oldest first (the queue empties)."""
        render, base_url = self.render, client.base_url
        return [{"channel": e.channel, "data": render(e, base_url)} for e in client.queue.drain()]

    def forget(self, client_id: str) -> None:
        client = self.clients.pop(client_id, None)
        self.index.remove(client_id)
        if client is not None:
            client.signal.fire()

    def reap(self) -> int:
        """Forget clients that stopped connecting; how many were forgotten."""
        limit = self.clock() - self.settings.max_interval_s
        stale = [c.id for c in self.clients.values() if c.holding <= 0 and c.last_seen < limit]
        for client_id in stale:
            self.forget(client_id)
        return len(stale)

    def clear(self) -> None:
        for client_id in list(self.clients):
            self.forget(client_id)

    # ------------------------------------------------------------------ meta channels

    def _handshake(self, message: Message, request_user: User | None, base_url: str, now: float) -> Message:
        ext = message.get("ext")
        authn = ext.get(AUTH_EXT) if isinstance(ext, dict) else None
        token = authn.get("token") if isinstance(authn, dict) else None
        user = token_user(token, self.users) if token is not None else request_user
        if user is None:
            failure = _failure(message, "401::Authentication failed: the credentials are not valid")
            return {**failure, "advice": {"reconnect": "none"}}
        self.reap()
        if len(self.clients) >= self.settings.max_clients:
            idle = [c for c in self.clients.values() if c.holding <= 0] or list(self.clients.values())
            self.forget(min(idle, key=lambda c: c.last_seen).id)
        client_id = f"{next(self._ids)}{secrets.token_hex(6)}"
        queue: BoundedQueue[Event] = BoundedQueue(self.settings.queue_capacity)
        self.clients[client_id] = BayeuxClient(client_id, user, base_url, queue, now)
        return _reply(
            message,
            clientId=client_id,
            version="1.0",
            minimumVersion="1.0",
            supportedConnectionTypes=CONNECTION_TYPES,
            advice=self._advice(),
        )

    def _advice(self) -> dict[str, Any]:
        return {
            "reconnect": "retry",
            "timeout": self.settings.timeout_ms,
            "interval": self.settings.interval_ms,
        }

    def _connect(self, client: BayeuxClient, message: Message, exchange: Exchange) -> None:
        reply = _reply(message, clientId=client.id, advice=self._advice())
        if not client.connected or len(client.queue) or exchange.held is not None:
            client.connected = True
            exchange.replies.extend([*self.data_messages(client), reply])
            return
        client.holding += 1
        exchange.held = HeldConnect(client, reply, self._hold_ms(message) / 1000)

    def _hold_ms(self, message: Message) -> int:
        """The advised timeout, or the client's own ``advice.timeout`` when it asks for less."""
        advice = message.get("advice")
        asked = advice.get("timeout") if isinstance(advice, dict) else None
        if isinstance(asked, int) and not isinstance(asked, bool) and 0 <= asked < self.settings.timeout_ms:
            return asked
        return self.settings.timeout_ms

    def _subscription(self, client: BayeuxClient, message: Message) -> Message:
        pattern = message.get("subscription")
        problem = pattern_problem(pattern)
        if problem is not None:
            return {**_failure(message, f"400::{problem}"), "subscription": pattern}
        assert isinstance(pattern, str)
        if message["channel"] == "/meta/subscribe":
            self.index.add(pattern, client.id)
        else:
            self.index.discard(pattern, client.id)
        return _reply(message, clientId=client.id, subscription=pattern)


def realtime_data(event: Event) -> dict[str, Any]:
    """The ``data`` of a data message: the action and the resource, or only its id on a delete."""
    if event.action == "DELETE":
        return {"realtimeAction": "DELETE", "data": str(event.payload.get("id"))}
    return {"realtimeAction": event.action, "data": dict(event.payload)}


def _reply(message: Message, **fields: Any) -> Message:
    reply: Message = {"channel": message.get("channel"), "successful": True, **fields}
    if "id" in message:
        reply["id"] = message["id"]
    return reply


def _failure(message: Message, error: str) -> Message:
    reply: Message = {"channel": message.get("channel"), "successful": False, "error": error}
    if "id" in message:
        reply["id"] = message["id"]
    if "clientId" in message:
        reply["clientId"] = message["clientId"]
    return reply


def _unknown_client(message: Message) -> Message:
    failure = _failure(message, f"402::Unknown client {message.get('clientId')!r}; handshake again")
    return {**failure, "advice": {"reconnect": "handshake", "interval": 0}}

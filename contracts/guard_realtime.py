"""The safety guard's rules for the realtime writes (``contracts.guard`` asks :func:`refusal`).

- ``POST /notification/realtime[/...]``: only Bayeux meta messages (handshake, connect,
  subscribe, unsubscribe, disconnect), which change no data; a publish is refused.
- ``POST /notification2/subscriptions``: only an ``mo`` subscription on a managed object the run
  created (its subscriptions go with it when cleanup deletes it).
- ``POST /notification2/token`` and ``/notification2/unsubscribe``: only for a subscription
  whose name starts with the run's prefix (without dashes); the token's payload names it.
- anything else under ``/notification``: refused as unknown.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

REALTIME = "/notification/realtime"
NOTIFICATION2 = "/notification2/"


def _json(body: bytes | None) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def _token_subscription(token: str) -> str:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    return str(claims.get("subscription", "")) if isinstance(claims, dict) else ""


def refusal(
    method: str,
    path: str,
    query: tuple[tuple[str, str], ...],
    body: bytes | None,
    *,
    prefix: str,
    owns_managed_object: Callable[[str], bool],
) -> str | None:
    """The reason a realtime write must not be sent, or None; only called for paths under /notification."""
    where = f"{method} {path}"
    own_name = prefix.replace("-", "")
    if method == "POST" and (path == REALTIME or path.startswith(REALTIME + "/")):
        messages = _json(body)
        messages = messages if isinstance(messages, list) else [messages]
        if all(isinstance(m, dict) and str(m.get("channel", "")).startswith("/meta/") for m in messages):
            return None
        return f"{where} publishes to a channel: only meta messages (they change no data) are sent."
    if method == "POST" and path == NOTIFICATION2 + "subscriptions":
        doc = _json(body)
        source = doc.get("source") if isinstance(doc, dict) else None
        source_id = source.get("id") if isinstance(source, dict) else None
        if isinstance(doc, dict) and doc.get("context") == "mo" and owns_managed_object(str(source_id)):
            return None
        return f"{where} is not an mo subscription on a managed object the run created."
    if method == "POST" and path == NOTIFICATION2 + "token":
        doc = _json(body)
        name = doc.get("subscription") if isinstance(doc, dict) else None
        if own_name and isinstance(name, str) and name.startswith(own_name):
            return None
        return f"{where} names subscription {name!r}, which is not the run's."
    if method == "POST" and path == NOTIFICATION2 + "unsubscribe":
        token = next((v for k, v in query if k == "token"), "")
        if own_name and _token_subscription(token).startswith(own_name):
            return None
        return f"{where} carries a token of a subscription that is not the run's."
    return f"{where} is a realtime write the guard does not know: it cannot tell what it could reach."

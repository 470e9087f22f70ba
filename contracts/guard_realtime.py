"""The safety guard's rules for the realtime writes (``contracts.guard`` asks :func:`refusal`).

- ``POST /notification/realtime[/...]``: only Bayeux meta messages (handshake, connect,
  subscribe, unsubscribe, disconnect), which change no data; a publish is refused.
- ``POST /notification2/subscriptions``: only named with the run's prefix (without dashes), so no
  subscriber of another name starts receiving it, and either in the ``tenant`` context or an
  ``mo`` subscription on a managed object the run created; cleanup deletes the run's
  subscriptions by id (an ``mo`` one also goes with its managed object).
- ``DELETE /notification2/subscriptions/{id}``: only of a subscription the run created (its id
  learnt from the target's 2xx answer, :func:`created_subscription`);
  ``DELETE /notification2/subscriptions``: only with a ``source`` (every one the run's, checked
  by the guard's query rule) and no ``context=tenant``; without a source it deletes every
  subscription of the tenant.
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
SUBSCRIPTIONS = "/notification2/subscriptions"


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


def created_subscription(method: str, path: str, status: int, body: bytes) -> str | None:
    """The id of the subscription a 2xx answer to the run's ``POST /notification2/subscriptions`` created."""
    if method != "POST" or path != SUBSCRIPTIONS or not 200 <= status < 300:
        return None
    doc = _json(body)
    sub_id = doc.get("id") if isinstance(doc, dict) else None
    return str(sub_id) if isinstance(sub_id, (str, int)) and str(sub_id) else None


def refusal(
    method: str,
    path: str,
    query: tuple[tuple[str, str], ...],
    body: bytes | None,
    *,
    prefix: str,
    owns_managed_object: Callable[[str], bool],
    owns_subscription: Callable[[str], bool],
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
        name = doc.get("subscription") if isinstance(doc, dict) else None
        if not (own_name and isinstance(name, str) and name.startswith(own_name)):
            return f"{where} names subscription {name!r}, which is not the run's."
        context = doc.get("context") if isinstance(doc, dict) else None
        if context == "tenant" or (context == "mo" and owns_managed_object(str(source_id))):
            return None
        return f"{where} is neither a tenant subscription nor an mo one on a managed object of the run's."
    if method == "DELETE" and path.startswith(SUBSCRIPTIONS + "/"):
        sub_id = path[len(SUBSCRIPTIONS) + 1 :]
        if owns_subscription(sub_id):
            return None
        return f"{where} targets subscription {sub_id!r}, which the run did not create."
    if method == "DELETE" and path == SUBSCRIPTIONS:
        if any(k == "source" for k, _ in query) and ("context", "tenant") not in query:
            return None
        return f"{where} has no source of the run's (or has context=tenant): it could delete others'."
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

"""The safety guard's rules for the identity API (``contracts.guard`` asks :func:`refusal`).

- ``POST /identity/globalIds/<id>/externalIds``: only for a managed object the run created (an
  external id changes what lookups of that pair find; the run's go with its managed objects).
- ``DELETE /identity/externalIds/<type>/<externalId>``: only for a pair the target's own 201
  answered to one of the run's POSTs (:func:`learnt_pair`).
- anything else under ``/identity``: refused as unknown.

Paths arrive decoded; values holding ``/`` cannot be addressed (``spec/identity.yaml``), so a
path with more segments matches neither rule and is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

IDENTITY = "/identity"
GLOBAL_IDS = re.compile(r"^/identity/globalIds/(?P<id>[^/]+)/externalIds$")
EXTERNAL_ID = re.compile(r"^/identity/externalIds/(?P<type>[^/]+)/(?P<value>[^/]+)$")

Pair = tuple[str, str]


def refusal(
    method: str,
    path: str,
    *,
    owns_managed_object: Callable[[str], bool],
    owns_pair: Callable[[Pair], bool],
) -> str | None:
    """The reason a write under ``/identity`` must not be sent, or None."""
    where = f"{method} {path}"
    created = GLOBAL_IDS.match(path)
    if method == "POST" and created:
        if owns_managed_object(created["id"]):
            return None
        return (
            f"{where} adds an external id to managed object {created['id']!r}, which the run did not create."
        )
    named = EXTERNAL_ID.match(path)
    if method == "DELETE" and named:
        if owns_pair((named["type"], named["value"])):
            return None
        return (
            f"{where} deletes the external id {named['value']!r} of type {named['type']!r}, "
            "which the run did not create."
        )
    return f"{where} is an identity write the guard does not know: it cannot tell what it could reach."


def learnt_pair(method: str, path: str, status: int, body: bytes) -> Pair | None:
    """The pair a 201 to the run's external-id POST created (from the answer, else None)."""
    if method != "POST" or status != 201 or not GLOBAL_IDS.match(path):
        return None
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    kind, value = answer.get("type"), answer.get("externalId")
    return (kind, value) if isinstance(kind, str) and isinstance(value, str) else None

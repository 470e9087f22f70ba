"""Whether a request carries the credentials a spec's security requirements ask for (pure logic).

An operation's requirements are alternatives (any one suffices), each a set of schemes (all
needed). Each scheme is reduced to a :class:`Credential`: where the value travels and what
makes it well-formed:

* ``http`` ``basic``: ``Authorization: Basic base64(user:password)``;
* ``http`` ``bearer``, ``oauth2`` and ``openIdConnect``: ``Authorization: Bearer <token>``;
* ``apiKey``: a header, query parameter or cookie of the scheme's name, non-empty.

Any well-formed value is accepted unless :class:`Accepted` lists values; then only those are.
Nothing here knows about HTTP frameworks: callers pass headers, query and cookies as mappings.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.errors import Unauthorized

CredentialKind = Literal["basic", "bearer", "apiKey"]
Location = Literal["header", "query", "cookie"]
TOKEN68 = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Credential:
    """One security scheme as a request carries it."""

    scheme: str
    kind: CredentialKind
    location: Location = "header"
    name: str = "Authorization"


Requirement = tuple[Credential, ...]


@dataclass(frozen=True)
class Accepted:
    """The credentials a mock accepts; an empty set means "any well-formed value"."""

    users: frozenset[str] = field(default_factory=frozenset)  # "user:password"
    tokens: frozenset[str] = field(default_factory=frozenset)  # bearer tokens and API keys


def credential(name: str, scheme: Mapping[str, Any]) -> Credential | None:
    """The :class:`Credential` of a security scheme object (``None`` for kinds no request carries)."""
    kind = scheme.get("type")
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        return Credential(name, "basic" if http == "basic" else "bearer")
    if kind in ("oauth2", "openIdConnect"):
        return Credential(name, "bearer")
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        return Credential(name, "apiKey", scheme["in"], str(scheme.get("name", "")))
    return None


def requirements(document: Mapping[str, Any]) -> dict[str, tuple[Requirement, ...]]:
    """operationId -> its security alternatives (an empty tuple: no credentials needed)."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    known = {n: c for n, s in schemes.items() if isinstance(s, dict) and (c := credential(n, s))}
    default = document.get("security") or []
    found: dict[str, tuple[Requirement, ...]] = {}
    for item in (document.get("paths") or {}).values():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            alternatives = op.get("security", default) or []
            reqs = tuple(tuple(known[n] for n in alt if n in known) for alt in alternatives)
            # An alternative without a known scheme ({} or only unknown ones) needs nothing.
            found[str(op["operationId"])] = () if any(not r for r in reqs) else reqs
    return found


def _value(
    cred: Credential, headers: Mapping[str, str], query: Mapping[str, str], cookies: Mapping[str, str]
) -> str | None:
    if cred.location == "query":
        return query.get(cred.name)
    if cred.location == "cookie":
        return cookies.get(cred.name)
    return headers.get(cred.name.lower())


def _problem(cred: Credential, value: str | None, accepted: Accepted) -> str | None:
    """Why ``value`` does not satisfy ``cred`` (``None``: it does)."""
    if cred.kind == "apiKey":
        if not value:
            return f"the API key {cred.name!r} ({cred.location}) of scheme {cred.scheme!r} is missing"
        if accepted.tokens and value not in accepted.tokens:
            return f"the API key of scheme {cred.scheme!r} is not one this mock accepts"
        return None
    wanted = "Basic" if cred.kind == "basic" else "Bearer"
    given, _, rest = (value or "").strip().partition(" ")
    rest = rest.strip()
    if given.lower() != wanted.lower() or not rest:
        return f"scheme {cred.scheme!r} needs an 'Authorization: {wanted} ...' header"
    if cred.kind == "bearer":
        if not TOKEN68.match(rest):
            return f"the bearer token of scheme {cred.scheme!r} is not well-formed (RFC 6750 token68)"
        if accepted.tokens and rest not in accepted.tokens:
            return f"the bearer token of scheme {cred.scheme!r} is not one this mock accepts"
        return None
    try:
        decoded = base64.b64decode(rest, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return f"the Basic credentials of scheme {cred.scheme!r} are not base64 of 'user:password'"
    if ":" not in decoded:
        return f"the Basic credentials of scheme {cred.scheme!r} have no ':' between user and password"
    if accepted.users and decoded not in accepted.users:
        return f"the Basic credentials of scheme {cred.scheme!r} are not ones this mock accepts"
    return None


def check(
    alternatives: Sequence[Requirement],
    *,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    cookies: Mapping[str, str],
    accepted: Accepted = Accepted(),
) -> None:
    """Raise :class:`Unauthorized` unless one alternative is satisfied (``headers`` keys lower-case)."""
    if not alternatives:
        return
    reasons: list[str] = []
    for requirement in alternatives:
        problems = [
            p for c in requirement if (p := _problem(c, _value(c, headers, query, cookies), accepted))
        ]
        if not problems:
            return
        reasons.append(" and ".join(problems))
    raise Unauthorized(f"Authentication is required: {'; or '.join(dict.fromkeys(reasons))}.")


def sample_credentials(
    alternatives: Sequence[Requirement],
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Well-formed (headers, query, cookies) satisfying the first alternative (tests use it)."""
    headers: dict[str, str] = {}
    query: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for cred in alternatives[0] if alternatives else ():
        if cred.kind == "basic":
            headers["Authorization"] = "Basic " + base64.b64encode(b"user:password").decode("ascii")
        elif cred.kind == "bearer":
            headers["Authorization"] = "Bearer mock-token"
        else:
            {"header": headers, "query": query, "cookie": cookies}[cred.location][cred.name] = "mock-key"
    return headers, query, cookies

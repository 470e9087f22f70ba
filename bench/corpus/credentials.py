"""The credentials a corpus run sends, chosen from the security schemes the spec declares.

A generated mock accepts any well-formed credentials, so the run sends fixed ones of the kind
the spec asks for: HTTP basic, a bearer token (also for OAuth2 and OpenID Connect) and API
keys in a header. ``suite_vars`` are the generated suite's make variables (``AUTH``,
``TOKEN``, ``API_KEY``); ``st_args`` the same for plain ``st run``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.corpus.styles import operations

USER = "corpus:corpus"
TOKEN = "corpus-token"
KEY = "corpus-key"


@dataclass(frozen=True)
class Credentials:
    basic: str | None = None
    token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    api_key: bool = False
    # Whether a token is required more often than Basic (st sends one Authorization kind).
    token_first: bool = False

    def suite_vars(self) -> list[str]:
        """``make test`` variables of the generated contract suite (it sends each operation the
        kind its security asks for)."""
        found = [f"AUTH={self.basic}"] if self.basic else []
        if self.token:
            found.append(f"TOKEN={self.token}")
        if self.api_key:  # every apiKey scheme, wherever it says (header, query or cookie)
            found.append(f"API_KEY={KEY}")
        return found

    def st_args(self) -> list[str]:
        """``st run`` options: one Authorization kind, the one the spec requires most."""
        use_token = bool(self.token) and (self.token_first or not self.basic)
        found = ["--auth", self.basic] if self.basic and not use_token else []
        if use_token:
            found += ["--header", f"Authorization: Bearer {self.token}"]
        for name, value in self.headers:
            found += ["--header", f"{name}: {value}"]
        return found


def schemes(document: dict[str, Any]) -> dict[str, Any]:
    found = document.get("securityDefinitions") or (document.get("components") or {}).get("securitySchemes")
    return found if isinstance(found, dict) else {}


def required_first(document: dict[str, Any]) -> list[Any]:
    """The declared security schemes, the most often required first (basic and a token share
    the Authorization header, so only the kind required most is sent)."""
    declared = schemes(document)
    requirements = list(document.get("security") or [])
    for _path, _method, operation, _shared in operations(document):
        requirements += operation.get("security") or []
    named = Counter(n for req in requirements if isinstance(req, dict) for n in req if n in declared)
    order = sorted(declared, key=lambda name: -named[name])
    return [declared[name] for name in order]


def for_spec(document: dict[str, Any]) -> Credentials:
    basic = token = None
    token_first = False
    headers: list[tuple[str, str]] = []
    for scheme in required_first(document):
        if not isinstance(scheme, dict):
            continue
        kind = str(scheme.get("type", "")).lower()
        http_scheme = str(scheme.get("scheme", "")).lower()
        if kind == "basic" or (kind == "http" and http_scheme == "basic"):
            basic = USER
        elif kind in ("oauth2", "openidconnect") or (kind == "http" and http_scheme == "bearer"):
            token_first = token_first or basic is None
            token = TOKEN
        elif kind == "apikey" and scheme.get("in") == "header" and str(scheme.get("name", "")):
            name = str(scheme["name"])
            if name.lower() != "authorization" and name not in dict(headers):
                headers.append((name, KEY))
    api_key = any(
        isinstance(s, dict) and str(s.get("type", "")).lower() == "apikey" for s in schemes(document).values()
    )
    return Credentials(basic, token, tuple(headers), api_key, token_first)

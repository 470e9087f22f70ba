"""Login sessions of the OAuth internal login: access tokens and their XSRF values (PyJWT, HS256).

``POST /tenant/oauth`` opens a session (:meth:`LoginSessions.open`): a signed JWT naming the
tenant ``ten``, the user ``sub``, a random ``xsrfToken``, a ``jti`` and an ``exp`` 24 hours on,
plus that XSRF value, which the server sets as the ``XSRF-TOKEN`` cookie. A later request shows
the token as a bearer token, or as the ``authorization`` cookie together with ``X-XSRF-TOKEN``
(:meth:`LoginSessions.user_of` checks both). ``POST /user/logout`` ends it
(:meth:`LoginSessions.close`). Every refusal is :class:`~mockserver.errors.Unauthorized` with a
sentence saying why. Pure: no HTTP here; the edge (``mockserver/http/auth.py``) reads headers.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from mockserver.errors import Unauthorized

ALGORITHM = "HS256"
LIFETIME_S = 24 * 3600


@dataclass(frozen=True)
class Session:
    """One login: the access token (the ``authorization`` cookie) and its XSRF value."""

    token: str
    xsrf: str
    tenant: str
    username: str
    expires: int


class LoginSessions:
    """The open logins of one mock; the signing secret is drawn per instance."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._secret = secrets.token_bytes(32)
        self._clock = clock
        self._open: set[str] = set()  # jti of every session not logged out
        self._lock = threading.Lock()

    def open(self, tenant: str, username: str) -> Session:
        """A new session of the user ``tenant/username`` (each login is a new one)."""
        now = int(self._clock())
        jti, xsrf = secrets.token_hex(16), secrets.token_urlsafe(24)
        claims = {
            "sub": username,
            "ten": tenant,
            "xsrfToken": xsrf,
            "jti": jti,
            "iat": now,
            "exp": now + LIFETIME_S,
            "tci": "OAUTH2_INTERNAL",
        }
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        with self._lock:
            self._open.add(jti)
        return Session(token, xsrf, tenant, username, now + LIFETIME_S)

    def claims(self, token: str) -> dict[str, object]:
        """The verified claims of an open session's token, else :class:`Unauthorized`."""
        try:  # expiry is checked against this instance's clock below, not PyJWT's
            claims: dict[str, object] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "ten", "jti", "exp", "xsrfToken"], "verify_exp": False},
            )
        except jwt.PyJWTError:
            raise Unauthorized("The access token is not one this server issued.") from None
        expires = claims["exp"]
        if not isinstance(expires, int) or expires <= self._clock():
            raise Unauthorized("The access token has expired; log in again.")
        with self._lock:
            if claims["jti"] not in self._open:
                raise Unauthorized("The access token was logged out; log in again.")
        return claims

    def login_of(self, token: str, *, xsrf: str | None) -> tuple[str, str]:
        """``(tenant, username)`` of an open session; ``xsrf`` is the ``X-XSRF-TOKEN`` a cookie
        login must carry (None for a bearer token, which needs none)."""
        claims = self.claims(token)
        if xsrf is not None and not secrets.compare_digest(xsrf, str(claims["xsrfToken"])):
            raise Unauthorized(
                "The authorization cookie needs the header X-XSRF-TOKEN with the value of the "
                "XSRF-TOKEN cookie of the same login."
            )
        return str(claims["ten"]), str(claims["sub"])

    def close(self, token: str) -> bool:
        """End the session of ``token``; whether one was open."""
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], options={"verify_exp": False})
        except jwt.PyJWTError:
            return False
        with self._lock:
            if claims.get("jti") in self._open:
                self._open.discard(str(claims["jti"]))
                return True
        return False

    def clear(self) -> None:
        """End every session (``/_mock/reset``)."""
        with self._lock:
            self._open.clear()

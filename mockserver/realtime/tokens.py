"""Notification 2.0 tokens: signed JWTs naming a subscriber of a subscription (PyJWT, HS256).

``POST /notification2/token`` issues one; it is the only credential of the websocket consumer.
Its payload carries ``sub`` (user), ``ten`` (tenant), ``topic`` (``<tenant>/<subscription>``),
``subscription``, ``subscriber``, ``shared``, ``nonPersistent``, ``jti``, ``iat`` and ``exp``
(``expiresInMinutes`` from now). :meth:`TokenIssuer.verify` refuses an expired, forged or
revoked token (``/notification2/unsubscribe`` revokes it) with :class:`Unauthorized`.

One detail for the official Python client: ``c8y_api._jwt.JWT`` decodes the payload with the
standard base64 alphabet, which silently drops the URL-safe ``-`` and ``_``; so the issuer
draws a new ``jti`` until the payload's encoding contains neither.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from mockserver.errors import Unauthorized, ValidationError

RESOURCE = "notification2"
ALGORITHM = "HS256"
MAX_MINUTES = 60 * 24 * 365
DEFAULT_MINUTES = 1440


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says."""

    tenant: str
    user: str
    subscription: str
    subscriber: str
    shared: bool
    non_persistent: bool
    jti: str
    exp: int


@dataclass(frozen=True)
class TokenRequest:
    """A validated ``POST /notification2/token`` body."""

    subscription: str
    subscriber: str
    minutes: int
    shared: bool
    non_persistent: bool

    @classmethod
    def parse(cls, doc: object) -> TokenRequest:
        if not isinstance(doc, dict):
            raise ValidationError("A token request must be a JSON object.", resource=RESOURCE)
        subscription, subscriber = doc.get("subscription"), doc.get("subscriber")
        for field, value in (("subscription", subscription), ("subscriber", subscriber)):
            if not isinstance(value, str) or not value.replace("_", "").isalnum():
                raise ValidationError(
                    f"Field {field} is {value!r}; expected letters, digits and underscores.",
                    resource=RESOURCE,
                )
        minutes = doc.get("expiresInMinutes", DEFAULT_MINUTES)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
            raise ValidationError(
                f"Field expiresInMinutes is {minutes!r}; expected whole minutes from 1 to {MAX_MINUTES}.",
                resource=RESOURCE,
            )
        flags = {k: doc.get(k, False) for k in ("shared", "nonPersistent", "signed")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise ValidationError(f"Field {key} is {value!r}; expected true or false.", resource=RESOURCE)
        assert isinstance(subscription, str)
        assert isinstance(subscriber, str)
        return cls(subscription, subscriber, minutes, bool(flags["shared"]), bool(flags["nonPersistent"]))


class TokenIssuer:
    """Signs and verifies tokens with a secret of its own; remembers revoked token ids."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._secret = secrets.token_bytes(32)
        self._revoked: dict[str, int] = {}  # jti -> exp; an expired token is refused anyway
        self.clock = clock

    def issue(self, request: TokenRequest, *, tenant: str, user: str) -> str:
        now = int(self.clock())
        claims: dict[str, Any] = {
            "sub": user,
            "ten": tenant,
            "topic": f"{tenant}/{request.subscription}",
            "subscription": request.subscription,
            "subscriber": request.subscriber,
            "shared": request.shared,
            "nonPersistent": request.non_persistent,
            "iat": now,
            "exp": now + 60 * request.minutes,
        }
        while True:
            claims["jti"] = secrets.token_hex(8)
            token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
            if not set(token.split(".")[1]) & {"-", "_"}:
                return token

    def verify(self, token: str, *, revoked_ok: bool = False) -> TokenClaims:
        """The claims of a valid token; ``revoked_ok`` accepts one an unsubscribe revoked (so that
        unsubscribing twice answers DONE twice)."""
        try:  # expiry is checked below against this issuer's clock
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp"], "verify_exp": False}
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"The Notification 2.0 token is not valid: {exc}.") from None
        if not isinstance(claims["exp"], int) or claims["exp"] <= self.clock():
            raise Unauthorized("The Notification 2.0 token has expired; request a new one.")
        if claims.get("jti") in self._revoked and not revoked_ok:
            raise Unauthorized("The Notification 2.0 token was invalidated by an unsubscribe.")
        return TokenClaims(
            tenant=str(claims["ten"]),
            user=str(claims["sub"]),
            subscription=str(claims["subscription"]),
            subscriber=str(claims["subscriber"]),
            shared=bool(claims.get("shared")),
            non_persistent=bool(claims.get("nonPersistent")),
            jti=str(claims["jti"]),
            exp=int(claims["exp"]),
        )

    def revoke(self, claims: TokenClaims) -> None:
        """Refuse this token from now on; forget revoked tokens that have expired meanwhile."""
        now = self.clock()
        self._revoked = {jti: exp for jti, exp in self._revoked.items() if exp > now}
        self._revoked[claims.jti] = claims.exp

    def clear(self) -> None:
        self._revoked.clear()

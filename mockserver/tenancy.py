"""Which tenant a request acts for: the one choice that gives each tenant a world of its own.

The HTTP edge authenticates a request and runs its handler inside :func:`acting_for` the user's
tenant (``mockserver/http/auth.py`` and the fast path, nowhere else); :class:`~mockserver.state.MockState`
answers every store lookup from :func:`current_tenant`, so a handler reaches only its caller's
tenant's stores without knowing tenants exist. Outside a request (seeds, the mock-only admin
hooks, tests calling stores directly) it is the default tenant. A context variable, so
concurrent requests of different tenants never see each other's choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_TENANT = "t100"

_TENANT: ContextVar[str] = ContextVar("mockserver_tenant", default=DEFAULT_TENANT)


def current_tenant() -> str:
    """The tenant of the request being served (the default tenant outside a request)."""
    return _TENANT.get()


@contextmanager
def acting_for(tenant: str) -> Iterator[None]:
    """Make ``tenant`` the current tenant for the ``with`` block."""
    token = _TENANT.set(tenant)
    try:
        yield
    finally:
        _TENANT.reset(token)

"""The ASGI middleware stack of the mock: Connexion's, with seven changes.

0. :class:`~mockserver.http.double.TestDouble` is outermost: URL limit, ``GET /``, the admin
   token, fault rules, latency and the journal (so even a 500 is journalled).
1. :class:`~mockserver.http.guard.BodyGuard` sits right after the server-error middleware,
   so Connexion never sees an oversized, non-UTF-8, non-finite or too-deep JSON body.
2. :class:`~mockserver.http.auth.AuthMiddleware` replaces Connexion's SecurityMiddleware
   (credentials and roles come from the app's state, not from ``x-*InfoFunc`` in the spec).
3. Routing and Swagger UI chain several APIs served at the same (root) base path. Connexion
   mounts each API at ``""`` and only the first mount is ever matched (the chaining it
   attempts keeps only the last API), so e.g. the inventory paths would answer 404 once a
   third spec is added.
4. Response validation is kept only when asked for (``MockConfig.validate_responses``).
5. :class:`~mockserver.http.fast.FastReads` sits right after the exception middleware and
   answers the hot read-only GETs itself (its errors still leave through that middleware).
6. :class:`~mockserver.http.media.CurrentRequest` is the innermost layer: it hands handlers
   the request scope without reading Connexion's context internals.
7. :class:`~mockserver.http.slashes.SlashQuirks` serves the official clients' extra slashes in
   alarm paths (``/alarm/alarms//7``) as the plain paths, before anything routes.

The list is given to Connexion through ``AsyncApp(middlewares=...)``, its documented hook.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingAPI, RoutingMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from starlette.routing import Mount, Router

from mockserver.http.auth import AccessPolicy, AuthMiddleware
from mockserver.http.config import MockConfig
from mockserver.http.double import DoubleSettings, TestDouble
from mockserver.http.fast import FastReads, FastRoutes
from mockserver.http.guard import BodyGuard
from mockserver.http.media import CurrentRequest
from mockserver.http.slashes import SlashQuirks
from mockserver.users import UserDirectory


def _chain(router: Router, base_path: str, api_router: Router) -> None:
    """Mount ``api_router`` at ``base_path``, or, if that path is taken, make it the fallback
    of the last router already chained there."""
    for route in router.routes:
        if isinstance(route, Mount) and route.path == base_path:
            last: Any = route.app
            while isinstance(getattr(last, "default", None), Router):
                last = last.default
            api_router.default = last.default
            last.default = api_router
            return
    router.mount(base_path, app=api_router)


class ChainedRoutingMiddleware(RoutingMiddleware):  # type: ignore[misc]
    def add_api(
        self, specification: Any, base_path: str | None = None, arguments: Any = None, **kwargs: Any
    ) -> None:
        api = RoutingAPI(specification, base_path=base_path, arguments=arguments, next_app=self.app, **kwargs)
        _chain(self.router, api.base_path, api.router)


class ChainedSwaggerUIMiddleware(SwaggerUIMiddleware):  # type: ignore[misc]
    def add_api(
        self, specification: Any, base_path: str | None = None, arguments: Any = None, **kwargs: Any
    ) -> None:
        api = SwaggerUIAPI(
            specification, base_path=base_path, arguments=arguments, default=self.default_fn, **kwargs
        )
        _chain(self.router, api.base_path, api.router)


def middlewares(
    config: MockConfig,
    users: UserDirectory,
    policy: AccessPolicy,
    routes: FastRoutes,
    double: DoubleSettings,
) -> list[Any]:
    stack: list[Any] = [
        partial(TestDouble, settings=double),
        ServerErrorMiddleware,
        SlashQuirks,
        partial(BodyGuard, max_body_bytes=config.max_body_bytes, max_depth=config.max_json_depth),
        ExceptionMiddleware,
        partial(FastReads, routes=routes, users=users, policy=policy),
        ChainedSwaggerUIMiddleware,
        ChainedRoutingMiddleware,
        partial(AuthMiddleware, users=users, policy=policy),
        RequestValidationMiddleware,
    ]
    if config.validate_responses:
        stack.append(ResponseValidationMiddleware)
    return [*stack, LifespanMiddleware, ContextMiddleware, CurrentRequest]

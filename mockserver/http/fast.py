"""A fast path for the mock's read-only GETs, compiled from the specs, inside Connexion's stack.

Why: a profile of one ``GET /measurement/measurements/{id}`` through the full stack
(``bench/README.md``) spends ~700 µs in Connexion and ~60 µs in the handler: chained routers
scanned by the Swagger UI and routing middlewares (about 90 route checks a request), a
jsonschema validator built per parameter per request, the handler's signature inspected and
its decorators rebuilt per request.

What: :class:`FastReads` is a plain ASGI middleware of the stack (:mod:`mockserver.http.stack`
puts it right after Connexion's exception middleware). At startup every GET of the served
specs (:class:`FastRoutes`, filled by ``create_app`` from the spec documents and handler
resolvers it owns) whose parameters are scalar path/query parameters becomes a
:class:`CompiledGet`: a path regex, each parameter's type, default and validator read from the
spec once, the handler and its argument names. A request that matches exactly one spec path
(no other template of any method matches it, so routing cannot disagree) is decided here:

* credentials and roles: the same :class:`~mockserver.http.auth.AccessPolicy` check as the auth
  middleware; a refusal raises the same :class:`~mockserver.errors.MockError`;
* parameters: coerced as Connexion's parameter handling does (``int``/``float``/``str`` and
  ``true``/``false``, defaults from the spec) and validated with the parameter's schema;
* the handler is called once; whatever it raises goes to the exception middleware, which
  answers through the same error handlers as for any other request.

A request whose parameters do not coerce or validate, repeat a parameter, use a deep-object
or nullable value, or carry a body, is handed on to the rest of the stack BEFORE its handler
runs, so Connexion words the 400; a handler never runs twice. Connexion still routes and
validates every other request and serves Swagger UI. Set ``C8Y_MOCK_FAST_PATH=0`` to turn the
fast path off; it is never installed when response validation is on (that middleware must see
every answer). ``tests/integration/test_fast_path.py`` compares both paths byte for byte.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.auth import AccessPolicy, RequestCredentials, forbid, request_user
from mockserver.http.media import serving
from mockserver.http.params import Param, ParamError, compile_param, spec_parameters
from mockserver.http.resolver import HandlerResolver
from mockserver.tenancy import acting_for
from mockserver.users import DEFAULT_TENANT, UserDirectory

SWITCH = "C8Y_MOCK_FAST_PATH"
_PARAM = re.compile(r"{([^}/]+)}")


class _Handover(Exception):
    """This request is left to the rest of the stack (raised before any handler runs)."""


def path_regex(template: str) -> re.Pattern[str]:
    """``/a/{id}`` -> a regex with one named group per parameter, each one path segment."""
    parts, last, count = [], 0, 0
    for match in _PARAM.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<p{count}>[^/]+)")
        count += 1
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts) + r"\Z")


@dataclass
class CompiledGet:
    """A GET operation the fast path can serve (see the module docstring)."""

    operation_id: str
    regex: re.Pattern[str]
    path_params: list[Param]
    query_params: dict[str, Param]
    handler: Callable[..., Any]
    arguments: frozenset[str]
    roles: tuple[str, ...] | None  # None: public, no credentials needed
    rivals: list[re.Pattern[str]]  # other spec paths (any method) that could share a request path

    def kwargs(self, match: re.Match[str], query: str) -> dict[str, Any]:
        """The handler's arguments, or :class:`_Handover` when Connexion must answer."""
        try:
            kwargs = {p.argument: p.value(match.group(f"p{i}")) for i, p in enumerate(self.path_params)}
            seen: set[str] = set()
            for name, raw in parse_qsl(query, keep_blank_values=True):
                param = self.query_params.get(name)
                if param is None:
                    if "[" in name:  # a deep-object parameter: Connexion's parser decides
                        raise _Handover
                    continue  # not in the spec: ignored, as without strict validation
                if name in seen:
                    raise _Handover
                seen.add(name)
                value = param.value(raw)  # validated even when the handler does not take it
                if param.argument in self.arguments:
                    kwargs[param.argument] = value
        except ParamError:
            raise _Handover from None
        for name, param in self.query_params.items():
            if name in seen:
                continue
            if param.required:
                raise _Handover
            if param.has_default and param.argument in self.arguments:
                kwargs[param.argument] = param.default()
        return kwargs


@dataclass
class FastRoutes:
    """The spec documents and handler resolvers the fast path compiles (filled by ``create_app``)."""

    enabled: bool = True
    apis: list[tuple[dict[str, Any], HandlerResolver]] = field(default_factory=list)
    layers: list[FastReads] = field(default_factory=list)  # the built layers (tests count answers)

    def add(self, document: dict[str, Any], resolver: HandlerResolver) -> None:
        self.apis.append((document, resolver))

    @property
    def served(self) -> int:
        """Answers given by the fast path so far."""
        return sum(layer.served for layer in self.layers)


def _could_share(a: str, b: str) -> bool:
    """Whether some request path could match both templates (segment by segment)."""
    left, right = a.strip("/").split("/"), b.strip("/").split("/")
    return len(left) == len(right) and all(
        x == y or _PARAM.fullmatch(x) or _PARAM.fullmatch(y) for x, y in zip(left, right, strict=True)
    )


def _handler_arguments(handler: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword names ``handler`` takes, or None when it takes ``**kwargs`` (not compiled)."""
    parameters = inspect.signature(handler).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)


def _compile_one(
    document: dict[str, Any], path: str, resolver: HandlerResolver, policy: AccessPolicy
) -> CompiledGet | None:
    operation = document["paths"][path]["get"]
    operation_id = operation.get("operationId")
    handler = resolver.find(operation_id) if operation_id else None
    if handler is None or "requestBody" in operation or not inspect.iscoroutinefunction(handler):
        return None  # no handler (501), a body, or a sync handler Connexion runs in a thread
    arguments = _handler_arguments(handler)
    params = [compile_param(p) for p in spec_parameters(document, path, "get")]
    if arguments is None or None in params:
        return None
    checked = [p for p in params if p is not None]
    by_name = {p.name: p for p in checked if p.where == "path"}
    if any(name not in by_name for name in _PARAM.findall(path)):
        return None
    public = operation_id in policy.public_operations
    return CompiledGet(
        operation_id=operation_id,
        regex=path_regex(path),
        path_params=[by_name[name] for name in _PARAM.findall(path)],
        query_params={p.name: p for p in checked if p.where == "query"},
        handler=handler,
        arguments=arguments,
        roles=None if public else policy.required_roles.get(operation_id, ()),
        rivals=[],
    )


def compile_gets(
    apis: Iterable[tuple[dict[str, Any], HandlerResolver]], policy: AccessPolicy
) -> list[CompiledGet]:
    """Every GET of ``apis`` the fast path can serve, with its rivals among all spec paths."""
    apis = list(apis)
    every_path = [
        (index, path) for index, (document, _) in enumerate(apis) for path in document.get("paths", {})
    ]
    compiled: list[CompiledGet] = []
    for index, (document, resolver) in enumerate(apis):
        for path, methods in document.get("paths", {}).items():
            first = path.strip("/").split("/")[0]
            if "get" not in methods or _PARAM.search(first) or first.endswith(("-ui", "-openapi.json")):
                continue  # a first segment that is a parameter could shadow Swagger UI's paths
            get = _compile_one(document, path, resolver, policy)
            if get is None:
                continue
            get.rivals = [
                path_regex(other)
                for where, other in every_path
                if (where, other) != (index, path) and _could_share(path, other)
            ]
            compiled.append(get)
    return compiled


class FastReads:
    """ASGI middleware serving compiled GETs itself and everything else through ``app``."""

    def __init__(
        self, app: ASGIApp, *, routes: FastRoutes, users: UserDirectory, policy: AccessPolicy
    ) -> None:
        self.app = app
        self.users = users
        self.gets = compile_gets(routes.apis, policy) if routes.enabled else []
        self.served = 0  # answers given by the fast path (tests check it is really taken)
        routes.layers.append(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.gets and scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            found = self._match(scope["path"])
            if found is not None:
                try:
                    call = self._prepare(scope, *found)
                except _Handover:
                    pass
                else:
                    with serving(scope):
                        response = await call()
                    if not isinstance(response, Response):  # our handlers answer with json_response
                        raise TypeError(f"The handler of {scope['path']} answered {type(response).__name__}.")
                    self.served += 1
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _match(self, path: str) -> tuple[CompiledGet, re.Match[str]] | None:
        for get in self.gets:
            match = get.regex.match(path)
            if match is not None:
                if any(rival.match(path) for rival in get.rivals):
                    return None
                return get, match
        return None

    def _prepare(self, scope: Scope, get: CompiledGet, match: re.Match[str]) -> Callable[[], Any]:
        """The handler call for this request; raises what the auth middleware would raise."""
        for name, value in scope["headers"]:
            if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
                raise _Handover  # a GET with a body: the guard and Connexion decide
        kwargs = get.kwargs(match, scope.get("query_string", b"").decode("latin-1"))
        tenant = DEFAULT_TENANT
        if get.roles is not None:
            user = request_user(RequestCredentials.from_headers(scope["headers"]), self.users)
            if get.roles and not user.has_any_role(get.roles):
                raise forbid(user, get.operation_id, get.roles)
            if "user" in get.arguments:
                kwargs["user"] = user
            tenant = user.tenant

        async def call() -> Any:
            with acting_for(tenant):
                return await get.handler(**kwargs)

        return call


def fast_path_enabled(validate_responses: bool) -> bool:
    """Whether the fast path is installed: not when ``C8Y_MOCK_FAST_PATH=0`` or answers are validated."""
    return os.environ.get(SWITCH, "1") != "0" and not validate_responses

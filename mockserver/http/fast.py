"""A fast path for the mock's read-only GETs, compiled from the specs, in front of Connexion.

Why: a profile of one ``GET /measurement/measurements/{id}`` through the full stack
(``bench/README.md``) spends ~700 µs in Connexion and ~60 µs in the handler: chained routers
scanned by the Swagger UI and routing middlewares (about 90 route checks a request), a
jsonschema validator built per parameter per request, the handler's signature inspected and
its decorators rebuilt per request, parameter names converted to snake_case per request.

What: :func:`install_fast_path` wraps the app's built middleware stack with :class:`FastReads`.
At startup, every GET of the served specs whose parameters are scalar path/query parameters
becomes a :class:`CompiledGet`: a path regex, the spec's parameter definitions with their
validators built once, the handler and its argument names. A request that matches exactly one
spec path (no other template of any method matches it, so routing cannot disagree) is served
by the same steps Connexion takes, with Connexion's own coercion functions and the same
validator, credentials and role check as :class:`~mockserver.http.auth.AuthMiddleware`, and
the same handler, which returns the Starlette response Connexion would send unchanged.

Anything off the happy path falls back to the full Connexion stack, which then produces the
answer: missing or bad credentials, a missing role, a parameter that does not coerce or
validate, a repeated or deep-object parameter, a request body, a handler that raises (404 and
the like) or answers something other than a Starlette ``Response``. Running a GET handler
twice is harmless because GET handlers only read. Connexion still routes and validates every
other request and serves Swagger UI. Set ``C8Y_MOCK_FAST_PATH=0`` to turn the fast path off;
it is never installed when response validation is on (that middleware must see every answer).
``tests/integration/test_fast_path.py`` compares both paths byte for byte.
"""

from __future__ import annotations

import copy
import inspect
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from connexion.context import _context, _operation, _receive, _scope
from connexion.decorators.parameter import _get_query_defaults, _get_val_from_param, pythonic
from connexion.exceptions import TypeValidationError
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.operations import OpenAPIOperation
from connexion.utils import coerce_type, inspect_function_arguments, is_null, is_nullable
from jsonschema import Draft4Validator
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.auth import AuthMiddleware, credentials_user

SWITCH = "C8Y_MOCK_FAST_PATH"
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
_PARAM = re.compile(r"{([^}/]+)}")


class _Fallback(Exception):
    """This request leaves the fast path; the full Connexion stack answers it."""


def path_regex(template: str) -> re.Pattern[str]:
    """``/a/{id}`` -> a regex with one named group per parameter, each one path segment."""
    parts, last = [], 0
    names: list[str] = []
    for match in _PARAM.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        names.append(match.group(1))
        parts.append(f"(?P<p{len(names) - 1}>[^/]+)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts) + r"\Z")


@dataclass(frozen=True)
class Param:
    """One spec parameter, with what Connexion derives from it computed once."""

    name: str
    where: str  # "path" or "query"
    argument: str  # the handler's keyword (pythonic_params)
    definition: dict[str, Any]
    validator: Any  # jsonschema validator of the parameter's schema, built once

    def value(self, raw: str) -> Any:
        """Coerce and validate ``raw`` as Connexion's parser and validator do; the handler's value."""
        if is_nullable(self.definition) and is_null(raw):
            raise _Fallback
        try:
            coerced = coerce_type(self.definition, raw, "parameter", self.name)
        except TypeValidationError:
            raise _Fallback from None
        if not self.validator.is_valid(coerced):
            raise _Fallback
        return _get_val_from_param(coerced, self.definition)


@dataclass
class CompiledGet:
    """A GET operation the fast path can serve (see the module docstring)."""

    operation: Any
    regex: re.Pattern[str]
    path_params: list[Param]
    query_params: dict[str, Param]
    defaults: dict[str, Any]
    handler: Any
    arguments: frozenset[str]
    roles: tuple[str, ...] | None  # None: public, no credentials needed
    rivals: list[re.Pattern[str]]  # other spec paths (any method) this one's regex could share a path with

    def kwargs(self, match: re.Match[str], query: str) -> dict[str, Any]:
        kwargs = {p.argument: p.value(match.group(f"p{i}")) for i, p in enumerate(self.path_params)}
        seen: set[str] = set()
        for name, raw in parse_qsl(query, keep_blank_values=True):
            param = self.query_params.get(name)
            if param is None:
                if "[" in name:  # a deep-object parameter: Connexion's parser decides
                    raise _Fallback
                continue  # not in the spec: ignored, as without strict validation
            if name in seen:
                raise _Fallback
            seen.add(name)
            if param.argument in self.arguments:
                kwargs[param.argument] = param.value(raw)
            else:
                param.value(raw)  # validated even when the handler does not take it
        for name, default in self.defaults.items():
            param = self.query_params[name]
            if name not in seen and param.argument in self.arguments:
                kwargs[param.argument] = _get_val_from_param(copy.deepcopy(default), param.definition)
        for name, param in self.query_params.items():
            if name not in seen and name not in self.defaults and param.definition.get("required"):
                raise _Fallback
        return kwargs


def _compile_param(definition: dict[str, Any]) -> Param | None:
    schema = definition.get("schema", definition)
    if definition.get("in") not in ("path", "query") or schema.get("type") not in SCALAR_TYPES:
        return None
    return Param(
        name=definition["name"],
        where=definition["in"],
        argument=pythonic(definition["name"]),
        definition=definition,
        validator=Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER),
    )


def _could_share(a: str, b: str) -> bool:
    """Whether some request path could match both templates (segment by segment)."""
    left, right = a.strip("/").split("/"), b.strip("/").split("/")
    return len(left) == len(right) and all(
        x == y or _PARAM.fullmatch(x) or _PARAM.fullmatch(y) for x, y in zip(left, right, strict=True)
    )


def compile_gets(apis: Iterable[Any], auth: AuthMiddleware) -> list[CompiledGet]:
    """Every GET of ``apis`` the fast path can serve, with its rivals among all spec paths."""
    apis = list(apis)
    every_path = [
        (index, path) for index, api in enumerate(apis) for path in api.specification.get("paths", {})
    ]
    compiled: list[CompiledGet] = []
    for index, api in enumerate(apis):
        for path, methods in api.specification.get("paths", {}).items():
            first = path.strip("/").split("/")[0]
            if "get" not in methods or _PARAM.search(first) or first.endswith(("-ui", "-openapi.json")):
                continue  # a first segment that is a parameter could shadow Swagger UI's paths
            operation = OpenAPIOperation.from_spec(
                api.specification, path=path, method="get", resolver=api.resolver
            )
            params = [_compile_param(p) for p in operation.parameters]
            handler = operation.function
            arguments, has_kwargs = inspect_function_arguments(handler)
            if None in params or has_kwargs or operation.is_request_body_defined:
                continue
            if not inspect.iscoroutinefunction(handler):  # a sync handler: Connexion runs it in a thread
                continue
            checked = [p for p in params if p is not None]
            query = {p.name: p for p in checked if p.where == "query"}
            public = operation.operation_id in auth.policy.public_operations
            compiled.append(
                CompiledGet(
                    operation=operation,
                    regex=path_regex(path),
                    path_params=[
                        next(p for p in checked if p.where == "path" and p.name == name)
                        for name in _PARAM.findall(path)
                    ],
                    query_params=query,
                    defaults=_get_query_defaults({p.name: p.definition for p in query.values()}),
                    handler=handler,
                    arguments=frozenset(arguments),
                    roles=None if public else auth.policy.required_roles.get(operation.operation_id, ()),
                    rivals=[
                        path_regex(other)
                        for where, other in every_path
                        if (where, other) != (index, path) and _could_share(path, other)
                    ],
                )
            )
    return compiled


class FastReads:
    """ASGI app serving compiled GETs directly and everything else through ``app``."""

    def __init__(self, app: ASGIApp, gets: list[CompiledGet], auth: AuthMiddleware) -> None:
        self.app = app
        self.gets = gets
        self.auth = auth
        self.served = 0  # answers given by the fast path (tests check it is really taken)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            response = await self._try(scope, receive)
            if response is not None:
                self.served += 1
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _match(self, path: str) -> tuple[CompiledGet, re.Match[str]] | None:
        found = None
        for get in self.gets:
            match = get.regex.match(path)
            if match is not None:
                found = (get, match)
                break
        if found is None or any(rival.match(path) for rival in found[0].rivals):
            return None
        return found

    async def _try(self, scope: Scope, receive: Receive) -> Response | None:
        found = self._match(scope["path"])
        if found is None:
            return None
        get, match = found
        authorization = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:  # the first one, as the auth middleware
                authorization = value.decode("latin-1")
            elif name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
                return None  # a GET with a body: the guard and Connexion decide
        try:
            kwargs = get.kwargs(match, scope.get("query_string", b"").decode("latin-1"))
            context: dict[str, Any] = {}
            if get.roles is not None:
                user = credentials_user(authorization, self.auth.users)
                if get.roles and not user.has_any_role(get.roles):
                    return None
                context["user"] = user
            if "user" in get.arguments and "user" in context:
                kwargs["user"] = context["user"]
            extensions = scope.setdefault("extensions", {})
            extensions.setdefault("connexion_context", {}).update(context)
            _context.set(extensions["connexion_context"])
            _operation.set(get.operation)
            _receive.set(receive)
            _scope.set(scope)
            response = await get.handler(**kwargs)
        except Exception:  # any error answer comes from the full stack, with its error handlers
            return None
        return response if isinstance(response, Response) else None


def _find(stack: Iterable[Any], kind: type) -> Any:
    return next((layer for layer in stack if isinstance(layer, kind)), None)


def install_fast_path(app: Any) -> bool:
    """Put :class:`FastReads` in front of ``app``'s built middleware stack; True if installed.

    ``app`` is a :class:`connexion.AsyncApp` whose stack is already built (``create_app``
    builds it). Not installed when ``C8Y_MOCK_FAST_PATH=0``, when response validation is on,
    or when the stack has no :class:`~mockserver.http.auth.AuthMiddleware`.
    """
    middleware = app.middleware
    stack = list(middleware.middleware_stack or ())
    auth = _find(stack, AuthMiddleware)
    if os.environ.get(SWITCH, "1") == "0" or auth is None or _find(stack, ResponseValidationMiddleware):
        return False
    apis = [api for group in app._middleware_app.apis.values() for api in group]
    middleware.app = FastReads(middleware.app, compile_gets(apis, auth), auth)
    return True

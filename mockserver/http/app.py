"""Build the mock: one Connexion AsyncApp, one port, every API at the root.

``create_app()`` serves ``spec/measurement.yaml``, ``spec/inventory.yaml``, ``spec/dtm.yaml``,
``spec/alarm.yaml``, ``spec/notification2.yaml`` and ``spec/identity.yaml`` (each only if the
file exists; the app's ``mock_specs`` says which are served and which are missing) plus the
mock's own ``mockserver/admin.yaml``. Each spec also
gets a Swagger UI at ``/<name>-ui/`` and its document at ``/<name>-openapi.json``.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.options import SwaggerUIOptions

from mockserver.errors import NotImplementedOperation
from mockserver.http.auth import AccessPolicy
from mockserver.http.config import MockConfig
from mockserver.http.double import DoubleSettings
from mockserver.http.fast import FastRoutes, fast_path_enabled
from mockserver.http.handlers import build_handlers
from mockserver.http.handlers.double import DoubleHandlers
from mockserver.http.heap import frozen_start_up_heap
from mockserver.http.journal import Journal
from mockserver.http.problems import ERROR_HANDLERS
from mockserver.http.realtime import RealtimeEndpoints
from mockserver.http.resolver import HandlerResolver
from mockserver.http.stack import middlewares
from mockserver.http.validation import validator_map
from mockserver.state import MockState

logger = logging.getLogger("mockserver")

PRODUCT_SPECS = ("measurement", "inventory", "dtm", "alarm", "notification2", "tenant", "identity")
ADMIN_SPEC = Path(__file__).resolve().parents[1] / "admin.yaml"


@dataclass(frozen=True)
class ServedSpecs:
    """Which product specs an app serves, and which it could not find."""

    served: list[str] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    unimplemented: list[str] = field(default_factory=list)


def _not_implemented(specs: ServedSpecs) -> Callable[[Any], Callable[..., Any]]:
    """Resolver fallback: a handler answering 501 for an operation nobody implements yet."""

    def fallback(operation: Any) -> Callable[..., Any]:
        operation_id = operation.operation_id
        if operation_id not in specs.unimplemented:  # each middleware resolves every operation
            specs.unimplemented.append(operation_id)

        async def not_implemented(*args: Any, **kwargs: Any) -> Any:
            where = f"{operation.method.upper()} {operation.path}"
            raise NotImplementedOperation(f"The mock does not implement {operation_id} ({where}) yet.")

        return not_implemented

    return fallback


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class SpecOperation:
    """An operation as the resolver sees it: its id, method and path."""

    operation_id: str | None
    method: str
    path: str


def resolve_all(document: dict[str, Any], resolver: HandlerResolver) -> None:
    """Resolve every operation of ``document`` now, so that a missing handler fails app creation
    (Connexion would resolve them only when its middleware stack is built, on the first call)."""
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                resolver.resolve(SpecOperation(item[method].get("operationId"), method, path))


@functools.lru_cache(maxsize=32)
def _parsed(path: Path, mtime_ns: int) -> str:
    """The spec as JSON text, parsed with libyaml when available (4x faster than pure Python).

    Cached per file version, so tests that build many apps parse each spec once.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        return json.dumps(yaml.load(stream, Loader=loader))


def load_spec(path: Path) -> dict[str, Any]:
    """A fresh copy of the spec document at ``path`` (Connexion may annotate what it gets)."""
    document: dict[str, Any] = json.loads(_parsed(path, path.stat().st_mtime_ns))
    return document


def double_settings(config: MockConfig) -> DoubleSettings:
    """The journal, fault rules and options of the test-double layer (mockserver/http/double.py)."""
    double = DoubleSettings(
        journal=Journal(config.journal_capacity, config.journal_body_bytes),
        admin_token=config.admin_token,
        latency_ms=config.latency_ms,
        access_log=config.access_log,
        max_url_bytes=config.max_url_bytes,
    )
    if config.faults:
        double.faults.add_all(list(config.faults))
    return double


def _stack(
    config: MockConfig, state: MockState, policy: AccessPolicy, routes: FastRoutes, double: DoubleSettings
) -> list[Any]:
    """The middleware list of :mod:`mockserver.http.stack` with the realtime endpoints added."""
    stack = middlewares(config, state.users, policy, routes, double)
    # The realtime paths (CometD, the Notification 2.0 consumer) are answered right inside the
    # server-error middleware, before Connexion reads a body (see realtime.py).
    realtime = partial(RealtimeEndpoints, hub=state.realtime, max_body_bytes=config.max_body_bytes)
    stack.insert(stack.index(ServerErrorMiddleware) + 1, realtime)
    return stack


def create_app(state: MockState | None = None, *, config: MockConfig | None = None) -> AsyncApp:
    """A ready ASGI app over ``state`` (a fresh, empty state by default).

    Fails at once (not on the first request) when an operation of a served spec has no
    handler, naming the operationId and the spec.
    """
    # Connexion warns once per operation that offers several request media types; that is by design here.
    logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
    state = state or MockState()
    config = config or MockConfig()
    double = double_settings(config)
    handlers = [*build_handlers(state), DoubleHandlers(double)]
    policy = AccessPolicy.from_handlers(handlers)
    routes = FastRoutes(enabled=fast_path_enabled(config.validate_responses))
    app = AsyncApp(
        __name__,
        middlewares=_stack(config, state, policy, routes, double),
        lifespan=frozen_start_up_heap,
        pythonic_params=True,
        validator_map=validator_map(),
        validate_responses=config.validate_responses,
    )
    specs = ServedSpecs()
    double.served = lambda: list(specs.served)
    fallback = None if config.require_all_handlers else _not_implemented(specs)
    documents = [(name, config.spec_dir / f"{name}.yaml") for name in PRODUCT_SPECS]
    for name, path in [*documents, ("mock", ADMIN_SPEC)]:
        if not path.is_file():
            specs.missing.append(path)
            logger.warning("Spec %s not found; its API is not served.", path)
            continue
        document = load_spec(path)
        resolver = HandlerResolver(*handlers, fallback=fallback, spec_name=str(path))
        resolve_all(document, resolver)
        routes.add(load_spec(path), resolver)
        double.allow.add(document)
        app.add_api(
            document,
            name=name,
            resolver=resolver,
            swagger_ui_options=SwaggerUIOptions(
                swagger_ui=config.swagger_ui,
                serve_spec=config.swagger_ui,
                swagger_ui_path=f"/{name}-ui",
                spec_path=f"/{name}-openapi.json",
            ),
        )
        if name != "mock":
            specs.served.append(name)
    for exception, handler in ERROR_HANDLERS:
        app.add_error_handler(exception, handler)
    app.mock_fast_path = routes if routes.enabled else None  # hot GETs skip Connexion (fast.py)
    app.mock_specs = specs
    app.mock_state = state
    app.mock_double = double  # journal and fault rules (mockserver/http/double.py)
    logger.info("Serving %s; missing specs: %s", ", ".join(specs.served) or "no product API", specs.missing)
    return app

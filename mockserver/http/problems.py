"""Every error answer of the mock, in Cumulocity's shape, from exactly one place.

Four kinds of failure reach the edge and all leave as
``{"error": "<resource>/<name>", "message": ..., "info": ...}`` with media type
``application/vnd.com.nsn.cumulocity.error+json``:

* a :class:`~mockserver.errors.MockError` from the domain, the auth middleware or the guard;
* a Connexion problem (bad parameter, missing body, unsupported media type, 422 from
  :mod:`mockserver.http.validation`), converted by status code with Connexion's detail,
  which names the parameter or field, as the message;
* a Starlette HTTP exception from routing (unknown path 404, wrong method 405);
* anything else: a bug. It is logged with its traceback and answered 500, still in shape.

The ``resource`` part is taken from the path (``/measurement/...`` -> ``measurement``),
except for 401/403, which are ``security`` errors.
"""

from __future__ import annotations

import logging
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from mockserver.errors import ERROR_MEDIA_TYPE, InternalError, MockError, error_for_status
from mockserver.jsoncodec import dumps

logger = logging.getLogger("mockserver.http")

REALM = 'realm="Cumulocity"'

_RESOURCES = (
    ("/measurement", "measurement"),
    ("/alarm", "alarm"),
    ("/inventory", "inventory"),
    ("/identity", "identity"),
    ("/tenant", "tenant"),
    ("/service/dtm", "dtm"),
    ("/_mock", "mock"),
    ("/notification2", "notification2"),
    ("/notification", "realtime"),
)


def resource_for_path(path: str) -> str:
    """The error resource prefix for a request path (``undefined`` outside the known APIs)."""
    for prefix, resource in _RESOURCES:
        if path == prefix or path.startswith(prefix + "/"):
            return resource
    return "undefined"


def _headers_of(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def challenge(request_headers: dict[str, str]) -> str:
    """``WWW-Authenticate`` value: ``XBasic`` when the client asked with ``UseXBasic: true``."""
    scheme = "XBasic" if request_headers.get("usexbasic", "").strip().lower() == "true" else "Basic"
    return f"{scheme} {REALM}"


def _finish(exc: MockError, scope: Scope) -> tuple[bytes, dict[str, str]]:
    if exc.status in (401, 403):
        exc.resource = "security"
    elif exc.resource == "undefined":
        exc.resource = resource_for_path(scope.get("path", ""))
    headers: dict[str, str] = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = challenge(_headers_of(scope))
    return dumps(exc.to_body()), headers


def error_response(exc: MockError, scope: Scope) -> Response:
    """A Starlette response for ``exc`` (used by middlewares outside Connexion's handlers)."""
    body, headers = _finish(exc, scope)
    return Response(body, status_code=exc.status, media_type=ERROR_MEDIA_TYPE, headers=headers)


def _connexion_response(exc: MockError, request: ConnexionRequest) -> ConnexionResponse:
    body, headers = _finish(exc, request.scope)
    return ConnexionResponse(status_code=exc.status, mimetype=ERROR_MEDIA_TYPE, body=body, headers=headers)


async def handle_mock_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, MockError)
    return _connexion_response(exc, request)


# Connexion's terse details, reworded as whole sentences.
_CONNEXION_WORDING = {
    "RequestBody is required": "The request body is missing; this operation requires one.",
    "Request body must not be empty": "The request body is missing; this operation requires one.",
}


def _problem_message(exc: ProblemException, request: ConnexionRequest) -> str:
    detail: Any = exc.detail
    status = exc.status
    if status == 415:
        sent = request.headers.get("content-type") or "no Content-Type"
        where = f"{request.method} {request.url.path}"
        return f"The Content-Type {sent!r} is not supported by {where}. {detail or ''}".strip()
    if status == 401:
        return f"Authentication failed: {detail or 'no valid credentials were sent'}."
    text = _CONNEXION_WORDING.get(str(detail), str(detail or exc.title or "The request is invalid."))
    return text if text.endswith(".") else text + "."


async def handle_problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ProblemException)
    if exc.status >= 500:
        logger.error("Connexion reported a server problem: %r", exc)
    mock_error = error_for_status(exc.status, _problem_message(exc, request))
    details = getattr(exc, "details", None)
    if details:
        mock_error.details = list(details)
    return _connexion_response(mock_error, request)


async def handle_http_exception(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, HTTPException)
    where = f"{request.method} {request.url.path}"
    if exc.status_code == 404:
        message = f"There is no resource at {where}; see the API specification for the served paths."
    elif exc.status_code == 405:
        message = f"The method {request.method} is not allowed on {request.url.path}."
    else:
        message = f"{exc.detail} ({where})."
    return _connexion_response(error_for_status(exc.status_code, message), request)


async def handle_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    logger.error("Unexpected error while serving %s %s", request.method, request.url.path, exc_info=exc)
    message = (
        f"The mock failed unexpectedly while serving {request.method} {request.url.path} "
        f"({type(exc).__name__}); this is a bug in the mock."
    )
    return _connexion_response(InternalError(message), request)


ERROR_HANDLERS = (
    (MockError, handle_mock_error),
    (ProblemException, handle_problem),
    (HTTPException, handle_http_exception),
    (Exception, handle_unexpected),
)

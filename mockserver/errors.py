"""The mock's domain errors, one family mapped to HTTP in exactly one place.

Every rule the mock enforces raises a subclass of :class:`MockError`. The HTTP edge
(``mockserver/http/``) turns any of them into a Cumulocity error answer::

    MockError                 base: status, error code, message, details
    ├── BadRequest            400  the request itself is malformed (bad query value, bad JSON)
    ├── Unauthorized          401  no or wrong credentials
    ├── Forbidden             403  authenticated, but a role is missing
    ├── NotFound              404  the addressed resource does not exist
    ├── Conflict              409  the request contradicts the current state (in use, duplicate)
    ├── PayloadTooLarge       413  the body exceeds the configured size limit
    ├── MethodNotAllowed      405  the path exists but not with the request's method
    ├── NotAcceptable         406  no representation matches the Accept header
    ├── UnsupportedMediaType  415  the Content-Type is not one the operation accepts
    ├── ValidationError       422  well-formed input that breaks a documented rule
    ├── InternalError         500  a bug in the mock (logged; tests assert it never happens)
    └── NotImplementedOperation 501  the spec has the operation, the mock no handler for it

:func:`error_for_status` is the one status -> class mapping, for errors raised outside the
domain (the web framework's validation and routing, a generated mock's canned answers).

The body is the one Cumulocity clients parse::

    {"error": "measurement/Not Found", "message": "...", "info": "https://..."}

``error`` is ``<resource>/<name>``; ``message`` is a whole sentence naming what was attempted,
the offending value and what was expected. ``details`` (optional) lists individual problems,
e.g. one entry per bad CSV cell, and is rendered as the ``errors`` array of the body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from http import HTTPStatus
from typing import Any, ClassVar, NotRequired, TypedDict

ERROR_INFO_URL = "https://cumulocity.com/guides/reference/rest-implementation/#error_reporting"
ERROR_MEDIA_TYPE = "application/vnd.com.nsn.cumulocity.error+json"


class ErrorBody(TypedDict):
    """The Cumulocity error document every error answer carries."""

    error: str
    message: str
    info: str
    errors: NotRequired[list[dict[str, Any]]]


class MockError(Exception):
    """Base of every error the mock's domain raises on purpose."""

    status: ClassVar[int] = 500
    name: ClassVar[str] = "Internal Error"

    def __init__(
        self,
        message: str,
        *,
        resource: str = "undefined",
        details: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.resource = resource
        self.details = [dict(d) for d in details]

    @property
    def error_code(self) -> str:
        return f"{self.resource}/{self.name}"

    def to_body(self) -> ErrorBody:
        """The Cumulocity error document for this error."""
        body: ErrorBody = {
            "error": self.error_code,
            "message": self.message,
            "info": ERROR_INFO_URL,
        }
        if self.details:
            body["errors"] = self.details
        return body


class BadRequest(MockError):
    """The request is malformed: an unparseable query value, body or header."""

    status = 400
    name = "Bad Request"


class Unauthorized(MockError):
    """No credentials were sent, or they do not match a configured user or token."""

    status = 401
    name = "Unauthorized"


class Forbidden(MockError):
    """The user is authenticated but lacks the role the operation requires."""

    status = 403
    name = "Forbidden"


class NotFound(MockError):
    """The resource named in the path does not exist (or no longer exists)."""

    status = 404
    name = "Not Found"


class Conflict(MockError):
    """The request contradicts the current state: deleting something in use, a duplicate key."""

    status = 409
    name = "Conflict"


class PayloadTooLarge(MockError):
    """The request body exceeds the server's configured size limit."""

    status = 413
    name = "Payload Too Large"


class UnsupportedMediaType(MockError):
    """The request's Content-Type is not one the operation accepts."""

    status = 415
    name = "Unsupported Media Type"


class ValidationError(MockError):
    """Well-formed input that breaks a documented rule: a missing field, a wrong type."""

    status = 422
    name = "validationError"


class MethodNotAllowed(MockError):
    """The path exists but does not support the request's method."""

    status = 405
    name = "Method Not Allowed"


class NotAcceptable(MockError):
    """No representation matches the request's Accept header."""

    status = 406
    name = "Not Acceptable"


class InternalError(MockError):
    """A bug in the mock; logged with its traceback. Tests assert it never happens."""

    status = 500
    name = "Internal Error"


class NotImplementedOperation(MockError):
    """The spec has the operation but the mock has no handler for it yet."""

    status = 501
    name = "Not Implemented"


BY_STATUS: Mapping[int, type[MockError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        NotAcceptable,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        ValidationError,
        InternalError,
        NotImplementedOperation,
    )
}
"""Every status the mock answers with a class of its own; written out, not discovered."""


@cache
def _class_for_unlisted(status: int) -> type[MockError]:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return type(f"HttpError{status}", (MockError,), {"status": status, "name": phrase})


def error_for_status(status: int, message: str, *, resource: str = "undefined") -> MockError:
    """The :class:`MockError` for an HTTP status, for errors raised outside the domain.

    A status without a class of its own (say 429) gets a subclass made once for it, so the
    answer keeps the status it was given.
    """
    cls = BY_STATUS.get(status) or _class_for_unlisted(status)
    return cls(message, resource=resource)

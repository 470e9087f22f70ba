"""The error body a generated mock answers, shaped like the error schema its spec documents.

Cumulocity specs document ``{error, message, info}`` (what :meth:`MockError.to_body` builds);
other specs document their own error object (Petstore: ``{code, message}``). The generator
maps each property of the documented error schema to a source, and :meth:`ErrorShape.body`
fills it from the raised :class:`~mockserver.errors.MockError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mockserver.errors import ERROR_MEDIA_TYPE, ErrorBody, MockError, NotFound, error_for_status

ErrorSource = Literal["error", "message", "info", "status", "status_text", "errors", "constant"]


@dataclass(frozen=True)
class ErrorShape:
    """Property name -> source of an error body; ``None`` fields means the Cumulocity body.

    ``constants`` gives the value of each field whose source is ``constant`` (a required
    property the mock has nothing to say about, filled with a schema-valid value).
    ``as_text`` says the spec's error schema is a string: the body is the message itself.
    ``choices`` gives the values a field's schema allows (its ``enum``): a value outside them is
    replaced by the one naming the status (``bad_request`` for 400, ``404``), else the first.
    ``envelope`` names the one property the fields sit in (openai's ``{"error": {...}}``).
    """

    media_type: str = ERROR_MEDIA_TYPE
    fields: tuple[tuple[str, ErrorSource], ...] | None = None
    constants: tuple[tuple[str, Any], ...] = ()
    as_text: bool = False
    choices: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    envelope: str | None = None

    def body(self, error: MockError) -> ErrorBody | dict[str, Any] | str:
        """The error document for ``error``: Cumulocity's, one in the spec's own shape, or the
        message alone when the spec's error schema is a string."""
        if self.as_text:
            return error.message
        cumulocity = error.to_body()
        if self.fields is None:
            return cumulocity
        constants = dict(self.constants)
        values: dict[str, Any] = {
            "error": cumulocity["error"],
            "message": error.message,
            "info": cumulocity["info"],
            "status": error.status,
            "status_text": error.name,
            "errors": error.details,
        }
        body = {
            name: constants.get(name) if source == "constant" else values[source]
            for name, source in self.fields
        }
        for name, allowed in self.choices:
            if name in body and body[name] not in allowed:
                body[name] = _naming(allowed, error)
        return {self.envelope: body} if self.envelope is not None else body


def unknown_id(
    missing: NotFound, status: int, shape: ErrorShape | None
) -> tuple[ErrorBody | dict[str, Any] | str, int, dict[str, str]]:
    """The answer to an unknown id: ``status`` (404 unless the spec documents another), in the
    operation's own error ``shape`` where it has one; raised for the app's common error body."""
    error: MockError = missing
    if status != NotFound.status:
        error = error_for_status(status, missing.message, resource=missing.resource)
    if shape is not None:
        return shape.body(error), error.status, {"Content-Type": shape.media_type}
    if error is missing:
        raise missing
    raise error from missing


def _naming(allowed: tuple[Any, ...], error: MockError) -> Any:
    """The allowed value naming the status of ``error`` (``bad_request``, ``400``), else the first."""
    wanted = {error.name.lower().replace(" ", ""), str(error.status)}
    for value in allowed:
        if str(value).lower().replace("_", "").replace("-", "").replace(" ", "") in wanted:
            return value
    return allowed[0]

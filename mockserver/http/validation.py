"""Request-body validation that tells malformed (400) from well-formed-but-wrong (422).

Connexion's JSON body validator answers every schema violation with 400. The platform rules
want 400 only for a body that cannot be read (the :mod:`~mockserver.http.guard` already
refused those) and 422 for well-formed JSON that breaks the schema: a missing required field,
a wrong type. :class:`SchemaBodyValidator` reports every violation, not only the first, as
``errors: [{field, message}]`` and names each field in the message
(``measurements[2].time``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, ProblemException
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator
from jsonschema import ValidationError as SchemaError
from starlette.types import Scope

from mockserver.http.fastschema import accepts
from mockserver.http.guard import PAYLOAD_KEY

_REQUIRED = re.compile(r"^'(.+)' is a required property$")
MAX_LISTED = 20


class UnprocessableBody(ProblemException):  # type: ignore[misc]
    """Well-formed JSON that breaks the operation's request schema (422)."""

    def __init__(self, message: str, details: list[dict[str, str]]) -> None:
        super().__init__(status=422, title="Unprocessable Entity", detail=message)
        self.details = details


def field_path(parts: Iterable[Any]) -> str:
    """``["measurements", 2, "time"]`` -> ``measurements[2].time``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def describe(error: SchemaError) -> dict[str, str]:
    # For anyOf/oneOf, the closest failing alternative names the field better ("...T.value").
    while error.context:
        error = max(error.context, key=lambda e: (e.validator != "not", len(e.relative_path)))
    path = list(error.absolute_path)
    match = _REQUIRED.match(error.message) if error.validator == "required" else None
    if match:
        path.append(match.group(1))
        message = "is missing; it is required"
    else:
        message = error.message
    field = field_path(path) or "(body)"
    return {"field": field, "message": f"{field} {message}"}


class SchemaBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """Connexion's JSON body validator, with 422 for schema violations (module docstring)."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        context = scope.get("extensions", {}).get("connexion_context", {})
        if PAYLOAD_KEY in context:
            async for _ in stream:  # keep the replayed body for the app
                pass
            if context[PAYLOAD_KEY] is None:
                detail = {"field": "(body)", "message": "(body) is JSON null"}
                raise UnprocessableBody(
                    "The request body (body) is JSON null; expected a JSON document.", [detail]
                )
            return context[PAYLOAD_KEY]
        return await super()._parse(stream, scope)

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if body is None:
            if not self._required:
                return None
            raise BadRequestProblem(detail="The request body is missing; this operation requires one.")
        if accepts(self._schema, body):  # proven valid by the compiled check (fastschema.py)
            return None
        problems = sorted(self._validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        if not problems:
            return None
        details = [describe(p) for p in problems[:MAX_LISTED]]
        listed = "; ".join(d["message"] for d in details)
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        raise UnprocessableBody(f"The request body breaks the schema: {listed}{more}.", details)


class NamedParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Connexion's parameter validator with one-line messages naming parameter and value."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        name = param.get("name", param_name)
        if value is not None:
            schema = param.get("schema", param)
            try:
                Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).validate(value)
            except SchemaError as exception:
                return f"The {parameter_type} parameter {name} has the value {value!r}: {exception.message}."
            return None
        if param.get("required"):
            return f"The {parameter_type} parameter {name} is required but missing."
        return None


class AnswerBodyValidator(JSONResponseBodyValidator):  # type: ignore[misc]
    """Response validation (tests only) that allows the empty body of a POST/PUT sent without
    an Accept header, which the platform rules require and a schema cannot express."""

    def _validate(self, body: Any) -> None:
        if body is not None:
            super()._validate(body)


def validator_map() -> dict[str, Any]:
    """Connexion's validators with the parameter, JSON body and response validators replaced."""
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": SchemaBodyValidator})
    response = MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": AnswerBodyValidator})
    return {**VALIDATOR_MAP, "parameter": NamedParameterValidator, "body": body, "response": response}

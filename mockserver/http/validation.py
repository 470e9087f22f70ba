"""Request-body validation that tells malformed (400) from well-formed-but-wrong (422).

Connexion's JSON body validator answers every schema violation with 400. The platform rules
want 400 only for a body that cannot be read (the :mod:`~mockserver.http.guard` already
refused those) and 422 for well-formed JSON that breaks the schema: a missing required field,
a wrong type. :class:`SchemaBodyValidator` reports every violation, not only the first, as
``errors: [{field, message}]`` and names each field in the message
(``measurements[2].time``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import islice
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody, ProblemException
from connexion.validators import VALIDATOR_MAP, FormDataValidator, MultiPartFormDataValidator
from jsonschema import Draft4Validator, validators
from jsonschema import ValidationError as SchemaError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from mockserver.http.fastschema import accepts
from mockserver.http.guard import INLINE_PARSE_BYTES, PAYLOAD_KEY, joined
from mockserver.http.offload import off_loop
from mockserver.http.param_validation import NamedParameterValidator, SpecParameterValidator

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


def _nullable(check: Any) -> Any:
    """A keyword check letting ``null`` past where the schema says ``nullable`` (Connexion's dialect)."""

    def nullable_check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        if instance is None and (schema.get("x-nullable") is True or schema.get("nullable")):
            return
        yield from check(validator, value, instance, schema)

    return nullable_check


def _write_only(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
    yield SchemaError("Property is write-only")


_NULLABLE = {
    "type": _nullable(Draft4Validator.VALIDATORS["type"]),
    "enum": _nullable(Draft4Validator.VALIDATORS["enum"]),
}
RequestSchemaValidator = validators.extend(Draft4Validator, _NULLABLE)
ResponseSchemaValidator = validators.extend(
    Draft4Validator, {**_NULLABLE, "writeOnly": _write_only, "x-writeOnly": _write_only}
)


def _replaying(receive: Receive, messages: list[Message]) -> Receive:
    """``receive`` with ``messages`` sent first, each once."""
    pending = iter(messages)

    async def replay() -> Message:
        for message in pending:
            return message
        return await receive()

    return replay


MISSING_BODY = "The request body is missing; this operation requires one."


class SchemaBodyValidator:
    """The JSON request-body validator of ``validator_map`` (module docstring).

    It implements the interface Connexion's request validation calls: a constructor taking
    ``schema``, ``required``, ``nullable``, ``encoding`` and ``strict_validation``, and
    :meth:`wrap_receive`. The body is checked once: by the compiled check, and only if that
    cannot prove it valid, by the Python validator, which words the 422.
    """

    violation_status = 422
    # Problems named: None, every one (counted past MAX_LISTED); else the first so many found.
    first_found: int | None = None

    def __init__(
        self,
        *,
        schema: dict[str, Any],
        required: bool = False,
        nullable: bool = False,
        encoding: str,
        strict_validation: bool = False,
        **kwargs: Any,
    ) -> None:
        self.schema = schema
        self.required = required
        self.nullable = nullable
        self.encoding = encoding

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        if not int(Headers(scope=scope).get("content-length", 0)):
            default = self.schema.get("default")
            if default is None and self.required:
                raise BadRequestProblem(detail=MISSING_BODY)
            if default is not None:
                encoded = json.dumps(default).encode(self.encoding)
                scope = {**scope, "headers": [*scope["headers"]]}
                MutableHeaders(scope=scope)["content-length"] = str(len(encoded))
                receive = _replaying(receive, [{"type": "http.request", "body": encoded, "more_body": False}])
        messages: list[Message] = []
        more = True
        while more:
            message = await receive()
            messages.append(message)
            more = message.get("more_body", False)
        raw = joined([m.get("body", b"") for m in messages])
        body = self.parse(raw, scope)
        if not (body is None and self.nullable):
            if len(raw) <= INLINE_PARSE_BYTES:
                self.validate(body)
            else:  # 150,000 measurements take ~60 ms to check even compiled: not on the loop
                await off_loop(lambda: self.validate(body))
        return _replaying(receive, messages), scope

    def parse(self, raw: bytes, scope: Scope) -> Any:
        """The body's JSON value: the guard's parse when it made one (module docstring)."""
        context = scope.get("extensions", {}).get("connexion_context", {})
        if PAYLOAD_KEY in context:
            if context[PAYLOAD_KEY] is None:
                detail = {"field": "(body)", "message": "(body) is JSON null"}
                raise UnprocessableBody(
                    "The request body (body) is JSON null; expected a JSON document.", [detail]
                )
            return context[PAYLOAD_KEY]
        text = raw.decode(self.encoding)
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exception:
            raise BadRequestProblem(detail=str(exception)) from None

    def validate(self, body: Any) -> None:
        if body is None:
            if not self.required:
                return
            raise BadRequestProblem(detail=MISSING_BODY)
        self.check_schema(body)

    def check_schema(self, body: Any) -> None:
        """Refuse ``body`` (a JSON value, ``null`` included) if it breaks the schema."""
        if accepts(self.schema, body):  # proven valid by the compiled check (fastschema.py)
            return
        checker = RequestSchemaValidator(self.schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        errors = checker.iter_errors(body)
        found = list(errors if self.first_found is None else islice(errors, self.first_found))
        problems = sorted(found, key=lambda e: list(map(str, e.absolute_path)))
        if not problems:
            return
        details = [describe(p) for p in problems[:MAX_LISTED]]
        listed = "; ".join(d["message"] for d in details)
        if self.first_found is not None and len(problems) == self.first_found:
            more = (
                " (the first problem found)"
                if self.first_found == 1
                else f" (the first {len(problems)} found)"
            )
        else:
            more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        if self.violation_status == 400:
            raise BadRequestProblem(detail=f"The request body breaks the schema: {listed}{more}.")
        raise UnprocessableBody(f"The request body breaks the schema: {listed}{more}.", details)


class SpecBodyValidator(SchemaBodyValidator):
    """The JSON request-body validator of generated mocks (:func:`spec_validator_map`).

    As :class:`SchemaBodyValidator` (an absent body is fine unless the spec requires one, which
    Connexion's own validator refuses with 400), but a schema violation is answered 400, as
    Connexion answers it: a generic spec documents 400, not the platform's 422; it names the
    first problem found, not every one.
    """

    violation_status = 400
    # Collecting every error of a fuzzed body against discord's nested `oneOf` schemas took
    # 80-130 ms a request (most of a `st run`), and even the first three ~4 ms each over one.
    first_found = 1

    def parse(self, raw: bytes, scope: Scope) -> Any:
        body = super().parse(raw, scope)
        # JSON `null` is a body, not an absent one: a schema without `type` accepts it (openai's
        # conversation items), so it is checked against the schema like any other value.
        return JSON_NULL if body is None and raw.strip() == b"null" else body

    def validate(self, body: Any) -> None:
        if body is not JSON_NULL:
            super().validate(body)
        elif not self.nullable:
            self.check_schema(None)


JSON_NULL = object()  # a request body that is JSON `null` (SpecBodyValidator)


class AnswerBodyValidator:
    """Response validation (tests only), the interface Connexion's response validation calls
    (a constructor taking the scope, ``schema``, ``nullable`` and ``encoding``; :meth:`wrap_send`).
    It allows the empty body of a POST/PUT sent without an Accept header, which the platform
    rules require and a schema cannot express."""

    def __init__(
        self, scope: Scope, *, schema: dict[str, Any], nullable: bool = False, encoding: str, **kwargs: Any
    ) -> None:
        self.schema = schema
        self.encoding = encoding

    def wrap_send(self, send: Send) -> Send:
        messages: list[Message] = []

        async def checked_send(message: Message) -> None:
            messages.append(message)
            if message["type"] == "http.response.start" or message.get("more_body", False):
                return
            self.validate(b"".join(m.get("body", b"") for m in messages))
            while messages:
                await send(messages.pop(0))

        return checked_send

    def validate(self, raw: bytes) -> None:
        text = raw.decode(self.encoding)
        if not text:
            return
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exception:
            raise NonConformingResponseBody(str(exception)) from None
        try:
            ResponseSchemaValidator(self.schema, format_checker=Draft4Validator.FORMAT_CHECKER).validate(body)
        except SchemaError as exception:
            path = ".".join(str(part) for part in exception.path)
            where = f" - '{path}'" if path else ""
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to specification. {exception.message}{where}"
            ) from None


def validator_map() -> dict[str, Any]:
    """Connexion's validators with the parameter, JSON body and response validators replaced."""
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": SchemaBodyValidator})
    response = MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": AnswerBodyValidator})
    return {**VALIDATOR_MAP, "parameter": NamedParameterValidator, "body": body, "response": response}


def _absent(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    return not int(headers.get("content-length") or 0) and "transfer-encoding" not in headers


class _OptionalBody:
    """Lets an absent optional body through as absent (see :class:`OptionalFormValidator`)."""

    def __init__(self, *, schema: dict[str, Any], required: bool = False, **options: Any) -> None:
        super().__init__(schema=schema, required=required, **options)  # type: ignore[call-arg]
        self.skips_absent = not required and schema.get("default") is None

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        if self.skips_absent and _absent(scope):
            return receive, scope
        return await super().wrap_receive(receive, scope=scope)  # type: ignore[misc,no-any-return]


class OptionalFormValidator(_OptionalBody, FormDataValidator):  # type: ignore[misc]
    """Connexion's form validator, letting an absent optional body through as absent.

    Connexion reads an empty request as the schema's default and parses that as a form, which
    needs a ``Content-Type``: a bodiless POST to an operation whose optional body is a form
    failed (``KeyError: 'Content-Type'``, a 500) or was checked as an empty form against the
    schema (a 400 for a request the spec allows).
    """


class OptionalMultiPartValidator(_OptionalBody, MultiPartFormDataValidator):  # type: ignore[misc]
    """:class:`OptionalFormValidator` for ``multipart/form-data``."""


def spec_validator_map() -> dict[str, Any]:
    """Connexion's validators with those of generated mocks: :class:`SpecParameterValidator`,
    :class:`SpecBodyValidator` for JSON, and form validators that let an absent optional body
    through (:class:`OptionalFormValidator`)."""
    forms = {
        "application/x-www-form-urlencoded": OptionalFormValidator,
        "multipart/form-data": OptionalMultiPartValidator,
    }
    body = MediaTypeDict({**VALIDATOR_MAP["body"], **forms, "*/*json": SpecBodyValidator})
    return {**VALIDATOR_MAP, "parameter": SpecParameterValidator, "body": body}

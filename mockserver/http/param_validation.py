"""Query, path, header and cookie parameters checked as the spec means them.

Connexion's :class:`ParameterValidator` with what generated mocks and the hand-written one need
beyond it: array headers read in the ``simple`` style, a bare empty ``deepObject`` read as the
empty object, and one-line messages naming the parameter and its value.
"""

from __future__ import annotations

from typing import Any

from connexion.validators import ParameterValidator
from jsonschema import Draft4Validator
from jsonschema import ValidationError as SchemaError


class SpecParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Connexion's parameter validator, reading a header whose schema is an array in the
    ``simple`` style a header has: comma-separated values (openai's ``OpenAI-Beta``; Connexion
    validated the raw string against the array schema and refused every such header), and a
    ``deepObject`` parameter sent bare and empty as the empty object; its messages are one line."""

    def validate_header_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        value = request.headers.get(param["name"])
        schema = param.get("schema", param)
        if isinstance(value, str) and isinstance(schema, dict) and schema.get("type") == "array":
            items = schema.get("items")
            kind = items.get("type") if isinstance(items, dict) else None
            value = [_scalar(part.strip(), kind) for part in value.split(",")] if value.strip() else []
        result: str | None = self.validate_parameter("header", value, param)
        return result

    def validate_query_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        schema = param.get("schema", param)
        value = request.query_params.get(param["name"])
        if value == "" and param.get("style") == "deepObject" and schema.get("type") == "object":
            # `metadata=`: no `metadata[k]=v` pair, the empty object (openai's fine-tuning jobs).
            return self.validate_parameter("query", {}, param)
        result: str | None = super().validate_query_parameter(param, request)
        return result

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        """Connexion's verdict, worded on one line naming the parameter and its value."""
        problem: str | None = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        if problem is None or "\n" not in problem:
            return problem
        name = param.get("name", param_name)
        return f"The {parameter_type} parameter {name} has the value {value!r}: {problem.splitlines()[0]}."


def _scalar(text: str, kind: Any) -> Any:
    """``text`` as the JSON type ``kind`` names, where it reads as one (else as it is)."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


class NamedParameterValidator(SpecParameterValidator):
    """Connexion's parameter validator with one-line messages naming parameter and value."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        schema = param.get("schema", param)
        nullable = schema.get("nullable", False) or param.get("x-nullable", False)
        if nullable and (value is None or (isinstance(value, str) and value.strip() in ("null", "None"))):
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

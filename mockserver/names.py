"""Python names for names in a spec, with no web imports (the generators use them too).

:func:`snake_case` is the handler method of an operationId (``HandlerResolver`` looks it up);
:func:`argument_name` is the keyword Connexion passes a body or form parameter as, the same
rule as Connexion's ``connexion.decorators.parameter.sanitized`` (held equal to it by
``tests/unit/test_names.py``), so a generated handler's signature matches what Connexion
calls it with without the generators importing Connexion (about a second of start-up).
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_OPEN_BRACKET = re.compile(r"\[(?!])")
_NOT_WORD = re.compile("[^0-9a-zA-Z_]")
_LEADING = re.compile("^[^a-zA-Z_]+")


def snake_case(operation_id: str) -> str:
    """``getMeasurementApiResource`` -> ``get_measurement_api_resource``; ``getCSVImport`` ->
    ``get_csv_import``; separators other than letters and digits become ``_``."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", operation_id)
    return _BOUNDARY.sub("_", words).lower().strip("_")


def argument_name(name: str) -> str:
    """``filter[name]`` -> ``filter_name``, ``2fa-code`` -> ``facode``: ``[`` (not ``[]``) becomes
    ``_``, other characters that cannot be in a Python name go, and so do leading non-letters."""
    return name and _LEADING.sub("", _NOT_WORD.sub("", _OPEN_BRACKET.sub("_", name)))

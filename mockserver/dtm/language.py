"""The expression language's vocabulary: limits, allowed functions, errors and contexts.

Shared by the checker (:mod:`mockserver.dtm.expressions`) and the evaluator
(:mod:`mockserver.dtm.evaluation`); see the former for the language itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_SOURCE_LENGTH = 1000
MAX_NESTING = 32
MAX_NODES = 200
STEP_BUDGET = 10_000
# Steps all smart functions of one instance read may take together (one read cannot hold the server).
READ_STEP_BUDGET = 3_000
MAX_EXPONENT = 64
MAX_MAGNITUDE = 1e300
MAX_STRING_LENGTH = 10_000

ROLLUP_FUNCTIONS = frozenset({"latest", "min", "max", "avg", "sum", "count"})
NUMERIC_FUNCTIONS = frozenset({"abs", "round", "min", "max"})
ALL_FUNCTIONS = ROLLUP_FUNCTIONS | NUMERIC_FUNCTIONS | {"coalesce"}
CONSTANT_NAMES: Mapping[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
}
WINDOW_PATTERN = re.compile(r"^[1-9][0-9]{0,2}[smhdw]$")
WINDOW_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
SERIES_PATTERN = re.compile(r"^([^.]+)\.([^.]+)$")

Value = bool | int | float | str | None
#: ``rollup(function, fragment, series, window_seconds_or_None) -> value`` over the instance's scope.
RollupFn = Callable[[str, str, str, int | None], Value]


class ExpressionSyntaxError(ValueError):
    """The source is not a valid expression of the language (raised at model validation)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class ExpressionEvaluationError(ValueError):
    """Evaluating a valid expression failed: null arithmetic, division by zero, overflow..."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RollupCall:
    """One roll-up aggregate the expression uses: ``avg("c8y_Temp.T", "1h")``."""

    function: str
    fragment: str
    series: str
    window_seconds: int | None


@dataclass
class EvalContext:
    """What an expression sees: the instance's property values and a roll-up callback."""

    properties: Mapping[str, Any]
    rollup: RollupFn | None = None
    step_budget: int = STEP_BUDGET
    steps: int = field(default=0, init=False)


BIN_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Pow: "**",
}
CMP_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}

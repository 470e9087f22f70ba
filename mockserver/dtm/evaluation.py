"""Evaluating a checked expression tree: null semantics, bounds and a step budget.

Only trees that :func:`mockserver.dtm.expressions.compile_expression` accepted reach this
walker, so it handles exactly the whitelisted nodes. Every runtime problem (null
arithmetic, division by zero, a type mismatch, an exponent or magnitude out of bounds, the
step budget) raises :class:`~mockserver.dtm.language.ExpressionEvaluationError` with a
sentence naming it; nothing else escapes.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping

from mockserver.dtm.language import (
    BIN_OPS,
    CMP_OPS,
    CONSTANT_NAMES,
    MAX_EXPONENT,
    MAX_MAGNITUDE,
    MAX_STRING_LENGTH,
    EvalContext,
    ExpressionEvaluationError,
    RollupCall,
    Value,
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _checked(value: int | float, what: str) -> int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionEvaluationError(
            f"The result of {what} exceeds the magnitude limit {MAX_MAGNITUDE:g} (it is not a finite number)."
        )
    if abs(value) > MAX_MAGNITUDE:
        raise ExpressionEvaluationError(
            f"The result of {what} exceeds the magnitude limit {MAX_MAGNITUDE:g}."
        )
    return value


def evaluate(tree: ast.expr, rollups: Mapping[int, RollupCall], env: EvalContext) -> Value:
    """The value of a checked tree; ``rollups`` maps ``id(call node)`` to its roll-up call."""
    return _Evaluator(env, rollups).eval(tree)


class _Evaluator:
    """One evaluation: counts steps against the budget of its context."""

    def __init__(self, env: EvalContext, rollups: Mapping[int, RollupCall]) -> None:
        self.env = env
        self.rollups = rollups

    def step(self) -> None:
        self.env.steps += 1
        if self.env.steps > self.env.step_budget:
            raise ExpressionEvaluationError(
                f"The evaluation took more than {self.env.step_budget} steps and was stopped."
            )

    def eval(self, node: ast.expr) -> Value:
        self.step()
        if isinstance(node, ast.Constant):
            return node.value  # type: ignore[return-value]
        if isinstance(node, ast.Name):
            if node.id in CONSTANT_NAMES:
                return CONSTANT_NAMES[node.id]  # type: ignore[no-any-return]
            value = self.env.properties.get(node.id)
            return value if isinstance(value, bool | int | float | str) else None
        if isinstance(node, ast.BinOp):
            return self.binop(BIN_OPS[type(node.op)], self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.UnaryOp):
            operand = self.eval(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            if not _is_number(operand):
                raise ExpressionEvaluationError(f"Unary {sign} needs a number, not {_kind(operand)}.")
            assert isinstance(operand, int | float)
            return _checked(-operand if sign == "-" else operand, f"unary {sign}")
        if isinstance(node, ast.Compare):
            left = self.eval(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self.eval(comparator)
                if not self.compare(CMP_OPS[type(op)], left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            result: Value = None
            for value_node in node.values:
                result = self.eval(value_node)
                if isinstance(node.op, ast.And) and not result:
                    return result
                if isinstance(node.op, ast.Or) and result:
                    return result
            return result
        if isinstance(node, ast.IfExp):
            return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise ExpressionEvaluationError(f"The expression contains an unsupported {type(node).__name__}.")

    def binop(self, op: str, left: Value, right: Value) -> Value:
        if left is None or right is None:
            raise ExpressionEvaluationError(f"Arithmetic on null: {_kind(left)} {op} {_kind(right)}.")
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_STRING_LENGTH:
                raise ExpressionEvaluationError(f"The joined string exceeds {MAX_STRING_LENGTH} characters.")
            return left + right
        if not (_is_number(left) and _is_number(right)):
            raise ExpressionEvaluationError(
                f"Type mismatch: {op} needs two numbers, not {_kind(left)} and {_kind(right)}."
            )
        assert isinstance(left, int | float)
        assert isinstance(right, int | float)
        if op == "+":
            return _checked(left + right, "+")
        if op == "-":
            return _checked(left - right, "-")
        if op == "*":
            return _checked(left * right, "*")
        if op in ("/", "%"):
            if right == 0:
                raise ExpressionEvaluationError(f"Division by zero in {left!r} {op} 0.")
            try:
                quotient = left / right if op == "/" else left % right
            except OverflowError:  # a huge integer operand that no float can hold
                quotient = math.inf
            return _checked(quotient, op)
        return self.power(left, right)

    @staticmethod
    def power(base: int | float, exponent: int | float) -> int | float:
        if abs(exponent) > MAX_EXPONENT:
            raise ExpressionEvaluationError(
                f"The exponent {exponent!r} is outside the allowed range -{MAX_EXPONENT}..{MAX_EXPONENT}."
            )
        if base == 0 and exponent < 0:
            raise ExpressionEvaluationError("Division by zero: 0 raised to a negative power.")
        if base < 0 and not float(exponent).is_integer():
            raise ExpressionEvaluationError(f"{base!r} ** {exponent!r} is not a real number.")
        if base != 0 and exponent * math.log10(abs(base)) > math.log10(MAX_MAGNITUDE):
            raise ExpressionEvaluationError(
                f"The result of {base!r} ** {exponent!r} exceeds the magnitude limit {MAX_MAGNITUDE:g}."
            )
        try:
            result: int | float = base**exponent
        except OverflowError:
            result = math.inf
        return _checked(result, "**")

    @staticmethod
    def compare(op: str, left: Value, right: Value) -> bool:
        if op in ("==", "!="):
            same = _kind(left) == _kind(right) and left == right
            return same if op == "==" else not same
        if (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
            if op == "<":
                return left < right  # type: ignore[operator]
            if op == "<=":
                return left <= right  # type: ignore[operator]
            if op == ">":
                return left > right  # type: ignore[operator]
            return left >= right  # type: ignore[operator]
        raise ExpressionEvaluationError(f"Type mismatch: cannot order {_kind(left)} {op} {_kind(right)}.")

    def call(self, node: ast.Call) -> Value:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = node.args
        rollup = self.rollups.get(id(node))
        if rollup is not None:
            return self.rollup(rollup)
        if name == "coalesce":
            for arg in args:
                value = self.eval(arg)
                if value is not None:
                    return value
            return None
        values = [self.eval(arg) for arg in args]
        for position, value in enumerate(values, start=1):
            if name == "round" and position == 2:
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 15:
                    raise ExpressionEvaluationError(
                        "round() needs a whole number of digits between -15 and 15."
                    )
            elif not _is_number(value):
                raise ExpressionEvaluationError(
                    f"{name}() needs numbers, but argument {position} is {_kind(value)}."
                )
        numbers: list[int | float] = [v for v in values if isinstance(v, int | float)]
        if name == "abs":
            return _checked(abs(numbers[0]), "abs()")
        if name == "round":
            rounded = round(numbers[0], int(numbers[1])) if len(numbers) == 2 else round(numbers[0])
            return _checked(rounded, "round()")
        return _checked(min(numbers) if name == "min" else max(numbers), f"{name}()")

    def rollup(self, call: RollupCall) -> Value:
        if self.env.rollup is None:
            raise ExpressionEvaluationError(f"Roll-up {call.function}() is not available here.")
        return self.env.rollup(call.function, call.fragment, call.series, call.window_seconds)

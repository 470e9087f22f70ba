"""The smart-function expression language: parsed by ``ast``, evaluated by our own walker.

A smart function is a small formula over an asset instance's properties and roll-up
aggregates, e.g. ``maxPower * 0.8 if running else 0`` or ``avg("c8y_Temp.T", "1h")``.
The source is a subset of Python expression syntax. It is checked in two stages:

1. **compile** (when a model is written): length and bracket-nesting pre-checks run
   *before* ``ast.parse(mode="eval")`` so that pathological input cannot exhaust the
   parser; then every node is checked against a whitelist, and the tree's depth and size
   are bounded. Any problem raises :class:`ExpressionSyntaxError` with a column.
2. **evaluate** (on every read of an instance): a recursive walker over the whitelisted
   nodes with a step budget, exponent and magnitude bounds and null semantics. Any runtime
   problem raises :class:`ExpressionEvaluationError`, which the caller turns into
   ``computedErrors[name]``.

User text is never handed to ``eval``, ``exec`` or ``compile``.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_SOURCE_LENGTH = 1000
MAX_NESTING = 32
MAX_NODES = 200
STEP_BUDGET = 10_000
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


_BIN_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Pow: "**",
}
_CMP_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Starred: "starred arguments",
    ast.List: "list displays",
    ast.Tuple: "tuples",
    ast.Dict: "dict displays",
    ast.Set: "set displays",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}


def _describe(node: ast.AST) -> str:
    for kind, label in _NODE_NAMES.items():
        if isinstance(node, kind):
            return label
    return f"'{type(node).__name__}' nodes"


def _column(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


def _reject(node: ast.AST, what: str) -> ExpressionSyntaxError:
    column = _column(node)
    where = f" at column {column}" if column is not None else ""
    return ExpressionSyntaxError(
        f"The expression uses {what}{where}, which the language does not allow.", column
    )


def _bracket_depth(source: str) -> int:
    """The deepest bracket nesting outside string literals (a cheap pre-parse bound)."""
    depth = deepest = 0
    quote: str | None = None
    escaped = False
    for char in source:
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


@dataclass(frozen=True)
class Expression:
    """A compiled, whitelisted expression; evaluate it as often as needed."""

    source: str
    tree: ast.expr
    names: frozenset[str]
    rollups: tuple[RollupCall, ...]

    def evaluate(self, env: EvalContext) -> Value:
        """The expression's value in ``env``; raises :class:`ExpressionEvaluationError`."""
        return _Evaluator(env).eval(self.tree)


def compile_expression(
    source: str,
    *,
    max_length: int = MAX_SOURCE_LENGTH,
    max_nesting: int = MAX_NESTING,
    max_nodes: int = MAX_NODES,
) -> Expression:
    """Parse and check ``source``; raises :class:`ExpressionSyntaxError` naming the problem."""
    if not isinstance(source, str):
        raise ExpressionSyntaxError(f"An expression must be a string, not {type(source).__name__}.")
    if not source.strip():
        raise ExpressionSyntaxError("The expression is empty; expected a formula such as 'a * 2'.")
    if len(source) > max_length:
        raise ExpressionSyntaxError(
            f"The expression is {len(source)} characters long; at most {max_length} are allowed."
        )
    if _bracket_depth(source) > max_nesting:
        raise ExpressionSyntaxError(f"The expression nests brackets deeper than {max_nesting} levels.")
    try:
        module = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        column = exc.offset
        where = f" at column {column}" if column else ""
        raise ExpressionSyntaxError(f"The expression has a syntax error{where}: {exc.msg}.", column) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionSyntaxError(f"The expression cannot be parsed: {type(exc).__name__}.") from None
    return _Checker(source, max_nesting, max_nodes).check(module.body)


@lru_cache(maxsize=4096)
def compile_cached(source: str) -> Expression:
    """:func:`compile_expression` with a cache: models are read far more often than written."""
    return compile_expression(source)


class _Checker:
    """Walks a parsed tree once: whitelist, depth, size, call shapes, roll-up literals."""

    def __init__(self, source: str, max_nesting: int, max_nodes: int) -> None:
        self.source = source
        self.max_nesting = max_nesting
        self.max_nodes = max_nodes
        self.names: set[str] = set()
        self.rollups: list[RollupCall] = []

    def check(self, tree: ast.expr) -> Expression:
        # Size as counted by ast.walk (iterative), then depth, before the recursive whitelist walk.
        total = sum(1 for _ in ast.walk(tree)) + 1  # + the ast.Expression wrapper
        if total > self.max_nodes:
            raise ExpressionSyntaxError(
                f"The expression has {total} syntax nodes; at most {self.max_nodes} are allowed."
            )
        stack: list[tuple[ast.AST, int]] = [(tree, 1)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, ast.expr_context | ast.operator | ast.cmpop | ast.unaryop | ast.boolop):
                continue
            if depth > self.max_nesting:
                raise ExpressionSyntaxError(
                    f"The expression nests deeper than {self.max_nesting} levels at column {_column(node)}.",
                    _column(node),
                )
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
        self.visit(tree)
        return Expression(self.source, tree, frozenset(self.names), tuple(self.rollups))

    def visit(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise _reject(node, f"the name '{node.id}' (names starting with '_' are reserved)")
            if node.id not in CONSTANT_NAMES:
                self.names.add(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BIN_OPS:
                raise _reject(node, f"the operator {type(node.op).__name__}")
            self.visit(node.left)
            self.visit(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
                raise _reject(node, f"the operator {type(node.op).__name__}")
            self.visit(node.operand)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMP_OPS:
                    raise _reject(node, f"the comparison {type(op).__name__}")
            self.visit(node.left)
            for comparator in node.comparators:
                self.visit(comparator)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.visit(value)
        elif isinstance(node, ast.IfExp):
            self.visit(node.test)
            self.visit(node.body)
            self.visit(node.orelse)
        elif isinstance(node, ast.Call):
            self.call(node)
        else:
            raise _reject(node, _describe(node))

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
                raise _reject(node, f"the number {str(value)[:40]}, larger than {MAX_MAGNITUDE:g}")
            return
        raise _reject(node, f"a {type(value).__name__} literal")

    def call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise _reject(node, "a call of something other than a function name")
        name = node.func.id
        if name not in ALL_FUNCTIONS:
            raise _reject(node, f"a call of '{name}' (allowed: {', '.join(sorted(ALL_FUNCTIONS))})")
        if node.keywords:
            raise _reject(node, f"keyword arguments in the call of '{name}'")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise _reject(arg, "starred arguments")
        args = node.args
        if name in ROLLUP_FUNCTIONS and self.is_rollup(name, args):
            self.rollups.append(self.rollup(node, name, args))
            return
        if name == "latest":
            raise _reject(node, 'latest() without a "fragment.series" string literal')
        if name in ("avg", "sum", "count"):
            raise _reject(node, f'{name}() without a "fragment.series" string literal')
        arity = {"abs": (1, 1), "round": (1, 2), "min": (2, MAX_NODES), "max": (2, MAX_NODES)}
        low, high = arity.get(name, (1, MAX_NODES))
        if not low <= len(args) <= high:
            expected = (
                f"{low}" if low == high else f"{low} to {high}" if high < MAX_NODES else f"{low} or more"
            )
            raise _reject(node, f"{name}() with {len(args)} arguments (expected {expected})")
        for arg in args:
            self.visit(arg)

    @staticmethod
    def is_rollup(name: str, args: list[ast.expr]) -> bool:
        if name in ("latest", "avg", "sum", "count"):
            return bool(args) and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
        # min/max: the roll-up form is the one whose first argument is a string literal.
        return bool(args) and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)

    @staticmethod
    def rollup(node: ast.Call, name: str, args: list[ast.expr]) -> RollupCall:
        high = 1 if name == "latest" else 2
        if len(args) > high:
            raise _reject(node, f"{name}() with {len(args)} arguments (expected at most {high})")
        literals: list[str] = []
        for arg in args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise _reject(arg, f"a non-literal argument to the roll-up {name}()")
            literals.append(arg.value)
        match = SERIES_PATTERN.fullmatch(literals[0])
        if match is None:
            raise _reject(args[0], f'the series name {literals[0][:60]!r} (expected "fragment.series")')
        window: int | None = None
        if len(literals) == 2:
            if not WINDOW_PATTERN.fullmatch(literals[1]):
                raise _reject(args[1], f'the window {literals[1][:20]!r} (expected e.g. "15m", "1h", "7d")')
            window = int(literals[1][:-1]) * WINDOW_SECONDS[literals[1][-1]]
        return RollupCall(name, match.group(1), match.group(2), window)


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


class _Evaluator:
    """One evaluation: counts steps against the budget of its context."""

    def __init__(self, env: EvalContext) -> None:
        self.env = env

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
            return self.binop(_BIN_OPS[type(node.op)], self.eval(node.left), self.eval(node.right))
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
                if not self.compare(_CMP_OPS[type(op)], left, right):
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
        if name in ROLLUP_FUNCTIONS and _Checker.is_rollup(name, args):
            return self.rollup(_Checker.rollup(node, name, args))
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

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from mockserver.dtm.evaluation import evaluate
from mockserver.dtm.language import (
    ALL_FUNCTIONS,
    BIN_OPS,
    CMP_OPS,
    CONSTANT_NAMES,
    MAX_MAGNITUDE,
    MAX_NESTING,
    MAX_NODES,
    MAX_SOURCE_LENGTH,
    ROLLUP_FUNCTIONS,
    SERIES_PATTERN,
    WINDOW_PATTERN,
    WINDOW_SECONDS,
    EvalContext,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    RollupCall,
    RollupFn,
    Value,
)

__all__ = [
    "EvalContext",
    "Expression",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "RollupCall",
    "RollupFn",
    "Value",
    "compile_cached",
    "compile_expression",
]
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
    rollup_nodes: Mapping[int, RollupCall] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    def evaluate(self, env: EvalContext) -> Value:
        """The expression's value in ``env``; raises :class:`ExpressionEvaluationError`."""
        return evaluate(self.tree, self.rollup_nodes, env)


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
        self.rollup_nodes: dict[int, RollupCall] = {}

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
        return Expression(self.source, tree, frozenset(self.names), tuple(self.rollups), self.rollup_nodes)

    def visit(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise _reject(node, f"the name '{node.id}' (names starting with '_' are reserved)")
            if node.id not in CONSTANT_NAMES:
                self.names.add(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in BIN_OPS:
                raise _reject(node, f"the operator {type(node.op).__name__}")
            self.visit(node.left)
            self.visit(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
                raise _reject(node, f"the operator {type(node.op).__name__}")
            self.visit(node.operand)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in CMP_OPS:
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
        if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:  # compared exactly: no float of it
            digits = len(str(value)) if value.bit_length() < 4000 else value.bit_length() * 3 // 10
            raise _reject(node, f"an integer of {digits} digits, larger than {MAX_MAGNITUDE:g}")
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
            call = self.rollup(node, name, args)
            self.rollups.append(call)
            self.rollup_nodes[id(node)] = call
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

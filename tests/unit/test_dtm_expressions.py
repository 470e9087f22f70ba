"""The smart-function expression language: what compiles, what it evaluates to, what it refuses."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.dtm.expressions import (
    EvalContext,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    compile_expression,
)


def run(source: str, rollup: Any = None, **properties: Any) -> Any:
    return compile_expression(source).evaluate(EvalContext(properties, rollup))


@pytest.mark.parametrize(
    ("source", "properties", "expected"),
    [
        ("1 + 2 * 3", {}, 7),
        ("7 / 2", {}, 3.5),
        ("-7 % 3", {}, 2),
        ("2 ** 10", {}, 1024),
        ("2 ** -1", {}, 0.5),
        ("maxPower * 0.5", {"maxPower": 8}, 4.0),
        ("missing", {}, None),
        ("'a' + \"b\"", {}, "ab"),
        ("true and null", {}, None),
        ("false or 3", {}, 3),
        ("not 0", {}, True),
        ("0 < x <= 10", {"x": 10}, True),
        ("0 < x <= 10", {"x": 11}, False),
        ("1 == true", {}, False),
        ("null == None", {}, True),
        ("'a' if flag else 'b'", {"flag": False}, "b"),
        ("abs(-3)", {}, 3),
        ("round(2.567, 2)", {}, 2.57),
        ("round(2.5)", {}, 2),
        ("min(3, 1, 2)", {}, 1),
        ("max(x, 2)", {"x": 5}, 5),
        ("coalesce(a, b, 9)", {"b": 4}, 4),
        ("coalesce(a, b)", {}, None),
        ("True", {}, True),
        ("status == 'ok'", {"status": "ok"}, True),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_expression_evaluates_like_the_documented_semantics(
    source: str, properties: dict[str, Any], expected: Any
) -> None:
    assert run(source, **properties) == expected
    assert type(run(source, **properties)) is type(expected)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("__import__('os')", "call of '__import__'"),
        ("x.__class__", "attribute access"),
        ("().__class__.__bases__[0]", "subscripts"),
        ("a.b", "attribute access"),
        ("a[0]", "subscripts"),
        ("(lambda: 1)()", "call of something other"),
        ("lambda: 1", "lambdas"),
        ("[x for x in y]", "comprehensions"),
        ("{x: 1 for x in y}", "comprehensions"),
        ("f'{x}'", "f-strings"),
        ("(y := 3)", "assignment expressions"),
        ("open('/etc/passwd')", "call of 'open'"),
        ("eval('1')", "call of 'eval'"),
        ("round(x, ndigits=2)", "keyword arguments"),
        ("max(*xs)", "starred"),
        ("_secret", "names starting with '_'"),
        ("[1, 2]", "list displays"),
        ("{1: 2}", "dict displays"),
        ("b'x'", "bytes literal"),
        ("1j", "complex literal"),
        ("...", "ellipsis literal"),
        ("1 if", "syntax error"),
        ("x = 1", "syntax error"),
        ("a is b", "comparison Is"),
        ("a in b", "comparison In"),
        ("a // b", "operator FloorDiv"),
        ("a << b", "operator LShift"),
        ("~a", "operator Invert"),
        ("latest(x)", "latest() without"),
        ("avg('nodot')", "series name"),
        ("avg('a.b', '0h')", "window"),
        ("avg('a.b', '1y')", "window"),
        ("latest('a.b', '1h')", "expected at most 1"),
        ("min(x)", "expected 2 or more"),
        ("abs(1, 2)", "expected 1"),
        ("1e400", "larger than"),
        ("1" + "0" * 309, "an integer of 310 digits, larger than 1e+300"),
        ("-" + "9" * 301 + " + 1", "an integer of 301 digits"),
        ("", "empty"),
    ],
)
def test_disallowed_syntax_is_rejected_with_a_sentence(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression(source)
    assert fragment in info.value.message
    assert info.value.message.endswith(".") or info.value.message.endswith(")")


def test_rejection_names_the_column_of_the_offending_node() -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression("1 + x.y")
    assert info.value.column == 5
    assert "column 5" in info.value.message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("(" * 10000 + "1" + ")" * 10000, "longer"),
        ("(" * 33 + "1" + ")" * 33, "deeper than 32"),
        ("-" * 40 + "1", "deeper than 32"),
        ("x" * 1001, "1001 characters"),
        ("+".join(["1"] * 40), "deeper than 32"),
        ("max(" + ", ".join(["1"] * 200) + ")", "syntax nodes"),
        ("[" * 500 + "]" * 500, "deeper than 32"),
    ],
    ids=["parens-10000", "parens-33", "unary-40", "long-source", "sum-of-30", "many-nodes", "brackets-500"],
)
def test_pathological_sources_are_rejected_before_they_can_hurt(source: str, fragment: str) -> None:
    # The long ones are refused on length alone: the parser never sees them.
    if len(source) > 1000:
        fragment = "characters long"
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression(source)
    assert fragment in info.value.message


def test_thirty_two_levels_are_still_allowed() -> None:
    assert run("(" * 30 + "1" + ")" * 30) == 1
    assert run("-" * 31 + "1") == -1


@pytest.mark.parametrize(
    ("source", "properties", "fragment"),
    [
        ("9**9**9", {}, "exponent"),
        ("2 ** 65", {}, "exponent"),
        ("10.0 ** 64 * 10.0 ** 64 * 10.0 ** 64 * 10.0 ** 64 * 10.0 ** 64", {}, "magnitude"),
        ("1e300 * 10", {}, "magnitude"),
        ("x ** 64", {"x": 1e10}, "magnitude"),
        ("x / 3", {"x": 10**3999}, "magnitude"),
        ("round(x)", {"x": 1.5e308}, "magnitude"),
        ("x / 0", {"x": 1}, "Division by zero"),
        ("x % 0", {"x": 1}, "Division by zero"),
        ("0 ** -1", {}, "Division by zero"),
        ("(-8) ** 0.5", {}, "not a real number"),
        ("x + 1", {}, "Arithmetic on null"),
        ("x + 1", {"x": "a"}, "Type mismatch"),
        ("flag * 2", {"flag": True}, "Type mismatch"),
        ("x < 1", {}, "cannot order"),
        ("-s", {"s": "a"}, "Unary -"),
        ("abs(s)", {"s": "a"}, "needs numbers"),
        ("round(1.5, 1.5)", {}, "whole number"),
        ("latest('c8y_T.T')", {}, "not available"),
    ],
)
def test_runtime_problems_raise_an_evaluation_error_naming_them(
    source: str, properties: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ExpressionEvaluationError) as info:
        run(source, **properties)
    assert fragment in info.value.message


def test_the_step_budget_stops_runaway_evaluation() -> None:
    expression = compile_expression("+".join(["1"] * 15), max_nesting=100)
    with pytest.raises(ExpressionEvaluationError, match="more than 10 steps"):
        expression.evaluate(EvalContext({}, step_budget=10))
    assert expression.evaluate(EvalContext({})) == 15


def test_string_concatenation_is_bounded() -> None:
    with pytest.raises(ExpressionEvaluationError, match="10000 characters"):
        run("s + s", s="x" * 6000)


def test_rollup_calls_go_to_the_callback_with_window_seconds() -> None:
    calls: list[tuple[str, str, str, int | None]] = []

    def rollup(function: str, fragment: str, series: str, window: int | None) -> float:
        calls.append((function, fragment, series, window))
        return 2.0

    assert (
        run('avg("c8y_Power.P", "15m") + latest("c8y_Power.P") + min("a.b") + count("a.b", "2w")', rollup)
        == 8.0
    )
    assert calls == [
        ("avg", "c8y_Power", "P", 900),
        ("latest", "c8y_Power", "P", None),
        ("min", "a", "b", None),
        ("count", "a", "b", 1209600),
    ]
    compiled = compile_expression('max("a.b", "1d") + x')
    assert [c.function for c in compiled.rollups] == ["max"]
    assert compiled.names == frozenset({"x"})


_SAFE_ERRORS = (ExpressionSyntaxError, ExpressionEvaluationError)


@given(
    st.text(
        alphabet=st.sampled_from(list("ab_1.()[]{}'\"+-*/%<>=!:,~ ^&|@lambdaforin_ifelse9 \\\n")), max_size=60
    )
)
def test_any_text_compiles_or_is_refused_cleanly_and_never_escapes(source: str) -> None:
    try:
        expression = compile_expression(source)
    except ExpressionSyntaxError as exc:
        message = exc.message
        assert message
        return
    try:
        value = expression.evaluate(EvalContext({"a": 1.5, "b": "x"}))
    except _SAFE_ERRORS as exc:
        message = exc.message
        assert message
        return
    assert value is None or isinstance(value, bool | int | float | str)


numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False))


@given(numbers, numbers, st.sampled_from(["+", "-", "*", "/", "%"]))
def test_arithmetic_matches_python_where_python_is_defined(a: float, b: float, op: str) -> None:
    source = f"a {op} b"
    if op in "/%" and b == 0:
        with pytest.raises(ExpressionEvaluationError):
            run(source, a=a, b=b)
        return
    reference = {"+": a + b, "-": a - b, "*": a * b}.get(op)
    if reference is None:
        reference = a / b if op == "/" else a % b
    if not math.isfinite(reference) or abs(reference) > 1e300:
        with pytest.raises(ExpressionEvaluationError, match="magnitude"):
            run(source, a=a, b=b)
        return
    assert run(source, a=a, b=b) == reference


@given(st.floats(-1e3, 1e3, allow_nan=False), st.integers(-70, 70))
def test_powers_are_bounded_and_otherwise_exact(base: float, exponent: int) -> None:
    if abs(exponent) > 64 or (base == 0 and exponent < 0):
        with pytest.raises(ExpressionEvaluationError):
            run("a ** b", a=base, b=exponent)
        return
    try:
        expected = base**exponent
    except OverflowError:
        expected = math.inf
    if abs(expected) > 1e300:
        with pytest.raises(ExpressionEvaluationError, match="magnitude"):
            run("a ** b", a=base, b=exponent)
    else:
        assert run("a ** b", a=base, b=exponent) == expected

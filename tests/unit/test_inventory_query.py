"""The inventory query language: parse -> evaluate against a reference evaluation, and hostile text."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import BadRequest
from mockserver.inventory import matching
from mockserver.inventory.query import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    ByGroup,
    Compare,
    Has,
    Not,
    Or,
    OrderKey,
    Query,
    from_parameters,
    parse,
)

PATHS = [("name",), ("type",), ("n",), ("c8y_Hardware", "model"), ("flag",)]
OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le"]
strings = st.text(alphabet="ab*' ", max_size=4)
scalars = st.one_of(strings, st.integers(-3, 3), st.sampled_from([1.5, -0.25]), st.booleans(), st.none())
comparisons = st.builds(Compare, st.sampled_from(PATHS), st.sampled_from(OPERATORS), scalars)
leaves = st.one_of(
    comparisons, st.builds(Has, st.sampled_from(PATHS)), st.builds(ByGroup, st.sampled_from(["1", "2"]))
)
expressions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=8,
)
doc_values = st.one_of(
    st.text(alphabet="ab* ", max_size=4),
    st.integers(-3, 3),
    st.just(1.5),
    st.booleans(),
    st.none(),
    st.just([1]),
    st.just({}),
)


@st.composite
def documents(draw: st.DrawFn, id_: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": id_}
    for key in ("name", "type", "n", "flag"):
        if draw(st.booleans()):
            doc[key] = draw(doc_values)
    if draw(st.booleans()):
        doc["c8y_Hardware"] = {"model": draw(doc_values)} if draw(st.booleans()) else draw(doc_values)
    if draw(st.booleans()):
        doc["assetParents"] = {"references": [{"managedObject": {"id": draw(st.sampled_from("123"))}}]}
    return doc


def render_value(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def render(expr: Any) -> str:
    if isinstance(expr, Compare):
        return f"{'.'.join(expr.path)} {expr.op} {render_value(expr.value)}"
    if isinstance(expr, Has):
        return f"has({'.'.join(expr.path)})"
    if isinstance(expr, ByGroup):
        return f"bygroupid({expr.group})"
    if isinstance(expr, Not):
        return f"not({render(expr.item)})"
    glue = " and " if isinstance(expr, And) else " or "
    return glue.join(f"({render(item)})" for item in expr.items)


# A second, independent reading of the spec's rules, written the obvious (slow) way.
def ref_value(doc: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    value: Any = doc
    for step in path:
        if type(value) is not dict or step not in value:
            return False, None
        value = value[step]
    return True, value


def ref_compare(doc: dict[str, Any], expr: Compare) -> bool:
    present, actual = ref_value(doc, expr.path)
    want = expr.value
    if expr.op in ("eq", "ne"):
        if want is None:
            equal = not present or actual is None
        elif type(want) is bool:
            equal = present and type(actual) is bool and actual == want
        elif type(want) is str:
            pattern = ".*".join(re.escape(part) for part in want.split("*"))
            equal = present and type(actual) is str and re.fullmatch(pattern, actual, re.DOTALL) is not None
        else:
            equal = present and type(actual) in (int, float) and actual == want
        return equal if expr.op == "eq" else not equal
    numbers = type(actual) in (int, float) and type(want) in (int, float)
    texts = type(actual) is str and type(want) is str
    if not present or not (numbers or texts):
        return False
    return {"gt": actual > want, "ge": actual >= want, "lt": actual < want, "le": actual <= want}[expr.op]


def ref_matches(expr: Any, doc: dict[str, Any], groups: dict[str, dict[str, Any]]) -> bool:
    if isinstance(expr, Compare):
        return ref_compare(doc, expr)
    if isinstance(expr, Has):
        return ref_value(doc, expr.path)[0]
    if isinstance(expr, ByGroup):
        parents = [r["managedObject"]["id"] for r in doc.get("assetParents", {}).get("references", [])]
        children = [
            r["managedObject"]["id"]
            for r in groups.get(expr.group, {}).get("childAssets", {}).get("references", [])
        ]
        return expr.group in parents or doc["id"] in children
    if isinstance(expr, Not):
        return not ref_matches(expr.item, doc, groups)
    results = [ref_matches(item, doc, groups) for item in expr.items]
    return all(results) if isinstance(expr, And) else any(results)


def read(text: str) -> Query | str:
    """The parsed query, or the message of the 400 refusing it."""
    try:
        return parse(text)
    except BadRequest as exc:
        return exc.message


GROUPS = {"1": {"id": "1", "childAssets": {"references": [{"managedObject": {"id": "3"}}]}}}


@given(
    expressions,
    st.lists(st.integers(3, 9), unique=True, max_size=6).flatmap(
        lambda ids: st.tuples(*[documents(str(i)) for i in ids])
    ),
)
def test_parsed_query_selects_what_the_reference_evaluation_selects(expr: Any, docs: tuple[Any, ...]) -> None:
    text = f"$filter=({render(expr)})"
    parsed = parse(text)
    assert parsed == Query(expr)
    selected = [
        d["id"] for d in docs if matching.matches(parsed.filter, d, matching.inventory_groups(GROUPS.get))
    ]
    assert selected == [d["id"] for d in docs if ref_matches(expr, d, GROUPS)]


@given(st.lists(documents("0"), max_size=8), st.sampled_from(PATHS), st.booleans())
def test_orderby_sorts_by_the_key_and_keeps_id_order_on_ties(
    docs: list[dict[str, Any]], path: tuple[str, ...], descending: bool
) -> None:
    docs = [{**d, "id": str(i)} for i, d in enumerate(docs)]
    direction = "desc" if descending else "asc"
    query = parse(f"$orderby={'.'.join(path)} {direction}")
    assert query.order == (OrderKey(path, descending),)
    result = [d["id"] for d in matching.order(docs, query.order)]
    ranks = [matching.sort_rank(matching.resolve(d, path)) for d in docs]
    expected = sorted(range(len(docs)), key=lambda i: ranks[i], reverse=descending)
    assert result == [str(i) for i in expected]
    assert all(
        (ranks[int(a)] >= ranks[int(b)]) if descending else (ranks[int(a)] <= ranks[int(b)])
        for a, b in itertools.pairwise(result)
    )


def test_several_orderby_keys_sort_by_the_first_then_the_next() -> None:
    docs = [{"id": "1", "a": 2, "b": "x"}, {"id": "2", "a": 1, "b": "y"}, {"id": "3", "a": 2, "b": "a"}]
    query = parse("$filter=(has(a)) $orderby=a desc,b asc")
    assert [d["id"] for d in matching.order(docs, query.order)] == ["3", "1", "2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$filter=(name eq 'x')", Query(Compare(("name",), "eq", "x"))),
        ("name eq 'x'", Query(Compare(("name",), "eq", "x"))),
        (
            "$filter=(type eq c8y_Linux)+$orderby=name",
            Query(Compare(("type",), "eq", "c8y_Linux"), (OrderKey(("name",)),)),
        ),
        ("$orderby=name desc", Query(None, (OrderKey(("name",), True),))),
        ("$orderby=name $filter=(has(x))", Query(Has(("x",)), (OrderKey(("name",)),))),
        ("name eq 'O''Brien'", Query(Compare(("name",), "eq", "O'Brien"))),
        ("", Query()),
    ],
    ids=[
        "filter",
        "bare-expression",
        "plus-separator",
        "orderby-only",
        "orderby-first",
        "doubled-quote",
        "empty",
    ],
)
def test_documented_forms_parse(text: str, expected: Query) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("$filter=(name eq 'x'", 21),
        ("$filter=(name eq 'x)", 18),
        ("name equals 'x'", 6),
        ("name eq 'x' xor b eq 1", 13),
        ("frobnicate(name)", 11),
        ("n gt 1e999", 6),
        ("$orderby=name sideways", 15),
    ],
    ids=[
        "unclosed-paren",
        "unclosed-quote",
        "unknown-operator",
        "unknown-keyword",
        "unknown-function",
        "number-out-of-range",
        "bad-direction",
    ],
)
def test_unreadable_query_is_a_400_naming_the_position(text: str, position: int) -> None:
    with pytest.raises(BadRequest, match=f"at position {position}:") as caught:
        parse(text)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "text",
    [
        "x" * 100_000,
        "not " * 2000 + "a eq 1",
        "(" * 4000 + "a eq 1" + ")" * 4000,
        "a eq 1 and (" * 600 + "b eq 1" + ")" * 600,
        "name eq '" + "*a" * 4000 + "'",
        "(" * 8000,
    ],
    ids=["100k-characters", "deep-not", "deep-parentheses", "deep-and", "many-wildcards", "open-parentheses"],
)
def test_hostile_query_is_refused_or_read_quickly_without_recursion_error(text: str) -> None:
    started = time.perf_counter()
    outcome = read(text)
    if isinstance(outcome, Query):
        assert matching.matches(
            outcome.filter, {"id": "1", "name": "a" * 9000}, matching.inventory_groups(GROUPS.get)
        ) in (True, False)
    else:
        assert "at position" in outcome
    assert time.perf_counter() - started < 2.0


def test_deeper_than_the_limit_is_refused_and_at_the_limit_is_read() -> None:
    inside = "not " * MAX_DEPTH + "a eq 1"
    assert parse(inside).filter is not None
    with pytest.raises(BadRequest, match="nested deeper"):
        parse("not " * (MAX_DEPTH + 1) + "a eq 1")
    with pytest.raises(BadRequest, match=f"position {MAX_LENGTH + 1}"):
        parse("a" * (MAX_LENGTH + 1))


@given(st.text(alphabet="$filterordby=()'* andotqhsgeilx.,0123456789+-", max_size=60))
def test_any_text_parses_or_is_a_400(text: str) -> None:
    outcome = read(text)
    assert isinstance(outcome, Query) or "at position" in outcome


def test_q_requires_the_device_fragment_and_not_together_with_query() -> None:
    q = from_parameters(None, "$filter=(name eq 'x')")
    assert q == Query(And((Has(("c8y_IsDevice",)), Compare(("name",), "eq", "x"))))
    assert from_parameters(None, "") == Query(Has(("c8y_IsDevice",)))
    with pytest.raises(BadRequest, match="both"):
        from_parameters("a eq 1", "a eq 1")


def test_wildcard_match_is_linear_and_exact() -> None:
    assert matching.wildcard_match("P*m*", "Pump")
    assert not matching.wildcard_match("P*x", "Pump")
    assert matching.wildcard_match("*", "")
    assert not matching.wildcard_match("ab*ba", "aba")

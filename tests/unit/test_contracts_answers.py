"""The harness's answer model (contracts/answers.py): a judge must accept what is right and name
what is wrong, or every check built on it is void."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import example, given
from hypothesis import strategies as st

from contracts import answers

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
URL = "http://127.0.0.1:8080/measurement/measurements"


@given(JSON)
@example(10**400)  # beyond a float's range: math.isclose raised OverflowError (a flaky failure)
@example([10**400, 1.5])
def test_an_answer_equal_to_the_model_has_no_differences(value: Any) -> None:
    assert answers.differences(value, value) == []


def test_an_integer_beyond_a_floats_range_differs_from_every_float() -> None:
    assert answers.differences(10**400, 1e308)
    assert answers.differences(10**400, 10**400 + 1)


@given(st.dictionaries(st.text(min_size=1, max_size=3), JSON, min_size=1, max_size=4), st.data())
def test_a_missing_or_changed_field_is_named(expected: dict[str, Any], data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(expected)))
    missing = {k: v for k, v in expected.items() if k != key}
    assert any(d.startswith(f"{key} missing") for d in answers.differences(expected, missing))
    changed = {**expected, key: ["not", "the", "value"]}
    assert answers.differences(expected, changed)


def test_an_optional_source_self_may_be_left_out_but_not_be_wrong() -> None:
    doc = answers.measurement_doc({"source": {"id": 7}, "type": "t", "time": "x"}, "3", URL)
    assert doc["source"] == {"id": "7", "self": "http://127.0.0.1:8080/inventory/managedObjects/7"}
    assert answers.differences(doc, {**doc, "source": {"id": "7"}}) == []
    assert answers.differences(doc, {**doc, "source": {"id": "7", "self": doc["self"]}})
    assert answers.differences(doc, {**doc, "source": {"id": 7}})  # ids are strings in answers


def page_links(query: dict[str, str], page: int, drop: str | None = None) -> dict[str, str]:
    def link(n: int) -> str:
        params = {k: v for k, v in {**query, "currentPage": str(n)}.items() if k != drop}
        return f"{URL}?{urlencode(params)}"

    links = {"self": link(page), "next": link(page + 1)}
    if page > 1:
        links["prev"] = link(page - 1)
    return links


@given(st.integers(1, 4), st.sampled_from(["true", "false"]))
def test_links_repeating_every_parameter_pass_and_a_dropped_one_is_named(page: int, revert: str) -> None:
    query = {
        "source": "7",
        "dateFrom": "2021-03-04T10:00:00+02:00",
        "revert": revert,
        "currentPage": str(page),
    }
    assert answers.link_problems(page_links(query, page), query, URL) == []
    problems = answers.link_problems(page_links(query, page, drop="dateFrom"), query, URL)
    assert problems
    assert all("expected" in p for p in problems)


def test_statistics_carry_totals_only_when_asked_for() -> None:
    assert answers.expected_statistics({"pageSize": "3"}, 7) == {"currentPage": 1, "pageSize": 3}
    asked = {"pageSize": "3", "currentPage": "2", "withTotalPages": "true", "withTotalElements": "true"}
    assert answers.expected_statistics(asked, 7) == {
        "currentPage": 2,
        "pageSize": 3,
        "totalPages": 3,
        "totalElements": 7,
    }
    assert answers.page_params({"pageSize": "100000"}) == (1, 2000)


@given(st.lists(st.integers(), max_size=30), st.integers(1, 7), st.integers(1, 6))
def test_page_slices_cover_every_item_once(items: list[int], size: int, pages: int) -> None:
    seen = []
    for page in range(1, -(-len(items) // size) + 2):
        seen += answers.page_slice(items, {"pageSize": str(size), "currentPage": str(page)})
    assert seen == items

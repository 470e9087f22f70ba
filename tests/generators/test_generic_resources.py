"""mockserver.generic without a server: ids per type, filters, every paging style, error shapes.

The Hypothesis properties hold for any list length and page size: every item appears on
exactly one page, in store order, for each paging style.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import NotFound
from mockserver.generic import (
    ErrorShape,
    FilterSpec,
    IdFactory,
    ListShape,
    OperationSpec,
    PagingSpec,
    ResourceSpec,
    ResourceStore,
    ServerField,
    Variant,
    error_for_status,
    page_items,
    serve,
)

URL = "http://127.0.0.1:8080/things"


def store(**spec: Any) -> ResourceStore:
    return ResourceStore(ResourceSpec(name="things", **{"id_field": "id", "id_type": "integer", **spec}))


@pytest.mark.parametrize(
    ("id_type", "check"),
    [
        ("integer", lambda v: isinstance(v, int)),
        ("digits", lambda v: isinstance(v, str) and v.isdigit()),
        ("uuid", lambda v: uuid.UUID(v).version == 4),
    ],
    ids=["integer", "digits", "uuid"],
)
def test_ids_have_the_type_the_spec_gives_them(id_type: Any, check: Any) -> None:
    factory = IdFactory(id_type)
    first, second = factory.next(), factory.next()
    assert check(first)
    assert first != second


def test_seeded_ids_are_never_handed_out_again() -> None:
    things = ResourceStore(ResourceSpec("things", "id", "digits"), seed=[{"id": "41", "name": "seeded"}])
    assert things.create({}, {"name": "new"}, collection_url=URL)["id"] == "42"


def test_get_of_unknown_id_raises_not_found_naming_the_id() -> None:
    with pytest.raises(NotFound, match="'999'"):
        store().get({}, "999")


def test_nested_items_are_kept_per_parent() -> None:
    comments = store(parent_params=("slug",))
    comments.create({"slug": "a"}, {"body": "on a"}, collection_url=URL)
    created = comments.create({"slug": "b"}, {"body": "on b"}, collection_url=URL)
    assert [c["body"] for c in comments.items({"slug": "b"})] == ["on b"]
    with pytest.raises(NotFound):
        comments.get({"slug": "a"}, created["id"])


def test_server_fields_are_filled_and_kept_across_replace() -> None:
    fields = (
        ServerField("self", "self"),
        ServerField("createdAt", "created"),
        ServerField("tags", "constant", []),
    )
    things = store(server_fields=fields)
    created = things.create({}, {"name": "x"}, collection_url=URL)
    assert created["self"] == f"{URL}/{created['id']}"
    assert created["tags"] == []
    replaced = things.update({}, created["id"], {"name": "y"}, item_url=created["self"], merge=False)
    assert replaced["createdAt"] == created["createdAt"]
    assert replaced["name"] == "y"


def test_merge_update_keeps_other_fields_and_null_removes_one() -> None:
    things = store()
    item = things.create({}, {"name": "x", "colour": "red", "size": 3}, collection_url=URL)
    merged = things.update({}, item["id"], {"colour": None, "size": 4}, item_url=URL, merge=True)
    assert merged == {"id": item["id"], "name": "x", "size": 4}


@pytest.mark.parametrize(
    ("filter_spec", "wanted", "expected"),
    [
        (FilterSpec("type", "type"), "pump", ["p1", "p3"]),
        (FilterSpec("type", "type", param_is_array=True), ["valve", "pump"], ["p1", "v2", "p3"]),
        (FilterSpec("tag", "tags", field_is_array=True), "hot", ["v2", "p3"]),
    ],
    ids=["equality", "any-of-array-parameter", "array-property-contains"],
)
def test_list_filters_by_matching_properties(
    filter_spec: FilterSpec, wanted: Any, expected: list[str]
) -> None:
    things = store(filters=(filter_spec,))
    for name, kind, tags in (("p1", "pump", []), ("v2", "valve", ["hot"]), ("p3", "pump", ["hot"])):
        things.create({}, {"name": name, "type": kind, "tags": tags}, collection_url=URL)
    listed = things.list({}, {filter_spec.param: wanted}, url=URL)
    assert [t["name"] for t in listed] == expected


STYLES = {
    "offset": (
        PagingSpec("offset", "limit", "offset"),
        lambda size, page: {"limit": size, "offset": page * size},
    ),
    "page-1": (
        PagingSpec("page", "per_page", "page"),
        lambda size, page: {"per_page": size, "page": page + 1},
    ),
    "page-0": (
        PagingSpec("page", "size", "page", first_page=0),
        lambda size, page: {"size": size, "page": page},
    ),
    "cumulocity": (
        PagingSpec("cumulocity", "pageSize", "currentPage"),
        lambda size, page: {"pageSize": size, "currentPage": page + 1},
    ),
}


@pytest.mark.parametrize("style", STYLES, ids=STYLES.keys())
@given(count=st.integers(0, 30), size=st.integers(1, 7))
def test_every_item_appears_on_exactly_one_page(style: str, count: int, size: int) -> None:
    paging, args_for = STYLES[style]
    shape = ListShape("things", (("statistics", "statistics"),)) if style == "cumulocity" else ListShape()
    items = [{"id": i} for i in range(count)]
    seen: list[dict[str, int]] = []
    for page in range(count // size + 2):
        answer = page_items(items, paging, args_for(size, page), shape, url=URL)
        seen += answer["things"] if style == "cumulocity" else answer
    assert seen == items


def test_page_size_is_trimmed_to_the_documented_maximum() -> None:
    items = [{"id": i} for i in range(10)]
    assert (
        len(
            page_items(
                items, PagingSpec("offset", "limit", None, max_size=3), {"limit": 9}, ListShape(), url=URL
            )
        )
        == 3
    )


def test_wrapped_list_carries_the_computed_extras() -> None:
    shape = ListShape("data", (("total", "total"), ("count", "count")))
    answer = page_items(
        [{"id": i} for i in range(5)], PagingSpec("offset", "limit", "offset"), {"limit": 2}, shape, url=URL
    )
    assert answer == {"data": [{"id": 0}, {"id": 1}], "total": 5, "count": 2}


def test_error_shape_fills_the_spec_error_schema() -> None:
    shape = ErrorShape(
        "application/json",
        (("code", "status"), ("message", "message"), ("kind", "constant")),
        (("kind", "x"),),
    )
    assert shape.body(NotFound("Finding thing 7 failed.")) == {
        "code": 404,
        "message": "Finding thing 7 failed.",
        "kind": "x",
    }
    assert ErrorShape().body(NotFound("Gone.", resource="dtm"))["error"] == "dtm/Not Found"


def test_error_shape_answers_an_enum_field_with_an_allowed_value_naming_the_status() -> None:
    """box's error `code` is an enum (bad_request, not_found, ...): "things/Not Found" is not one."""
    allowed = ("created", "bad_request", "not_found", "method_not_allowed")
    shape = ErrorShape(
        "application/json", (("code", "error"), ("message", "message")), choices=(("code", allowed),)
    )
    assert shape.body(NotFound("Gone.")) == {"code": "not_found", "message": "Gone."}
    assert shape.body(error_for_status(418, "Teapot."))["code"] == "created"  # none names 418: the first
    # A value the enum allows is kept.
    kept = ErrorShape("application/json", (("status", "status"),), choices=(("status", (404, 500)),))
    assert kept.body(NotFound("Gone.")) == {"status": 404}


def test_error_for_status_keeps_the_status_without_a_dedicated_class() -> None:
    assert error_for_status(422, "No.").status == 422
    assert error_for_status(418, "Teapot.").status == 418


def test_serve_wraps_envelopes_and_answers_the_documented_missing_status() -> None:
    things = store()
    create = OperationSpec("create", "things", 201, request_envelope="thing", response_envelope="thing")
    body, status, headers = serve(create, things, {"body": {"thing": {"name": "x"}}}, url=URL)
    assert status == 201
    assert body == {"thing": {"id": 1, "name": "x"}}
    assert headers["Location"] == f"{URL}/1"
    get = OperationSpec("get", "things", 200, id_arg="id", not_found_status=422)
    with pytest.raises(Exception, match="no such item") as raised:
        serve(get, things, {"id": 5}, url=URL)
    assert getattr(raised.value, "status", None) == 422


@given(st.text(max_size=6))
def test_a_client_chosen_id_is_kept_only_where_a_url_can_name_it(chosen: str) -> None:
    # netlify's hooks take the client's `id`: "\n" or "/" in it made the item unreachable.
    things = store(id_type="digits", client_ids=True)
    created = things.create({}, {"id": chosen, "name": "x"}, collection_url=URL)
    segment = created["id"]
    if chosen.isalnum() or chosen in ("a b", "x.y", "é"):
        assert segment == chosen
    assert segment.strip()
    assert segment not in (".", "..")
    assert "/" not in segment
    assert all(ord(c) >= 32 and ord(c) != 127 for c in segment)
    assert things.get({}, segment)["name"] == "x"


def test_a_checked_property_is_kept_only_when_its_check_passes_and_is_not_kept_over_a_replace() -> None:
    fields = (
        ServerField("kind", "checked", "rich", where="/k"),
        ServerField("footer", "checked", where="/f"),
    )
    checks = {"/k": lambda v: v in ("rich", "video"), "/f": lambda v: isinstance(v, dict)}
    things = ResourceStore(ResourceSpec("things", "id", "integer", server_fields=fields), checks=checks)
    kept = things.create({}, {"kind": "video", "footer": {"text": "f"}}, collection_url=URL)
    assert (kept["kind"], kept["footer"]) == ("video", {"text": "f"})
    refused = things.create({}, {"kind": "other", "footer": "text"}, collection_url=URL)
    assert refused["kind"] == "rich"
    assert "footer" not in refused
    replaced = things.update({}, kept["id"], {"kind": "rich"}, item_url=f"{URL}/1", merge=False)
    assert replaced == {"id": kept["id"], "kind": "rich"}


def test_the_items_of_a_union_branch_get_that_branchs_server_fields() -> None:
    # discord's auto-moderation rules: `trigger_type` picks the `trigger_metadata` answered.
    keyword = Variant("type", 1, (ServerField("meta", "completed", {"keywords": []}),))
    profile = Variant("type", 6, (ServerField("meta", "completed", {"regex": []}),))
    spec = ResourceSpec(
        "rules",
        "id",
        "integer",
        server_fields=(ServerField("meta", "completed", {"presets": []}),),
        variants=(keyword, profile),
    )
    rules = ResourceStore(spec)
    made = [
        rules.create({}, {"type": kind, "meta": {"x": 1}}, collection_url=URL) for kind in (6, 1, True, 9)
    ]
    assert [rule["meta"] for rule in made] == [
        {"regex": [], "x": 1},
        {"keywords": [], "x": 1},
        {"presets": [], "x": 1},  # True is a boolean, not the integer 1
        {"presets": [], "x": 1},
    ]
    moved = rules.update({}, made[0]["id"], {"type": 1, "meta": {}}, item_url=f"{URL}/1", merge=False)
    assert moved["meta"] == {"keywords": []}


def test_an_item_failing_its_checked_schema_is_replaced_by_its_variants_fallback() -> None:
    note = Variant("kind", "note", (), fallback={"kind": "note", "text": "--"})
    spec = ResourceSpec(
        "entries", "id", "integer", variants=(note,), item_where="/e", fallback={"kind": "link", "url": "--"}
    )
    passes = {"/e": lambda item: item.get("kind") in ("note", "link") and len(item) == 3}
    entries = ResourceStore(spec, checks=passes)
    kept = entries.create({}, {"kind": "note", "text": "mine"}, collection_url=URL)
    assert kept == {"id": kept["id"], "kind": "note", "text": "mine"}
    noted = entries.create({}, {"kind": "note"}, collection_url=URL)
    assert noted == {"id": noted["id"], "kind": "note", "text": "--"}
    other = entries.create({}, {"kind": "other", "x": 1}, collection_url=URL)
    assert other == {"id": other["id"], "kind": "link", "url": "--"}
    updated = entries.update({}, kept["id"], {"text": None}, item_url=f"{URL}/1", merge=True)
    assert updated == {"id": kept["id"], "kind": "note", "text": "--"}
    assert entries.get({}, kept["id"]) == updated


def test_a_bulk_create_without_its_optional_body_creates_nothing() -> None:
    # netlify's POST /accounts/{id}/env: an optional array body; left out, one item was created.
    things = store()
    bulk = OperationSpec("create", "things", 201, bulk=True)
    for left_out in ({}, {"body": None}, {"body": {}}):  # Connexion hands an absent body as {}
        body, status, _ = serve(bulk, things, left_out, url=URL)
        assert (body, status) == ([], 201)
    assert things.items({}) == []
    body, _, _ = serve(bulk, things, {"body": [{"name": "a"}]}, url=URL)
    assert body == [{"id": 1, "name": "a"}]

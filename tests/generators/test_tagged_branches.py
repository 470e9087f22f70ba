"""``generators.shapes.tagged_branches``: a union is read as tagged only when its tag property
allows each branch exactly one value and no two branches the same one (over generated unions)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generators.loader import Spec
from generators.schemas import Schemas
from generators.shapes import tagged_branches

UNIVERSE = [True, False, 0, 1, 2, "a", "b", "1"]
TAGS = st.one_of(
    st.sampled_from(UNIVERSE).map(lambda v: {"const": v}),
    st.sampled_from(UNIVERSE).map(lambda v: {"enum": [v]}),
    st.lists(st.sampled_from(UNIVERSE), min_size=2, max_size=2, unique_by=repr).map(lambda vs: {"enum": vs}),
    st.just({"type": "string"}),
)


def union_of(tags: list[dict[str, Any]], key: str) -> Schemas:
    branches = [{"type": "object", "properties": {"kind": tag, "name": {"type": "string"}}} for tag in tags]
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Union": {key: branches}}},
    }
    return Schemas(Spec(document, "union.yaml", ""))


def single(tag: dict[str, Any]) -> tuple[type, Any] | None:
    values = [tag["const"]] if "const" in tag else tag.get("enum", [])
    return (type(values[0]), values[0]) if len(values) == 1 else None


@given(tags=st.lists(TAGS, min_size=2, max_size=5), key=st.sampled_from(["oneOf", "anyOf"]))
def test_a_tag_names_one_value_per_branch_and_no_value_twice(tags: list[dict[str, Any]], key: str) -> None:
    schemas = union_of(tags, key)
    found = tagged_branches(schemas, "/components/schemas/Union")
    singles = [single(tag) for tag in tags]
    distinct = None not in singles and len(set(singles)) == len(singles)
    assert (found is not None) == distinct, (tags, found)
    if found is None:
        return
    tag, pairs = found
    assert tag == "kind"
    for i, (value, where) in enumerate(pairs):
        assert where == f"/components/schemas/Union/{key}/{i}"
        at = f"{where}/properties/kind"
        accepted = [v for v in UNIVERSE if not schemas.errors(at, v)]
        assert [(type(v), v) for v in accepted] == [(type(value), value)], (tags, i, accepted)

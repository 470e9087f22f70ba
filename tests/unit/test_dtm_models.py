"""Asset model rules as pure code: validation paths, inheritance, deletion in use, widgets."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.dtm.store import DtmStore
from mockserver.errors import Conflict, MockError, NotFound, ValidationError
from mockserver.http.links import present_asset_model
from mockserver.inventory.store import InventoryStore
from mockserver.paging import PageRequest, collection


@pytest.fixture
def store() -> DtmStore:
    return DtmStore(InventoryStore())


def fields_of(exc: MockError) -> list[str | None]:
    return [d.get("field") for d in exc.details]


def rejected(store: DtmStore, body: dict[str, Any], model_id: str | None = None) -> list[str | None]:
    def call() -> object:
        return store.create_model(body) if model_id is None else store.update_model(model_id, body)

    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.status == 422
    assert info.value.error_code == "dtm/validationError"
    return fields_of(info.value)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 255}, "name"),
        ({"name": "M", "color": "red"}, "color"),
        ({"name": "M", "description": 5}, "description"),
        ({"name": "M", "extends": "999"}, "extends"),
        ({"name": "M", "properties": {}}, "properties"),
        ({"name": "M", "properties": [{"type": "TEXT"}]}, "properties[0].key"),
        ({"name": "M", "properties": [{"key": "1bad", "type": "TEXT"}]}, "properties[0].key"),
        ({"name": "M", "properties": [{"key": "k" * 65, "type": "TEXT"}]}, "properties[0].key"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "TEXT"}, {"key": "a", "type": "TEXT"}]},
            "properties[1].key",
        ),
        ({"name": "M", "properties": [{"key": "a", "type": "STRING"}]}, "properties[0].type"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "TEXT", "required": "yes"}]},
            "properties[0].required",
        ),
        ({"name": "M", "properties": [{"key": "a", "type": "TEXT", "unit": "kW"}]}, "properties[0].unit"),
        ({"name": "M", "properties": [{"key": "a", "type": "ENUM"}]}, "properties[0].values"),
        ({"name": "M", "properties": [{"key": "a", "type": "ENUM", "values": []}]}, "properties[0].values"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "ENUM", "values": ["x", "x"]}]},
            "properties[0].values",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "ENUM", "values": ["x", ""]}]},
            "properties[0].values",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "TEXT", "values": ["x"]}]},
            "properties[0].values",
        ),
        ({"name": "M", "properties": [{"key": "a", "type": "REFERENCE"}]}, "properties[0].target"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "REFERENCE", "target": "42"}]},
            "properties[0].target",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "NUMBER", "target": "1"}]},
            "properties[0].target",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "NUMBER", "default": "5"}]},
            "properties[0].default",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "BOOLEAN", "default": 1}]},
            "properties[0].default",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "DATE", "default": "2023-02-29"}]},
            "properties[0].default",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "ENUM", "values": ["x"], "default": "y"}]},
            "properties[0].default",
        ),
        ({"name": "M", "allowedSubtypes": ["77"]}, "allowedSubtypes[0]"),
        (
            {"name": "M", "smartFunctions": [{"name": "f", "expression": "a."}]},
            "smartFunctions[0].expression",
        ),
        (
            {"name": "M", "smartFunctions": [{"name": "f", "expression": "x.y"}]},
            "smartFunctions[0].expression",
        ),
        ({"name": "M", "smartFunctions": [{"name": "f"}]}, "smartFunctions[0].expression"),
        ({"name": "M", "smartFunctions": [{"name": "9f", "expression": "1"}]}, "smartFunctions[0].name"),
        (
            {
                "name": "M",
                "smartFunctions": [{"name": "f", "expression": "1"}, {"name": "f", "expression": "2"}],
            },
            "smartFunctions[1].name",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "f", "type": "TEXT"}],
                "smartFunctions": [{"name": "f", "expression": "1"}],
            },
            "smartFunctions[0].name",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "TEXT", "widget": {"label": "x"}}]},
            "properties[0].widget.kind",
        ),
        (
            {"name": "M", "properties": [{"key": "a", "type": "TEXT", "widget": {"kind": "dial"}}]},
            "properties[0].widget.kind",
        ),
        (
            {
                "name": "M",
                "properties": [
                    {"key": "a", "type": "NUMBER", "widget": {"kind": "gauge", "min": 5, "max": 1}}
                ],
            },
            "properties[0].widget.max",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "a", "type": "NUMBER", "widget": {"kind": "gauge", "decimals": 11}}],
            },
            "properties[0].widget.decimals",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "a", "type": "NUMBER", "widget": {"kind": "gauge", "color": "red"}}],
            },
            "properties[0].widget.color",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "a", "type": "NUMBER", "widget": {"kind": "value", "unit": "u" * 33}}],
            },
            "properties[0].widget.unit",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "a", "type": "NUMBER", "widget": {"kind": "value", "size": 3}}],
            },
            "properties[0].widget.size",
        ),
    ],
)
def test_each_model_rule_is_a_422_naming_the_field(store: DtmStore, body: dict[str, Any], field: str) -> None:
    assert field in rejected(store, body)
    assert store.counts()["assetModels"] == 0


def test_every_problem_is_listed_at_once(store: DtmStore) -> None:
    body = {"name": "", "properties": [{"key": "a", "type": "ENUM"}], "allowedSubtypes": ["9"]}
    assert rejected(store, body) == ["name", "properties[0].values", "allowedSubtypes[0]"]


def test_a_duplicate_name_is_a_conflict(store: DtmStore) -> None:
    store.create_model({"name": "Pump"})
    with pytest.raises(Conflict, match="'Pump' already exists"):
        store.create_model({"name": "Pump"})
    other = store.create_model({"name": "Fan"})
    with pytest.raises(Conflict):
        store.update_model(other["id"], {"name": "Pump"})


def test_widgets_and_declared_fields_round_trip_unchanged(store: DtmStore) -> None:
    widget = {
        "kind": "gauge",
        "label": "Power",
        "unit": "kW",
        "format": "0.0",
        "min": 0,
        "max": 20,
        "decimals": 1,
        "color": "#1776bf",
    }
    body = {
        "name": "Pump",
        "description": "d",
        "icon": "pump",
        "properties": [{"key": "p", "label": "P", "type": "NUMBER", "default": 5.5, "widget": widget}],
    }
    created = store.create_model({**body, "id": "999", "self": "ignored"})
    assert created["id"] != "999"
    assert store.get_model(created["id"]) == {
        **body,
        "id": created["id"],
        "allowedSubtypes": [],
        "smartFunctions": [],
    }


def test_put_merges_top_level_and_replaces_lists(store: DtmStore) -> None:
    model = store.create_model({"name": "Pump", "icon": "i", "properties": [{"key": "a", "type": "TEXT"}]})
    updated = store.update_model(model["id"], {"description": "new", "icon": None, "properties": []})
    assert updated["name"] == "Pump"
    assert updated["description"] == "new"
    assert "icon" not in updated
    assert updated["properties"] == []
    assert "allowedSubtypes" in store.update_model(model["id"], {"allowedSubtypes": [model["id"]]})


def test_get_and_delete_of_unknown_models_are_404(store: DtmStore) -> None:
    with pytest.raises(NotFound):
        store.get_model("5")
    with pytest.raises(NotFound):
        store.delete_model("5")


def chain_of(store: DtmStore, depth: int) -> list[str]:
    ids = [store.create_model({"name": "m0"})["id"]]
    for level in range(1, depth + 1):
        ids.append(store.create_model({"name": f"m{level}", "extends": ids[-1]})["id"])
    return ids


def test_inheritance_depth_is_limited_to_sixteen(store: DtmStore) -> None:
    ids = chain_of(store, 16)
    assert "extends" in rejected(store, {"name": "too deep", "extends": ids[-1]})


def test_moving_a_base_under_a_deep_chain_checks_every_submodel(store: DtmStore) -> None:
    ids = chain_of(store, 10)
    other = chain_of_named(store, "x", 7)
    assert "extends" in rejected(store, {"extends": ids[-1]}, model_id=other[0])


def chain_of_named(store: DtmStore, prefix: str, depth: int) -> list[str]:
    ids = [store.create_model({"name": f"{prefix}0"})["id"]]
    for level in range(1, depth + 1):
        ids.append(store.create_model({"name": f"{prefix}{level}", "extends": ids[-1]})["id"])
    return ids


def test_inheritance_cycles_are_rejected(store: DtmStore) -> None:
    a, _, c = chain_of(store, 2)
    assert "extends" in rejected(store, {"extends": c}, model_id=a)
    assert "extends" in rejected(store, {"extends": a}, model_id=a)


def test_the_effective_model_merges_base_first_with_overrides_in_place(store: DtmStore) -> None:
    base = store.create_model(
        {
            "name": "Base",
            "properties": [{"key": "a", "type": "TEXT"}, {"key": "b", "type": "NUMBER", "default": 1}],
            "allowedSubtypes": [],
            "smartFunctions": [{"name": "f", "expression": "b * 2"}, {"name": "g", "expression": "1"}],
        }
    )
    leaf = store.create_model({"name": "Leaf"})
    store.update_model(base["id"], {"allowedSubtypes": [leaf["id"]]})
    sub = store.create_model(
        {
            "name": "Sub",
            "extends": base["id"],
            "properties": [{"key": "c", "type": "BOOLEAN"}, {"key": "b", "type": "NUMBER", "default": 7}],
            "allowedSubtypes": [base["id"]],
            "smartFunctions": [{"name": "g", "expression": "2"}, {"name": "h", "expression": "3"}],
        }
    )
    effective = store.effective(sub["id"])
    assert list(effective.properties) == ["a", "b", "c"]
    assert effective.properties["b"]["default"] == 7
    assert dict(effective.smart_functions) == {"f": "b * 2", "g": "2", "h": "3"}
    assert effective.allowed_subtypes == {leaf["id"], base["id"]}
    assert effective.chain == (sub["id"], base["id"])
    assert store.get_model(sub["id"])["properties"] == [
        {"key": "c", "type": "BOOLEAN"},
        {"key": "b", "type": "NUMBER", "default": 7},
    ]


def test_an_override_must_keep_the_inherited_type(store: DtmStore) -> None:
    base = store.create_model({"name": "Base", "properties": [{"key": "a", "type": "TEXT"}]})
    body = {
        "name": "Sub",
        "extends": base["id"],
        "properties": [{"key": "x", "type": "TEXT"}, {"key": "a", "type": "NUMBER"}],
    }
    assert rejected(store, body) == ["properties[1].type"]


def test_inherited_names_clash_with_smart_functions_both_ways(store: DtmStore) -> None:
    base = store.create_model(
        {
            "name": "Base",
            "properties": [{"key": "a", "type": "TEXT"}],
            "smartFunctions": [{"name": "f", "expression": "1"}],
        }
    )
    assert rejected(
        store, {"name": "S1", "extends": base["id"], "smartFunctions": [{"name": "a", "expression": "1"}]}
    ) == ["smartFunctions[0].name"]
    assert rejected(
        store, {"name": "S2", "extends": base["id"], "properties": [{"key": "f", "type": "TEXT"}]}
    ) == ["properties[0].key"]


@pytest.mark.parametrize("use", ["extends", "allowedSubtypes", "reference", "instance"])
def test_a_model_in_use_cannot_be_deleted(store: DtmStore, use: str) -> None:
    used = store.create_model({"name": "Used"})["id"]
    bodies = {
        "extends": {"name": "U", "extends": used},
        "allowedSubtypes": {"name": "U", "allowedSubtypes": [used]},
        "reference": {"name": "U", "properties": [{"key": "r", "type": "REFERENCE", "target": used}]},
    }
    if use == "instance":
        store.create_instance({"modelId": used, "name": "i"})
    else:
        store.create_model(bodies[use])
    with pytest.raises(Conflict) as info:
        store.delete_model(used)
    assert info.value.status == 409
    assert f"Asset model {used}" in info.value.message


def test_a_model_listing_itself_can_still_be_deleted(store: DtmStore) -> None:
    model = store.create_model({"name": "Self"})
    store.update_model(
        model["id"],
        {
            "allowedSubtypes": [model["id"]],
            "properties": [{"key": "r", "type": "REFERENCE", "target": model["id"]}],
        },
    )
    store.delete_model(model["id"])
    assert store.counts()["assetModels"] == 0


def test_model_listing_filters_by_name_and_pages_in_id_order(store: DtmStore) -> None:
    for index in range(7):
        store.create_model({"name": f"m{index}"})
    page = collection("assetModels", store.list_models(), PageRequest(), base_url="http://h/m")
    assert [m["name"] for m in page["assetModels"]] == ["m0", "m1", "m2", "m3", "m4"]
    assert (
        present_asset_model(page["assetModels"][0], "http://h")["self"]
        == "http://h/service/dtm/asset-models/1"
    )
    assert [m["name"] for m in store.list_models(name="m6")] == ["m6"]


# ---------------------------------------------------------------- random models vs a reference check
TYPES = ["TEXT", "NUMBER", "BOOLEAN", "DATE", "ENUM", "REFERENCE", "BLOB"]
DEFAULTS = st.sampled_from([None, "txt", 3, 2.5, True, "2024-02-29", "2023-02-29", "a", "zz"])
EXPRESSIONS = {
    "a + 1": True,
    "coalesce(a, 0) * 2": True,
    'avg("c.s", "1h")': True,
    "a.b": False,
    "(": False,
    "__import__('os')": False,
    "min(a)": False,
}


@st.composite
def model_bodies(draw: st.DrawFn) -> dict[str, Any]:
    properties = []
    for _ in range(draw(st.integers(0, 4))):
        prop: dict[str, Any] = {
            "key": draw(st.sampled_from(["a", "b", "c", "1x", "_ok"])),
            "type": draw(st.sampled_from(TYPES)),
        }
        if draw(st.booleans()):
            prop["values"] = draw(st.sampled_from([["a", "b"], [], ["a", "a"]]))
        if draw(st.booleans()):
            prop["target"] = draw(st.sampled_from(["1", "404"]))
        if draw(st.booleans()):
            prop["default"] = draw(DEFAULTS)
        properties.append(prop)
    functions = [
        {
            "name": draw(st.sampled_from(["f", "g", "a"])),
            "expression": draw(st.sampled_from(sorted(EXPRESSIONS))),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {"name": "Model", "properties": properties, "smartFunctions": functions}


def reference_accepts(body: dict[str, Any]) -> bool:
    """The rules written out plainly; model "1" is the only other model."""
    keys = [p["key"] for p in body["properties"]]
    if len(set(keys)) != len(keys) or any(k == "1x" for k in keys):
        return False
    for p in body["properties"]:
        kind = p["type"]
        if kind == "BLOB":
            return False
        if ("values" in p) != (kind == "ENUM"):
            return False
        if kind == "ENUM" and (not p["values"] or len(set(p["values"])) != len(p["values"])):
            return False
        if ("target" in p) != (kind == "REFERENCE"):
            return False
        if kind == "REFERENCE" and p["target"] != "1":
            return False
        default = p.get("default")
        if default is None:
            continue
        ok = {
            "TEXT": isinstance(default, str),
            "NUMBER": type(default) in (int, float),
            "BOOLEAN": type(default) is bool,
            "DATE": default == "2024-02-29",
            "ENUM": default in p.get("values", []),
            "REFERENCE": False,
        }[kind]
        if not ok:
            return False
    names = [f["name"] for f in body["smartFunctions"]]
    if len(set(names)) != len(names) or set(names) & set(keys):
        return False
    return all(EXPRESSIONS[f["expression"]] for f in body["smartFunctions"])


@given(model_bodies())
def test_random_models_are_accepted_exactly_when_the_reference_check_says_so(body: dict[str, Any]) -> None:
    store = DtmStore(InventoryStore())
    store.create_model({"name": "Other"})
    try:
        store.create_model(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == reference_accepts(body), body


# --- random inheritance chains vs a reference merge
@st.composite
def chain_levels(draw: st.DrawFn) -> list[dict[str, Any]]:
    levels = []
    for _ in range(draw(st.integers(1, 5))):
        keys = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=3))
        properties = [{"key": k, "type": draw(st.sampled_from(["TEXT", "NUMBER"]))} for k in keys]
        names = draw(st.lists(st.sampled_from(["f", "g", "a"]), unique=True, max_size=2))
        functions = [{"name": n, "expression": draw(st.sampled_from(["1", "2"]))} for n in names]
        levels.append({"properties": properties, "smartFunctions": functions})
    return levels


def reference_merge(chain_bodies: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """Base first; a redeclared key or name keeps its position and takes the new definition."""
    properties: dict[str, str] = {}
    functions: dict[str, str] = {}
    for body in chain_bodies:
        for prop in body["properties"]:
            properties[prop["key"]] = prop["type"]
        for function in body["smartFunctions"]:
            functions[function["name"]] = function["expression"]
    return properties, functions


@given(chain_levels())
def test_random_chains_merge_like_the_reference_and_refuse_exactly_the_conflicts(
    levels: list[dict[str, Any]],
) -> None:
    store = DtmStore(InventoryStore())
    accepted: list[dict[str, Any]] = []
    last_id: str | None = None
    for index, level in enumerate(levels):
        inherited_props, inherited_functions = reference_merge(accepted)
        own_keys = {p["key"] for p in level["properties"]}
        expected_ok = (
            all(inherited_props.get(p["key"], p["type"]) == p["type"] for p in level["properties"])
            and not own_keys & set(inherited_functions)
            and not {f["name"] for f in level["smartFunctions"]} & (own_keys | set(inherited_props))
        )
        body = {"name": f"m{index}", **level, **({"extends": last_id} if last_id else {})}
        try:
            created = store.create_model(body)
        except ValidationError:
            assert not expected_ok, (accepted, level)
            continue
        assert expected_ok, (accepted, level)
        accepted.append(level)
        last_id = created["id"]
        effective = store.effective(last_id)
        properties, functions = reference_merge(accepted)
        assert [(k, p["type"]) for k, p in effective.properties.items()] == list(properties.items())
        assert dict(effective.smart_functions) == functions
        assert list(effective.smart_functions) == list(functions)

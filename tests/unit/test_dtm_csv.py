"""CSV bulk import as pure code: parsing, every error by row/column, all-or-nothing, dry runs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.dtm.csv_import import MAX_ROWS, column_key, import_csv
from mockserver.dtm.store import DtmStore
from mockserver.errors import ValidationError
from mockserver.inventory.store import InventoryStore

HEADER = "model,name,path,managedObjectId,description,maxPower (NUMBER),running,status,installed,area"


@pytest.fixture
def inventory() -> InventoryStore:
    return InventoryStore()


@pytest.fixture
def store(inventory: InventoryStore) -> DtmStore:
    store = DtmStore(inventory)
    site = store.create_model(
        {"name": "Site", "properties": [{"key": "area", "type": "NUMBER", "default": 3}]}
    )["id"]
    pump = store.create_model(
        {
            "name": "Pump",
            "properties": [
                {"key": "maxPower", "type": "NUMBER"},
                {"key": "running", "type": "BOOLEAN"},
                {"key": "status", "type": "ENUM", "values": ["ok", "fault"], "default": "ok"},
                {"key": "installed", "type": "DATE"},
            ],
        }
    )["id"]
    store.update_model(site, {"allowedSubtypes": [site, pump]})
    return store


def csv(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def errors_of(store: DtmStore, text: str, **kwargs: Any) -> list[dict[str, Any]]:
    before = (list(store.list_instances()), len(store.inventory))  # type: ignore[arg-type]
    assert before[1] >= 0
    with pytest.raises(ValidationError) as info:
        import_csv(store, text, **kwargs)
    assert (list(store.list_instances()), len(store.inventory)) == before  # type: ignore[arg-type]
    return info.value.details


def test_type_hints_are_stripped_from_headers() -> None:
    assert column_key("maxPower (NUMBER)") == "maxPower"
    assert column_key("name") == "name"


def test_a_valid_file_creates_every_row_in_order_with_paths_to_rows_above(store: DtmStore) -> None:
    text = csv(
        "Site,Hall 3,,,,,,,,",
        "Site,Bay,Hall 3,,,,,,,7",
        'Pump,"P, 1",Hall 3/Bay,,"multi\nline",7.5,TRUE,fault,2024-02-29,',
        "Pump,P2,Hall 3,,,,false,null,,",
    )
    report = import_csv(store, text)
    assert report.to_body() == {"created": 4, "assetInstances": report.created, "rows": 4}
    hall, bay, p1, p2 = (store.get_instance(i) for i in report.created)
    assert (hall.get("parent"), bay.get("parent"), p1.get("parent"), p2.get("parent")) == (
        None,
        hall["id"],
        bay["id"],
        hall["id"],
    )
    assert hall["children"] == [bay["id"], p2["id"]]
    assert hall["properties"] == {"area": 3}
    assert p1["name"] == "P, 1"
    assert p1["description"] == "multi\nline"
    assert p1["properties"] == {
        "maxPower": 7.5,
        "running": True,
        "status": "fault",
        "installed": "2024-02-29",
    }
    assert p2["properties"] == {"running": False}


def test_paths_resolve_among_existing_instances_and_under_a_parent(store: DtmStore) -> None:
    first = import_csv(store, csv("Site,Hall,,,,,,,,")).created[0]
    second = import_csv(store, csv("Site,Bay,Hall,,,,,,,")).created[0]
    assert store.get_instance(second).get("parent") == first
    third = import_csv(store, csv("Site,Deep,Bay,,,,,,,"), parent=first).created[0]
    assert store.get_instance(third).get("parent") == second


def test_one_bad_row_among_many_lists_it_and_creates_nothing(store: DtmStore) -> None:
    rows = ["Site,Hall,,,,,,,,"] + [f"Pump,P{i},Hall,,,{i},true,ok,," for i in range(50)]
    rows[31] = "Pump,P30,Hall,,,fast,yes,broken,2023-02-29,"
    errors = errors_of(store, csv(*rows))
    assert errors == [
        {"row": 33, "column": "maxPower (NUMBER)", "message": "The value 'fast' is not a decimal number."},
        {"row": 33, "column": "running", "message": "The value 'yes' is not true or false."},
        {"row": 33, "column": "status", "message": errors[2]["message"]},
        {"row": 33, "column": "installed", "message": errors[3]["message"]},
    ]
    assert "'broken'" in errors[2]["message"]


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("Tank,T,,,,,,,,", "model", "No asset model is named 'Tank'"),
        ("Pump,P,Nowhere,,,,,,,", "path", "No asset instance named 'Nowhere'"),
        ("Pump,P,,,,,,,,5", "area", "has no property 'area'"),
        ("Pump,,,,,,,,,", "name", "name must be a string of 1-254"),
        ("Pump,P,,999,,,,,,", "managedObjectId", "No managed object has the id '999'"),
        ("Pump,P,,abc,,,,,,", "managedObjectId", "no external id of type 'c8y_Serial' has that value"),
        ("Site,S,,,,,,,,1e999", "area", "not a finite number"),
        ("Pump,P,,,,", None, "The row has 6 cells"),
    ],
)
def test_each_cell_problem_names_row_and_column(
    store: DtmStore, row: str, column: str | None, fragment: str
) -> None:
    [error] = errors_of(store, csv(row))
    assert (error["row"], error["column"]) == (2, column)
    assert fragment in error["message"]


def test_hierarchy_rules_apply_as_for_post(store: DtmStore) -> None:
    [error] = errors_of(store, csv("Pump,P,,,,,,,,", "Site,S,P,,,,,,,"))
    assert (error["row"], error["column"]) == (3, "path")
    assert "not allowed" in error["message"]


def test_ambiguous_paths_and_duplicate_managed_objects_are_errors(
    store: DtmStore, inventory: InventoryStore
) -> None:
    device = inventory.create({"name": "d"}, owner="admin")["id"]
    errors = errors_of(
        store,
        csv(
            "Site,H,,,,,,,,",
            "Site,H,,,,,,,,",
            "Pump,P,H,,,,,,,",
            f"Pump,A,,{device},,,,,,",
            f"Pump,B,,{device},,,,,,",
        ),
    )
    assert [(e["row"], e["column"]) for e in errors] == [(4, "path"), (6, "managedObjectId")]
    assert "matches 2 instances" in errors[0]["message"]


def test_a_required_property_left_null_is_an_error(store: DtmStore) -> None:
    pump = store.model_ids_by_name()["Pump"]
    store.update_model(
        pump,
        {
            "properties": [
                {"key": "status", "type": "ENUM", "values": ["ok"], "default": "ok", "required": True}
            ]
        },
    )
    import_csv(store, "model,name,status\nPump,a,\n")
    [error] = errors_of(store, "model,name,status\nPump,b,null\n")
    assert (error["row"], error["column"]) == (2, "status")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "header row is required"),
        ("model,name,colour\n", "'colour' is neither"),
        ("model,name,name\n", "more than once"),
        ("name,path\n", "no 'model' column"),
    ],
)
def test_header_problems_are_reported_on_row_one(store: DtmStore, text: str, fragment: str) -> None:
    errors = errors_of(store, text)
    assert errors[0]["row"] == 1
    assert fragment in errors[0]["message"]


def test_bad_quoting_unknown_parent_and_too_many_rows_are_422(store: DtmStore) -> None:
    assert "not valid CSV" in errors_of(store, 'model,name\nSite,"a"b"\n')[0]["message"]
    assert errors_of(store, csv(), parent="999")[0]["field"] == "parent"
    text = "model,name\n" + "Site,x\n" * (MAX_ROWS + 1)
    assert "at most 10000" in errors_of(store, text)[0]["message"]


def test_a_dry_run_validates_but_creates_nothing(store: DtmStore) -> None:
    report = import_csv(store, csv("Site,Hall,,,,,,,,", "Pump,P,Hall,,,1,,,,"), dry_run=True)
    assert report.to_body() == {"created": 0, "assetInstances": [], "rows": 2}
    assert store.counts()["assetInstances"] == 0
    assert errors_of(store, csv("Site,Hall,,,,,,,,", "Pump,P,Hall,,,x,,,,"), dry_run=True)[0]["row"] == 3


def test_five_thousand_rows_import_in_one_go(store: DtmStore) -> None:
    rows = ["Site,Hall,,,,,,,,"] + [f"Pump,P{i},Hall,,,{i}.5,true,ok,2024-01-01," for i in range(4999)]
    report = import_csv(store, csv(*rows))
    assert len(report.created) == 5000
    hall = store.get_instance(report.created[0])
    assert hall["children"] == report.created[1:]


def test_rows_are_numbered_by_their_first_line_in_the_file(store: DtmStore) -> None:
    text = 'model,name,description\r\nSite,a,"two\r\nlines"\r\n\r\nTank,b,\r\n'
    [error] = errors_of(store, text)
    assert (error["row"], error["column"]) == (5, "model")


CORRUPTIONS = {
    "maxPower (NUMBER)": "1,5",
    "running": "yes",
    "status": "broken",
    "installed": "2023-02-29",
    "model": "Tank",
    "path": "Nowhere",
}


@given(st.lists(st.one_of(st.none(), st.sampled_from(sorted(CORRUPTIONS))), min_size=1, max_size=12))
def test_random_files_import_all_rows_or_report_exactly_the_bad_ones(corrupted: list[str | None]) -> None:
    store = DtmStore(InventoryStore())
    site = store.create_model({"name": "Site"})["id"]
    pump = store.create_model(
        {
            "name": "Pump",
            "properties": [
                {"key": "maxPower", "type": "NUMBER"},
                {"key": "running", "type": "BOOLEAN"},
                {"key": "status", "type": "ENUM", "values": ["ok"]},
                {"key": "installed", "type": "DATE"},
            ],
        }
    )["id"]
    store.update_model(site, {"allowedSubtypes": [pump]})
    header = ["model", "name", "path", "maxPower (NUMBER)", "running", "status", "installed"]
    lines = [",".join(header), "Site,Hall,,,,,"]
    for index, column in enumerate(corrupted):
        cells = {
            "model": "Pump",
            "name": f"P{index}",
            "path": "Hall",
            "maxPower (NUMBER)": "2.5",
            "running": "true",
            "status": "ok",
            "installed": "2024-02-29",
        }
        if column is not None:
            cells[column] = CORRUPTIONS[column]
        lines.append(",".join(f'"{cells[h]}"' for h in header))
    text = "\n".join(lines) + "\n"
    bad_rows = {index + 3 for index, column in enumerate(corrupted) if column is not None}
    if not bad_rows:
        assert len(import_csv(store, text).created) == len(corrupted) + 1
        assert store.counts()["assetInstances"] == len(corrupted) + 1
        return
    with pytest.raises(ValidationError) as info:
        import_csv(store, text)
    assert {e["row"] for e in info.value.details} == bad_rows
    assert store.counts()["assetInstances"] == 0
    assert len(store.inventory) == 0  # type: ignore[arg-type]


def test_the_device_column_accepts_an_external_id_of_the_rows_type(
    store: DtmStore, inventory: InventoryStore
) -> None:
    from mockserver.inventory.identity import IdentityStore

    identity = IdentityStore(inventory)
    serial = inventory.create({"name": "by serial"}, owner="admin")["id"]
    imei = inventory.create({"name": "by imei"}, owner="admin")["id"]
    identity.create(serial, {"type": "c8y_Serial", "externalId": "SN-4711"})
    identity.create(imei, {"type": "c8y_IMEI", "externalId": "35-2090"})
    text = "model,name,managedObjectId,externalIdType\r\nPump,A,SN-4711,\r\nPump,B,35-2090,c8y_IMEI\r\n"
    report = import_csv(store, text, external_ids=identity.resolve)
    linked = [store.get_instance(i)["managedObjectId"] for i in report.created]
    assert linked == [serial, imei]


def test_an_unknown_external_id_in_the_device_column_is_an_error_of_its_cell(
    store: DtmStore, inventory: InventoryStore
) -> None:
    from mockserver.inventory.identity import IdentityStore

    identity = IdentityStore(inventory)
    text = "model,name,managedObjectId,externalIdType\r\nPump,A,SN-1,c8y_IMEI\r\n"
    errors = errors_of(store, text, external_ids=identity.resolve)
    assert [(e["row"], e["column"]) for e in errors] == [(2, "managedObjectId")]
    assert "no external id of type 'c8y_IMEI'" in errors[0]["message"]

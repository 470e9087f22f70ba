"""The harness's safety guard, rule by rule, request by request (no server)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.guard import Guard, Outgoing, id_leaves

MO = "/inventory/managedObjects"
MEAS = "/measurement/measurements"
MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"
IMPORTS = "/service/dtm/asset-imports"


def req(method: str, path: str, query: str = "", body: Any = None) -> Outgoing:
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return Outgoing.of(method, path, query, raw)


@pytest.fixture
def guard() -> Guard:
    """A guard that has seen the run create MO 100, measurement 200, model 300 ("ctX-m") and instance 400."""
    g = Guard(prefix="ctX")
    g.learn(req("POST", MO, body={"name": "ctX-src"}), 201, b'{"id": "100"}', None)
    g.learn(req("POST", MEAS, body={"source": {"id": "100"}}), 201, b'{"id": "200"}', None)
    model = {"name": "ctX-m", "properties": [{"key": "ref", "type": "REFERENCE", "target": "300"}]}
    g.learn(req("POST", MODELS, body=model), 201, json.dumps({"id": "300", **model}).encode(), None)
    g.learn(
        req("POST", INSTANCES, body={"modelId": "300", "name": "ctX-i"}),
        201,
        b'{"id": "400", "modelId": "300", "managedObjectId": "101"}',
        None,
    )
    return g


def test_reads_are_always_sent(guard: Guard) -> None:
    assert guard.refusal(req("GET", MEAS, "source=1")) is None
    assert guard.refusal(req("GET", f"{MO}/1")) is None
    assert guard.refusal(req("HEAD", "/anything")) is None


@pytest.mark.parametrize(
    "query",
    ["", "dateFrom=2024-03-01T00:00:00.000%2B01:00&dateTo=2024-03-02", "type=c8y_Temperature"],
    ids=["no-filter", "spec-example-dates", "foreign-type"],
)
def test_collection_delete_without_an_owned_source_is_refused(guard: Guard, query: str) -> None:
    reason = guard.check(req("DELETE", MEAS, query))
    assert reason is not None
    assert "could delete measurements the run did not create" in reason
    assert guard.refused[-1].reason == reason


def test_collection_delete_with_a_foreign_source_is_refused(guard: Guard) -> None:
    assert "managed object '1'" in (guard.refusal(req("DELETE", MEAS, "source=1")) or "")
    assert guard.refusal(req("DELETE", MEAS, "source=100&source=1")) is not None


def test_collection_delete_scoped_to_the_run_is_sent(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", MEAS, "source=100&dateFrom=2024-01-01")) is None
    assert guard.refusal(req("DELETE", MEAS, "type=ctX_unscoped")) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", f"{MO}/1"),
        ("DELETE", f"{MO}/1"),
        ("DELETE", f"{MEAS}/7"),
        ("PUT", f"{MODELS}/2"),
        ("DELETE", f"{MODELS}/2"),
        ("PUT", f"{INSTANCES}/3"),
        ("DELETE", f"{INSTANCES}/3"),
    ],
)
def test_writes_to_an_id_the_run_did_not_create_are_refused(guard: Guard, method: str, path: str) -> None:
    assert "which the run did not create" in (guard.refusal(req(method, path, body={})) or "")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", f"{MO}/100"),
        ("DELETE", f"{MO}/100"),
        ("DELETE", f"{MEAS}/200"),
        ("PUT", f"{MODELS}/300"),
        ("DELETE", f"{MODELS}/300"),
        ("PUT", f"{INSTANCES}/400"),
        ("DELETE", f"{INSTANCES}/400"),
    ],
)
def test_writes_to_the_runs_own_ids_are_sent(guard: Guard, method: str, path: str) -> None:
    assert guard.refusal(req(method, path, body={"name": "ctX-renamed"})) is None


def test_a_managed_object_the_target_created_for_an_instance_is_the_runs(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", f"{MO}/101")) is None


@pytest.mark.parametrize(
    "body",
    [
        {"source": {"id": "1"}, "time": "2024-03-01T12:03:27.845+01:00", "type": "t"},
        {"source": {"id": 1}},
        {"measurements": [{"source": {"id": "100"}}, {"source": {"id": "2"}}]},
    ],
    ids=["string-id", "integer-id", "second-item-of-a-bulk"],
)
def test_a_measurement_with_a_foreign_source_is_refused(guard: Guard, body: Any) -> None:
    assert "source" in (guard.refusal(req("POST", MEAS, body=body)) or "")


def test_a_measurement_of_an_owned_source_is_sent(guard: Guard) -> None:
    assert guard.refusal(req("POST", MEAS, body={"source": {"id": "100"}, "type": "t"})) is None
    assert guard.refusal(req("POST", MEAS, body={"measurements": [{"source": {"id": 100}}]})) is None
    assert guard.refusal(req("POST", MEAS, body={"type": "no source at all"})) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("modelId", "1"),
        ("parent", "1"),
        ("managedObjectId", "1"),
        ("children", ["400", "2"]),
    ],
)
def test_an_instance_naming_a_foreign_resource_is_refused(guard: Guard, field: str, value: Any) -> None:
    body = {"modelId": "300", "name": "ctX-x", field: value}
    assert field in (guard.refusal(req("POST", INSTANCES, body=body)) or "")
    assert field in (guard.refusal(req("PUT", f"{INSTANCES}/400", body=body)) or "")


def test_an_instance_referencing_a_foreign_instance_is_refused(guard: Guard) -> None:
    body = {"modelId": "300", "name": "ctX-x", "properties": {"ref": "5"}}
    assert "properties.ref" in (guard.refusal(req("POST", INSTANCES, body=body)) or "")
    # On update the model is the one the instance was created with.
    assert guard.refusal(req("PUT", f"{INSTANCES}/400", body={"properties": {"ref": "5"}})) is not None
    assert guard.refusal(req("PUT", f"{INSTANCES}/400", body={"properties": {"ref": "400"}})) is None


@pytest.mark.parametrize(
    "body",
    [
        {"name": "ctX-sub", "extends": "1"},
        {"name": "ctX-sub", "allowedSubtypes": ["300", "2"]},
        {"name": "ctX-sub", "properties": [{"key": "r", "type": "REFERENCE", "target": "3"}]},
    ],
    ids=["extends", "allowedSubtypes", "reference-target"],
)
def test_a_model_naming_a_foreign_model_is_refused(guard: Guard, body: Any) -> None:
    assert guard.refusal(req("POST", MODELS, body=body)) is not None


def test_a_model_built_on_the_runs_models_is_sent(guard: Guard) -> None:
    body = {"name": "ctX-sub", "extends": "300", "allowedSubtypes": ["300"]}
    assert guard.refusal(req("POST", MODELS, body=body)) is None


def test_a_managed_object_linking_foreign_ones_is_refused(guard: Guard) -> None:
    body = {"name": "x", "childAssets": {"references": [{"managedObject": {"id": "1"}}]}}
    assert "childAssets" in (guard.refusal(req("POST", MO, body=body)) or "")


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"source": {"id": "100"}, "source": {"id": "1"}}'],
    ids=["not-json", "repeated-key"],
)
def test_a_body_the_guard_cannot_read_is_refused(guard: Guard, raw: bytes) -> None:
    assert "cannot read" in (guard.refusal(req("POST", MEAS, body=raw)) or "")


@pytest.mark.parametrize(
    ("query", "csv"),
    [
        ("parent=1", "model,name\nctX-m,a\n"),
        ("", "model,name\nPump,a\n"),
        ("", "model,name,managedObjectId\nctX-m,a,12345\n"),
        ("", "model,name,ref\nctX-m,a,7\n"),
        ("", "model,name,path\nctX-m,a,Hall 3\n"),
        ("dryRun=true", "model,name,path\nctX-m,a,Hall 3\n"),
        ("", "model,name\n,a\n"),
    ],
    ids=[
        "foreign-parent",
        "foreign-model-name",
        "foreign-managed-object",
        "foreign-reference",
        "path-to-a-foreign-root",
        "dry-run-too",
        "no-model",
    ],
)
def test_a_csv_import_that_could_reach_foreign_data_is_refused(guard: Guard, query: str, csv: str) -> None:
    assert guard.refusal(req("POST", IMPORTS, query, csv.encode())) is not None


@pytest.mark.parametrize(
    ("query", "csv"),
    [
        ("", "model,name,path\n"),
        ("", "model,name,path,managedObjectId,ref\nctX-m,a,,101,400\nctX-m,b,a,,\n"),
        ("parent=400", "model,name,path\nctX-m,a,x/y\n"),
        ("", "model,name (TEXT),path\nctX-m,a,ctX-nowhere\n"),
    ],
    ids=["header-only", "tree-inside-the-file", "under-an-owned-parent", "run-prefixed-path"],
)
def test_a_csv_import_within_the_run_is_sent(guard: Guard, query: str, csv: str) -> None:
    assert guard.refusal(req("POST", IMPORTS, query, csv.encode())) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"{MO}/100"),
        ("POST", "/_mock/reset"),
        ("DELETE", MO),
        ("PUT", MEAS),
        ("DELETE", f"{MO}/100/childAssets/1"),
        ("POST", f"{INSTANCES}/400"),
    ],
)
def test_a_write_the_guard_does_not_know_is_refused(guard: Guard, method: str, path: str) -> None:
    assert "does not know" in (guard.refusal(req(method, path)) or "")


@pytest.mark.parametrize(
    ("path", "query"), [("/tenant/oauth", "tenant_id=t100"), ("/user/logout", ""), ("/tenant/oauth/", "")]
)
def test_a_login_and_a_logout_are_sent(guard: Guard, path: str, query: str) -> None:
    assert guard.refusal(req("POST", path, query, None)) is None


def test_other_writes_to_the_login_paths_are_refused(guard: Guard) -> None:
    assert "does not know" in (guard.refusal(req("DELETE", "/tenant/oauth")) or "")
    assert "does not know" in (guard.refusal(req("PUT", "/user/currentUser")) or "")


def test_a_write_query_naming_a_foreign_resource_is_refused(guard: Guard) -> None:
    assert guard.refusal(req("POST", MEAS, "source=1", {"source": {"id": "100"}})) is not None


def test_ownership_comes_only_from_successful_answers() -> None:
    g = Guard()
    g.learn(req("POST", MO, body={}), 422, b'{"id": "5"}', None)
    g.learn(req("GET", MO), 200, b'{"id": "6"}', None)
    g.learn(req("POST", MO, body={}), 201, b"", "http://h/inventory/managedObjects/7")
    assert g.ownership.managed_objects == ["7"]


def test_a_bulk_answer_makes_every_measurement_the_runs(guard: Guard) -> None:
    body = {"measurements": [{"source": {"id": "100"}}] * 2}
    guard.learn(req("POST", MEAS, body=body), 201, b'{"measurements": [{"id": "8"}, {"id": "9"}]}', None)
    assert guard.refusal(req("DELETE", f"{MEAS}/9")) is None


def test_imported_instances_are_the_runs(guard: Guard) -> None:
    guard.learn(req("POST", IMPORTS, body=b"model,name\nctX-m,a\n"), 201, b'{"assetInstances": ["41"]}', None)
    assert guard.refusal(req("DELETE", f"{INSTANCES}/41")) is None


@given(
    st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]),
    st.sampled_from([MO, MEAS, MODELS, INSTANCES, IMPORTS, f"{MO}/1", f"{INSTANCES}/3", f"{MODELS}/2"]),
    st.recursive(
        st.none() | st.booleans() | st.integers(0, 3) | st.sampled_from(["1", "2", "3", "x"]),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "source",
                        "id",
                        "parent",
                        "modelId",
                        "managedObjectId",
                        "extends",
                        "allowedSubtypes",
                        "target",
                        "properties",
                        "measurements",
                        "children",
                        "childAssets",
                        "name",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=8,
    ),
)
def test_no_write_mentioning_only_foreign_ids_in_a_reference_is_sent_by_a_fresh_guard(
    method: str, path: str, body: Any
) -> None:
    """A guard that saw nothing created refuses every write except bodies with no id in a reference."""
    g = Guard()
    reason = g.refusal(req(method, path, body=body))
    if path == IMPORTS and method == "POST":
        return  # a JSON text is a CSV header without rows: it creates nothing
    if method != "POST" or path not in (MO, MEAS, MODELS, INSTANCES):
        assert reason is not None
    elif reason is None:  # sent: then no reference field of the body holds an id
        references = list(g.references(path, body, None)) if isinstance(body, dict) else []
        assert [leaf for _, value, _ in references for leaf in id_leaves(value)] == []


ALARMS = "/alarm/alarms"


@pytest.mark.parametrize(
    ("method", "query"),
    [
        ("DELETE", ""),
        ("DELETE", "severity=MAJOR"),
        ("PUT", ""),
        ("PUT", "status=ACTIVE"),
        ("PUT", "source=1"),
    ],
    ids=["delete-all", "delete-by-severity", "update-all", "update-by-status", "update-foreign-source"],
)
def test_alarm_bulk_writes_without_an_owned_source_are_refused(guard: Guard, method: str, query: str) -> None:
    assert guard.refusal(req(method, ALARMS, query, {"status": "CLEARED"} if method == "PUT" else None))


def test_alarm_bulk_writes_scoped_to_the_run_are_sent(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", ALARMS, "source=100&severity=MINOR")) is None
    assert guard.refusal(req("PUT", ALARMS, "source=100", {"status": "CLEARED"})) is None


def test_an_alarm_is_raised_only_on_the_runs_sources(guard: Guard) -> None:
    alarm = {"type": "ctX_a", "text": "t", "severity": "MAJOR", "time": "2024-01-01T00:00:00Z"}
    assert guard.refusal(req("POST", ALARMS, body={**alarm, "source": {"id": "1"}}))
    assert guard.refusal(req("POST", f"{ALARMS}/", body={**alarm, "source": {"id": "100"}})) is None


@pytest.mark.parametrize("path", [f"{ALARMS}/77", f"{ALARMS}//77", f"{ALARMS}/77/"], ids=str)
def test_an_alarm_is_changed_only_when_the_run_raised_it(guard: Guard, path: str) -> None:
    assert guard.refusal(req("PUT", path, body={"status": "ACKNOWLEDGED"}))
    guard.learn(req("POST", f"{ALARMS}/", body={"source": {"id": "100"}}), 201, b'{"id": "77"}', None)
    assert guard.refusal(req("PUT", path, body={"status": "ACKNOWLEDGED"})) is None
    assert guard.refusal(req("PUT", path, body={"source": {"id": "1"}}))


def learn_external_id(guard: Guard, mo: str, kind: str, value: str) -> None:
    answer = {"type": kind, "externalId": value, "managedObject": {"id": mo}}
    path = f"/identity/globalIds/{mo}/externalIds"
    guard.learn(
        req("POST", path, body={"type": kind, "externalId": value}), 201, json.dumps(answer).encode(), None
    )


def test_an_external_id_is_added_only_to_a_managed_object_of_the_run(guard: Guard) -> None:
    assert guard.refusal(req("POST", "/identity/globalIds/100/externalIds", body={"type": "t"})) is None
    reason = guard.refusal(req("POST", "/identity/globalIds/999/externalIds", body={"type": "t"}))
    assert reason is not None
    assert "'999'" in reason


def test_only_external_ids_the_run_created_are_deleted(guard: Guard) -> None:
    learn_external_id(guard, "100", "c8y_Serial", "ctX-1")
    assert guard.refusal(req("DELETE", "/identity/externalIds/c8y_Serial/ctX-1")) is None
    for path in (
        "/identity/externalIds/c8y_Serial/other",
        "/identity/externalIds/c8y_IMEI/ctX-1",
        "/identity/externalIds/c8y_Serial/ctX-1/x",
        "/identity/globalIds/100/externalIds",
    ):
        assert guard.refusal(req("DELETE", path)) is not None, path
    assert guard.refusal(req("PUT", "/identity/externalIds/c8y_Serial/ctX-1", body={})) is not None


def test_a_refused_external_id_post_teaches_the_guard_nothing(guard: Guard) -> None:
    path = "/identity/globalIds/100/externalIds"
    guard.learn(req("POST", path, body={}), 409, b'{"type": "t", "externalId": "x"}', None)
    assert guard.refusal(req("DELETE", "/identity/externalIds/t/x")) is not None


def test_a_csv_device_cell_may_name_an_external_id_of_the_run(guard: Guard) -> None:
    learn_external_id(guard, "100", "c8y_IMEI", "ctX-imei")
    ok = "model,name,managedObjectId,externalIdType\r\nctX-m,a,ctX-imei,c8y_IMEI\r\n"
    assert guard.refusal(req("POST", IMPORTS, body=ok.encode())) is None
    wrong_type = "model,name,managedObjectId\r\nctX-m,a,ctX-imei\r\n"
    assert guard.refusal(req("POST", IMPORTS, body=wrong_type.encode())) is not None


@pytest.mark.parametrize(
    "query",
    ["type=ctX_a,c8y_UnavailabilityAlarm", "type=ctX_a&type=c8y_Foreign", "type=,", "type=%2C%20"],
    ids=["list-with-a-foreign-type", "repeated-with-a-foreign-type", "only-empty-entries", "blank-entries"],
)
@pytest.mark.parametrize("method", ["DELETE", "PUT"])
def test_an_alarm_type_list_scopes_a_bulk_write_only_when_every_entry_is_the_runs(
    guard: Guard, method: str, query: str
) -> None:
    """Alarm `type` is a comma-separated list (spec/alarm.yaml): one foreign entry reaches foreign alarms."""
    assert guard.refusal(req(method, ALARMS, query, {"status": "CLEARED"} if method == "PUT" else None))


def test_an_alarm_type_list_of_the_runs_types_scopes_a_bulk_write(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", ALARMS, "type=ctX_a,ctX_b,")) is None
    assert guard.refusal(req("PUT", ALARMS, "type=ctX_a", {"status": "CLEARED"})) is None


SUBS = "/notification2/subscriptions"


def subscription(name: str, source: str = "100", context: str = "mo") -> dict[str, Any]:
    return {"subscription": name, "context": context, "source": {"id": source}}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (subscription("theirs"), "names subscription 'theirs'"),
        (subscription("ctXa", source="1"), "nor an mo one on a managed object of the run's"),
        ({"subscription": "ctXa", "context": "mo"}, "nor an mo one"),
        (subscription("theirs", context="tenant"), "names subscription 'theirs'"),
    ],
    ids=["foreign-name", "foreign-source", "no-source", "tenant-context-foreign-name"],
)
def test_a_subscription_is_created_only_by_the_runs_name_on_the_runs_object(
    guard: Guard, body: dict[str, Any], words: str
) -> None:
    reason = guard.refusal(req("POST", SUBS, body=body))
    assert reason is not None
    assert words in reason
    assert guard.refusal(req("POST", SUBS, body=subscription("ctXa"))) is None
    assert guard.refusal(req("POST", SUBS, body=subscription("ctXa", context="tenant"))) is None


def test_a_subscription_is_deleted_only_when_the_run_created_it(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", f"{SUBS}/5"))
    guard.learn(req("POST", SUBS, body=subscription("ctXa")), 201, b'{"id": "5"}', None)
    guard.learn(req("POST", SUBS, body=subscription("ctXb")), 409, b'{"id": "6"}', None)
    assert guard.refusal(req("DELETE", f"{SUBS}/5")) is None
    assert guard.refusal(req("DELETE", f"{SUBS}/6"))


@pytest.mark.parametrize(
    "query", ["", "context=mo", "context=tenant", "source=1", "source=100&context=tenant"], ids=str
)
def test_subscriptions_are_deleted_by_source_only_for_the_runs_objects(guard: Guard, query: str) -> None:
    assert guard.refusal(req("DELETE", SUBS, query))


def test_subscriptions_of_the_runs_object_are_deleted_by_source(guard: Guard) -> None:
    assert guard.refusal(req("DELETE", SUBS, "source=100&context=mo")) is None

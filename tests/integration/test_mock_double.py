"""The mock as a CI test double: admin token, atomic seeds, the journal, fault rules, landing, 405 Allow."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from mock_http import ADMIN, Mock, assert_error, fresh, make_mock, measurement
from starlette.testclient import WebSocketDenialResponse

from mockserver.http.config import MockConfig
from mockserver.http.faults import FaultBook
from mockserver.users import load_users_file

REPO_ROOT = Path(__file__).resolve().parents[2]

TOKEN = {"X-Mock-Admin-Token": "s3cret"}
ADMIN_HEADERS = {"Authorization": "Basic " + base64.b64encode(b"t100/admin:admin").decode()}


@pytest.fixture(scope="module")
def module_mock() -> Iterator[Mock]:
    yield from make_mock(MockConfig(admin_token="s3cret"), path="fast")


@pytest.fixture
def mock(module_mock: Mock) -> Iterator[Mock]:
    module_mock.client.delete("/_mock/faults", headers=TOKEN)
    module_mock.client.delete("/_mock/journal", headers=TOKEN)
    for state in fresh(module_mock):
        state.watch.allowed = True  # fault rules answer 5xx on purpose here
        yield state


def test_admin_hooks_refuse_a_request_without_the_token(mock: Mock) -> None:
    assert_error(mock.client.post("/_mock/reset"), 401, "security/Unauthorized", "X-Mock-Admin-Token")
    assert_error(
        mock.client.post("/_mock/reset", headers={"X-Mock-Admin-Token": "guess"}),
        401,
        "security/Unauthorized",
    )
    assert mock.client.post("/_mock/reset", headers=TOKEN).status_code == 200
    assert mock.client.get("/_mock/state", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_a_seed_never_replaces_an_existing_users_password(mock: Mock) -> None:
    taken = {"users": [{"tenant": "t100", "username": "admin", "password": "mine"}]}
    assert_error(
        mock.client.post("/_mock/seed", json=taken, headers=TOKEN), 422, "mock/validationError", "t100/admin"
    )
    assert mock.client.get("/inventory/managedObjects", auth=ADMIN).status_code == 200
    assert mock.client.get("/inventory/managedObjects", auth=("t100/admin", "mine")).status_code == 401


@pytest.mark.parametrize("hook", ["/_mock/reset", "/_mock/seed"])
def test_a_refused_seed_changes_nothing(mock: Mock, hook: str) -> None:
    mock.client.post("/_mock/seed", json={"managedObjects": [{"id": "7", "name": "kept"}]}, headers=TOKEN)
    before = mock.client.get("/_mock/state", headers=TOKEN).json()["counts"]
    bad = {
        "users": [{"username": "new", "password": "pw"}],
        "managedObjects": [{"name": "ok"}],
        "measurements": [measurement("7"), measurement("404404")],
    }
    assert_error(mock.client.post(hook, json=bad, headers=TOKEN), 422, "mock/validationError")
    assert mock.client.get("/_mock/state", headers=TOKEN).json()["counts"] == before
    assert mock.client.get("/inventory/managedObjects", auth=("new", "pw")).status_code == 401


@pytest.mark.parametrize("hook", ["/_mock/seed", "/_mock/reset"])
def test_a_seed_refused_for_its_asset_instances_changes_nothing_dtm_included(mock: Mock, hook: str) -> None:
    kept = {
        "assetModels": [{"id": "70", "name": "Pump"}],
        "assetInstances": [{"modelId": "70", "name": "p1"}],
    }
    mock.client.post("/_mock/seed", json=kept, headers=TOKEN)
    before = mock.client.get("/_mock/state", headers=TOKEN).json()["counts"]
    bad = {
        "managedObjects": [{"name": "new device"}],
        "assetModels": [{"id": "7100", "name": "Valve"}],
        # The second instance names a model of the live state (70, gone after a reset), the
        # third a model that does not exist: the whole body is refused, the live state kept.
        "assetInstances": [
            {"modelId": "7100", "name": "v1"},
            {"modelId": "70", "name": "p2"},
            {"modelId": "99"},
        ],
    }
    assert_error(mock.client.post(hook, json=bad, headers=TOKEN), 422, "mock/validationError")
    assert mock.client.get("/_mock/state", headers=TOKEN).json()["counts"] == before
    names = [
        m["name"] for m in mock.client.get("/service/dtm/asset-models", auth=ADMIN).json()["assetModels"]
    ]
    assert names == ["Pump"]
    if hook == "/_mock/reset":
        return
    good = {**bad, "assetInstances": bad["assetInstances"][:2]}
    loaded = mock.client.post("/_mock/seed", json=good, headers=TOKEN)
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["counts"]["assetInstances"] == before["assetInstances"] + 2


def test_a_seed_may_refer_to_an_existing_device(mock: Mock) -> None:
    mock.client.post("/_mock/seed", json={"managedObjects": [{"id": "8"}]}, headers=TOKEN)
    answer = mock.client.post("/_mock/seed", json={"measurements": [measurement("8")]}, headers=TOKEN)
    assert answer.json()["counts"]["measurements"] == 1, answer.text


def test_the_journal_lists_and_counts_requests_with_credentials_masked(mock: Mock) -> None:
    mock.client.post("/_mock/seed", json={"managedObjects": [{"id": "9"}]}, headers=TOKEN)
    mock.client.post("/measurement/measurements", json=measurement("9"), auth=ADMIN)
    mock.client.get("/measurement/measurements?source=9", auth=ADMIN)
    mock.client.get("/inventory/managedObjects/123", auth=ADMIN)
    entries = mock.client.get("/_mock/journal?api=measurement", headers=TOKEN).json()["requests"]
    assert [(e["method"], e["status"]) for e in entries] == [("POST", 201), ("GET", 200)]
    assert entries[0]["headers"]["authorization"] == "Basic ***"
    assert json.loads(entries[0]["body"])["source"] == {"id": "9"}
    assert entries[1]["query"] == "source=9"
    assert mock.client.get("/_mock/journal/count?status=404", headers=TOKEN).json() == {"count": 1}
    seeded = mock.client.get("/_mock/journal?api=mock", headers=TOKEN).json()["requests"][0]
    assert seeded["headers"]["x-mock-admin-token"] == "***"
    assert mock.client.delete("/_mock/journal", headers=TOKEN).json()["cleared"] >= 4
    assert mock.client.get("/_mock/journal/count?method=GET", headers=TOKEN).json() == {"count": 0}


def test_a_bad_journal_filter_is_a_400(mock: Mock) -> None:
    assert_error(mock.client.get("/_mock/journal?pathPattern=(", headers=TOKEN), 400, "mock/Bad Request")


def test_a_fault_rule_fires_after_n_then_n_times(mock: Mock) -> None:
    rule = {"match": {"method": "GET", "path": "/inventory/*"}, "status": 503, "after": 1, "times": 2}
    assert mock.client.post("/_mock/faults", json=rule, headers=TOKEN).status_code == 201
    statuses = [mock.client.get("/inventory/managedObjects", auth=ADMIN).status_code for _ in range(4)]
    assert statuses == [200, 503, 503, 200]
    listed = mock.client.get("/_mock/faults", headers=TOKEN).json()["rules"][0]
    assert (listed["matched"], listed["fired"], listed["spent"]) == (3, 2, True)


def test_a_fault_rule_matches_query_and_header_and_answers_its_body(mock: Mock) -> None:
    rule = {
        "match": {"query": {"source": "1"}, "headers": {"X-Case": "a"}},
        "status": 429,
        "body": {"slow": "down"},
    }
    mock.client.post("/_mock/faults", json=rule, headers=TOKEN)
    hit = mock.client.get("/measurement/measurements?source=1", auth=ADMIN, headers={"X-Case": "a"})
    assert (hit.status_code, hit.json()) == (429, {"slow": "down"})
    assert mock.client.get("/measurement/measurements?source=1", auth=ADMIN).status_code == 200
    assert (
        mock.client.get("/measurement/measurements?source=2", auth=ADMIN, headers={"X-Case": "a"}).status_code
        == 200
    )


def test_a_fault_rule_without_body_answers_the_cumulocity_error_shape(mock: Mock) -> None:
    mock.client.post(
        "/_mock/faults", json={"match": {"path": "/measurement/*"}, "status": 503}, headers=TOKEN
    )
    assert_error(
        mock.client.get("/measurement/measurements", auth=ADMIN), 503, "measurement/Service Unavailable"
    )


def test_a_malformed_answer_is_cut_and_not_json(mock: Mock) -> None:
    mock.client.post(
        "/_mock/faults", json={"match": {"path": "/inventory/*"}, "malformed": True}, headers=TOKEN
    )
    answer = mock.client.get("/inventory/managedObjects", auth=ADMIN)
    assert answer.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated|delimiter"):
        answer.json()


def test_a_probability_rule_with_a_seed_is_repeatable(mock: Mock) -> None:
    def run() -> list[int]:
        mock.client.delete("/_mock/faults", headers=TOKEN)
        mock.client.post("/_mock/faults", json={"status": 500, "probability": 0.5, "seed": 3}, headers=TOKEN)
        mock.watch.allowed = True
        return [mock.client.get("/inventory/managedObjects", auth=ADMIN).status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200, 500} == set(first)


@pytest.mark.parametrize(
    ("rule", "mention"),
    [
        ({"status": 99}, "status"),
        ({"match": {"path": "/x"}}, "something to do"),
        ({"delay": -1}, "delay"),
        ({"times": 0, "status": 500}, "times"),
        ({"status": 500, "probability": 2}, "probability"),
        ({"status": 500, "colour": "red"}, "colour"),
    ],
    ids=["status", "no-action", "negative-delay", "times-zero", "probability", "unknown-field"],
)
def test_an_invalid_fault_rule_is_refused_naming_the_field(
    mock: Mock, rule: dict[str, object], mention: str
) -> None:
    answer = mock.client.post("/_mock/faults", json=rule, headers=TOKEN)
    assert answer.status_code in (400, 422), answer.text
    assert mention in answer.json()["message"]
    assert mock.client.get("/_mock/faults", headers=TOKEN).json() == {"rules": []}


def test_deleting_an_unknown_fault_rule_is_404(mock: Mock) -> None:
    assert_error(mock.client.delete("/_mock/faults/77", headers=TOKEN), 404, "mock/Not Found", "77")


def test_the_landing_page_lists_apis_uis_and_admin_hooks(mock: Mock) -> None:
    landing = mock.client.get("/").json()
    assert {api["name"] for api in landing["apis"]} >= {"measurement", "inventory", "dtm"}
    for api in landing["apis"]:
        assert mock.client.get(api["openapi"]).status_code == 200
    assert "GET /_mock/journal/count" in landing["admin"]["endpoints"]
    assert landing["admin"]["tokenRequired"] is True


def test_a_405_names_the_allowed_methods(mock: Mock) -> None:
    answer = mock.client.put("/measurement/measurements", auth=ADMIN)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST, DELETE"


def test_an_overlong_url_is_a_414_in_the_error_shape(mock: Mock) -> None:
    assert_error(
        mock.client.get("/measurement/measurements?x=" + "a" * 9000, auth=ADMIN),
        414,
        "measurement/Request-URI Too Long",
        "8192",
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_an_id_of_5000_digits_is_404(mock: Mock, method: str) -> None:
    answer = mock.client.request(method, "/measurement/measurements/" + "9" * 5000, auth=ADMIN)
    assert_error(answer, 404, "measurement/Not Found")


def test_seeding_an_id_of_5000_digits_is_422(mock: Mock) -> None:
    seed = {"managedObjects": [{"id": "9" * 5000}]}
    assert_error(mock.client.post("/_mock/seed", json=seed, headers=TOKEN), 422, "mock/validationError")


def test_a_yaml_seed_nested_50000_levels_is_422(mock: Mock) -> None:
    deep = "[" * 50000 + "]" * 50000
    answer = mock.client.post(
        "/_mock/seed", content=deep, headers={**TOKEN, "Content-Type": "application/yaml"}
    )
    assert_error(answer, 422, "mock/validationError", "nests too deeply")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("managedObjects:\n- id: " + "9" * 5000 + "\n", "cannot be read"),
        ("managedObjects:\n- name: x\n  v: .inf\n", "finite numbers only"),
        ("managedObjects:\n- name: x\n  v: [1, .nan]\n", "finite numbers only"),
        ('{"managedObjects": [{"name": "x", "v": 1e400}]}', "finite numbers only"),
        ("managedObjects:\n- name: x\n  v: " + "9" * 4100 + "\n", "more than 4000 digits"),
    ],
    ids=["yaml-id-of-5000-digits", "yaml-inf", "yaml-nan", "json-text-1e400", "yaml-integer-of-4100-digits"],
)
def test_a_yaml_seed_with_a_number_no_answer_can_carry_is_422_and_loads_nothing(
    mock: Mock, text: str, message: str
) -> None:
    before = mock.client.get("/_mock/state", headers=TOKEN).json()["counts"]
    headers = {**TOKEN, "Content-Type": "application/yaml"}
    answer = mock.client.post("/_mock/seed", content=text, headers=headers)
    assert_error(answer, 422, "mock/validationError", message)
    assert mock.client.get("/_mock/state", headers=TOKEN).json()["counts"] == before


def test_each_spec_document_names_the_server_it_is_served_from(mock: Mock) -> None:
    for name in ("measurement", "inventory", "dtm", "mock"):
        document = mock.client.get(f"/{name}-openapi.json").json()
        assert document["servers"][0]["url"] == "http://testserver"


def test_the_example_fault_file_loads() -> None:
    rules = FaultBook().add_all(yaml.safe_load((REPO_ROOT / "examples" / "faults.yaml").read_text()))
    assert [(rule["status"], rule["after"], rule["times"]) for rule in rules] == [
        (503, 2, 1),
        (None, 0, None),
    ]


def test_a_model_with_more_than_50_smart_functions_is_refused(mock: Mock) -> None:
    functions = [{"name": f"f{i}", "expression": "1"} for i in range(51)]
    answer = mock.client.post(
        "/service/dtm/asset-models", json={"name": "Big", "smartFunctions": functions}, auth=ADMIN
    )
    assert_error(answer, 422, "dtm/validationError", "at most 50 smart functions")


def test_one_evaluation_reads_at_most_four_roll_up_series(mock: Mock) -> None:
    functions = [{"name": f"f{i}", "expression": f'sum("c8y_S{i}.v")'} for i in range(5)]
    model = mock.client.post(
        "/service/dtm/asset-models", json={"name": "Wide", "smartFunctions": functions}, auth=ADMIN
    ).json()
    made = mock.client.post(
        "/service/dtm/asset-instances", json={"modelId": model["id"], "name": "i"}, auth=ADMIN
    )
    assert made.json()["computed"] == {"f0": 0, "f1": 0, "f2": 0, "f3": 0, "f4": None}
    assert "at most 4 distinct roll-up series" in made.json()["computedErrors"]["f4"]


def test_a_fault_rule_refuses_a_realtime_websocket_connect_with_its_status_once(mock: Mock) -> None:
    rule = {"match": {"path": "/notification/realtime"}, "status": 503, "times": 1}
    assert mock.client.post("/_mock/faults", json=rule, headers=TOKEN).status_code == 201
    with pytest.raises(WebSocketDenialResponse) as refused:
        with mock.client.websocket_connect("/notification/realtime", headers=ADMIN_HEADERS):
            pass
    assert refused.value.status_code == 503
    assert json.loads(refused.value.content)["error"] == "realtime/Service Unavailable"
    with mock.client.websocket_connect("/notification/realtime", headers=ADMIN_HEADERS):
        pass  # the rule is spent: the next connect is accepted
    query = {"path": "/notification/realtime"}
    journal = mock.client.get("/_mock/journal", params=query, headers=TOKEN).json()
    assert [entry["status"] for entry in journal["requests"]] == [503, 101]


def test_a_fault_rule_with_a_body_answers_it_to_a_notification2_connect(mock: Mock) -> None:
    rule = {"match": {"path": "/notification2/consumer/*"}, "status": 429, "body": {"why": "busy"}}
    assert mock.client.post("/_mock/faults", json=rule, headers=TOKEN).status_code == 201
    with pytest.raises(WebSocketDenialResponse) as refused:
        with mock.client.websocket_connect("/notification2/consumer/?token=x"):
            pass
    assert (refused.value.status_code, json.loads(refused.value.content)) == (429, {"why": "busy"})


def test_every_example_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"examples/[\w.-]+", (REPO_ROOT / "README.md").read_text()))
    assert {"examples/seed.yaml", "examples/faults.yaml", "examples/users.yaml"} <= named
    assert [name for name in sorted(named) if not (REPO_ROOT / name).is_file()] == []


def test_the_example_users_file_gives_a_reader_a_token_and_makes_a_tenant() -> None:
    directory = load_users_file(REPO_ROOT / "examples" / "users.yaml")
    reader = directory.authenticate_token("reader-token")
    assert reader is not None
    assert (reader.tenant, reader.username) == ("t100", "reader")
    assert "ROLE_MEASUREMENT_READ" in reader.roles
    assert "ROLE_MEASUREMENT_ADMIN" not in reader.roles
    assert any(user.tenant == "t200" for user in directory.users())

"""The measurement API of the mock over HTTP (platform-rules.md, "Measurements" and "Paging")."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from mock_http import (
    ADMIN,
    MEASUREMENT,
    MEASUREMENTS,
    Mock,
    assert_error,
    basic,
    measurement,
)

API = "application/vnd.com.nsn.cumulocity.measurementapi+json"


def create(mock: Mock, source: str, time: str, **fragments: object) -> str:
    response = mock.json_post("/measurement/measurements", measurement(source, time, **fragments))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["measurements"]]


# --- POST ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", MEASUREMENT])
def test_post_single_returns_201_with_the_measurement_location_and_self_links(
    mock: Mock, content_type: str
) -> None:
    mo = mock.device()
    response = mock.json_post(
        "/measurement/measurements",
        measurement(mo),
        content_type=content_type,
        headers={"Accept": MEASUREMENT},
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == MEASUREMENT
    body = response.json()
    assert body["id"].isdigit()
    assert body["self"] == f"http://testserver/measurement/measurements/{body['id']}"
    assert response.headers["location"] == body["self"]
    assert body["source"] == {"id": mo, "self": f"http://testserver/inventory/managedObjects/{mo}"}
    assert body["time"] == "2024-01-01T00:00:00.000Z"
    assert body["c8y_Temperature"] == {"T": {"value": 21.5, "unit": "C"}}


def test_self_links_follow_the_host_the_client_used(mock: Mock) -> None:
    mo = mock.device()
    response = mock.json_post(
        "/measurement/measurements", measurement(mo), headers={"Host": "example.org:9999"}
    )
    assert response.json()["self"].startswith("http://example.org:9999/measurement/measurements/")
    assert response.headers["location"].startswith("http://example.org:9999/")


@pytest.mark.parametrize(
    "content_type",
    [MEASUREMENT + ";ver=0.9;charset=UTF-8", "application/json; charset=utf-8", "Application/JSON"],
)
def test_media_type_parameters_and_case_are_accepted(mock: Mock, content_type: str) -> None:
    mo = mock.device()
    response = mock.json_post(
        "/measurement/measurements",
        measurement(mo),
        content_type=content_type,
        headers={"Accept": MEASUREMENT + ";ver=0.9"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == MEASUREMENT


def test_accept_application_json_answers_application_json(mock: Mock) -> None:
    mo = mock.device()
    response = mock.json_post(
        "/measurement/measurements", measurement(mo), headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"] == "application/json"


def test_post_without_accept_returns_201_with_an_empty_body_and_a_location(mock: Mock) -> None:
    mo = mock.device()
    response = mock.without_accept(
        "POST", "/measurement/measurements", json=measurement(mo), headers=basic("t100/admin", "admin")
    )
    assert response.status_code == 201
    assert response.content == b""
    assert response.headers["location"].startswith("http://testserver/measurement/measurements/")


def test_bulk_post_creates_every_measurement_and_answers_the_collection_type(mock: Mock) -> None:
    mo = mock.device()
    bulk = {"measurements": [measurement(mo, f"2024-01-01T00:00:0{i}Z") for i in range(3)]}
    response = mock.json_post("/measurement/measurements", bulk, content_type=MEASUREMENTS)
    assert response.status_code == 201
    assert response.headers["content-type"] == MEASUREMENTS
    created = response.json()["measurements"]
    assert len(created) == 3
    assert all(m["self"].endswith("/" + m["id"]) for m in created)
    assert "location" in response.headers


def test_bulk_post_is_all_or_nothing(mock: Mock) -> None:
    mo = mock.device()
    bad = measurement(mo)
    bad["c8y_Temperature"] = {"T": {"value": 1, "unit": ""}}
    bulk = {"measurements": [measurement(mo), bad]}
    response = mock.json_post("/measurement/measurements", bulk, content_type=MEASUREMENTS)
    assert_error(response, 422, "measurement/validationError", "measurements[1]")
    assert ids(mock.client.get("/measurement/measurements", auth=ADMIN)) == []


def test_post_with_an_unknown_source_answers_422_naming_source_id(mock: Mock) -> None:
    assert_error(
        mock.json_post("/measurement/measurements", measurement("424242")),
        422,
        "measurement/validationError",
        "source.id",
    )


def test_integer_source_id_is_normalised_to_a_string(mock: Mock) -> None:
    mo = mock.device()
    body = measurement(mo)
    body["source"] = {"id": int(mo)}
    assert mock.json_post("/measurement/measurements", body).json()["source"]["id"] == mo


@pytest.mark.parametrize(
    ("fragments", "mention"),
    [
        ({"c8y_T": {"T": {"value": 1, "unit": ""}}}, "unit"),
        ({"c8y T": {"T": {"value": 1}}}, "c8y T"),
        ({"c8y_T": {"T.x": {"value": 1}}}, "T.x"),
    ],
    ids=["empty-unit", "space-in-fragment", "dot-in-series"],
)
def test_invalid_series_answer_422(mock: Mock, fragments: dict[str, object], mention: str) -> None:
    mo = mock.device()
    response = mock.json_post("/measurement/measurements", measurement(mo, **fragments))
    assert_error(response, 422, "measurement/validationError", mention)


def test_invalid_series_are_dropped_from_a_mixed_fragment_and_kept_whole_alone(mock: Mock) -> None:
    mo = mock.device()
    fragments = {"c8y_T": {"T": {"value": 1}, "B": {"value": True}}, "c8y_L": {"U": {"unit": "C"}}}
    response = mock.json_post("/measurement/measurements", measurement(mo, **fragments))
    assert response.status_code == 201
    assert response.json()["c8y_T"] == {"T": {"value": 1}}
    assert response.json()["c8y_L"] == {"U": {"unit": "C"}}


# --- GET by id, DELETE by id ------------------------------------------------------------


def test_get_by_id_returns_the_stored_measurement(mock: Mock) -> None:
    mo = mock.device()
    mid = create(mock, mo, "2024-01-01T00:00:00Z")
    response = mock.client.get(f"/measurement/measurements/{mid}", auth=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == MEASUREMENT
    assert response.json()["self"] == f"http://testserver/measurement/measurements/{mid}"


def test_delete_then_get_returns_404_naming_the_id(mock: Mock) -> None:
    mid = create(mock, mock.device(), "2024-01-01T00:00:00Z")
    assert mock.client.delete(f"/measurement/measurements/{mid}", auth=ADMIN).status_code == 204
    assert_error(
        mock.client.get(f"/measurement/measurements/{mid}", auth=ADMIN), 404, "measurement/Not Found", mid
    )
    assert_error(
        mock.client.delete(f"/measurement/measurements/{mid}", auth=ADMIN), 404, "measurement/Not Found", mid
    )


SUPERSCRIPT = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))


@pytest.mark.parametrize(
    "path",
    [
        "/measurement/measurements/{odd}",
        "/inventory/managedObjects/{odd}",
        "/service/dtm/asset-models/{odd}",
        "/service/dtm/asset-instances/{odd}",
    ],
)
@pytest.mark.parametrize("digits", [SUPERSCRIPT, FULLWIDTH], ids=["superscript", "fullwidth"])
def test_non_ascii_digit_ids_are_404_not_500_nor_another_resource(
    mock: Mock, path: str, digits: dict[int, str]
) -> None:
    real = create(mock, mock.device(), "2024-01-01T00:00:00Z")
    odd = real.translate(digits)  # int(odd) == int(real) for fullwidth digits
    for method in ("get", "delete"):
        response = getattr(mock.client, method)(path.format(odd=odd), auth=ADMIN)
        assert response.status_code == 404, response.text
    assert mock.client.get(f"/measurement/measurements/{real}", auth=ADMIN).status_code == 200


def test_ids_are_never_reused_after_delete_or_reset(mock: Mock) -> None:
    mo = mock.device()
    first = create(mock, mo, "2024-01-01T00:00:00Z")
    mock.client.delete(f"/measurement/measurements/{first}", auth=ADMIN)
    second = create(mock, mo, "2024-01-01T00:00:00Z")
    assert int(second) > int(first)


# --- GET collection: filters, order, paging ---------------------------------------------


@pytest.fixture
def populated(mock: Mock) -> dict[str, str]:
    a, b = mock.device(), mock.device()
    made = {
        "a1": create(mock, a, "2024-01-01T00:00:00Z"),
        "a2": create(mock, a, "2024-01-02T00:00:00+02:00", c8y_Humidity={"H": {"value": 40, "unit": "%"}}),
        "a3": create(mock, a, "2024-01-03T00:00:00Z", c8y_Custom="not a series"),
        "b1": create(mock, b, "2024-01-02T12:00:00Z"),
    }
    return {"a": a, "b": b, **made}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source={a}", ["a1", "a2", "a3"]),
        ("source={b}", ["b1"]),
        ("dateFrom=2024-01-02", ["b1", "a3"]),
        ("dateFrom=2024-01-01T22:00:00Z", ["a2", "b1", "a3"]),
        ("dateTo=2024-01-02T12:00:00Z", ["a1", "a2"]),
        ("dateFrom=2024-01-01T23:00:00%2B01:00&dateTo=2024-01-03", ["a2", "b1"]),
        ("fragmentType=c8y_Custom", ["a3"]),
        ("valueFragmentType=c8y_Humidity", ["a2"]),
        ("valueFragmentSeries=T", ["a1", "b1"]),
        ("valueFragmentSeries=H", ["a2"]),
        ("valueFragmentType=c8y_Humidity&valueFragmentSeries=T", []),
        ("type=c8y_Temperature&source={b}", ["b1"]),
        ("type=nothing", []),
        ("revert=true", ["a3", "b1", "a2", "a1"]),
    ],
)
def test_collection_filters_are_anded_and_ordered_by_time(
    mock: Mock, populated: dict[str, str], query: str, expected: list[str]
) -> None:
    url = "/measurement/measurements?pageSize=100&" + query.format(**populated)
    assert ids(mock.client.get(url, auth=ADMIN)) == [populated[k] for k in expected]


def test_paging_statistics_and_links(mock: Mock, populated: dict[str, str]) -> None:
    response = mock.client.get(
        "/measurement/measurements?pageSize=2&currentPage=2&withTotalPages=true&withTotalElements=true"
        "&type=c8y_Temperature&custom=x&custom=y",
        auth=ADMIN,
    )
    body = response.json()
    assert body["statistics"] == {"currentPage": 2, "pageSize": 2, "totalPages": 2, "totalElements": 4}
    assert response.headers["content-type"] == MEASUREMENTS
    for link, page in (("self", "2"), ("next", "3"), ("prev", "1")):
        pairs = parse_qsl(urlsplit(body[link]).query)
        assert ("currentPage", page) in pairs
        assert [v for k, v in pairs if k == "custom"] == ["x", "y"], body[link]
        assert ("type", "c8y_Temperature") in pairs
        assert body[link].startswith("http://testserver/measurement/measurements?")


def test_first_page_has_no_prev_and_total_pages_by_default(mock: Mock, populated: dict[str, str]) -> None:
    body = mock.client.get("/measurement/measurements", auth=ADMIN).json()
    assert set(body["statistics"]) == {"currentPage", "pageSize", "totalPages"}
    ranged = mock.client.get("/measurement/measurements?dateFrom=1970-01-01", auth=ADMIN).json()
    assert ranged["statistics"] == {"currentPage": 1, "pageSize": 5}
    assert "prev" not in body
    assert "next" in body


def test_page_past_the_end_is_an_empty_200(mock: Mock, populated: dict[str, str]) -> None:
    assert ids(mock.client.get("/measurement/measurements?currentPage=50", auth=ADMIN)) == []


def test_page_size_above_2000_is_trimmed_not_refused(mock: Mock) -> None:
    body = mock.client.get("/measurement/measurements?pageSize=5000", auth=ADMIN).json()
    assert body["statistics"]["pageSize"] == 2000


def test_paging_visits_every_measurement_once_in_both_orders(mock: Mock) -> None:
    mo = mock.device()
    made = [create(mock, mo, "2024-01-01T00:00:00Z") for _ in range(7)]
    for revert, expected in (("false", made), ("true", made[::-1])):
        seen: list[str] = []
        for page in range(1, 6):
            seen += ids(
                mock.client.get(
                    f"/measurement/measurements?pageSize=2&currentPage={page}&revert={revert}", auth=ADMIN
                )
            )
        assert seen == expected


# --- DELETE collection -------------------------------------------------------------------


def test_delete_collection_without_source_or_dates_answers_422_and_deletes_nothing(
    mock: Mock, populated: dict[str, str]
) -> None:
    assert_error(
        mock.client.delete("/measurement/measurements?type=c8y_Temperature", auth=ADMIN),
        422,
        "measurement/validationError",
        "source",
    )
    assert len(ids(mock.client.get("/measurement/measurements?pageSize=100", auth=ADMIN))) == 4


def test_delete_collection_removes_exactly_the_matching_set(mock: Mock, populated: dict[str, str]) -> None:
    response = mock.client.delete(
        f"/measurement/measurements?source={populated['a']}&dateFrom=2024-01-02", auth=ADMIN
    )
    assert response.status_code == 204
    left = ids(mock.client.get("/measurement/measurements?pageSize=100", auth=ADMIN))
    assert left == [populated["a1"], populated["a2"], populated["b1"]]


@pytest.mark.parametrize(
    ("narrowing", "deleted"),
    [("valueFragmentType=c8y_Humidity", "a2"), ("valueFragmentSeries=H", "a2")],
)
def test_delete_collection_is_narrowed_by_value_fragment_filters(
    mock: Mock, populated: dict[str, str], narrowing: str, deleted: str
) -> None:
    query = f"source={populated['a']}&{narrowing}"
    response = mock.client.delete(f"/measurement/measurements?{query}", auth=ADMIN)
    assert response.status_code == 204
    left = ids(mock.client.get("/measurement/measurements?pageSize=100", auth=ADMIN))
    everything = [populated[k] for k in ("a1", "a2", "b1", "a3")]
    assert left == [i for i in everything if i != populated[deleted]]


def test_deletes_and_creates_pass_through_the_event_bus(mock: Mock) -> None:
    events: list[tuple[str, str]] = []
    unsubscribe = mock.state.events.subscribe(lambda e: events.append((e.channel, e.action)))
    try:
        mo = mock.device()
        mid = create(mock, mo, "2024-01-01T00:00:00Z")
        mock.client.delete(f"/measurement/measurements/{mid}", auth=ADMIN)
    finally:
        unsubscribe()
    assert events == [
        (f"/managedobjects/{mo}", "CREATE"),
        (f"/measurements/{mo}", "CREATE"),
        (f"/measurements/{mo}", "DELETE"),
    ]


# --- GET /measurement --------------------------------------------------------------------


def test_api_resource_lists_the_collection_and_seventeen_templates(mock: Mock) -> None:
    response = mock.client.get("/measurement", auth=ADMIN)
    assert response.headers["content-type"] == API
    body = response.json()
    base = "http://testserver/measurement/measurements"
    assert body["self"] == "http://testserver/measurement"
    assert body["measurements"] == {"self": base, "measurements": []}
    templates = {k: v for k, v in body.items() if k.startswith("measurementsFor")}
    assert len(templates) == 17
    assert templates["measurementsForSource"] == f"{base}?source={{source}}"
    assert templates["measurementsForDate"] == f"{base}?dateFrom={{dateFrom}}&dateTo={{dateTo}}"
    assert templates["measurementsForSourceAndDateAndFragmentTypeAndType"] == (
        f"{base}?source={{source}}&dateFrom={{dateFrom}}&dateTo={{dateTo}}&fragmentType={{fragmentType}}&type={{type}}"
    )

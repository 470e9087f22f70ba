"""Error answers: one Cumulocity shape everywhere, the right status, and never a 500.

Each input below once made Connexion 3.3 answer 500 or the wrong status; the body guard
(mockserver/http/guard.py) and the 422 body validator (mockserver/http/validation.py) fix that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from mock_http import (
    ADMIN,
    MEASUREMENT,
    MEASUREMENTS,
    Mock,
    assert_error,
    basic,
    make_mock,
    measurement,
)

from mockserver.http.config import MockConfig


@pytest.fixture(scope="module")
def module_mock() -> Iterator[Mock]:
    yield from make_mock(MockConfig(max_body_bytes=16 * 1024 * 1024))


def post_raw(
    mock: Mock, raw: bytes, content_type: str = "application/json", path: str = "/measurement/measurements"
):
    return mock.client.post(path, content=raw, headers={"Content-Type": content_type}, auth=ADMIN)


@pytest.mark.parametrize(
    ("raw", "mention"),
    [
        (b'{"time": ', "not valid JSON"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"type": "\xe9t\xe9"}', "not valid UTF-8"),
        (b'{"v": NaN}', "NaN"),
        (b'{"v": Infinity}', "Infinity"),
        (b'{"v": -Infinity}', "-Infinity"),
        (b'{"v": 1e400}', "1e400"),
        (b'{"v": ' + b"9" * 5000 + b"}", "5000 digits"),
        (b"[" * 65 + b"]" * 65, "deeper than 64"),
        (b"[" * 100_000 + b"]" * 100_000, "deeper than 64"),
        (b'{"a":' * 70 + b"1" + b"}" * 70, "deeper than 64"),
    ],
    ids=[
        "truncated",
        "utf16-bom",
        "latin1",
        "nan",
        "infinity",
        "minus-infinity",
        "1e400",
        "10**5000",
        "depth-65",
        "depth-100000",
        "objects-depth-70",
    ],
)
def test_unreadable_json_bodies_answer_400(mock: Mock, raw: bytes, mention: str) -> None:
    assert_error(post_raw(mock, raw), 400, "measurement/Bad Request", mention)


def test_json_nested_exactly_64_deep_is_not_refused_as_too_deep(mock: Mock) -> None:
    raw = (
        b'{"time": "2024-01-01T00:00:00Z", "type": "t", "source": {"id": "1"}, "x": '
        + b"[" * 63
        + b"]" * 63
        + b"}"
    )
    response = post_raw(mock, raw)
    assert response.status_code != 400 or "deeper" not in response.text


def test_a_body_over_the_limit_answers_413(mock: Mock) -> None:
    raw = b'{"pad": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    body = assert_error(post_raw(mock, raw), 413, "measurement/Payload Too Large", "16777216")
    assert "bytes" in body["message"]


def test_a_small_configured_limit_is_enforced_while_streaming() -> None:
    for small in make_mock(MockConfig(max_body_bytes=100)):
        request = small.client.build_request(
            "POST",
            "/inventory/managedObjects",
            content=iter([b'{"name": "', b"x" * 200, b'"}']),
            headers={"Content-Type": "application/json", **basic("t100/admin", "admin")},
        )
        assert "content-length" not in request.headers
        assert_error(small.client.send(request), 413, "inventory/Payload Too Large", "100")


def test_an_unsupported_content_type_answers_415_naming_it(mock: Mock) -> None:
    response = post_raw(mock, b"time,type\n", content_type="text/csv")
    assert_error(response, 415, "measurement/Unsupported Media Type", "text/csv")


def test_schema_violations_answer_422_naming_every_missing_field(mock: Mock) -> None:
    body = assert_error(post_raw(mock, b"{}"), 422, "measurement/validationError", "time", "type", "source")
    assert {e["field"] for e in body["errors"]} >= {"time", "type", "source"}


def test_a_wrong_type_in_the_body_answers_422_naming_the_field(mock: Mock) -> None:
    mo = mock.device()
    response = mock.json_post("/measurement/measurements", {**measurement(mo), "type": 5})
    assert_error(response, 422, "measurement/validationError", "type")


def test_bulk_violations_name_the_index(mock: Mock) -> None:
    mo = mock.device()
    bulk = {"measurements": [measurement(mo), {"type": "t"}]}
    response = mock.json_post("/measurement/measurements", bulk, content_type=MEASUREMENTS)
    assert_error(response, 422, "measurement/validationError", "measurements[1]")


@pytest.mark.parametrize(
    ("query", "mention"),
    [
        ("pageSize=0", "pageSize"),
        ("pageSize=abc", "pageSize"),
        ("currentPage=0", "currentPage"),
        ("dateFrom=yesterday", "dateFrom"),
        ("dateTo=2024-13-01", "dateTo"),
        ("revert=maybe", "revert"),
    ],
)
def test_bad_query_values_answer_400_naming_the_parameter(mock: Mock, query: str, mention: str) -> None:
    response = mock.client.get(f"/measurement/measurements?{query}", auth=ADMIN)
    assert_error(response, 400, "measurement/Bad Request", mention)


def test_a_missing_body_answers_400(mock: Mock) -> None:
    response = mock.client.post(
        "/measurement/measurements", headers={"Content-Type": MEASUREMENT}, auth=ADMIN
    )
    assert_error(response, 400, "measurement/Bad Request", "body")


def test_unknown_route_and_wrong_method_answer_404_and_405(mock: Mock) -> None:
    assert_error(
        mock.client.get("/measurement/nothing", auth=ADMIN),
        404,
        "measurement/Not Found",
        "/measurement/nothing",
    )
    assert_error(
        mock.client.put("/tenant/currentTenant", auth=ADMIN), 405, "tenant/Method Not Allowed", "PUT"
    )


def test_an_unexpected_exception_answers_500_in_shape_and_is_logged(
    mock: Mock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(id: str) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(mock.state.measurements, "get_stored", explode)
    mock.watch.allowed = True
    with caplog.at_level(logging.ERROR, logger="mockserver.http"):
        response = mock.client.get("/measurement/measurements/1", auth=ADMIN)
    assert_error(response, 500, "measurement/Internal Error", "RuntimeError", "bug")
    assert any(
        "boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1])) for r in caplog.records
    )


def test_a_chunked_json_body_without_content_length_is_read(mock: Mock) -> None:
    request = mock.client.build_request(
        "POST",
        "/inventory/managedObjects",
        content=iter([b'{"name": ', b'"chunked"}']),
        headers={"Content-Type": "application/json", **basic("t100/admin", "admin")},
    )
    assert "content-length" not in request.headers
    response = mock.client.send(request)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "chunked"


@pytest.mark.parametrize("raw", [b"null", b"[]", b'"text"', b"42"])
def test_json_that_is_not_an_object_answers_422(mock: Mock, raw: bytes) -> None:
    response = post_raw(mock, raw, path="/inventory/managedObjects")
    assert_error(response, 422, "inventory/validationError", "(body)")


def test_non_ascii_basic_credentials_answer_401_not_500(mock: Mock) -> None:
    response = mock.client.get(
        "/measurement/measurements", headers={"Authorization": "Basic \u00e9\u00e9".encode("latin-1")}
    )
    assert_error(response, 401, "security/Unauthorized", "base64")

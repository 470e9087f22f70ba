"""What the harness tells a vendor reads as sentences, not as a library's repr."""

from __future__ import annotations

from contracts import openapi_validation as ov


def errors_of(method: str, query: list[tuple[str, str]], body: bytes | None) -> list[str]:
    spec = ov.load("spec/measurement.yaml")
    headers = [("Authorization", "Basic YQ==")] + ([("Content-Type", "application/json")] if body else [])
    request = ov.CoreRequest.build(
        host_url="http://h",
        path="/measurement/measurements",
        method=method,
        query=query,
        headers=headers,
        body=body,
        content_type="application/json" if body else "",
    )
    return ov.request_errors(spec, request)


def test_a_body_violation_names_each_problem_and_where() -> None:
    (message,) = errors_of("POST", [], b'{"time": 5, "source": {}}')
    assert message.startswith("Request body validation error: ")
    assert "at time: 5 is not of type 'string'" in message
    assert "at source: 'id' is a required property" in message
    assert "ValidationError" not in message
    assert "<" not in message
    assert message.endswith(".")


def test_a_parameter_violation_is_one_sentence() -> None:
    (message,) = errors_of("GET", [("pageSize", "abc")], None)
    assert message == "Query parameter error: pageSize (Failed to cast value to integer type: abc)."

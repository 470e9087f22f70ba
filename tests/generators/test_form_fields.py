"""Request bodies Connexion reads otherwise than the spec means, served as the spec means.

Form bodies whose fields have no ``type`` (discord's messages: ``oneOf`` null and a schema, JSON
offered first, the multipart schema an ``allOf`` of the JSON one) get a 2xx or a 400 naming the
field, never a 500; a file is uploaded whichever ``allOf`` branch names its field; ``nullable``
beside a ``oneOf``/``allOf`` (openai's ``prompt``) lets null in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from run_generated import mock_client

MENTIONS = {"type": "object", "properties": {"parse": {"type": "array", "items": {"type": "string"}}}}
MESSAGE = {
    "type": "object",
    "properties": {
        "content": {"type": "string", "nullable": True},
        "mentions": {
            "oneOf": [{"nullable": True, "enum": [None]}, {"$ref": "#/components/schemas/Mentions"}]
        },
        "nonce": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        "flags": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "stream": {"anyOf": [{"type": "boolean", "default": False}, {"type": "null"}]},
        "strategy": {  # openai's chunking_strategy: "auto" or an object, one anyOf in another
            "anyOf": [
                {"anyOf": [{"type": "string", "enum": ["auto"]}, {"$ref": "#/components/schemas/Strategy"}]},
                {"type": "null"},
            ]
        },
        "tags": {"type": "array", "items": {"oneOf": [{"type": "integer"}, {"type": "string"}]}},
    },
}
REF = {"$ref": "#/components/schemas/Message"}
FILES = {"type": "object", "properties": {"files[0]": {"type": "string", "format": "binary"}}}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Forms", "version": "1"},
    "paths": {
        "/messages": {
            "post": {
                "operationId": "postMessage",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": REF},
                        "application/x-www-form-urlencoded": {"schema": REF},
                        "multipart/form-data": {"schema": {"allOf": [REF, FILES]}},
                    },
                },
                "responses": {"204": {"description": "sent"}, "400": {"description": "bad"}},
            }
        }
    },
    "components": {
        "schemas": {
            "Message": MESSAGE,
            "Mentions": MENTIONS,
            "Strategy": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
        }
    },
}
FIELDS = ["content", "mentions", "nonce", "flags", "tags", "other"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("forms")
    with mock_client(SPEC, root, "forms.yaml") as test_client:
        yield test_client


def test_a_plain_form_is_accepted(client: Any) -> None:
    assert client.post("/messages", data={"content": "hi", "nonce": "7", "tags": "1"}).status_code == 204


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("multipart", [False, True])
def test_a_field_of_one_type_or_null_is_read_as_that_type(client: Any, multipart: bool) -> None:
    # openai's transcriptions: `stream` is `anyOf: [boolean, null]`, sent as "false", beside an
    # uploaded file whose field sits in an `allOf` branch of the multipart schema; its
    # `chunking_strategy` is "auto" or an object, sent as JSON.
    files = {"files[0]": b"x"} if multipart else None
    sent = client.post("/messages", data={"flags": "3", "stream": "false"}, files=files)
    assert sent.status_code == 204, sent.text
    null = client.post("/messages", data={"flags": "null", "stream": "null"}, files=files)
    assert null.status_code == 204, null.text
    for strategy in ("auto", '{"type": "server_vad"}'):
        chosen = client.post("/messages", data={"strategy": strategy}, files=files)
        assert chosen.status_code == 204, (strategy, chosen.text)
    for strategy in ("manual", '{"kind": "server_vad"}', "{broken"):
        refused = client.post("/messages", data={"strategy": strategy}, files=files)
        assert refused.status_code == 400, (strategy, refused.text)
    wrong = client.post("/messages", data={"stream": "maybe"}, files=files)
    assert wrong.status_code == 400
    assert "stream" in wrong.json()["detail"]


# Connexion's form validator never closes the uploaded files it parses (the collector does).
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=40, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(FIELDS), st.sampled_from(["", "null", "{}", "1", "x", "true", "[1]"])
    ),
    multipart=st.booleans(),
)
def test_no_form_gets_a_server_error(client: Any, fields: dict[str, str], multipart: bool) -> None:
    files = {"files[0]": b"x"} if multipart else None
    answer = client.post("/messages", data=fields, files=files)
    assert answer.status_code in (204, 400), answer.text
    if answer.status_code == 400:
        assert answer.json()["detail"]


NULLABLE = {
    "openapi": "3.0.3",
    "info": {"title": "Nullable", "version": "1"},
    "paths": {
        "/completions": {
            "post": {
                "operationId": "complete",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    # openai's `prompt`: nullable beside a oneOf, no type of its own.
                                    "prompt": {
                                        "nullable": True,
                                        "oneOf": [{"type": "string"}, {"type": "array"}],
                                    },
                                    "stop": {
                                        "nullable": True,
                                        "allOf": [{"$ref": "#/components/schemas/Stop"}],
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "done"}, "400": {"description": "bad"}},
            }
        }
    },
    "components": {"schemas": {"Stop": {"type": "string"}}},
}


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        ({"prompt": None, "stop": None}, 204),
        ({"prompt": "p", "stop": "s"}, 204),
        ({"prompt": 5}, 400),
        ({"stop": 5}, 400),
    ],
)
def test_nullable_beside_a_composition_lets_null_through(
    tmp_path_factory: pytest.TempPathFactory, sent: dict, status: int
) -> None:
    root = tmp_path_factory.mktemp("nullable")
    with mock_client(NULLABLE, root, "nullable.yaml") as client:
        assert client.post("/completions", json=sent).status_code == status


SESSION = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
CALLS = {
    "openapi": "3.0.3",
    "info": {"title": "Calls", "version": "1"},
    "paths": {
        "/calls": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["sdp"],
                                "properties": {
                                    "sdp": {"type": "string"},
                                    "session": {"allOf": [{"$ref": "#/components/schemas/Session"}]},
                                    "expires": {
                                        "type": "object",
                                        "properties": {"seconds": {"type": "integer"}},
                                    },
                                },
                            },
                            "encoding": {"session": {"contentType": "application/json"}},
                        }
                    },
                },
                "responses": {"201": {"description": "placed"}, "400": {"description": "bad"}},
            }
        }
    },
    "components": {"schemas": {"Session": SESSION}},
}


def test_a_json_part_is_read_as_the_object_its_allof_names(tmp_path: Path) -> None:
    # openai's realtime calls: `session` is an `allOf` of an object, sent as a JSON part.
    with mock_client(CALLS, tmp_path, "calls.yaml") as calls:

        def send(session: Any) -> Any:
            files = {"sdp": (None, "v=0"), "session": (None, json.dumps(session), "application/json")}
            return calls.post("/calls", files=files)

        placed = send({"type": "realtime"})
        refused = send({"kind": "realtime"})
    assert placed.status_code == 201, placed.text
    assert refused.status_code == 400
    assert "type" in refused.json()["detail"]


def test_a_json_null_body_is_checked_against_the_schema_not_taken_for_no_body(tmp_path: Path) -> None:
    # openai's conversation items: a required body whose schema has no `type` accepts `null`.
    untyped = {"properties": {"items": {"type": "array"}}, "required": ["items"]}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Nulls", "version": "1"},
        "paths": {
            f"/{name}": {
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {"204": {"description": "ok"}, "400": {"description": "bad"}},
                }
            }
            for name, schema in (("untyped", untyped), ("typed", {**untyped, "type": "object"}))
        },
    }
    headers = {"Content-Type": "application/json"}
    with mock_client(spec, tmp_path, "nulls.yaml") as client:
        accepted = client.post("/untyped", content=b"null", headers=headers)
        refused = client.post("/typed", content=b" null ", headers=headers)
        missing = client.post("/untyped", content=b"", headers=headers)
    assert accepted.status_code == 204, accepted.text
    assert refused.status_code == 400
    assert "not of type 'object'" in refused.json()["detail"]
    assert missing.status_code == 400
    assert "missing" in missing.json()["detail"]


def test_an_object_part_without_an_encoding_is_read_as_json(tmp_path: Path) -> None:
    # openai's POST /files: `expires_after` is an object part; OpenAPI's default is JSON for it.
    with mock_client(CALLS, tmp_path, "calls.yaml") as calls:

        def send(expires: str) -> Any:
            return calls.post("/calls", files={"sdp": (None, "v=0"), "expires": (None, expires)})

        placed = send('{"seconds": 60}')
        wrong = send('{"seconds": "soon"}')
        broken = send("{not json")
    assert placed.status_code == 201, placed.text
    assert wrong.status_code == broken.status_code == 400
    assert "seconds" in wrong.json()["detail"]


def test_a_body_breaking_the_schema_names_the_first_problem_found(tmp_path: Path) -> None:
    # Collecting every error of a fuzzed body against discord's nested oneOfs took 80-130 ms.
    item = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Many", "version": "1"},
        "paths": {
            "/many": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "array", "items": item}}},
                    },
                    "responses": {"204": {"description": "ok"}, "400": {"description": "bad"}},
                }
            }
        },
    }
    with mock_client(spec, tmp_path, "many.yaml") as client:
        few = client.post("/many", json=[{"n": "a"}, {"n": 1}])
        many = client.post("/many", json=[{"n": str(i)} for i in range(10)])
    assert few.status_code == many.status_code == 400
    expected = (
        "The request body breaks the schema: [0].n 'a' is not of type 'integer' (the first problem found)."
    )
    assert few.json()["detail"] == expected
    assert many.json()["detail"] == expected.replace("'a'", "'0'")


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_json_nested_thousands_deep_is_refused_not_a_server_error(tmp_path: Path) -> None:
    # A hostile body: 5,000 nested arrays made json.loads raise RecursionError, answered 500.
    deep = "[" * 5000 + "]" * 5000
    with mock_client(SPEC, tmp_path, "forms.yaml") as client:
        as_body = client.post("/messages", content=deep, headers={"Content-Type": "application/json"})
        as_part = client.post("/messages", data={"strategy": deep}, files={"files[0]": b"x"})
    for answer in (as_body, as_part):
        assert answer.status_code == 400, answer.text
        assert "too deeply" in answer.json()["detail"]

"""Answers in the shape the spec gives them where it differs from what was written.

A property written as one type and answered as another (xero-projects: ``estimateAmount`` is a
number in the create body and an ``Amount`` object in the project) or as an object missing what
the answer requires (box's ``parent``) is answered in the answer's shape after every write, the
other properties as written; a delete with its own schema (openai's deletion status) answers it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from run_generated import generate_document, import_generated_app, mock_client

AMOUNT = {
    "type": "object",
    "required": ["currency", "value"],
    "properties": {"currency": {"type": "string", "enum": ["AUD", "EUR"]}, "value": {"type": "number"}},
}
WRITE = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "estimate": {"type": "number"}, "hours": {"type": "integer"}},
}
PROJECT = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "name": {"type": "string"},
        "estimate": {"$ref": "#/components/schemas/Amount"},
        "hours": {"type": "number"},
    },
}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref(name)}}}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Projects", "version": "1"},
    "paths": {
        "/projects": {
            "post": {
                "requestBody": {"required": True, **body("Write")},
                "responses": {"201": {"description": "c", **body("Project")}},
            },
        },
        "/projects/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
            ],
            "get": {"responses": {"200": {"description": "ok", **body("Project")}}},
            "put": {
                "requestBody": {"required": True, **body("Write")},
                "responses": {"200": {"description": "u", **body("Project")}},
            },
        },
    },
    "components": {"schemas": {"Amount": AMOUNT, "Write": WRITE, "Project": PROJECT}},
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("reshaped")
    with mock_client(SPEC, root, "projects.yaml") as test_client:
        yield test_client


def valid_project(answer: Any) -> None:
    jsonschema.validate(answer, {**PROJECT, "components": SPEC["components"]})


def test_every_write_is_answered_in_the_answers_shape(client: Any) -> None:
    created = client.post("/projects", json={"name": "a", "estimate": 12.5, "hours": 3})
    assert created.status_code == 201
    project = created.json()
    valid_project(project)
    assert (project["name"], project["hours"]) == ("a", 3)
    assert isinstance(project["estimate"], dict)
    replaced = client.put(f"/projects/{project['id']}", json={"name": "b", "estimate": 7})
    assert replaced.status_code == 200
    valid_project(replaced.json())
    read = client.get(f"/projects/{project['id']}").json()
    valid_project(read)
    assert read["name"] == "b"


def test_a_property_not_sent_is_not_made_up(client: Any) -> None:
    project = client.post("/projects", json={"name": "c"}).json()
    valid_project(project)
    assert "estimate" not in project


def test_a_required_reshaped_property_is_answered_when_not_written(tmp_path: Path) -> None:
    # discord's default_member_permissions: an integer written, a string answered, always answered.
    required = {
        **SPEC,
        "components": {
            "schemas": {
                **SPEC["components"]["schemas"],
                "Project": {**PROJECT, "required": ["id", "name", "estimate"]},
            }
        },
    }
    with mock_client(required, tmp_path, "projects.yaml") as projects:
        answer = projects.post("/projects", json={"name": "c"}).json()
    assert isinstance(answer["estimate"], dict)


def test_a_create_without_its_optional_body_is_answered_with_what_the_answer_requires(
    tmp_path: Path,
) -> None:
    # openai's POST /containers: `name` is required in a body the request may leave out.
    optional_body = {
        **SPEC,
        "paths": {
            **SPEC["paths"],
            "/projects": {"post": {**SPEC["paths"]["/projects"]["post"], "requestBody": body("Write")}},
        },
    }
    with mock_client(optional_body, tmp_path, "projects.yaml") as projects:
        bodiless = projects.post("/projects")
        assert bodiless.status_code == 201
        valid_project(bodiless.json())
        sent = projects.post("/projects", json={"name": "kept"}).json()
    assert sent["name"] == "kept"


def test_only_a_change_of_json_type_is_reshaped(tmp_path: Path) -> None:
    # integer written, number answered is one JSON type for this purpose: `hours` is kept.
    mock_dir, _, package = generate_document(SPEC, tmp_path, "projects.yaml")
    namespace: dict[str, Any] = {}
    exec((mock_dir / package / "resources.py").read_text(encoding="utf-8"), namespace)
    (resource,) = namespace["RESOURCES"].values()
    assert [(f.name, f.kind) for f in resource.server_fields if f.kind == "reshaped"] == [
        ("estimate", "reshaped")
    ]


MINI = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {"id": {"type": "string"}, "type": {"type": "string", "enum": ["folder"]}},
}
PARENT_SENT = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
FOLDERS = {
    "openapi": "3.1.0",
    "info": {"title": "Folders", "version": "1"},
    "paths": {
        "/folders": {
            "post": {
                "requestBody": {"required": True, **body("FolderWrite")},
                "responses": {"201": {"description": "c", **body("Folder")}},
            }
        },
        "/folders/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", **body("Folder")}}},
        },
    },
    "components": {
        "schemas": {
            "Mini": MINI,
            "FolderWrite": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "parent": PARENT_SENT,
                    "tags": {"type": "array", "items": PARENT_SENT},
                },
            },
            "Folder": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string"},
                    "parent": {"anyOf": [{"$ref": "#/components/schemas/Mini"}, {"type": "null"}]},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Mini"}},
                },
            },
        }
    },
}


def test_a_sent_object_gets_the_properties_its_answer_requires(tmp_path: Path) -> None:
    # box's folders: `parent: {"id"}` written, a folder with its `type` answered (3.1, `anyOf` null).
    with mock_client(FOLDERS, tmp_path, "folders.yaml") as folders:
        sent = {"name": "a", "parent": {"id": "p1"}, "tags": [{"id": "t1"}, {"id": "t2"}]}
        created = folders.post("/folders", json=sent)
        assert created.status_code == 201
        read = folders.get(f"/folders/{created.json()['id']}").json()
    jsonschema.validate(read, {"$ref": "#/components/schemas/Folder", "components": FOLDERS["components"]})
    assert read["parent"] == {"id": "p1", "type": "folder"}
    assert [tag["id"] for tag in read["tags"]] == ["t1", "t2"]


DELETED = {
    "type": "object",
    "required": ["id", "object", "deleted"],
    "properties": {
        "id": {"type": "string"},
        "object": {"type": "string", "enum": ["assistant.deleted"]},
        "deleted": {"type": "boolean"},
    },
}
ASSISTANT = {
    "type": "object",
    "required": ["id", "object", "name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "object": {"type": "string", "enum": ["assistant"]},
        "name": {"type": "string"},
    },
}
ASSISTANTS = {
    "openapi": "3.0.3",
    "info": {"title": "Assistants", "version": "1"},
    "paths": {
        "/assistants": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "c", **body("Assistant")}},
            }
        },
        "/assistants/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", **body("Assistant")}}},
            "delete": {"responses": {"200": {"description": "gone", **body("Deleted")}}},
        },
    },
    "components": {"schemas": {"Assistant": ASSISTANT, "Deleted": DELETED}},
}


def test_a_delete_with_its_own_schema_answers_it_with_the_items_id(tmp_path: Path) -> None:
    with mock_client(ASSISTANTS, tmp_path, "assistants.yaml") as assistants:
        created = assistants.post("/assistants", json={"name": "a"}).json()
        gone = assistants.delete(f"/assistants/{created['id']}")
        assert gone.status_code == 200
        assert gone.json() == {"id": created["id"], "object": "assistant.deleted", "deleted": True}
        assert assistants.get(f"/assistants/{created['id']}").status_code == 404


VARIABLE = {"type": "object", "properties": {"key": {"type": "string"}, "value": {"type": "string"}}}
VARIABLES = {"type": "array", "items": {"$ref": "#/components/schemas/Variable"}}
ENV = {
    "openapi": "3.0.3",
    "info": {"title": "Env", "version": "1"},
    "paths": {
        "/env": {
            "get": {
                "responses": {
                    "200": {"description": "l", "content": {"application/json": {"schema": VARIABLES}}}
                }
            },
            "post": {
                "requestBody": {"required": True, "content": {"application/json": {"schema": VARIABLES}}},
                "responses": {
                    "201": {"description": "c", "content": {"application/json": {"schema": VARIABLES}}}
                },
            },
        },
        "/env/{key}": {
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", **body("Variable")}}},
        },
    },
    "components": {"schemas": {"Variable": VARIABLE}},
}


def test_a_create_of_a_list_stores_and_answers_each_item(tmp_path: Path) -> None:
    # netlify's POST /accounts/{account_id}/env takes and answers a list of variables.
    with mock_client(ENV, tmp_path, "env.yaml") as env:
        created = env.post("/env", json=[{"key": "A", "value": "1"}, {"key": "B", "value": "2"}])
        assert created.status_code == 201
        assert created.json() == [{"key": "A", "value": "1"}, {"key": "B", "value": "2"}]
        assert env.get("/env/B").json() == {"key": "B", "value": "2"}
        assert [v["key"] for v in env.get("/env").json()] == ["A", "B"]


HOOK = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "site_id": {"type": "string"},
        "event": {"type": "string"},
    },
}
SITE_ID = {"name": "site_id", "in": "query", "required": True, "schema": {"type": "string"}}
HOOKS = {
    "openapi": "3.0.3",
    "info": {"title": "Hooks", "version": "1"},
    "paths": {
        "/hooks": {
            "get": {
                "parameters": [SITE_ID],
                "responses": {
                    "200": {
                        "description": "l",
                        "content": {"application/json": {"schema": {"type": "array", "items": HOOK}}},
                    }
                },
            },
            "post": {
                "parameters": [{**SITE_ID, "required": False}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": HOOK}}},
                "responses": {"201": {"description": "c", "content": {"application/json": {"schema": HOOK}}}},
            },
        },
        "/hooks/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": HOOK}}}}
            },
        },
    },
}


def test_a_create_scoped_by_a_query_parameter_is_listed_in_that_scope(tmp_path: Path) -> None:
    # netlify's POST /hooks?site_id=...: the hook belongs to that site, GET /hooks?site_id lists it.
    mock_dir, suite_dir, package = generate_document(HOOKS, tmp_path, "hooks.yaml")
    with import_generated_app(mock_dir, package).create_app().test_client() as hooks:
        created = hooks.post("/hooks?site_id=s1", json={"event": "deploy"}).json()
        assert created["site_id"] == "s1"
        kept = hooks.post("/hooks?site_id=s1", json={"event": "x", "site_id": "s2"}).json()
        assert kept["site_id"] == "s2"
        assert [h["id"] for h in hooks.get("/hooks?site_id=s1").json()] == [created["id"]]
    assert "'filters': ['site_id']" in (suite_dir / "test_resources.py").read_text(encoding="utf-8")


ROLE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
}
ASSIGNMENT = {
    "type": "object",
    "required": ["object", "role"],
    "properties": {
        "object": {"type": "string", "enum": ["group.role"]},
        "id": {"type": "string"},
        "name": {"type": "string", "maxLength": 3},
        "role": ROLE,
    },
}
ROLES = {
    "openapi": "3.0.3",
    "info": {"title": "Roles", "version": "1"},
    "paths": {
        "/roles": {
            "get": {
                "responses": {
                    "200": {
                        "description": "l",
                        "content": {"application/json": {"schema": {"type": "array", "items": ref("Role")}}},
                    }
                }
            },
            "post": {
                "requestBody": {"required": True, **body("Role")},
                "responses": {"200": {"description": "c", **body("Assignment")}},
            },
        },
        "/roles/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", **body("Role")}}},
            "put": {
                "requestBody": {"required": True, **body("Role")},
                "responses": {
                    "200": {
                        "description": "u",
                        "content": {"application/json": {"schema": {"type": "array", "items": ref("Role")}}},
                    }
                },
            },
        },
    },
    "components": {"schemas": {"Role": ROLE, "Assignment": ASSIGNMENT}},
}


def test_a_write_answers_its_own_schema_with_the_item_fields_that_fit_it(tmp_path: Path) -> None:
    # openai's POST /organization/groups/{id}/roles answers a role assignment, not the role; a
    # property the answer narrows (`name`, maxLength 3) is not copied from the item; an update
    # answering a list of items answers the item in one (netlify's POST /{account}/members).
    with mock_client(ROLES, tmp_path, "roles.yaml") as roles:
        created = roles.post("/roles", json={"name": "a long name"})
        assert created.status_code == 200
        answer = created.json()
        jsonschema.validate(answer, {**ASSIGNMENT, "components": ROLES["components"]})
        assert answer["object"] == "group.role"
        assert answer.get("name") != "a long name"
        item_id = created.headers["Location"].rsplit("/", 1)[-1]
        assert answer["id"] == item_id
        assert roles.get(f"/roles/{item_id}").json() == {"id": item_id, "name": "a long name"}
        updated = roles.put(f"/roles/{item_id}", json={"name": "b"})
        assert updated.json() == [{"id": item_id, "name": "b"}]


FOOTER_SENT = {"type": "object", "properties": {"text": {"type": "string", "nullable": True}}}
FOOTER = {"type": "object", "properties": {"text": {"type": "string"}}}
MESSAGES = {
    "openapi": "3.0.3",
    "info": {"title": "Messages", "version": "1"},
    "paths": {
        "/messages": {
            "post": {
                "requestBody": {"required": True, **body("MessageWrite")},
                "responses": {"200": {"description": "c", **body("Message")}},
            }
        },
        "/messages/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", **body("Message")}}},
        },
    },
    "components": {
        "schemas": {
            "MessageWrite": {
                "type": "object",
                "properties": {
                    "content": {"type": "string"},
                    "kind": {"type": "string"},
                    "footer": FOOTER_SENT,
                },
            },
            "Message": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "content": {"type": "string"},
                    "kind": {"type": "string", "enum": ["rich", "video"]},
                    "footer": FOOTER,
                },
            },
        }
    },
}


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        (
            {"content": "a", "kind": "video", "footer": {"text": "f"}},
            {"content": "a", "kind": "video", "footer": {"text": "f"}},
        ),
        ({"content": "a", "kind": "other", "footer": {"text": None}}, {"content": "a", "kind": "rich"}),
    ],
    ids=["passes-its-answer-schema", "refused-by-it"],
)
def test_a_written_value_its_answer_schema_refuses_is_not_answered(
    tmp_path: Path, sent: dict[str, Any], answered: dict[str, Any]
) -> None:
    # discord's message `embeds`: written as request embeds (nullable texts), answered as response
    # embeds (no null); a value of another schema is kept when the answer's schema takes it.
    with mock_client(MESSAGES, tmp_path, "messages.yaml") as messages:
        created = messages.post("/messages", json=sent)
        assert created.status_code == 200, created.text
        item_id = created.json()["id"]
        read = messages.get(f"/messages/{item_id}").json()
    jsonschema.validate(read, {"$ref": "#/components/schemas/Message", "components": MESSAGES["components"]})
    assert read == {"id": item_id, **answered}


def test_a_written_value_holding_a_nested_write_only_property_is_not_answered(tmp_path: Path) -> None:
    # box's sign requests: each signer's `password` is writeOnly; an answer never shows it.
    signer = {
        "type": "object",
        "properties": {"email": {"type": "string"}, "password": {"type": "string", "writeOnly": True}},
    }
    answered = {
        "allOf": [ref("Signer"), {"type": "object", "properties": {"has_viewed": {"type": "boolean"}}}]
    }
    spec = {
        **MESSAGES,
        "components": {
            "schemas": {
                "Signer": signer,
                "MessageWrite": {
                    "type": "object",
                    "properties": {"signers": {"type": "array", "items": ref("Signer")}},
                },
                "Message": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "signers": {"type": "array", "items": answered},
                    },
                },
            }
        },
    }
    with mock_client(spec, tmp_path, "signers.yaml") as messages:
        kept = messages.post("/messages", json={"signers": [{"email": "a@example.com"}]}).json()
        hidden = messages.post(
            "/messages", json={"signers": [{"email": "b@example.com", "password": "p"}]}
        ).json()
    assert kept["signers"] == [{"email": "a@example.com"}]
    assert "password" not in str(hidden)


def rule(kind: int, written: str, answered: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A write and an answer branch of a rule union whose `trigger_type` is ``kind``."""
    tag = {"type": "integer", "enum": [kind]}
    meta = {
        "type": "object",
        "required": [answered],
        "properties": {answered: {"type": "array", "items": {"type": "string"}}},
    }
    write = {
        "type": "object",
        "required": ["name", "trigger_type", "meta"],
        "properties": {"name": {"type": "string"}, "trigger_type": tag, "meta": {"type": "object"}},
    }
    answer = {
        "type": "object",
        "required": ["id", "name", "trigger_type", "meta"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "trigger_type": tag,
            "meta": meta,
        },
    }
    return write, answer


RULES = [rule(1, "keywords", "keyword_filter"), rule(6, "profile", "regex_patterns")]
RULE_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Rules", "version": "1"},
    "paths": {
        "/rules": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"oneOf": [w for w, _ in RULES]}}},
                },
                "responses": {
                    "201": {
                        "description": "c",
                        "content": {"application/json": {"schema": {"oneOf": [a for _, a in RULES]}}},
                    }
                },
            },
        },
        "/rules/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"oneOf": [a for _, a in RULES]}}},
                    }
                }
            },
        },
    },
}


@pytest.mark.parametrize("kind", [1, 6])
def test_each_branch_of_a_tagged_union_is_answered_in_its_own_shape(tmp_path: Path, kind: int) -> None:
    # discord's auto-moderation rules: `trigger_type` 6 answers its own `trigger_metadata`.
    with mock_client(RULE_SPEC, tmp_path, "rules.yaml") as rules:
        created = rules.post("/rules", json={"name": "r", "trigger_type": kind, "meta": {"x": "kept"}})
        assert created.status_code == 201
        read = rules.get(f"/rules/{created.json()['id']}").json()
    jsonschema.validate(read, {"oneOf": [a for _, a in RULES]})
    assert read["trigger_type"] == kind
    assert read["meta"]["x"] == "kept"


def branch(kind: str, field: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "kind", field],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "kind": {"type": "string", "enum": [kind]},
            field: {"type": "string", "minLength": 2},
        },
    }


ENTRY = {"oneOf": [branch("note", "text"), branch("link", "url")]}
ENTRIES = {
    "openapi": "3.0.3",
    "info": {"title": "Entries", "version": "1"},
    "paths": {
        "/entries": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"kind": {"type": "string"}, "url": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {"description": "c", "content": {"application/json": {"schema": ENTRY}}}
                },
            },
            "get": {
                "responses": {
                    "200": {
                        "description": "l",
                        "content": {"application/json": {"schema": {"type": "array", "items": ENTRY}}},
                    }
                }
            },
        },
        "/entries/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": ENTRY}}}
                }
            },
        },
    },
}


def test_a_stored_item_its_union_refuses_is_answered_as_a_valid_one(tmp_path: Path) -> None:
    # openai's conversation items: what a create writes maps onto none of the item's branches.
    with mock_client(ENTRIES, tmp_path, "entries.yaml") as entries:
        kept = entries.post("/entries", json={"kind": "link", "url": "https://a"})
        replaced = entries.post("/entries", json={"kind": "other", "url": "x"})
        listed = entries.get("/entries").json()
        read = entries.get(f"/entries/{replaced.json()['id']}").json()
    assert kept.status_code == replaced.status_code == 201
    assert kept.json()["url"] == "https://a"  # an item that passes is stored as written
    for answer in (kept.json(), replaced.json(), read, *listed):
        jsonschema.validate(answer, ENTRY)
    assert read["id"] == replaced.json()["id"]
    assert len(listed) == 2

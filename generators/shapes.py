"""Answers in the shape the spec gives them where it differs from what the client wrote.

Real specs write a property in one shape and answer it in another: xero-projects writes
``estimateAmount`` as a number and answers an ``Amount`` object; box writes ``parent`` as
``{"id"}`` and answers a folder with its ``type``; openai answers a delete with a deletion
status instead of the item. A store that answered what was written would break the answer's
schema, so the generator works out here how each write is reshaped (a
:class:`~mockserver.generic.ServerField` of kind ``reshaped``, ``completed`` or
``completed_each``) and what a write answers whose schema is another object than the item
(openai's role assignments, its deletion statuses: the answer's minimal valid instance with the
item properties that :func:`fits` it) or a list of items (netlify's members); the values are
minimal valid instances of the answer's schema, and where none can be built the item is answered
as written.
"""

from __future__ import annotations

from typing import Any

from generators.schemas import Schemas
from generators.served import null_only, single_value
from mockserver.generic import ServerField
from mockserver.generic.spec import ServerFieldKind

# Keys that describe a schema without changing what it accepts.
NOTES = frozenset({"description", "title", "example", "examples", "externalDocs", "deprecated", "xml"})
# Keys that narrow a scalar: a property so narrowed in the answer is not copied from the item.
NARROWING = frozenset(
    {
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    }
)
SCALARS = ("string", "integer", "number", "boolean")
# Keys that combine schemas: a property so written or answered is not shown to fit by its `type`
# (box's max_extension_length: "none", a digit string or an integer written, a string answered).
COMPOSED = frozenset({"oneOf", "anyOf", "allOf", "not"})


def own_answer(
    schemas: Schemas, success: str | None, item_schema: str, stored: set[str], kind: str
) -> tuple[Any, tuple[str, ...]] | None:
    """What a create, update or delete answers when the spec gives it another object schema than
    the item's and a stored item could fail it (openai's ``POST /organization/groups/{id}/roles``
    answers a ``GroupRoleAssignment``, its delete a deletion status): the answer schema's minimal
    valid instance, and the item properties copied into it (those the two schemas give the same
    schema). None: the item itself is answered. ``stored`` names the properties every stored item
    has (the item's required ones, those the server fills in)."""
    if success is None or schemas.node(success)[1] == schemas.node(item_schema)[1]:
        return None
    if schemas.type_of(success) != "object":
        return None
    answered, item = schemas.view(success), schemas.view(item_schema)
    copied = tuple(
        sorted(
            p
            for p, (_, at) in answered.properties.items()
            if p in item.properties and fits(schemas, at, item.properties[p][1])
        )
    )
    closed = schemas.node(success)[0].get("additionalProperties") is False
    if (
        answered.required <= stored
        and set(copied) == set(answered.properties) & set(item.properties)
        and not (closed and set(item.properties) - set(answered.properties))
    ):
        return None  # every stored item passes the answer's schema: answer it, as the stores do
    value = schemas.minimal(success)
    if kind == "delete" and isinstance(value, dict) and value.get("deleted") is False:
        value = {**value, "deleted": True}  # the minimal boolean is false; a deletion says true
        if schemas.errors(success, value):
            value["deleted"] = False
    return None if schemas.errors(success, value) else (value, copied)


def fits(schemas: Schemas, answered_where: str, item_where: str, *, null_dropped: bool = False) -> bool:
    """Whether every value the item's property schema accepts passes the answer's: the same
    schema, or a scalar of the same JSON type that the answer does not narrow (nor refuse a
    ``null`` the item's takes, unless ``null_dropped``: the store drops a written top-level null)."""
    answered, answered_at = schemas.node(answered_where)
    stored, stored_at = schemas.node(item_where)
    if answered_at == stored_at or _bare(answered) == _bare(stored):
        return True
    kind = schemas.type_of(answered_where)
    if (
        kind not in SCALARS
        or NARROWING & answered.keys()
        or COMPOSED & (answered.keys() | stored.keys())
        or (not null_dropped and _nullable(stored) and not _nullable(answered))
    ):
        return False
    stored_kind = schemas.type_of(item_where)
    return stored_kind == kind or (kind, stored_kind) == ("number", "integer")


def answers_list(schemas: Schemas, success: str | None, item_schema: str) -> bool:
    """Whether a write of one item answers a list of items (netlify's ``POST /{account}/members``
    answers the account's members): an array whose items are the item schema."""
    if success is None or schemas.type_of(success) != "array":
        return False
    node, at = schemas.node(success)
    return "items" in node and schemas.node(f"{at}/items")[1] == schemas.node(item_schema)[1]


def _bare(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in NOTES and not k.startswith("x-")}


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        bool(schema.get("nullable"))
        or (isinstance(kind, list) and "null" in kind)
        or any(null_only(b) for key in ("oneOf", "anyOf") for b in schema.get(key, []) or [])
    )


def reshaping(schemas: Schemas, sent_where: str, answered_where: str) -> tuple[ServerFieldKind, str] | None:
    """How a property written at ``sent_where`` must change to be answered as ``answered_where``:

    - ``reshaped`` when it is written as one JSON type and answered as another (xero-projects'
      ``estimateAmount``: a number written, an ``Amount`` object answered);
    - ``completed`` when both are objects and the answer requires properties the write may leave
      out (box's ``parent``: ``{"id"}`` written, a folder with its ``type`` answered);
    - ``completed_each`` for arrays of such objects.

    With the pointer of the schema whose minimal instance fills in (None: answered as written).
    """
    sent, answered = schemas.type_of(sent_where), schemas.type_of(answered_where)
    if None in (sent, answered) or {sent, answered} <= {"integer", "number"}:
        return None
    if sent != answered:
        return "reshaped", answered_where
    if sent == "array":
        sent_node, sent_at = schemas.node(sent_where)
        answered_node, answered_at = schemas.node(answered_where)
        if "items" in sent_node and "items" in answered_node:
            if _missing_required(schemas, f"{sent_at}/items", f"{answered_at}/items"):
                return "completed_each", f"{answered_at}/items"
    elif sent == "object" and _missing_required(schemas, sent_where, answered_where):
        return "completed", answered_where
    return None


def _missing_required(schemas: Schemas, sent_where: str, answered_where: str) -> bool:
    """Whether both are object schemas and the answer requires a property the write may omit."""
    if schemas.type_of(sent_where) != "object" or schemas.type_of(answered_where) != "object":
        return False
    return bool(schemas.view(answered_where).required - schemas.view(sent_where).required)


def reshaped(schemas: Schemas, prop: str, how: tuple[ServerFieldKind, str]) -> ServerField | None:
    """The answer's own value for a property that cannot be answered as it was written; None when
    the generator cannot build a valid one (the property is then answered as written)."""
    kind, where = how
    value = schemas.minimal(where)
    return None if schemas.errors(where, value) else ServerField(prop, kind, value)


def tagged_branches(schemas: Schemas, where: str | None) -> tuple[str, list[tuple[Any, str]]] | None:
    """(tag, [(value, branch pointer)]) when the schema at ``where`` is a ``oneOf``/``anyOf`` of
    objects that one property tells apart, each branch allowing that property a single scalar
    value of its own (discord's auto-moderation rules: ``trigger_type`` 1, 3, 4, 5 or 6); the
    ``discriminator``'s property first where there are several. None otherwise."""
    if where is None:
        return None
    schema, resolved = schemas.node(where)
    preferred = (schema.get("discriminator") or {}).get("propertyName")
    for key in ("oneOf", "anyOf"):
        pointers = [
            f"{resolved}/{key}/{i}" for i, branch in enumerate(schema.get(key) or []) if not null_only(branch)
        ]
        views = [schemas.view(p) for p in pointers]
        if len(views) < 2 or not all(v.is_object for v in views):
            continue
        shared = set.intersection(*(set(v.properties) for v in views))
        for tag in sorted(shared, key=lambda name: (name != preferred, name)):
            values = [single_value(v.properties[tag][0]) for v in views]
            scalars = [(type(v), v) for v in values if isinstance(v, str | int | bool)]
            if len(scalars) == len(values) and len(set(scalars)) == len(values):
                return tag, list(zip(values, pointers, strict=True))
    return None

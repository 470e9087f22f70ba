"""Answers in the shape the spec gives them where it differs from what the client wrote.

Real specs write a property in one shape and answer it in another: xero-projects writes
``estimateAmount`` as a number and answers an ``Amount`` object; box writes ``parent`` as
``{"id"}`` and answers a folder with its ``type``; openai answers a delete with a deletion
status instead of the item. A store that answered what was written would break the answer's
schema, so the generator works out here how each write is reshaped (a
:class:`~mockserver.generic.ServerField` of kind ``reshaped``, ``completed`` or
``completed_each``) and what a delete answers; the values are minimal valid instances of the
answer's schema, and where none can be built the property is answered as written.
"""

from __future__ import annotations

from typing import Any

from generators.model import Operation
from generators.schemas import ObjectView, Schemas
from mockserver.generic import ServerField
from mockserver.generic.spec import ServerFieldKind


def delete_answer(schemas: Schemas, success: str | None, item_schema: str, deleted: Operation) -> Any:
    """What a delete answers when its schema is not the item's and the item would not pass it
    (openai's deletion status objects): the schema's minimal valid instance, else None."""
    if success is None or deleted.response_envelope is not None:
        return None
    if schemas.node(success)[1] == schemas.node(item_schema)[1]:
        return None
    answered, item = schemas.view(success), schemas.view(item_schema)
    if answered.required <= set(item.properties) and not _constants(answered):
        return None  # the deleted item itself can pass: answer it, as the stores do
    value = schemas.minimal(success)
    if isinstance(value, dict) and value.get("deleted") is False:
        value = {**value, "deleted": True}  # the minimal boolean is false; a deletion says true
        if schemas.errors(success, value):
            value["deleted"] = False
    return None if schemas.errors(success, value) else value


def _constants(view: ObjectView) -> bool:
    """Whether some property of ``view`` takes fixed values (an ``enum`` or ``const``)."""
    return any("enum" in schema or "const" in schema for schema, _ in view.properties.values())


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

"""A resource described as plain data: what a generated mock knows about one collection.

The generator computes these values from an OpenAPI document (``generators/model.py``)
and writes them into the generated project; :class:`mockserver.generic.store.ResourceStore`
serves them. Everything is immutable and JSON-like so it renders as a Python literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.ids import IdType
from mockserver.paging import ListShape, PagingSpec

ServerFieldKind = Literal[
    "self", "created", "updated", "constant", "reshaped", "completed", "completed_each", "checked"
]


@dataclass(frozen=True)
class FilterSpec:
    """A query parameter that filters a list by equality with an item property.

    ``param`` is the handler argument name, ``field`` the item property. When the
    parameter is an array, an item matches if its value is any of the given values; when
    the property is an array, an item matches if it contains the given value.
    """

    param: str
    field: str
    param_is_array: bool = False
    field_is_array: bool = False


@dataclass(frozen=True)
class ServerField:
    """A property the server fills in, not the client: its ``self`` URL, timestamps, defaults.

    ``created`` is set once when the item is created, ``updated`` on every write,
    ``constant`` to ``value`` when the client did not send the property. The spec may write a
    property in another shape than it answers it: ``reshaped`` sets a sent property to
    ``value``, ``completed`` adds the keys of ``value`` that a sent object lacks, and
    ``completed_each`` does so for each object of a sent array. ``checked`` keeps a sent value
    only when it passes the answer's schema at the JSON pointer ``where``
    (:mod:`mockserver.generic.checks`), else stores ``value`` (``None``: the property is dropped).
    """

    name: str
    kind: ServerFieldKind
    value: Any = None
    where: str | None = None


@dataclass(frozen=True)
class ResourceSpec:
    """One collection of items addressed by id, possibly nested under parent path parameters.

    ``parent_params`` are the path parameters of the collection path (``/owners/{ownerId}/pets``
    has ``("ownerId",)``); items are stored per parent. ``id_field`` is the body property that
    holds the id, or ``None`` when the id lives only in the path. ``client_ids`` allows a create
    request to choose the id by sending ``id_field``. ``write_only`` names properties that are
    stored but never answered (``writeOnly: true``, such as passwords); ``nullable`` those the
    item schema allows to be ``null`` (elsewhere a ``null`` in a request body means "absent").
    """

    name: str
    id_field: str | None
    id_type: IdType
    parent_params: tuple[str, ...] = ()
    client_ids: bool = False
    filters: tuple[FilterSpec, ...] = ()
    paging: PagingSpec = field(default_factory=PagingSpec)
    list_shape: ListShape = field(default_factory=ListShape)
    server_fields: tuple[ServerField, ...] = ()
    error_resource: str = "undefined"
    write_only: tuple[str, ...] = ()
    nullable: tuple[str, ...] = ()

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
class Variant:
    """The server fields of the items of one branch of a tagged union: those whose ``tag``
    property is ``value`` (discord's auto-moderation rule with ``trigger_type`` 6 answers the
    ``trigger_metadata`` of that branch). They replace the resource's own ``server_fields``;
    ``fallback`` replaces the resource's for these items (see :class:`ResourceSpec`)."""

    tag: str
    value: str | int | bool
    server_fields: tuple[ServerField, ...] = ()
    fallback: Any = None

    def holds(self, item: Any) -> bool:
        """Whether ``item`` belongs to this branch (``True`` is not ``1`` here)."""
        if not isinstance(item, dict) or self.tag not in item:
            return False
        have = item[self.tag]
        return type(have) is type(self.value) and have == self.value


@dataclass(frozen=True)
class ResourceSpec:
    """One collection of items addressed by id, possibly nested under parent path parameters.

    ``parent_params`` are the path parameters of the collection path (``/owners/{ownerId}/pets``
    has ``("ownerId",)``); items are stored per parent. ``id_field`` is the body property that
    holds the id, or ``None`` when the id lives only in the path. ``client_ids`` allows a create
    request to choose the id by sending ``id_field``. ``write_only`` names properties that are
    stored but never answered (``writeOnly: true``, such as passwords); ``nullable`` those the
    item schema allows to be ``null`` (elsewhere a ``null`` in a request body means "absent").
    ``variants`` give other server fields to the items of a tagged union's branches.
    ``item_where`` points at the answer schema of an item whose shape the generator cannot
    derive from the writes (a union, openai's conversation items): a stored item that fails it
    is replaced by ``fallback`` (a valid instance; its variant's, if it has one) with its id.
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
    variants: tuple[Variant, ...] = ()
    item_where: str | None = None
    fallback: Any = None

    def fields_of(self, item: Any) -> tuple[ServerField, ...]:
        """The server fields of ``item``: its union branch's, else the resource's own."""
        for variant in self.variants:
            if variant.holds(item):
                return variant.server_fields
        return self.server_fields

    def fallback_of(self, item: Any) -> Any:
        """The valid instance that replaces ``item`` when it fails ``item_where``."""
        for variant in self.variants:
            if variant.holds(item) and variant.fallback is not None:
                return variant.fallback
        return self.fallback

    def every_field(self) -> tuple[ServerField, ...]:
        """The resource's server fields and every variant's."""
        return (*self.server_fields, *(f for v in self.variants for f in v.server_fields))

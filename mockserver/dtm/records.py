"""The DTM's values: frozen records of asset models and instances, and the documents they answer.

A record never changes once stored: an update stores a new record under the same id (an
instance's ``children`` included), so a reader holding a record, or a shallow copy of the
store's mapping, sees one consistent state without holding the lock. The documents
(``*Doc``) are the JSON shapes of ``spec/dtm.yaml`` without ``self``, which only the HTTP edge
writes (:mod:`mockserver.http.links`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar, overload


class PropertyDoc(TypedDict, total=False):
    """A property definition of a model (``AssetProperty``)."""

    key: str
    label: str
    type: str
    required: bool
    default: Any
    values: list[str]
    target: str
    widget: dict[str, Any]


class SmartFunctionDoc(TypedDict):
    name: str
    expression: str


class AssetModelDoc(TypedDict, total=False):
    """``AssetModel`` as stored and answered, without ``self``."""

    id: str
    name: str
    description: str
    icon: str
    extends: str
    properties: list[PropertyDoc]
    allowedSubtypes: list[str]
    smartFunctions: list[SmartFunctionDoc]


class AssetInstanceDoc(TypedDict, total=False):
    """``AssetInstance`` as answered, without ``self``."""

    id: str
    modelId: str
    name: str
    description: str
    managedObjectId: str
    parent: str
    properties: dict[str, Any]
    children: list[str]
    computed: dict[str, Any]
    computedErrors: dict[str, str]
    activeAlarmsStatus: dict[str, int]


@dataclass(frozen=True)
class AssetModel:
    """A stored (valid) asset model; its property and function definitions are never handed out."""

    id: str
    name: str
    description: str | None = None
    icon: str | None = None
    extends: str | None = None
    properties: tuple[PropertyDoc, ...] = ()
    allowed_subtypes: tuple[str, ...] = ()
    smart_functions: tuple[SmartFunctionDoc, ...] = ()

    def document(self) -> AssetModelDoc:
        """The model as answered (fresh copies), fields in the order the spec lists them."""
        doc: AssetModelDoc = {"id": self.id, "name": self.name}
        if self.description is not None:
            doc["description"] = self.description
        if self.icon is not None:
            doc["icon"] = self.icon
        if self.extends is not None:
            doc["extends"] = self.extends
        doc["properties"] = copy.deepcopy(list(self.properties))
        doc["allowedSubtypes"] = list(self.allowed_subtypes)
        doc["smartFunctions"] = [
            SmartFunctionDoc(name=f["name"], expression=f["expression"]) for f in self.smart_functions
        ]
        return doc


@dataclass(frozen=True)
class InstanceDraft:
    """A checked instance before it is stored: no id, no children yet."""

    model_id: str
    name: str
    description: str | None
    managed_object_id: str | None
    parent: str | None
    properties: Mapping[str, Any]

    def under(self, parent: str | None) -> InstanceDraft:
        """The same draft with another parent (``dataclasses.replace`` is several times slower)."""
        return InstanceDraft(
            self.model_id, self.name, self.description, self.managed_object_id, parent, self.properties
        )


@dataclass(frozen=True)
class AssetInstance:
    """A stored asset instance, its direct children in the order they became children."""

    id: str
    model_id: str
    name: str
    description: str | None
    managed_object_id: str
    parent: str | None
    properties: Mapping[str, Any]
    children: tuple[str, ...] = ()

    def with_children(self, children: tuple[str, ...]) -> AssetInstance:
        """The same record with other children (a CSV import appends thousands of them)."""
        return AssetInstance(
            self.id,
            self.model_id,
            self.name,
            self.description,
            self.managed_object_id,
            self.parent,
            self.properties,
            children,
        )

    def header(self) -> AssetInstanceDoc:
        """The stored fields as answered (fresh copies); the caller adds the computed ones."""
        doc: AssetInstanceDoc = {"id": self.id, "modelId": self.model_id, "name": self.name}
        if self.description is not None:
            doc["description"] = self.description
        doc["managedObjectId"] = self.managed_object_id
        if self.parent is not None:
            doc["parent"] = self.parent
        doc["properties"] = copy.deepcopy(dict(self.properties))
        doc["children"] = list(self.children)
        return doc


U = TypeVar("U")
V = TypeVar("V")


class Rendered(Sequence[U]):
    """A read-only sequence that renders each item on access: a page renders only its items."""

    def __init__(self, items: Sequence[Any], render: Callable[[Any], U]) -> None:
        self._items = items
        self._render = render

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> U: ...
    @overload
    def __getitem__(self, index: slice) -> list[U]: ...
    def __getitem__(self, index: int | slice) -> U | list[U]:
        if isinstance(index, slice):
            return [self._render(item) for item in self._items[index]]
        return self._render(self._items[index])

    def then(self, present: Callable[[U], V]) -> Rendered[V]:
        """The same items, each also passed through ``present`` (the HTTP edge adds links)."""
        render = self._render
        return Rendered(self._items, lambda item: present(render(item)))

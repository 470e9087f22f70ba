"""An in-memory collection of items keyed by (parent path parameters, id).

One :class:`ResourceStore` per resource of a spec. It assigns ids of the spec's type, fills
server-side fields (``self``, timestamps), filters and pages lists, and raises
:class:`~mockserver.errors.NotFound` / :class:`~mockserver.errors.Conflict` for unknown or
duplicate ids. Callers pass the request URL; nothing here knows about HTTP.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mockserver.errors import NotFound
from mockserver.generic.spec import ResourceSpec
from mockserver.ids import IdFactory, id_key
from mockserver.paging import page_items

Key = tuple[str, ...]
RESHAPING = frozenset({"reshaped", "completed", "completed_each"})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ResourceStore:
    """The items of one resource, in insertion order, with the spec's id type."""

    def __init__(
        self,
        spec: ResourceSpec,
        seed: Sequence[Mapping[str, Any]] = (),
        checks: Mapping[str, Callable[[Any], bool]] | None = None,
    ) -> None:
        self.spec = spec
        self.checks = dict(checks or {})  # by schema pointer (mockserver.generic.checks)
        self.ids = IdFactory(spec.id_type)
        self._items: dict[Key, dict[str, Any]] = {}
        for item in seed:
            self.add_seed(item)

    # -- keys ---------------------------------------------------------------------------------
    def _parent(self, parent: Mapping[str, Any]) -> Key:
        return tuple(id_key(parent[name]) for name in self.spec.parent_params)

    def _key(self, parent: Mapping[str, Any], item_id: Any) -> Key:
        return (*self._parent(parent), id_key(item_id))

    def _lookup(self, parent: Mapping[str, Any], item_id: Any) -> dict[str, Any]:
        item = self._items.get(self._key(parent, item_id))
        if item is None:
            raise NotFound(
                f"Finding {self.spec.name} with id {item_id!r} failed: no such item exists.",
                resource=self.spec.error_resource,
            )
        return item

    # -- writes -------------------------------------------------------------------------------
    def add_seed(self, item: Mapping[str, Any], parent: Mapping[str, Any] | None = None) -> None:
        """Store an example from the spec as it is, keeping its id (a fresh one if it has none)."""
        body = copy.deepcopy(dict(item))
        field = self.spec.id_field
        item_id = body.get(field) if field else None
        if item_id is None:
            item_id = self.ids.next()
            if field:
                body[field] = item_id
        self.ids.observe(item_id)
        self._items[self._key(parent or {}, item_id)] = body

    def _stored(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A created or replacing body as stored: a top-level ``null`` means "absent" (as in JSON
        merge patch, RFC 7396), except for properties the item schema declares nullable."""
        keep = self.spec.nullable
        return {k: copy.deepcopy(v) for k, v in body.items() if v is not None or k in keep}

    def create(
        self, parent: Mapping[str, Any], body: Mapping[str, Any], *, collection_url: str
    ) -> dict[str, Any]:
        """Store a new item and return it with its id and server-side fields."""
        item = self._stored(body)
        field = self.spec.id_field
        if field and self.spec.client_ids and item.get(field) is not None and addressable(item[field]):
            # A client-chosen id that exists already replaces that item (an upsert): answering
            # 409 instead would make a stateful test's outcome depend on earlier test runs.
            item_id = item[field]
            self.ids.observe(item_id)
        else:
            item_id = self.ids.next()
        if field:
            item[field] = item_id
        item_url = f"{collection_url.rstrip('/')}/{item_id}"
        self._fill_server_fields(item, item_url=item_url, created=True)
        item = self._valid(item, item_id, item_url=item_url, created=True)
        self._items[self._key(parent, item_id)] = item
        return self._answer(item)

    def _valid(self, item: dict[str, Any], item_id: Any, *, item_url: str, created: bool) -> dict[str, Any]:
        """``item``, or its fallback with its id where it fails the checked item schema."""
        check = self.checks.get(self.spec.item_where or "")
        if check is None or check(self._answer(item)):
            return item
        fallback = self.spec.fallback_of(item)
        if not isinstance(fallback, dict):
            return item
        replaced = copy.deepcopy(fallback)
        if self.spec.id_field:
            replaced[self.spec.id_field] = item_id
        self._fill_server_fields(replaced, item_url=item_url, created=created)
        return replaced

    def _answer(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``item`` as answers show it: without its write-only properties."""
        hidden = self.spec.write_only
        return {k: copy.deepcopy(v) for k, v in item.items() if k not in hidden}

    def get(self, parent: Mapping[str, Any], item_id: Any) -> dict[str, Any]:
        """The item, or :class:`NotFound`."""
        return self._answer(self._lookup(parent, item_id))

    def update(
        self, parent: Mapping[str, Any], item_id: Any, body: Mapping[str, Any], *, item_url: str, merge: bool
    ) -> dict[str, Any]:
        """Replace the item's client fields (``merge=False``) or merge ``body`` into it (a ``null``
        value removes that property)."""
        current = self._lookup(parent, item_id)
        kept = {
            f.name: current[f.name]
            for f in self.spec.fields_of(current)
            if f.name in current and f.kind != "checked"
        }
        if merge:
            updated = {**current, **copy.deepcopy(dict(body))}
            updated = {k: v for k, v in updated.items() if v is not None}
        else:
            updated = {**kept, **self._stored(body)}
        if self.spec.id_field:
            updated[self.spec.id_field] = current.get(self.spec.id_field, item_id)
        self._fill_server_fields(updated, item_url=item_url, created=False)
        kept_id = updated.get(self.spec.id_field or "", item_id)
        updated = self._valid(updated, kept_id, item_url=item_url, created=False)
        current.clear()
        current.update(updated)
        return self._answer(current)

    def delete(self, parent: Mapping[str, Any], item_id: Any) -> dict[str, Any]:
        """Remove the item and return what it was; :class:`NotFound` if it does not exist."""
        item = self._lookup(parent, item_id)
        del self._items[self._key(parent, item_id)]
        return self._answer(item)

    def _fill_server_fields(self, item: dict[str, Any], *, item_url: str, created: bool) -> None:
        now = _now()
        for server_field in self.spec.fields_of(item):
            name, kind = server_field.name, server_field.kind
            if kind == "self":
                item[name] = item_url
            elif kind == "updated" or (kind == "created" and created):
                item[name] = now
            elif kind == "constant" and name not in item:
                item[name] = copy.deepcopy(server_field.value)
            elif kind in RESHAPING and name in item:
                item[name] = _reshaped(kind, server_field.value, item[name])
            elif (
                kind == "checked"
                and name in item
                and (check := self.checks.get(server_field.where or "")) is not None
                and not check(item[name])
            ):
                if server_field.value is None:
                    del item[name]
                else:
                    item[name] = copy.deepcopy(server_field.value)

    # -- reads --------------------------------------------------------------------------------
    def items(self, parent: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every item under ``parent``, oldest first."""
        prefix = self._parent(parent)
        return [item for key, item in self._items.items() if key[: len(prefix)] == prefix]

    def list(
        self,
        parent: Mapping[str, Any],
        args: Mapping[str, Any],
        *,
        url: str,
        query: Iterable[tuple[str, str]] = (),
    ) -> Any:
        """The list answer: items under ``parent`` matching every filter argument, paged and shaped."""
        selected = self.items(parent)
        for spec in self.spec.filters:
            wanted = args.get(spec.param)
            if wanted is None or wanted == []:
                continue
            selected = [
                item
                for item in selected
                if matches(
                    item,
                    spec.field,
                    wanted,
                    param_is_array=spec.param_is_array,
                    field_is_array=spec.field_is_array,
                )
            ]
        shown = [self._answer(item) for item in selected] if self.spec.write_only else selected
        return copy.deepcopy(
            page_items(shown, self.spec.paging, args, self.spec.list_shape, url=url, query=query)
        )


def addressable(item_id: Any) -> bool:
    """Whether a client-chosen id can name its item in a URL path: not blank, no ``/``, no control
    character, not ``.`` or ``..`` (which URL normalisation removes). Others get a server id."""
    if not isinstance(item_id, str):
        return True
    return (
        bool(item_id.strip())
        and item_id not in (".", "..")
        and "/" not in item_id
        and not any(ord(c) < 32 or ord(c) == 127 for c in item_id)
    )


def _reshaped(kind: str, value: Any, sent: Any) -> Any:
    """A sent property in the shape the answers give it (see :class:`ServerField`)."""
    if kind == "reshaped":
        return copy.deepcopy(value)
    if kind == "completed" and isinstance(sent, dict) and isinstance(value, dict):
        return {**copy.deepcopy(value), **sent}
    if kind == "completed_each" and isinstance(sent, list) and isinstance(value, dict):
        return [{**copy.deepcopy(value), **one} if isinstance(one, dict) else one for one in sent]
    return sent


def matches(
    item: Mapping[str, Any], field: str, wanted: Any, *, param_is_array: bool, field_is_array: bool
) -> bool:
    """Whether ``item[field]`` equals ``wanted`` (or any of them / contains it, for arrays)."""
    if field not in item:
        return False
    have = item[field]
    candidates = list(wanted) if param_is_array else [wanted]
    values = list(have) if field_is_array and isinstance(have, list) else [have]
    return any(_same(v, c) for v in values for c in candidates)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted or str(value).lower() == str(wanted).lower()
    if isinstance(value, int | float) and isinstance(wanted, int | float):
        return value == wanted
    return str(value) == str(wanted)

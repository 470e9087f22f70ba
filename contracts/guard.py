"""The safety guard: the one place that decides whether a request of the run may reach the target.

Every request the harness sends (the semantic suites, the state machines, cleanup, and every phase
of Schemathesis through :mod:`contracts.relay`) passes :class:`Guard` in the client's transport
(:mod:`contracts.transport`). The guard learns what the run created from the target's 2xx answers
to its own POSTs (:class:`Ownership`) and refuses, before anything is sent, any write that could
reach data the run did not create:

- a write to a path it does not know (and any method other than GET, HEAD, OPTIONS, POST, PUT and
  DELETE);
- a collection DELETE of measurements or alarms, or a bulk alarm update (PUT of the alarm
  collection), scoped neither by a ``source`` the run created nor by a ``type`` whose every
  comma-separated entry carries the run's unique prefix (and any with a source the run did not
  create);
- a PUT or DELETE of a managed object, measurement, alarm, asset model or asset instance the run
  did not create;
- a write that names, in its query, JSON body or CSV cells, a managed object, source, parent,
  model (by id or, in CSV, by name), base model, allowed subtype, reference target or referenced
  instance that the run did not create; a JSON body it cannot read (or with a key given twice);
- an identity write other than the run's own external ids (rules in :mod:`contracts.guard_identity`);
  a CSV device cell may name a managed object of the run's or an external id the run created;
- the Notification 2.0 writes that :mod:`contracts.guard_realtime` does not allow (subscriptions
  of other names or on others' managed objects, others' subscriptions deleted);
- a CSV import without a ``parent`` of the run's whose ``path`` starts at a name that is neither a
  root row above it in the file nor a name carrying the run's unique prefix.

A login (``POST /tenant/oauth``) and a logout (``POST /user/logout``) are sent: they open or end
only a session of their own and reach no data.

Paths are compared with repeated and trailing slashes folded (``/alarm/alarms//7`` is
``/alarm/alarms/7``, as the official clients spell it and the specs serve it). Reads are always
sent. A refusal is a reason sentence; the caller records it as a harness-side skip, never as a
failure of the target. Ids are what the specs say they are: digit strings (or JSON integers in
fuzzed bodies).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from contracts import guard_identity, guard_realtime
from contracts.ownership import DIGITS, Ownership

READS = frozenset({"GET", "HEAD", "OPTIONS"})
MO = "/inventory/managedObjects"
MEAS = "/measurement/measurements"
ALARMS = "/alarm/alarms"
MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"
IMPORTS = "/service/dtm/asset-imports"
ITEM = re.compile(
    r"^(?P<collection>/inventory/managedObjects|/measurement/measurements|/alarm/alarms|"
    r"/service/dtm/asset-models|/service/dtm/asset-instances)/(?P<id>[^/]+)$"
)
FAMILY = {
    MO: "managed object",
    MEAS: "measurement",
    ALARMS: "alarm",
    MODELS: "asset model",
    INSTANCES: "asset instance",
}
SCOPED_COLLECTION_WRITES = {("DELETE", MEAS), ("DELETE", ALARMS), ("PUT", ALARMS)}
# Login and logout change no data: a login opens a session of its own, a logout ends only the
# session the request itself carries (spec/tenant.yaml).
SESSION_WRITES = {("POST", "/tenant/oauth"), ("POST", "/user/logout")}
SLASHES = re.compile(r"/{2,}")
# Query parameters that name a resource when they appear on a write, and the family they name.
QUERY_REFERENCES = {
    "source": "managed object",
    "parent": "asset instance",
    "model": "asset model",
    "modelId": "asset model",
    "managedObjectId": "managed object",
}
# Inventory fragments that link a managed object to others (Cumulocity's reference collections).
MO_LINKS = (
    "childDevices",
    "childAssets",
    "childAdditions",
    "deviceParents",
    "assetParents",
    "additionParents",
)


class DuplicateKey(ValueError):
    """A JSON object names a key twice; the target may read either value."""


@dataclass(frozen=True)
class Outgoing:
    """One request about to be sent, as the guard sees it (path relative to the base URL)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    @classmethod
    def of(cls, method: str, path: str, query_string: str, body: bytes | None) -> Outgoing:
        pairs = tuple(parse_qsl(query_string, keep_blank_values=True))
        folded = SLASHES.sub("/", path)
        return cls(method.upper(), folded.rstrip("/") or folded, pairs, body)


@dataclass(frozen=True)
class Refusal:
    """A request the guard did not send, and why."""

    method: str
    path: str
    reason: str


def read_json(body: bytes | None) -> Any:
    """The JSON document of a body; raises ValueError when it is not JSON or repeats a key."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise DuplicateKey(key)
            out[key] = value
        return out

    if not body:
        return None
    return json.loads(body, object_pairs_hook=pairs)


def id_leaves(value: Any) -> Iterator[str]:
    """Every value inside ``value`` that could name a resource: digit strings and integers."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        yield str(value)
    elif isinstance(value, str):
        if DIGITS.match(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from id_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from id_leaves(item)


class Guard:
    """Decides on every request of the run (:meth:`refusal`) and learns from every answer (:meth:`learn`)."""

    def __init__(self, ownership: Ownership | None = None, prefix: str = "") -> None:
        self.ownership = ownership or Ownership()
        self.refused: list[Refusal] = []
        self.prefix = prefix
        """The run's unique name prefix (``ct<run id>``); a ``type`` that starts with it is the run's."""

    def owning_filter(self, query: tuple[tuple[str, str], ...]) -> bool:
        """Whether a collection query is scoped to the run: a source of its own, or types of its own.

        Alarm ``type`` is a comma-separated list: every entry of every ``type`` must carry the prefix.
        """
        types = [t for name, value in query if name == "type" for t in value.split(",") if t.strip()]
        return any(name == "source" for name, _ in query) or bool(
            self.prefix and types and all(t.startswith(self.prefix) for t in types)
        )

    def check(self, request: Outgoing) -> str | None:
        """The reason the request must not be sent (and it is recorded), or None to send it."""
        reason = self.refusal(request)
        if reason is not None:
            self.refused.append(Refusal(request.method, request.path, reason))
        return reason

    def refusal(self, request: Outgoing) -> str | None:
        """The reason the request must not be sent, or None when it cannot reach foreign data."""
        method, path = request.method, request.path
        if method in READS:
            return None
        where = f"{method} {path}"
        for name, value in request.query:
            family = QUERY_REFERENCES.get(name)
            if family and not self.ownership.owns(family, value):
                return f"{where} names {family} {value!r} (query {name}), which the run did not create."
        if (method, path) in SCOPED_COLLECTION_WRITES:
            if not self.owning_filter(request.query):
                return (
                    f"{where} has no source (or type) of the run's: it could "
                    f"{'delete' if method == 'DELETE' else 'update'} {FAMILY[path]}s the run did not create."
                )
            return None if method == "DELETE" else self.body_refusal(where, path, request.body, None)
        item = ITEM.match(path)
        if item and method in ("PUT", "DELETE"):
            family = FAMILY[item["collection"]]
            if not self.ownership.owns(family, item["id"]):
                return f"{where} targets {family} {item['id']!r}, which the run did not create."
            if method == "DELETE":
                return None
            return self.body_refusal(where, item["collection"], request.body, item["id"])
        if method == "POST" and path in (MO, MEAS, ALARMS, MODELS, INSTANCES):
            return self.body_refusal(where, path, request.body, None)
        if method == "POST" and path == IMPORTS:
            return self.csv_refusal(where, request)
        if path.startswith(guard_identity.IDENTITY + "/"):
            return guard_identity.refusal(
                method,
                path,
                owns_managed_object=lambda id: self.ownership.owns("managed object", id),
                owns_pair=lambda pair: pair in self.ownership.external_ids,
            )
        if path.startswith("/notification"):
            return guard_realtime.refusal(
                method,
                path,
                request.query,
                request.body,
                prefix=self.prefix,
                owns_managed_object=lambda id: self.ownership.owns("managed object", id),
                owns_subscription=self.ownership.subscriptions.__contains__,
            )
        if (method, path) in SESSION_WRITES:
            return None
        return f"{where} is a write the guard does not know: it cannot tell what it could reach."

    def body_refusal(self, where: str, collection: str, body: bytes | None, target: str | None) -> str | None:
        try:
            document = read_json(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return f"{where} has a body the guard cannot read as JSON ({exc}); it could name anything."
        if not isinstance(document, dict):
            return None
        for family, value, field_name in self.references(collection, document, target):
            for leaf in id_leaves(value):
                if not self.ownership.owns(family, leaf):
                    return f"{where} names {family} {leaf!r} ({field_name}), which the run did not create."
        return None

    def references(
        self, collection: str, document: dict[str, Any], target: str | None
    ) -> Iterator[tuple[str, Any, str]]:
        """(family, value, field) of every reference a JSON body of ``collection`` makes."""
        if collection == ALARMS:
            yield "managed object", document.get("source"), "source"
        elif collection == MEAS:
            items = document.get("measurements")
            for index, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict):
                    yield "managed object", item.get("source"), f"measurements[{index}].source"
            yield "managed object", document.get("source"), "source"
        elif collection == MO:
            for name in MO_LINKS:
                yield "managed object", document.get(name), name
        elif collection == MODELS:
            yield "asset model", document.get("extends"), "extends"
            yield "asset model", document.get("allowedSubtypes"), "allowedSubtypes"
            properties = document.get("properties")
            for index, prop in enumerate(properties if isinstance(properties, list) else []):
                if isinstance(prop, dict):
                    yield "asset model", prop.get("target"), f"properties[{index}].target"
        elif collection == INSTANCES:
            yield "asset model", document.get("modelId"), "modelId"
            yield "asset instance", document.get("parent"), "parent"
            yield "asset instance", document.get("children"), "children"
            yield "managed object", document.get("managedObjectId"), "managedObjectId"
            model = document.get("modelId")
            if model is None and target is not None:
                model = self.ownership.instance_models.get(target)
            values = document.get("properties")
            if isinstance(values, dict):
                keys = self.ownership.reference_keys(str(model)) if model is not None else set()
                for key in keys & set(values):
                    yield "asset instance", values[key], f"properties.{key}"

    def csv_refusal(self, where: str, request: Outgoing) -> str | None:
        body = (request.body or b"").decode("utf-8", "replace")
        rows = list(csv.reader(io.StringIO(body, newline="")))
        if not rows:
            return None
        header = [re.sub(r"\s*\(.*\)\s*$", "", cell) for cell in rows[0]]
        has_parent = any(name == "parent" for name, _ in request.query)
        roots: set[str] = set()
        for line, row in enumerate(rows[1:], start=2):
            cells = dict(zip(header, row, strict=False))
            model = self.ownership.model_named(cells.get("model", ""))
            if model is None:
                named = cells.get("model")
                return f"{where} line {line} names model {named!r}, which the run did not create."
            mo = cells.get("managedObjectId", "")
            external = (cells.get("externalIdType") or "c8y_Serial", mo)
            if (
                mo
                and not self.ownership.owns("managed object", mo)
                and external not in self.ownership.external_ids
            ):
                return f"{where} line {line} links managed object {mo!r}, which the run did not create."
            for key in self.ownership.reference_keys(model):
                value = cells.get(key, "")
                if value not in ("", "null") and not self.ownership.owns("asset instance", value):
                    return f"{where} line {line} references instance {value!r} ({key}), not the run's."
            path = cells.get("path", "")
            if not path:
                roots.add(cells.get("name", ""))
            elif not has_parent and not self.is_runs_name(path.split("/")[0], roots):
                return (
                    f"{where} line {line} has path {path!r} outside the file and no parent of the run's: "
                    "it could resolve to an instance the run did not create."
                )
        return None

    def is_runs_name(self, name: str, roots: set[str]) -> bool:
        """A root name that can only resolve to the run's: a root row above, or the run's prefix."""
        return name in roots or bool(self.prefix and name.startswith(self.prefix))

    def learn(self, request: Outgoing, status: int, body: bytes, location: str | None) -> None:
        """Record what a 2xx answer to one of the run's writes says the run now owns."""
        if not 200 <= status < 300 or request.method not in ("POST", "PUT"):
            return
        pair = guard_identity.learnt_pair(request.method, request.path, status, body)
        if pair is not None:
            self.ownership.external_ids.add(pair)
        try:
            answer = read_json(body)
        except (ValueError, UnicodeDecodeError):
            answer = None
        sent = self.sent_document(request)
        path = request.path
        if subscription := guard_realtime.created_subscription(request.method, path, status, body):
            self.ownership.subscriptions.add(subscription)
        if request.method == "POST" and path in FAMILY:
            new_id = location.rstrip("/").rsplit("/", 1)[-1] if location else None
            if new_id:
                self.ownership.add(FAMILY[path], new_id)
            if path == MEAS and isinstance(answer, dict) and isinstance(answer.get("measurements"), list):
                for item in answer["measurements"]:
                    if isinstance(item, dict):
                        self.ownership.add("measurement", item.get("id"))
            if isinstance(answer, dict):
                self.learn_item(path, answer, sent)
        elif request.method == "POST" and path == IMPORTS and isinstance(answer, dict):
            for instance in answer.get("assetInstances") or []:
                self.ownership.add("asset instance", instance)
        elif (item := ITEM.match(path)) and self.ownership.owns(FAMILY[item["collection"]], item["id"]):
            merged = answer if isinstance(answer, dict) else {}
            self.learn_item(item["collection"], {**merged, "id": item["id"]}, sent)

    @staticmethod
    def sent_document(request: Outgoing) -> Any:
        try:
            return read_json(request.body)
        except (ValueError, UnicodeDecodeError):
            return None

    def learn_item(self, collection: str, answer: dict[str, Any], sent: Any) -> None:
        item_id = str(answer.get("id", ""))
        if not DIGITS.match(item_id):
            return
        self.ownership.add(FAMILY[collection], item_id)
        document = {**(sent if isinstance(sent, dict) else {}), **answer}
        if collection == MODELS:
            if isinstance(document.get("name"), str):
                self.ownership.model_names[item_id] = document["name"]
            properties = document.get("properties")
            self.ownership.model_references[item_id] = {
                str(p.get("key"))
                for p in (properties if isinstance(properties, list) else [])
                if isinstance(p, dict) and p.get("type") == "REFERENCE"
            }
            if isinstance(document.get("extends"), str):
                self.ownership.model_bases[item_id] = document["extends"]
        elif collection == INSTANCES:
            if document.get("modelId") is not None:
                self.ownership.instance_models[item_id] = str(document["modelId"])
            if document.get("managedObjectId") is not None:
                self.ownership.add("managed object", document["managedObjectId"])

"""Seed files: a JSON or YAML document of initial data for the mock's stores.

Format (every section optional)::

    users:            [{tenant?, username, password, roles?}]     # added to the directory
    tokens:           {token: "tenant/user" or "user"}
    managedObjects:   [{id?, name?, type?, ...fragments}]          # id: digits, kept as given
    measurements:     [{time, type, source: {id}, ...fragments}]   # validated like a POST
    alarms:           [{source: {id}, type, text, severity, time, status?, ...}]  # POSTed in order
    assetModels:      [...]                                        # handed to the DTM store
    assetInstances:   [...]
    tenants:          {t200: {managedObjects: [...], measurements: [...], ...}}   # another tenant's data

The data sections fill the stores of the default tenant (``t100``); ``tenants`` holds, per tenant
id, a document of the same data sections (no ``users``, ``tokens`` or ``tenants``) for that
tenant's own stores (every tenant's data is its own; see spec/tenant.yaml). Its users are
configured in ``users`` with their ``tenant``.

Sections load in that order, so measurements and alarms may name managed objects of the same file
by id. Alarms are raised one after the other, so a later alarm of an open one's source and type is
counted on it (de-duplication), as a POST would be.
Any invalid entry stops loading with :class:`SeedError` naming the section and index
(``managedObjects[2]``) and what was wrong. Used by ``--seed FILE``, ``POST /_mock/reset``
and ``POST /_mock/seed``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mockserver.alarms import AlarmStore
from mockserver.dtm.store import DtmStore
from mockserver.errors import MockError, ValidationError
from mockserver.ids import is_server_id
from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementStore
from mockserver.users import UserDirectory, UsersFileError, parse_user

DATA_SECTIONS = ("managedObjects", "measurements", "alarms", "assetModels", "assetInstances")
SECTIONS = ("users", "tokens", *DATA_SECTIONS, "tenants")
SEED_OWNER = "admin"


@dataclass(frozen=True)
class SeedStores:
    """The stores a seed document fills, one per section family."""

    users: UserDirectory
    inventory: InventoryStore
    measurements: MeasurementStore
    alarms: AlarmStore
    dtm: DtmStore


class SeedError(ValidationError):
    """A seed document, or one of its entries, is not valid; the message names the entry.

    A 422 ``mock/validationError`` when it reaches the admin endpoints.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, resource="mock")


def parse_seed_text(text: str | bytes, *, source: str = "the seed") -> dict[str, Any]:
    """Parse JSON or YAML text into a seed document and check its top-level shape."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SeedError(f"{source} is not UTF-8 text (byte {exc.start}).") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except RecursionError:
        raise SeedError(f"{source} nests too deeply to be a seed document.") from None
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SeedError(f"{source} is neither valid JSON nor valid YAML: {exc}") from None
        except RecursionError:
            raise SeedError(f"{source} nests too deeply to be a seed document.") from None
        except ValueError as exc:  # an integer longer than Python converts (4300 digits)
            raise SeedError(f"{source} holds a number that cannot be read: {exc}.") from None
    _refuse_unreadable_numbers(data, source)
    return check_seed(data, source=source)


MAX_INT_DIGITS = 4000


def _refuse_unreadable_numbers(data: Any, source: str) -> None:
    """SeedError for a number no JSON answer can carry: not finite, or an integer over 4000 digits
    (iterative, shared values visited once: a YAML alias bomb costs one visit per node)."""
    stack, seen = [data], set()
    while stack:
        node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            raise SeedError(f"{source} holds the number {node}; a seed holds finite numbers only.")
        if isinstance(node, int) and not isinstance(node, bool) and node.bit_length() > MAX_INT_BITS:
            raise SeedError(f"{source} holds an integer of more than {MAX_INT_DIGITS} digits.")
        if isinstance(node, dict | list) and id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)


MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219)  # log2(10) bits per digit


def read_seed_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"Cannot read seed file {path}: {exc.strerror or exc}.") from None
    return parse_seed_text(text, source=f"Seed file {path}")


def check_seed(data: Any, *, source: str = "the seed") -> dict[str, Any]:
    """The document if its top level is an object of known sections with the right types."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SeedError(
            f"{source} must be an object with sections {', '.join(SECTIONS)}; got {type(data).__name__}."
        )
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise SeedError(f"{source} has unknown sections {unknown}; expected some of {', '.join(SECTIONS)}.")
    for name in SECTIONS:
        if name not in data:
            continue
        expected: type = dict if name in ("tokens", "tenants") else list
        if not isinstance(data[name], expected):
            raise SeedError(
                f"Section {name} of {source} must be {'an object' if expected is dict else 'a list'}."
            )
        if expected is list:
            for index, entry in enumerate(data[name]):
                if not isinstance(entry, Mapping):
                    raise SeedError(f"{name}[{index}] of {source} must be an object, got {entry!r}.")
    for tenant, doc in data.get("tenants", {}).items():
        where = f"tenants.{tenant} of {source}"
        if not isinstance(doc, Mapping) or set(doc) - set(DATA_SECTIONS):
            raise SeedError(
                f"{where} must be an object with some of the sections {', '.join(DATA_SECTIONS)}."
            )
        check_seed(doc, source=where)
    return dict(data)


def _refuse_replacing_users(users: UserDirectory, data: Mapping[str, Any]) -> None:
    """A seed may add users and repeat one exactly, never change an existing user or token."""
    for index, entry in enumerate(data.get("users", [])):
        try:
            user = parse_user(entry, where=f"users[{index}]")
        except UsersFileError as exc:
            raise SeedError(f"Seed users: {exc}") from None
        known = users.find(user.tenant, user.username)
        if known is not None and known != user:
            raise SeedError(
                f"users[{index}] would replace the credentials or roles of the existing user "
                f"{user.tenant}/{user.username}; a seed never changes an existing user."
            )
    known_tokens = users.tokens()
    for token in data.get("tokens", {}):
        if str(token) in known_tokens:
            raise SeedError(f"tokens[{str(token)[:40]!r}] already exists; a seed never reassigns a token.")


def load_seed(state: SeedStores, data: Mapping[str, Any]) -> dict[str, int]:
    """Add a checked seed document to the stores; returns how many entries of each section loaded."""
    data = check_seed(data)
    loaded: dict[str, int] = {}
    if "users" in data or "tokens" in data:
        _refuse_replacing_users(state.users, data)
        try:
            state.users.load({"users": data.get("users", []), "tokens": data.get("tokens", {})})
        except UsersFileError as exc:
            raise SeedError(f"Seed users: {exc}") from None
        loaded["users"] = len(data.get("users", []))
    for index, entry in enumerate(data.get("managedObjects", [])):
        doc = dict(entry)
        preset = doc.pop("id", None)
        if preset is not None and not (isinstance(preset, str | int) and is_server_id(str(preset))):
            raise SeedError(f"managedObjects[{index}].id must be a string of digits, got {preset!r}.")
        try:
            state.inventory.create(doc, owner=SEED_OWNER, preset_id=None if preset is None else str(preset))
        except MockError as exc:
            raise SeedError(f"managedObjects[{index}]: {exc.message}") from None
    loaded["managedObjects"] = len(data.get("managedObjects", []))
    measurements = data.get("measurements", [])
    if measurements:
        try:
            state.measurements.create_many(list(measurements))
        except MockError as exc:
            raise SeedError(f"Seed measurements (entries are numbered from 0): {exc.message}") from None
    loaded["measurements"] = len(measurements)
    alarms = data.get("alarms", [])
    if alarms:
        try:
            state.alarms.create_many(list(alarms))
        except MockError as exc:
            raise SeedError(f"Seed alarms (entries are numbered from 0): {exc.message}") from None
    loaded["alarms"] = len(alarms)
    models, instances = data.get("assetModels", []), data.get("assetInstances", [])
    if models or instances:
        try:
            state.dtm.load_seed(models, instances)
        except MockError as exc:
            raise SeedError(f"Seed asset models/instances: {exc.message}") from None
        loaded["assetModels"], loaded["assetInstances"] = len(models), len(instances)
    return loaded

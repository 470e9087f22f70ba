"""The plain model the templates render: a spec reduced to resources, operations and links.

:func:`generators.infer.build_model` computes it; templates only read it. Every value is
plain data (strings, numbers, tuples, dicts), and the mock's runtime values are the
:mod:`mockserver.generic` dataclasses themselves so that what is rendered is what runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.generic import CannedResponses, ErrorShape, ResourceSpec

OperationKind = Literal["list", "create", "get", "update", "delete", "canned"]


@dataclass(frozen=True)
class Operation:
    """One operation and how the generated mock serves it.

    ``method_name`` is the handler method (the resolver's snake_case of ``operation_id``);
    ``resource`` names the :class:`Resource` for every kind but ``canned``; ``merge`` says
    whether an update merges the body into the stored item or replaces it; ``returns_body``
    whether the documented success response has a JSON body; the envelopes name the single
    property a request body or answer wraps the item in (``{"article": {...}}``); ``answer``
    the document a write answers when its schema is not the item's, with the item properties
    ``answer_fields`` copied in, ``answer_list`` that it answers the item in a list, ``bulk``
    whether a create takes and answers a list of items, ``query_fields`` the create's query
    parameters that name item properties, ``error_shape`` the body of its unknown-id answer where
    the spec gives that another schema than its other errors (see :class:`OperationSpec`).
    """

    operation_id: str
    method: str
    path: str
    kind: OperationKind
    method_name: str
    status: int
    resource: str | None = None
    id_arg: str | None = None
    parent_args: tuple[str, ...] = ()
    returns_body: bool = True
    merge: bool = False
    request_envelope: str | None = None
    response_envelope: str | None = None
    media_type: str | None = None
    not_found_status: int = 404
    answer: Any = None
    answer_fields: tuple[str, ...] = ()
    answer_list: bool = False
    bulk: bool = False
    query_fields: tuple[tuple[str, str], ...] = ()
    error_shape: ErrorShape | None = None


@dataclass(frozen=True)
class Resource:
    """A collection path and its item path, served by one store.

    ``spec`` is the runtime description the generated project passes to
    :class:`mockserver.generic.ResourceStore`; ``seed`` the spec's examples that validate
    against the item schema; ``skipped_examples`` the ones that did not, with the reason
    (listed in the generated README, never dropped silently); ``ignored_params`` the list's
    query parameters the mock does not interpret; ``probe`` a plain string property that
    updates may change (the contract suite writes it and reads it back), if there is one.
    """

    name: str
    collection_path: str
    item_path: str
    id_param: str
    spec: ResourceSpec
    seed: tuple[dict[str, Any], ...] = ()
    skipped_examples: tuple[str, ...] = ()
    ignored_params: tuple[str, ...] = ()
    envelope: str | None = None
    probe: str | None = None


@dataclass(frozen=True)
class Link:
    """An OpenAPI link the generator adds to a response that declares none."""

    source: str
    status: str
    name: str
    target: str
    parameters: dict[str, str]


@dataclass(frozen=True)
class Model:
    """Everything the templates need for one spec."""

    spec_name: str
    title: str
    package: str
    document: dict[str, Any]
    resources: tuple[Resource, ...]
    operations: tuple[Operation, ...]
    canned: CannedResponses
    error_shape: ErrorShape
    links: tuple[Link, ...] = ()
    notes: tuple[str, ...] = field(default=())
    # Operations that answer an unknown id with 404 although their spec documents no answer for
    # one: the contract suite's copy of the spec documents that 404 (marked `x-inferred`).
    undocumented_not_found: tuple[str, ...] = ()

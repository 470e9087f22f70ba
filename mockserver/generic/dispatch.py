"""One resource operation served against a store, as a pure function of its arguments.

A generated handler passes the operation's description (:class:`OperationSpec`), the
validated arguments Connexion hands it, and the request URL; :func:`serve` makes the one
call into the store and returns ``(body, status, headers)``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from mockserver.errors import NotFound, UnsupportedMediaType
from mockserver.generic.errorshape import ErrorShape, unknown_id
from mockserver.generic.store import ResourceStore

URL_SAFE = ":/?#[]@!$&'()*+,;=%"
Kind = Literal["list", "create", "get", "update", "delete"]


@dataclass(frozen=True)
class OperationSpec:
    """How one operation maps onto its resource's store.

    ``id_arg`` and ``parent_args`` are the handler arguments holding the item id and the parent
    path parameters; ``status`` is the documented success status; ``returns_body`` whether that
    answer has a body; ``merge`` whether an update merges (PATCH, partial PUT) or replaces;
    ``request_envelope`` / ``response_envelope`` the property wrapping the item in the request
    body / the answer (``{"article": {...}}``), if any; ``media_type`` the answer's Content-Type;
    ``not_found_status`` the status an unknown id gets (404 unless the spec documents another);
    ``answer`` the document a create, update or delete answers instead of the item when the spec
    gives the write its own schema (openai's ``{"id", "object": "assistant.deleted", "deleted":
    true}``), with the item's ``answer_fields`` copied in (its id, where the document has one);
    ``answer_list`` that a write of one item answers it in a list (netlify's ``POST
    /{account_slug}/members``); ``bulk`` that a create takes a list of items and answers the list
    created (netlify's ``POST /accounts/{account_id}/env``);
    ``query_fields`` the (argument, property) pairs of a create's query parameters that name an
    item property: a value sent so is stored where the body has none (``POST /hooks?site_id=``);
    ``error_shape`` the body of the unknown-id answer where the spec gives it its own schema
    (None: the spec's common error shape).
    """

    kind: Kind
    resource: str
    status: int
    id_arg: str | None = None
    parent_args: tuple[str, ...] = ()
    returns_body: bool = True
    merge: bool = False
    body_arg: str = "body"
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


def is_json_media(media_type: str) -> bool:
    """Whether a media type carries JSON (``application/json``, ``application/...+json``)."""
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or (base.startswith("application/") and base.endswith("+json"))


def serve(
    op: OperationSpec,
    store: ResourceStore,
    args: Mapping[str, Any],
    *,
    url: str,
    query: Iterable[tuple[str, str]] = (),
    content_type: str | None = None,
) -> tuple[Any, int, dict[str, str]]:
    """Serve ``op``; ``url`` is the request URL without its query, ``query`` its raw pairs,
    ``content_type`` the request body's media type (a store keeps JSON bodies only: others get 415)."""
    if op.kind in ("create", "update") and content_type and not is_json_media(content_type):
        raise UnsupportedMediaType(
            f"The mock stores JSON request bodies only; received {content_type.split(';')[0]!r}. "
            "Send the body as application/json.",
            resource=store.spec.error_resource,
        )
    try:
        return _serve(op, store, args, url=url, query=query)
    except NotFound as missing:
        return unknown_id(missing, op.not_found_status, op.error_shape)


def _serve(
    op: OperationSpec,
    store: ResourceStore,
    args: Mapping[str, Any],
    *,
    url: str,
    query: Iterable[tuple[str, str]],
) -> tuple[Any, int, dict[str, str]]:
    parent = {name: args[name] for name in op.parent_args}
    headers: dict[str, str] = {}
    sent = args.get(op.body_arg)
    sent = {} if sent is None else sent
    if op.request_envelope is not None and isinstance(sent, Mapping):
        sent = sent.get(op.request_envelope) or {}
    if op.kind == "create" and op.bulk and isinstance(sent, list):
        created = [store.create(parent, one, collection_url=url) for one in sent if isinstance(one, Mapping)]
        return _answer(op, created, headers)
    if op.kind == "create" and op.bulk and not sent:
        return _answer(op, [], headers)  # an optional list left out creates nothing (netlify's env)
    if not isinstance(sent, Mapping):
        sent = {}
    if op.kind == "create" and op.query_fields:
        scoped = {name: args[arg] for arg, name in op.query_fields if args.get(arg) is not None}
        sent = {**scoped, **sent}
    body: Any
    if op.kind == "list":
        body = store.list(parent, args, url=url, query=query)
    elif op.kind == "create":
        body = store.create(parent, sent, collection_url=url)
        if store.spec.id_field:
            # Header values are Latin-1: non-ASCII path segments travel percent-encoded.
            headers["Location"] = quote(f"{url.rstrip('/')}/{body[store.spec.id_field]}", safe=URL_SAFE)
    elif op.kind == "get":
        body = store.get(parent, args[op.id_arg or ""])
    elif op.kind == "update":
        body = store.update(parent, args[op.id_arg or ""], sent, item_url=url, merge=op.merge)
    else:
        body = store.delete(parent, args[op.id_arg or ""])
    if op.answer is not None:
        body = _own_answer(op.answer, body, op.answer_fields)
    elif op.answer_list:
        body = [body]
    return _answer(op, body, headers)


def _answer(op: OperationSpec, body: Any, headers: dict[str, str]) -> tuple[Any, int, dict[str, str]]:
    if not op.returns_body:
        # A bodiless answer names a media type only where Connexion needs one (several offered).
        return None, op.status, {**headers, **({"Content-Type": op.media_type} if op.media_type else {})}
    if op.response_envelope is not None:
        body = {op.response_envelope: body}
    if op.media_type is not None:
        headers["Content-Type"] = op.media_type
    return body, op.status, headers


def _own_answer(answer: Any, item: Mapping[str, Any], fields: tuple[str, ...]) -> Any:
    """``answer`` (the write's own document) with the item's values of ``fields`` in it."""
    if not isinstance(answer, dict):
        return copy.deepcopy(answer)
    return {**copy.deepcopy(answer), **{name: item[name] for name in fields if name in item}}

"""The operations of a spec as plain records: parameters, request body, success response.

This is the first pass of :func:`generators.infer.build_model`: it walks ``paths`` once,
follows ``$ref`` for path items, parameters, bodies and responses, and fails on what a
generated mock cannot serve (no operationId, no success response).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generators.errors import GenerationError, pointer
from generators.loader import Spec
from generators.operation_ids import synthesized_id
from mockserver.names import argument_name, snake_case

# Client errors that say something other than "no such item".
NOT_MISSING = frozenset({400, 401, 403, 405, 406, 409, 411, 413, 414, 415, 429})
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def is_json(media_type: str) -> bool:
    """Whether a media type carries JSON (``application/json``, ``...+json``)."""
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


@dataclass(frozen=True)
class Param:
    """A parameter: its spec name, the handler argument Connexion passes it as, its schema pointer."""

    name: str
    location: str
    arg: str
    schema: str | None
    required: bool
    has_default: bool


@dataclass(frozen=True)
class Media:
    """A JSON-or-not media object: its type, schema pointer and pointer of the media object;
    ``others`` are the content's other media types."""

    media_type: str
    schema: str | None
    where: str
    others: tuple[str, ...] = ()


@dataclass
class RawOperation:
    """One operation as the spec states it."""

    path: str
    method: str
    operation_id: str
    where: str
    params: list[Param] = field(default_factory=list)
    body: Media | None = None
    body_required: bool = False
    status: int = 200
    success: Media | None = None
    responses: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)

    @property
    def method_name(self) -> str:
        return snake_case(self.operation_id)

    def documents_not_found(self) -> bool:
        """Whether the spec documents an answer for a missing item (404, 4XX or default)."""
        return bool({c.upper() for c in self.responses} & {"404", "4XX", "DEFAULT"})

    def not_found_status(self) -> int:
        """The status for an unknown id: 404 if documented (or covered by 4XX/default), else the
        lowest documented client error that can mean "no such item" (such as 422), else 400 if
        documented (the id names nothing: a bad request), else 404 (a gap in the spec)."""
        if self.documents_not_found():
            return 404
        candidates = sorted(
            int(c)
            for c in self.responses
            if c.isdigit() and 400 <= int(c) < 500 and int(c) not in NOT_MISSING
        )
        if candidates:
            return candidates[0]
        return 400 if "400" in self.responses else 404

    def bodiless_media_type(self) -> str | None:
        """The Content-Type an answer without body names: Connexion refuses a bodiless answer of
        an operation whose responses offer several media types unless it names one of them."""
        produced: list[str] = list(
            dict.fromkeys(
                str(mt) for response, _ in self.responses.values() for mt in response.get("content") or {}
            )
        )
        if len(produced) < 2:
            return None
        return next((mt for mt in produced if is_json(mt)), produced[0])

    def query(self) -> list[Param]:
        return [p for p in self.params if p.location == "query"]

    def path_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "path"]


def _media(spec: Spec, content: Any, where: str) -> Media | None:
    if not isinstance(content, dict) or not content:
        return None
    chosen = next((mt for mt in content if is_json(mt)), next(iter(content)))
    media_where = f"{where}/content{pointer(chosen)}"
    media = spec.deref(content[chosen], media_where)
    schema = f"{media_where}/schema" if isinstance(media, dict) and "schema" in media else None
    others = tuple(mt for mt in content if mt != chosen)
    return Media(chosen, schema, media_where, others)


def collect(spec: Spec) -> list[RawOperation]:
    """Every operation of ``spec`` in document order; every problem found is reported at once."""
    found: list[RawOperation] = []
    problems: list[GenerationError] = []
    for path, raw_item in spec.document["paths"].items():
        try:
            found += _path_operations(spec, path, raw_item)
        except GenerationError as problem:
            problems.append(problem)
    if problems:
        raise GenerationError.combine(problems)
    return found


def _path_operations(spec: Spec, path: str, raw_item: Any) -> list[RawOperation]:
    found: list[RawOperation] = []
    problems: list[GenerationError] = []
    item, item_where = spec.resolve(raw_item, pointer("paths", path))
    shared = _params(spec, item.get("parameters", []), f"{item_where}/parameters")
    for method in METHODS:
        if method not in item:
            continue
        try:
            found.append(_operation(spec, path, method, item[method], f"{item_where}/{method}", shared))
        except GenerationError as problem:
            problems.append(problem)
    if problems:
        raise GenerationError.combine(problems)
    return found


def _operation(spec: Spec, path: str, method: str, op: Any, where: str, shared: list[Param]) -> RawOperation:
    operation_id = op.get("operationId") or synthesized_id(method, path)
    own = _params(spec, op.get("parameters", []), f"{where}/parameters")
    merged = {(p.name, p.location): p for p in [*shared, *own]}
    raw = RawOperation(path, method, str(operation_id), where, params=list(merged.values()))
    if "requestBody" in op:
        body, body_where = spec.resolve(op["requestBody"], f"{where}/requestBody")
        raw.body = _media(spec, body.get("content"), body_where)
        raw.body_required = bool(body.get("required"))
    _responses(spec, raw, op.get("responses", {}), f"{where}/responses")
    return raw


def _params(spec: Spec, raw: Any, where: str) -> list[Param]:
    out = []
    for i, node in enumerate(raw or []):
        param, param_where = spec.resolve(node, f"{where}/{i}")
        schema_where = f"{param_where}/schema" if "schema" in param else None
        schema = spec.deref(param["schema"], f"{param_where}/schema") if schema_where else {}
        out.append(
            Param(
                name=param["name"],
                location=param["in"],
                arg=argument_name(param["name"]),
                schema=schema_where,
                required=bool(param.get("required")),
                has_default="default" in (schema if isinstance(schema, dict) else {}),
            )
        )
    return out


def _responses(spec: Spec, raw: RawOperation, responses: Any, where: str) -> None:
    codes: list[tuple[int, str]] = []
    for code, node in (responses or {}).items():
        response, response_where = spec.resolve(node, f"{where}/{pointer(str(code))[1:]}")
        raw.responses[str(code)] = (response, response_where)
        text = str(code)
        if text.isdigit() and 200 <= int(text) < 300:
            codes.append((int(text), text))
        elif text.upper() == "2XX":
            codes.append((200, text))
    if not codes:
        # Served as documented: a redirect (303 See Other ...), else the lowest documented status
        # (an operation that only fails, /status/400), else 200 for a lone `default`.
        codes = [(int(c), c) for c in raw.responses if c.isdigit() and 300 <= int(c) < 400]
        codes = codes or [(int(c), c) for c in raw.responses if c.isdigit()]
        codes = codes or [(200, c) for c in raw.responses if c.upper() == "DEFAULT"]
    if not codes:
        raise spec.error(
            where,
            f"The operation {raw.operation_id!r} documents no response.",
            "Document the answer the mock should give.",
        )
    raw.status, key = min(codes)
    response, response_where = raw.responses[key]
    raw.success = _media(spec, response.get("content"), response_where)

"""The reference model of whole answers: what the specs say every field of an answer must be.

Pure functions over plain data, next to :mod:`contracts.oracle` (which says *which* items a query
selects): the representation of a created measurement, one page of a Cumulocity collection
(items, statistics, ``self``/``next``/``prev``), and the error each status carries. :func:`judge`
compares a received answer with an :class:`Expected` field by field (status, media type, headers,
body) and raises a :class:`ContractFailure` titled after the first field that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from contracts.client import Response
from contracts.failures import ContractFailure
from contracts.oracle import as_stored, close

ERROR_TYPE = "application/vnd.com.nsn.cumulocity.error+json"
ERROR_NAMES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "validationError",
}
"""The ``<name>`` half of ``error`` per status (measurement.yaml and dtm.yaml error tables)."""


def origin(base_url: str) -> str:
    """Scheme and host of the target: links in answers are built from them."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def measurement_doc(sent: Mapping[str, Any], mid: str, base_url: str) -> dict[str, Any]:
    """A stored measurement as answers show it: what was sent, the server's id and self links.

    ``source.self`` is optional in the schema; :func:`same_body` accepts it only with the right value.
    """
    doc = {k: v for k, v in as_stored(sent).items() if k not in ("id", "self")}
    source = str(sent["source"]["id"])
    doc["source"] = {"id": source, "self": f"{origin(base_url)}/inventory/managedObjects/{source}"}
    doc["id"] = mid
    doc["self"] = f"{origin(base_url)}/measurement/measurements/{mid}"
    return doc


OPTIONAL_KEYS = {("source", "self")}
"""Members the schema makes optional in answers: when absent they are not a difference."""


def differences(expected: Any, got: Any, path: str = "") -> list[str]:
    """Every field where ``got`` differs from ``expected`` (floats compared with a tolerance)."""
    if isinstance(expected, Mapping) and isinstance(got, Mapping):
        out: list[str] = []
        for key in expected.keys() | got.keys():
            here = f"{path}.{key}" if path else str(key)
            if key not in got:
                if (path, key) not in OPTIONAL_KEYS:
                    out.append(f"{here} missing (expected {expected[key]!r})")
            elif key not in expected:
                out.append(f"{here} not expected (got {got[key]!r})")
            else:
                out += differences(expected[key], got[key], here)
        return out
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{path or 'body'} has {len(got)} items, expected {len(expected)}"]
        return [
            d
            for i, (e, g) in enumerate(zip(expected, got, strict=True))
            for d in differences(e, g, f"{path}[{i}]")
        ]
    return (
        []
        if (close(expected, got) and type(expected) is type(got)) or _same_number(expected, got)
        else [f"{path or 'body'} is {got!r}, expected {expected!r}"]
    )


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and close(a, b)
    )


@dataclass
class Expected:
    """What one answer must be; ``None`` fields are not judged."""

    status: int | tuple[int, ...]
    media_types: tuple[str, ...] | None = None
    """Allowed media types; ``()`` means no body and no ``Content-Type`` at all."""
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    body_check: Callable[[Any], tuple[str, str] | None] | None = None
    """Extra judgement of the body: (failure title, what is wrong), or None."""


def judge(response: Response, expected: Expected, what: str) -> None:
    """Compare every field of ``response`` with ``expected``; raise on the first that differs."""
    statuses = expected.status if isinstance(expected.status, tuple) else (expected.status,)
    if response.status not in statuses:
        raise ContractFailure(
            "WrongStatus",
            f"{what}: status {' or '.join(map(str, statuses))}",
            repr(response),
            request=response.request,
        )
    if expected.media_types is not None:
        if expected.media_types == ():
            if response.content.strip() or response.headers.get("content-type"):
                raise ContractFailure(
                    "BodyReturnedWithoutAccept",
                    f"{what}: an empty body without Content-Type",
                    f"Content-Type {response.headers.get('content-type')!r}, {response.content[:200]!r}",
                    request=response.request,
                )
        elif response.media_type not in expected.media_types:
            title = "WrongErrorMediaType" if ERROR_TYPE in expected.media_types else "WrongMediaType"
            raise ContractFailure(
                title,
                f"{what}: media type {' or '.join(expected.media_types)}",
                response.media_type,
                request=response.request,
            )
    for name, value in expected.headers.items():
        got = response.headers.get(name)
        if got != value:
            title = "WrongLocationHeader" if name.lower() == "location" else "WrongHeader"
            raise ContractFailure(
                title, f"{what}: {name}: {value}", f"{name}: {got}", request=response.request
            )
    if expected.body is not None:
        diffs = differences(expected.body, response.json())
        if diffs:
            raise ContractFailure(
                "WrongAnswerBody",
                f"{what}: {expected.body!r}",
                "; ".join(diffs[:6]),
                request=response.request,
            )
    if expected.body_check is not None:
        problem = expected.body_check(response.json())
        if problem:
            raise ContractFailure(problem[0], what, problem[1], request=response.request)


def error(resource: str, status: int, *, naming: Sequence[str] = ()) -> Expected:
    """An error answer: the status, the error media type, ``{error: <resource>/<name>, message, info}``."""
    allowed = ("security",) if status in (401, 403) else (resource,)

    def check(body: Any) -> tuple[str, str] | None:
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) for k in ("error", "message", "info")
        ):
            return "MalformedErrorBody", f"not a Cumulocity error body: {body!r}"
        want = [f"{r}/{ERROR_NAMES[status]}" for r in allowed]
        if body["error"] not in want:
            return "WrongErrorName", f"error {body['error']!r}, expected {' or '.join(want)}"
        text = f"{body['message']} {body.get('errors', '')}"
        missing = [n for n in naming if n not in text]
        return (
            ("ErrorDoesNotNameField", f"the message does not name {missing}: {text[:300]}")
            if missing
            else None
        )

    return Expected(status, (ERROR_TYPE,), body_check=check)


# ------------------------------------------------------------------ Cumulocity paging


def page_params(query: Mapping[str, str]) -> tuple[int, int]:
    """(currentPage, pageSize) a collection query asks for, after defaults and trimming."""
    return int(query.get("currentPage", "1")), min(int(query.get("pageSize", "5")), 2000)


def expected_statistics(
    query: Mapping[str, str], total: int, *, total_pages_by_default: bool = False
) -> dict[str, int]:
    """``total_pages_by_default``: measurement.yaml sends totalPages unless the query is a range
    query (dateFrom/dateTo) or says withTotalPages=false."""
    current, size = page_params(query)
    stats = {"currentPage": current, "pageSize": size}
    wanted = query.get("withTotalPages")
    ranged = "dateFrom" in query or "dateTo" in query
    if wanted == "true" or (total_pages_by_default and wanted is None and not ranged):
        stats["totalPages"] = -(-total // size)
    if query.get("withTotalElements") == "true":
        stats["totalElements"] = total
    return stats


def page_slice(items: Sequence[Any], query: Mapping[str, str]) -> list[Any]:
    current, size = page_params(query)
    return list(items[(current - 1) * size : current * size])


def link_problems(body: Mapping[str, Any], query: Mapping[str, str], url: str) -> list[str]:
    """Why ``self``/``next``/``prev`` are not the page links the paging rules state."""
    current, _ = page_params(query)
    wanted = {"self": current, "next": current + 1, "prev": current - 1 if current > 1 else None}
    problems = []
    for name, page in wanted.items():
        link = body.get(name)
        if page is None:
            if link is not None:
                problems.append(f"{name} {link!r} on page 1")
            continue
        if not isinstance(link, str):
            problems.append(f"no {name} link")
            continue
        parts = urlsplit(link)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != url:
            problems.append(f"{name} {link!r} is not on {url}")
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        want = {**query, "currentPage": str(page)}
        applied = str(page_params(query)[1])
        if "pageSize" in params and params["pageSize"] in (
            applied,
            query.get("pageSize"),
        ):  # may be spelled out
            want["pageSize"] = params["pageSize"]
        if params != want:
            problems.append(f"{name} repeats {params}, expected {want}")
    return problems

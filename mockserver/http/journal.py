"""The request journal: a bounded ring of what the mock received and answered.

A test asks the mock what its client sent (``GET /_mock/journal``), how often
(``GET /_mock/journal/count``), and starts afresh (``DELETE /_mock/journal``). Each entry is
a :class:`JournalEntry`: method, path, query, headers (credentials masked), the body up to
``body_limit`` bytes (``bodyTruncated`` says when it was cut), the answer's status, the
duration in milliseconds and which API served it. The ring keeps the newest ``capacity``
entries; older ones fall out (``dropped`` counts them).
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypedDict

from mockserver.errors import BadRequest

MASKED = "***"
# Headers whose value is a credential; the journal keeps their scheme only.
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-mock-admin-token", "proxy-authorization"})
DEFAULT_CAPACITY = 1000
DEFAULT_BODY_LIMIT = 4096
FILTERS = ("method", "path", "pathPattern", "api", "status")

API_PREFIXES = (
    ("/measurement", "measurement"),
    ("/inventory", "inventory"),
    ("/alarm", "alarm"),
    ("/tenant", "inventory"),
    ("/service/dtm", "dtm"),
    ("/notification", "realtime"),
    ("/_mock", "mock"),
)


class JournalEntry(TypedDict):
    """One received request and its answer, as ``GET /_mock/journal`` lists it."""

    seq: int
    time: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    bodyTruncated: bool
    status: int
    durationMs: float
    api: str


def api_of(path: str) -> str:
    """Which API a path belongs to (``other`` for the landing page, Swagger UIs and unknowns)."""
    for prefix, api in API_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return api
    return "other"


def mask_headers(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Headers as text, a credential replaced by its scheme and ``***`` (``Basic ***``)."""
    shown: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name in SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {MASKED}" if rest and name.endswith("authorization") else MASKED
        shown[name] = value if name not in shown else f"{shown[name]}, {value}"
    return shown


@dataclass(frozen=True)
class JournalQuery:
    """Filters of a journal query; every given one must hold (``pathPattern`` is a regex)."""

    method: str | None = None
    path: str | None = None
    path_pattern: re.Pattern[str] | None = None
    api: str | None = None
    status: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> JournalQuery:
        unknown = sorted(set(params) - set(FILTERS) - {"pageSize"})
        if unknown:
            raise BadRequest(f"Unknown journal filters {unknown}; expected some of {', '.join(FILTERS)}.")
        pattern = params.get("pathPattern")
        status = params.get("status")
        try:
            compiled = re.compile(pattern) if pattern is not None else None
        except re.error as exc:
            raise BadRequest(f"pathPattern {pattern!r} is not a valid regular expression: {exc}.") from None
        if status is not None and not (status.isdigit() and len(status) == 3):
            raise BadRequest(f"status {status!r} is not a three-digit HTTP status.")
        method = params.get("method")
        return cls(
            method=method.upper() if method else None,
            path=params.get("path"),
            path_pattern=compiled,
            api=params.get("api"),
            status=int(status) if status is not None else None,
        )

    def matches(self, entry: JournalEntry) -> bool:
        return (
            (self.method is None or entry["method"] == self.method)
            and (self.path is None or entry["path"] == self.path)
            and (self.path_pattern is None or self.path_pattern.search(entry["path"]) is not None)
            and (self.api is None or entry["api"] == self.api)
            and (self.status is None or entry["status"] == self.status)
        )


class Journal:
    """The ring of entries; ``record`` is called once per answered request."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, body_limit: int = DEFAULT_BODY_LIMIT) -> None:
        self.capacity = capacity
        self.body_limit = body_limit
        self._entries: deque[JournalEntry] = deque(maxlen=capacity if capacity > 0 else None)
        self._seq = itertools.count(1)
        self.dropped = 0

    def next_seq(self) -> int:
        return next(self._seq)

    def body_text(self, body: bytes) -> tuple[str, bool]:
        """The body as journal text (undecodable bytes replaced) and whether it was cut."""
        cut = len(body) > self.body_limit
        return body[: self.body_limit].decode("utf-8", errors="replace"), cut

    def record(self, entry: JournalEntry) -> None:
        if self.capacity <= 0:
            return
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._entries.append(entry)

    def select(self, query: JournalQuery, limit: int | None = None) -> list[JournalEntry]:
        """Matching entries, oldest first (the newest ``limit`` when given)."""
        found = [entry for entry in self._entries if query.matches(entry)]
        return found[-limit:] if limit else found

    def count(self, query: JournalQuery) -> int:
        return sum(1 for entry in self._entries if query.matches(entry))

    def clear(self) -> int:
        cleared = len(self._entries)
        self._entries.clear()
        self.dropped = 0
        return cleared

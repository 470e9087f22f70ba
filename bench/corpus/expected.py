"""5xx answers a spec asks for: an operation whose only documented answers are 5xx (``GET
/status/503`` in a spec of status codes) is served as documented, which is not a server error.
Every other 5xx counts, also on operations that document a 500 beside their success answers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bench.corpus.styles import operations


def documented_only_5xx(document: dict[str, Any]) -> list[tuple[str, re.Pattern[str], frozenset[int]]]:
    """(METHOD, path pattern, statuses) of each operation documenting no 1xx-4xx answer."""
    found = []
    for path, method, operation, _shared in operations(document):
        codes = [str(code) for code in (operation.get("responses") or {})]
        statuses = frozenset(int(code) for code in codes if code.isdigit() and code.startswith("5"))
        if statuses and len(statuses) == len(codes):
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$")
            found.append((method.upper(), pattern, statuses))
    return found


def is_expected(
    expected: list[tuple[str, re.Pattern[str], frozenset[int]]], method: str, url: str, status: int
) -> bool:
    path = urlsplit(url).path
    return any(m == method.upper() and status in s and p.match(path) for m, p, s in expected)

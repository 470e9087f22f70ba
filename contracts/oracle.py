"""The harness's own model of the measurement rules, computed from what the harness wrote.

Pure functions over plain dicts: which measurements a filter matches, their order, and the
series answer (raw, aggregationType buckets, aggregationInterval buckets with functions). The
checks compare the target's answers with these, never with the target's own pages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

Measurement = Mapping[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
META_KEYS = {"id", "self", "time", "type", "source"}


def instant(value: str) -> datetime:
    """The instant a time or date string denotes (date only: midnight UTC; no offset: UTC)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ts(moment: datetime) -> str:
    """The series timestamp format: UTC ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def is_series(entry: Any) -> bool:
    """measurement.yaml: a valid series is an object whose `value` is a number (not a boolean)."""
    if not isinstance(entry, Mapping):
        return False
    value = entry.get("value")
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_stored(sent: Measurement) -> dict[str, Any]:
    """A measurement as the target must store it (the platform's legacy leniency): a fragment
    holding a valid series keeps only its valid series; any other fragment is kept whole."""
    stored: dict[str, Any] = {}
    for key, value in sent.items():
        if key not in META_KEYS and isinstance(value, Mapping) and any(map(is_series, value.values())):
            value = {name: entry for name, entry in value.items() if is_series(entry)}
        stored[key] = value
    return stored


def series_of(m: Measurement) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    """(fragment, series, entry) for every series value of a (stored) measurement."""
    for fragment, value in m.items():
        if fragment in META_KEYS or not isinstance(value, Mapping):
            continue
        for name, entry in value.items():
            if is_series(entry):
                yield fragment, name, entry


def matches(m: Measurement, query: Mapping[str, str]) -> bool:
    """Whether a measurement matches every filter of a collection query (all AND-ed)."""
    if "source" in query and str(m["source"]["id"]) != query["source"]:
        return False
    if "type" in query and m["type"] != query["type"]:
        return False
    if "fragmentType" in query and query["fragmentType"] not in m:
        return False
    moment = instant(m["time"])
    if "dateFrom" in query and moment < instant(query["dateFrom"]):
        return False
    if "dateTo" in query and moment >= instant(query["dateTo"]):
        return False
    pairs = {(f, s) for f, s, _ in series_of(m)}
    vft, vfs = query.get("valueFragmentType"), query.get("valueFragmentSeries")
    if vft is not None and vfs is not None:
        return (vft, vfs) in pairs
    if vft is not None:
        return any(f == vft for f, _ in pairs)
    if vfs is not None:
        return any(s == vfs for _, s in pairs)
    return True


def sort_key(m: Measurement) -> tuple[datetime, int]:
    return instant(m["time"]), int(m["id"])


def ordered(ms: Iterable[Measurement], *, revert: bool = False) -> list[Measurement]:
    """Oldest first, ties by id ascending; ``revert`` is the exact reverse."""
    return sorted(ms, key=sort_key, reverse=revert)


def select(ms: Iterable[Measurement], query: Mapping[str, str]) -> list[Measurement]:
    return ordered((m for m in ms if matches(m, query)), revert=query.get("revert") == "true")


# ---------------------------------------------------------------- series


def _bucket_start(moment: datetime, width: timedelta, unit: str, n: int) -> datetime:
    if unit in "smhd":
        step = width.total_seconds()
        seconds = (moment - EPOCH).total_seconds()
        return EPOCH + timedelta(seconds=math.floor(seconds / step) * step)
    if unit == "w":
        monday = datetime(1970, 1, 5, tzinfo=UTC)
        weeks = (moment - monday).days // 7
        return monday + timedelta(weeks=(weeks // n) * n)
    months = {"M": n, "q": 3 * n, "y": 12 * n}[unit]
    index = moment.year * 12 + moment.month - 1
    index -= index % months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


INTERVAL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
TYPE_INTERVALS = {"DAILY": "1d", "HOURLY": "1h", "MINUTELY": "1m"}


def bucket(moment: datetime, interval: str) -> datetime:
    n, unit = int(interval[:-1]), interval[-1]
    width = timedelta(seconds=n * INTERVAL_UNITS.get(unit, 0))
    return _bucket_start(moment, width, unit, n)


def aggregate(values: Sequence[float], function: str) -> float | int | None:
    if function == "min":
        return min(values)
    if function == "max":
        return max(values)
    if function == "sum":
        return sum(values)
    if function == "count":
        return len(values)
    mean = sum(values) / len(values)
    if function == "avg":
        return mean
    squares = sum((v - mean) ** 2 for v in values)
    if function == "stdDevPop":
        return math.sqrt(squares / len(values))
    if function == "stdDevSamp":
        return None if len(values) < 2 else math.sqrt(squares / (len(values) - 1))
    raise ValueError(f"Unknown aggregation function {function!r}.")


def series_answer(
    ms: Iterable[Measurement],
    *,
    source: str,
    date_from: str,
    date_to: str,
    series: Sequence[str] = (),
    aggregation_type: str | None = None,
    interval: str | None = None,
    functions: Sequence[str] = (),
    revert: bool = False,
) -> dict[str, Any]:
    """The expected ``{values, series, truncated}`` answer of GET /measurement/measurements/series."""
    chosen = [m for m in ms if matches(m, {"source": source, "dateFrom": date_from, "dateTo": date_to})]
    points: dict[tuple[str, str], list[tuple[datetime, float, str | None]]] = {}
    for m in chosen:
        for fragment, name, entry in series_of(m):
            points.setdefault((fragment, name), []).append(
                (instant(m["time"]), entry["value"], entry.get("unit"))
            )
    names = [tuple(s.split(".", 1)) for s in series] if series else sorted(points)
    columns: list[tuple[str, str]] = [(n[0], n[1]) for n in names]
    width = interval or (TYPE_INTERVALS[aggregation_type] if aggregation_type else None)
    funcs = list(functions) if (interval and functions) else ["min", "max"]
    grouped: dict[datetime, dict[int, list[float]]] = {}
    for index, column in enumerate(columns):
        for moment, value, _unit in points.get(column, []):
            key = bucket(moment, width) if width else moment
            grouped.setdefault(key, {}).setdefault(index, []).append(value)
    keys = sorted(grouped, reverse=revert)
    truncated = False
    if not width and len(keys) > 5000:
        keys, truncated = keys[:5000], True
    values = {}
    for key in keys:
        row: list[Any] = []
        for index in range(len(columns)):
            vals = grouped[key].get(index)
            row.append(None if not vals else {f: aggregate(vals, f) for f in funcs})
        values[ts(key)] = row
    descriptors = []
    for column in columns:
        first = sorted(points.get(column, []), key=lambda p: p[0])
        descriptors.append({"name": column[1], "type": column[0], "unit": first[0][2] if first else None})
    return {"values": values, "series": descriptors, "truncated": truncated}


def close(a: Any, b: Any) -> bool:
    """Equality with a relative tolerance for floats (aggregates are computed in floating point)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int) and isinstance(b, int):
        return a == b  # exactly: an integer beyond a float's range made isclose raise
    if isinstance(a, int | float) and isinstance(b, int | float):
        try:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        except OverflowError:  # an integer no float can hold is close to no float
            return False
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def fmt_instant(moment: datetime) -> str:
    """An instant as an ISO 8601 UTC date-time with milliseconds."""
    return ts(moment)

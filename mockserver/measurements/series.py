"""GET /measurement/measurements/series: the query and the pure aggregation behind it.

Buckets (platform-rules.md, Series):

* unaggregated: one key per distinct measurement instant (millisecond), ``{min, max}``,
  written in the offset of the first measurement at that instant in (time, row) order;
  at most :data:`MAX_TIMESTAMPS` keys in the answer's order, ``truncated: true`` beyond;
* ``aggregationType`` DAILY/HOURLY/MINUTELY: UTC day/hour/minute buckets, ``{min, max}``;
* ``aggregationInterval`` ``<n><unit>``: s/m/h/d multiples of the width since the epoch,
  w multiples of n weeks since Monday 1970-01-05, M/q/y calendar months whose index
  ``year*12 + month-1`` is floored to a multiple of n (3n, 12n); it wins over the type.

Entries are positional per ``series``; ``null`` where a series has no value at a key; empty
buckets never appear. Aggregated answers are never truncated.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, TypedDict

from mockserver.errors import BadRequest
from mockserver.timeutil import (
    as_utc,
    format_epoch_ms,
    format_epoch_ms_at,
    from_epoch_us,
    parse_query_instant,
    to_epoch_us,
)

MAX_TIMESTAMPS = 5000
FUNCTIONS = ("min", "max", "avg", "sum", "count", "stdDevPop", "stdDevSamp")
DEFAULT_FUNCTIONS = ("min", "max")
AGGREGATION_TYPES = {"DAILY": "1d", "HOURLY": "1h", "MINUTELY": "1m"}
INTERVAL_PATTERN = re.compile(r"[1-9][0-9]{0,2}[smhdwMqy]")


@dataclass(frozen=True)
class SeriesQuery:
    """A validated series request. ``series`` holds ``(fragment, series)`` pairs; empty = all."""

    sources: frozenset[str]
    date_from: datetime
    date_to: datetime
    series: tuple[tuple[str, str], ...] = ()
    aggregation_type: str | None = None
    aggregation_interval: str | None = None
    functions: tuple[str, ...] = ()
    revert: bool = False

    @classmethod
    def parse(
        cls,
        *,
        source: str | Iterable[str],
        date_from: str | datetime,
        date_to: str | datetime,
        series: Iterable[str] = (),
        aggregation_type: str | None = None,
        aggregation_interval: str | None = None,
        aggregation_function: Iterable[str] = (),
        revert: bool = False,
    ) -> SeriesQuery:
        """Check raw query values; each problem is a 400 naming the parameter and value."""
        sources = frozenset({source}) if isinstance(source, str) else frozenset(source)
        start = date_from if isinstance(date_from, datetime) else parse_query_instant(date_from, "dateFrom")
        end = date_to if isinstance(date_to, datetime) else parse_query_instant(date_to, "dateTo")
        pairs: list[tuple[str, str]] = []
        for name in series:
            fragment, dot, member = name.partition(".")
            if not dot or not fragment or not member:
                raise BadRequest(
                    f"Query parameter series has the value {name!r}; expected <fragment>.<series>, "
                    "e.g. c8y_Temperature.T."
                )
            if (fragment, member) not in pairs:
                pairs.append((fragment, member))
        if aggregation_type is not None and aggregation_type not in AGGREGATION_TYPES:
            raise BadRequest(
                f"Query parameter aggregationType has the value {aggregation_type!r}; "
                f"expected one of {', '.join(AGGREGATION_TYPES)}."
            )
        if aggregation_interval is not None and not INTERVAL_PATTERN.fullmatch(aggregation_interval):
            raise BadRequest(
                f"Query parameter aggregationInterval has the value {aggregation_interval!r}; expected 1-999 "
                "without leading zeros followed by one of s m h d w M q y, e.g. 15m or 1d."
            )
        functions: list[str] = []
        for fn in aggregation_function:
            if fn not in FUNCTIONS:
                raise BadRequest(
                    f"Query parameter aggregationFunction has the value {fn!r}; expected one of "
                    f"{', '.join(FUNCTIONS)}."
                )
            if fn not in functions:
                functions.append(fn)
        if functions and aggregation_interval is None:
            raise BadRequest(
                "Query parameter aggregationFunction is only valid together with aggregationInterval, "
                "which is missing."
            )
        return cls(
            sources=sources,
            date_from=as_utc(start),
            date_to=as_utc(end),
            series=tuple(pairs),
            aggregation_type=aggregation_type,
            aggregation_interval=aggregation_interval,
            functions=tuple(functions),
            revert=revert,
        )

    @property
    def effective_interval(self) -> str | None:
        """The bucket width in use: the interval, else the type's width, else None (raw)."""
        if self.aggregation_interval is not None:
            return self.aggregation_interval
        if self.aggregation_type is not None:
            return AGGREGATION_TYPES[self.aggregation_type]
        return None

    @property
    def effective_functions(self) -> tuple[str, ...]:
        if self.aggregation_interval is not None and self.functions:
            return self.functions
        return DEFAULT_FUNCTIONS


class Run(NamedTuple):
    """One source's selected points of a series, sorted by (time, row), as parallel columns:
    epoch-µs times, values, the offsets their ``time`` was written with
    (:func:`mockserver.timeutil.written_offset`) and the rows (id order)."""

    times: Sequence[int]
    values: Sequence[float]
    offsets: Sequence[int]
    rows: Sequence[int]


@dataclass(frozen=True)
class SeriesColumn:
    """The selected points of one series: one :class:`Run` per source, restricted to the query
    window; ``unit`` is the unit of the chronologically first selected value (None if none)."""

    fragment: str
    name: str
    unit: str | None
    runs: Sequence[Run]


Bucketer = Callable[[int], tuple[int, int]]
Piece = tuple[Sequence[float], int, int]

US_PER = {"s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}
WEEK_US = 7 * US_PER["d"]
FIRST_MONDAY_US = 4 * US_PER["d"]  # 1970-01-05T00:00Z
MONTHS_PER = {"M": 1, "q": 3, "y": 12}
FAR_FUTURE_US = 1 << 62
# Buckets reaching before 0001-01-01 (a 3y bucket of year 1, say) are keyed at that instant.
EARLIEST_US = to_epoch_us(datetime(1, 1, 1, tzinfo=UTC))


def fixed_bucketer(width: int, origin: int = 0) -> Bucketer:
    """Buckets ``[origin + k*width, origin + (k+1)*width)`` (times in epoch µs)."""

    def bucket(t: int) -> tuple[int, int]:
        start = origin + (t - origin) // width * width
        return start, start + width

    return bucket


def _month_start_us(month_index: int) -> int:
    year, month0 = divmod(month_index, 12)
    if year > 9999:
        return FAR_FUTURE_US
    if year < 1:
        return EARLIEST_US
    return to_epoch_us(datetime(year, month0 + 1, 1, tzinfo=UTC))


def month_bucketer(months: int) -> Bucketer:
    """Calendar buckets: month index ``year*12 + month-1`` floored to a multiple of ``months``."""

    def bucket(t: int) -> tuple[int, int]:
        when = from_epoch_us(t)
        index = when.year * 12 + when.month - 1
        first = index - index % months
        return _month_start_us(first), _month_start_us(first + months)

    return bucket


def bucketer_for(interval: str | None) -> Bucketer:
    """The bucket function of an interval such as ``15m``; None = one bucket per millisecond."""
    if interval is None:
        return fixed_bucketer(1000)
    n, unit = int(interval[:-1]), interval[-1]
    if unit in US_PER:
        return fixed_bucketer(n * US_PER[unit])
    if unit == "w":
        return fixed_bucketer(n * WEEK_US, FIRST_MONDAY_US)
    return month_bucketer(n * MONTHS_PER[unit])


def _buckets(times: Sequence[int], bucket: Bucketer, newest_first: bool) -> Iterator[tuple[int, int, int]]:
    """(bucket start, i, j) for each non-empty bucket of the sorted ``times``: ``times[i:j]``."""
    n = len(times)
    if not newest_first:
        i = 0
        while i < n:
            start, end = bucket(times[i])
            j = bisect_left(times, end, i, n)
            yield start, i, j
            i = j
    else:
        j = n
        while j > 0:
            start, _ = bucket(times[j - 1])
            i = bisect_left(times, start, 0, j)
            yield start, i, j
            j = i


def _values(pieces: list[Piece]) -> Sequence[float]:
    if len(pieces) == 1:
        values, i, j = pieces[0]
        return values[i:j]
    out: list[float] = []
    for values, i, j in pieces:
        out.extend(values[i:j])
    return out


def summarise(values: Sequence[float], functions: Sequence[str]) -> dict[str, float | int | None]:
    """One entry: each requested function over a non-empty bucket of values."""
    n = len(values)
    entry: dict[str, float | int | None] = {}
    total = math.fsum(values) if {"sum", "avg", "stdDevPop", "stdDevSamp"} & set(functions) else 0.0
    squares = None
    for fn in functions:
        if fn == "min":
            entry[fn] = min(values)
        elif fn == "max":
            entry[fn] = max(values)
        elif fn == "sum":
            entry[fn] = total
        elif fn == "avg":
            entry[fn] = total / n
        elif fn == "count":
            entry[fn] = n
        else:
            if squares is None:
                mean = total / n
                squares = math.fsum((x - mean) ** 2 for x in values)
            if fn == "stdDevPop":
                entry[fn] = math.sqrt(squares / n)
            else:
                entry[fn] = math.sqrt(squares / (n - 1)) if n > 1 else None
    return entry


class SeriesHeader(TypedDict):
    """One column of a series answer: which series it is, and its unit."""

    name: str
    type: str
    unit: str | None


class SeriesAnswer(TypedDict):
    """The series endpoint's answer: one row of per-column summaries per time key."""

    values: dict[str, list[dict[str, float | int | None] | None]]
    series: list[SeriesHeader]
    truncated: bool


def aggregate(query: SeriesQuery, columns: Sequence[SeriesColumn]) -> SeriesAnswer:
    """The series answer ``{values, series, truncated}`` for the given columns, in their order."""
    interval = query.effective_interval
    bucket = bucketer_for(interval)
    functions = query.effective_functions if interval is not None else DEFAULT_FUNCTIONS
    limit = MAX_TIMESTAMPS if interval is None else None
    truncated = False
    per_column: list[dict[int, list[Piece]]] = []
    # unaggregated key -> (time, row, offset) of its first point: the key's written offset
    firsts: dict[int, tuple[int, int, int]] = {}
    for column in columns:
        found: dict[int, list[Piece]] = {}
        for run in column.runs:
            for produced, (start, i, j) in enumerate(_buckets(run.times, bucket, query.revert)):
                if limit is not None and produced == limit:
                    truncated = True  # this run alone has more than `limit` keys
                    break
                found.setdefault(start, []).append((run.values, i, j))
                if interval is None:
                    first = (run.times[i], run.rows[i], run.offsets[i])
                    known = firsts.get(start)
                    if known is None or first < known:
                        firsts[start] = first
        per_column.append(found)
    keys = sorted(set().union(*per_column), reverse=query.revert)
    if limit is not None and len(keys) > limit:
        truncated = True
        keys = keys[:limit]
    answer: dict[str, list[dict[str, float | int | None] | None]] = {}
    for key in keys:
        row: list[dict[str, float | int | None] | None] = []
        for found in per_column:
            pieces = found.get(key)
            row.append(None if pieces is None else summarise(_values(pieces), functions))
        ms = max(key, EARLIEST_US) // 1000
        answer[format_epoch_ms_at(ms, firsts[key][2]) if interval is None else format_epoch_ms(ms)] = row
    return {
        "values": answer,
        "series": [{"name": c.name, "type": c.fragment, "unit": c.unit} for c in columns],
        "truncated": truncated,
    }

"""GET /measurement/measurements/series: the query and the pure aggregation behind it.

Buckets (platform-rules.md, Series):

* unaggregated: one key per distinct measurement instant (millisecond), ``{min, max}``;
  at most :data:`MAX_TIMESTAMPS` keys in the answer's order, ``truncated: true`` beyond;
* ``aggregationType`` DAILY/HOURLY/MINUTELY: UTC day/hour/minute buckets, ``{min, max}``;
* ``aggregationInterval`` ``<n><unit>``: s/m/h/d multiples of the width since the epoch,
  w multiples of n weeks since Monday 1970-01-05, M/q/y calendar months whose index
  ``year*12 + month-1`` is floored to a multiple of n (3n, 12n); it wins over the type.

Entries are positional per ``series``; ``null`` where a series has no value at a key; empty
buckets never appear. Aggregated answers are never truncated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.errors import BadRequest
from mockserver.timeutil import as_utc, parse_query_instant

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


@dataclass(frozen=True)
class SeriesColumn:
    """The selected points of one series: sorted runs of (epoch-µs times, values), one per source.

    Each run is restricted to the query window and sorted by time; ``unit`` is the unit of the
    chronologically first selected value (None if it had none).
    """

    fragment: str
    name: str
    unit: str | None
    runs: Sequence[tuple[Sequence[int], Sequence[float]]]


def aggregate(query: SeriesQuery, columns: Sequence[SeriesColumn]) -> dict[str, Any]:
    """The series answer ``{values, series, truncated}`` for the given columns, in their order."""
    raise NotImplementedError

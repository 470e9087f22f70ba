"""The roll-up function one instance's render hands to its smart functions, with a work limit.

One render reads each roll-up series of the instance's scope once (``sum``, ``avg`` and
``latest`` over the same series, any window, share that read) and answers each
(function, series, window) once, however many smart functions ask. It reads at most
:data:`MAX_ROLLUP_READS` distinct series; beyond that the asking smart function fails with
an error sentence (its value is null), so one model cannot make a read scan the store many times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from mockserver.dtm import instances as rules
from mockserver.dtm.expressions import RollupFn, Value
from mockserver.dtm.language import ExpressionEvaluationError
from mockserver.measurements.filters import MeasurementFilter
from mockserver.timeutil import as_utc, now_utc, parse_body_instant

# The work of one instance's evaluation: distinct roll-up series it may read.
MAX_ROLLUP_READS = 4

Select = Callable[[MeasurementFilter], Sequence[dict[str, Any]]]


def _instant(value: object) -> datetime:
    """A measurement's time as an aware datetime (stores answer text, test doubles datetimes)."""
    return as_utc(value) if isinstance(value, datetime) else parse_body_instant(value, "time")


def rollup_function(select: Select, scope: Callable[[], frozenset[str]]) -> RollupFn:
    """The roll-up of one render over the managed objects ``scope()`` names (computed once)."""
    sources: frozenset[str] | None = None
    read: dict[tuple[str, str], list[tuple[datetime, float]]] = {}
    answered: dict[tuple[str, str, str, int | None], Value] = {}

    def rollup(function: str, fragment: str, series: str, window: int | None) -> Value:
        nonlocal sources
        key = (fragment, series)
        if key not in read:
            if len(read) >= MAX_ROLLUP_READS:
                raise ExpressionEvaluationError(
                    f"One evaluation may read at most {MAX_ROLLUP_READS} distinct roll-up series."
                )
            sources = scope() if sources is None else sources
            f = MeasurementFilter(sources=sources, value_fragment_type=fragment, value_fragment_series=series)
            read[key] = [(_instant(m["time"]), m[fragment][series]["value"]) for m in select(f)]
        if (function, fragment, series, window) not in answered:
            rows = read[key]
            if window is not None:
                since = now_utc() - timedelta(seconds=window)
                rows = [row for row in rows if row[0] >= since]
            answered[function, fragment, series, window] = rules.aggregate(function, [v for _, v in rows])
        return answered[function, fragment, series, window]

    return rollup

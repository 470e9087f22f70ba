"""The measurement collection filters (GET and DELETE), as one immutable value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mockserver.errors import ValidationError
from mockserver.timeutil import as_utc, parse_query_instant


@dataclass(frozen=True)
class MeasurementFilter:
    """Every filter AND-ed; None means "not filtered".

    ``date_from`` is inclusive and ``date_to`` exclusive (aware datetimes). ``sources`` is a
    set so the DTM roll-up can ask for the measurements of many managed objects at once.
    ``fragment_type`` matches a top-level key; ``value_fragment_type`` a fragment holding
    series; ``value_fragment_series`` a series name inside ``value_fragment_type`` if given,
    else inside any fragment.
    """

    sources: frozenset[str] | None = None
    type: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    fragment_type: str | None = None
    value_fragment_type: str | None = None
    value_fragment_series: str | None = None

    def __post_init__(self) -> None:
        # Normalise naive datetimes to UTC so comparisons never mix naive and aware values.
        if self.date_from is not None:
            object.__setattr__(self, "date_from", as_utc(self.date_from))
        if self.date_to is not None:
            object.__setattr__(self, "date_to", as_utc(self.date_to))
        if self.sources is not None and not isinstance(self.sources, frozenset):
            object.__setattr__(self, "sources", frozenset(self.sources))

    @classmethod
    def from_query(
        cls,
        *,
        source: str | Iterable[str] | None = None,
        type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        fragment_type: str | None = None,
        value_fragment_type: str | None = None,
        value_fragment_series: str | None = None,
    ) -> MeasurementFilter:
        """Build a filter from raw query values; an unparseable date is a 400 naming it."""
        sources: frozenset[str] | None
        if source is None:
            sources = None
        elif isinstance(source, str):
            sources = frozenset({source})
        else:
            sources = frozenset(source)
        return cls(
            sources=sources,
            type=type,
            date_from=None if date_from is None else parse_query_instant(date_from, "dateFrom"),
            date_to=None if date_to is None else parse_query_instant(date_to, "dateTo"),
            fragment_type=fragment_type,
            value_fragment_type=value_fragment_type,
            value_fragment_series=value_fragment_series,
        )

    def is_unbounded_for_delete(self) -> bool:
        """True when none of source, dateFrom, dateTo is given (a DELETE must refuse)."""
        return self.sources is None and self.date_from is None and self.date_to is None

    def refuse_unbounded_delete(self) -> None:
        """422 ``measurement/Unprocessable Entity`` when :meth:`is_unbounded_for_delete`."""
        if self.is_unbounded_for_delete():
            raise ValidationError(
                "Deleting measurements needs at least one of the query parameters source, dateFrom, "
                "dateTo; none was given, so nothing was deleted.",
                resource="measurement",
            )

    def matches_shape(self, fragments: Iterable[str], series: Iterable[tuple[str, str]]) -> bool:
        """Whether a measurement with these top-level fragments and (fragment, series) pairs
        passes the fragment filters (the type/source/time filters are checked elsewhere)."""
        if self.fragment_type is not None and self.fragment_type not in set(fragments):
            return False
        pairs = set(series)
        if self.value_fragment_type is not None and not any(f == self.value_fragment_type for f, _ in pairs):
            return False
        if self.value_fragment_series is not None:
            wanted = self.value_fragment_series
            if self.value_fragment_type is not None:
                return (self.value_fragment_type, wanted) in pairs
            return any(s == wanted for _, s in pairs)
        return True

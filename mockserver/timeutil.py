"""Instants as the platform reads and writes them: ISO 8601 in, UTC milliseconds out.

Cumulocity accepts a date (``2024-01-02``, midnight UTC) or a date-time with any offset, ``Z``
or none (then UTC) wherever it takes a time. Query values that do not parse are a malformed
request (400, :func:`parse_query_instant`); body fields that do not parse break a rule (422,
:func:`parse_body_instant`). Internally instants are aware UTC datetimes or integer epoch
microseconds (exact, so ordering never loses sub-millisecond precision); answers format them as
``YYYY-MM-DDTHH:MM:SS.mmmZ``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from mockserver.errors import BadRequest, ValidationError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_TIME = r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
_ZONE = r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?)?"
_INSTANT = re.compile(rf"{_DATE}(?:[Tt ]{_TIME}{_ZONE})?")

EXPECTED = "a date YYYY-MM-DD or an ISO 8601 date-time such as 2024-01-02T03:04:05.678Z"


def _parse(value: str) -> datetime | None:
    """The aware UTC instant ``value`` denotes, or None when it is not one."""
    match = _INSTANT.fullmatch(value)
    if match is None:
        return None
    try:
        # The C parser agrees with the fields below on every string the pattern admits and is
        # ~20x faster; it refuses a few spellings (lower-case t/z), which take the slow path.
        fast = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        try:
            return fast.replace(tzinfo=UTC) if fast.tzinfo is None else fast.astimezone(UTC)
        except OverflowError:
            return None
    g = match.groupdict()
    fraction = (g["fraction"] or "").ljust(6, "0")[:6]
    try:
        offset = timedelta(0)
        if g["sign"]:
            offset = timedelta(hours=int(g["oh"]), minutes=int(g["om"] or 0))
            if g["sign"] == "-":
                offset = -offset
        local = datetime(
            int(g["year"]),
            int(g["month"]),
            int(g["day"]),
            int(g["hour"] or 0),
            int(g["minute"] or 0),
            int(g["second"] or 0),
            int(fraction),
            tzinfo=timezone(offset),
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        # Out-of-range fields (month 13, hour 25, offset >= 24h) or an instant before year 1.
        return None


def parse_query_instant(value: str, name: str) -> datetime:
    """Parse the query parameter ``name``; a value that is no instant is a 400 naming it."""
    parsed = _parse(value) if isinstance(value, str) else None
    if parsed is None:
        raise BadRequest(
            f"Query parameter {name} has the value {value!r}, which is not a valid instant; "
            f"expected {EXPECTED}."
        )
    return parsed


def parse_body_instant(value: object, field: str) -> datetime:
    """Parse the body field ``field``; anything but an instant string is a 422 naming it.

    A ``datetime`` (as a YAML seed may hold) is accepted too; a naive one is taken as UTC.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    parsed = _parse(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError(
            f"Field {field} has the value {value!r}, which is not a valid instant; expected {EXPECTED}.",
            details=[{"field": field, "message": f"{field} must be {EXPECTED}."}],
        )
    return parsed


def as_utc(value: datetime | date) -> datetime:
    """An aware UTC datetime for a datetime (naive = UTC) or a date (midnight UTC)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_epoch_us(dt: datetime) -> int:
    """Exact microseconds since 1970-01-01T00:00Z (negative before it)."""
    delta = as_utc(dt) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_epoch_us(us: int) -> datetime:
    """The aware UTC datetime ``us`` microseconds after the epoch."""
    return EPOCH + timedelta(microseconds=us)


def format_utc_millis(dt: datetime) -> str:
    """``2024-01-02T03:04:05.678Z``: UTC, milliseconds (truncated), the form answers use."""
    u = as_utc(dt)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
        f".{u.microsecond // 1000:03d}Z"
    )


_EPOCH_ORDINAL = EPOCH.toordinal()


def format_epoch_ms(ms: int) -> str:
    """:func:`format_utc_millis` of an epoch-millisecond value (integer arithmetic, no datetime)."""
    days, rest = divmod(ms, 86_400_000)
    day = date.fromordinal(_EPOCH_ORDINAL + days)
    hour, rest = divmod(rest, 3_600_000)
    minute, rest = divmod(rest, 60_000)
    second, milli = divmod(rest, 1000)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"


UTC_Z = 1 << 20
"""The offset code of a time written with ``Z`` or without an offset (see :func:`written_offset`)."""


def written_offset(text: str) -> int:
    """Minutes east of UTC that an instant string (already known to parse) was written with;
    :data:`UTC_Z` for ``Z``, no offset, or a date without a time."""
    if text[-1:] in ("Z", "z"):
        return UTC_Z
    sep = max(text.rfind("T"), text.rfind("t"), text.rfind(" "))
    clock = text[sep + 1 :] if sep >= 0 else ""
    at = max(clock.rfind("+"), clock.rfind("-"))
    if at < 0:
        return UTC_Z
    digits = clock[at + 1 :].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return -minutes if clock[at] == "-" else minutes


def format_epoch_ms_at(ms: int, offset: int) -> str:
    """The instant ``ms`` written in the offset ``offset`` (minutes; :data:`UTC_Z` gives ``...Z``):
    ``2020-12-04T17:33:01.538+01:00``."""
    if offset == UTC_Z:
        return format_epoch_ms(ms)
    sign, size = ("-", -offset) if offset < 0 else ("+", offset)
    return f"{format_epoch_ms(ms + offset * 60_000)[:-1]}{sign}{size // 60:02d}:{size % 60:02d}"


def now_utc() -> datetime:
    """The current instant, aware UTC (one place to patch in tests)."""
    return datetime.now(UTC)

"""Exports of a measurement page as the platform offers them: CSV and an Excel workbook.

spec/measurement.yaml (GET collection, "Exports"): one row per series value of each measurement,
in the page's order and, within a measurement, in the order its fragments and series were
written; the columns are :data:`COLUMNS`. Custom fragments (plain properties, fragments of only
invalid series) give no row. Pure functions over stored documents; the workbook is written by
openpyxl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from mockserver.measurements.validation import RESERVED, is_valid_series

COLUMNS = ("time", "source", "device_name", "fragment.series", "value", "unit")
SHEET = "measurements"
CSV = "text/csv"
EXCEL_TYPES = ("application/vnd.ms-excel", "application/xlsx")
EXPORT_TYPES = (CSV, *EXCEL_TYPES)


class ExportRow(NamedTuple):
    """One series value of one measurement, in :data:`COLUMNS` order."""

    time: str
    source: str
    device_name: str
    series: str
    value: float | int
    unit: str


def export_rows(docs: Iterable[Mapping[str, Any]], device_name: Callable[[str], str]) -> list[ExportRow]:
    """The rows of stored measurement documents; ``device_name(source id)`` names the source."""
    rows: list[ExportRow] = []
    for doc in docs:
        source = str(doc["source"]["id"])
        for fragment, members in doc.items():
            if fragment in RESERVED or not isinstance(members, dict):
                continue
            for name, member in members.items():
                if is_valid_series(member):
                    rows.append(
                        ExportRow(
                            doc["time"],
                            source,
                            device_name(source),
                            f"{fragment}.{name}",
                            member["value"],
                            member.get("unit", ""),
                        )
                    )
    return rows


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    """UTF-8 CSV with a header row and ``\\r\\n`` line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: Sequence[ExportRow]) -> bytes:
    """An Office Open XML workbook with one sheet, :data:`SHEET`: the header, then the rows."""
    from openpyxl import Workbook  # imported on first export: it costs start-up time otherwise

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_type(accept: str | None) -> str | None:
    """The export media type ``accept`` asks for, or None when it accepts JSON (or anything)."""
    if not accept:
        return None
    entries = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
    if any(e == "*/*" or e.endswith("json") for e in entries):
        return None
    return next((e for e in entries if e in EXPORT_TYPES), None)


def render(media_type: str, rows: Sequence[ExportRow]) -> bytes:
    """The export body for one of :data:`EXPORT_TYPES`."""
    return to_csv(rows) if media_type == CSV else to_xlsx(rows)

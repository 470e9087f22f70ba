"""The alarm requirements (spec/alarm.yaml, and the DTM alarm roll-up of spec/dtm.yaml).

Rows in the shape of :data:`contracts.requirements._ROWS`: id, suite, sentence, spec, pointer.
"""

from __future__ import annotations

_A = "alarm.yaml"
_COLL = "/paths/~1alarm~1alarms"
_ROLLUP = "/paths/~1service~1dtm~1asset-instances~1{id}~1rollup~1alarms/get"

ALARM_ROWS: list[tuple[str, str, str, str, str]] = [
    (
        "ALARM-CREATE-1",
        "alarm-create",
        "A raised alarm answers 201 with Location and, with an Accept header, the stored alarm: status "
        "ACTIVE by default, count 1, firstOccurrenceTime = time, fragments kept; without Accept the body "
        "is empty.",
        _A,
        f"{_COLL}/post",
    ),
    (
        "ALARM-CREATE-2",
        "alarm-create",
        "source.id, type, text, severity and time are mandatory; a missing one is a 422 naming it.",
        _A,
        "/components/schemas/AlarmCreate/required",
    ),
    (
        "ALARM-DEDUP-1",
        "alarm-dedup",
        "A raise matching the source and type of an ACTIVE or ACKNOWLEDGED alarm is counted on it "
        "(count + 1, the new time; firstOccurrenceTime, text, severity kept) and answered as a new alarm "
        "is (201, Location naming it); CLEARED alarms are never merged.",
        _A,
        f"{_COLL}/post",
    ),
    (
        "ALARM-STATUS-1",
        "alarm-status",
        "ACTIVE and ACKNOWLEDGED may change into each other and into CLEARED; CLEARED is final (422, "
        "unchanged); a PUT may repeat the alarm's id and source.",
        _A,
        "/paths/~1alarm~1alarms~1{id}/put",
    ),
    (
        "ALARM-FILTER-1",
        "alarm-filters",
        "status, severity and type lists, resolved (wins over status), fragmentType and the half-open "
        "time, creationTime and lastUpdated ranges select exactly the matching alarms; count answers "
        "their number as a bare integer.",
        _A,
        f"{_COLL}/get",
    ),
    (
        "ALARM-ORDER-1",
        "alarm-filters",
        "Alarms are listed newest time first, ties by the larger id.",
        _A,
        f"{_COLL}/get",
    ),
    (
        "ALARM-PAGING-1",
        "alarm-filters",
        "Walking the pages returns every matching alarm exactly once, with currentPage, pageSize, "
        "totalPages and totalElements right, and self, next (and prev from page 2) repeating every "
        "query parameter.",
        _A,
        f"{_COLL}/get",
    ),
    (
        "ALARM-BULK-1",
        "alarm-writes",
        "PUT /alarm/alarms?<filters> sets the status of exactly the matches; CLEARED matches stay cleared.",
        _A,
        f"{_COLL}/put",
    ),
    (
        "ALARM-DELETE-1",
        "alarm-writes",
        "DELETE /alarm/alarms?<filters> deletes exactly the matches; a deleted alarm answers 404.",
        _A,
        f"{_COLL}/delete",
    ),
    (
        "ALARM-ACTIVE-1",
        "alarm-writes",
        "The source's c8y_ActiveAlarmsStatus counts its ACTIVE and ACKNOWLEDGED alarms by severity through "
        "every raise, de-duplication, status or severity change and delete.",
        _A,
        "/info/description",
    ),
    (
        "ALARM-QUIRK-1",
        "alarm-writes",
        "POST /alarm/alarms/, GET /alarm/alarms/?filter=, GET /alarm/alarms//count and PUT "
        "/alarm/alarms//<id> are served as the plain paths.",
        _A,
        "/info/description",
    ),
    (
        "ALARM-ERROR-1",
        "alarm-writes",
        "An unknown alarm id answers 404 with the Cumulocity error body (alarm/Not Found).",
        _A,
        "/components/responses/NotFound",
    ),
    (
        "SCHEMA-ALARM-1",
        "schema",
        "Every alarm operation answers with documented status codes, media types and bodies matching "
        "the schema, errors in the Cumulocity shape (Schemathesis, through the safety guard: bulk "
        "updates and deletes only scoped to a source of the run's).",
        _A,
        "/paths",
    ),
    (
        "DTM-ALARM-1",
        "dtm-alarms",
        "rollup/alarms lists the alarms of the instance's and every descendant's managed object, with "
        "the alarm filters, order and paging.",
        "dtm.yaml",
        _ROLLUP,
    ),
    (
        "DTM-ALARM-2",
        "dtm-alarms",
        "An instance's activeAlarmsStatus counts the unresolved alarms of its subtree by severity.",
        "dtm.yaml",
        "/components/schemas/AssetInstance/properties/activeAlarmsStatus",
    ),
]

ALARM_SUITES = {
    "alarm-create": "alarm",
    "alarm-dedup": "alarm",
    "alarm-status": "alarm",
    "alarm-filters": "alarm",
    "alarm-writes": "alarm",
    "dtm-alarms": "alarm",
}

"""The requirement registry: every check traces to one sentence of a spec.

Each :class:`Requirement` names the spec file and a JSON pointer into it where the rule is
written, and quotes the rule in the words of the decided behaviour (``spec/*.yaml`` descriptions
state the same rules). Report rows are one per requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.requirements_alarms import ALARM_ROWS, ALARM_SUITES
from contracts.requirements_inventory import INVENTORY_ROWS, INVENTORY_SUITES
from contracts.requirements_login import ROWS as LOGIN_ROWS
from contracts.requirements_login import SUITES as LOGIN_SUITES
from contracts.requirements_realtime import ROWS as REALTIME_ROWS
from contracts.requirements_realtime import SUITES as REALTIME_SUITES


@dataclass(frozen=True)
class Requirement:
    id: str
    suite: str
    sentence: str
    spec: str
    pointer: str


_M = "measurement.yaml"
_I = "inventory.yaml"
_D = "dtm.yaml"
_COLL = "/paths/~1measurement~1measurements"
_SER = "/paths/~1measurement~1measurements~1series/get"
_MOD = "/paths/~1service~1dtm~1asset-models"
_INS = "/paths/~1service~1dtm~1asset-instances"

_ROWS: list[tuple[str, str, str, str, str]] = [
    # id, suite, sentence, spec, pointer
    (
        "MEAS-ERROR-2",
        "errors",
        "Every error answer (400, 404, 422; reads and writes) has its status, the error media type and "
        "error `measurement/<name>` of the status table; an id that is not digits is simply unknown (404).",
        _M,
        "/info/description",
    ),
    (
        "MEAS-ROLE-1",
        "roles",
        "Missing or wrong credentials answer 401 `security/Unauthorized` with `WWW-Authenticate: Basic "
        'realm="Cumulocity"`, or `XBasic realm="Cumulocity"` when the request carries `UseXBasic: true`.',
        _M,
        "/components/responses/Unauthorized",
    ),
    (
        "MEAS-ROLE-2",
        "roles",
        "A user with read roles only (--readonly-user) reads with 200; creating and deleting answer 403 "
        "`security/Forbidden` and change nothing.",
        _M,
        "/info/description",
    ),
    (
        "MEAS-WRITE-1",
        "writes",
        "A created measurement (any time format and offset, any number, units, custom fragments) is "
        "answered 201 with Location = its self, the media type Accept asks for, and the body as sent plus "
        "id and self; without Accept the body is empty; GET by id answers the same.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-WRITE-2",
        "writes",
        "A bulk create answers 201 with the collection media type, Location = the collection URL and every "
        "measurement as stored, in order (an empty list: 201 with an empty list); one invalid item at any "
        "index is a 422 naming `measurements[i]` and stores nothing.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-WRITE-3",
        "writes",
        "Every documented validation rule of a measurement (required fields, numeric finite value, "
        "non-empty unit, names without whitespace or `. , * [ ] ( ) @ $`) is a 422 "
        "`measurement/validationError` naming the field, and nothing is stored.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-QUERY-1",
        "queries",
        "Every documented parameter of GET /measurement/measurements, alone and combined (filters, date "
        "bounds in every format, revert, pageSize, currentPage, withTotalPages, withTotalElements): every "
        "page holds exactly the model's items, statistics and self/next/prev links.",
        _M,
        f"{_COLL}/get",
    ),
    (
        "MEAS-QUERY-2",
        "queries",
        "DELETE /measurement/measurements with any combination of its filters removes exactly what GET "
        "with the same filters lists, and nothing else.",
        _M,
        f"{_COLL}/delete",
    ),
    (
        "SERIES-QUERY-1",
        "series",
        "Every combination of the series parameters (series, date bounds, aggregationType, "
        "aggregationInterval of every unit, aggregationFunction, revert) answers exactly the model's "
        "values, series and truncated.",
        _M,
        _SER,
    ),
    (
        "MEAS-AUTH-1",
        "errors",
        "Missing or wrong credentials are answered with 401 and a "
        '`WWW-Authenticate: Basic realm="Cumulocity"` challenge.',
        _M,
        "/components/responses/Unauthorized",
    ),
    (
        "MEAS-ERROR-1",
        "errors",
        'Errors carry {error: "<resource>/<name>", message, info} with the media type '
        "application/vnd.com.nsn.cumulocity.error+json.",
        _M,
        "/components/schemas/Error",
    ),
    (
        "MEAS-CREATE-1",
        "create",
        "A POST with an Accept header answers 201 with the stored measurement "
        "(server-assigned digit id, self) and a Location header.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-CREATE-2",
        "create",
        "A POST without an Accept header answers 201 with an empty body.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-CREATE-3",
        "create",
        "time, type and source.id are required; a measurement missing them is "
        "answered 422 naming every missing field.",
        _M,
        "/components/schemas/Measurement/required",
    ),
    (
        "MEAS-CREATE-4",
        "create",
        "Fragments, series values and units are stored as sent and `time` is returned as sent.",
        _M,
        "/components/schemas/Measurement",
    ),
    (
        "MEAS-CREATE-5",
        "create",
        "Invalid series are never refused: a fragment mixing valid and invalid series is stored with "
        "only its valid series (201); a fragment of only invalid series is kept whole as a plain "
        "property, absent from /series and from valueFragmentType, present for fragmentType.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-MODE-1",
        "create",
        "X-Cumulocity-Processing-Mode: PERSISTENT (default) and QUIESCENT store, TRANSIENT and CEP "
        "answer 201 with the measurement but store nothing (GET of the id is 404, not listed), and "
        "their DELETE deletes nothing; a QUIESCENT DELETE deletes; any other mode is a 4xx naming "
        "the header.",
        _M,
        "/info/description",
    ),
    (
        "MEAS-EXPORT-1",
        "queries",
        "Accept text/csv, application/vnd.ms-excel or application/xlsx answers the same page as a "
        "file in that media type: header time,source,device_name,fragment.series,value,unit and one "
        "row per series value.",
        _M,
        f"{_COLL}/get",
    ),
    (
        "SERIES-OFFSET-1",
        "series",
        "Unaggregated series keys are the measurement instants in the offset their time was written with "
        "(Z when written with Z or none).",
        _M,
        f"{_SER}",
    ),
    (
        "MEAS-BULK-1",
        "create",
        "A bulk POST is all-or-nothing: one invalid measurement -> 422 naming its index and nothing stored.",
        _M,
        f"{_COLL}/post",
    ),
    (
        "MEAS-GET-1",
        "get",
        "GET /measurement/measurements/{id} returns the stored measurement.",
        _M,
        "/paths/~1measurement~1measurements~1{id}/get",
    ),
    (
        "MEAS-GET-2",
        "get",
        "GET or DELETE of an unknown or deleted id answers 404 measurement/Not Found naming the id.",
        _M,
        "/paths/~1measurement~1measurements~1{id}/get/responses/404",
    ),
    (
        "MEAS-GET-3",
        "get",
        "Links in answers are absolute URLs built from the scheme and host of the request: a "
        "measurement's self leads to that measurement, its source.self (when sent) to its managed object.",
        _M,
        "/info/description",
    ),
    (
        "MEAS-FILTER-1",
        "filters",
        "source returns exactly the measurements of that managed object.",
        _M,
        f"{_COLL}/get/parameters/source",
    ),
    (
        "MEAS-FILTER-2",
        "filters",
        "type returns exactly the measurements of that type (exact match).",
        _M,
        f"{_COLL}/get/parameters/type",
    ),
    (
        "MEAS-FILTER-3",
        "filters",
        "fragmentType returns exactly the measurements having that top-level key.",
        _M,
        f"{_COLL}/get/parameters/fragmentType",
    ),
    (
        "MEAS-FILTER-4",
        "filters",
        "valueFragmentType returns exactly the measurements having a series fragment of that name.",
        _M,
        f"{_COLL}/get/parameters/valueFragmentType",
    ),
    (
        "MEAS-FILTER-5",
        "filters",
        "valueFragmentSeries returns exactly the measurements having that series "
        "(inside valueFragmentType when given).",
        _M,
        f"{_COLL}/get/parameters/valueFragmentSeries",
    ),
    (
        "MEAS-FILTER-6",
        "filters",
        "All filters are AND-ed: any combination returns exactly the matching set.",
        _M,
        f"{_COLL}/get",
    ),
    (
        "MEAS-DATE-1",
        "dates",
        "dateFrom is inclusive: a measurement at exactly dateFrom is returned.",
        _M,
        f"{_COLL}/get/parameters/dateFrom",
    ),
    (
        "MEAS-DATE-2",
        "dates",
        "dateTo is exclusive: a measurement at exactly dateTo is not returned.",
        _M,
        f"{_COLL}/get/parameters/dateTo",
    ),
    (
        "MEAS-DATE-3",
        "dates",
        "dateFrom/dateTo accept YYYY-MM-DD (midnight UTC) or a date-time with any offset; "
        "comparison is by instant.",
        _M,
        f"{_COLL}/get/parameters/dateFrom",
    ),
    (
        "MEAS-ORDER-1",
        "order",
        "Collections are ordered oldest first by time, ties broken by id ascending.",
        _M,
        f"{_COLL}/get",
    ),
    (
        "MEAS-ORDER-2",
        "order",
        "revert=true returns newest first (ties by id descending).",
        _M,
        f"{_COLL}/get/parameters/revert",
    ),
    (
        "MEAS-PAGING-1",
        "paging",
        "Walking the pages returns every matching item exactly once.",
        _M,
        "/components/parameters/currentPage",
    ),
    (
        "MEAS-PAGING-2",
        "paging",
        "statistics always holds currentPage and pageSize; totalPages by default except for range "
        "queries or withTotalPages=false, totalElements only when asked for, and correct.",
        _M,
        "/components/schemas/PageStatistics",
    ),
    (
        "MEAS-PAGING-3",
        "paging",
        "self and next are always present, prev from page 2; they echo the query with currentPage rewritten.",
        _M,
        "/components/schemas/MeasurementCollection",
    ),
    (
        "MEAS-PAGING-4",
        "paging",
        "pageSize above 2000 is trimmed to 2000, not refused.",
        _M,
        "/components/parameters/pageSize",
    ),
    ("MEAS-PAGING-5", "paging", "pageSize below 1 is answered 400.", _M, "/components/parameters/pageSize"),
    (
        "MEAS-DELETE-1",
        "delete",
        "DELETE of the collection removes exactly the measurements matching the filters and nothing else.",
        _M,
        f"{_COLL}/delete",
    ),
    (
        "MEAS-DELETE-2",
        "delete",
        "DELETE of the collection without source, dateFrom or dateTo is answered 422 and deletes nothing.",
        _M,
        f"{_COLL}/delete",
    ),
    (
        "MEAS-API-1",
        "api",
        "GET /measurement lists self, measurements.self, the 15 URI templates of the seed and the "
        "platform's measurementsForValueFragmentType and "
        "measurementsForSourceAndValueFragmentTypeAndValueFragmentSeries.",
        _M,
        "/paths/~1measurement/get",
    ),
    (
        "SERIES-RAW-1",
        "series",
        "Unaggregated series: one key per distinct instant (UTC .mmmZ), entries "
        "{min,max} positional per series, oldest first.",
        _M,
        _SER,
    ),
    (
        "SERIES-NULL-1",
        "series",
        "An entry is null where that series has no value at that timestamp.",
        _M,
        "/components/schemas/MeasurementSeries",
    ),
    (
        "SERIES-SELECT-1",
        "series",
        "`series` selects fragment.series in the given order; without it every "
        "series found, sorted by (fragment, series).",
        _M,
        f"{_SER}/parameters",
    ),
    (
        "SERIES-TRUNC-1",
        "series",
        "At most 5000 timestamps are returned, the first 5000 in order, with truncated: true beyond.",
        _M,
        "/components/schemas/MeasurementSeries/properties/truncated",
    ),
    (
        "SERIES-AGG-1",
        "series",
        "aggregationType DAILY/HOURLY/MINUTELY buckets aligned to UTC starts, key = "
        "bucket start, entry {min,max}, empty buckets omitted.",
        _M,
        f"{_SER}/parameters",
    ),
    (
        "SERIES-INTERVAL-1",
        "series",
        "aggregationInterval buckets aligned to multiples of the width since the "
        "epoch; one key per requested aggregationFunction (stdDevSamp of one value is null).",
        _M,
        f"{_SER}/parameters",
    ),
    (
        "SERIES-PARAM-1",
        "series",
        "aggregationFunction without aggregationInterval, an unknown function or "
        "an invalid interval is answered 400.",
        _M,
        f"{_SER}/parameters",
    ),
    (
        "SERIES-PARAM-2",
        "series",
        "source, dateFrom and dateTo are mandatory: missing -> 400.",
        _M,
        f"{_SER}/parameters",
    ),
    ("SERIES-REVERT-1", "series", "revert=true orders the series newest first.", _M, f"{_SER}/parameters"),
    (
        "STATE-MEAS-1",
        "statemachine",
        "Random sequences of create, delete and query agree with a plain model "
        "of the store after every step.",
        _M,
        _COLL,
    ),
    (
        "STATE-DTM-1",
        "statemachine",
        "Random sequences of asset-instance operations keep the target's hierarchy equal to a "
        "plain-Python model.",
        _D,
        "/components/schemas/AssetInstance/properties/children",
    ),
    (
        "LINK-INV-1",
        "links",
        "Managed objects: create -> get -> update (merge) -> delete -> get answers 404.",
        _I,
        "/paths/~1inventory~1managedObjects~1{id}",
    ),
    (
        "LINK-MEAS-1",
        "links",
        "Measurements: create -> get -> delete -> get answers 404.",
        _M,
        "/paths/~1measurement~1measurements~1{id}",
    ),
    (
        "SCHEMA-MEAS-1",
        "schema",
        "Every measurement operation answers with documented status codes, "
        "media types and bodies matching the schema (Schemathesis).",
        _M,
        "/paths",
    ),
    (
        "SCHEMA-INV-1",
        "schema",
        "Every inventory operation conforms to its schema (Schemathesis).",
        _I,
        "/paths",
    ),
    ("SCHEMA-DTM-1", "schema", "Every DTM operation conforms to its schema (Schemathesis).", _D, "/paths"),
    (
        "PROXY-REQ-1",
        "proxy",
        "Every request passing the proxy is valid against its spec.",
        "*.yaml",
        "/paths",
    ),
    (
        "PROXY-RESP-1",
        "proxy",
        "Every response passing the proxy is valid against its spec.",
        "*.yaml",
        "/paths",
    ),
    (
        "DTM-ERROR-1",
        "dtm-errors",
        "Every DTM error answer (400, 404, 409, 422) has its status, the error media type and error "
        "`dtm/<name>` of the status table.",
        _D,
        "/info/description",
    ),
    (
        "DTM-ROLE-1",
        "dtm-roles",
        "Missing or wrong credentials on the DTM API answer 401 with the `WWW-Authenticate` challenge.",
        _D,
        "/components/responses/Unauthorized",
    ),
    (
        "DTM-ROLE-2",
        "dtm-roles",
        "A user with read roles only (--readonly-user) lists and reads models and instances with 200; "
        "every write answers 403 `security/Forbidden` and changes nothing.",
        _D,
        "/info/description",
    ),
    (
        "DTM-WRITE-1",
        "dtm-writes",
        "Model create and update answers (201 with Location, 200) carry the stored model: a top-level "
        "merge where null removes a field and lists are replaced; names of 1 to 254 characters.",
        _D,
        f"{_MOD}~1{{id}}/put",
    ),
    (
        "DTM-QUERY-1",
        "dtm-queries",
        "The list filters (name on models; model, parent and name on instances) combined with paging: "
        "every page holds exactly the matching items in id order, with statistics and links.",
        _D,
        _INS + "/get",
    ),
    (
        "STATE-DTM-2",
        "dtm-machine",
        "Random sequences over models with inheritance of any depth and instances with values of every "
        "type, valid and invalid: every answer and every later read equals the model (defaults, properties, "
        "children, computed values).",
        _D,
        "/components/schemas/AssetInstance",
    ),
    (
        "DTM-MODEL-1",
        "dtm-models",
        "An asset model round-trips: POST then GET returns the same name, properties and allowedSubtypes.",
        _D,
        f"{_MOD}/post",
    ),
    (
        "DTM-MODEL-2",
        "dtm-models",
        "Model names are unique: a duplicate name is answered 409.",
        _D,
        f"{_MOD}/post/responses/409",
    ),
    (
        "DTM-LINK-1",
        "dtm-models",
        "Instances: create -> get -> update -> delete -> get answers 404.",
        _D,
        "/paths/~1service~1dtm~1asset-instances~1{id}",
    ),
    (
        "DTM-PROP-1",
        "dtm-properties",
        "Property values are checked against their type (TEXT, NUMBER, BOOLEAN, "
        "DATE, ENUM, REFERENCE): valid values stored, invalid ones 422.",
        _D,
        "/components/schemas/AssetProperty",
    ),
    (
        "DTM-PROP-2",
        "dtm-properties",
        "A missing required property is 422 naming the key; an absent optional "
        "property with a default gets the default.",
        _D,
        "/components/schemas/AssetProperty",
    ),
    (
        "DTM-PROP-3",
        "dtm-properties",
        "Unknown property keys are answered 422 naming them.",
        _D,
        "/components/schemas/AssetInstance",
    ),
    (
        "DTM-SUB-1",
        "dtm-hierarchy",
        "A child's model must be allowed by the parent's allowedSubtypes "
        "(a submodel of a listed model is allowed); otherwise 422.",
        _D,
        "/components/schemas/AssetModel",
    ),
    (
        "DTM-TREE-1",
        "dtm-hierarchy",
        "The server maintains children through create, move (PUT parent) and delete.",
        _D,
        "/components/schemas/AssetInstance/properties/children",
    ),
    (
        "DTM-TREE-2",
        "dtm-hierarchy",
        "Moving an instance under itself or a descendant is answered 422.",
        _D,
        f"{_INS}/put",
    ),
    (
        "DTM-FILTER-1",
        "dtm-hierarchy",
        "?model=<id> returns instances of that model and of its submodels, transitively.",
        _D,
        f"{_INS}/get/parameters/model",
    ),
    (
        "DTM-INHERIT-1",
        "dtm-models",
        "An instance of a submodel is validated against the effective model "
        "(inherited properties, required and defaults).",
        _D,
        "/components/schemas/AssetModel/properties/extends",
    ),
    (
        "DTM-SMART-1",
        "dtm-smart",
        "Smart functions are computed on every read; values equal the expression "
        "evaluated over the instance's properties (null and computedErrors on runtime errors).",
        _D,
        "/components/schemas/SmartFunction",
    ),
    (
        "DTM-CSV-1",
        "dtm-csv",
        "CSV import is all-or-nothing: any invalid row -> 422 listing every error, "
        "nothing created; success -> 201 with the created ids in file order.",
        _D,
        "/paths/~1service~1dtm~1asset-imports/post",
    ),
    (
        "DTM-DELETE-1",
        "dtm-delete",
        "Deleting a model in use (instances, extending models) is answered 409.",
        _D,
        "/paths/~1service~1dtm~1asset-models~1{id}/delete",
    ),
    (
        "DTM-DELETE-2",
        "dtm-delete",
        "Deleting an instance with children is 409 unless cascade=true, which deletes the subtree.",
        _D,
        "/paths/~1service~1dtm~1asset-instances~1{id}/delete",
    ),
]

_ROWS += ALARM_ROWS
_ROWS += REALTIME_ROWS
_ROWS += LOGIN_ROWS
_ROWS += INVENTORY_ROWS
REQUIREMENTS: dict[str, Requirement] = {row[0]: Requirement(*row) for row in _ROWS}

API_OF_SUITE = {
    "errors": "measurement",
    "create": "measurement",
    "get": "measurement",
    "filters": "measurement",
    "dates": "measurement",
    "order": "measurement",
    "paging": "measurement",
    "delete": "measurement",
    "api": "measurement",
    "series": "measurement",
    "statemachine": "measurement",
    "links": "inventory",
    "schema": "all",
    "dtm-models": "dtm",
    "dtm-properties": "dtm",
    "dtm-hierarchy": "dtm",
    "dtm-smart": "dtm",
    "dtm-csv": "dtm",
    "dtm-delete": "dtm",
    "dtm-errors": "dtm",
    "dtm-roles": "dtm",
    "dtm-writes": "dtm",
    "dtm-queries": "dtm",
    "dtm-machine": "dtm",
    "writes": "measurement",
    "queries": "measurement",
    "roles": "measurement",
    "proxy": "all",
    **ALARM_SUITES,
    **REALTIME_SUITES,
    **LOGIN_SUITES,
    **INVENTORY_SUITES,
}


# The --api a SCHEMA-* requirement belongs to, by the spec Schemathesis runs over.
SCHEMA_API_OF_SPEC = {
    _M: "measurement",
    _I: "inventory",
    _D: "dtm",
    "alarm.yaml": "alarm",
    "notification2.yaml": "realtime",
}


def api_of(requirement: Requirement) -> str:
    if requirement.id.startswith("SCHEMA-"):
        return SCHEMA_API_OF_SPEC[requirement.spec]
    if requirement.id == "LINK-MEAS-1":
        return "measurement"
    return API_OF_SUITE[requirement.suite]


def selected(requirement: Requirement, api: str, only: list[str]) -> bool:
    """Whether ``--api`` and ``--only`` select the requirement (suite names or id prefixes)."""
    if requirement.suite == "proxy":  # checked by `python -m contracts proxy`, not by `run`
        return False
    if api != "all" and api_of(requirement) != api:
        return False
    if not only:
        return True
    return any(
        requirement.suite.lower() == o.lower() or requirement.id.lower().startswith(o.lower()) for o in only
    )

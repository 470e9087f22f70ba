"""CSV bulk import of asset instances: parse, validate every row, then create all or nothing.

The file is UTF-8 text, comma-separated, RFC 4180 quoting, with a header row (line 1).
Columns: ``model`` (model NAME), ``name``, ``path``, ``managedObjectId`` (a managed-object id
or an external id of type ``externalIdType``, default ``c8y_Serial``), ``description``
and one column per property key (a type hint in parentheses is ignored:
``maxPower (NUMBER)``). Every problem is collected as ``{row, column, message}`` (row = line
number in the file, column = header text or None); any problem means nothing is created.

Rows are validated against the store's current state plus the rows above them: a path
segment may name a row above, so validated rows are kept as *pending* nodes in a
name index until the whole file passes, and only then inserted in file order. The import
uses only the store's public operations, inside :meth:`DtmStore.atomic`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypedDict

from mockserver.dtm import instances as rules
from mockserver.dtm.models import Problem
from mockserver.dtm.records import InstanceDraft
from mockserver.dtm.registry import EffectiveModel
from mockserver.dtm.store import DtmStore
from mockserver.dtm.values import is_number
from mockserver.errors import ValidationError
from mockserver.ids import is_server_id

MAX_ROWS = 10_000
FIXED_COLUMNS = ("model", "name", "path", "managedObjectId", "externalIdType", "description")
DEFAULT_EXTERNAL_ID_TYPE = "c8y_Serial"

#: ``(type, externalId) -> managed-object id or None``: the identity API's lookup.
ExternalIds = Callable[[str, str], "str | None"]
_HINT = re.compile(r"^(.*?)\s*\([^()]*\)\s*$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

#: A node of the hierarchy during an import: an existing instance id or ("row", line).
Node = str | tuple[str, int]


class CsvProblem(TypedDict, total=False):
    """One problem of the file: its line (``row``) and header (``column``), or a request field."""

    row: int
    column: str | None
    field: str
    message: str


class ImportBody(TypedDict):
    """The answer of an import: how many instances were created, their ids, the data rows."""

    created: int
    assetInstances: list[str]
    rows: int


@dataclass
class Row:
    """One validated (or partly valid) data row, kept until the whole file is known good."""

    line: int
    model_id: str | None
    parent: Node | None
    draft: InstanceDraft | None


@dataclass
class ImportReport:
    """What :func:`import_csv` did: ids in file order (empty on a dry run)."""

    rows: int
    created: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_body(self) -> ImportBody:
        return {"created": len(self.created), "assetInstances": list(self.created), "rows": self.rows}


def column_key(header: str) -> str:
    """The column a header names, without a type hint: ``maxPower (NUMBER)`` -> ``maxPower``."""
    match = _HINT.match(header)
    return match.group(1).strip() if match else header


def parse_cell(kind: str, cell: str) -> tuple[Any, str | None]:
    """The JSON value a non-empty cell stands for, or an error sentence."""
    if kind == "NUMBER":
        if not _DECIMAL.match(cell.strip()):
            return None, f"The value {cell!r} is not a decimal number."
        text = cell.strip()
        try:
            value = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return None, f"The value {cell[:40]!r} has too many digits."
        if not is_number(value):
            return None, f"The value {cell!r} is not a finite number."
        return value, None
    if kind == "BOOLEAN":
        lowered = cell.strip().lower()
        if lowered not in ("true", "false"):
            return None, f"The value {cell!r} is not true or false."
        return lowered == "true", None
    return cell, None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) per non-blank CSV record; csv.Error propagates."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    for cells in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if cells:
            yield start, cells


class _Import:
    def __init__(self, store: DtmStore, parent: str | None, external_ids: ExternalIds | None = None) -> None:
        self.store = store
        self.external_ids = external_ids
        self.parent = parent
        self.errors: list[CsvProblem] = []
        self.rows: list[Row] = []
        self.model_by_name = store.model_ids_by_name()
        self.known_keys = store.property_keys()
        self.children: dict[Node | None, dict[str, list[Node]]] = {}
        self.pending_model: dict[Node, str] = {}
        self.used_mos: dict[str, int] = {}
        self.headers: list[str] = []

    def error(self, row: int, column: str | None, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    # -------------------------------------------------------------- header
    def header(self, cells: list[str]) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        self.headers = cells
        for index, header in enumerate(cells):
            key = column_key(header)
            if key in columns:
                self.error(1, header, f"The column {key!r} appears more than once in the header.")
            elif key not in FIXED_COLUMNS and key not in self.known_keys:
                self.error(
                    1,
                    header,
                    f"The header {header!r} is neither one of {', '.join(FIXED_COLUMNS)} nor a property key "
                    "of any asset model.",
                )
            columns[key] = index
        for required in ("model", "name"):
            if required not in columns:
                self.error(1, None, f"The header has no {required!r} column, which is required.")
        return columns

    # -------------------------------------------------------------- hierarchy
    def index(self, node: Node | None) -> dict[str, list[Node]]:
        """Children by name at ``node`` (None = the import root level), built on first use."""
        found = self.children.get(node)
        if found is None:
            named = self.store.children_named(node) if node is None or isinstance(node, str) else {}
            found = self.children[node] = {name: list[Node](ids) for name, ids in named.items()}
        return found

    def resolve_path(self, line: int, path: str, column: str) -> tuple[bool, Node | None]:
        node: Node | None = self.parent
        if not path.strip():
            return True, node
        for position, segment in enumerate(path.split("/"), start=1):
            matches = self.index(node).get(segment, [])
            if not matches:
                self.error(
                    line, column, f"No asset instance named {segment!r} was found at path segment {position}."
                )
                return False, None
            if len(matches) > 1:
                self.error(
                    line,
                    column,
                    f"The path segment {position} ({segment!r}) matches {len(matches)} instances.",
                )
                return False, None
            node = matches[0]
        return True, node

    def node_model(self, node: Node) -> str | None:
        if isinstance(node, str):
            return self.store.model_of(node)
        return self.pending_model.get(node)

    # -------------------------------------------------------------- rows
    def row(self, line: int, cells: list[str], columns: dict[str, int]) -> None:
        if len(cells) != len(self.headers):
            self.error(line, None, f"The row has {len(cells)} cells; the header has {len(self.headers)}.")
            return

        def cell(key: str) -> str:
            return cells[columns[key]] if key in columns else ""

        header_of = {key: self.headers[index] for key, index in columns.items()}
        name = cell("name")
        model_id = self.model_by_name.get(cell("model"))
        if model_id is None:
            self.error(line, header_of["model"], f"No asset model is named {cell('model')!r}.")
        ok, parent = self.resolve_path(line, cell("path"), header_of.get("path", "path"))
        node: Node = ("row", line)
        if name and ok:
            self.index(parent).setdefault(name, []).append(node)
        if model_id is None:
            return
        self.pending_model[node] = model_id
        model = self.store.effective(model_id)
        problems: list[Problem] = []
        body: dict[str, Any] = {"name": name}
        for key in ("description", "managedObjectId"):
            if cell(key) != "":
                body[key] = cell(key)
        device = self.device(body.pop("managedObjectId", ""), cell("externalIdType"), problems)
        if device:
            body["managedObjectId"] = device
        rules.check_header_fields(body, problems)
        properties, unset = self.properties(line, cells, columns, header_of, model)
        stored = rules.normalise_properties(
            properties, model, self.store.model_of, self.store.is_submodel, problems, unset=unset
        )
        if ok and parent is not None:
            parent_model = self.node_model(parent)
            if parent_model is not None and not rules.allowed_child(
                self.store.effective(parent_model), model.chain
            ):
                problems.append(
                    ("path", f"Asset model {model_id} is not allowed under model {parent_model}.")
                )
        mo = body.get("managedObjectId")
        self.check_managed_object(line, mo, problems)
        for field_path, message in problems:
            key = (field_path or "").removeprefix("properties.")
            self.error(line, header_of.get(key, header_of.get("name") if key == "name" else None), message)
        draft = InstanceDraft(
            model_id=model_id,
            name=name,
            description=body.get("description"),
            managed_object_id=mo,
            parent=parent if isinstance(parent, str) else None,
            properties=stored,
        )
        if ok:
            self.rows.append(Row(line, model_id, parent, draft if not problems else None))

    def device(self, value: str, external_type: str, problems: list[Problem]) -> str:
        """The device cell as a managed-object id: an existing id as is, else the managed object
        the external id ``(external_type or c8y_Serial, value)`` names; a problem when neither."""
        if not value or (is_server_id(value) and self.store.managed_object_exists(value)):
            return value
        kind = external_type or DEFAULT_EXTERNAL_ID_TYPE
        found = self.external_ids(kind, value) if self.external_ids is not None else None
        if found is None:
            message = (
                f"No managed object has the id {value!r}, and no external id of type {kind!r} has that value."
            )
            problems.append(("managedObjectId", message))
        return found or ""

    def check_managed_object(self, line: int, mo: Any, problems: list[Problem]) -> None:
        """A managedObjectId cell must name an unlinked managed object no row above names."""
        if not is_server_id(mo):
            return
        linked = self.store.linked_instance(mo)
        if not self.store.managed_object_exists(mo):
            problems.append(("managedObjectId", f"No managed object has the id {mo!r}."))
        elif linked is not None:
            problems.append(
                ("managedObjectId", f"Managed object {mo} is already linked to asset instance {linked}.")
            )
        elif mo in self.used_mos:
            problems.append(
                ("managedObjectId", f"Managed object {mo} is also used on line {self.used_mos[mo]}.")
            )
        else:
            self.used_mos[mo] = line

    def properties(
        self,
        line: int,
        cells: list[str],
        columns: dict[str, int],
        header_of: dict[str, str],
        model: EffectiveModel,
    ) -> tuple[dict[str, Any], frozenset[str]]:
        """The row's property values, and the keys whose cell is the literal ``null`` (no default)."""
        values: dict[str, Any] = {}
        unset: set[str] = set()
        for key, index in columns.items():
            if key in FIXED_COLUMNS:
                continue
            text = cells[index]
            if text == "null":
                unset.add(key)
                continue
            if text == "":
                continue
            prop = model.properties.get(key)
            if prop is None:
                self.error(
                    line,
                    header_of[key],
                    f"Asset model {model.id} has no property {key!r}; leave the cell empty.",
                )
                continue
            value, problem = parse_cell(str(prop["type"]), text)
            if problem:
                self.error(line, header_of[key], problem)
                continue
            values[key] = value
        return values, frozenset(unset)


def import_csv(
    store: DtmStore,
    text: str,
    *,
    parent: str | None = None,
    dry_run: bool = False,
    owner: str = "admin",
    external_ids: ExternalIds | None = None,
) -> ImportReport:
    """Validate every row of ``text`` and create them all (422 listing every problem, else the report).

    ``external_ids`` resolves a device cell that is not a managed-object id (the identity API)."""
    with store.atomic():
        job = _Import(store, parent, external_ids)
        if parent is not None and not store.has_instance(parent):
            _fail(
                [{"field": "parent", "message": f"The parent asset instance {parent!r} does not exist."}],
                f"The parent asset instance {parent!r} does not exist.",
            )
        try:
            records = list(_records(text))
        except csv.Error as exc:
            _fail(
                [{"message": f"The file is not valid CSV: {exc}."}],
                f"The file is not valid CSV: {exc}.",
            )
        if not records:
            _fail(
                [{"row": 1, "column": None, "message": "The file is empty; a header row is required."}],
                "The CSV file is empty; a header row is required.",
            )
        if len(records) - 1 > MAX_ROWS:
            _fail(
                [
                    {
                        "message": f"The file has {len(records) - 1} data rows; at most "
                        f"{MAX_ROWS} are allowed.",
                    }
                ],
                f"The CSV file has more than {MAX_ROWS} data rows.",
            )
        columns = job.header(records[0][1])
        if not job.errors and columns is not None:
            for line, cells in records[1:]:
                job.row(line, cells, columns)
        if job.errors:
            order = {header: index for index, header in enumerate(job.headers)} if job.headers else {}
            job.errors.sort(key=lambda e: (e.get("row") or 0, order.get(str(e.get("column")), len(order))))
            _fail(
                job.errors,
                f"The CSV file has {len(job.errors)} problem(s); nothing was imported. First: "
                f"line {job.errors[0]['row']}: {job.errors[0]['message']}",
            )
        report = ImportReport(rows=len(job.rows), dry_run=dry_run)
        if not dry_run:
            _insert(store, job.rows, report, owner)
        return report


def _insert(store: DtmStore, rows: list[Row], report: ImportReport, owner: str) -> None:
    """Create the validated rows in file order, children under the ids their parents got."""
    new_ids: dict[Node, str] = {}
    for row in rows:
        assert row.draft is not None
        draft = row.draft
        if row.parent is not None and not isinstance(row.parent, str):
            draft = draft.under(new_ids[row.parent])
        new_id = store.insert(draft, owner=owner)
        new_ids[("row", row.line)] = new_id
        report.created.append(new_id)


def _fail(errors: list[CsvProblem], message: str) -> NoReturn:
    raise ValidationError(message, resource="dtm", details=errors)

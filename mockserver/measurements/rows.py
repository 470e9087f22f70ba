"""How the measurement store keeps one measurement: a row of typed columns.

A row per measurement stored since the last clear, with ``id = base + row`` (ids only grow, so
row order is id order). The columns: epoch-µs time; interned source, type and *shape* codes (a
shape is the set of top-level fragments and (fragment, series) pairs a measurement has, shared
by every measurement of that form); an alive flag; and the payload, the JSON bytes of the
document without ``id`` and ``source`` (None once deleted). A payload is parsed again to give a
document back (:meth:`Rows.doc`), or spliced into an answer as it is (:meth:`Rows.stored`,
:func:`mockserver.http.links.measurements_json`).

The time indexes over these rows, and the queries, are the store's
(:mod:`mockserver.measurements.store`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from mockserver.errors import NotFound
from mockserver.ids import is_server_id
from mockserver.jsoncodec import decode_payload, encode_payload, payload_json
from mockserver.measurements.validation import RESOURCE, NormalisedMeasurement

Shape = tuple[frozenset[str], tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class StoredMeasurements:
    """Measurements as stored, in answer order, as three parallel columns: the ids, their
    sources' ids, and the bodies, each the JSON text of the object holding every other member
    (``time``, ``type``, the fragments). Columns, not one object per measurement, because a
    page is turned into bytes in one pass (:func:`mockserver.http.links.measurements_json`)."""

    ids: list[int]
    source_ids: list[str]
    bodies: list[bytes]

    def __len__(self) -> int:
        return len(self.ids)


class Interned:
    """Values <-> small int codes, so per-row columns hold 4-byte ints."""

    __slots__ = ("codes", "values")

    def __init__(self) -> None:
        self.codes: dict[Any, int] = {}
        self.values: list[Any] = []

    def code(self, value: Any) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code


class Rows:
    """The columns of every measurement stored since ``base`` (see the module docstring).

    Not thread-safe: the store holds its lock around every call.
    """

    def __init__(self, base: int) -> None:
        self.base = base
        self.time = array("q")
        self.source = array("i")
        self.type = array("i")
        self.shape = array("i")
        self.alive = bytearray()
        self.payload: list[bytes | None] = []
        self.live = 0
        self.sources = Interned()
        self.types = Interned()
        self.shapes = Interned()  # codes of Shape values
        # (fragment names, series pairs) in document order -> shape code: skips re-sorting.
        self._shape_of_form: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], int] = {}

    def append(self, m: NormalisedMeasurement) -> int:
        """Store ``m`` in a new row and return the row number."""
        form = (tuple(m.fragments), tuple((s.fragment, s.series) for s in m.series))
        shape = self._shape_of_form.get(form)
        if shape is None:
            pairs = tuple(sorted(set(form[1])))
            shape = self._shape_of_form[form] = self.shapes.code((frozenset(form[0]), pairs))
        row = len(self.payload)
        self.time.append(m.epoch_us)
        self.source.append(self.sources.code(m.source_id))
        self.type.append(self.types.code(m.type))
        self.shape.append(shape)
        self.alive.append(1)
        self.payload.append(encode_payload({"time": m.time_text, "type": m.type, **m.fragments}))
        self.live += 1
        return row

    def kill(self, row: int) -> None:
        """Mark ``row`` deleted and drop its payload (its columns stay, for the indexes to find)."""
        self.payload[row] = None
        self.alive[row] = 0
        self.live -= 1

    def row_of(self, id: str) -> int:
        """The row of the live measurement ``id``; 404 ``measurement/Not Found`` naming the id."""
        row = int(id) - self.base if is_server_id(id) else -1
        if not 0 <= row < len(self.payload) or self.payload[row] is None:
            raise NotFound(f"Measurement with id {id!r} does not exist.", resource=RESOURCE)
        return row

    def series_pairs(self, row: int) -> tuple[tuple[str, str], ...]:
        """The (fragment, series) pairs of ``row``'s measurement."""
        shape: Shape = self.shapes.values[self.shape[row]]
        return shape[1]

    def doc(self, row: int) -> dict[str, Any]:
        """A fresh document of the live ``row``, with ``id`` and without ``self``."""
        payload = self.payload[row]
        assert payload is not None
        body = decode_payload(payload)
        return {
            "id": str(self.base + row),
            "time": body.pop("time"),
            "type": body.pop("type"),
            "source": {"id": self.sources.values[self.source[row]]},
            **body,
        }

    def stored(self, rows: list[int]) -> StoredMeasurements:
        """The live ``rows`` as stored, in the order given."""
        payloads, sources, names, base = self.payload, self.source, self.sources.values, self.base
        return StoredMeasurements(
            ids=[base + row for row in rows],
            source_ids=[names[sources[row]] for row in rows],
            bodies=[payload_json(payloads[row]) for row in rows],  # type: ignore[arg-type]
        )

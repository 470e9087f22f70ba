"""Handlers of spec/measurement.yaml (operationIds get*/post*/delete*Measurement*Resource)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.errors import BadRequest
from mockserver.events import PROCESSING_MODES, ProcessingMode
from mockserver.http.links import (
    MEASUREMENTS,
    measurement_api_resource,
    measurement_json,
    measurement_page_json,
    present_measurement,
)
from mockserver.http.media import JSON, current_request, json_response, mime_of, vendor
from mockserver.http.offload import json_off_loop, off_loop
from mockserver.inventory import InventoryStore
from mockserver.jsoncodec import dumps
from mockserver.measurements import MeasurementFilter, MeasurementStore, SeriesQuery
from mockserver.measurements.export import export_rows, export_type, render
from mockserver.paging import PageRequest
from mockserver.state import MockState

READ = ("ROLE_MEASUREMENT_READ",)
ADMIN = ("ROLE_MEASUREMENT_ADMIN",)
SINGLE = vendor("measurement")
COLLECTION = vendor("measurementcollection")
API = vendor("measurementapi")
MODE_HEADER = "X-Cumulocity-Processing-Mode"


def processing_mode() -> ProcessingMode:
    """The write's processing mode: the header's value, PERSISTENT without one; 400 otherwise
    (Connexion checks the spec's enum first; this holds for any route to the handler)."""
    value = current_request().processing_mode
    if value is None:
        return "PERSISTENT"
    if value not in PROCESSING_MODES:
        raise BadRequest(
            f"Header {MODE_HEADER} has the value {value!r}; expected one of {', '.join(PROCESSING_MODES)}."
        )
    return value


class MeasurementHandlers:
    """The measurement API over :class:`~mockserver.measurements.MeasurementStore`."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getMeasurementApiResource": READ,
        "getMeasurementCollectionResource": READ,
        "getMeasurementResource": READ,
        "getMeasurementSeriesResource": READ,
        "postMeasurementCollectionResource": ADMIN,
        "deleteMeasurementCollectionResource": ADMIN,
        "deleteMeasurementResource": ADMIN,
    }

    def __init__(self, state: MockState) -> None:
        self.state = state

    @property
    def store(self) -> MeasurementStore:
        """The measurements store of the tenant the request acts for (see mockserver/state.py)."""
        return self.state.measurements

    @property
    def inventory(self) -> InventoryStore:
        """The inventory store of the tenant the request acts for."""
        return self.state.inventory

    def _device_name(self, source: str) -> str:
        if not self.inventory.exists(source):
            return ""
        name = self.inventory.get(source).get("name")
        return name if isinstance(name, str) else ""

    async def get_measurement_api_resource(self) -> Response:
        request = current_request()
        return json_response(measurement_api_resource(request.base_url), media_type=request.answer_type(API))

    async def get_measurement_collection_resource(
        self,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
        source: str | None = None,
        type_: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        fragment_type: str | None = None,
        value_fragment_type: str | None = None,
        value_fragment_series: str | None = None,
        revert: bool | None = None,
    ) -> Response:
        request = current_request()
        selection = MeasurementFilter.from_query(
            source=source,
            type=type_,
            date_from=date_from,
            date_to=date_to,
            fragment_type=fragment_type,
            value_fragment_type=value_fragment_type,
            value_fragment_series=value_fragment_series,
        )
        if with_total_pages is None:  # totalPages by default, except for range queries
            with_total_pages = date_from is None and date_to is None
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        export = export_type(request.accept)
        store = self.store
        if export is not None:  # openpyxl and csv over a page: off the loop (mockserver/http/offload.py)

            def rendered() -> bytes:
                docs, _ = store.page(selection, bool(revert), page)
                return render(export, export_rows(docs, self._device_name))

            return Response(await off_loop(rendered), media_type=export)

        def answer() -> bytes:
            items, total = store.page_stored(selection, bool(revert), page)
            return measurement_page_json(
                items,
                total,
                page,
                base_url=request.base_url,
                collection_url=request.url(MEASUREMENTS),
                query=request.query,
            )

        # Filters no index answers scan the rows (~60 ms over 100,000): off the loop. The indexed
        # reads (source, time range) stay on it, where a thread hop would cost more than the read.
        scans = any(v is not None for v in (type_, fragment_type, value_fragment_type, value_fragment_series))
        body = await off_loop(answer) if scans else answer()
        return json_response(body, media_type=request.answer_type(COLLECTION))

    async def post_measurement_collection_resource(self, payload: Any = None) -> Response:
        request = current_request()
        mode = processing_mode()
        if mime_of(request.content_type) == COLLECTION:
            docs = payload.get("measurements") if isinstance(payload, dict) else payload

            def create_all() -> bytes:
                created = self.store.create_many(docs, mode)
                return dumps({"measurements": [present_measurement(m, request.base_url) for m in created]})

            body: Any = await off_loop(create_all)
            location, media_type = request.url(MEASUREMENTS), request.answer_type(COLLECTION)
        else:
            body = present_measurement(self.store.create(payload, mode), request.base_url)
            location, media_type = body["self"], request.answer_type(SINGLE)
        return json_response(
            body if request.has_accept else None, 201, media_type=media_type, headers={"Location": location}
        )

    async def delete_measurement_collection_resource(
        self,
        source: str | None = None,
        type_: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        fragment_type: str | None = None,
        value_fragment_type: str | None = None,
        value_fragment_series: str | None = None,
    ) -> Response:
        selection = MeasurementFilter.from_query(
            source=source,
            type=type_,
            date_from=date_from,
            date_to=date_to,
            fragment_type=fragment_type,
            value_fragment_type=value_fragment_type,
            value_fragment_series=value_fragment_series,
        )
        mode = processing_mode()
        await off_loop(lambda: self.store.delete_matching(selection, mode))
        return Response(status_code=204)

    async def get_measurement_resource(self, id_: str) -> Response:
        request = current_request()
        body = measurement_json(self.store.get_stored(id_), request.base_url)
        return json_response(body, media_type=request.answer_type(SINGLE))

    async def delete_measurement_resource(self, id_: str) -> Response:
        self.store.delete(id_, processing_mode())
        return Response(status_code=204)

    async def get_measurement_series_resource(
        self,
        source: str,
        date_from: str,
        date_to: str,
        series: list[str] | None = None,
        aggregation_type: str | None = None,
        aggregation_interval: str | None = None,
        aggregation_function: list[str] | None = None,
        revert: bool | None = None,
    ) -> Response:
        query = SeriesQuery.parse(
            source=source,
            date_from=date_from,
            date_to=date_to,
            series=series or (),
            aggregation_type=aggregation_type,
            aggregation_interval=aggregation_interval,
            aggregation_function=aggregation_function or (),
            revert=bool(revert),
        )
        return await json_off_loop(lambda: self.store.series(query), media_type=JSON)

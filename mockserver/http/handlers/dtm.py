"""Handlers of spec/dtm.yaml: asset models, asset instances, roll-ups and the CSV import.

Each method unpacks Connexion's arguments and makes one call into
:class:`~mockserver.dtm.store.DtmStore`; every rule lives there. The store answers documents;
``self`` links and the collection envelope are added here (:mod:`mockserver.http.links`,
:func:`mockserver.paging.collection`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.dtm import DtmStore
from mockserver.dtm.csv_import import import_csv
from mockserver.dtm.search import search
from mockserver.errors import BadRequest
from mockserver.http.alarm_answers import alarm_page_json
from mockserver.http.handlers.alarm import alarm_filter
from mockserver.http.links import (
    ASSET_INSTANCES,
    ASSET_MODELS,
    measurement_page_json,
    present_asset_instance,
    present_asset_model,
)
from mockserver.http.media import JSON, current_request, json_response
from mockserver.http.offload import json_off_loop, off_loop
from mockserver.measurements import MeasurementFilter, SeriesQuery
from mockserver.paging import PageRequest, collection
from mockserver.state import MockState
from mockserver.users import User

READ = ("ROLE_INVENTORY_READ",)
ADMIN = ("ROLE_DIGITAL_TWIN_ASSETS_ADMIN",)


def _created(body: dict[str, Any]) -> Response:
    request = current_request()
    return json_response(
        body if request.has_accept else None, 201, media_type=JSON, headers={"Location": body["self"]}
    )


def _updated(body: dict[str, Any]) -> Response:
    return json_response(body if current_request().has_accept else None, 200, media_type=JSON)


class DtmHandlers:
    """The Digital Twin Manager API over :class:`DtmStore` (``state.dtm``)."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "listAssetModels": READ,
        "getAssetModel": READ,
        "createAssetModel": ADMIN,
        "updateAssetModel": ADMIN,
        "deleteAssetModel": ADMIN,
        "listAssetInstances": READ,
        "getAssetInstance": READ,
        "createAssetInstance": ("ROLE_DIGITAL_TWIN_ASSETS_CREATE", *ADMIN),
        "updateAssetInstance": ("ROLE_DIGITAL_TWIN_ASSETS_UPDATE", *ADMIN),
        "deleteAssetInstance": ADMIN,
        "getAssetInstanceRollupMeasurements": READ,
        "getAssetInstanceRollupSeries": READ,
        "getAssetInstanceRollupAlarms": READ,
        "importAssetInstancesCsv": ADMIN,
    }

    def __init__(self, state: MockState) -> None:
        self.state = state

    @property
    def store(self) -> DtmStore:
        """The dtm store of the tenant the request acts for (see mockserver/state.py)."""
        return self.state.dtm

    @property
    def external_ids(self) -> Callable[..., Any]:
        """The identity lookup of the tenant the request acts for."""
        return self.state.identity.resolve

    # ------------------------------------------------------------------ models
    async def list_asset_models(
        self,
        name: str | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
    ) -> Response:
        request = current_request()
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        items = self.store.list_models(name=name).then(lambda doc: present_asset_model(doc, request.base_url))
        body = collection(
            "assetModels", items, page, base_url=request.base_url + ASSET_MODELS, query=request.query
        )
        return json_response(body, media_type=JSON)

    async def create_asset_model(self, payload: Any = None) -> Response:
        return _created(present_asset_model(self.store.create_model(payload), current_request().base_url))

    async def get_asset_model(self, id_: str) -> Response:
        body = present_asset_model(self.store.get_model(id_), current_request().base_url)
        return json_response(body, media_type=JSON)

    async def update_asset_model(self, id_: str, payload: Any = None) -> Response:
        return _updated(
            present_asset_model(self.store.update_model(id_, payload), current_request().base_url)
        )

    async def delete_asset_model(self, id_: str) -> Response:
        self.store.delete_model(id_)
        return Response(status_code=204)

    # ------------------------------------------------------------------ instances
    async def list_asset_instances(
        self,
        model: str | None = None,
        parent: str | None = None,
        name: str | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
        query: str | None = None,
    ) -> Response:
        request = current_request()
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)

        def answer() -> dict[str, Any]:
            found = search(self.store.list_instances(model=model, parent=parent, name=name), query)
            items = found.then(lambda doc: present_asset_instance(doc, request.base_url))
            return collection(
                "assetInstances",
                items,
                page,
                base_url=request.base_url + ASSET_INSTANCES,
                query=request.query,
            )

        return await json_off_loop(answer, media_type=JSON)

    async def create_asset_instance(self, user: User, payload: Any = None) -> Response:
        created = self.store.create_instance(payload, owner=user.username)
        return _created(present_asset_instance(created, current_request().base_url))

    async def get_asset_instance(self, id_: str) -> Response:
        body = present_asset_instance(self.store.get_instance(id_), current_request().base_url)
        return json_response(body, media_type=JSON)

    async def update_asset_instance(self, id_: str, payload: Any = None) -> Response:
        updated = self.store.update_instance(id_, payload)
        return _updated(present_asset_instance(updated, current_request().base_url))

    async def delete_asset_instance(self, id_: str, cascade: bool | None = None) -> Response:
        self.store.delete_instance(id_, cascade=bool(cascade))
        return Response(status_code=204)

    # ------------------------------------------------------------------ roll-ups
    async def get_asset_instance_rollup_measurements(
        self,
        id_: str,
        type_: str | None = None,
        value_fragment_type: str | None = None,
        value_fragment_series: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        revert: bool | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
    ) -> Response:
        request = current_request()
        selection = MeasurementFilter.from_query(
            type=type_,
            date_from=date_from,
            date_to=date_to,
            value_fragment_type=value_fragment_type,
            value_fragment_series=value_fragment_series,
        )
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        items, total = self.store.rollup_measurements(id_, selection, bool(revert), page)
        body = measurement_page_json(
            items,
            total,
            page,
            base_url=request.base_url,
            collection_url=request.url(request.path),
            query=request.query,
        )
        return json_response(body, media_type=JSON)

    async def get_asset_instance_rollup_alarms(
        self,
        id_: str,
        status: str | None = None,
        severity: str | None = None,
        type_: str | None = None,
        resolved: bool | None = None,
        fragment_type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        last_updated_from: str | None = None,
        last_updated_to: str | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
    ) -> Response:
        request = current_request()
        selection = alarm_filter(
            None,
            None,
            None,
            status,
            severity,
            type_,
            resolved,
            fragment_type,
            date_from,
            date_to,
            created_from,
            created_to,
            last_updated_from,
            last_updated_to,
        )
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        items, total = self.store.rollup_alarms(id_, selection, page)
        body = alarm_page_json(
            items,
            total,
            page,
            base_url=request.base_url,
            collection_url=request.url(request.path),
            query=request.query,
        )
        return json_response(body, media_type=JSON)

    async def get_asset_instance_rollup_series(
        self,
        id_: str,
        date_from: str,
        date_to: str,
        series: list[str] | None = None,
        aggregation_type: str | None = None,
        aggregation_interval: str | None = None,
        aggregation_function: list[str] | None = None,
        revert: bool | None = None,
    ) -> Response:
        query = SeriesQuery.parse(
            source=(),
            date_from=date_from,
            date_to=date_to,
            series=series or (),
            aggregation_type=aggregation_type,
            aggregation_interval=aggregation_interval,
            aggregation_function=aggregation_function or (),
            revert=bool(revert),
        )
        store = self.store
        return await json_off_loop(lambda: store.rollup_series(id_, query), media_type=JSON)

    # ------------------------------------------------------------------ CSV import
    async def import_asset_instances_csv(
        self, user: User, body: Any = None, parent: str | None = None, dry_run: bool | None = None
    ) -> Response:
        if isinstance(body, bytes):
            try:
                body = body.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise BadRequest(f"The CSV body is not UTF-8 (byte {exc.start}).", resource="dtm") from None
        text, store, lookup = body or "", self.store, self.external_ids
        report = await off_loop(
            lambda: import_csv(
                store, text, parent=parent, dry_run=bool(dry_run), owner=user.username, external_ids=lookup
            )
        )
        return json_response(report.to_body(), 200 if report.dry_run else 201, media_type=JSON)

"""Handlers of spec/alarm.yaml (operationIds get*/post*/put*/delete*Alarm*Resource)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.alarms import AlarmFilter, AlarmStore
from mockserver.http.alarm_answers import ALARMS, alarm_json, alarm_page_json, alarm_url
from mockserver.http.media import JSON, current_request, json_response, vendor
from mockserver.http.offload import json_off_loop, off_loop
from mockserver.paging import PageRequest
from mockserver.state import MockState

READ = ("ROLE_ALARM_READ",)
ADMIN = ("ROLE_ALARM_ADMIN",)
SINGLE = vendor("alarm")
COLLECTION = vendor("alarmcollection")


def alarm_filter(
    source: str | None = None,
    with_source_assets: bool | None = None,
    with_source_devices: bool | None = None,
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
) -> AlarmFilter:
    """The filter of Connexion's (pythonic) query arguments."""
    return AlarmFilter.from_query(
        source=source,
        with_source_assets=with_source_assets,
        with_source_devices=with_source_devices,
        status=status,
        severity=severity,
        type=type_,
        resolved=resolved,
        fragment_type=fragment_type,
        date_from=date_from,
        date_to=date_to,
        created_from=created_from,
        created_to=created_to,
        last_updated_from=last_updated_from,
        last_updated_to=last_updated_to,
    )


class AlarmHandlers:
    """The alarm API over :class:`~mockserver.alarms.AlarmStore` (``state.alarms``)."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getAlarmCollectionResource": READ,
        "getAlarmCountResource": READ,
        "getAlarmResource": READ,
        "postAlarmCollectionResource": ADMIN,
        "putAlarmCollectionResource": ADMIN,
        "putAlarmResource": ADMIN,
        "deleteAlarmCollectionResource": ADMIN,
    }

    def __init__(self, state: MockState) -> None:
        self.state = state

    @property
    def store(self) -> AlarmStore:
        """The alarms store of the tenant the request acts for (see mockserver/state.py)."""
        return self.state.alarms

    async def get_alarm_collection_resource(
        self,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
        source: str | None = None,
        with_source_assets: bool | None = None,
        with_source_devices: bool | None = None,
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
    ) -> Response:
        request = current_request()
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        selection = alarm_filter(
            source,
            with_source_assets,
            with_source_devices,
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
        store = self.store

        def answer() -> Any:
            items, total = store.page(selection, page)
            return alarm_page_json(
                items,
                total,
                page,
                base_url=request.base_url,
                collection_url=request.url(ALARMS),
                query=request.query,
            )

        return await json_off_loop(answer, media_type=request.answer_type(COLLECTION))

    async def get_alarm_count_resource(
        self,
        source: str | None = None,
        with_source_assets: bool | None = None,
        with_source_devices: bool | None = None,
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
    ) -> Response:
        selection = alarm_filter(
            source,
            with_source_assets,
            with_source_devices,
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
        store = self.store
        return await json_off_loop(lambda: store.count(selection), media_type=JSON)

    async def post_alarm_collection_resource(self, payload: Any = None) -> Response:
        request = current_request()
        stored, _ = self.store.create(payload)
        body = alarm_json(stored, request.base_url) if request.has_accept else None
        return json_response(
            body,
            201,
            media_type=request.answer_type(SINGLE),
            headers={"Location": alarm_url(request.base_url, stored.id)},
        )

    async def put_alarm_collection_resource(
        self,
        payload: Any = None,
        source: str | None = None,
        with_source_assets: bool | None = None,
        with_source_devices: bool | None = None,
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
    ) -> Response:
        selection = alarm_filter(
            source,
            with_source_assets,
            with_source_devices,
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
        store = self.store
        await off_loop(lambda: store.update_matching(selection, payload))
        return Response(status_code=204)

    async def delete_alarm_collection_resource(
        self,
        source: str | None = None,
        with_source_assets: bool | None = None,
        with_source_devices: bool | None = None,
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
    ) -> Response:
        selection = alarm_filter(
            source,
            with_source_assets,
            with_source_devices,
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
        store = self.store
        await off_loop(lambda: store.delete_matching(selection))
        return Response(status_code=204)

    async def get_alarm_resource(self, id_: str) -> Response:
        request = current_request()
        body = alarm_json(self.store.get(id_), request.base_url)
        return json_response(body, media_type=request.answer_type(SINGLE))

    async def put_alarm_resource(self, id_: str, payload: Any = None) -> Response:
        request = current_request()
        stored = self.store.update(id_, payload)
        body = alarm_json(stored, request.base_url) if request.has_accept else None
        return json_response(body, 200, media_type=request.answer_type(SINGLE))

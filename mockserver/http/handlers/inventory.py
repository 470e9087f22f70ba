"""Handlers of spec/inventory.yaml: managed objects and ``GET /tenant/currentTenant``."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.http.links import MANAGED_OBJECTS, present_managed_object
from mockserver.http.media import current_request, json_response, vendor
from mockserver.http.offload import json_off_loop
from mockserver.inventory import InventoryFilter, InventoryStore
from mockserver.inventory.query import from_parameters
from mockserver.paging import PageRequest, page_links, page_slice, statistics
from mockserver.state import MockState
from mockserver.users import User

READ = ("ROLE_INVENTORY_READ",)
ADMIN = ("ROLE_INVENTORY_ADMIN",)
SINGLE = vendor("managedobject")
COLLECTION = vendor("managedobjectcollection")
CURRENT_TENANT = vendor("currenttenant")


class InventoryHandlers:
    """Managed objects over :class:`~mockserver.inventory.InventoryStore`."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getManagedObjectCollectionResource": READ,
        "getManagedObjectResource": READ,
        "postManagedObjectCollectionResource": ("ROLE_INVENTORY_ADMIN", "ROLE_INVENTORY_CREATE"),
        "putManagedObjectResource": ADMIN,
        "deleteManagedObjectResource": ADMIN,
        "getCurrentTenantResource": (),
    }

    def __init__(self, state: MockState) -> None:
        self.state = state

    @property
    def store(self) -> InventoryStore:
        """The inventory store of the tenant the request acts for (see mockserver/state.py)."""
        return self.state.inventory

    async def get_managed_object_collection_resource(
        self,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
        type_: str | None = None,
        fragment_type: str | None = None,
        ids: str | None = None,
        owner: str | None = None,
        text: str | None = None,
        query: str | None = None,
        q: str | None = None,
    ) -> Response:
        request = current_request()
        selection = InventoryFilter(
            type=type_,
            fragment_type=fragment_type,
            ids=InventoryFilter.parse_ids(ids),
            owner=owner,
            text=text,
            query=from_parameters(query, q),
        )
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)

        def answer() -> dict[str, Any]:
            found = self.store.select(selection)
            return {
                "managedObjects": [
                    present_managed_object(mo, request.base_url) for mo in page_slice(found, page)
                ],
                "statistics": statistics(page, len(found)),
                **page_links(request.url(MANAGED_OBJECTS), request.query, page),
            }

        return await json_off_loop(answer, media_type=request.answer_type(COLLECTION))

    async def post_managed_object_collection_resource(self, user: User, payload: Any = None) -> Response:
        request = current_request()
        created = present_managed_object(self.store.create(payload, owner=user.username), request.base_url)
        return json_response(
            created if request.has_accept else None,
            201,
            media_type=request.answer_type(SINGLE),
            headers={"Location": created["self"]},
        )

    async def get_managed_object_resource(self, id_: str) -> Response:
        request = current_request()
        body = present_managed_object(self.store.get(id_), request.base_url)
        return json_response(body, media_type=request.answer_type(SINGLE))

    async def put_managed_object_resource(self, id_: str, payload: Any = None) -> Response:
        request = current_request()
        updated = present_managed_object(self.store.update(id_, payload), request.base_url)
        return json_response(
            updated if request.has_accept else None, 200, media_type=request.answer_type(SINGLE)
        )

    async def delete_managed_object_resource(self, id_: str) -> Response:
        self.store.delete(id_)
        return Response(status_code=204)

    async def get_current_tenant_resource(self, user: User) -> Response:
        request = current_request()
        host = request.base_url.split("://", 1)[1]
        body = {
            "name": user.tenant,
            "domainName": host.rsplit(":", 1)[0] if not host.endswith("]") else host,
            "self": request.url("/tenant/currentTenant"),
            "allowCreateTenants": False,
        }
        return json_response(body, media_type=request.answer_type(CURRENT_TENANT))

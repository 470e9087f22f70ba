"""Handlers of spec/identity.yaml: external ids over :class:`~mockserver.inventory.identity.IdentityStore`."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.http.links import present_external_id
from mockserver.http.media import current_request, json_response, vendor
from mockserver.inventory.identity import IdentityStore
from mockserver.state import MockState

READ = ("ROLE_IDENTITY_READ", "ROLE_IDENTITY_ADMIN")
ADMIN = ("ROLE_IDENTITY_ADMIN",)
SINGLE = vendor("externalid")
COLLECTION = vendor("externalidcollection")


class IdentityHandlers:
    """External ids of managed objects."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getExternalIdCollectionResource": READ,
        "postExternalIdCollectionResource": ADMIN,
        "getExternalIdResource": READ,
        "deleteExternalIdResource": ADMIN,
    }

    def __init__(self, state: MockState) -> None:
        self.state = state

    @property
    def store(self) -> IdentityStore:
        """The identity store of the tenant the request acts for (see mockserver/state.py)."""
        return self.state.identity

    async def get_external_id_collection_resource(self, id_: str) -> Response:
        request = current_request()
        body = {
            "externalIds": [present_external_id(r, request.base_url) for r in self.store.of(id_)],
            "self": request.url(f"/identity/globalIds/{id_}/externalIds"),
        }
        return json_response(body, media_type=request.answer_type(COLLECTION))

    async def post_external_id_collection_resource(self, id_: str, payload: Any = None) -> Response:
        request = current_request()
        created = present_external_id(self.store.create(id_, payload), request.base_url)
        return json_response(
            created if request.has_accept else None,
            201,
            media_type=request.answer_type(SINGLE),
            headers={"Location": created["self"]},
        )

    async def get_external_id_resource(self, type_: str, external_id: str) -> Response:
        request = current_request()
        body = present_external_id(self.store.get(type_, external_id), request.base_url)
        return json_response(body, media_type=request.answer_type(SINGLE))

    async def delete_external_id_resource(self, type_: str, external_id: str) -> Response:
        self.store.delete(type_, external_id)
        return Response(status_code=204)

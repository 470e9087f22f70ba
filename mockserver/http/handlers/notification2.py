"""Handlers of spec/notification2.yaml: Notification 2.0 subscriptions, tokens, unsubscribe.

The rules live in :mod:`mockserver.realtime` (subscriptions, tokens, deliveries); the
consumer websocket is :mod:`mockserver.http.consumer`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.errors import NotFound
from mockserver.http.media import current_request, json_response, vendor
from mockserver.paging import PageRequest, page_links, page_slice, statistics
from mockserver.realtime.consumers import SubscriberKey
from mockserver.realtime.subscriptions import RESOURCE, Subscription, SubscriptionQuery
from mockserver.realtime.tokens import TokenRequest
from mockserver.state import MockState
from mockserver.users import User

ADMIN = ("ROLE_NOTIFICATION_2_ADMIN",)
SUBSCRIPTIONS = "/notification2/subscriptions"
SINGLE = vendor("subscription")
COLLECTION = vendor("subscriptioncollection")


def _present(sub: Subscription, base_url: str) -> dict[str, Any]:
    return {**sub.document(), "self": f"{base_url}{SUBSCRIPTIONS}/{sub.id}"}


class Notification2Handlers:
    """Subscriptions and tokens over the mock's :class:`~mockserver.realtime.RealtimeHub`."""

    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getSubscriptionCollectionResource": ADMIN,
        "postSubscriptionCollectionResource": ADMIN,
        "deleteSubscriptionCollectionResource": ADMIN,
        "getSubscriptionResource": ADMIN,
        "deleteSubscriptionResource": ADMIN,
        "postTokenResource": ADMIN,
        "postUnsubscribeResource": ADMIN,
    }

    def __init__(self, state: MockState) -> None:
        self.hub = state.realtime

    async def get_subscription_collection_resource(
        self,
        user: User,
        context: str | None = None,
        source: str | None = None,
        subscription: str | None = None,
        type_filter: str | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
    ) -> Response:
        request = current_request()
        query = SubscriptionQuery(context, source, subscription, type_filter)
        found = [s for s in self.hub.subscriptions.select(query) if s.tenant == user.tenant]
        page = PageRequest.from_query(page_size, current_page, with_total_pages, with_total_elements)
        body: dict[str, Any] = {
            "subscriptions": [_present(s, request.base_url) for s in page_slice(found, page)],
            "statistics": statistics(page, len(found)),
            **page_links(request.url(SUBSCRIPTIONS), request.query, page),
        }
        return json_response(body, media_type=request.answer_type(COLLECTION))

    async def post_subscription_collection_resource(self, user: User, payload: Any = None) -> Response:
        request = current_request()
        created = _present(self.hub.subscriptions.create(payload, tenant=user.tenant), request.base_url)
        return json_response(
            created, 201, media_type=request.answer_type(SINGLE), headers={"Location": created["self"]}
        )

    async def delete_subscription_collection_resource(
        self, user: User, context: str | None = None, source: str | None = None
    ) -> Response:
        self.hub.delete_subscriptions(SubscriptionQuery(context=context, source=source, tenant=user.tenant))
        return Response(status_code=204)

    async def get_subscription_resource(self, user: User, id_: str) -> Response:
        request = current_request()
        body = _present(self.hub.subscriptions.get(id_, tenant=user.tenant), request.base_url)
        return json_response(body, media_type=request.answer_type(SINGLE))

    async def delete_subscription_resource(self, user: User, id_: str) -> Response:
        self.hub.forget_if_unused(self.hub.subscriptions.delete(id_, tenant=user.tenant))
        return Response(status_code=204)

    async def post_token_resource(self, user: User, payload: Any = None) -> Response:
        token_request = TokenRequest.parse(payload)
        if not self.hub.subscriptions.named(user.tenant, token_request.subscription):
            raise NotFound(
                f"No subscription named {token_request.subscription!r} exists in tenant {user.tenant}; "
                "create it before asking for a token.",
                resource=RESOURCE,
            )
        token = self.hub.tokens.issue(token_request, tenant=user.tenant, user=user.username)
        return json_response({"token": token})

    async def post_unsubscribe_resource(self, token: str, payload: Any = None) -> Response:
        claims = self.hub.tokens.verify(token, revoked_ok=True)
        self.hub.deliveries.remove(SubscriberKey(claims.tenant, claims.subscription, claims.subscriber))
        self.hub.tokens.revoke(claims)
        return json_response({"result": "DONE"})

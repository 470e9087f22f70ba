"""The realtime room of one mock: both protocols, fed by the event bus.

:class:`RealtimeHub` listens on :class:`~mockserver.events.EventBus` (the one publish point
of the stores) and hands every event to the CometD engine and to Notification 2.0 delivery.
Deleting a managed object also deletes the Notification 2.0 subscriptions on it. The hub is
``MockState.realtime``; ``/_mock/reset`` forgets every client, subscription and backlog.

Routing is generic: an event's channel is ``/<family>/<source id>`` for any family (the
measurement, inventory and alarm stores publish on their own), and nothing here lists the
families. ``children_of`` (the inventory's child devices of a managed object) widens the
``alarmsWithChildren``/``eventsWithChildren`` subscriptions to a device's children.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

from mockserver.events import COMETD_MODES, Event, EventBus
from mockserver.realtime.bayeux import BayeuxEngine, BayeuxSettings
from mockserver.realtime.channels import family, last_segment
from mockserver.realtime.deliveries import Deliveries
from mockserver.realtime.subscriptions import Children, Subscription, SubscriptionQuery, SubscriptionStore
from mockserver.realtime.tokens import TokenIssuer
from mockserver.users import UserDirectory

# The resource of an event as a client sees it, given the client's base URL (links!).
Present = Callable[[Event, str], dict[str, Any]]


def _as_is(event: Event, base_url: str) -> dict[str, Any]:
    return dict(event.payload)


class RealtimeHub:
    """CometD clients, Notification 2.0 subscriptions, tokens and subscribers of one mock."""

    def __init__(
        self,
        events: EventBus,
        users: UserDirectory,
        source_exists: Callable[[str], bool],
        settings: BayeuxSettings | None = None,
        children_of: Children | None = None,
    ) -> None:
        self.bayeux = BayeuxEngine(users, settings)
        self.subscriptions = SubscriptionStore(source_exists)
        self.tokens = TokenIssuer()
        self.deliveries = Deliveries()
        self.present: Present = _as_is
        self.children_of = children_of
        self._last_data: tuple[Event, str, Any] | None = None
        self.bayeux.render = self._bayeux_data
        self._unsubscribe = events.subscribe(self.publish)

    def publish(self, event: Event) -> None:
        if event.processing_mode in COMETD_MODES:
            self.bayeux.publish(event)
        matching = self.subscriptions.matching(event, self.children_of)
        if matching:
            self.deliveries.publish(event, matching, self._notification_body)
        if event.action == "DELETE" and family(event.channel) == "managedobjects":
            self.delete_subscriptions(SubscriptionQuery(source=last_segment(event.channel)))

    def delete_subscriptions(self, query: SubscriptionQuery) -> list[Subscription]:
        """Delete the matching subscriptions; a name with no subscription left loses its subscribers."""
        gone = self.subscriptions.delete_where(query)
        for sub in gone:
            self.forget_if_unused(sub)
        return gone

    def forget_if_unused(self, sub: Subscription) -> None:
        if not self.subscriptions.named(sub.tenant, sub.name):
            self.deliveries.remove_subscription(sub.tenant, sub.name)

    def _bayeux_data(self, event: Event, base_url: str) -> Any:
        """The data of a CometD message, encoded once per event and base URL: a fan-out renders
        one event for every client in turn, and each answer embeds the same bytes
        (``orjson.Fragment``; a document orjson cannot encode stays a dict, for the fallback)."""
        last = self._last_data
        if last is not None and last[0] is event and last[1] == base_url:
            return last[2]
        data: dict[str, Any]
        if event.action == "DELETE":
            data = {"realtimeAction": "DELETE", "data": str(event.payload.get("id"))}
        else:
            data = {"realtimeAction": event.action, "data": self.present(event, base_url)}
        encoded: Any = data
        try:
            encoded = orjson.Fragment(orjson.dumps(data))
        except TypeError:
            pass
        self._last_data = (event, base_url, encoded)
        return encoded

    def _notification_body(self, event: Event, sub: Subscription, base_url: str) -> str:
        if event.action == "DELETE":
            body: dict[str, Any] = {"id": str(event.payload.get("id"))}
        else:
            body = sub.copy_of(self.present(event, base_url))
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    def clear(self) -> None:
        self.bayeux.clear()
        self.subscriptions.clear()
        self.deliveries.clear()
        self.tokens.clear()

    def counts(self) -> dict[str, int]:
        deliveries = self.deliveries.stats()
        return {
            "realtimeClients": len(self.bayeux.clients),
            "notificationSubscriptions": len(self.subscriptions),
            "notificationSubscribers": deliveries["subscribers"],
            "notificationConsumers": deliveries["consumers"],
            "notificationBacklog": deliveries["backlog"],
        }

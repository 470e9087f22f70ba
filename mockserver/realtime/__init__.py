"""Realtime notifications, pure (no HTTP): CometD/Bayeux and Notification 2.0.

``channels`` (patterns and the subscriber index), ``bounded`` (queues and wake-ups),
``bayeux`` (the CometD engine), ``subscriptions``, ``tokens`` and ``consumers``
(Notification 2.0), tied to the event bus by ``hub``. The HTTP edge is
``mockserver/http/cometd.py``, ``mockserver/http/consumer.py`` and the handlers of
``spec/notification2.yaml``.
"""

from mockserver.realtime.hub import RealtimeHub

__all__ = ["RealtimeHub"]

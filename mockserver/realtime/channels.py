"""Channel names and wildcard subscriptions, the Bayeux way, for any resource family.

A channel is a path of segments: ``/measurements/12``, ``/managedobjects/7``, ``/alarms/12``.
A subscription pattern is a channel, or one ending in ``*`` (any one segment) or ``**`` (any
number of segments, at least one). Nothing here knows a resource family: a new family only
publishes on its own channels.

:class:`ChannelIndex` answers "who subscribed to something matching this channel" with one
dictionary lookup per segment of the channel, so the cost of a publish does not grow with the
number of subscriptions, only with the number of subscribers it reaches.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

META_PREFIX = "/meta/"


def family(channel: str) -> str:
    """The first segment of a channel: ``/measurements/12`` -> ``measurements``."""
    return channel.split("/", 2)[1] if channel.startswith("/") else ""


def last_segment(channel: str) -> str:
    """The last segment of a channel: ``/measurements/12`` -> ``12``."""
    return channel.rsplit("/", 1)[-1]


def pattern_problem(pattern: object) -> str | None:
    """Why ``pattern`` cannot be subscribed to, or None when it can."""
    if not isinstance(pattern, str) or not pattern.startswith("/") or pattern == "/":
        return f"The subscription {pattern!r} is not a channel; expected a path such as /measurements/*."
    if pattern.startswith(META_PREFIX):
        return f"The subscription {pattern!r} names a meta channel, which cannot be subscribed to."
    segments = pattern.split("/")[1:]
    if any(not s for s in segments):
        return f"The subscription {pattern!r} has an empty segment."
    if any("*" in s for s in segments[:-1]) or (segments[-1] not in ("*", "**") and "*" in segments[-1]):
        return f"The subscription {pattern!r} has a wildcard that is not the whole last segment."
    return None


def patterns_matching(channel: str) -> list[str]:
    """Every pattern that matches ``channel``: itself, ``<parent>/*`` and each ``<ancestor>/**``."""
    found = [channel]
    parent, _, _ = channel.rpartition("/")
    found.append(f"{parent}/*")
    while True:
        found.append(f"{parent}/**")
        if not parent:
            return found
        parent, _, _ = parent.rpartition("/")


class ChannelIndex(Generic[K]):
    """Subscribers (any hashable key) by the patterns they subscribed to."""

    def __init__(self) -> None:
        self._by_pattern: dict[str, set[K]] = {}
        self._of_key: dict[K, set[str]] = {}

    def add(self, pattern: str, key: K) -> None:
        self._by_pattern.setdefault(pattern, set()).add(key)
        self._of_key.setdefault(key, set()).add(pattern)

    def discard(self, pattern: str, key: K) -> None:
        keys = self._by_pattern.get(pattern)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_pattern[pattern]
        patterns = self._of_key.get(key)
        if patterns is not None:
            patterns.discard(pattern)
            if not patterns:
                del self._of_key[key]

    def remove(self, key: K) -> None:
        """Forget every subscription of ``key``."""
        for pattern in list(self._of_key.get(key, ())):
            self.discard(pattern, key)

    def patterns_of(self, key: K) -> frozenset[str]:
        return frozenset(self._of_key.get(key, ()))

    def match(self, channel: str) -> set[K]:
        """Each key with at least one pattern matching ``channel``, once."""
        found: set[K] = set()
        for pattern in patterns_matching(channel):
            keys = self._by_pattern.get(pattern)
            if keys:
                found |= keys
        return found

    def clear(self) -> None:
        self._by_pattern.clear()
        self._of_key.clear()

    def __len__(self) -> int:
        return len(self._of_key)

"""Channel patterns and the subscriber index of mockserver/realtime/channels.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.realtime.channels import ChannelIndex, pattern_problem, patterns_matching

SEGMENT = st.sampled_from(["measurements", "managedobjects", "alarms", "1", "2", "17"])
CHANNEL = st.lists(SEGMENT, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts))
PATTERN = st.one_of(
    CHANNEL,
    CHANNEL.map(lambda c: c.rsplit("/", 1)[0] + "/*"),
    CHANNEL.map(lambda c: c.rsplit("/", 1)[0] + "/**"),
)


def reference_match(pattern: str, channel: str) -> bool:
    """Bayeux wildcards by their definition: ``*`` one segment, ``**`` one or more."""
    p, c = pattern.split("/")[1:], channel.split("/")[1:]
    if p[-1] == "**":
        return len(c) > len(p) - 1 and c[: len(p) - 1] == p[:-1]
    if p[-1] == "*":
        return len(c) == len(p) and c[:-1] == p[:-1]
    return p == c


@given(st.lists(st.tuples(PATTERN, st.integers(0, 5)), max_size=12), CHANNEL)
def test_the_index_finds_exactly_the_subscribers_whose_pattern_matches(
    subscriptions: list[tuple[str, int]], channel: str
) -> None:
    index: ChannelIndex[int] = ChannelIndex()
    for pattern, key in subscriptions:
        index.add(pattern, key)

    expected = {key for pattern, key in subscriptions if reference_match(pattern, channel)}
    assert index.match(channel) == expected


@given(st.lists(st.tuples(PATTERN, st.integers(0, 3)), max_size=8), CHANNEL)
def test_removing_a_subscriber_forgets_all_its_patterns(
    subscriptions: list[tuple[str, int]], channel: str
) -> None:
    index: ChannelIndex[int] = ChannelIndex()
    for pattern, key in subscriptions:
        index.add(pattern, key)
    index.remove(0)

    assert 0 not in index.match(channel)
    assert index.patterns_of(0) == frozenset()


def test_a_star_matches_one_segment_and_a_double_star_any_number() -> None:
    assert "/measurements/*" in patterns_matching("/measurements/12")
    assert "/**" in patterns_matching("/measurements/12")
    assert "/measurements/*" not in patterns_matching("/measurements/12/x")


@pytest.mark.parametrize(
    "pattern",
    ["", "/", "measurements/1", "/meta/connect", "/measurements//1", "/a*/1", "/measurements/1*", 7],
    ids=[
        "empty",
        "root",
        "relative",
        "meta",
        "empty-segment",
        "inner-wildcard",
        "partial-wildcard",
        "number",
    ],
)
def test_unsubscribable_patterns_are_named(pattern: object) -> None:
    assert pattern_problem(pattern) is not None


@pytest.mark.parametrize("pattern", ["/measurements/12", "/measurements/*", "/alarms/**"])
def test_channels_and_trailing_wildcards_can_be_subscribed(pattern: str) -> None:
    assert pattern_problem(pattern) is None

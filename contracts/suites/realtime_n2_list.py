"""Notification 2.0 subscription lists (notification2.yaml, GET /notification2/subscriptions).

The run creates subscriptions of its own on two sources of its own, with drawn names and type
filters, and every generated query (always scoped to one of those sources, so foreign
subscriptions never count) is judged page by page against the model: the matches of every given
filter AND-ed, oldest first, with statistics and links as on every collection.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contracts import answers
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.common import new_source, require_status, run_property

SUBSCRIPTIONS = "/notification2/subscriptions"
MEDIA = "application/vnd.com.nsn.cumulocity.subscription+json"


def make_subscriptions(ctx: RunContext) -> list[dict[str, Any]]:
    sources = [new_source(ctx, "n2-list-a"), new_source(ctx, "n2-list-b")]
    types = [None, f"{ctx.prefix}_n2a", f"{ctx.prefix}_n2b"]
    made = []
    for i in range(7):
        body = {
            "subscription": f"{ctx.prefix}list{i % 3}",
            "context": "mo",
            "source": {"id": ctx.random.choice(sources)},
            "subscriptionFilter": {"apis": ["measurements"], "typeFilter": ctx.random.choice(types)},
        }
        response = ctx.client.post(SUBSCRIPTIONS, body, headers={"Content-Type": MEDIA})
        if response.status == 409:  # the same name on the same source: a duplicate, documented
            continue
        require_status(response, 201, "SubscriptionNotCreated")
        made.append({**body, "id": str(response.json()["id"])})
    return made


def matches(subscription: dict[str, Any], query: dict[str, str]) -> bool:
    fields = {
        "source": subscription["source"]["id"],
        "context": subscription["context"],
        "subscription": subscription["subscription"],
        "typeFilter": subscription["subscriptionFilter"]["typeFilter"],
    }
    return all(fields[name] == value for name, value in query.items() if name in fields)


@check("RT-N2-4")
def subscriptions_are_listed_oldest_first_by_every_filter(ctx: RunContext) -> None:
    made: list[dict[str, Any]] = ctx.fixture("n2-subscriptions", make_subscriptions)
    sources = sorted({m["source"]["id"] for m in made})
    queries = st.fixed_dictionaries(
        {"source": st.sampled_from(sources)},
        optional={
            "context": st.just("mo"),
            "subscription": st.sampled_from(sorted({m["subscription"] for m in made})),
            "typeFilter": st.sampled_from(
                sorted({t for m in made if (t := m["subscriptionFilter"]["typeFilter"])})
            ),
        },
    )

    def walk(case: tuple[dict[str, str], int]) -> None:
        query, size = case
        expected = [m["id"] for m in made if matches(m, query)]
        for page in range(1, -(-len(expected) // size) + 2):
            params = {**query, "pageSize": str(size), "currentPage": str(page), "withTotalElements": "true"}
            response = ctx.client.get(SUBSCRIPTIONS, params=params)
            require_status(response, 200)
            body = response.json()
            got = [str(s.get("id")) for s in body.get("subscriptions", [])]
            want = answers.page_slice(expected, params)
            if got != want:
                title = "NonMatchingItemsReturned" if set(got) - set(expected) else "WrongPageItems"
                raise ContractFailure(
                    title, f"ids {want} for {params}", f"ids {got}", request=response.request
                )
            stats = answers.expected_statistics(params, len(expected))
            stated = body.get("statistics")
            expect(stated == stats, "WrongPageStatistics", stats, stated, response.request)
            url = answers.origin(ctx.client.base_url) + SUBSCRIPTIONS
            problems = answers.link_problems(body, params, url)
            expect(
                not problems,
                "WrongPagingLink",
                f"links repeating {params}",
                "; ".join(problems),
                response.request,
            )

    examples = tuple(({"source": s, "typeFilter": t}, 2) for s in sources for t in (f"{ctx.prefix}_n2a",))
    run_property(ctx, st.tuples(queries, st.integers(1, 3)), walk, max_examples=8, examples=examples)

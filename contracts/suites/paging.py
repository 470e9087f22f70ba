"""Paging suite: every item exactly once, statistics, links, trimming, invalid sizes.

The expected pages come from the oracle over the run's own data, never from the target's pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from hypothesis import strategies as st

from contracts import oracle
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.common import MEAS, ids, require_status, run_property
from contracts.suites.measurements import dataset


def walk(ctx: RunContext, query: dict[str, str], page_size: int, pages: int) -> list[tuple[int, Any]]:
    out = []
    for page in range(1, pages + 1):
        response = ctx.client.get(
            MEAS,
            params={
                **query,
                "pageSize": str(page_size),
                "currentPage": str(page),
                "withTotalPages": "true",
                "withTotalElements": "true",
            },
        )
        require_status(response, 200)
        out.append((page, response))
    return out


def paging_cases(ctx: RunContext) -> Any:
    data = dataset(ctx)
    return st.tuples(st.sampled_from([data["a"], data["b"]]), st.integers(1, 7), st.booleans())


@check("MEAS-PAGING-1")
def paging_returns_every_item_once(ctx: RunContext) -> None:
    data = dataset(ctx)

    def prop(case: tuple[str, int, bool]) -> None:
        src, size, revert = case
        query = {"source": src, **({"revert": "true", "dateFrom": "2000-01-01"} if revert else {})}
        want = ids(oracle.select(data["items"], query))
        pages = -(-len(want) // size) + 1
        seen: list[str] = []
        last = None
        for _, response in walk(ctx, query, size, pages):
            seen += ids(response.json()["measurements"])
            last = response
        assert last is not None
        missing = [i for i in want if i not in seen]
        if missing:
            raise ContractFailure(
                "ItemsSkippedByPaging",
                f"all {len(want)} items over pages of {size}",
                f"missing {missing}",
                request=last.request,
            )
        if len(seen) != len(set(seen)):
            raise ContractFailure(
                "ItemsRepeatedByPaging", f"each of {len(want)} items once", f"{seen}", request=last.request
            )
        expect(seen == want, "WrongOrder", want, seen, last.request)

    run_property(ctx, paging_cases(ctx), prop, examples=((data["a"], 3, False),))


@check("MEAS-PAGING-2")
def statistics_are_correct(ctx: RunContext) -> None:
    data = dataset(ctx)

    def prop(case: tuple[str, int, bool]) -> None:
        src, size, _ = case
        total = len(oracle.select(data["items"], {"source": src}))
        for page, response in walk(ctx, {"source": src}, size, 2):
            stats = response.json().get("statistics", {})
            want = {
                "currentPage": page,
                "pageSize": size,
                "totalPages": -(-total // size),
                "totalElements": total,
            }
            got = {k: stats.get(k) for k in want}
            expect(got == want, "WrongPageStatistics", want, got, response.request)
        response = ctx.client.get(MEAS, params={"source": src, "pageSize": str(size)})
        stats = response.json().get("statistics", {})
        expect(
            stats.get("totalPages") == -(-total // size) and "totalElements" not in stats,
            "UnaskedTotalsReturned" if "totalElements" in stats else "WrongPageStatistics",
            "totalPages by default (not a range query), no totalElements unless asked for",
            stats,
            response.request,
        )
        ranged = {"source": src, "pageSize": str(size), "dateFrom": "1970-01-01"}
        for query in (ranged, {"source": src, "pageSize": str(size), "withTotalPages": "false"}):
            response = ctx.client.get(MEAS, params=query)
            stats = response.json().get("statistics", {})
            expect(
                "totalPages" not in stats and "totalElements" not in stats,
                "UnaskedTotalsReturned",
                f"no totalPages/totalElements for {query}",
                stats,
                response.request,
            )

    run_property(ctx, paging_cases(ctx), prop)


@check("MEAS-PAGING-3")
def next_and_prev_links_walk_the_pages(ctx: RunContext) -> None:
    data = dataset(ctx)
    query = {"source": data["a"], "type": dataset(ctx)["items"][1]["type"]}
    for page, response in walk(ctx, query, 2, 3):
        body = response.json()
        for name, target in (("self", page), ("next", page + 1), ("prev", page - 1)):
            link = body.get(name)
            if name == "prev" and page == 1:
                expect(link is None, "UnexpectedPrevLink", "no prev on page 1", link, response.request)
                continue
            if link is None:
                raise ContractFailure(
                    "MissingPagingLink",
                    f"a {name} link on page {page}",
                    body.keys(),
                    request=response.request,
                )
            params = parse_qs(urlsplit(link).query)
            expect(
                params.get("currentPage") == [str(target)]
                and params.get("source") == [data["a"]]
                and params.get("type") == [query["type"]],
                "WrongPagingLink",
                f"{name} with currentPage={target} echoing source and type",
                link,
                response.request,
            )


@check("MEAS-PAGING-4")
def page_size_above_2000_is_trimmed(ctx: RunContext) -> None:
    data = dataset(ctx)
    response = ctx.client.get(MEAS, params={"source": data["a"], "pageSize": "2001"})
    expect(
        response.status == 200,
        "PageSizeRefused",
        "200 with pageSize trimmed to 2000",
        repr(response),
        response.request,
    )
    size = response.json().get("statistics", {}).get("pageSize")
    expect(size == 2000, "PageSizeNotTrimmed", "statistics.pageSize 2000", size, response.request)


@check("MEAS-PAGING-5")
def page_size_below_1_is_refused(ctx: RunContext) -> None:
    for value in ("0", "-3"):
        response = ctx.client.get(MEAS, params={"source": dataset(ctx)["a"], "pageSize": value})
        expect(
            response.status == 400,
            "InvalidPageSizeAccepted",
            f"400 for pageSize={value}",
            repr(response),
            response.request,
        )
    response = ctx.client.get(MEAS, params={"source": dataset(ctx)["a"], "currentPage": "99"})
    require_status(response, 200, "PagePastTheEndRefused")
    expect(
        response.json().get("measurements") == [],
        "PagePastTheEndNotEmpty",
        "an empty list",
        repr(response),
        response.request,
    )

"""Alarm suites: create, de-duplication, transitions, filters, order, paging, counts, bulk update,
delete, the source's c8y_ActiveAlarmsStatus and the clients' spellings (spec/alarm.yaml).

Every alarm is raised on a managed object of the run's own, with a type carrying the run's
prefix, and every query, bulk update and delete names such a source: nothing the run did not
create is read or changed. The run never sends a bulk update or delete without a filter (on a
target that wrongly accepted it, that would touch the whole tenant), so that guard is tested
against the mock only (tests/integration). Expected answers come from
:mod:`contracts.alarm_oracle`, computed from what the run sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from contracts import alarm_oracle as oracle
from contracts import answers
from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure, expect
from contracts.oracle import instant
from contracts.suites.common import (
    ERROR_TYPE,
    ids,
    new_source,
    require_status,
    run_property,
)

ALARMS = "/alarm/alarms"
COUNT = "/alarm/alarms/count"
BASE = datetime(2022, 6, 1, 8, 0, tzinfo=UTC)


def fmt(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def alarm_body(
    source: str, kind: str, severity: str = "MAJOR", minutes: int = 0, **extra: Any
) -> dict[str, Any]:
    when = fmt(BASE + timedelta(minutes=minutes))
    return {
        "source": {"id": source},
        "type": kind,
        "text": f"{kind} raised",
        "severity": severity,
        "time": when,
        **extra,
    }


def raise_alarm(ctx: RunContext, body: dict[str, Any], path: str = ALARMS) -> dict[str, Any]:
    response = ctx.client.post(path, body)
    require_status(response, 201, "AlarmNotCreated")
    answer: dict[str, Any] = response.json()
    return answer


def read(ctx: RunContext, id: str) -> dict[str, Any]:
    response = ctx.client.get(f"{ALARMS}/{id}")
    require_status(response, 200, "AlarmNotReadable")
    answer: dict[str, Any] = response.json()
    return answer


def fetch(ctx: RunContext, query: dict[str, str]) -> tuple[list[dict[str, Any]], Response]:
    response = ctx.client.get(ALARMS, params={**query, "pageSize": "2000"})
    require_status(response, 200)
    return list(response.json()["alarms"]), response


def kinds(ctx: RunContext) -> list[str]:
    return [f"{ctx.prefix}_alarm{i}" for i in range(3)]


def build_dataset(ctx: RunContext) -> dict[str, Any]:
    """Raises with duplicates, cleared raises and status changes on two sources, as sent and answered.

    The events are recorded, not judged (ALARM-DEDUP-1 replays them through the oracle); the model
    here only picks alarms for the status changes."""
    sources = [new_source(ctx, "alarm-a"), new_source(ctx, "alarm-b")]
    rnd, model = ctx.random, oracle.AlarmModel()
    events: list[tuple[str, Any, str]] = []  # ("raise", body, answered id) or ("status", status, id)
    locations: list[tuple[str, str, Any]] = []  # (answered id, Location, request) of every raise
    for i in range(28):
        extra: dict[str, Any] = {"c8y_Mark": {"n": i}} if i % 5 == 0 else {}
        if i % 7 == 3:
            extra["status"] = "CLEARED"
        body = alarm_body(
            rnd.choice(sources),
            rnd.choice(kinds(ctx)),
            rnd.choice(oracle.SEVERITIES),
            rnd.choice([0, 5, 5, 10, 20]) + i,
            **extra,
        )
        response = ctx.client.post(ALARMS, body)
        require_status(response, 201, "AlarmNotCreated")
        answer = response.json()
        events.append(("raise", body, str(answer["id"])))
        locations.append((str(answer["id"]), response.headers.get("location", ""), response.request))
        model.raised(body, str(answer["id"]))
        if i % 4 == 1:
            status = rnd.choice(oracle.STATUSES)
            target = rnd.choice(sorted(model.alarms))
            response = ctx.client.put(f"{ALARMS}/{target}", {"status": status})
            require_status(response, (200, 422))  # ALARM-STATUS-1 judges transitions; here only recorded
            model.set_status(target, status)
            events.append(("status", status, target))
    docs = [read(ctx, id) for id in sorted(model.alarms, key=int)]
    return {"sources": sources, "events": events, "docs": docs, "locations": locations}


def dataset(ctx: RunContext) -> dict[str, Any]:
    data: dict[str, Any] = ctx.fixture("alarms", build_dataset)
    return data


# ------------------------------------------------------------------ create, de-duplication, status


@check("ALARM-CREATE-1")
def a_raised_alarm_is_stored_with_its_server_fields(ctx: RunContext) -> None:
    source = new_source(ctx, "alarm-create")
    body = alarm_body(source, f"{ctx.prefix}_create", "WARNING", c8y_Detail={"x": [1, "a"]})
    response = ctx.client.post(ALARMS, body)
    require_status(response, 201, "AlarmNotCreated")
    answer = response.json()
    location = response.headers.get("location", "")
    expect(
        location.endswith(f"{ALARMS}/{answer.get('id')}"),
        "WrongLocation",
        "Location of the alarm",
        location,
        response.request,
    )
    stored = read(ctx, str(answer["id"]))
    wanted = {
        "status": "ACTIVE",
        "count": 1,
        "firstOccurrenceTime": body["time"],
        "time": body["time"],
        "severity": "WARNING",
        "text": body["text"],
        "type": body["type"],
        "c8y_Detail": {"x": [1, "a"]},
    }
    got = {k: stored.get(k) for k in wanted}
    expect(
        got == wanted and stored["source"]["id"] == source, "WrongServerFields", wanted, got, response.request
    )
    empty = ctx.client.post(ALARMS, alarm_body(source, f"{ctx.prefix}_quiet"), accept=None)
    expect(
        empty.status == 201 and not empty.content,
        "BodyReturnedWithoutAccept",
        "201 with an empty body",
        repr(empty),
        empty.request,
    )


@check("ALARM-CREATE-2")
def missing_mandatory_fields_are_named(ctx: RunContext) -> None:
    source = new_source(ctx, "alarm-missing")
    for missing in ("type", "text", "severity", "time"):
        body = {k: v for k, v in alarm_body(source, f"{ctx.prefix}_missing").items() if k != missing}
        response = ctx.client.post(ALARMS, body)
        expect(
            response.status == 422,
            "MissingRequiredFieldAccepted",
            f"422 for an alarm without {missing}",
            repr(response),
            response.request,
        )
        message = str(response.json())
        expect(
            missing in message and response.media_type == ERROR_TYPE,
            "MissingFieldNotNamed",
            f"an error body naming {missing}",
            message,
            response.request,
        )


@check("ALARM-DEDUP-1")
def duplicates_of_open_alarms_are_counted_and_cleared_ones_never_merged(ctx: RunContext) -> None:
    data, replay = dataset(ctx), oracle.AlarmModel()
    for kind, body, id in data["events"]:
        if kind == "status":
            replay.set_status(id, body)
            continue
        target = replay.merge_target(body)
        if target is not None and id != target:
            raise ContractFailure(
                "DuplicateNotMerged",
                f"the raise counted on open alarm {target}",
                f"alarm {id}",
                detail=str(body),
            )
        if target is None and id in replay.alarms:
            title = "ClearedAlarmMerged" if replay.alarms[id]["status"] == "CLEARED" else "AlarmMergedWrongly"
            raise ContractFailure(
                title, "a new alarm", f"the raise was counted on alarm {id}", detail=str(body)
            )
        replay.raised(body, id)
    for id, location, request in data["locations"]:  # a merged raise answers as a new one does
        expect(
            location.endswith(f"{ALARMS}/{id}"), "WrongLocation", f"Location of alarm {id}", location, request
        )
    for doc in data["docs"]:
        want = replay.alarms[str(doc["id"])]
        keys = ("count", "time", "firstOccurrenceTime", "text", "severity", "status", "type")
        expect(
            {k: doc[k] for k in keys} == {k: want[k] for k in keys},
            "WrongMergedAlarm",
            {k: want[k] for k in keys},
            {k: doc[k] for k in keys},
            None,
        )


@check("ALARM-STATUS-1")
def status_transitions_follow_the_rules(ctx: RunContext) -> None:
    source = new_source(ctx, "alarm-status")
    alarm = raise_alarm(ctx, alarm_body(source, f"{ctx.prefix}_status"))
    path = f"{ALARMS}/{alarm['id']}"
    for status in ("ACKNOWLEDGED", "ACTIVE", "CLEARED"):
        response = ctx.client.put(path, {"status": status})
        require_status(response, 200, "TransitionRefused")
        expect(
            read(ctx, str(alarm["id"]))["status"] == status,
            "StatusNotChanged",
            status,
            read(ctx, str(alarm["id"]))["status"],
            response.request,
        )
    for status in ("ACTIVE", "ACKNOWLEDGED"):
        response = ctx.client.put(path, {"status": status, "text": "reopened"})
        now = read(ctx, str(alarm["id"]))
        expect(
            response.status == 422 and now["status"] == "CLEARED" and now["text"] == alarm["text"],
            "ClearedAlarmReopened",
            "422 and the alarm still CLEARED, unchanged",
            f"{response.status}, status {now['status']}, text {now['text']!r}",
            response.request,
        )
    same = ctx.client.put(path, {"source": {"id": source}, "id": str(alarm["id"]), "severity": "MINOR"})
    expect(
        same.status == 200,
        "UnchangedIdOrSourceRefused",
        "200 for a PUT repeating id and source",
        repr(same),
        same.request,
    )


# ------------------------------------------------------------------ queries


def compare_alarm_sets(
    expected: list[Any], received: list[dict[str, Any]], response: Response, query: dict[str, str]
) -> None:
    """Raise when the received ids differ from the expected ones; a range bound that is off names it."""
    want, got = set(ids(expected)), set(ids(received))
    extra, missing = got - want, want - got
    if not extra and not missing:
        return
    extras = [a for a in received if str(a["id"]) in extra]
    missed = [a for a in expected if str(a["id"]) in missing]
    title = "NonMatchingItemsReturned" if extra else "MatchingItemsMissing"
    for low, high, key in oracle.RANGES:
        if high in query and any(instant(a[key]) == instant(query[high]) for a in extras):
            title = "DateToBoundaryIncluded"
        elif low in query and any(instant(a[key]) == instant(query[low]) for a in missed):
            title = "DateFromBoundaryExcluded"
    raise ContractFailure(
        title,
        f"exactly the {len(want)} alarms the run raised that match {query}",
        f"{len(got)} alarms; unexpected ids {sorted(extra)[:10]}, missing ids {sorted(missing)[:10]}",
        request=response.request,
    )


def queries(ctx: RunContext) -> st.SearchStrategy[dict[str, str]]:
    """Generated queries over the dataset, always scoped to one of its sources."""
    data = dataset(ctx)
    docs = data["docs"]

    def joined(values: tuple[str, ...] | list[str]) -> st.SearchStrategy[str]:
        return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(",".join)

    def bound(key: str) -> st.SearchStrategy[str]:
        return st.sampled_from(sorted({doc[key] for doc in docs}))

    optional = {
        "status": joined(oracle.STATUSES),
        "severity": joined(oracle.SEVERITIES),
        "type": joined(kinds(ctx)),
        "resolved": st.sampled_from(["true", "false"]),
        "fragmentType": st.sampled_from(["c8y_Mark", f"{ctx.prefix}_none"]),
    }
    for low, high, key in oracle.RANGES:
        optional[low], optional[high] = bound(key), bound(key)
    return st.fixed_dictionaries({"source": st.sampled_from(data["sources"])}, optional=optional)


@check("ALARM-FILTER-1")
def filters_select_exactly_the_matching_alarms(ctx: RunContext) -> None:
    docs = dataset(ctx)["docs"]

    def probe(query: dict[str, str]) -> None:
        received, response = fetch(ctx, query)
        compare_alarm_sets(oracle.select(docs, query), received, response, query)
        count = ctx.client.get(COUNT, params=query)
        require_status(count, 200)
        expected = len(oracle.select(docs, query))
        answer = count.json()
        correct = type(answer) is int and answer == expected  # a JSON true is no count
        expect(correct, "WrongCount", f"the bare integer {expected}", repr(count), count.request)

    run_property(ctx, queries(ctx), probe, examples=boundary_examples(ctx))


def boundary_examples(ctx: RunContext) -> tuple[dict[str, str], ...]:
    """Queries every profile runs: a list of statuses, resolved against status, and each range
    bounded exactly at a stored value (so an inclusive upper bound shows)."""
    data = dataset(ctx)
    source, docs = data["sources"][0], data["docs"]
    mine = [d for d in docs if d["source"]["id"] == source] or docs
    middle = mine[len(mine) // 2]
    fixed: list[dict[str, str]] = [
        {"source": source, "status": "ACTIVE,CLEARED"},
        {"source": source, "resolved": "true", "status": "ACTIVE"},
        {"source": source, "severity": "CRITICAL,WARNING", "type": ",".join(kinds(ctx)[:2])},
    ]
    # Each list parameter naming every value the source's alarms hold, in both orders: a reading
    # of the first (or last) value only drops alarms whichever values the dataset drew.
    for name in ("status", "severity", "type"):
        present = sorted({str(d[name]) for d in mine})
        if len(present) > 1:
            fixed += [
                {"source": source, name: ",".join(present)},
                {"source": source, name: ",".join(present[::-1])},
            ]
    for low, high, key in oracle.RANGES:
        fixed.append({"source": source, high: middle[key]})
        fixed.append({"source": source, low: middle[key], high: mine[0][key]})
    return tuple(fixed)


@check("ALARM-ORDER-1")
def alarms_are_listed_newest_first_with_ties_by_the_larger_id(ctx: RunContext) -> None:
    data = dataset(ctx)
    for source in data["sources"]:
        received, response = fetch(ctx, {"source": source})
        expected = ids(oracle.select(data["docs"], {"source": source}))
        expect(ids(received) == expected, "WrongOrder", expected, ids(received), response.request)


@check("ALARM-PAGING-1")
def paging_returns_every_alarm_once_with_statistics(ctx: RunContext) -> None:
    data = dataset(ctx)

    def walk(case: tuple[dict[str, str], int]) -> None:
        query, size = case
        expected = ids(oracle.select(data["docs"], query))
        seen: list[str] = []
        pages = -(-len(expected) // size)
        for number in range(1, pages + 2):
            params = {
                **query,
                "pageSize": str(size),
                "currentPage": str(number),
                "withTotalPages": "true",
                "withTotalElements": "true",
            }
            response = ctx.client.get(ALARMS, params=params)
            require_status(response, 200)
            body = response.json()
            stats = body["statistics"]
            wanted = {
                "currentPage": number,
                "pageSize": size,
                "totalPages": pages,
                "totalElements": len(expected),
            }
            expect(stats == wanted, "WrongPageStatistics", wanted, stats, response.request)
            problems = answers.link_problems(body, params, answers.origin(ctx.client.base_url) + ALARMS)
            expect(
                not problems,
                "WrongPagingLink",
                f"links repeating {params}",
                "; ".join(problems),
                response.request,
            )
            seen += ids(body["alarms"])
        title = "ItemsRepeatedByPaging" if len(seen) > len(set(seen)) else "ItemsSkippedByPaging"
        expect(seen == expected, title, expected, seen, None)

    run_property(ctx, st.tuples(queries(ctx), st.integers(1, 7)), walk, max_examples=10)

"""Alarm writes by filter and their side effects: bulk status update, delete, the source's
``c8y_ActiveAlarmsStatus``, the clients' spellings and the error shape (spec/alarm.yaml).

Each check raises its alarms on a fresh source of the run's own, and every bulk update and delete
names that source (see :mod:`contracts.suites.alarms` for the safety rules).
"""

from __future__ import annotations

from typing import Any

from contracts import alarm_oracle as oracle
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.alarms import ALARMS, alarm_body, fetch, raise_alarm, read
from contracts.suites.common import ERROR_TYPE, MO, ids, new_source, require_status

# ------------------------------------------------------------------ bulk update, delete, active status


def scratch(ctx: RunContext, label: str) -> tuple[str, list[dict[str, Any]]]:
    """A fresh source with five distinct alarms: three types, three severities, two raised CLEARED
    (a cleared raise is never merged, so a type can have alarms of several severities)."""
    source = new_source(ctx, label)
    a, b = f"{ctx.prefix}_{label}_a", f"{ctx.prefix}_{label}_b"
    plan = [(a, "MAJOR", "ACTIVE"), (b, "MAJOR", "ACTIVE"), (a, "MINOR", "CLEARED")]
    plan += [(b, "CRITICAL", "CLEARED"), (f"{a}2", "MAJOR", "ACTIVE")]
    made = [
        raise_alarm(ctx, alarm_body(source, kind, severity, i, status=status))
        for i, (kind, severity, status) in enumerate(plan)
    ]
    return source, made


def compare_states(ctx: RunContext, before: dict[str, str], want: dict[str, str], title: str) -> None:
    now = {id: read(ctx, id)["status"] for id in before}
    changed_wrongly = {i for i in now if now[i] != want[i] and want[i] == before[i]}
    missed = {i for i in now if now[i] != want[i] and want[i] != before[i]}
    if changed_wrongly or missed:
        raise ContractFailure(
            title if changed_wrongly else title.replace("ChangedTooMuch", "MissedMatches"), want, now
        )


@check("ALARM-BULK-1")
def bulk_update_changes_exactly_the_matches(ctx: RunContext) -> None:
    source, made = scratch(ctx, "bulk")
    docs = {str(m["id"]): read(ctx, str(m["id"])) for m in made}
    states = {id: d["status"] for id, d in docs.items()}
    for query, status in (
        ({"source": source, "type": made[0]["type"]}, "ACKNOWLEDGED"),
        ({"source": source, "severity": "MAJOR,CRITICAL", "status": "ACTIVE"}, "CLEARED"),
        ({"source": source, "resolved": "true"}, "ACTIVE"),
    ):
        matched = {str(d["id"]) for d in oracle.select(docs.values(), query)}
        want = {
            i: (status if i in matched and oracle.AlarmModel.allowed(s, status) else s)
            for i, s in states.items()
        }
        response = ctx.client.put(ALARMS, {"status": status}, params=query)
        require_status(response, (200, 202, 204), "BulkUpdateRefused")
        title = "ClearedAlarmReopened" if status == "ACTIVE" else "BulkUpdateChangedTooMuch"
        compare_states(ctx, states, want, title)
        docs = {id: read(ctx, id) for id in docs}
        states = {id: d["status"] for id, d in docs.items()}


@check("ALARM-DELETE-1")
def delete_removes_exactly_the_matches(ctx: RunContext) -> None:
    source, made = scratch(ctx, "delete")
    docs = [read(ctx, str(m["id"])) for m in made]
    query = {"source": source, "severity": "MAJOR", "type": made[0]["type"]}
    response = ctx.client.delete(ALARMS, params=query)
    require_status(response, 204, "DeleteRefused")
    left, listing = fetch(ctx, {"source": source})
    kept = [d for d in docs if not oracle.matches(d, query)]
    gone = set(ids(docs)) - set(ids(kept))
    expect(
        not gone & set(ids(left)),
        "DeleteMissedMatches",
        f"alarms {sorted(gone)} gone",
        ids(left),
        listing.request,
    )
    expect(set(ids(left)) == set(ids(kept)), "DeleteRemovedTooMuch", ids(kept), ids(left), listing.request)
    for id in gone:
        missing = ctx.client.get(f"{ALARMS}/{id}")
        expect(
            missing.status == 404 and missing.media_type == ERROR_TYPE,
            "DeletedAlarmStillReadable",
            "404 with an error body",
            repr(missing),
            missing.request,
        )


@check("ALARM-ACTIVE-1")
def the_source_counts_its_unresolved_alarms_by_severity(ctx: RunContext) -> None:
    source, made = scratch(ctx, "active")

    def compare(step: str) -> None:
        alarms, _ = fetch(ctx, {"source": source})
        expected = oracle.active_counts(alarms, [source])
        response = ctx.client.get(f"{MO}/{source}")
        got = response.json().get("c8y_ActiveAlarmsStatus")
        expect(got == expected, "WrongActiveAlarmsStatus", f"{expected} after {step}", got, response.request)

    compare("raising five alarms")
    raise_alarm(ctx, alarm_body(source, made[0]["type"], "MAJOR", 30))
    compare("a duplicate")
    regraded = str(made[1]["id"])
    for severity in ("CRITICAL", "MINOR", "WARNING", "MAJOR"):  # an open alarm through every severity
        response = ctx.client.put(f"{ALARMS}/{regraded}", {"severity": severity})
        now = read(ctx, regraded)["severity"]
        expect(now == severity, "SeverityNotChanged", severity, now, response.request)
        compare(f"re-grading an open alarm to {severity}")
    ctx.client.put(f"{ALARMS}/{made[4]['id']}", {"status": "ACKNOWLEDGED", "severity": "WARNING"})
    compare("acknowledging and re-grading one")
    ctx.client.put(ALARMS, {"status": "CLEARED"}, params={"source": source, "severity": "MAJOR"})
    compare("clearing the MAJOR ones")
    ctx.client.delete(ALARMS, params={"source": source, "severity": "MINOR"})
    compare("deleting the MINOR one")
    ctx.client.put(ALARMS, {"status": "CLEARED"}, params={"source": source})
    compare("clearing every alarm (the counts drop to 0, the fragment stays)")


@check("ALARM-QUIRK-1")
def the_official_clients_spellings_are_served(ctx: RunContext) -> None:
    source = new_source(ctx, "alarm-quirks")
    created = ctx.client.post(f"{ALARMS}/", alarm_body(source, f"{ctx.prefix}_quirk"))
    expect(
        created.status == 201,
        "ClientSpellingRefused",
        "201 for POST /alarm/alarms/",
        repr(created),
        created.request,
    )
    id = str(created.json()["id"])
    listed = ctx.client.get(f"{ALARMS}/", params={"source": source, "filter": ""})
    expect(
        listed.status == 200 and ids(listed.json().get("alarms", [])) == [id],
        "ClientSpellingRefused",
        f"GET /alarm/alarms/?source=...&filter= listing alarm {id}",
        repr(listed),
        listed.request,
    )
    counted = ctx.client.get(f"{ALARMS}//count", params={"source": source})
    expect(
        counted.status == 200 and type(counted.json()) is int and counted.json() == 1,
        "ClientSpellingRefused",
        "1 from /alarm/alarms//count",
        repr(counted),
        counted.request,
    )
    updated = ctx.client.put(f"{ALARMS}//{id}", {"status": "ACKNOWLEDGED", "source": {"id": source}})
    expect(
        updated.status == 200 and read(ctx, id)["status"] == "ACKNOWLEDGED",
        "ClientSpellingRefused",
        "PUT /alarm/alarms//<id> applied",
        repr(updated),
        updated.request,
    )


@check("ALARM-ERROR-1")
def unknown_alarms_are_404_in_the_error_shape(ctx: RunContext) -> None:
    # An alarm of the run's, deleted: writes to ids the run never created are not sent (the guard).
    source = new_source(ctx, "alarm-gone")
    gone = str(raise_alarm(ctx, alarm_body(source, f"{ctx.prefix}_gone"))["id"])
    require_status(ctx.client.delete(ALARMS, params={"source": source}), 204, "AlarmsNotDeleted")
    for response in (
        ctx.client.get(f"{ALARMS}/{gone}"),
        ctx.client.put(f"{ALARMS}/{gone}", {}),
    ):
        body = response.json() if response.media_type == ERROR_TYPE else None
        expect(
            response.status == 404
            and isinstance(body, dict)
            and str(body.get("error", "")).startswith("alarm/"),
            "MalformedErrorBody",
            "404 with {error: alarm/Not Found, message, info}",
            repr(response),
            response.request,
        )

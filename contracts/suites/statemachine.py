"""Model-based testing: random sequences of measurement operations on the target and on a model.

A Hypothesis ``RuleBasedStateMachine`` creates, deletes (by id and by filter) and queries
measurements of one source of the run's own, and after every step compares the target's
collection with a plain-Python list kept by the oracle. Hypothesis shrinks a failing sequence
to the shortest one that still fails.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from contracts import oracle
from contracts.failures import ContractFailure
from contracts.runner import RunContext, check
from contracts.suites.common import MEAS, compare_sets, create, fetch_all, ids, new_source, require_status
from contracts.suites.measurements import BASE, ZONES, measurement


def machine_for(ctx: RunContext) -> type[RuleBasedStateMachine]:
    source = ctx.fixture("statemachine-source", lambda c: new_source(c, "machine"))
    kinds = [f"{ctx.prefix}_sm{i}" for i in range(2)]

    class MeasurementMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # every sequence starts from an empty source
            response = ctx.client.delete(MEAS, params={"source": source})
            require_status(response, 204, "DeleteByFilterRefused")
            self.model: list[dict[str, Any]] = []

        @rule(
            minute=st.integers(0, 30),
            kind=st.integers(0, 3),
            type_=st.sampled_from(kinds),
            zone=st.sampled_from(ZONES),
        )
        def create_measurement(self, minute: int, kind: int, type_: str, zone: Any) -> None:
            body = measurement(
                ctx, source, kind, BASE + timedelta(minutes=minute), float(minute), type_, zone
            )
            self.model.append(create(ctx, body))

        @rule(data=st.data())
        def delete_by_id(self, data: st.DataObject) -> None:
            if not self.model:
                return
            victim = data.draw(st.sampled_from(self.model))
            response = ctx.client.delete(f"{MEAS}/{victim['id']}")
            require_status(response, 204, "DeleteByIdRefused")
            self.model.remove(victim)
            again = ctx.client.get(f"{MEAS}/{victim['id']}")
            if again.status != 404:
                raise ContractFailure(
                    "DeletedMeasurementStillReadable", "404", repr(again), request=again.request
                )

        @rule(type_=st.sampled_from(kinds), minute=st.integers(0, 30))
        def delete_by_filter(self, type_: str, minute: int) -> None:
            query = {
                "source": source,
                "type": type_,
                "dateFrom": oracle.fmt_instant(BASE + timedelta(minutes=minute)),
            }
            response = ctx.client.delete(MEAS, params=query)
            require_status(response, 204, "DeleteByFilterRefused")
            self.model = [m for m in self.model if not oracle.matches(m, query)]

        @rule(
            type_=st.one_of(st.none(), st.sampled_from(kinds)),
            revert=st.booleans(),
            minute=st.one_of(st.none(), st.integers(0, 30)),
        )
        def query(self, type_: str | None, revert: bool, minute: int | None) -> None:
            query = {"source": source}
            if type_:
                query["type"] = type_
            if minute is not None:
                query["dateTo"] = oracle.fmt_instant(BASE + timedelta(minutes=minute))
            if revert:
                query.update(revert="true", dateFrom="2000-01-01")
            received, response = fetch_all(ctx, query)
            want = oracle.select(self.model, query)
            compare_sets(want, received, response, query)
            if ids(received) != ids(want):
                raise ContractFailure("WrongOrder", ids(want), ids(received), request=response.request)

        @invariant()
        def collection_equals_model(self) -> None:
            received, response = fetch_all(ctx, {"source": source})
            compare_sets(self.model, received, response, {"source": source})

    return MeasurementMachine


@check("STATE-MEAS-1")
def random_sequences_agree_with_the_model(ctx: RunContext) -> None:
    machine = machine_for(ctx)
    settings = ctx.hypothesis(max(3, ctx.profile.max_examples // 3))
    settings = type(settings)(settings, stateful_step_count=ctx.profile.state_steps)
    run_state_machine_as_test(machine, settings=settings)

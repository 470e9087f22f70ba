"""Model-based testing: random sequences of operations on the target and on a plain-Python model.

A Hypothesis ``RuleBasedStateMachine`` creates, deletes (by id and by filter) and queries
measurements of one source of the run's own, and after every step compares the target's
collection with a plain-Python list kept by the oracle. Hypothesis shrinks a failing sequence
to the shortest one that still fails. A second machine does the same for the DTM asset
hierarchy: creates, moves and deletes instances and compares every parent and children list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import Phase
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from contracts import oracle
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.common import MEAS, compare_sets, create, fetch_all, ids, new_source, require_status
from contracts.suites.dtm import INSTANCES, MODELS, new_instance, new_model, post_instance
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


# ------------------------------------------------------------------ DTM hierarchy


def hierarchy_models(ctx: RunContext) -> dict[str, str]:
    """Two models of the run's own: A allows A and B below it, B allows nothing."""

    def build(c: RunContext) -> dict[str, str]:
        a = new_model(c, "sm-a")["id"]
        b = new_model(c, "sm-b")["id"]
        response = c.client.put(f"{MODELS}/{a}", {"allowedSubtypes": [a, b]})
        require_status(response, 200, "ModelNotUpdated")
        return {"a": str(a), "b": str(b)}

    result: dict[str, str] = ctx.fixture("statemachine-dtm-models", build)
    return result


def hierarchy_machine_for(ctx: RunContext) -> type[RuleBasedStateMachine]:
    models = hierarchy_models(ctx)
    a, b = models["a"], models["b"]
    cap = 8  # live instances per sequence: keeps the invariant's request count bounded

    class HierarchyMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model_of: dict[str, str] = {}
            self.parent: dict[str, str | None] = {}
            self.children: dict[str, list[str]] = {}
            self.gone: set[str] = set()

        # -------------------------------------------------------------- model helpers

        def alive(self, model: str | None = None) -> list[str]:
            return [i for i, m in self.model_of.items() if model is None or m == model]

        def subtree(self, instance: str) -> list[str]:
            result = [instance]
            for child in self.children[instance]:
                result += self.subtree(child)
            return result

        def attach(self, instance: str, parent: str | None) -> None:
            old = self.parent.get(instance)
            if old is not None:
                self.children[old].remove(instance)
            self.parent[instance] = parent
            if parent is not None:
                self.children[parent].append(instance)

        # -------------------------------------------------------------- rules

        @initialize()
        def a_small_tree(self) -> None:
            # a three-level chain from the start, so deletes and moves meet grandchildren early
            top = self.create(a, None)
            self.create(b, self.create(a, top))

        def create(self, model: str, parent: str | None) -> str:
            fields = {} if parent is None else {"parent": parent}
            created = new_instance(ctx, model, "sm", **fields)
            instance = str(created["id"])
            self.model_of[instance] = model
            self.children[instance] = []
            self.attach(instance, parent)
            return instance

        @rule(model=st.sampled_from([a, b]), data=st.data())
        def create_instance(self, model: str, data: st.DataObject) -> None:
            if len(self.model_of) >= cap:
                return
            parent = data.draw(st.sampled_from([None, *self.alive(a)]))
            self.create(model, parent)

        @rule(model=st.sampled_from([a, b]), data=st.data())
        def create_under_disallowed_parent(self, model: str, data: st.DataObject) -> None:
            if not self.alive(b):
                return
            parent = data.draw(st.sampled_from(self.alive(b)))
            response = post_instance(ctx, model, "sm-bad", parent=parent)
            expect(
                response.status == 422,
                "DisallowedChildAccepted",
                f"422 for a child of model {model} under {parent} (model {b} allows no children)",
                repr(response),
                response.request,
            )

        @rule(data=st.data())
        def move_instance(self, data: st.DataObject) -> None:
            if not self.model_of:
                return
            victim = data.draw(st.sampled_from(list(self.model_of)))
            below = set(self.subtree(victim))
            targets = [None, *(t for t in self.alive(a) if t not in below)]
            targets = [t for t in targets if t != self.parent[victim]]
            if not targets:
                return
            target = data.draw(st.sampled_from(targets))
            response = ctx.client.put(f"{INSTANCES}/{victim}", {"parent": target})
            require_status(response, 200, "MoveRefused")
            self.attach(victim, target)

        @rule(data=st.data())
        def move_into_own_subtree(self, data: st.DataObject) -> None:
            if not self.alive(a):
                return
            victim = data.draw(st.sampled_from(self.alive(a)))
            target = data.draw(st.sampled_from([t for t in self.subtree(victim) if self.model_of[t] == a]))
            response = ctx.client.put(f"{INSTANCES}/{victim}", {"parent": target})
            expect(
                response.status == 422,
                "CycleAccepted",
                f"422 for moving {victim} under {target} (itself or a descendant)",
                repr(response),
                response.request,
            )

        @rule(data=st.data(), cascade=st.booleans())
        def delete_instance(self, data: st.DataObject, cascade: bool) -> None:
            if self.model_of:
                self.delete(data.draw(st.sampled_from(list(self.model_of))), cascade)

        @rule(data=st.data())
        def delete_subtree(self, data: st.DataObject) -> None:
            # inner nodes only, oldest first: a cascade that must reach past the direct children
            inner = [i for i in self.model_of if self.children[i]]
            if inner:
                self.delete(data.draw(st.sampled_from(inner)), cascade=True)

        def delete(self, victim: str, cascade: bool) -> None:
            params = {"cascade": "true"} if cascade else {}
            response = ctx.client.delete(f"{INSTANCES}/{victim}", params=params)
            if self.children[victim] and not cascade:
                expect(
                    response.status == 409,
                    "DeleteWithChildrenAccepted",
                    f"409 for deleting {victim} with children {self.children[victim]} without cascade",
                    repr(response),
                    response.request,
                )
                return
            require_status(response, 204, "DeleteRefused")
            doomed = self.subtree(victim)
            self.attach(victim, None)
            for gone in doomed:
                del self.model_of[gone], self.parent[gone], self.children[gone]
            self.gone.update(doomed)

        # -------------------------------------------------------------- invariant

        @invariant()
        def hierarchy_equals_model(self) -> None:
            for instance in sorted(self.gone):
                response = ctx.client.get(f"{INSTANCES}/{instance}")
                expect(
                    response.status == 404,
                    "DeletedInstanceStillReadable",
                    f"404 for deleted instance {instance}",
                    repr(response),
                    response.request,
                )
            for instance in sorted(self.model_of):
                response = ctx.client.get(f"{INSTANCES}/{instance}")
                require_status(response, 200, "InstanceNotReadable")
                body = response.json()
                parent = body.get("parent")
                seen = {
                    "parent": None if parent is None else str(parent),
                    "children": [str(c) for c in body.get("children", [])],
                }
                want = {"parent": self.parent[instance], "children": self.children[instance]}
                expect(
                    seen == want, "HierarchyDiverged", {instance: want}, {instance: seen}, response.request
                )
                listed = ctx.client.get(INSTANCES, params={"parent": instance, "pageSize": "100"})
                require_status(listed, 200, "InstancesNotListed")
                got = sorted(str(i["id"]) for i in listed.json().get("assetInstances", []))
                expect(
                    got == sorted(self.children[instance]),
                    "HierarchyDiverged",
                    {f"?parent={instance}": sorted(self.children[instance])},
                    {f"?parent={instance}": got},
                    listed.request,
                )

    return HierarchyMachine


@check("STATE-DTM-1")
def random_hierarchy_operations_agree_with_the_model(ctx: RunContext) -> None:
    machine = hierarchy_machine_for(ctx)
    settings = ctx.hypothesis(max(3, ctx.profile.max_examples // 3))
    # no shrinking: every replayed step re-reads the whole tree, and shrinking a failure ran into
    # Hypothesis's five-minute shrink limit; the report still lists the failing step sequence
    phases = [p for p in settings.phases if p is not Phase.shrink]
    settings = type(settings)(settings, stateful_step_count=ctx.profile.state_steps, phases=phases)
    run_state_machine_as_test(machine, settings=settings)

"""STATE-DTM-2: a state machine over asset models and instances, judged whole after every step.

Models are built on each other (``extends`` chains of any depth, overrides of inherited defaults),
each declaring properties of every type; instances are created, updated (``properties`` replaced
as a whole) and deleted with values drawn valid and invalid for every type, on both sides of the
documented limits, ``null`` standing for absent. A plain-Python model (effective properties,
defaults, required keys, the computed value of a smart function) predicts every answer (status,
body, the field a 422 names), and after every step every live instance is read back and compared.
"""

from __future__ import annotations

from typing import Any

from hypothesis import Phase
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from contracts import answers
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure
from contracts.suites.dtm import INSTANCES, new_model

TYPES = ["TEXT", "NUMBER", "BOOLEAN", "DATE", "ENUM"]
ENUM_VALUES = ["ok", "fault"]
VALUES: dict[str, list[tuple[Any, bool]]] = {
    "TEXT": [
        ("", True),
        ("plain", True),
        ("üñí", True),
        ("x" * 10_000, True),
        (5, False),
        (True, False),
        ("x" * 10_001, False),
    ],
    "NUMBER": [
        (0, True),
        (-1.5, True),
        (1e300, True),
        (2**53, True),
        ("12", False),
        (True, False),
        ("1.5", False),
    ],
    "BOOLEAN": [(True, True), (False, True), ("true", False), (1, False), (0, False)],
    "DATE": [
        ("2024-02-29", True),
        ("2024-03-18T10:00:00+02:00", True),
        ("2024-03-18T10:00:00Z", True),
        ("2024-02-30", False),
        ("2023-02-29", False),
        ("2024-13-01", False),
        ("18.03.2024", False),
    ],
    "ENUM": [("ok", True), ("fault", True), ("OK", False), ("", False), (1, False)],
}
DEFAULTS = {"TEXT": "none", "NUMBER": 7, "BOOLEAN": False, "DATE": "2020-01-01", "ENUM": "ok"}
N0 = [(0, True), (-1.5, True), (2**53, True), (12.25, True)]
SMART = {"name": "doubled", "expression": "coalesce(n0, 0) * 2"}


def prop_def(key: str, kind: str, required: bool, default: bool) -> dict[str, Any]:
    prop: dict[str, Any] = {"key": key, "type": kind}
    if kind == "ENUM":
        prop["values"] = ENUM_VALUES
    if required:
        prop["required"] = True
    if default:
        prop["default"] = DEFAULTS[kind]
    return prop


class Model:
    """The harness's model of the DTM store: declared models and the instances the run created."""

    def __init__(self) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self.deleted: list[str] = []

    def effective(self, model_id: str) -> dict[str, dict[str, Any]]:
        chain = [model_id]
        while self.models[chain[-1]].get("extends"):
            chain.append(self.models[chain[-1]]["extends"])
        props: dict[str, dict[str, Any]] = {}
        for mid in reversed(chain):
            for prop in self.models[mid].get("properties", []):
                props[prop["key"]] = prop
        return props

    def normalise(self, model_id: str, raw: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
        """The stored property map, or None and the fields a 422 must name."""
        props = self.effective(model_id)
        bad = [f"properties.{k}" for k, (_, ok) in raw.items() if k not in props or not ok]
        if bad:
            return None, bad
        out = {k: v for k, (v, _) in raw.items() if v is not None}
        for key, prop in props.items():
            if key not in out and "default" in prop:
                out[key] = prop["default"]
        missing = [f"properties.{k}" for k, p in props.items() if p.get("required") and k not in out]
        return (None, missing) if missing else (out, [])

    def doc(self, instance: dict[str, Any], base_url: str) -> dict[str, Any]:
        n0 = instance["properties"].get("n0")
        return {
            **instance,
            "self": f"{answers.origin(base_url)}{INSTANCES}/{instance['id']}",
            "children": [],
            "computed": {"doubled": (n0 or 0) * 2},
            "computedErrors": {},
            # The spec's extension: the unresolved alarms of the subtree by severity; the machine
            # raises none.
            "activeAlarmsStatus": {"critical": 0, "major": 0, "minor": 0, "warning": 0},
        }


def judge_write(response: Response, ok: bool, naming: list[str], expected: Any, what: str) -> None:
    if ok and response.status == 422:
        raise ContractFailure(
            "ValidValueRefused", f"{what}: accepted", repr(response), request=response.request
        )
    if not ok and 200 <= response.status < 300:
        raise ContractFailure(
            "InvalidValueAccepted", f"{what}: 422 naming {naming}", repr(response), request=response.request
        )
    if ok:
        judge(response, Expected((200, 201), ("application/json",), body=expected), what)
    else:
        judge(response, answers.error("dtm", 422, naming=naming[:1]), what)


def machine_for(ctx: RunContext) -> type[RuleBasedStateMachine]:
    counter = [0]

    def name(label: str) -> str:
        counter[0] += 1
        return f"{ctx.prefix}-{label}{counter[0]}"

    class AssetMachine(RuleBasedStateMachine):
        models = Bundle("models")
        instances = Bundle("instances")

        def __init__(self) -> None:
            super().__init__()
            self.model = Model()

        @rule(target=models, base=st.one_of(st.none(), models), data=st.data())
        def create_model(self, base: str | None, data: st.DataObject) -> str:
            depth = 0 if base is None else len(self.chain(base))
            if depth > 12:  # dtm.yaml: at most 16 steps from any model to its root base
                base, depth = None, 0
            kinds = data.draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True))
            props = [
                prop_def(f"k{depth}_{k.lower()}", k, data.draw(st.booleans()), data.draw(st.booleans()))
                for k in kinds
            ]
            body: dict[str, Any] = {"properties": props}
            if base is None:
                props.append({"key": "n0", "type": "NUMBER"})
                body["smartFunctions"] = [SMART]
            else:
                body["extends"] = base
                props.append({"key": "n0", "type": "NUMBER", "default": depth * 10})  # an override
            counter[0] += 1
            created = new_model(ctx, f"sm-model{counter[0]}", **body)
            self.model.models[created["id"]] = body
            return str(created["id"])

        def chain(self, model_id: str) -> list[str]:
            out = [model_id]
            while self.model.models[out[-1]].get("extends"):
                out.append(self.model.models[out[-1]]["extends"])
            return out

        def draw_values(self, model_id: str, data: st.DataObject) -> dict[str, tuple[Any, bool]]:
            """Valid values, nulls and absences, and at most one invalid value (so the 422 names it)."""
            raw: dict[str, tuple[Any, bool]] = {}
            props = self.model.effective(model_id)
            for key, prop in props.items():
                needed = prop.get("required") and "default" not in prop
                choice = (
                    "value" if needed else data.draw(st.sampled_from(["absent", "null", "value", "value"]))
                )
                if choice == "null":
                    raw[key] = (None, True)
                elif choice == "value":
                    pool = [v for v in VALUES[prop["type"]] if v[1]] if key != "n0" else N0
                    raw[key] = data.draw(st.sampled_from(pool))
            if data.draw(st.integers(0, 3)) == 0:
                key = data.draw(st.sampled_from([*sorted(props), "undeclared"]))
                kind = props[key]["type"] if key in props else "TEXT"
                raw[key] = (
                    data.draw(st.sampled_from([v for v in VALUES[kind] if not v[1]]))
                    if key in props
                    else ("x", False)
                )
            return raw

        @rule(target=models, data=st.data())
        def extend_the_deepest_model(self, data: st.DataObject) -> str:
            deepest = max(self.model.models, key=lambda m: len(self.chain(m)), default=None)
            return str(self.create_model(deepest, data))

        @rule(target=instances, model_id=models, data=st.data())
        def create_instance(self, model_id: str, data: st.DataObject) -> str:
            raw = self.draw_values(model_id, data)
            stored, naming = self.model.normalise(model_id, raw)
            body = {
                "modelId": model_id,
                "name": name("sm-instance"),
                "properties": {k: v for k, (v, _) in raw.items()},
            }
            response = ctx.client.post(INSTANCES, body)
            created = response.json() if response.status == 201 else None
            if isinstance(created, dict):
                ctx.tracker.instances.append(str(created.get("id")))
            expected = None
            if stored is not None and isinstance(created, dict):
                instance: dict[str, Any] = {
                    "id": str(created.get("id")),
                    "modelId": model_id,
                    "name": body["name"],
                    "managedObjectId": str(created.get("managedObjectId")),
                    "properties": stored,
                }
                self.model.instances[instance["id"]] = instance
                expected = self.model.doc(instance, ctx.client.base_url)
            judge_write(response, stored is not None, naming, expected, f"POST {INSTANCES} {body}")
            return str(created.get("id")) if isinstance(created, dict) else "none"

        @rule(instance=instances, data=st.data())
        def update_instance(self, instance: str, data: st.DataObject) -> None:
            current = self.model.instances.get(instance)
            if current is None:
                return
            raw = self.draw_values(current["modelId"], data)
            stored, naming = self.model.normalise(current["modelId"], raw)
            body = {"properties": {k: v for k, (v, _) in raw.items()}}
            response = ctx.client.put(f"{INSTANCES}/{instance}", body)
            if stored is not None:
                current["properties"] = stored
            expected = self.model.doc(current, ctx.client.base_url)
            judge_write(response, stored is not None, naming, expected, f"PUT {INSTANCES}/{instance} {body}")

        @rule(instance=instances)
        def delete_instance(self, instance: str) -> None:
            if instance not in self.model.instances:
                return
            response = ctx.client.delete(f"{INSTANCES}/{instance}")
            judge(response, Expected(204, ()), f"DELETE {INSTANCES}/{instance}")
            del self.model.instances[instance]
            self.model.deleted.append(instance)

        @invariant()
        def every_instance_reads_as_the_model_says(self) -> None:
            for instance in self.model.instances.values():
                expected = self.model.doc(instance, ctx.client.base_url)
                judge(ctx.client.get(f"{INSTANCES}/{instance['id']}"), Expected(200, body=expected), "GET")
            for gone in self.model.deleted[-2:]:
                judge(
                    ctx.client.get(f"{INSTANCES}/{gone}"), answers.error("dtm", 404), f"GET of deleted {gone}"
                )

    return AssetMachine


def every_value_of_the_table(ctx: RunContext) -> None:
    """Each valid and invalid value of :data:`VALUES` once, alone, on a model of every type."""
    model = Model()
    props = [prop_def(f"p_{kind.lower()}", kind, False, False) for kind in TYPES]
    created = new_model(
        ctx, "sm-values", properties=[*props, {"key": "n0", "type": "NUMBER"}], smartFunctions=[SMART]
    )
    model.models[created["id"]] = {"properties": props}
    for kind, values in VALUES.items():
        for value, ok in values:
            name = f"{ctx.prefix}-sm-value"
            response = ctx.client.post(
                INSTANCES,
                {"modelId": created["id"], "name": name, "properties": {f"p_{kind.lower()}": value}},
            )
            body = response.json() if response.status == 201 else None
            if isinstance(body, dict):
                ctx.tracker.instances.append(str(body.get("id")))
            expected = None
            if ok and isinstance(body, dict):
                instance = {
                    "id": str(body.get("id")),
                    "modelId": created["id"],
                    "name": name,
                    "managedObjectId": str(body.get("managedObjectId")),
                    "properties": {f"p_{kind.lower()}": value},
                }
                expected = model.doc(instance, ctx.client.base_url)
            judge_write(
                response,
                ok,
                [f"properties.p_{kind.lower()}"],
                expected,
                f"POST a {kind} value {str(value)[:40]!r}",
            )


def a_deep_chain_inherits_every_level(ctx: RunContext, depth: int = 5) -> None:
    """An instance of the last model of an ``extends`` chain gets the defaults of every level."""
    model = Model()
    base: str | None = None
    for level in range(depth):
        kind = TYPES[level % len(TYPES)]
        props = [prop_def(f"d{level}_{kind.lower()}", kind, level % 2 == 0, True)]
        body: dict[str, Any] = {"properties": props}
        if base is None:
            props.append({"key": "n0", "type": "NUMBER", "default": 1})
            body["smartFunctions"] = [SMART]
        else:
            body["extends"] = base
        created = new_model(ctx, f"sm-chain{level}", **body)
        base = str(created["id"])
        model.models[base] = body
    assert base is not None
    stored, _ = model.normalise(base, {})
    name = f"{ctx.prefix}-sm-chain"
    response = ctx.client.post(INSTANCES, {"modelId": base, "name": name})
    answer = response.json() if response.status == 201 else None
    expected = None
    if isinstance(answer, dict):
        ctx.tracker.instances.append(str(answer.get("id")))
        instance = {
            "id": str(answer.get("id")),
            "modelId": base,
            "name": name,
            "managedObjectId": str(answer.get("managedObjectId")),
            "properties": stored,
        }
        expected = model.doc(instance, ctx.client.base_url)
    judge_write(response, True, [], expected, f"POST an instance of a model {depth} levels deep")


@check("STATE-DTM-2")
def random_model_and_instance_operations_agree_with_the_model(ctx: RunContext) -> None:
    every_value_of_the_table(ctx)
    a_deep_chain_inherits_every_level(ctx)
    settings = ctx.hypothesis(max(3, ctx.profile.max_examples // 2))
    phases = [p for p in settings.phases if p is not Phase.shrink]  # each replay re-reads everything
    settings = type(settings)(settings, stateful_step_count=ctx.profile.state_steps, phases=phases)
    run_state_machine_as_test(machine_for(ctx), settings=settings)

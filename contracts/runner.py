"""Runs the selected checks against one target and records one result per requirement.

A check is a function of a :class:`RunContext` registered with :func:`check` under a requirement
id; it raises :class:`ContractFailure` when the target breaks the rule. Everything a run creates
is registered with the :class:`Tracker` and deleted in ``finally`` (also after Ctrl-C).
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings

from contracts.client import Client
from contracts.failures import ContractFailure, CouldNotTest, NotRun, RequestTimedOut
from contracts.guard import Ownership
from contracts.profiles import Profile
from contracts.requirements import REQUIREMENTS, Requirement, selected

CheckFunction = Callable[["RunContext"], None]


@dataclass
class Check:
    requirement: str
    name: str
    function: CheckFunction


CHECKS: list[Check] = []


def check(requirement_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a requirement id (which must be in the registry)."""
    if requirement_id not in REQUIREMENTS:
        raise KeyError(f"Requirement {requirement_id!r} is not in contracts/requirements.py.")

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append(Check(requirement_id, function.__name__, function))
        return function

    return register


class Tracker:
    """Everything the run created on the target, so it can all be deleted again.

    The lists are the guard's :class:`Ownership`: what the guard learnt from the target's answers
    (and what a suite adds by hand) is what cleanup deletes, and cleanup's requests pass the guard.
    """

    def __init__(self, ownership: Ownership) -> None:
        self.ownership = ownership
        self.managed_objects = ownership.managed_objects
        self.models = ownership.models
        self.instances = ownership.instances

    def cleanup(self, client: Client) -> list[str]:
        """Delete what the run created; returns sentences about what could not be deleted."""
        problems: list[str] = []
        client.transport.cleaning_up = True

        def attempt(method: str, path: str, **kw: Any) -> int:
            if any("stopped answering" in p or "cannot be reached" in p for p in problems):
                return 0  # the target is gone: do not wait for a timeout per resource
            try:
                return client.request(method, path, **kw).status
            except (CouldNotTest, RequestTimedOut, NotRun) as exc:
                problems.append(str(exc))
                return 0

        sources = list(dict.fromkeys(self.managed_objects))
        for mo in sources:  # every measurement the run wrote has one of these sources
            attempt("DELETE", "/measurement/measurements", params={"source": mo})
        for instance in reversed(list(dict.fromkeys(self.instances))):
            attempt("DELETE", f"/service/dtm/asset-instances/{instance}", params={"cascade": "true"})
        pending = list(reversed(list(dict.fromkeys(self.models))))
        for _ in range(len(pending) + 1):
            pending = [m for m in pending if attempt("DELETE", f"/service/dtm/asset-models/{m}") == 409]
            if not pending:
                break
        problems += [f"Asset model {m} could not be deleted (still in use)." for m in pending]
        for mo in reversed(sources):
            status = attempt("DELETE", f"/inventory/managedObjects/{mo}")
            if status not in (204, 200, 404, 409, 0):
                problems.append(f"Managed object {mo} could not be deleted (status {status}).")
        return problems


@dataclass
class Result:
    """The outcome of one requirement: ``passed``, ``failed`` or ``not run`` (then with a reason)."""

    requirement: Requirement
    status: str = "not run"  # passed | failed | not run
    failures: list[ContractFailure] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reason: str = ""
    """Why it did not run: time budget, prerequisite failed, target timed out, not applicable,
    refused by the safety guard, or interrupted."""


class RunContext:
    """What a check needs: the client, the run's identity, the profile, and shared fixtures."""

    def __init__(
        self,
        client: Client,
        profile: Profile,
        *,
        seed: int,
        spec_dir: str,
        max_time: float,
        credentials_args: dict[str, Any],
        progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.client = client
        self.profile = profile
        self.seed = seed
        self.random = random.Random(seed)
        self.run_id = f"{seed:x}{int(time.time()) % 100000:05d}"[-10:]
        client.guard.prefix = self.prefix
        self.spec_dir = spec_dir
        self.started = time.monotonic()
        self.deadline = self.started + max_time
        self.max_time = max_time
        self.tracker = Tracker(client.guard.ownership)
        self.fixtures: dict[str, Any] = {}
        self.broken_fixtures: dict[str, str] = {}
        self.current = ""
        self.interrupted = False
        self.could_not_test = ""
        """The requirement id of the check running now."""
        self.progress = progress
        self.credentials_args = credentials_args

    @property
    def prefix(self) -> str:
        """Unique name/type prefix of everything this run creates."""
        return f"ct{self.run_id}"

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def hypothesis(self, max_examples: int | None = None) -> settings:
        """Hypothesis settings of the profile; derandomized runs are reproducible from the seed."""
        return settings(
            max_examples=max_examples or self.profile.max_examples,
            deadline=None,
            derandomize=self.profile.derandomize,
            database=None,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )

    def fixture(self, name: str, build: Callable[[RunContext], Any]) -> Any:
        """A shared value built once; when building it failed, later users do not run."""
        broken = self.broken_fixtures.get(name)
        if broken is not None:
            raise NotRun(f"prerequisite failed: {broken}")
        if name not in self.fixtures:
            try:
                self.fixtures[name] = build(self)
            except ContractFailure as failure:
                self.broken_fixtures[name] = f"building {name!r} failed with {failure.title} ({self.current})"
                raise
            except NotRun as not_run:
                self.broken_fixtures[name] = f"building {name!r} did not run ({not_run.reason})"
                raise
        return self.fixtures[name]


INTERRUPTED = "interrupted: the run was stopped by SIGINT or SIGTERM"
_SHAPE_ERRORS = (KeyError, TypeError, IndexError, ValueError, AttributeError)


def run_checks(ctx: RunContext, api: str, only: list[str]) -> list[Result]:
    """Run every selected check; one :class:`Result` per selected requirement, in registry order.

    This is the one place that decides an outcome. A requirement is ``failed`` when any of its
    checks failed, ``not run`` (with the first reason) when any check could not run to a verdict
    and none failed, and ``passed`` only when every one of its checks ran and passed. A SIGINT or
    SIGTERM (KeyboardInterrupt) or a target that is gone (CouldNotTest) ends the loop: the rest is
    ``not run`` with that reason, and the results so far are returned for the report.
    """
    import contracts.suites  # noqa: F401  (registers the checks)

    results = {rid: Result(req) for rid, req in REQUIREMENTS.items() if selected(req, api, only)}
    if not results:
        raise CouldNotTest(f"--only {','.join(only)} with --api {api} selects no requirement.")
    order = {rid: index for index, rid in enumerate(REQUIREMENTS)}
    # Schema fuzzing last: it is the longest and bounded by whatever time is left.
    plan = sorted(
        (c for c in CHECKS if c.requirement in results),
        key=lambda c: (c.requirement.startswith("SCHEMA-"), order[c.requirement]),
    )
    remaining = {rid: sum(c.requirement == rid for c in plan) for rid in results}
    done = 0
    stopped = INTERRUPTED if ctx.interrupted else ""
    for chk in plan:
        result = results[chk.requirement]
        if stopped:
            not_run(result, stopped)
        elif result.failures and chk.requirement.startswith("SCHEMA"):
            pass
        elif ctx.time_left() <= 0:
            not_run(result, f"time budget: --max-time {ctx.max_time:g} s ran out before {chk.name}")
        else:
            try:
                stopped = run_one(ctx, chk, result, f"{done + 1}/{len(results)}")
            except KeyboardInterrupt:  # a signal between two statements of run_one
                ctx.interrupted = True
                stopped = INTERRUPTED
                not_run(result, stopped)
        remaining[chk.requirement] -= 1
        if remaining[chk.requirement] == 0:
            done += 1
    for result in results.values():
        if not result.checks and not result.reason:
            not_run(result, stopped or "not applicable: no check of this harness covers it yet")
        result.status = "failed" if result.failures else "not run" if result.reason else "passed"
    return list(results.values())


def not_run(result: Result, reason: str) -> None:
    if not result.reason:
        result.reason = reason


def run_one(ctx: RunContext, chk: Check, result: Result, position: str) -> str:
    """Run one check into its result; returns why the whole run must stop ("" to go on)."""
    start = time.monotonic()
    ctx.current = chk.requirement
    stop = ""
    try:
        ctx.progress(f"[{position}] {chk.requirement} ({result.requirement.suite}) {chk.name} ...")
        chk.function(ctx)
        outcome = "ok"
    except ContractFailure as failure:
        result.failures += [failure, *failure.others]
        outcome = f"FAILED {failure.title}"
    except RequestTimedOut as exc:
        not_run(result, str(exc))
        outcome = "NOT RUN (target timed out)"
    except NotRun as exc:
        not_run(result, exc.reason)
        outcome = f"NOT RUN ({exc.reason.split(':')[0]})"
    except _SHAPE_ERRORS as exc:
        # An answer the check could not even read is a contract failure, not a harness crash.
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        shape = ContractFailure(
            "UnexpectedResponseShape",
            "an answer shaped as the spec documents",
            f"{type(exc).__name__}: {exc} (while reading it at {tb.filename.split('/')[-1]}:{tb.lineno})",
        )
        result.failures.append(shape)
        outcome = "FAILED UnexpectedResponseShape"
    except CouldNotTest as exc:
        stop = f"could not test: {exc}"
        ctx.could_not_test = str(exc)
        not_run(result, stop)
        outcome = "NOT RUN (could not test)"
    except KeyboardInterrupt:
        stop = INTERRUPTED
        ctx.interrupted = True
        not_run(result, stop)
        outcome = "NOT RUN (interrupted)"
    result.checks.append(chk.name)
    result.seconds += time.monotonic() - start
    ctx.progress(f"[{position}] {chk.requirement} {chk.name} {outcome} ({time.monotonic() - start:.1f}s)")
    return stop

"""What a check is: a function of a :class:`RunContext`, registered under a requirement id.

A check is registered with :func:`check` and raises :class:`ContractFailure` when the target
breaks the rule. Everything a run creates is registered with the :class:`Tracker` and deleted
in ``finally`` (also after Ctrl-C). :mod:`contracts.runner` runs the registered checks and is
the one place that decides an outcome; the suites import only this module, so the runner can
import the suites without a circle.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings

from contracts.client import Client
from contracts.failures import ContractFailure, CouldNotTest, NotRun, RequestTimedOut
from contracts.ownership import Ownership
from contracts.profiles import Profile
from contracts.requirements import REQUIREMENTS, Requirement

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
            attempt("DELETE", "/alarm/alarms", params={"source": mo})  # a 404 where there is no alarm API
        for instance in reversed(list(dict.fromkeys(self.instances))):
            attempt("DELETE", f"/service/dtm/asset-instances/{instance}", params={"cascade": "true"})
        pending = list(reversed(list(dict.fromkeys(self.models))))
        for _ in range(len(pending) + 1):
            pending = [m for m in pending if attempt("DELETE", f"/service/dtm/asset-models/{m}") == 409]
            if not pending:
                break
        problems += [f"Asset model {m} could not be deleted (still in use)." for m in pending]
        for subscription in sorted(self.ownership.subscriptions):  # 404 when gone with its object
            attempt("DELETE", f"/notification2/subscriptions/{subscription}")
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

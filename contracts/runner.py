"""Runs the selected checks against one target and decides one outcome per requirement.

The checks, their registry and :class:`~contracts.checks.RunContext` live in
:mod:`contracts.checks`; this module imports the suites (which register the checks) and runs
them: ``passed``, ``failed`` or ``not run`` with its reason, nowhere else.
"""

from __future__ import annotations

import time
import traceback

from contracts.applicability import not_applicable
from contracts.checks import CHECKS, Check, Result, RunContext
from contracts.failures import ContractFailure, CouldNotTest, NotRun, RequestTimedOut
from contracts.requirements import REQUIREMENTS, selected

__all__ = ["INTERRUPTED", "not_run", "run_checks", "run_one"]


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
        reason = not_applicable(ctx, chk.requirement)
        if reason:
            raise NotRun(reason)
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

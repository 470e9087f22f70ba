"""Runs the selected checks against one target and records one result per requirement.

The checks are registered by importing :mod:`contracts.suites` (see :mod:`contracts.checks`).
"""

from __future__ import annotations

import time
import traceback

import contracts.suites  # noqa: F401  (registers the checks)
from contracts.checks import CHECKS, Result, RunContext
from contracts.failures import ContractFailure, CouldNotTest, RequestTimedOut
from contracts.requirements import REQUIREMENTS, selected

_SHAPE_ERRORS = (KeyError, TypeError, IndexError, ValueError, AttributeError)


def run_checks(ctx: RunContext, api: str, only: list[str]) -> list[Result]:
    """Run every selected check; one :class:`Result` per selected requirement, in registry order."""
    results = {rid: Result(req) for rid, req in REQUIREMENTS.items() if selected(req, api, only)}
    if not results:
        raise CouldNotTest(f"--only {','.join(only)} with --api {api} selects no requirement.")
    order = {rid: index for index, rid in enumerate(REQUIREMENTS)}
    # Schema fuzzing last: it is the longest and bounded by whatever time is left.
    for chk in sorted(CHECKS, key=lambda c: (c.requirement.startswith("SCHEMA-"), order[c.requirement])):
        result = results.get(chk.requirement)
        if result is None or (result.status == "failed" and chk.requirement.startswith("SCHEMA")):
            continue
        if ctx.time_left() <= 0:
            if result.status == "not run":
                result.status = "skipped"
            continue
        start = time.monotonic()
        ctx.progress(f"[{chk.requirement}] {chk.name} ...")
        try:
            chk.function(ctx)
            outcome = "ok"
            if result.status != "failed":
                result.status = "passed"
        except ContractFailure as failure:
            result.failures += [failure, *failure.others]
            result.status = "failed"
            outcome = f"FAILED {failure.title}"
        except RequestTimedOut as exc:
            timeout = ContractFailure(
                "RequestTimedOut", "an answer within the per-request timeout", str(exc), request=exc.request
            )
            result.failures.append(timeout)
            result.status = "failed"
            outcome = "FAILED RequestTimedOut"
        except _SHAPE_ERRORS as exc:
            # An answer the check could not even read is a contract failure, not a harness crash.
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            shape = ContractFailure(
                "UnexpectedResponseShape",
                "an answer shaped as the spec documents",
                f"{type(exc).__name__}: {exc} (while reading it at {tb.filename.split('/')[-1]}:{tb.lineno})",
            )
            result.failures.append(shape)
            result.status = "failed"
            outcome = "FAILED UnexpectedResponseShape"
        result.checks.append(chk.name)
        result.seconds += time.monotonic() - start
        ctx.progress(f"[{chk.requirement}] {chk.name} {outcome} ({time.monotonic() - start:.1f}s)")
    for result in results.values():
        if result.status == "not run":
            result.status = "skipped"
    return list(results.values())

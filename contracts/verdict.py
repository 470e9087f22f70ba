"""What a run's outcome says, in the words every report uses: counts, the closing line, statuses.

Shared by the Markdown/JUnit reports (:mod:`contracts.report`), the HTML one
(:mod:`contracts.report_html`) and the CLI's closing lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts.checks import Result


@dataclass(frozen=True)
class Header:
    """What every report states about the run before any requirement."""

    target: str
    profile: str
    seed: int
    replay: str
    refused: int = 0
    """Requests the safety guard did not send."""


def counts(results: Sequence[Result]) -> tuple[int, int, int]:
    passed = sum(r.status == "passed" for r in results)
    failed = sum(r.status == "failed" for r in results)
    return passed, failed, len(results) - passed - failed


def summary_line(results: Sequence[Result]) -> str:
    passed, failed, skipped = counts(results)
    return f"{passed} passed, {failed} failed, {skipped} skipped"


def status_text(r: Result) -> str:
    if r.status == "failed":
        return f"FAILED ({', '.join(sorted({f.title for f in r.failures}))})"
    if r.status == "not run":
        return f"not run: {r.reason}"
    return r.status


def ordered(results: Sequence[Result]) -> list[Result]:
    """Failures first, then what did not run, then what passed (registry order within each)."""
    rank = {"failed": 0, "not run": 1, "passed": 2}
    return sorted(results, key=lambda r: rank.get(r.status, 1))

"""The corpus scoreboard: ``N/N specs`` per stage with times, a per-spec table, and the
failures summary (``report.md``) the engineer fixing the generators reads.

A failure the manifest lists under ``known_failures`` is reported as known; only the others
make the run fail, and so does any server error in the st run, known failure or not. A known
failure that now passes is reported too, so the entry can go.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.corpus.manifest import Entry
from bench.corpus.pipeline import STAGES, SpecResult

MARK = {"passed": "ok", "failed": "FAIL", "skipped": "-"}


@dataclass(frozen=True)
class Verdict:
    new: list[tuple[str, str]]  # (spec, stage) failing and not known, or (spec, "server errors")
    known: list[tuple[str, str]]
    now_passing: list[tuple[str, str]]  # known failures that passed this run


def verdict(results: list[SpecResult], entries: dict[str, Entry]) -> Verdict:
    new: list[tuple[str, str]] = []
    known: list[tuple[str, str]] = []
    fixed: list[tuple[str, str]] = []
    for result in results:
        listed = entries[result.name].known_failures
        for stage in STAGES:
            status = result.stages[stage].status
            if status == "failed":
                (known if stage in listed else new).append((result.name, stage))
            elif status == "passed" and stage in listed:
                fixed.append((result.name, stage))
        # A 5xx the spec did not ask for is a regression even where st is a known failure.
        if result.server_errors and "st" in listed:
            new.append((result.name, "server errors"))
    return Verdict(new, known, fixed)


def stage_line(results: list[SpecResult], stage: str) -> str:
    passed = [r.stages[stage] for r in results if r.passed(stage)]
    times = [s.seconds for s in passed]
    timing = f"median {statistics.median(times):.1f} s, max {max(times):.1f} s" if times else "no times"
    return f"{stage:<11} {len(passed):>3}/{len(results)} specs   ({timing})"


def table(results: list[SpecResult]) -> list[str]:
    head = f"{'spec':<32} {'ops':>4}  " + "  ".join(f"{s:<10}" for s in STAGES) + "  5xx   total"
    rows = [head, "-" * len(head)]
    for r in sorted(results, key=lambda r: r.name):
        cells = []
        for stage in STAGES:
            s = r.stages[stage]
            cells.append(f"{MARK[s.status]} {s.seconds:.1f}s" if s.status != "skipped" else "-")
        errors = "-" if r.server_errors is None else str(r.server_errors)
        rows.append(
            f"{r.name:<32} {r.operations:>4}  "
            + "  ".join(f"{c:<10}" for c in cells)
            + f"  {errors:>3}  {r.seconds:6.1f}s"
        )
    return rows


def render(results: list[SpecResult], entries: dict[str, Entry], wall_s: float) -> str:
    v = verdict(results, entries)
    lines = ["corpus scoreboard", "", *table(results), ""]
    lines += [stage_line(results, stage) for stage in STAGES]
    every = sum(all(r.passed(s) for s in STAGES) for r in results)
    errors = sum(r.server_errors or 0 for r in results)
    lines += [f"{'all stages':<11} {every:>3}/{len(results)} specs   ({errors} server errors in st run)", ""]
    lines.append(
        f"{len(v.new)} new failure(s), {len(v.known)} known, {len(v.now_passing)} known now passing;"
        f" wall time {wall_s:.0f} s"
    )
    return "\n".join(lines) + "\n"


def failure_block(result: SpecResult, stage: str, entry: Entry) -> list[str]:
    s = result.stages.get(stage, result.stages["st"])  # "server errors" are the st stage's
    known = entry.known_failures.get(stage)
    title = f"### {result.name} · {stage}" + (" (known)" if known else "")
    out = [
        title,
        "",
        f"- spec: `tests/data/corpus/{entry.file}` ({entry.operations} operations, "
        f"{', '.join(entry.styles)})",
        f"- what: {s.detail}",
        f"- log: `{s.log}`",
    ]
    if known:
        out.append(f"- known because: {known}")
    out += ["", "```", *s.lines, "```", ""]
    return out


def report(results: list[SpecResult], entries: dict[str, Entry], wall_s: float) -> str:
    v = verdict(results, entries)
    out = ["# Corpus run: failures", "", "```", render(results, entries, wall_s).rstrip(), "```", ""]
    if v.now_passing:
        out += ["## Known failures that now pass (remove them from `known_failures`)", ""]
        out += [f"- {spec} · {stage}" for spec, stage in v.now_passing] + [""]
    by_name = {r.name: r for r in results}
    for heading, pairs in (("New failures", v.new), ("Known failures", v.known)):
        out += [f"## {heading} ({len(pairs)})", ""]
        for spec, stage in pairs:
            out += failure_block(by_name[spec], stage, entries[spec])
    return "\n".join(out)


def write(results: list[SpecResult], entries: dict[str, Entry], wall_s: float, out: Path) -> Verdict:
    """Write scoreboard.txt, scoreboard.json and report.md into ``out``; return the verdict."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "scoreboard.txt").write_text(render(results, entries, wall_s), encoding="utf-8")
    (out / "report.md").write_text(report(results, entries, wall_s), encoding="utf-8")
    data = {"wall_seconds": wall_s, "specs": [asdict(r) for r in sorted(results, key=lambda r: r.name)]}
    (out / "scoreboard.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return verdict(results, entries)

"""Reports of a run: JUnit XML for CI, Markdown and HTML (:mod:`contracts.report_html`) for people.

One row per requirement with its status (``passed``, ``failed``, ``not run`` with its reason);
every failure lists its stable title, the Expected/Received message, the curl command that
reproduces it (credentials as a ``$C8Y_AUTH`` placeholder) and the command line (with the seed)
that replays the whole run. JUnit marks a requirement that did not run ``<skipped>`` with the reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from contracts.checks import Result
from contracts.report_html import html_report
from contracts.verdict import Header, counts, ordered, status_text, summary_line


def junit_xml(results: Sequence[Result], *, name: str = "contracts") -> str:
    _, failed, skipped = counts(results)
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(failed),
        skipped=str(skipped),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"contracts.{r.requirement.suite}",
            name=r.requirement.id,
            time=f"{r.seconds:.3f}",
        )
        if r.status == "not run":
            ET.SubElement(case, "skipped", message=r.reason or "not run")
        for f in r.failures:
            node = ET.SubElement(case, "failure", message=f.title, type=f.title)
            node.text = f"Expected: {f.expected}\nReceived: {f.received}\n{f.detail}\n{f.curl}".strip()
    return ET.tostring(suite, encoding="unicode")


def markdown(results: Sequence[Result], header: Header) -> str:
    lines = [
        f"# Contract report for {header.target}",
        "",
        f"**{summary_line(results)}** (profile {header.profile}, seed {header.seed}) — "
        f"replay with `{header.replay}`",
        "",
    ]
    if header.refused:
        lines += [f"The safety guard did not send {header.refused} requests (see the run's output).", ""]
    lines += ["| requirement | status | rule | spec |", "|---|---|---|---|"]
    for r in ordered(results):
        req = r.requirement
        rule = req.sentence.replace("|", "\\|")
        status = status_text(r).replace("|", "\\|")
        lines.append(f"| {req.id} | {status} | {rule} | `{req.spec}#{req.pointer}` |")
    failures = [(r, f) for r in results for f in r.failures]
    if failures:
        lines += ["", "## Failures", ""]
    for r, f in failures:
        lines += [
            f"### {f.title} ({r.requirement.id})",
            "",
            f"- Expected: {f.expected}",
            f"- Received: {f.received}",
        ]
        if f.detail:
            lines.append(f"- Detail: {f.detail}")
        if f.request is not None:
            lines += ["", "```sh", f.request.as_curl(multiline=True), "```"]
        lines += [f"- Replay the run: `{header.replay}`", ""]
    return "\n".join(lines) + "\n"


def write_reports(directory: str, results: Sequence[Result], header: Header) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "junit.xml": junit_xml(results),
        "report.md": markdown(results, header),
        "report.html": html_report(results, header),
    }
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

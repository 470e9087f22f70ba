"""Reports of a run: JUnit XML for CI, Markdown and HTML for people.

One row per requirement with its status; every failure lists its stable title, the
Expected/Received message, the curl command that reproduces it (credentials masked) and the
command line (with the seed) that replays the whole run.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from contracts.checks import Result


def summary_line(results: Sequence[Result]) -> str:
    passed = sum(r.status == "passed" for r in results)
    failed = sum(r.status == "failed" for r in results)
    return f"{passed} passed, {failed} failed"


def junit_xml(results: Sequence[Result], *, name: str = "contracts") -> str:
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(sum(r.status == "failed" for r in results)),
        skipped=str(sum(r.status == "skipped" for r in results)),
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
        if r.status == "skipped":
            ET.SubElement(case, "skipped", message="not run (time limit or nothing selected it)")
        for f in r.failures:
            node = ET.SubElement(case, "failure", message=f.title, type=f.title)
            node.text = f"Expected: {f.expected}\nReceived: {f.received}\n{f.detail}\n{f.curl}".strip()
    return ET.tostring(suite, encoding="unicode")


def markdown(results: Sequence[Result], *, target: str, replay: str) -> str:
    lines = [
        f"# Contract report for {target}",
        "",
        f"**{summary_line(results)}** — replay with `{replay}`",
        "",
        "| requirement | status | rule | spec |",
        "|---|---|---|---|",
    ]
    for r in results:
        req = r.requirement
        titles = ", ".join(sorted({f.title for f in r.failures}))
        status = f"FAILED ({titles})" if titles else r.status
        rule = req.sentence.replace("|", "\\|")
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
        if f.curl:
            lines += ["", "```sh", f.curl, "```"]
        lines += [f"- Replay the run: `{replay}`", ""]
    return "\n".join(lines) + "\n"


def html_report(results: Sequence[Result], *, target: str, replay: str) -> str:
    e = html.escape
    rows = []
    for r in results:
        colour = {"passed": "#d4f7d4", "failed": "#f7d4d4"}.get(r.status, "#eeeeee")
        titles = ", ".join(sorted({f.title for f in r.failures}))
        rows.append(
            f'<tr style="background:{colour}"><td>{e(r.requirement.id)}</td>'
            f"<td>{e(r.status)} {e(titles)}</td>"
            f"<td>{e(r.requirement.sentence)}</td><td><code>{e(r.requirement.spec)}#{e(r.requirement.pointer)}"
            "</code></td></tr>"
        )
    details = []
    for r in results:
        for f in r.failures:
            details.append(
                f"<h3>{e(f.title)} ({e(r.requirement.id)})</h3><p><b>Expected</b>: {e(f.expected)}</p>"
                f"<p><b>Received</b>: {e(f.received)}</p><p>{e(f.detail)}</p><pre>{e(f.curl)}</pre>"
                f"<p>Replay the run: <code>{e(replay)}</code></p>"
            )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Contract report</title></head><body>"
        f"<h1>Contract report for {e(target)}</h1><p><b>{e(summary_line(results))}</b></p>"
        "<table border='1' cellpadding='4'>"
        "<tr><th>requirement</th><th>status</th><th>rule</th><th>spec</th></tr>"
        + "".join(rows)
        + "</table>"
        + "".join(details)
        + "</body></html>\n"
    )


def write_reports(directory: str, results: Sequence[Result], *, target: str, replay: str) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "junit.xml": junit_xml(results),
        "report.md": markdown(results, target=target, replay=replay),
        "report.html": html_report(results, target=target, replay=replay),
    }
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

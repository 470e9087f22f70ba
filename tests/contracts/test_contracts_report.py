"""The reports say what did not run, and the HTML one reads well in a real browser (headless Chromium).

Chromium is Debian's package (``.ci/run`` installs it). The browser test appends a small script to
a copy of the page, lets Chromium lay it out, and reads the measurements back from the DOM it
dumps: the header's counts, failures before the requirement table, Expected and Received side by
side, and no curl command wider than its box (they wrap).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from contracts.checks import Result
from contracts.failures import ContractFailure, RecordedRequest
from contracts.report import junit_xml, markdown
from contracts.report_html import html_report
from contracts.requirements import REQUIREMENTS
from contracts.verdict import Header, summary_line

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sample_results() -> list[Result]:
    request = RecordedRequest(
        "GET",
        "http://127.0.0.1:8080/measurement/measurements?source=2&dateTo=2021-03-04T10%3A00%3A00.000Z"
        "&pageSize=2000&" + "&".join(f"valueFragmentSeries=series{i}" for i in range(30)),
        {"authorization": "Basic YWRtaW46YWRtaW4=", "accept": "application/json"},
    )
    failure = ContractFailure(
        "DateToBoundaryIncluded",
        "exactly the 0 measurements the run created that match {'source': '2'}",
        "1 measurements; unexpected ids ['1'], missing ids []",
        request=request,
    )
    ids = list(REQUIREMENTS)
    return [
        Result(REQUIREMENTS[ids[0]], status="passed", checks=["a"]),
        Result(REQUIREMENTS["MEAS-DATE-2"], status="failed", failures=[failure], checks=["b"]),
        Result(
            REQUIREMENTS["MEAS-PAGING-1"],
            status="not run",
            reason="time budget: --max-time 1 s ran out before paging_returns_every_item_once",
        ),
    ]


HEADER = Header(
    "http://127.0.0.1:8080", "ci", 7, "python -m contracts run --base-url http://127.0.0.1:8080 --seed 7"
)


def test_the_closing_line_counts_what_did_not_run() -> None:
    assert summary_line(sample_results()) == "1 passed, 1 failed, 1 skipped"


def test_junit_marks_what_did_not_run_as_skipped_with_its_reason() -> None:
    xml = junit_xml(sample_results())
    assert 'skipped="1"' in xml
    assert '<skipped message="time budget: --max-time 1 s ran out' in xml


def test_markdown_shows_the_reason_and_a_pasteable_curl() -> None:
    text = markdown(sample_results(), HEADER)
    assert "| MEAS-PAGING-1 | not run: time budget" in text
    assert '-u "$C8Y_AUTH"' in text
    assert "YWRtaW46YWRtaW4=" not in text
    assert text.index("MEAS-DATE-2 | FAILED") < text.index("MEAS-PAGING-1 | not run")


PROBE = """<script>
const box = (el) => el.getBoundingClientRect();
const table = document.querySelector('table');
const failure = document.querySelector('section.failure');
const er = failure.querySelectorAll('.er > div');
const result = {
  title: document.title,
  header: document.querySelector('header').innerText,
  failureAboveTable: box(failure).bottom <= box(table).top,
  expectedBesideReceived:
    Math.abs(box(er[0]).top - box(er[1]).top) < 2 && box(er[0]).right <= box(er[1]).left,
  curlWraps: [...document.querySelectorAll('pre')].every((p) => p.scrollWidth <= p.clientWidth + 1),
  pageFits: document.documentElement.scrollWidth <= window.innerWidth + 1,
  rows: [...document.querySelectorAll('table tr')].slice(1).map((r) => r.className),
};
document.body.setAttribute('data-probe', JSON.stringify(result));
</script>"""


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return found


def test_the_html_report_reads_well_in_headless_chromium(tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "report.html"
    page.write_text(html_report(sample_results(), HEADER).replace("</body>", PROBE + "</body>"))
    done = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1000,900",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = re.search(r"data-probe=\"([^\"]*)\"", done.stdout)
    assert match, done.stderr[-2000:]
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["title"] == "Contract report: 1 failed, 1 skipped"
    for text in ("http://127.0.0.1:8080", "ci", "7", "1 passed", "1 failed", "1 skipped"):
        assert text in probe["header"]
    assert probe["failureAboveTable"]
    assert probe["expectedBesideReceived"]
    assert probe["curlWraps"]
    assert probe["pageFits"]
    assert probe["rows"] == ["failed", "notrun", "passed"]

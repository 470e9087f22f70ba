"""The HTML report: one self-contained page a vendor reads in a browser without help.

A header with the target, profile, seed and counts; the failures first, each with its
Expected/Received side by side and a curl command that wraps and pastes with ``$C8Y_AUTH``; then
every requirement, failed and not run first. No scripts, no external resources.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from contracts.checks import Result
from contracts.verdict import Header, counts, ordered, status_text

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header { background: #1d2a3a; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 6px; font-size: 21px; }
header dl { display: flex; flex-wrap: wrap; gap: 6px 26px; margin: 0; overflow-wrap: anywhere; }
header dt { opacity: .7; } header dd { margin: 0 0 0 6px; font-weight: 600; }
header .pair { display: flex; }
.counts { display: flex; gap: 10px; margin-top: 12px; }
.count { padding: 4px 12px; border-radius: 14px; font-weight: 700; }
.passed { background: #d5f2dc; color: #145a28; } .failed { background: #fbd9d9; color: #8c1616; }
.notrun { background: #fdeec8; color: #6d4b00; }
main { padding: 8px 28px 40px; max-width: 1200px; }
h2 { font-size: 18px; margin: 26px 0 10px; }
.failure { background: #fff; border-left: 5px solid #c62828; border-radius: 4px; padding: 12px 16px;
  margin: 0 0 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.failure h3 { margin: 0 0 8px; font-size: 16px; }
.er { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.er div { background: #f3f4f6; padding: 8px 10px; border-radius: 4px; overflow-wrap: anywhere; }
.er b { display: block; font-size: 12px; text-transform: uppercase; opacity: .65; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #16202b; color: #e6edf3;
  padding: 10px 12px; border-radius: 4px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; background: #fff; table-layout: fixed; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e4e6ea; vertical-align: top;
  overflow-wrap: anywhere; }
th.id { width: 13%; } th.status { width: 25%; } th.spec { width: 24%; }
td.status { font-weight: 600; } td code { font-size: 12px; }
tr.failed td.status { color: #8c1616; } tr.notrun td.status { color: #6d4b00; }
tr.passed td.status { color: #145a28; }
.note { color: #555; }
"""


def html_report(results: Sequence[Result], header: Header) -> str:
    e = html.escape
    passed, failed, skipped = counts(results)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Contract report: {failed} failed, {skipped} skipped</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>Contract report for {e(header.target)}</h1><dl>",
        f"<div class='pair'><dt>profile</dt><dd>{e(header.profile)}</dd></div>",
        f"<div class='pair'><dt>seed</dt><dd>{header.seed}</dd></div>",
        f"<div class='pair'><dt>replay</dt><dd><code>{e(header.replay)}</code></dd></div></dl>",
        f"<div class='counts'><span class='count passed'>{passed} passed</span>",
        f"<span class='count failed'>{failed} failed</span>",
        f"<span class='count notrun'>{skipped} skipped</span></div></header><main>",
    ]
    if header.refused:
        parts.append(
            f"<p class='note'>The safety guard did not send {header.refused} requests that could have "
            "reached data the run did not create.</p>"
        )
    failures = [(r, f) for r in results for f in r.failures]
    if failures:
        parts.append(f"<h2 id='failures'>Failures ({len(failures)})</h2>")
    for r, f in failures:
        curl = f.request.as_curl(multiline=True) if f.request is not None else ""
        parts.append(
            f"<section class='failure'><h3>{e(f.title)} <small>({e(r.requirement.id)})</small></h3>"
            f"<p>{e(r.requirement.sentence)}</p><div class='er'><div><b>Expected</b>{e(f.expected)}</div>"
            f"<div><b>Received</b>{e(f.received)}</div></div>"
            + (f"<p class='note'>{e(f.detail)}</p>" if f.detail else "")
            + (f"<pre>{e(curl)}</pre>" if curl else "")
            + "</section>"
        )
    if failures:
        parts.append(
            "<p class='note'>The curl commands read the credentials from <code>$C8Y_AUTH</code> "
            "(<code>export C8Y_AUTH=tenant/user:password</code>) or <code>$C8Y_TOKEN</code>.</p>"
        )
    parts.append(
        "<h2>Requirements</h2><table><tr><th class='id'>requirement</th><th class='status'>status</th>"
        "<th>rule</th><th class='spec'>spec</th></tr>"
    )
    for r in ordered(results):
        css = r.status.replace(" ", "")
        parts.append(
            f"<tr class='{css}'><td>{e(r.requirement.id)}</td><td class='status'>{e(status_text(r))}</td>"
            f"<td>{e(r.requirement.sentence)}</td>"
            f"<td><code>{e(r.requirement.spec)}#{e(r.requirement.pointer)}</code></td></tr>"
        )
    parts.append("</table></main></body></html>\n")
    return "".join(parts)

"""The corpus of public specs: stored as the manifest says, covering every style users bring,
and the fast subset passing every stage of ``make corpus`` (the full run is ``make corpus``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import manifest, scoreboard
from bench.corpus.pipeline import STAGES, Bounds, SpecResult, StageResult, run_spec

ENTRIES = manifest.load()
FAST = [e for e in ENTRIES if e.fast]
# What the issue asks the corpus to hold, each by at least one spec.
REQUIRED_STYLES = (
    "swagger-2.0",
    "openapi-3.0",
    "openapi-3.1",
    "openapi-3.2",
    "json",
    "yaml",
    "large",
    "security-basic",
    "security-bearer",
    "security-apikey-header",
    "security-apikey-query",
    "security-apikey-cookie",
    "security-oauth2",
    "security-openidconnect",
    "xml",
    "form",
    "multipart",
    "polymorphism",
    "callbacks",
    "webhooks",
    "rpc",
    "paging-cursor",
    "paging-page",
    "redirects",
    "no-operation-ids",
    "template-text",
)


def test_every_stored_spec_matches_its_manifest_entry() -> None:
    assert [p for e in ENTRIES for p in manifest.problems(e)] == []


def test_corpus_holds_forty_specs_of_every_required_style_in_under_forty_megabytes() -> None:
    covered = {style for e in ENTRIES for style in e.styles}
    assert len(ENTRIES) >= 40
    assert [s for s in REQUIRED_STYLES if s not in covered] == []
    assert sum(e.spec_path.stat().st_size for e in ENTRIES) < 40 * 2**20
    assert all(e.licence and len(e.commit) == 40 for e in ENTRIES)


def test_no_stage_of_the_fast_subset_is_a_known_failure() -> None:
    assert FAST, "the manifest marks no spec fast"
    assert {e.name: e.known_failures for e in FAST if e.known_failures} == {}


def test_only_a_large_spec_gets_the_longer_st_bound_and_fewer_examples() -> None:
    small = replace(ENTRIES[0], operations=149)
    large = replace(ENTRIES[0], operations=150)
    bounds = Bounds()
    assert (bounds.st_bound(small), bounds.examples(small)) == (300, (3, 5))
    assert (bounds.st_bound(large), bounds.examples(large)) == (480, (2, 2))


@pytest.mark.parametrize("entry", FAST, ids=[e.name for e in FAST])
def test_fast_corpus_spec_passes_every_stage(entry: manifest.Entry, tmp_path: Path) -> None:
    result = run_spec(entry, tmp_path, Bounds(suite_examples=2, st_examples=3))
    failed = [result.stages[s] for s in STAGES if result.stages[s].status != "passed"]
    report = "\n".join(f"{s.stage}: {s.status} {s.detail}\n  " + "\n  ".join(s.lines) for s in failed)
    assert not failed, report
    assert result.server_errors == 0


def _scored(st: str, server_errors: int, known: dict[str, str]) -> scoreboard.Verdict:
    entry = replace(ENTRIES[0], known_failures=known)
    result = SpecResult(entry.name, entry.operations, server_errors=server_errors)
    result.stages = {s: StageResult(s, "passed") for s in STAGES}
    result.stages["st"] = StageResult("st", st)
    return scoreboard.verdict([result], {entry.name: entry})


def test_the_corpus_gate_fails_on_an_unlisted_stage_and_on_any_server_error() -> None:
    name = ENTRIES[0].name
    assert _scored("failed", 0, {"st": "why"}).new == []
    assert _scored("failed", 0, {}).new == [(name, "st")]
    # A known st failure does not hide a server error: the target is none at all.
    assert _scored("failed", 3, {"st": "why"}).new == [(name, "server errors")]
    assert _scored("passed", 0, {"st": "why"}).now_passing == [(name, "st")]

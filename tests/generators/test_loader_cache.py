"""A large YAML spec's parse is kept in the user's cache as JSON, by content hash: what the second
generator command reads from it is what parsing the text gives, for any document."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import loader

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.dates(),
    st.datetimes(timezones=st.just(datetime.UTC)),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(loader, "CACHED_FROM", 0)
    return tmp_path / "c8y-contract-kit" / "specs"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.dictionaries(st.text(), DOCUMENTS, min_size=1, max_size=4))
def test_the_cached_parse_is_the_parse(cache: Path, document: dict[Any, Any]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    first = loader.parse_text(text)
    assert (cache / f"{loader._cache_file(text).name}").exists()
    assert loader.parse_text(text) == first == loader._json_compatible(yaml.safe_load(text))


def test_a_broken_cache_file_is_parsed_again_and_rewritten(cache: Path) -> None:
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
    target = loader._cache_file(text)
    target.parent.mkdir(parents=True)
    target.write_text("{not json", encoding="utf-8")
    assert loader.parse_text(text)["openapi"] == "3.0.3"
    assert target.read_text(encoding="utf-8").startswith('{"openapi"')

"""The corpus manifest: which public spec each stored file is, pinned to a commit.

``tests/data/corpus/manifest.yaml`` lists every spec: its stored file, the GitHub repository,
commit and path it came from, its licence, its SHA-256, its operation count and the styles it
covers (``bench/corpus/styles.py``). ``verify`` holds each stored file to all of that;
``fetch`` (re)writes the files from GitHub at the pinned commits, or from local git snapshots.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bench.corpus.styles import operations, styles

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "corpus"
MANIFEST = CORPUS / "manifest.yaml"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RAW_URL = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


@dataclass(frozen=True)
class Entry:
    """One corpus spec as the manifest records it."""

    name: str
    file: str
    repo: str
    commit: str
    path: str
    licence: str
    sha256: str
    operations: int
    styles: tuple[str, ...]
    fast: bool = False
    # stage -> why it still fails (the scoreboard reports these as known, not as new failures).
    known_failures: dict[str, str] = field(default_factory=dict)

    @property
    def spec_path(self) -> Path:
        return CORPUS / self.file


def load(manifest: Path = MANIFEST) -> list[Entry]:
    raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    entries = []
    for item in raw["specs"]:
        item = dict(item)
        item["styles"] = tuple(item["styles"])
        item["known_failures"] = dict(item.get("known_failures") or {})
        entries.append(Entry(**item))
    return entries


HEADER = """\
# The corpus: public real-world OpenAPI documents, each stored byte for byte in this directory
# as test data (nothing here is run or copied into code). `python -m bench.corpus verify` holds
# every file to its entry (sha256, operation count, styles recomputed from the file);
# `python -m bench.corpus fetch` rewrites them from GitHub at the pinned commits.
# fast: in the `make test` subset. known_failures: stage -> why it still fails (reported as
# known; `python -m bench.corpus record-known` rewrites them from the last run's scoreboard).
"""


def save(entries: list[Entry], manifest: Path = MANIFEST) -> None:
    """Write the manifest back (the same layout as it was written first)."""
    specs = []
    for entry in entries:
        item: dict[str, Any] = {k: v for k, v in asdict(entry).items() if k not in ("fast", "known_failures")}
        item["styles"] = list(entry.styles)
        if entry.fast:
            item["fast"] = True
        if entry.known_failures:
            item["known_failures"] = dict(entry.known_failures)
        specs.append(item)
    text = yaml.safe_dump({"specs": specs}, sort_keys=False, width=200, default_flow_style=None)
    manifest.write_text(HEADER + text, encoding="utf-8")


def with_known_failures(entries: list[Entry], scoreboard: Path) -> list[Entry]:
    """Entries whose ``known_failures`` are the failed stages of a run's scoreboard.json."""
    failed: dict[str, dict[str, str]] = {}
    for spec in json.loads(scoreboard.read_text(encoding="utf-8"))["specs"]:
        for stage, result in spec["stages"].items():
            if result["status"] == "failed":
                first = next((line.strip() for line in result["lines"] if line.strip()), "")
                failed.setdefault(spec["name"], {})[stage] = f"{result['detail']}: {first}"[:300]
    return [replace(e, known_failures=failed.get(e.name, {})) for e in entries]


def parse(text: str, file_format: str) -> dict[str, Any]:
    document = json.loads(text) if file_format == "json" else yaml.load(text, Loader=LOADER)
    if not isinstance(document, dict):
        raise ValueError("the document is not a JSON or YAML object")
    return document


def describe(data: bytes, file_name: str) -> tuple[str, int, list[str]]:
    """(sha256, operation count, styles) of a spec file's bytes."""
    file_format = "json" if file_name.endswith(".json") else "yaml"
    text = data.decode("utf-8")
    document = parse(text, file_format)
    return (
        hashlib.sha256(data).hexdigest(),
        len(list(operations(document))),
        styles(document, text, file_format),
    )


def problems(entry: Entry) -> list[str]:
    """What is wrong with one stored spec against its manifest entry (empty: nothing)."""
    if not entry.spec_path.is_file():
        return [f"{entry.name}: {entry.spec_path} is missing (run python -m bench.corpus fetch)."]
    digest, count, found = describe(entry.spec_path.read_bytes(), entry.file)
    wrong = []
    if digest != entry.sha256:
        wrong.append(f"{entry.name}: sha256 {digest} is not the manifest's {entry.sha256}.")
    if count != entry.operations:
        wrong.append(f"{entry.name}: {count} operations, the manifest says {entry.operations}.")
    if list(entry.styles) != found:
        wrong.append(f"{entry.name}: styles {found}, the manifest says {list(entry.styles)}.")
    return wrong


def download(entry: Entry, mirror_root: Path | None) -> bytes:
    """The pinned file, from a local snapshot ``<mirror_root>/<owner>+<name>/repo`` or GitHub."""
    if mirror_root is not None:
        git_dir = mirror_root / entry.repo.replace("/", "+") / "repo"
        return subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{entry.commit}:{entry.path}"],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
    url = RAW_URL.format(repo=entry.repo, commit=entry.commit, path=entry.path)
    with urllib.request.urlopen(url, timeout=60) as answer:
        data: bytes = answer.read()
    return data


def fetch(entries: list[Entry], mirror_root: Path | None) -> list[str]:
    """(Re)write each entry's file from its pinned source; return the problems left."""
    left = []
    for entry in entries:
        data = download(entry, mirror_root)
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            left.append(f"{entry.name}: {entry.repo}@{entry.commit}:{entry.path} is not the pinned file.")
            continue
        entry.spec_path.write_bytes(data)
        left.extend(problems(entry))
    return left

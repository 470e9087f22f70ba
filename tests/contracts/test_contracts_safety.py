"""The harness never touches data it did not create: foreign data where the specs' examples point.

A mock (``logged_mock.py``, a subprocess) holds a tenant's own data at the places Schemathesis's
examples and careless rewriting would hit: managed objects with low ids and the ids the examples
name (7, 10, 12345), measurements at the example times, asset models named as in the examples
(``Site``, ``Pump``) with the example ids, instances with low ids under them. After a whole run,
every piece of that data reads back exactly as before, and the mock's own request log shows that
no request that could have changed it arrived. The default selection runs the ci profile with
seed 4 (a seed that once wrote into foreign data); ``make safety`` runs every profile with 5 seeds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from conftest import READER_ARGS

from contracts.client import Client, Credentials

ROOT = Path(__file__).resolve().parents[2]
FOREIGN_MOS = ["1", "2", "3", "5", "7", "10", "42", "12345"]
EXAMPLE_TIMES = [
    "2024-03-01T00:00:00.000+01:00",
    "2024-03-01T12:03:27.845+01:00",
    "2024-03-01T23:59:59.999Z",
    "2024-03-02T00:00:00.000Z",
]
FOREIGN_TYPE = "c8y_TemperatureMeasurement"
FOREIGN_ALARM_TYPES = ["c8y_UnavailabilityAlarm", "c8y_TemperatureAlarm"]
FOREIGN_MODELS = {"1": "Site", "2": "Pump", "3": "Pump (legacy)"}
FOREIGN_INSTANCES = ["10", "11", "12"]
SEED: dict[str, Any] = {
    "managedObjects": [
        {"id": i, "name": f"tenant-{i}", "type": "c8y_Device", "c8y_IsDevice": {}} for i in FOREIGN_MOS
    ],
    "measurements": [
        {
            "time": t,
            "type": FOREIGN_TYPE,
            "source": {"id": source},
            "c8y_Temperature": {"T": {"value": 21.5, "unit": "C"}},
        }
        for source in ("1", "7", "12345")
        for t in EXAMPLE_TIMES
    ],
    "alarms": [  # where spec/alarm.yaml's examples point: its example sources and types
        {
            "source": {"id": source},
            "type": kind,
            "text": "foreign",
            "severity": "MAJOR",
            "time": "2024-03-01T12:03:27.845Z",  # the example alarm's time
            **({"status": "ACKNOWLEDGED"} if kind == FOREIGN_ALARM_TYPES[1] else {}),
        }
        for source in ("1", "7", "12345")
        for kind in FOREIGN_ALARM_TYPES
    ],
    "assetModels": [
        {
            "id": "2",
            "name": "Pump",
            "properties": [
                {"key": "serialNumber", "type": "TEXT"},
                {"key": "maxPower", "type": "NUMBER"},
                {"key": "running", "type": "BOOLEAN"},
                {"key": "status", "type": "TEXT"},
            ],
        },
        {"id": "1", "name": "Site", "allowedSubtypes": ["2"]},
        {"id": "3", "name": "Pump (legacy)", "extends": "2"},
    ],
    "assetInstances": [
        {"id": "10", "modelId": "1", "name": "Hall 3"},
        {"id": "11", "modelId": "2", "name": "Pump P-101", "parent": "10", "managedObjectId": "2"},
        {"id": "12", "modelId": "2", "name": "Pump P-102", "parent": "10", "managedObjectId": "12345"},
    ],
}
REFERENCES = {
    "source": "mo",
    "managedObjectId": "mo",
    "parent": "instance",
    "children": "instance",
    "modelId": "model",
    "extends": "model",
    "allowedSubtypes": "model",
    "target": "model",
}


@pytest.fixture
def foreign_mock(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    seed, log = tmp_path / "seed.json", tmp_path / "requests.jsonl"
    seed.write_text(json.dumps(SEED))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/contracts/logged_mock.py"), str(seed), str(log)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the mock announces where it listens
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, f"the mock did not start: {line!r}"
        yield match.group(0), log
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def snapshot(url: str) -> dict[str, Any]:
    """Everything foreign, read through the API: objects, measurements, models, instances, children."""
    client = Client(url, Credentials())
    try:
        out: dict[str, Any] = {}
        for mo in FOREIGN_MOS:
            out[f"mo/{mo}"] = client.get(f"/inventory/managedObjects/{mo}").json()
            page = client.get("/measurement/measurements", params={"source": mo, "pageSize": "2000"}).json()
            out[f"measurements/{mo}"] = page["measurements"]
            alarms = client.get("/alarm/alarms", params={"source": mo, "pageSize": "2000"}).json()
            out[f"alarms/{mo}"] = alarms["alarms"]
        for model in FOREIGN_MODELS:
            out[f"model/{model}"] = client.get(f"/service/dtm/asset-models/{model}").json()
            listing = client.get("/service/dtm/asset-instances", params={"model": model, "pageSize": "2000"})
            out[f"instances-of/{model}"] = listing.json()["assetInstances"]
        for instance in FOREIGN_INSTANCES:
            out[f"instance/{instance}"] = client.get(f"/service/dtm/asset-instances/{instance}").json()
        return out
    finally:
        client.close()


def foreign_ids(before: dict[str, Any], family: str) -> set[str]:
    """The ids of the foreign measurements or alarms in a snapshot."""
    return {str(m["id"]) for mo in FOREIGN_MOS for m in before[f"{family}/{mo}"]}


def leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def references(value: Any) -> Iterator[tuple[str, str]]:
    """(family, id) of every reference field anywhere in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in REFERENCES:
                yield from ((REFERENCES[key], leaf) for leaf in leaves(item))
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def unscoped(query: list[tuple[str, str]], foreign_types: list[str]) -> bool:
    """A collection write that can reach foreign data: a foreign source, or no source and no type
    list free of foreign types (alarm `type` is a comma-separated list; empty entries are dropped)."""
    sources = [v for k, v in query if k == "source"]
    types = [t for k, v in query if k == "type" for t in v.split(",") if t.strip()]
    return bool(set(sources) & set(FOREIGN_MOS)) or not (
        sources or (types and not set(types) & set(foreign_types))
    )


def forbidden(entry: dict[str, Any], measurements: set[str], alarms: set[str]) -> str | None:
    """Why a request that reached the mock could have changed foreign data (None: it could not)."""
    method = entry["method"]
    path = re.sub("/+", "/", entry["path"]).rstrip("/")  # as the mock serves /alarm/alarms//7
    if method in ("GET", "HEAD", "OPTIONS"):
        return None
    foreign = {"mo": set(FOREIGN_MOS), "model": set(FOREIGN_MODELS), "instance": set(FOREIGN_INSTANCES)}
    query = parse_qsl(entry["query"], keep_blank_values=True)
    item = re.fullmatch(
        r"/(inventory/managedObjects|service/dtm/asset-models|service/dtm/asset-instances|"
        r"measurement/measurements|alarm/alarms)/([^/]+)",
        path,
    )
    if item:
        family = {
            "inventory/managedObjects": "mo",
            "service/dtm/asset-models": "model",
            "service/dtm/asset-instances": "instance",
        }.get(item[1])
        elsewhere = foreign[family] if family else alarms if item[1] == "alarm/alarms" else measurements
        if item[2] in elsewhere:
            return f"{method} of the foreign {item[1]} {item[2]}"
    if method == "DELETE" and path == "/measurement/measurements" and unscoped(query, [FOREIGN_TYPE]):
        return "a measurement DELETE scoped neither to a source nor to a type of the run's"
    if method in ("PUT", "DELETE") and path == "/alarm/alarms" and unscoped(query, FOREIGN_ALARM_TYPES):
        return f"an alarm bulk {method} scoped neither to a source nor to types of the run's"
    if method == "DELETE" and path == "/notification2/subscriptions" and not dict(query).get("source"):
        return "a subscription DELETE without a source: it deletes every subscription of the tenant"
    for key, value in query:
        if key in ("source", "parent", "model") and value in foreign[REFERENCES.get(key, "model")]:
            return f"query {key}={value}"
    try:
        document = json.loads(entry["body"]) if entry["body"] else None
    except ValueError:
        document = None
    for family, ref in references(document):
        if ref in foreign[family]:
            return f"a body naming the foreign {family} {ref}"
    if path == "/service/dtm/asset-imports" and entry["body"]:
        for row in entry["body"].splitlines()[1:]:
            if row.split(",")[0] in FOREIGN_MODELS.values():
                return f"a CSV row of the foreign model {row.split(',')[0]!r}"
    return None


def run_and_check(
    url: str, log: Path, tmp_path: Path, profile: str, seed: int, *extra: str
) -> subprocess.CompletedProcess[str]:
    before = snapshot(url)
    logged_before = len(log.read_text().splitlines())
    measurements, alarms = foreign_ids(before, "measurements"), foreign_ids(before, "alarms")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "contracts",
            "run",
            "--base-url",
            url,
            "--profile",
            profile,
            "--seed",
            str(seed),
            "--report-dir",
            str(tmp_path / "report"),
            *READER_ARGS,
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    bad = [(reason, e) for e in entries if (reason := forbidden(e, measurements, alarms))]
    assert bad == [], bad[:5]
    # Every request that reached the mock left through the guard's transport, and no other way.
    sent = re.search(r"contracts: (\d+) requests sent to the target", done.stderr)
    assert sent, done.stderr[-2000:]
    assert len(entries) - logged_before == int(sent.group(1))
    assert snapshot(url) == before
    if done.stdout.strip().endswith(" 0 skipped"):  # everything ran, Schemathesis's examples included
        assert "safety guard:" in done.stdout, "the examples point at foreign data: some must be refused"
    return done


def test_a_ci_run_leaves_foreign_data_untouched_and_still_finds_the_mock_conformant(
    foreign_mock: tuple[str, Path], tmp_path: Path
) -> None:
    """Seed 4 once posted the spec's example CSV under a foreign parent; foreign data is no excuse to fail."""
    url, log = foreign_mock
    done = run_and_check(url, log, tmp_path, "ci", 4)
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.fullmatch(r"\d+ passed, 0 failed, 0 skipped", done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("profile", ["quick", "ci", "thorough"])
def test_every_profile_and_seed_leaves_foreign_data_untouched(
    foreign_mock: tuple[str, Path], tmp_path: Path, profile: str, seed: int
) -> None:
    url, log = foreign_mock
    budget = ["--max-time", "300"] if profile == "thorough" else []
    run_and_check(url, log, tmp_path, profile, seed, *budget)

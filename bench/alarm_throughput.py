"""HTTP throughput of the mock's alarm API against Prism and a bare Starlette endpoint.

The goal (bench/README.md): one uvicorn worker of the mock answers a 100-alarm page of
``GET /alarm/alarms`` (and ``GET /alarm/alarms/{id}``) at least 3x as fast as Prism mocking the
same paths of ``spec/alarm.yaml`` with the mock's own answers as examples (same body), and at
least 0.3x as fast as a bare Starlette endpoint returning the same JSON. Method and load as in
:mod:`bench.http_throughput`: every server its own subprocess on a free 127.0.0.1 port, stopped in
a ``finally``; targets measured round-robin ``--repeat`` times; medians compared.

    python -m bench.alarm_throughput [--seconds 3] [--repeat 5] [--no-prism]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench._loadgen import tool as load_tool
from bench._servers import Server, start_prism, start_uvicorn
from bench.http_throughput import (
    AUTH,
    BARE_BODIES_ENV,
    GOAL_VS_BARE,
    GOAL_VS_PRISM,
    capture_bodies,
    measure,
    ratio_line,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "alarm.yaml"
PAGE_SIZE = 100
SEEDED_ALARMS = 300
DEVICE_ID = "1001"
SEVERITIES = ("CRITICAL", "MAJOR", "MINOR", "WARNING")


def seed_document(count: int) -> dict[str, Any]:
    """One device and ``count`` alarms of distinct types (none merged), one second apart."""
    alarms = [
        {
            "source": {"id": DEVICE_ID},
            "type": f"bench_Alarm{i}",
            "text": f"Bench alarm number {i}",
            "severity": SEVERITIES[i % 4],
            "status": "ACKNOWLEDGED" if i % 3 == 0 else "ACTIVE",
            "time": f"2024-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            "bench_Detail": {"sensor": i % 7, "threshold": 80.5},
        }
        for i in range(count)
    ]
    return {"managedObjects": [{"id": DEVICE_ID, "name": "bench device"}], "alarms": alarms}


def seed_mock(base_url: str, count: int) -> str:
    """Reset the mock to the seed; the id of one stored alarm (read back, not assumed)."""
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": AUTH}) as client:
        answer = client.post("/_mock/reset", json=seed_document(count))
        if answer.status_code >= 300:
            raise RuntimeError(f"POST /_mock/reset answered {answer.status_code}: {answer.text[:300]}")
        items = client.get("/alarm/alarms", params={"pageSize": PAGE_SIZE}).json()["alarms"]
        if len(items) < PAGE_SIZE:
            raise RuntimeError(f"The seeded mock returned {len(items)} alarms, expected {PAGE_SIZE}.")
        return str(items[len(items) // 2]["id"])


def same_body_spec(captured: dict[str, list[Any]], by_id: str) -> dict[str, Any]:
    """spec/alarm.yaml with the mock's own answers as the examples of the two measured GETs."""
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    templates = {by_id: "/alarm/alarms/{id}", "/alarm/alarms": "/alarm/alarms"}
    for path, (_media_type, body) in captured.items():
        for media in spec["paths"][templates[path]]["get"]["responses"]["200"]["content"].values():
            media.pop("examples", None)
            media["example"] = body
    return spec


@contextmanager
def servers(args: argparse.Namespace, tmp: Path) -> Iterator[dict[str, tuple[Server, list[tuple[str, str]]]]]:
    """Start the mock, the bare endpoint and Prism; yield {server: (server, [(row, path)])}."""
    with ExitStack() as stack:
        started: dict[str, tuple[Server, list[tuple[str, str]]]] = {}
        mock = stack.enter_context(start_uvicorn("mock", "mockserver.http.app:create_app"))
        by_id = f"/alarm/alarms/{seed_mock(mock.base_url, SEEDED_ALARMS)}"
        page = f"/alarm/alarms?pageSize={PAGE_SIZE}"
        started["mock"] = (mock, [("mock by id", by_id), ("mock page", page)])
        captured = capture_bodies(mock.base_url, [by_id, page])
        bodies = tmp / "bare-bodies.json"
        bodies.write_text(json.dumps(captured))
        bare = stack.enter_context(
            start_uvicorn(
                "bare starlette",
                "bench.http_throughput:bare_starlette_app",
                env={BARE_BODIES_ENV: str(bodies)},
            )
        )
        started["bare"] = (bare, [("bare starlette by id", by_id), ("bare starlette page", "/alarm/alarms")])
        if args.prism:
            same_body = tmp / "alarm-same-body.json"
            same_body.write_text(json.dumps(same_body_spec(captured, by_id)))
            try:
                prism = stack.enter_context(start_prism(same_body))
            except RuntimeError as error:
                print(f"prism skipped: {error}", file=sys.stderr)
            else:
                started["prism"] = (prism, [("prism same-body by id", by_id), ("prism same-body page", page)])
        yield started


def run(args: argparse.Namespace) -> list[str]:
    tool = load_tool(args.load)
    with tempfile.TemporaryDirectory() as tmpdir, servers(args, Path(tmpdir)) as started:
        rows = measure(started, args)
    lines = [
        f"load: {tool}, {args.connections} keep-alive connections, {args.seconds:g} s x {args.repeat} "
        f"repeats per target, round-robin; medians; {SEEDED_ALARMS} alarms stored",
        "",
        f"{'target':<34} {'req/s':>9} {'p50 ms':>8}   all req/s",
    ]
    for row in rows.values():
        every = " ".join(f"{r.rps:.0f}" for r in row.results)
        lines.append(f"{row.name:<34} {row.rps:9.0f} {row.p50_ms:8.2f}   [{every}]")
    lines.append("")
    for key, label in (("by id", "GET alarm by id"), ("page", f"GET page of {PAGE_SIZE} alarms")):
        mock = rows.get(f"mock {key}")
        lines.append(
            ratio_line(
                f"{label}: mock / prism same-body", mock, rows.get(f"prism same-body {key}"), GOAL_VS_PRISM
            )
        )
        lines.append(
            ratio_line(
                f"{label}: mock / bare starlette", mock, rows.get(f"bare starlette {key}"), GOAL_VS_BARE
            )
        )
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3, help="length of one measurement")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per target (median taken)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument(
        "--load",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (auto: wrk when on PATH, else the Python client)",
    )
    parser.add_argument("--no-prism", dest="prism", action="store_false", help="skip Prism")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and ratios; exit 1 when a goal fails."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    lines = run(parse(argv))
    print("\n".join(lines))
    return 1 if any(line.endswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())

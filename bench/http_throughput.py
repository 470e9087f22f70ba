"""HTTP throughput of the mock against Prism and a bare Starlette endpoint.

The goal (see bench/README.md): one uvicorn worker of the mock answers
``GET /measurement/measurements/{id}`` and a 100-item page at least 3x as fast as Prism
mocking the same paths of ``spec/measurement.yaml``, and at least 0.3x as fast as a bare
Starlette endpoint that returns the same JSON, with Connexion still routing, validating and
authenticating.

Every server runs as its own subprocess on a free 127.0.0.1 port and is stopped in a
``finally``; the load comes from a separate process (``wrk`` with a Lua script that stops
for a fixed time, or :mod:`bench._loadgen` when ``wrk`` is missing). Targets are
measured round-robin, ``--repeat`` times, and the medians are compared, so that the noise of a
shared machine hits every target alike.

    python -m bench.http_throughput [--seconds 3] [--repeat 5] [--no-prism]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench._loadgen import LoadResult, drive
from bench._loadgen import tool as load_tool
from bench._servers import Server, start_prism, start_uvicorn

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "measurement.yaml"
AUTH = "Basic " + base64.b64encode(b"t100/admin:admin").decode()
PAGE_SIZE = 100
SEEDED_MEASUREMENTS = 300
GOAL_VS_PRISM = 3.0
GOAL_VS_BARE = 0.3
BARE_BODIES_ENV = "BENCH_BARE_BODIES"
DEVICE_ID = "1001"
FAST_PATH_SWITCH = "C8Y_MOCK_FAST_PATH"  # mockserver.http.fast.SWITCH (not imported: bench needs no mock)


@dataclass
class Row:
    """One measured target: what was asked and every repeat's result."""

    name: str
    url: str
    results: list[LoadResult] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.results) if self.results else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.results) if self.results else 0.0


def bare_starlette_app() -> Any:
    """A bare Starlette app answering the mock's two hot paths with the same JSON (uvicorn factory).

    The bodies come from the file named by ``BENCH_BARE_BODIES``: {path: [media type, body]}.
    Each request serialises the body again, as any real JSON endpoint would.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    bodies: dict[str, list[Any]] = json.loads(Path(os.environ[BARE_BODIES_ENV]).read_text())

    async def answer(request: Request) -> Response:
        media_type, body = bodies[request.url.path]
        return JSONResponse(body, media_type=media_type)

    return Starlette(routes=[Route(path, answer) for path in bodies])


def seed_document(count: int) -> dict[str, Any]:
    """A mock seed: one device and ``count`` measurements of it, one second apart."""
    measurements = [
        {
            "time": f"2024-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            "type": "c8y_Temperature",
            "source": {"id": DEVICE_ID},
            "c8y_Temperature": {"T": {"value": 20.0 + i / 10, "unit": "C"}},
        }
        for i in range(count)
    ]
    return {
        "managedObjects": [{"id": DEVICE_ID, "name": "bench device", "type": "c8y_Device"}],
        "measurements": measurements,
    }


def seed_mock(base_url: str, count: int) -> str:
    """Reset the mock to a known seed and return the id of one stored measurement.

    The seed names its device ``DEVICE_ID``; the mock assigns measurement ids, so the measurement
    id is read back from the collection rather than assumed.
    """
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": AUTH}) as client:
        answer = client.post("/_mock/reset", json=seed_document(count))
        if answer.status_code >= 300:
            raise RuntimeError(f"POST /_mock/reset answered {answer.status_code}: {answer.text[:300]}")
        page = client.get("/measurement/measurements", params={"pageSize": PAGE_SIZE})
        page.raise_for_status()
        items = page.json()["measurements"]
        if len(items) < PAGE_SIZE:
            raise RuntimeError(f"The seeded mock returned {len(items)} measurements, expected {PAGE_SIZE}.")
        return str(items[len(items) // 2]["id"])


def capture_bodies(base_url: str, paths: list[str]) -> dict[str, list[Any]]:
    """The mock's answers on ``paths`` as {path without query: [media type, JSON body]}."""
    out: dict[str, list[Any]] = {}
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": AUTH}) as client:
        for path in paths:
            answer = client.get(path)
            answer.raise_for_status()
            out[path.split("?")[0]] = [answer.headers["content-type"], answer.json()]
    return out


def ratio_line(label: str, mine: Row | None, base: Row | None, goal: float | None) -> str:
    """``mine / base`` in req/s; marked PASS/FAIL against ``goal`` when it is a goal."""
    if mine is None or base is None or not base.rps or not mine.results:
        return f"{label:<56} n/a (a target did not run)"
    ratio = mine.rps / base.rps
    if goal is None:
        return f"{label:<56} {ratio:6.2f}x"
    verdict = "PASS" if ratio >= goal else "FAIL"
    return f"{label:<56} {ratio:6.2f}x  (goal >= {goal:g}x)  {verdict}"


def same_body_spec(captured: dict[str, list[Any]], by_id: str) -> dict[str, Any]:
    """spec/measurement.yaml with the mock's own answers as the examples of the two measured GETs.

    Prism mocks a collection from the schema's examples: one item, ~460 bytes, against the
    mock's 100 items (~26 KB). With the captured answers as ``example``, Prism sends the same
    bytes as the mock, so the two are compared on the same work.
    """
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    templates = {
        by_id: "/measurement/measurements/{id}",
        "/measurement/measurements": "/measurement/measurements",
    }
    for path, (_media_type, body) in captured.items():
        content = spec["paths"][templates[path]]["get"]["responses"]["200"]["content"]
        for media in content.values():
            media.pop("examples", None)
            media["example"] = body
    return spec


def report(rows: dict[str, Row], tool: str, args: argparse.Namespace) -> list[str]:
    lines = [
        f"load: {tool}, {args.connections} keep-alive connections, {args.seconds:g} s x {args.repeat} "
        "repeats per target, round-robin; medians",
        "",
    ]
    lines.append(f"{'target':<34} {'req/s':>9} {'p50 ms':>8}   all req/s")
    for row in rows.values():
        every = " ".join(f"{r.rps:.0f}" for r in row.results)
        lines.append(f"{row.name:<34} {row.rps:9.0f} {row.p50_ms:8.2f}   [{every}]")
    lines.append("")
    for path_key, label in (("by id", "GET by id"), ("page", f"GET page of {PAGE_SIZE}")):
        mock = rows.get(f"mock {path_key}")
        lines.append(
            ratio_line(
                f"{label}: mock / prism same-body",
                mock,
                rows.get(f"prism same-body {path_key}"),
                GOAL_VS_PRISM,
            )
        )
        lines.append(
            ratio_line(
                f"{label}: mock / bare starlette", mock, rows.get(f"bare starlette {path_key}"), GOAL_VS_BARE
            )
        )
        lines.append(
            ratio_line(
                f"{label}: mock / prism spec examples (info)", mock, rows.get(f"prism {path_key}"), None
            )
        )
        lines.append(
            ratio_line(
                f"{label}: fast path / Connexion only (info)",
                mock,
                rows.get(f"mock Connexion-only {path_key}"),
                None,
            )
        )
    return lines


@contextmanager
def servers(args: argparse.Namespace, tmp: Path) -> Iterator[dict[str, tuple[Server, list[tuple[str, str]]]]]:
    """Start every server and yield {server name: (server, [(row name, path)])}; stop all after."""
    with ExitStack() as stack:
        started: dict[str, tuple[Server, list[tuple[str, str]]]] = {}
        mock = stack.enter_context(start_uvicorn("mock", args.mock_factory, env=args.mock_env))
        some_id = seed_mock(mock.base_url, SEEDED_MEASUREMENTS)
        by_id = f"/measurement/measurements/{some_id}"
        page = f"/measurement/measurements?pageSize={PAGE_SIZE}"
        started["mock"] = (
            mock,
            [("mock trivial", "/tenant/currentTenant"), ("mock by id", by_id), ("mock page", page)],
        )
        if args.plain:  # the same mock with every request through Connexion: what the fast path buys
            plain = stack.enter_context(
                start_uvicorn(
                    "mock, Connexion only", args.mock_factory, env={**args.mock_env, FAST_PATH_SWITCH: "0"}
                )
            )
            seed_mock(plain.base_url, SEEDED_MEASUREMENTS)
            started["plain"] = (
                plain,
                [("mock Connexion-only by id", by_id), ("mock Connexion-only page", page)],
            )
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
        started["bare"] = (
            bare,
            [("bare starlette by id", by_id), ("bare starlette page", "/measurement/measurements")],
        )
        if args.prism:
            same_body = tmp / "measurement-same-body.json"
            same_body.write_text(json.dumps(same_body_spec(captured, by_id)))
            for key, spec, label in (("prism", SPEC, "prism"), ("prism same", same_body, "prism same-body")):
                try:
                    prism = stack.enter_context(start_prism(spec))
                except RuntimeError as error:
                    print(f"{label} skipped: {error}", file=sys.stderr)
                    continue
                started[key] = (prism, [(f"{label} by id", by_id), (f"{label} page", page)])
        yield started


def measure(
    started: dict[str, tuple[Server, list[tuple[str, str]]]], args: argparse.Namespace
) -> dict[str, Row]:
    """Warm every target up once, then drive them round-robin ``args.repeat`` times."""
    rows: dict[str, Row] = {}
    targets = [(server, name, path) for server, paths in started.values() for name, path in paths]
    for server, name, path in targets:
        rows[name] = Row(name, server.base_url + path)
        drive(rows[name].url, AUTH, 1, args.connections, args.load)  # warm-up
    for _ in range(args.repeat):
        for _server, name, _path in targets:  # round-robin: drift hits every target alike
            rows[name].results.append(drive(rows[name].url, AUTH, args.seconds, args.connections, args.load))
    return rows


def run(args: argparse.Namespace) -> list[str]:
    tool = load_tool(args.load)
    with tempfile.TemporaryDirectory() as tmpdir, servers(args, Path(tmpdir)) as started:
        rows = measure(started, args)
    return report(rows, tool, args)


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
    parser.add_argument(
        "--no-plain",
        dest="plain",
        action="store_false",
        help="skip the mock with its fast path off (C8Y_MOCK_FAST_PATH=0)",
    )
    parser.add_argument(
        "--mock-factory",
        default="mockserver.http.app:create_app",
        help="uvicorn factory of the mock (module:function)",
    )
    parser.add_argument(
        "--mock-env",
        type=lambda s: dict([s.split("=", 1)]),
        default={},
        help="one NAME=VALUE for the mock's environment",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and ratios; exit 1 when a goal fails."""
    # SIGTERM (e.g. from `timeout`) becomes SystemExit, so the servers are stopped in `finally`.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    lines = run(parse(argv))
    print("\n".join(lines))
    return 1 if any(line.endswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())

"""A generated mock against Prism mocking the same spec: ``GET`` of one item by id.

Goal (issue 11): the mock ``python -m generators mock`` writes for a 250-operation spec answers
``GET /things0/{id}`` at least as fast as Prism (pinned in bench/node) mocking the same spec,
both measured in the same run. The spec is bench/generators.py's synthetic one; the mock is
started the way its README says (``python -m <package>``, one uvicorn worker) and holds the item
it created through ``POST /things0``; Prism answers from the schema (``--dynamic`` off).

Both servers run round-robin, ``--repeat`` times ``--seconds`` each, with the load from its own
process (``wrk`` when on PATH, else bench/_loadgen.py's client); medians are compared.

    python -m bench.generated_mock [--seconds 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx
import yaml

from bench._loadgen import LoadResult, drive
from bench._loadgen import tool as load_tool
from bench._servers import free_port, start_prism, start_server
from bench.generators import synthetic_spec
from generators.api import generate_mock

GOAL = 1.0
AUTHORIZATION = "Basic YmVuY2g6YmVuY2g="  # the spec declares no security; sent and ignored


def write_project(root: Path) -> tuple[Path, Path, str]:
    """The synthetic spec and its generated mock project; returns (spec, project, package)."""
    spec = root / "synthetic.yaml"
    spec.write_text(yaml.safe_dump(synthetic_spec(), sort_keys=False), encoding="utf-8")
    project = root / "mock"
    generate_mock(spec, project, name="synthetic.yaml")
    package = next(p.parent.name for p in project.glob("*/__main__.py"))
    return spec, project, package


def create_item(base_url: str) -> str:
    """POST one thing and return the path that reads it back (checked to answer 200)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        created = client.post("/things0", json={"name": "bench", "type": "t", "count": 1})
        created.raise_for_status()
        path = f"/things0/{created.json()['id']}"
        client.get(path).raise_for_status()
    return path


def measure(args: argparse.Namespace, root: Path) -> dict[str, list[LoadResult]]:
    spec, project, package = write_project(root)
    results: dict[str, list[LoadResult]] = {"generated mock": [], "prism": []}
    with ExitStack() as stack:
        port = free_port()
        argv = [sys.executable, "-m", package, "--host", "127.0.0.1", "--port", str(port)]
        mock = stack.enter_context(
            start_server("generated mock", argv, port, env={"PYTHONPATH": str(project)})
        )
        prism = stack.enter_context(start_prism(spec))
        path = create_item(mock.base_url)
        urls = {"generated mock": mock.base_url + path, "prism": prism.base_url + path}
        for url in urls.values():
            drive(url, AUTHORIZATION, 1, args.connections, args.load)  # warm-up
        for _ in range(args.repeat):
            for name, url in urls.items():  # round-robin: drift hits both alike
                results[name].append(drive(url, AUTHORIZATION, args.seconds, args.connections, args.load))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3, help="length of one measurement")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per server (median taken)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto", help="load generator")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(args, Path(tmp))
    print(f"load: {load_tool(args.load)}, {args.connections} connections, {args.seconds:g} s x {args.repeat}")
    print(f"{'server':<16} {'req/s':>9} {'p50 ms':>8}   all req/s")
    rps = {}
    for name, runs in results.items():
        rps[name] = statistics.median(r.rps for r in runs)
        every = " ".join(f"{r.rps:.0f}" for r in runs)
        print(f"{name:<16} {rps[name]:9.0f} {statistics.median(r.p50_ms for r in runs):8.2f}   [{every}]")
    ratio = rps["generated mock"] / rps["prism"] if rps["prism"] else 0.0
    verdict = "PASS" if ratio >= GOAL else "FAIL"
    print(f"GET by id, 250-operation spec: generated mock / prism {ratio:.2f}x (goal >= {GOAL:g}x) {verdict}")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())

"""Bulk create over HTTP: one POST of 10,000 measurements against a 1 s target.

Run: ``.venv/bin/python -m bench.bulk_post`` (``--size`` / ``--repeat`` to change it).

The mock runs as one uvicorn worker on a free 127.0.0.1 port; each run POSTs a fresh
``{"measurements": [...]}`` body with the measurement-collection media type and times the
request end to end. Printed: the median, its ratio to the target, and its ratio to a baseline
measured in this run: ``MeasurementStore.create_many`` of the same documents in-process (the
domain's share; the rest is HTTP, JSON parsing and Connexion's request validation).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import httpx

from bench._servers import start_uvicorn
from mockserver.inventory.store import InventoryStore
from mockserver.measurements.store import MeasurementStore

TARGET_S = 1.0
COLLECTION = "application/vnd.com.nsn.cumulocity.measurementcollection+json"


def documents(source: str, size: int, day: int) -> list[dict[str, Any]]:
    return [
        {
            "source": {"id": source},
            "type": "c8y_Temperature",
            "time": f"2024-01-{day:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            "c8y_Temperature": {"T": {"value": i * 0.5, "unit": "C"}},
        }
        for i in range(size)
    ]


def over_http(size: int, repeat: int) -> list[float]:
    times = []
    with start_uvicorn("mock", "mockserver.http.app:create_app") as server:
        client = httpx.Client(base_url=server.base_url, auth=("t100/admin", "admin"), timeout=60)
        source = client.post(
            "/inventory/managedObjects", json={"name": "bench"}, headers={"Accept": "application/json"}
        ).json()["id"]
        for run in range(repeat):
            body = json.dumps({"measurements": documents(source, size, run + 1)})
            t0 = time.perf_counter()
            response = client.post(
                "/measurement/measurements", content=body, headers={"Content-Type": COLLECTION}
            )
            times.append(time.perf_counter() - t0)
            if response.status_code != 201:
                raise RuntimeError(f"bulk POST answered {response.status_code}: {response.text[:300]}")
    return times


def in_process(size: int, repeat: int) -> list[float]:
    times = []
    for run in range(repeat):
        inventory = InventoryStore()
        source = inventory.create({"name": "bench"}, owner="bench")["id"]
        store = MeasurementStore(inventory)
        docs = documents(source, size, run + 1)
        t0 = time.perf_counter()
        store.create_many(docs)
        times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    http = over_http(args.size, args.repeat)
    domain = in_process(args.size, args.repeat)
    median, base = statistics.median(http), statistics.median(domain)
    print(
        f"bulk POST of {args.size} measurements over HTTP: median {median * 1000:.0f} ms "
        f"(runs {[round(t * 1000) for t in http]})"
    )
    print(
        f"  vs target {TARGET_S:.1f} s: {median / TARGET_S:.2f}x "
        f"({'within' if median <= TARGET_S else 'OVER'} target)"
    )
    print(f"  vs baseline (create_many in-process, median {base * 1000:.0f} ms): {median / base:.2f}x")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

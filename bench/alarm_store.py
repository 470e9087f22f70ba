"""Memory and speed of the alarm store at 100,000 alarms.

Run: ``.venv/bin/python -m bench.alarm_store`` (``--size`` for another store size).

Raises 100,000 alarms (distinct types, so none is merged) over 1,000 sources through
:meth:`AlarmStore.create_many`, the seed path, with every store index and each source's
``c8y_ActiveAlarmsStatus`` kept. Prints the growth of the process's RSS against the budget in
bench/README.md, against a baseline measured in this run (the same alarms as plain answer dicts
in a list, what a store without a compact record would hold), and the median time of the hot
queries.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from mockserver.alarms import AlarmFilter, AlarmStore
from mockserver.inventory import InventoryStore
from mockserver.paging import PageRequest

SOURCES = 1000
BUDGET_MB = 150.0  # RSS growth allowed for 100,000 alarms (bench/README.md)
SEVERITIES = ("CRITICAL", "MAJOR", "MINOR", "WARNING")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def median_ms(fn: Callable[[], Any], repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def alarm(i: int, sources: list[str]) -> dict[str, Any]:
    day, second = 1 + i // 86_400, i % 86_400
    clock = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    return {
        "source": {"id": sources[i % len(sources)]},
        "type": f"bench_Alarm{i}",
        "text": f"Temperature above threshold on sensor {i % 17}",
        "severity": SEVERITIES[i % 4],
        "status": "ACKNOWLEDGED" if i % 5 == 0 else "ACTIVE",
        "time": f"2024-01-{day:02d}T{clock}.000Z",
        "bench_Detail": {"sensor": i % 17, "threshold": 80.5},
    }


def traced_mb(build: Callable[[], Any]) -> tuple[float, Any]:
    """Memory that ``build()``'s result keeps allocated (tracemalloc), and the result."""
    gc.collect()
    tracemalloc.start()
    kept = build()
    gc.collect()
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return used / 1024 / 1024, kept


def sample_sizes(sample: int) -> tuple[float, float]:
    """(store, the same alarms as plain answer dicts) for ``sample`` alarms, traced, in MB."""
    inventory = InventoryStore()
    sources = [inventory.create({"name": f"s{i}"}, owner="bench")["id"] for i in range(SOURCES)]
    docs = [alarm(i, sources) for i in range(sample)]

    def fill() -> AlarmStore:
        store = AlarmStore(inventory)
        store.create_many(docs)
        for i in range(sample):
            store.get(str(i + 1))  # every answer's JSON built once, as after a first read
        return store

    store_mb, store = traced_mb(fill)
    plain_mb, _ = traced_mb(lambda: [store.document(str(i + 1)) for i in range(sample)])
    return store_mb, plain_mb


def main(argv: list[str] | None = None) -> int:
    """Print the report; 1 when the RSS growth exceeds the budget (scaled to ``--size``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000, help="how many alarms to store")
    size = parser.parse_args(argv).size
    sample = min(size, 10_000)
    store_sample, plain_sample = sample_sizes(sample)
    inventory = InventoryStore()
    sources = [inventory.create({"name": f"s{i}"}, owner="bench")["id"] for i in range(SOURCES)]
    store = AlarmStore(inventory)
    docs = [alarm(i, sources) for i in range(size)]
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    store.create_many(docs)
    seconds = time.perf_counter() - t0
    for number in range(1, size // 2000 + 2):  # read every alarm once: its answer JSON is cached
        store.page(AlarmFilter(), PageRequest(page_size=2000, current_page=number))
    del docs
    gc.collect()
    grown = rss_mb() - before
    budget = BUDGET_MB * size / 100_000
    verdict = "PASS" if grown <= budget else "FAIL"
    page = PageRequest(page_size=100)
    timings = {
        "page of 100, no filter": lambda: store.page(AlarmFilter(), page),
        "page of 100, one source": lambda: store.page(AlarmFilter.from_query(source=sources[7]), page),
        "page of 100, status+severity (scan)": lambda: store.page(
            AlarmFilter.from_query(status="ACTIVE", severity="MAJOR,CRITICAL"), page
        ),
        "count, resolved=false (scan)": lambda: store.count(AlarmFilter.from_query(resolved=False)),
    }
    print(f"{size:,} alarms over {SOURCES} sources, raised in {seconds:.1f} s")
    print(f"RSS growth, every answer read once: {grown:.1f} MB ({grown * 1024 * 1024 / size:.0f} B/alarm)")
    print(f"budget {budget:.0f} MB: {verdict}")
    print(
        f"traced at {sample:,} alarms: store {store_sample:.1f} MB, the same alarms as plain answer dicts "
        f"{plain_sample:.1f} MB (store / baseline {store_sample / plain_sample:.2f}x)"
    )
    for name, fn in timings.items():
        print(f"{name:<40} {median_ms(fn):8.2f} ms (median of 15)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())

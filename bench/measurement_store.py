"""Speed and memory of the measurement store at a million measurements.

Run: ``.venv/bin/python -m bench.measurement_store`` (``--size`` for a smaller store).

Builds 1,000,000 measurements over 1,000 sources (one heavy source holds 100,000 of them),
then prints RSS and the median of repeated runs of each operation, with its ratio to the
target and to a naive baseline measured in this run: a brute-force scan over a list of dicts
(a 10% sample, scaled up linearly), which is what a store without indexes would do.
"""

from __future__ import annotations

import argparse
import copy
import gc
import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementFilter, MeasurementStore, SeriesQuery, validate_measurement
from mockserver.paging import PageRequest
from mockserver.timeutil import format_utc_millis, parse_body_instant

START = datetime(2024, 1, 1, tzinfo=UTC)
SOURCES = 1000
HEAVY_SHARE = 0.1  # the heavy source's share of all measurements
TARGETS_MS = {
    "page one source": 2.0,
    "page all sources": 2.0,
    "series HOURLY 100k points": 20.0,
    "create_many 10k": 1000.0,
}


def rss_mb() -> tuple[float, float]:
    """(current VmRSS, peak ru_maxrss) in MB."""
    current = 0.0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measurement(i: int, total: int, source_ids: list[str]) -> dict[str, Any]:
    """Measurement ``i`` of ``total``: one per second; every 10th on the heavy source 0."""
    heavy = i % 10 == 0
    source = source_ids[0] if heavy else source_ids[1 + i % (len(source_ids) - 1)]
    return {
        "time": format_utc_millis(START + timedelta(seconds=i)),
        "type": "c8y_Temperature",
        "source": {"id": source},
        "c8y_Temperature": {"T": {"value": 20.0 + (i % 97) / 10, "unit": "C"}},
    }


def build(size: int) -> tuple[MeasurementStore, list[str], list[float]]:
    inventory = InventoryStore()
    source_ids = [inventory.create({"name": f"device {k}"}, owner="admin")["id"] for k in range(SOURCES)]
    store = MeasurementStore(inventory)
    batch_ms = []
    for first in range(0, size, 10_000):
        docs = [measurement(i, size, source_ids) for i in range(first, min(first + 10_000, size))]
        t0 = time.perf_counter()
        store.create_many(docs)
        batch_ms.append((time.perf_counter() - t0) * 1000)
    return store, source_ids, batch_ms


# ---------------------------------------------------------------- naive baselines (list of dicts)


def naive_page(docs: list[dict[str, Any]], source: str | None, lo: datetime, hi: datetime) -> list[Any]:
    found = [
        d
        for d in docs
        if (source is None or d["source"]["id"] == source)
        and lo <= parse_body_instant(d["time"], "time") < hi
    ]
    found.sort(key=lambda d: (parse_body_instant(d["time"], "time"), int(d["id"])))
    return copy.deepcopy(found[:100])


def naive_hourly(docs: list[dict[str, Any]], source: str) -> dict[datetime, tuple[float, float]]:
    buckets: dict[datetime, tuple[float, float]] = {}
    for d in docs:
        if d["source"]["id"] != source:
            continue
        when = parse_body_instant(d["time"], "time").replace(minute=0, second=0, microsecond=0)
        v = d["c8y_Temperature"]["T"]["value"]
        lo, hi = buckets.get(when, (v, v))
        buckets[when] = (min(lo, v), max(hi, v))
    return buckets


def naive_create(docs: list[dict[str, Any]], into: list[dict[str, Any]]) -> None:
    for d in docs:
        validate_measurement(d)
        into.append(copy.deepcopy(d))


def main() -> int:
    """Print the report; 1 when a target (time or the 500 MB RSS budget) was missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    size = args.size

    base_rss, _ = rss_mb()
    t0 = time.perf_counter()
    store, source_ids, batch_ms = build(size)
    build_s = time.perf_counter() - t0
    store.count(MeasurementFilter())  # merge pending index entries before measuring memory
    gc.collect()
    rss, peak = rss_mb()
    print(f"built {len(store):,} measurements over {SOURCES} sources in {build_s:.1f} s")
    print(f"RSS {rss:.0f} MB (store ~{rss - base_rss:.0f} MB), peak {peak:.0f} MB; target <= 500 MB")

    # Mid-range windows: a day somewhere in the middle, page 3 of 100.
    mid = START + timedelta(seconds=size // 2)
    lo, hi = mid, mid + timedelta(days=1)
    request = PageRequest(page_size=100, current_page=3)
    light = source_ids[7]
    heavy = source_ids[0]
    results: dict[str, float] = {}
    results["page one source"] = median_ms(
        lambda: store.page(
            MeasurementFilter(sources=frozenset({heavy}), date_from=lo, date_to=hi), False, request
        ),
        args.repeat,
    )
    results["page all sources"] = median_ms(
        lambda: store.page(MeasurementFilter(date_from=lo, date_to=hi), True, request), args.repeat
    )
    results["page all sources, type filter (scan)"] = median_ms(
        lambda: store.page(
            MeasurementFilter(type="c8y_Temperature", date_from=lo, date_to=hi), False, request
        ),
        max(3, args.repeat // 4),
    )
    results["page 50 sources (DTM roll-up)"] = median_ms(
        lambda: store.page(MeasurementFilter(sources=frozenset(source_ids[1:51])), False, request),
        max(3, args.repeat // 4),
    )
    end = START + timedelta(seconds=size + 1)
    hourly = SeriesQuery.parse(source=heavy, date_from=START, date_to=end, aggregation_type="HOURLY")
    heavy_points = store.count(MeasurementFilter(sources=frozenset({heavy})))
    results["series HOURLY 100k points"] = median_ms(lambda: store.series(hourly), args.repeat)
    raw = SeriesQuery.parse(source=light, date_from=START, date_to=end)
    results["series raw, one light source"] = median_ms(lambda: store.series(raw), args.repeat)

    fresh = [measurement(size + i, size, source_ids) for i in range(10_000)]
    # Interleaved times force a real index merge rather than an append.
    shuffled = [
        dict(d, time=format_utc_millis(START + timedelta(seconds=i * 97 % size))) for i, d in enumerate(fresh)
    ]
    create_runs = []
    for docs in (fresh, shuffled, fresh):
        t0 = time.perf_counter()
        store.create_many(docs)
        store.count(MeasurementFilter())  # include the index merge the next read pays
        create_runs.append((time.perf_counter() - t0) * 1000)
    results["create_many 10k"] = statistics.median(create_runs)

    # Naive baselines on a 10% sample, scaled by 10.
    sample_size = max(size // 10, 1)
    sample = [{"id": str(i + 1), **measurement(i, size, source_ids)} for i in range(sample_size)]
    scale = size / sample_size
    naive = {
        "page one source": median_ms(lambda: naive_page(sample, heavy, lo, hi), 3) * scale,
        "page all sources": median_ms(lambda: naive_page(sample, None, lo, hi), 3) * scale,
        "series HOURLY 100k points": median_ms(lambda: naive_hourly(sample, heavy), 3) * scale,
        "create_many 10k": median_ms(lambda: naive_create(fresh, []), 3),
    }
    print(
        f"heavy source holds {heavy_points:,} points; create_many batches during build: "
        f"median {statistics.median(batch_ms):.0f} ms"
    )
    print(f"{'operation':40} {'median ms':>10} {'target':>8} {'/target':>8} {'naive ms':>10} {'/naive':>8}")
    for name, ms in results.items():
        target = TARGETS_MS.get(name)
        base = naive.get(name)
        print(
            f"{name:40} {ms:10.3f} {target if target else '-':>8} "
            f"{(f'{ms / target:.2f}' if target else '-'):>8} "
            f"{(f'{base:.1f}' if base else '-'):>10} {(f'{ms / base:.4f}' if base else '-'):>8}"
        )
    missed = [name for name, target in TARGETS_MS.items() if results[name] > target]
    if rss > 500:
        missed.append("RSS")
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

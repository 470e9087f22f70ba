"""Speed of the DTM CSV bulk import: 5,000 rows against a 2 s target.

Run: ``.venv/bin/python -m bench.csv_import`` (``--rows`` / ``--repeat`` to change the size).

Each run builds a fresh store (one Site model allowing Pump, a Pump model with five typed
properties and two smart functions), then imports a file of one site row and ``rows - 1``
pump rows under it. Printed: the median of the runs, its ratio to the 2 s target, and its
ratio to a baseline measured in this run: the same rows created one by one through
``DtmStore.create_instance`` (what a client posting each instance would cost the store).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mockserver.dtm.csv_import import import_csv
from mockserver.dtm.store import DtmStore
from mockserver.inventory.store import InventoryStore

TARGET_S = 2.0
HEADER = "model,name,path,managedObjectId,description,serial,maxPower (NUMBER),running,status,installed"


def fresh_store() -> tuple[DtmStore, str, str]:
    store = DtmStore(InventoryStore())
    site = store.create_model({"name": "Site"})["id"]
    pump = store.create_model(
        {
            "name": "Pump",
            "properties": [
                {"key": "serial", "type": "TEXT", "required": True},
                {"key": "maxPower", "type": "NUMBER", "default": 5.5},
                {"key": "running", "type": "BOOLEAN"},
                {"key": "status", "type": "ENUM", "values": ["ok", "maintenance", "fault"], "default": "ok"},
                {"key": "installed", "type": "DATE"},
            ],
            "smartFunctions": [{"name": "half", "expression": "maxPower / 2"}],
        }
    )["id"]
    store.update_model(site, {"allowedSubtypes": [pump]})
    return store, site, pump


def csv_text(rows: int) -> str:
    lines = [HEADER, "Site,Hall 3,,,,,,,,"]
    for i in range(rows - 1):
        lines.append(
            f"Pump,Pump {i},Hall 3,,row {i},SN-{i},{i % 50}.5,{'true' if i % 2 else 'false'},ok,2024-03-18"
        )
    return "\r\n".join(lines) + "\r\n"


def run_import(text: str) -> Callable[[], float]:
    def run() -> float:
        store, _, _ = fresh_store()
        t0 = time.perf_counter()
        report = import_csv(store, text)
        elapsed = time.perf_counter() - t0
        assert len(report.created) == text.count("\n") - 1
        return elapsed

    return run


def run_one_by_one(rows: int) -> Callable[[], float]:
    def run() -> float:
        store, site, pump = fresh_store()
        t0 = time.perf_counter()
        parent = store.create_instance({"modelId": site, "name": "Hall 3"})["id"]
        for i in range(rows - 1):
            store.create_instance(
                {
                    "modelId": pump,
                    "name": f"Pump {i}",
                    "parent": parent,
                    "description": f"row {i}",
                    "properties": {
                        "serial": f"SN-{i}",
                        "maxPower": i % 50 + 0.5,
                        "running": bool(i % 2),
                        "status": "ok",
                        "installed": "2024-03-18",
                    },
                }
            )
        return time.perf_counter() - t0

    return run


def median_s(run: Callable[[], float], repeat: int) -> float:
    return statistics.median(run() for _ in range(repeat))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    text = csv_text(args.rows)
    imported = median_s(run_import(text), args.repeat)
    baseline = median_s(run_one_by_one(args.rows), args.repeat)
    print(f"CSV import of {args.rows} rows: median {imported * 1000:.0f} ms over {args.repeat} runs")
    print(
        f"  vs target {TARGET_S:.1f} s: {imported / TARGET_S:.2f}x of the budget "
        f"({'within' if imported <= TARGET_S else 'OVER'} target)"
    )
    print(
        f"  vs baseline (same rows via DtmStore.create_instance, median {baseline * 1000:.0f} ms): "
        f"{imported / baseline:.2f}x"
    )


if __name__ == "__main__":
    main()

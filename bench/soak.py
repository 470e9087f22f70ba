"""Soak and hostile-client benchmark of the mock as a CI test double.

1. Soak: ``SOAK_REQUESTS`` (default 100,000) mixed requests (create + read + delete of a
   measurement, list reads, a 404, an inventory read, a journal count) against one
   ``python -m mockserver`` process; its RSS is sampled ten times. Goal: the RSS after the
   last tenth is within 10% of the RSS after the first tenth (the journal is a bounded ring,
   created measurements are deleted again, so nothing should grow).
2. Hostile: p99 latency of a normal client (sequential GETs for ``HOSTILE_SECONDS``) with no
   other connections, then while 1,000 slow connections are open (each has sent half a
   header section and trickles one byte a second). Printed as a ratio against the baseline.

    python -m bench soak            # SOAK_REQUESTS=20000 for a quicker run
"""

from __future__ import annotations

import base64
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

from bench._servers import _running, free_port

AUTH = {"Authorization": "Basic " + base64.b64encode(b"t100/admin:admin").decode()}
MEASUREMENT = "application/vnd.com.nsn.cumulocity.measurement+json"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def mixed_round(client: httpx.Client, source: str) -> int:
    """One round of five requests; returns how many were sent."""
    body = {
        "time": "2024-01-01T00:00:00Z",
        "type": "t",
        "source": {"id": source},
        "c8y_T": {"T": {"value": 1}},
    }
    made = client.post("/measurement/measurements", json=body, headers={**AUTH, "Content-Type": MEASUREMENT})
    made.raise_for_status()
    client.get(f"/measurement/measurements/{made.json()['id']}", headers=AUTH)
    client.get("/measurement/measurements?pageSize=5", headers=AUTH)
    client.get("/inventory/managedObjects/999999", headers=AUTH)
    client.delete(f"/measurement/measurements/{made.json()['id']}", headers=AUTH)
    return 5


def soak(base_url: str, pid: int, total: int) -> tuple[list[int], float]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post(
            "/_mock/seed", json={"managedObjects": [{"id": "4242", "name": "soak"}]}
        ).raise_for_status()
        samples: list[int] = []
        sent, started = 0, time.perf_counter()
        for tenth in range(1, 11):
            while sent < total * tenth // 10:
                sent += mixed_round(client, "4242")
            samples.append(rss_kib(pid))
        return samples, sent / (time.perf_counter() - started)


def p99_of_gets(base_url: str, seconds: float) -> float:
    latencies: list[float] = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            began = time.perf_counter()
            client.get("/inventory/managedObjects?pageSize=5", headers=AUTH).raise_for_status()
            latencies.append(time.perf_counter() - began)
    return statistics.quantiles(latencies, n=100)[98] * 1000


def hostile(port: int, count: int, stop: threading.Event) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /inventory/managedObjects HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)

    def trickle() -> None:
        while not stop.wait(1.0):
            for sock in sockets:
                try:
                    sock.send(b"a")
                except OSError:
                    pass

    threading.Thread(target=trickle, daemon=True).start()
    return sockets


def main() -> int:
    total = int(os.environ.get("SOAK_REQUESTS", "100000"))
    seconds = float(os.environ.get("HOSTILE_SECONDS", "5"))
    port = free_port()
    # The slow connections must stay open through the three hostile runs: a header deadline
    # longer than the run (the default, 10 s, would close them, which is what it is for).
    argv = [
        sys.executable,
        "-m",
        "mockserver",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--header-timeout",
        "300",
    ]
    with _running("mock", argv, port, None, deadline_s=60) as server:
        samples, rate = soak(server.base_url, server.pid, total)
        growth = samples[-1] / samples[0] - 1
        print(f"soak: {total} requests at {rate:.0f}/s; RSS KiB by tenth {samples}; growth {growth:+.1%}")
        baseline = statistics.median(p99_of_gets(server.base_url, seconds) for _ in range(3))
        stop = threading.Event()
        sockets = hostile(port, 1000, stop)
        try:
            attacked = statistics.median(p99_of_gets(server.base_url, seconds) for _ in range(3))
        finally:
            stop.set()
            for sock in sockets:
                sock.close()
        print(
            f"hostile: p99 {baseline:.1f} ms alone, {attacked:.1f} ms with 1000 slow connections "
            f"(x{attacked / baseline:.2f})"
        )
    return 0 if abs(growth) <= 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())

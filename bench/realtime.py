"""Realtime: POST -> delivery latency, fan-out, memory per idle client, REST with idle subscribers.

The mock runs as one uvicorn worker in its own process (bench/_servers.py); the subscribers
and the publisher share this process's asyncio loop. A latency is the kernel's receive stamp
of the notification's last byte on the subscriber's socket (``SO_TIMESTAMPNS``, bench/_wire.py)
minus ``time.time()`` just before the POST was sent: POST start to the moment the subscriber's
socket holds the message, whatever the one bench process then takes to read it.

* latency p50/p99 with 1, 100 and 1,000 subscribers of one device channel, per protocol
  (CometD long-polling, Notification 2.0 websocket); goal p99 <= 20 ms at 100; and the
  server's CPU time (user + system, /proc) per delivery over those rounds;
* fan-out: notifications delivered per second in the 1,000-subscriber rounds;
* memory per idle client: the server's RSS growth over 1,000 idle clients, per client;
* REST throughput (``bench.http_throughput``'s GET of one measurement, same load generator)
  with 100 idle CometD subscribers and 100 idle Notification 2.0 consumers, against none,
  measured round-robin ``--repeat`` times; goal within 10% of the figure without them.

    python -m bench.realtime [--rounds 30] [--repeat 3] [--seconds 3] [--subscribers 1,100,1000]
                             [--only memory,latency,rest] [--profile mock.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import os
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import uvloop

from bench._loadgen import drive
from bench._profiled import DUMP_PATH, PROFILE_ENV
from bench._realtime_clients import CometdSubscriber, Notification2Subscriber
from bench._servers import Server, start_uvicorn

AUTH = "Basic " + base64.b64encode(b"t100/admin:admin").decode()
GOAL_P99_MS_AT_100 = 20.0
GOAL_REST_RATIO = 0.9
STEPS = ("memory", "latency", "rest")
SETTLE_S = 0.05  # after a round: let every subscriber's next connect reach the server
Subscriber = CometdSubscriber | Notification2Subscriber


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"No VmRSS for process {pid}.")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Bench:
    """One mock server and the bookkeeping of arrivals."""

    def __init__(self, server: Server, http: httpx.AsyncClient) -> None:
        self.server, self.http = server, http
        self.arrivals: dict[str, list[float]] = {}
        self.expected = 0
        self.done = asyncio.Event()
        self.spreads: list[float] = []  # per round: last delivery minus first (ms)

    def arrived(self, measurement_id: str, at: float) -> None:
        times = self.arrivals.setdefault(measurement_id, [])
        times.append(at)
        if len(times) >= self.expected:
            self.done.set()

    async def device(self) -> str:
        answer = await self.http.post(
            "/inventory/managedObjects", json={"name": "bench"}, headers={"Accept": "*/*"}
        )
        return str(answer.json()["id"])

    async def subscribers(self, protocol: str, source: str, count: int) -> list[Subscriber]:
        out: list[Subscriber] = []
        if protocol == "cometd":
            channel = f"/measurements/{source}"
            out = [CometdSubscriber(self.server.base_url, AUTH, channel, self.arrived) for _ in range(count)]
        else:
            name = f"bench{source}"
            body = {"subscription": name, "context": "mo", "source": {"id": source}}
            (await self.http.post("/notification2/subscriptions", json=body)).raise_for_status()
            for i in range(count):
                answer = await self.http.post(
                    "/notification2/token", json={"subscriber": f"s{i}", "subscription": name}
                )
                url = self.server.base_url.replace("http", "ws", 1)
                token = answer.json()["token"]
                out.append(
                    Notification2Subscriber(f"{url}/notification2/consumer/?token={token}", self.arrived)
                )
        for start in range(0, count, 100):
            await asyncio.gather(*(s.start() for s in out[start : start + 100]))
        await asyncio.sleep(SETTLE_S * 4)
        return out

    async def rounds(self, source: str, count: int, rounds: int) -> tuple[list[float], float]:
        """Latencies (ms) of every delivery, and deliveries per second of the rounds."""
        latencies: list[float] = []
        busy = 0.0
        body = {
            "source": {"id": source},
            "time": "2024-01-01T00:00:00Z",
            "type": "b",
            "b": {"v": {"value": 1}},
        }
        for _ in range(rounds):
            self.expected, self.done = count, asyncio.Event()
            sent = time.time()  # the scale of the kernel's receive stamps (bench/_wire.py)
            answer = await self.http.post("/measurement/measurements", json=body, headers={"Accept": "*/*"})
            measurement_id = str(answer.json()["id"])
            if len(self.arrivals.get(measurement_id, [])) < count:
                try:
                    await asyncio.wait_for(self.done.wait(), 30)
                except TimeoutError:
                    got = len(self.arrivals.get(measurement_id, []))
                    raise RuntimeError(
                        f"{got} of {count} subscribers got measurement {measurement_id}"
                    ) from None
            times = self.arrivals.pop(measurement_id)
            latencies += [(t - sent) * 1000 for t in times]
            busy += max(times) - sent
            self.spreads.append((max(times) - min(times)) * 1000)
            await asyncio.sleep(SETTLE_S)
        return latencies, count * rounds / busy


async def stop_all(subscribers: list[Subscriber]) -> None:
    for start in range(0, len(subscribers), 100):
        await asyncio.gather(*(s.stop() for s in subscribers[start : start + 100]))


async def post_alone(bench: Bench, rounds: int) -> tuple[float, float]:
    """p50 and p99 (ms) of the measurement POST by itself: the floor of every latency below."""
    source = await bench.device()
    body = {"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "b", "b": {"v": {"value": 1}}}
    times = []
    for _ in range(rounds):
        sent = time.perf_counter()
        await bench.http.post("/measurement/measurements", json=body, headers={"Accept": "*/*"})
        times.append((time.perf_counter() - sent) * 1000)
        await asyncio.sleep(SETTLE_S)
    return percentile(times, 50), percentile(times, 99)


async def latency_table(bench: Bench, rounds: int, counts: list[int]) -> list[str]:
    floor50, floor99 = await post_alone(bench, rounds)
    lines = [
        f"POST /measurement/measurements alone (the floor): p50 {floor50:.2f} ms, p99 {floor99:.2f} ms",
        f"{'protocol':<14}{'subscribers':>12}{'p50 ms':>10}{'p99 ms':>10}{'deliveries/s':>14}"
        f"{'p50/floor':>11}{'p99/floor':>11}{'server us/delivery':>20}",
    ]
    for protocol in ("cometd", "notification2"):
        for count in counts:
            source = await bench.device()
            subs = await bench.subscribers(protocol, source, count)
            gc.freeze()  # the client's own full collections (~100 ms) would delay a whole round
            row_rounds = rounds if count < 1000 else max(5, rounds // 3)
            cpu_before = cpu_s(bench.server.pid)
            try:
                latencies, rate = await bench.rounds(source, count, row_rounds)
                cpu_us = (cpu_s(bench.server.pid) - cpu_before) / (count * row_rounds) * 1e6
            finally:
                await stop_all(subs)
            p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
            spread, bench.spreads = percentile(bench.spreads, 50), []
            print(
                f"  {protocol} x{count}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                f"first-to-last delivery of a round p50 {spread:.2f} ms",
                file=sys.stderr,
                flush=True,
            )
            verdict = ""
            if count == 100:
                met = "PASS" if p99 <= GOAL_P99_MS_AT_100 else "FAIL"
                verdict = f"  (goal p99 <= {GOAL_P99_MS_AT_100:g} ms) {met}"
            lines.append(
                f"{protocol:<14}{count:>12}{p50:>10.2f}{p99:>10.2f}{rate:>14.0f}"
                f"{p50 / floor50:>10.2f}x{p99 / floor99:>10.2f}x{cpu_us:>20.0f}{verdict}"
            )
    return lines


async def idle_memory(bench: Bench, count: int) -> list[str]:
    lines = []
    for protocol in ("cometd", "notification2"):
        source = await bench.device()
        before = rss_kib(bench.server.pid)
        subs = await bench.subscribers(protocol, source, count)
        after = rss_kib(bench.server.pid)
        await stop_all(subs)
        lines.append(
            f"memory per idle {protocol} client: {(after - before) / count:.1f} KiB ({count} clients)"
        )
    return lines


def rest_rps(bench_url: str, measurement_id: str, seconds: float) -> float:
    return drive(f"{bench_url}/measurement/measurements/{measurement_id}", AUTH, seconds, 8).rps


async def rest_with_idle(bench: Bench, repeat: int, seconds: float) -> list[str]:
    source = await bench.device()
    answer = await bench.http.post(
        "/measurement/measurements",
        json={"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "r"},
        headers={"Accept": "*/*"},
    )
    measurement_id = str(answer.json()["id"])
    figures: dict[str, list[float]] = {"none": [], "cometd": [], "notification2": []}
    for _ in range(repeat):
        for label in figures:
            subs = [] if label == "none" else await bench.subscribers(label, await bench.device(), 100)
            try:
                rps = await asyncio.to_thread(rest_rps, bench.server.base_url, measurement_id, seconds)
            finally:
                await stop_all(subs)
            figures[label].append(rps)
    base = statistics.median(figures["none"])
    lines = [
        f"REST GET /measurement/measurements/{{id}} without subscribers: {base:.0f} req/s "
        f"(median of {repeat})"
    ]
    for label in ("cometd", "notification2"):
        mine = statistics.median(figures[label])
        ratio = mine / base
        verdict = "PASS" if ratio >= GOAL_REST_RATIO else "FAIL"
        lines.append(
            f"  with 100 idle {label} subscribers: {mine:.0f} req/s = {ratio:.2f}x  "
            f"(goal >= {GOAL_REST_RATIO:g}x) {verdict}"
        )
    return lines


async def run(args: argparse.Namespace, server: Server) -> list[str]:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"Authorization": AUTH}, limits=limits
    ) as http:
        bench = Bench(server, http)
        steps: dict[str, Callable[[], Awaitable[list[str]]]] = {
            "memory": lambda: idle_memory(bench, 1000),  # first: later rows leave freed memory behind
            "latency": lambda: latency_table(bench, args.rounds, args.subscribers),
            "rest": lambda: rest_with_idle(bench, args.repeat, args.seconds),
        }
        lines: list[str] = []
        for name, step in steps.items():
            if name in args.only:
                lines += await step()
        if args.profile:
            (await http.post(DUMP_PATH)).raise_for_status()
        return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=30, help="POSTs per latency row (1,000 subscribers: a third)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="round-robin repetitions of the REST comparison"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per REST measurement")
    parser.add_argument(
        "--subscribers", type=_counts, default=[1, 100, 1000], help="latency rows, e.g. 100 or 1,100,1000"
    )
    parser.add_argument(
        "--only", type=_steps, default=list(STEPS), help=f"some of {','.join(STEPS)} (default: all)"
    )
    parser.add_argument(
        "--mock-factory",
        default="mockserver.http.app:create_app",
        metavar="MODULE:FUNCTION",
        help="the app factory uvicorn serves (another build of the mock, to compare)",
    )
    parser.add_argument(
        "--profile", metavar="PATH", help="run the mock under cProfile and write its statistics to PATH"
    )
    return parser.parse_args(argv)


def _counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _steps(text: str) -> list[str]:
    steps = text.split(",")
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown step(s) {sorted(unknown)}; expected some of {STEPS}")
    return steps


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    args = parse(argv)
    factory, env = args.mock_factory, None
    if args.profile:
        factory, env = "bench._profiled:profiled_app", {PROFILE_ENV: str(Path(args.profile).resolve())}
    with start_uvicorn("mock", factory, env) as server:
        # The subscribers run on uvloop, as the mock does under uvicorn: the one client process
        # parsing every delivery is part of each latency, and should be as light as it can be.
        lines: list[Any] = uvloop.run(run(args, server))
    print("\n".join(lines))
    return 1 if any(str(line).endswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())

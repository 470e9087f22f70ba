"""Drive one URL with keep-alive GETs for a fixed time from a separate process.

``wrk`` (Debian package ``wrk``) is used when it is on PATH, with a Lua script that prints its
summary as JSON. wrk measures for a duration, not a request count (its ``thread:stop()`` stops
sending but the run still lasts ``-d``), so both generators run for a fixed time. Without
``wrk`` the same measurement runs in a child Python process (``python -m bench._loadgen``): an
asyncio client over raw sockets, HTTP/1.1 keep-alive, ``connections`` concurrent connections,
a far lighter client than httpx so that it does not become the bottleneck.

Any answer other than 2xx makes the measurement fail: a fast 401 is not a result.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = """
function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "bad": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50.0), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def tool(prefer: str = "auto") -> str:
    """The load generator to use: ``wrk`` when asked for or found on PATH, else ``python``."""
    if prefer == "python" or (prefer == "auto" and not shutil.which("wrk")):
        return "python"
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not on PATH; install the Debian package wrk or use --load python.")
    return "wrk"


def drive(url: str, authorization: str, seconds: float, connections: int, prefer: str = "auto") -> LoadResult:
    """GET ``url`` for ``seconds``; raise when any answer is not 2xx or a socket fails."""
    if tool(prefer) == "wrk":
        return _drive_wrk(url, authorization, seconds, connections)
    argv = [sys.executable, "-m", "bench._loadgen", url, authorization, str(seconds), str(connections)]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The load generator failed on {url}: {done.stderr[-2000:]}")
    out = json.loads(done.stdout)
    return LoadResult(out["requests"], out["seconds"], out["p50_ms"])


def _drive_wrk(url: str, authorization: str, seconds: float, connections: int) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        argv = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            "-H",
            f"Authorization: {authorization}",
            url,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed on {url}: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    out = json.loads(lines[-1])
    if out["bad"] or out["errors"]:
        raise RuntimeError(f"{url}: {out['bad']} answers were not 2xx and {out['errors']} socket errors.")
    return LoadResult(out["requests"], out["duration_us"] / 1e6, out["p50_us"] / 1000)


async def _one_connection(host: str, port: int, request: bytes, until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status >= 300:
                raise RuntimeError(f"The server answered {status}: {head.decode(errors='replace')}")
    finally:
        writer.close()


async def _drive_python(url: str, authorization: str, seconds: float, connections: int) -> dict[str, float]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: {authorization}\r\n"
        "Accept: */*\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    started = time.perf_counter()
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    await asyncio.gather(
        *(_one_connection(host, port, request, started + seconds, latencies) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "p50_ms": statistics.median(latencies) * 1000}


if __name__ == "__main__":
    _url, _auth, _seconds, _connections = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(asyncio.run(_drive_python(_url, _auth, _seconds, _connections))))

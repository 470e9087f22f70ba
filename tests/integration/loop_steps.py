"""Timing every step of the event loop's tasks, in-process (issue 15: no request holds the loop
for more than 50 ms).

The app runs in-process (httpx over ASGI, one event loop), and a task factory wraps each task's
coroutine so that each ``send``/``throw`` (one run of the task until it awaits again, during
which nothing else runs on the loop) records the thread's CPU time and the wall time it took.
Limits are asserted on CPU time: on this shared machine the wall time of a step also holds the
time other processes had the core, which is no work of ours. Work moved to a worker thread
(``anyio.to_thread``) is not in any step, as it does not hold the loop.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

import httpx

from mockserver.http.app import create_app
from mockserver.state import MockState

AUTH = {"Authorization": "Basic " + base64.b64encode(b"t100/admin:admin").decode(), "Accept": "*/*"}
STALL_LIMIT_S = 0.050
Step = tuple[float, float]  # (thread CPU seconds, wall seconds)
Scenario = Callable[[MockState, httpx.AsyncClient, list[Step]], Awaitable[Any]]


class TimedSteps(Coroutine[Any, Any, Any]):
    """A task's coroutine, each step of it timed into ``record``."""

    def __init__(self, coro: Coroutine[Any, Any, Any], record: Callable[[Step], None]) -> None:
        self.coro = coro
        self.record = record

    def _timed(self, step: Callable[[], Any]) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return step()
        finally:
            self.record((time.thread_time() - cpu, time.perf_counter() - wall))

    def send(self, value: Any) -> Any:
        return self._timed(lambda: self.coro.send(value))

    def throw(self, *args: Any) -> Any:
        return self._timed(lambda: self.coro.throw(*args))

    def close(self) -> None:
        self.coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self.coro.__await__()


def run_timed(
    scenario: Scenario, state: MockState | None = None, timeout: float = 120
) -> tuple[Any, list[Step]]:
    """Run ``scenario`` against an in-process app over ``state``; its result and the timed steps.

    The scenario clears the list once its set-up is done, so that only what follows is judged.
    """
    state = state if state is not None else MockState()
    steps: list[Step] = []

    async def main() -> Any:
        asyncio.get_running_loop().set_task_factory(
            lambda loop, coro, **kw: asyncio.Task(TimedSteps(coro, steps.append), loop=loop, **kw)
        )
        transport = httpx.ASGITransport(app=create_app(state))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock", headers=AUTH) as client:
            return await asyncio.wait_for(scenario(state, client, steps), timeout)

    # The served mock freezes its start-up heap in its lifespan (mockserver/http/heap.py), which
    # ASGITransport does not run: do the same, or a full collection of the whole test process's
    # heap (hundreds of ms in a pytest worker) lands in some step.
    # Under `make coverage`'s --cov every line of the loop thread is traced, which multiplies the CPU
    # of a step by 3-4 (64 ms for a 15 ms step): the served mock runs untraced, so the timed run
    # is too (the tracer is put back after it; worker threads' CPU is in no step anyway).
    tracer = sys.gettrace()
    gc.collect()
    gc.freeze()
    sys.settrace(None)
    try:
        result = asyncio.run(main())
    finally:
        sys.settrace(tracer)
        gc.unfreeze()
    return result, steps


def longest(steps: list[Step]) -> Step:
    """The longest step by CPU time, with its wall time."""
    return max(steps, default=(0.0, 0.0))


def describe(steps: list[Step]) -> str:
    cpu, wall = longest(steps)
    return f"{len(steps)} steps; longest {cpu * 1000:.1f} ms CPU ({wall * 1000:.1f} ms wall)"

"""Work that may take longer than one event-loop step, run in a worker thread.

Issue 15: no request may hold the event loop for more than 50 ms. A handler whose one call into
the domain grows with the data (a page of 2,000 asset instances with roll-ups, a 10,000-row CSV
import, a delete over 100,000 measurements or alarms, a large series, an alarm page with its
total, a measurement page filtered by what no index answers, an export, an inventory query over
many managed objects, a big seed) makes that call, and encodes its answer, through
:func:`off_loop`. Reads an index answers in a few ms stay on the loop: a thread hop costs more.

Why a thread is correct here: every store guards its data with its own ``threading`` lock, and a
store change announced from a worker thread reaches the realtime hub, whose held connections are
woken with ``call_soon_threadsafe`` (``mockserver/realtime/bounded.py``). The worker runs in a
copy of the request's context, so ``state.<store>`` still names the tenant the request acts for
and ``current_request()`` the request. Python's GIL still shares the CPU between the worker and
the loop, so other requests slow down while it runs, but none waits for it to finish.
``tests/integration/test_loop_steps.py`` measures the longest step of each case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from starlette.responses import Response

from mockserver.jsoncodec import dumps

T = TypeVar("T")


async def off_loop(work: Callable[[], T]) -> T:
    """``work()``, run in a worker thread; whatever it raises is raised here."""
    return await anyio.to_thread.run_sync(work)


async def json_off_loop(
    work: Callable[[], object], status: int = 200, *, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    """A JSON answer whose body ``work()`` computes and encodes in a worker thread (bytes pass as is)."""

    def body() -> bytes:
        value = work()
        return value if isinstance(value, bytes) else dumps(value)

    return Response(await off_loop(body), status_code=status, media_type=media_type, headers=headers)

"""The two building blocks that keep realtime delivery bounded and non-blocking.

* :class:`BoundedQueue`: a FIFO with a fixed capacity. The documented policy when it is full
  is **drop the oldest**: a new message always gets in, the oldest waiting one is discarded
  and counted in ``dropped``. A publisher never waits for a consumer, so a slow or vanished
  consumer can never slow the REST API or another subscriber; it only loses its own oldest
  messages once it is ``capacity`` messages behind.
* :class:`Signal`: wakes the one coroutine waiting for a client's data, from any thread (the
  stores publish from whatever thread runs the request), without the publisher awaiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedQueue(Generic[T]):
    """FIFO of at most ``capacity`` items; when full, the oldest item is dropped."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"A queue needs a capacity of at least 1, got {capacity}.")
        self._items: deque[T] = deque(maxlen=capacity)
        self.capacity = capacity
        self.dropped = 0

    def put(self, item: T) -> None:
        if len(self._items) == self.capacity:
            self.dropped += 1
        self._items.append(item)

    def drain(self) -> list[T]:
        """Every waiting item, oldest first; the queue is empty afterwards."""
        items = list(self._items)
        self._items.clear()
        return items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)


class Signal:
    """One waiter at a time; :meth:`fire` wakes it from any thread, and is a no-op without one.

    A new :meth:`wait` first releases a previous waiter (a client's second held connect
    answers the first).
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._future: asyncio.Future[bool] | None = None
        self.fired = False

    async def wait(self, timeout: float) -> bool:
        """Wait until fired or ``timeout`` seconds pass; True if fired (also before the wait).

        One future and one timer per wait, and :meth:`fire` resolves the future the waiting
        task awaits itself: its wake-up is one callback, not a chain of wrapped futures (a
        fan-out wakes a hundred of these in one go; see bench/README.md).
        """
        if self.fired:
            self.fired = False
            return True
        if self._future is not None:
            self.fire()
            self.fired = False
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._loop, self._future = loop, future
        timer = loop.call_later(timeout, _resolve, future, False)
        try:
            return await future
        finally:
            timer.cancel()
            if self._future is future:
                self._loop = self._future = None
            self.fired = False

    def fire(self) -> None:
        """Wake the waiter; without one, the next :meth:`wait` returns at once."""
        future, loop = self._future, self._loop
        if future is None or loop is None:
            self.fired = True
            return
        self._future = self._loop = None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            _resolve(future, True)
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
                loop.call_soon_threadsafe(_resolve, future, True)


def _resolve(future: asyncio.Future[bool], fired: bool) -> None:
    if not future.done():
        future.set_result(fired)

"""The serving process's start-up heap, frozen out of the cyclic garbage collector.

Connexion, the parsed specs and the compiled validators leave several hundred thousand
long-lived container objects behind at start-up. Every full (generation 2) collection walked
them all again: ~100 ms on the shared 2-core machine, during which no request and no
notification moved, which is what the 99th percentile of ``bench/realtime.py`` measured.
:func:`frozen_start_up_heap`, the app's lifespan, moves what exists once the app has started
(Connexion builds its middleware stack just before) into the permanent generation
(:func:`gc.freeze`), and gives it back at shutdown (:func:`gc.unfreeze`), so a process that
starts and stops many apps (the tests) collects them as before.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator


@contextlib.asynccontextmanager
async def frozen_start_up_heap(app: object) -> AsyncIterator[None]:
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

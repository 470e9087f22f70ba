"""The mock under cProfile, for ``python -m bench.realtime --profile PATH``.

uvicorn ends its process with the signal that stopped it, and waits for held connects before
its lifespan shutdown, so neither ``python -m cProfile`` nor a shutdown hook gets to write the
statistics reliably. This factory profiles the serving thread itself and writes them to
``$BENCH_PROFILE_TO`` when ``POST /_bench/profile`` arrives (the bench sends it at the end).
"""

from __future__ import annotations

import cProfile
import os

from starlette.types import ASGIApp, Receive, Scope, Send

PROFILE_ENV = "BENCH_PROFILE_TO"
DUMP_PATH = "/_bench/profile"


def profiled_app() -> ASGIApp:
    from mockserver.http.app import create_app  # only in the server: the bench client never needs it

    app = create_app()
    profile = cProfile.Profile()
    path = os.environ[PROFILE_ENV]

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == DUMP_PATH:
            profile.disable()
            profile.dump_stats(path)
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    profile.enable()
    return wrapped

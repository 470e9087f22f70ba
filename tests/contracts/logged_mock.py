"""The mock with foreign data and a request log, as a subprocess for the safety tests.

    python tests/contracts/logged_mock.py SEED.json LOG.jsonl

Loads the seed, serves on a free 127.0.0.1 port (printed as ``serving http://127.0.0.1:PORT``) and
appends one JSON line per request that reached the mock: method, path, query string and body.
The log is written by the server side, so it shows what arrived, whatever the harness believed.
"""

from __future__ import annotations

import json
import socket
import sys
import warnings
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

import uvicorn  # noqa: E402

from mockserver.http.app import create_app  # noqa: E402
from mockserver.state import MockState  # noqa: E402


class RequestLog:
    """ASGI middleware: log every HTTP request with its body, then hand it on unchanged."""

    def __init__(self, app: Any, path: Path) -> None:
        self.app = app
        self.file = path.open("a", encoding="utf-8")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        entry = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "body": body.decode("utf-8", "replace"),
        }
        self.file.write(json.dumps(entry) + "\n")
        self.file.flush()
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def main() -> None:
    seed, log = Path(sys.argv[1]), Path(sys.argv[2])
    from mockserver.users import ALL_ROLES, DEFAULT_USER, User, UserDirectory

    reader = User("t100", "reader", "reader", frozenset({"ROLE_MEASUREMENT_READ", "ROLE_INVENTORY_READ"}))
    other = User("t200", "admin", "admin200", ALL_ROLES)  # the second tenant of READER_ARGS
    state = MockState(UserDirectory([DEFAULT_USER, reader, other]))  # the read-only user of READER_ARGS
    state.load_seed(json.loads(seed.read_text()))
    app = RequestLog(create_app(state), log)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(f"serving http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()

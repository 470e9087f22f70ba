"""Command line of the mock: ``python -m mockserver [serve] [options]`` (also ``c8y-mock``).

Subcommands live in :data:`SUBCOMMANDS` (name -> (help, add_arguments, run)); a new one is a
single entry there. ``serve`` is the default when no subcommand is given.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from mockserver.dtm import import_cli
from mockserver.errors import MockError
from mockserver.http.config import DEFAULT_MAX_BODY_BYTES, DEFAULT_SPEC_DIR, MockConfig
from mockserver.http.faults import FaultBook, parse_latency
from mockserver.http.header_limits import DEFAULT_HEADER_TIMEOUT_S, header_limited_h11
from mockserver.seed import read_seed_file
from mockserver.users import DEFAULT_USER, UserDirectory, UsersFileError, load_users_file

DEFAULT_MAX_HEADER_BYTES = 16 * 1024

Subcommand = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=os.environ.get("HOST", "127.0.0.1"),
        help="interface to bind (env HOST; default 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8080")),
        help="TCP port, 0 = any free port (env PORT; default 8080)",
    )
    parser.add_argument(
        "--seed", type=Path, metavar="FILE", help="JSON/YAML seed loaded at start (see mockserver/admin.yaml)"
    )
    parser.add_argument(
        "--users",
        type=Path,
        metavar="FILE",
        help="JSON/YAML file of extra users and bearer tokens (see mockserver/users.py)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="N",
        help=f"largest accepted request body; larger ones get 413 (default {DEFAULT_MAX_BODY_BYTES})",
    )
    parser.add_argument(
        "--spec-dir",
        type=Path,
        default=DEFAULT_SPEC_DIR,
        metavar="DIR",
        help=f"where the specs are (default {DEFAULT_SPEC_DIR})",
    )
    _add_double_arguments(parser)
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="uvicorn log level",
    )


def _add_double_arguments(parser: argparse.ArgumentParser) -> None:
    """The test-double options: admin token, faults, latency, access log, journal, header limit."""
    parser.add_argument(
        "--admin-token",
        default=os.environ.get("MOCK_ADMIN_TOKEN"),
        metavar="TOKEN",
        help="token the /_mock hooks require (X-Mock-Admin-Token); env MOCK_ADMIN_TOKEN; "
        "on a non-loopback --host one is generated and printed when not given",
    )
    parser.add_argument(
        "--faults",
        type=Path,
        metavar="FILE",
        help="JSON/YAML list of fault rules active from the start (see README)",
    )
    parser.add_argument(
        "--latency",
        metavar="MS|MIN-MAX",
        help="delay every API answer by MS, or a random MIN-MAX, milliseconds",
    )
    parser.add_argument("--access-log", action="store_true", help="log one line per request on stderr")
    parser.add_argument(
        "--journal-size",
        type=int,
        default=1000,
        metavar="N",
        help="requests the journal keeps (default 1000)",
    )
    parser.add_argument(
        "--max-header-bytes",
        type=int,
        default=DEFAULT_MAX_HEADER_BYTES,
        metavar="N",
        help=f"largest request line + headers; larger ones get 400 (default {DEFAULT_MAX_HEADER_BYTES})",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        metavar="SECONDS",
        help="a request's headers must arrive within this time, else 408 and the connection closes "
        f"(default {DEFAULT_HEADER_TIMEOUT_S:g})",
    )


def uvicorn_config(app: Any, args: argparse.Namespace) -> Any:
    """How ``serve`` runs uvicorn (imported here, like in ``_serve``: other commands start faster)."""
    import uvicorn

    return uvicorn.Config(
        app,
        log_level=args.log_level,
        # h11 bounds the request line and headers (httptools does not); the header read
        # deadline is ours (mockserver/http/header_limits.py).
        http=header_limited_h11(args.header_timeout),
        h11_max_incomplete_event_size=args.max_header_bytes,
        # Notification frames are small and go to each consumer separately: deflating them
        # per connection cost ~20 us of the mock's CPU per delivery (bench/README.md), so
        # the offer of permessage-deflate is declined (spec/asyncapi/realtime.yaml).
        ws_per_message_deflate=False,
    )


def _serve(args: argparse.Namespace) -> int:
    import asyncio
    import warnings

    # Connexion imports Starlette's TestClient, which warns about httpx on import; not our concern here.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    import uvicorn

    from mockserver.http.app import PRODUCT_SPECS, create_app
    from mockserver.state import MockState

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if args.access_log:
        logging.getLogger("mockserver.access").setLevel(logging.INFO)
    try:
        users = load_users_file(args.users) if args.users else UserDirectory()
        state = MockState(users)
        if args.seed:
            state.load_seed(read_seed_file(args.seed))
        config = _config(args)
        if not any((args.spec_dir / f"{name}.yaml").is_file() for name in PRODUCT_SPECS):
            raise StartupError(f"--spec-dir {args.spec_dir} holds none of {', '.join(PRODUCT_SPECS)}.yaml")
        sock = _bind(args.host, args.port)
    except (UsersFileError, MockError, StartupError) as exc:
        print(f"c8y mock: {exc}", file=sys.stderr)
        return 2
    app = create_app(state, config=config)
    specs = app.mock_specs
    server = uvicorn.Server(uvicorn_config(app, args))

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.01)
        port = sock.getsockname()[1]
        user = f"{DEFAULT_USER.tenant}/{DEFAULT_USER.username}:{DEFAULT_USER.password}"
        print(
            f"c8y mock serving {', '.join(specs.served)} on http://{args.host}:{port} (user {user})",
            flush=True,
        )
        for path in specs.missing:
            print(f"c8y mock: spec {path} not found; that API is not served", flush=True)
        if config.admin_token:
            print(f"c8y mock: /_mock needs header X-Mock-Admin-Token: {config.admin_token}", flush=True)
        if specs.unimplemented:
            print(f"c8y mock: not implemented yet (answer 501): {', '.join(specs.unimplemented)}", flush=True)

    async def main() -> None:
        await asyncio.gather(server.serve(sockets=[sock]), announce())

    asyncio.run(main())
    return 0


class StartupError(Exception):
    """The server cannot start: the message is the one line printed before exit 2."""


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _config(args: argparse.Namespace) -> MockConfig:
    """The app's configuration from the command line (StartupError/MockError when invalid)."""
    if not args.spec_dir.is_dir():
        raise StartupError(f"--spec-dir {args.spec_dir} is not a directory")
    token = args.admin_token
    if token is None and not (args.host in LOOPBACK or args.host.startswith("127.")):
        token = secrets.token_urlsafe(18)
    faults: tuple[Any, ...] = ()
    if args.faults:
        document = parse_seed_text_any(args.faults)
        faults = tuple(document["rules"] if isinstance(document, dict) and "rules" in document else document)
        FaultBook().add_all(list(faults))
    return MockConfig(
        spec_dir=args.spec_dir,
        max_body_bytes=args.max_body_bytes,
        admin_token=token,
        latency_ms=parse_latency(args.latency) if args.latency else None,
        access_log=args.access_log,
        journal_capacity=args.journal_size,
        faults=faults,
    )


def parse_seed_text_any(path: Path) -> Any:
    """A JSON/YAML file's value, StartupError naming the file when it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        raise StartupError(f"cannot read {path}: {exc}") from None


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or StartupError in one line (port busy, bad host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


SUBCOMMANDS: dict[str, Subcommand] = {
    "serve": ("serve the mock over HTTP (the default subcommand)", _add_serve_arguments, _serve),
    "import-csv": ("post a CSV file to /service/dtm/asset-imports", import_cli.add_arguments, import_cli.run),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mockserver",
        description=(
            "A stateful, validating mock of the Cumulocity measurement, inventory and DTM APIs, "
            "with realtime notifications (CometD and Notification 2.0)."
        ),
        epilog="Without a subcommand, 'serve' runs. Default user: t100/admin:admin (every role).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, _) in SUBCOMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    args = build_parser().parse_args(argv)
    return SUBCOMMANDS[args.command][2](args)


if __name__ == "__main__":
    sys.exit(main())

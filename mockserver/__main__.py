"""Command line of the mock: ``python -m mockserver [serve] [options]`` (also ``c8y-mock``).

Subcommands live in :data:`SUBCOMMANDS` (name -> (help, add_arguments, run)); a new one is a
single entry there. ``serve`` is the default when no subcommand is given.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mockserver.dtm import import_cli
from mockserver.errors import MockError
from mockserver.http.config import DEFAULT_MAX_BODY_BYTES, DEFAULT_SPEC_DIR, MockConfig
from mockserver.seed import read_seed_file
from mockserver.users import DEFAULT_USER, UserDirectory, UsersFileError, load_users_file

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
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="uvicorn log level",
    )


def _serve(args: argparse.Namespace) -> int:
    import asyncio
    import warnings

    # Connexion imports Starlette's TestClient, which warns about httpx on import; not our concern here.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    import uvicorn

    from mockserver.http.app import create_app
    from mockserver.state import MockState

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        users = load_users_file(args.users) if args.users else UserDirectory()
        state = MockState(users)
        if args.seed:
            state.load_seed(read_seed_file(args.seed))
    except (UsersFileError, MockError) as exc:
        print(f"c8y mock: {exc}", file=sys.stderr)
        return 2
    config = MockConfig(spec_dir=args.spec_dir, max_body_bytes=args.max_body_bytes)
    app = create_app(state, config=config)
    specs = app.mock_specs
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level))

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1] if server.servers else args.port
        user = f"{DEFAULT_USER.tenant}/{DEFAULT_USER.username}:{DEFAULT_USER.password}"
        print(
            f"c8y mock serving {', '.join(specs.served)} on http://{args.host}:{port} (user {user})",
            flush=True,
        )
        for path in specs.missing:
            print(f"c8y mock: spec {path} not found; that API is not served", flush=True)
        if specs.unimplemented:
            print(f"c8y mock: not implemented yet (answer 501): {', '.join(specs.unimplemented)}", flush=True)

    async def main() -> None:
        await asyncio.gather(server.serve(), announce())

    asyncio.run(main())
    return 0


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

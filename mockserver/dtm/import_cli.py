"""``python -m mockserver import-csv FILE --base-url URL ...``: post a CSV file to any implementation.

The client side of ``POST /service/dtm/asset-imports``: it reads the file, sends it as
``text/csv`` with Basic (``tenant/user:password``) or Bearer credentials, prints the answer
and exits with 0 (imported or dry run passed), 1 (the server refused the file: the problems
are listed by line and column) or 2 (the request could not be made: unreadable file, bad
arguments, unreachable server). It uses only the standard library, so it runs anywhere.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

IMPORT_PATH = "/service/dtm/asset-imports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8, header row first)")
    parser.add_argument("--base-url", required=True, help="scheme://host:port of the implementation")
    parser.add_argument("--user", help="user name for Basic auth (default admin when no --token)")
    parser.add_argument("--password", help="password for Basic auth (default admin when no --token)")
    parser.add_argument("--tenant", help="tenant for Basic auth, sent as tenant/user")
    parser.add_argument("--token", help="a bearer token instead of Basic auth")
    parser.add_argument("--parent", help="id of an asset instance the paths are relative to")
    parser.add_argument("--dry-run", action="store_true", help="validate only, create nothing")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the answer")


def authorization(args: argparse.Namespace) -> str:
    """The Authorization header value for the given credentials."""
    if args.token:
        return f"Bearer {args.token}"
    user = args.user or "admin"
    login = f"{args.tenant}/{user}" if args.tenant else user
    secret = f"{login}:{args.password if args.password is not None else 'admin'}"
    return "Basic " + base64.b64encode(secret.encode("utf-8")).decode("ascii")


def import_url(args: argparse.Namespace) -> str:
    query = []
    if args.parent:
        query.append(("parent", args.parent))
    if args.dry_run:
        query.append(("dryRun", "true"))
    url = args.base_url.rstrip("/") + IMPORT_PATH
    return f"{url}?{urlencode(query)}" if query else url


def describe(status: int, body: Any, out: TextIO) -> None:
    """Print a refusal: the message, then one line per listed problem."""
    if not isinstance(body, dict):
        print(f"The server answered {status}: {body}", file=out)
        return
    print(f"The server answered {status} {body.get('error', '')}: {body.get('message', '')}", file=out)
    for problem in body.get("errors") or []:
        if not isinstance(problem, dict):
            continue
        where = []
        if problem.get("row") is not None:
            where.append(f"line {problem['row']}")
        if problem.get("column") is not None:
            where.append(f"column {problem['column']!r}")
        if problem.get("field") is not None:
            where.append(f"field {problem['field']}")
        print(f"  {', '.join(where) or 'file'}: {problem.get('message', '')}", file=out)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Post the file and print the outcome; the exit code of the subcommand (module docstring)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if args.token and (args.user or args.password or args.tenant):
        print("Give either --token or --user/--password/--tenant, not both.", file=err)
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror or exc}.", file=err)
        return 2
    request = urllib.request.Request(
        import_url(args),
        data=data,
        method="POST",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Accept": "application/json",
            "Authorization": authorization(args),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"Cannot reach {args.base_url}: {reason}.", file=err)
        return 2
    try:
        body: Any = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = raw.decode("utf-8", errors="replace")
    if 200 <= status < 300:
        print(json.dumps(body, indent=2), file=out)
        rows = body.get("rows") if isinstance(body, dict) else None
        if args.dry_run:
            print(f"Dry run passed: {rows if rows is not None else '?'} row(s) would be created.", file=out)
        else:
            created = body.get("created") if isinstance(body, dict) else None
            print(f"Imported {created if created is not None else '?'} asset instance(s).", file=out)
        return 0
    describe(status, body, out)
    return 1

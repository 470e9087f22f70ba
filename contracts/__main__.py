"""Command line of the conformance harness.

    python -m contracts run --base-url http://127.0.0.1:8080 [--user admin --password admin] ...
    python -m contracts proxy --target http://127.0.0.1:8080 --listen 127.0.0.1:9090

Exit status of ``run``: 0 conformant, 1 non-conformant, 2 could not test (target down, bad
credentials, bad arguments) with a one-line diagnosis on stderr.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from contracts.client import Client, Credentials
from contracts.failures import CouldNotTest
from contracts.profiles import PROFILES

DEFAULT_SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"

EPILOG = """\
examples:
  python -m contracts run --base-url https://tenant.example.com --tenant t123 --user me --password secret
  python -m contracts run --base-url http://127.0.0.1:8080 --api measurement --profile quick
  python -m contracts run --base-url http://127.0.0.1:8080 --only paging,series --seed 7
  python -m contracts proxy --target http://127.0.0.1:8080 --listen 127.0.0.1:9090

Suites for --only: errors, create, get, filters, dates, order, paging, delete, api, series,
statemachine, links, schema, dtm-models, dtm-properties, dtm-hierarchy, dtm-smart, dtm-csv,
dtm-delete, alarm-create, alarm-dedup, alarm-status, alarm-filters, alarm-writes, dtm-alarms (or
any requirement id prefix such as MEAS-PAGING, ALARM- or DTM-). Reports list one row per
requirement id with the spec sentence it enforces.

Everything a run creates is named with a unique prefix (ct<run id>), hangs off managed objects the
run created itself, and is deleted at the end (also after a failure or Ctrl-C) unless --no-cleanup.
The closing line is `N passed, N failed` (requirements). Exit 0 conformant, 1 not, 2 could not test.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m contracts",
        description="Check any Cumulocity-compatible base URL against the OpenAPI specs in spec/.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run the contract checks against a target",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--base-url", required=True, help="root URL of the implementation under test")
    run.add_argument("--user", default="admin", help="user name for Basic auth (default admin)")
    run.add_argument("--password", default="admin", help="password for Basic auth (default admin)")
    run.add_argument("--tenant", default=None, help="tenant id; sends tenant/user:password when given")
    run.add_argument("--token", default=None, help="bearer token instead of Basic credentials")
    run.add_argument("--api", choices=["dtm", "measurement", "inventory", "alarm", "all"], default="all")
    run.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="ci",
        help="quick (smoke), ci (derandomized, default) or thorough (many examples)",
    )
    run.add_argument("--seed", type=int, default=None, help="seed to replay a run (printed in every report)")
    run.add_argument("--report-dir", default="reports/contracts", help="where junit.xml/report.md/.html go")
    run.add_argument("--max-time", type=float, default=None, help="time budget of the run in seconds")
    run.add_argument(
        "--only",
        default="",
        help="comma-separated suites or requirement id prefixes (e.g. paging,series,MEAS-DATE)",
    )
    run.add_argument("--no-cleanup", action="store_true", help="keep what the run created")
    run.add_argument("--spec-dir", default=str(DEFAULT_SPEC_DIR), help="directory holding the specs")
    run.add_argument("--timeout", type=float, default=10.0, help="per-request timeout in seconds")
    proxy = sub.add_parser("proxy", help="forward traffic to a target and validate it against the specs")
    proxy.add_argument("--target", required=True, help="URL of the implementation to forward to")
    proxy.add_argument("--listen", default="127.0.0.1:9090", help="HOST:PORT to listen on")
    proxy.add_argument("--report-dir", default="reports/proxy")
    proxy.add_argument("--spec-dir", default=str(DEFAULT_SPEC_DIR))
    return parser


def probe(client: Client, api: str) -> None:
    """Fail fast (exit 2) when the target is down or refuses the credentials."""
    path = "/service/dtm/asset-models" if api == "dtm" else "/inventory/managedObjects"
    response = client.get(path, params={"pageSize": "1"})
    if response.status in (401, 403):
        raise CouldNotTest(
            f"The target refused the credentials: GET {path} answered {response.status}; "
            "check --user/--password/--tenant or --token."
        )
    if response.status >= 500 or response.status == 404:
        raise CouldNotTest(f"The target does not serve the API: GET {path} answered {response.status}.")


def replay_command(args: argparse.Namespace, seed: int) -> str:
    parts = [
        "python",
        "-m",
        "contracts",
        "run",
        "--base-url",
        args.base_url,
        "--api",
        args.api,
        "--profile",
        args.profile,
        "--seed",
        str(seed),
    ]
    if args.only:
        parts += ["--only", args.only]
    return shlex.join(parts)


def command_run(args: argparse.Namespace) -> int:
    from contracts import report
    from contracts.checks import RunContext
    from contracts.runner import run_checks

    profile = PROFILES[args.profile]
    if not Path(args.spec_dir).is_dir():
        raise CouldNotTest(f"The spec directory {args.spec_dir} does not exist; pass --spec-dir.")
    if not args.base_url.startswith(("http://", "https://")):
        raise CouldNotTest(f"--base-url {args.base_url!r} is not an http(s) URL.")
    # ci is derandomized: the same seed every run unless --seed says otherwise.
    default_seed = 0 if profile.derandomize else int(time.time() * 1000) % 2**31
    seed = args.seed if args.seed is not None else default_seed
    credentials = Credentials(args.user, args.password, args.tenant, args.token)
    client = Client(args.base_url, credentials, timeout=args.timeout)
    max_time = args.max_time if args.max_time is not None else profile.max_time
    ctx = RunContext(
        client,
        profile,
        seed=seed,
        spec_dir=args.spec_dir,
        max_time=max_time,
        credentials_args={
            "user": args.user,
            "password": args.password,
            "tenant": args.tenant,
            "token": args.token,
        },
    )
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    ctx.progress(
        f"contracts: target {args.base_url}, api {args.api}, profile {profile.name}, seed {seed}, "
        f"run id {ctx.run_id}"
    )
    try:
        probe(client, args.api)
        results = run_checks(ctx, args.api, only)
    finally:
        if args.no_cleanup:
            ctx.progress("contracts: --no-cleanup: keeping everything named " + ctx.prefix)
        else:
            try:
                for problem in ctx.tracker.cleanup(client):
                    ctx.progress("contracts: cleanup: " + problem)
            except BaseException as exc:  # cleanup must never mask the run's own outcome
                ctx.progress(f"contracts: cleanup interrupted: {exc!r}")
        client.close()
    replay = replay_command(args, seed)
    for path in report.write_reports(args.report_dir, results, target=args.base_url, replay=replay):
        ctx.progress(f"contracts: wrote {path}")
    for r in results:
        for f in r.failures:
            print(f"FAILED {r.requirement.id} {f.title}: Expected {f.expected} / Received {f.received}")
    print(f"seed {seed}; replay: {replay}")
    print(report.summary_line(results))
    return 1 if any(r.status == "failed" for r in results) else 0


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "proxy":
            from contracts.proxy import serve

            return int(serve(args))
        return command_run(args)
    except CouldNotTest as exc:
        print(f"could not test: {exc}", file=sys.stderr)
        print(f"could not test: {exc}")
        return 2
    except KeyboardInterrupt:
        print("interrupted; what the run created was cleaned up", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Command line of the conformance harness.

    python -m contracts run --base-url http://127.0.0.1:8080 [--user admin --password admin] ...
    python -m contracts proxy --target http://127.0.0.1:8080 --listen 127.0.0.1:9090

Exit status of ``run``: 0 when every selected requirement ran and passed, 1 when any failed, 2
when the run is inconclusive: the target could not be tested (down, hanging, bad credentials, bad
arguments), the run was interrupted (SIGINT/SIGTERM), or some requirement did not run (time
budget, prerequisite failed, target timed out, not applicable, refused by the safety guard) unless
``--allow-not-run``. Verdict lines go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from contracts import verdict as verdict_lines
from contracts.client import PROBE_PATHS, Client, Credentials
from contracts.failures import CouldNotTest, RequestTimedOut
from contracts.profiles import PROFILES
from contracts.transport import DEFERRED, STOP, interrupt_now

if TYPE_CHECKING:
    from contracts.checks import Result, RunContext

DEFAULT_SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"

EPILOG = """\
examples:
  python -m contracts run --base-url https://tenant.example.com --tenant t123 --user me --password secret
  python -m contracts run --base-url http://127.0.0.1:8080 --api measurement --profile quick
  python -m contracts run --base-url http://127.0.0.1:8080 --only paging,series --seed 7
  python -m contracts proxy --target http://127.0.0.1:8080 --listen 127.0.0.1:9090

Suites for --only: errors, roles, create, writes, get, filters, dates, order, paging, queries,
delete, api, series, statemachine, links, schema, dtm-models, dtm-properties, dtm-hierarchy,
dtm-smart, dtm-csv, dtm-delete, dtm-errors, dtm-roles, dtm-writes, dtm-queries, dtm-machine,
alarm-create, alarm-dedup, alarm-status, alarm-filters, alarm-writes, dtm-alarms, realtime-cometd,
realtime-n2, realtime-tenants, login, tenants (or any requirement id prefix such as MEAS-PAGING,
ALARM-, DTM-, RT- or LOGIN-). Reports list
one row per requirement id with the spec sentence it enforces. MEAS-ROLE-2 and DTM-ROLE-2 need
--readonly-user/--readonly-password
(a user with read roles only); without them they do not run (not applicable). TENANT-1 to
TENANT-3 (tenant isolation, --api tenant with the login suite) and RT-TENANT-1 (no realtime
subscriber hears another tenant, --api realtime) need --other-tenant/--other-user/
--other-password (an admin of a second tenant); without them they do not run, never pass.
The realtime suites (--api realtime) need CometD at /notification/realtime and Notification
2.0; --api measurement, inventory or dtm leaves them out. RT-COMETD-6 checks the CometD
websocket when the handshake offers it (otherwise: not applicable). The schema suite runs
Schemathesis over every spec, alarm.yaml and notification2.yaml included (SCHEMA-ALARM-1,
SCHEMA-N2-1); an API the target does not serve is not run, never passed. Likewise the optional
APIs (alarm, identity, tenant login, Notification 2.0, CometD, the inventory query language) are
probed once each: a 404 (501 for ?query=) makes their requirements not run (not applicable).
A DTM-only implementation is tested with --api dtm.

Safety: every request passes one guard, which never sends a write that could reach data the run
did not create (see README). Everything a run creates is named with a unique prefix (ct<run id>)
and deleted at the end (also after a failure, SIGINT or SIGTERM) unless --no-cleanup.
The closing line is `N passed, N failed, N skipped` (requirements). Exit 0 when every selected
requirement ran and passed, 1 when any failed, 2 when the target could not be tested, the run was
interrupted, or a requirement did not run (unless --allow-not-run).
"""

SUBCOMMANDS: dict[str, argparse.ArgumentParser] = {}


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
    run.add_argument(
        "--readonly-user",
        default=None,
        help="a second user with read roles only; its writes must answer 403 and its reads 200",
    )
    run.add_argument("--readonly-password", default=None, help="password of --readonly-user")
    run.add_argument(
        "--other-tenant",
        default=None,
        help="a second tenant (with --other-user/--other-password): its data must be invisible to the run's",
    )
    run.add_argument("--other-user", default=None, help="a user of --other-tenant that may create devices")
    run.add_argument("--other-password", default=None, help="password of --other-user")
    run.add_argument(
        "--api",
        choices=["dtm", "measurement", "inventory", "alarm", "realtime", "tenant", "identity", "all"],
        default="all",
    )
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
    run.add_argument("--timeout", type=float, default=5.0, help="per-request timeout in seconds (default 5)")
    run.add_argument(
        "--allow-not-run",
        action="store_true",
        help="exit 0 although some requirements did not run (they are still reported as skipped)",
    )
    SUBCOMMANDS["run"] = run
    proxy = sub.add_parser("proxy", help="forward traffic to a target and validate it against the specs")
    SUBCOMMANDS["proxy"] = proxy
    proxy.add_argument("--target", required=True, help="URL of the implementation to forward to")
    proxy.add_argument("--listen", default="127.0.0.1:9090", help="HOST:PORT to listen on")
    proxy.add_argument("--report-dir", default="reports/proxy")
    proxy.add_argument("--spec-dir", default=str(DEFAULT_SPEC_DIR))
    return parser


PROBES = {
    "inventory": "/inventory/managedObjects",
    "measurement": "/measurement/measurements",
    "dtm": "/service/dtm/asset-models",
}


def probe(client: Client, api: str) -> None:
    """Fail fast (exit 2) when the target is down, hangs, does not serve an API or refuses the credentials.

    One short GET of each selected API's collection, each with at most 3 s to answer.
    """
    wait = min(client.timeout, 3.0)
    for name, path in PROBES.items():
        if api not in ("all", name):
            continue
        try:
            response = client.request("GET", path, params={"pageSize": "1"}, timeout=wait)
        except RequestTimedOut as exc:
            raise CouldNotTest(
                f"The target accepted the connection but did not answer GET {path} within {wait:g} s."
            ) from exc
        if response.status in (401, 403):
            raise CouldNotTest(
                f"The target refused the credentials: GET {path} answered {response.status}; "
                "check --user/--password/--tenant or --token."
            )
        if response.status == 404:
            raise CouldNotTest(
                f"The target does not serve the {name} API: GET {path} answered 404 "
                "(choose the APIs to test with --api)."
            )


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
    profile = PROFILES[args.profile]
    if not Path(args.spec_dir).is_dir():
        raise CouldNotTest(f"The spec directory {args.spec_dir} does not exist; pass --spec-dir.")
    if not args.base_url.startswith(("http://", "https://")):
        raise CouldNotTest(f"--base-url {args.base_url!r} is not an http(s) URL.")
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    check_only(only)
    STOP.clear()
    DEFERRED.clear()
    # ci is derandomized: the same seed every run unless --seed says otherwise.
    default_seed = 0 if profile.derandomize else int(time.time() * 1000) % 2**31
    seed = args.seed if args.seed is not None else default_seed
    credentials = Credentials(args.user, args.password, args.tenant, args.token)
    probe_path = PROBE_PATHS["dtm" if args.api == "dtm" else "default"]
    client = Client(args.base_url, credentials, timeout=args.timeout, probe_path=probe_path)
    print(f"contracts: probing {args.base_url} (api {args.api})", file=sys.stderr, flush=True)
    interrupted = False
    try:  # before the heavy imports: a dead or hanging target is known in seconds
        probe(client, args.api)
    except KeyboardInterrupt:
        interrupted = True  # nothing runs; the report says so
    except CouldNotTest:
        client.close()
        raise
    from contracts import report
    from contracts.checks import RunContext
    from contracts.runner import run_checks

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
            "readonly_user": args.readonly_user,
            "readonly_password": args.readonly_password,
            "other_tenant": args.other_tenant,
            "other_user": args.other_user,
            "other_password": args.other_password,
        },
    )
    ctx.progress(
        f"contracts: target {args.base_url}, api {args.api}, profile {profile.name}, seed {seed}, "
        f"run id {ctx.run_id}"
    )
    ctx.interrupted = interrupted
    try:
        results = run_checks(ctx, args.api, only)
    finally:
        clean_up(ctx, client, keep=args.no_cleanup)
    ctx.progress(
        f"contracts: {client.transport.forwarded} requests sent to the target, "
        f"{len(client.guard.refused)} refused by the safety guard"
    )
    replay = replay_command(args, seed)
    header = verdict_lines.Header(args.base_url, profile.name, seed, replay, len(client.guard.refused))
    for path in report.write_reports(args.report_dir, results, header):
        ctx.progress(f"contracts: wrote {path}")
    for r in results:
        for f in r.failures:
            print(f"FAILED {r.requirement.id} {f.title}: Expected {f.expected} / Received {f.received}")
    print(f"seed {seed}; replay: {replay}")
    if client.guard.refused:
        first = client.guard.refused[0]
        print(f"safety guard: {len(client.guard.refused)} requests not sent; first: {first.reason}")
    return verdict(ctx, results, allow_not_run=args.allow_not_run)


def verdict(ctx: RunContext, results: list[Result], *, allow_not_run: bool) -> int:
    """Print the closing lines and return the exit status (see the module docstring)."""
    not_run = [r for r in results if r.status == "not run"]
    if ctx.could_not_test:
        print(f"could not test: {ctx.could_not_test}")
    elif not_run:
        first = not_run[0]
        print(
            f"inconclusive: {len(not_run)} of {len(results)} requirements did not run; "
            f"first {first.requirement.id}: {first.reason}"
        )
    print(verdict_lines.summary_line(results))
    if ctx.interrupted or ctx.could_not_test:
        return 2
    if any(r.status == "failed" for r in results):
        return 1
    return 2 if not_run and not allow_not_run else 0


def clean_up(ctx: RunContext, client: Client, *, keep: bool) -> None:
    if keep:
        ctx.progress("contracts: --no-cleanup: keeping everything named " + ctx.prefix)
    else:
        try:
            for problem in ctx.tracker.cleanup(client):
                ctx.progress("contracts: cleanup: " + problem)
        except BaseException as exc:  # cleanup must never mask the run's own outcome
            ctx.progress(f"contracts: cleanup interrupted: {exc!r}")
    client.close()


def check_only(only: list[str]) -> None:
    """An --only value that names no suite and no requirement id prefix is an error listing the valid ones."""
    from contracts.requirements import REQUIREMENTS

    suites = sorted({r.suite for r in REQUIREMENTS.values() if r.suite != "proxy"})
    unknown = [
        o
        for o in only
        if o.lower() not in suites and not any(rid.lower().startswith(o.lower()) for rid in REQUIREMENTS)
    ]
    if unknown:
        raise CouldNotTest(
            f"--only {','.join(unknown)} names no suite and no requirement id prefix; "
            f"suites: {', '.join(suites)} (or an id prefix such as MEAS-PAGING or DTM-)."
        )


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGINT/SIGTERM: stop sending (only cleanup may), and unwind the run once."""
    if STOP.is_set():
        return
    STOP.set()
    if interrupt_now():
        raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # a mistyped flag of a subcommand: that subcommand's usage, not the top level's
            SUBCOMMANDS[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    in_main_thread = threading.current_thread() is threading.main_thread()  # signals need it
    signals = (signal.SIGINT, signal.SIGTERM) if in_main_thread else ()
    previous = {sig: signal.signal(sig, _terminate) for sig in signals}
    try:
        if args.command == "proxy":
            from contracts.proxy import serve

            return int(serve(args))
        return command_run(args)
    except CouldNotTest as exc:
        print(f"could not test: {exc}")
        return 2
    except KeyboardInterrupt:
        print("interrupted; what the run created was cleaned up", file=sys.stderr)
        return 2
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())

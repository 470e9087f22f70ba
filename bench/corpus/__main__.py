"""``python -m bench.corpus run|verify|fetch|record-known``: the corpus scoreboard and its stored specs.

    python -m bench.corpus run                      # every spec, 2 at a time (make corpus)
    python -m bench.corpus run --fast               # the subset make test runs
    python -m bench.corpus run --only box,discord   # named specs
    python -m bench.corpus verify                   # stored files against the manifest
    python -m bench.corpus fetch [--mirror-root D]  # rewrite them from the pinned commits
    python -m bench.corpus record-known             # known_failures := the last run's failures

``run`` exits 0 when every failure is a known one (``known_failures`` in the manifest) and st
saw no server error, 1 when there is a new failure or a server error, 2 when the arguments or
the stored corpus are wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.corpus import manifest, scoreboard
from bench.corpus.pipeline import Bounds, SpecResult, run_spec

DEFAULT_OUT = manifest.ROOT / "build" / "corpus"


def select(entries: list[manifest.Entry], only: str | None, fast: bool) -> list[manifest.Entry]:
    if only:
        names = [n.strip() for n in only.split(",") if n.strip()]
        known = {e.name for e in entries}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SystemExit(
                f"No corpus spec named {', '.join(unknown)}; see tests/data/corpus/manifest.yaml."
            )
        return [e for e in entries if e.name in names]
    return [e for e in entries if e.fast] if fast else entries


def run(args: argparse.Namespace) -> int:
    entries = select(manifest.load(), args.only, args.fast)
    bad = [p for e in entries for p in manifest.problems(e)]
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 2
    prefix = (str(Path(sys.executable).parent),) if args.venv_on_path else ()
    bounds = Bounds(suite_examples=args.suite_examples, st_examples=args.st_examples, path_prefix=prefix)
    started = time.monotonic()
    results: list[SpecResult] = []

    def one(entry: manifest.Entry) -> SpecResult:
        result = run_spec(entry, args.out / "specs", bounds)
        marks = " ".join(f"{s}:{result.stages[s].status}" for s in result.stages)
        print(f"[{len(results) + 1}/{len(entries)}] {entry.name} {result.seconds:.0f} s  {marks}", flush=True)
        results.append(result)
        return result

    # Largest first, so a big spec does not start last and stretch the wall time.
    order = sorted(entries, key=lambda e: -e.operations)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, order))
    wall = time.monotonic() - started
    by_name = {e.name: e for e in entries}
    verdict = scoreboard.write(results, by_name, wall, args.out)
    print(scoreboard.render(results, by_name, wall), end="")
    print(f"written: {args.out / 'scoreboard.txt'}, {args.out / 'report.md'}, {args.out / 'scoreboard.json'}")
    for spec, stage in verdict.new:
        stages = next(r for r in results if r.name == spec).stages
        s = stages.get(stage, stages["st"])  # "server errors" are the st stage's
        print(f"NEW FAILURE {spec} · {stage}: {s.detail}\n    " + "\n    ".join(s.lines[:10]))
    return 1 if verdict.new else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser(
        "run", help="generate, serve and check every corpus spec; print the scoreboard"
    )
    runner.add_argument("--only", help="comma-separated spec names (default: all)")
    runner.add_argument(
        "--fast", action="store_true", help="only the specs marked fast (the make test subset)"
    )
    runner.add_argument("--jobs", type=int, default=2, help="specs run at once (default: %(default)s)")
    runner.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: build/corpus)"
    )
    runner.add_argument(
        "--suite-examples", type=int, default=3, help="examples per operation, generated suite"
    )
    runner.add_argument("--st-examples", type=int, default=5, help="examples per operation, st run")
    runner.add_argument(
        "--venv-on-path",
        action="store_true",
        help="put this interpreter's bin/ first on the generated projects' PATH, as an active "
        "virtualenv would (a diagnosis: the scoreboard's target is a plain shell)",
    )
    commands.add_parser(
        "verify", help="check every stored spec against the manifest (sha256, operations, styles)"
    )
    fetcher = commands.add_parser("fetch", help="rewrite the stored specs from their pinned commits")
    fetcher.add_argument(
        "--mirror-root", type=Path, help="read <root>/<owner>+<repo>/repo git snapshots, not GitHub"
    )
    recorder = commands.add_parser(
        "record-known", help="set every spec's known_failures to the failed stages of a run"
    )
    recorder.add_argument("--scoreboard", type=Path, default=DEFAULT_OUT / "scoreboard.json")
    args = parser.parse_args(argv)
    if args.command == "run":
        args.out = args.out.resolve()  # the stages run in other directories (st's HAR path)
        return run(args)
    if args.command == "record-known":
        entries = manifest.with_known_failures(manifest.load(), args.scoreboard)
        manifest.save(entries)
        print(f"{sum(len(e.known_failures) for e in entries)} known failures recorded in {manifest.MANIFEST}")
        return 0
    entries = manifest.load()
    if args.command == "fetch":
        left = manifest.fetch(entries, args.mirror_root)
    else:
        left = [p for e in entries for p in manifest.problems(e)]
    print("\n".join(left) if left else f"{len(entries)} specs match the manifest")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())

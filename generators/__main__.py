"""Command line: ``python -m generators mock|contracts|regenerate`` (``--help`` on each)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generators.api import generate_contracts, generate_mock
from generators.errors import GenerationError

ROOT = Path(__file__).resolve().parents[1]
# What `make generate` regenerates: spec -> directory under generated/ (mock/ and contracts/).
OWN_OUTPUTS = {"spec/dtm.yaml": "generated/dtm", "spec/inventory.yaml": "generated/inventory"}


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def regenerate(root: Path = ROOT) -> list[Path]:
    """Regenerate the project's own outputs (:data:`OWN_OUTPUTS`); specs not there yet are skipped."""
    written: list[Path] = []
    for spec, target in OWN_OUTPUTS.items():
        path = root / spec
        if not path.exists():
            print(f"skipped {spec}: the file does not exist", file=sys.stderr)
            continue
        written += generate_mock(path, root / target / "mock", name=spec)
        written += generate_contracts(path, root / target / "contracts", name=spec)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generators",
        description="Generate a runnable mock project or a contract suite from an OpenAPI 3.0, 3.1 or "
        "3.2 spec, or a Swagger 2.0 one (converted by swagger2openapi, which `make install` installs). "
        "Every problem found is listed at once.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    mock = commands.add_parser(
        "mock",
        help="write a runnable mock-server project for a spec",
        description="Write a Connexion 3 mock project (stateful in-memory handlers inferred from the spec's "
        "resources, README, Makefile with `make mock` and `make test`) into --out.",
    )
    contracts = commands.add_parser(
        "contracts",
        help="write a Schemathesis contract suite for a spec",
        description="Write a pytest suite (schema checks, resource checks and, where links exist or can be "
        "inferred, stateful link sequences against --base-url; credentials by --auth, --token, --api-key, "
        "--header, each operation sent what its security asks for) "
        "and a derived copy of the spec with inferred links into --out.",
    )
    for sub in (mock, contracts):
        sub.add_argument(
            "--spec", required=True, type=Path, help="the OpenAPI 3.x or Swagger 2.0 document (YAML or JSON)"
        )
        sub.add_argument("--out", required=True, type=Path, help="the output directory (created if missing)")
        sub.add_argument(
            "--force",
            action="store_true",
            help="overwrite files in --out that the generators did not write (default: refuse and list them)",
        )
    commands.add_parser(
        "regenerate",
        help="regenerate this project's own outputs",
        description="Regenerate generated/<api>/mock and generated/<api>/contracts for "
        + ", ".join(OWN_OUTPUTS)
        + " (what `make generate` runs).",
    )
    args = parser.parse_args(argv)
    try:
        # kit.mk names this interpreter, so the project's Makefile finds this kit from any shell.
        if args.command == "mock":
            written = generate_mock(
                args.spec, args.out, name=_relative(args.spec), force=args.force, python=sys.executable
            )
        elif args.command == "contracts":
            written = generate_contracts(
                args.spec, args.out, name=_relative(args.spec), force=args.force, python=sys.executable
            )
        else:
            written = regenerate()
    except GenerationError as exc:
        if len(exc.problems) == 1:
            print(f"error: {exc.problems[0]}", file=sys.stderr)
        else:
            print(f"error: {len(exc.problems)} problems stop generation:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{len(written)} file(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

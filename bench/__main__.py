"""``make bench``: run every benchmark module of this package and print a summary.

A benchmark module is any ``bench/<name>.py`` (not starting with ``_``) that defines ``main()``.
Each runs in its own Python process, so that a crash or the memory one leaves behind cannot
bias the next, and a failing module does not stop the others. ``main()`` returning a non-zero
int (or raising ``SystemExit`` with one) means a goal was missed; an exception is an error.

    python -m bench                         # every module
    python -m bench http_throughput         # only the named ones
"""

from __future__ import annotations

import ast
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TIMEOUT_S = 1800
RUNNER = (
    "import sys; from bench.{name} import main; code = main(); sys.exit(code if isinstance(code, int) else 0)"
)


def has_main(path: Path) -> bool:
    """Whether the module defines a top-level ``main`` function (read, not imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "main" for node in tree.body
    )


def discover(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_") and has_main(p))
    unknown = [name for name in selected if name not in names]
    if unknown:
        raise SystemExit(
            f"No benchmark module named {', '.join(unknown)}; the modules are {', '.join(names)}."
        )
    return selected or names


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the benchmark then stops its servers), SIGKILL after 60 s."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_one(name: str) -> tuple[str, float]:
    """Run ``bench.<name>.main()`` in a child process; return its verdict and duration."""
    print(f"\n=== bench/{name}.py ===", flush=True)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", RUNNER.format(name=name)], cwd=BENCH.parent)
    try:
        code = process.wait(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _stop(process)
        return f"error: still running after {TIMEOUT_S} s, stopped", time.monotonic() - started
    except BaseException:  # SIGTERM or Ctrl-C here: let the benchmark stop its own servers first
        _stop(process)
        raise
    verdict = {0: "ok", 1: "goal missed"}.get(code, f"error (exit code {code})")
    return verdict, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    # SIGTERM becomes SystemExit here too; each child benchmark stops its own servers the same way.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    names = discover(sys.argv[1:] if argv is None else argv)
    results = [(name, *run_one(name)) for name in names]
    print("\n=== summary ===")
    for name, verdict, seconds in results:
        print(f"{name:<24} {verdict:<32} {seconds:7.1f} s")
    return 0 if all(verdict == "ok" for _, verdict, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Swagger 2.0 documents, converted to OpenAPI 3.0 by swagger2openapi before anything else.

No well-kept Swagger 2.0 -> 3.0 converter exists on PyPI; swagger2openapi (Mermade, npm) is
the one the ecosystem uses. It is pinned in ``generators/node/package.json`` and installed
by ``make install`` (``npm ci --prefix generators/node``); this module runs its command line
under Node.js with ``--patch`` (it fixes small, well-known mistakes of 2.0 documents, such as
``type`` given as a list) and reads the JSON it prints. What it cannot convert is refused with
its own reason; a missing Node.js or converter is refused with the command that installs it.
The converted document then takes the same path as any 3.0 spec.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from generators.errors import GenerationError

NODE_DIR = Path(__file__).resolve().parent / "node"
CONVERTER = NODE_DIR / "node_modules" / "swagger2openapi" / "swagger2openapi.js"
TIMEOUT_S = 120.0


def _refuse(shown: str, message: str, hint: str) -> GenerationError:
    return GenerationError(shown, "/swagger", message, hint)


def _converter_version() -> str:
    try:
        manifest = json.loads((CONVERTER.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "?"
    return str(manifest.get("version", "?"))


def converted(path: Path, document: dict[str, Any], shown: str) -> tuple[dict[str, Any], str]:
    """The OpenAPI 3.0 form of the Swagger 2.0 ``document`` read from ``path``, and a note saying so."""
    if str(document.get("swagger")) != "2.0":
        raise _refuse(
            shown,
            f"The spec declares swagger {document.get('swagger')!r}; only Swagger 2.0 can be converted.",
            "Pass a Swagger 2.0 or OpenAPI 3 document.",
        )
    node = shutil.which("node")
    if node is None:
        raise _refuse(
            shown,
            "The spec is Swagger 2.0; converting it to OpenAPI 3 needs Node.js, which is not on PATH.",
            "Install Node.js 18 or later, then run `make install` (it installs swagger2openapi "
            "into generators/node), or convert the spec yourself: "
            f"`npx swagger2openapi --patch {path} -o {path.stem}.openapi3.yaml`.",
        )
    if not CONVERTER.is_file():
        raise _refuse(
            shown,
            f"The spec is Swagger 2.0 and the converter is not installed ({CONVERTER} is missing).",
            "Run `make install`, or `npm ci --prefix generators/node`.",
        )
    try:
        done = subprocess.run(
            [node, str(CONVERTER), "--patch", str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise _refuse(
            shown,
            f"swagger2openapi did not convert the spec within {TIMEOUT_S:.0f} s.",
            f"Convert it yourself: `npx swagger2openapi --patch {path} -o {path.stem}.openapi3.yaml`.",
        ) from exc
    reason = _reason(done.stderr)
    result: Any = None
    if done.returncode == 0:
        try:
            result = json.loads(done.stdout)
        except ValueError:
            reason = "its output is not JSON"
    if not isinstance(result, dict) or not str(result.get("openapi", "")).startswith("3."):
        raise _refuse(
            shown,
            f"swagger2openapi cannot convert the spec: {reason or 'it printed no OpenAPI 3 document'}.",
            "Fix the Swagger 2.0 document where the converter says (it already fixes small errors).",
        )
    note = (
        f"The spec is Swagger 2.0; it was converted to OpenAPI {result['openapi']} by swagger2openapi "
        f"{_converter_version()} (`--patch`: small errors of the source fixed)."
    )
    return result, note


def _reason(stderr: str) -> str:
    """The converter's own message (``S2OError: ...``), without its stack trace."""
    for line in stderr.splitlines():
        text = line.strip()
        if text and not text.startswith("at "):
            return text.removeprefix("S2OError: ").rstrip(".")
    return ""

"""Reading an OpenAPI document and following its local ``$ref`` pointers.

:class:`Spec` wraps the parsed document with the path it came from, so every error can name
the file and a JSON pointer. Only local references (``#/components/...``) are supported:
a multi-file spec has to be bundled first.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generators import swagger2
from generators.compat30 import compatible
from generators.defaults import without_invalid_defaults
from generators.errors import GenerationError, pointer
from generators.openapi31 import as_openapi30
from generators.operation_ids import with_operation_ids
from generators.served import served_document

Node = dict[str, Any]


# libyaml's parser when PyYAML has it: the pure-Python one takes ~30 s for a 1.7 MB spec.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# From this size on a YAML spec's parse is kept as JSON in the user's cache, by content hash:
# reading openai's 3 MB spec takes PyYAML 1.5 s and json 0.03 s, and each of the two generator
# commands reads it.
CACHED_FROM = 256 * 1024


def parse_text(text: str) -> Any:
    """A JSON or YAML document; JSON (what large specs usually are) with the json module. YAML
    dates come back as ISO strings and keys as strings (what JSON, and the served copies, hold)."""
    if text.lstrip().startswith("{"):
        return json.loads(text)
    cached = _cache_file(text) if len(text) >= CACHED_FROM else None
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # not cached yet, or a broken file: parse again and rewrite it
    document = _json_compatible(yaml.load(text, Loader=_YAML_LOADER))
    if cached is not None:
        _write_cache(cached, document)
    return document


def _cache_file(text: str) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return root / "c8y-contract-kit" / "specs" / f"{digest}.json"


def _write_cache(target: Path, document: Any) -> None:
    """Best effort: a cache that cannot be written only costs the next parse its time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(document), encoding="utf-8")
        os.replace(partial, target)  # atomic: a concurrent reader sees the old file or the new
    except (OSError, ValueError):
        pass


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


@dataclass(frozen=True)
class Spec:
    """A parsed OpenAPI 3 document and the name it is reported under."""

    document: Node
    name: str
    text: str
    notes: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path, name: str | None = None) -> Spec:
        """Parse ``path`` (YAML or JSON); ``name`` is how errors and provenance lines call it."""
        shown = name or str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise GenerationError(
                shown, "", f"The spec cannot be read ({exc}).", "Pass an existing file."
            ) from exc
        try:
            document = parse_text(text)
        except (yaml.YAMLError, ValueError) as exc:
            raise GenerationError(
                shown, "", f"The spec is not valid YAML or JSON ({exc}).", "Fix the syntax."
            ) from exc
        if not isinstance(document, dict):
            raise GenerationError(shown, "", "The spec is not a mapping.", "Pass an OpenAPI 3 document.")
        converted_note = ""
        if "swagger" in document:
            document, converted_note = swagger2.converted(path, document, shown)
        version = str(document.get("openapi", ""))
        if not version.startswith(("3.0", "3.1", "3.2")):
            raise GenerationError(
                shown,
                "/openapi",
                f"The spec declares openapi {version or '(missing)'!r}; expected 3.0.x, 3.1.x or 3.2.x.",
                "Pass an OpenAPI 3 document.",
            )
        if document.get("paths") is None:
            # 3.1 allows a spec of webhooks or components only: its mock serves no operation.
            document = {**document, "paths": {}}
        if not isinstance(document["paths"], dict):
            raise GenerationError(shown, "/paths", "The spec's paths are not a mapping.", "Fix the document.")
        document, note = as_openapi30(_json_compatible(document), shown)
        document, default_notes = without_invalid_defaults(compatible(document))
        document, id_notes = with_operation_ids(document)
        document, served_notes = served_document(document)
        notes = tuple(n for n in (converted_note, note) if n) + default_notes + id_notes + served_notes
        return cls(document=document, name=shown, text=text, notes=notes)

    def error(self, where: str, message: str, hint: str) -> GenerationError:
        """A :class:`GenerationError` about this spec."""
        return GenerationError(self.name, where, message, hint)

    def at(self, where: str) -> Any:
        """The node at JSON pointer ``where``."""
        node: Any = self.document
        for part in where.split("/")[1:]:
            key = _unescape(part)
            if isinstance(node, list):
                node = node[int(key)]
            elif isinstance(node, dict) and key in node:
                node = node[key]
            else:
                raise self.error(where, f"The pointer {where!r} leads nowhere.", "Fix the reference.")
        return node

    def resolve(self, node: Any, where: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains from ``node`` (found at ``where``); returns the target and its pointer."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise self.error(
                    pointer(*_split(where), "$ref"),
                    f"The reference {ref!r} points outside this document.",
                    "Bundle the spec into one file first (e.g. `redocly bundle`).",
                )
            if ref in seen:
                raise self.error(where, f"The reference {ref!r} loops.", "Break the reference cycle.")
            seen.add(ref)
            where = ref[1:]
            node = self.at(where)
        return node, where

    def deref(self, node: Any, where: str) -> Any:
        """Like :meth:`resolve`, the target only."""
        return self.resolve(node, where)[0]


def _json_compatible(node: Any) -> Any:
    """YAML reads ``2023-09-07`` as a date; JSON (and the served examples) need the string."""
    if isinstance(node, dict):
        return {str(k): _json_compatible(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_compatible(v) for v in node]
    if isinstance(node, datetime.date | datetime.datetime):
        return node.isoformat()
    return node


def _split(where: str) -> list[str]:
    return [_unescape(p) for p in where.split("/")[1:]]

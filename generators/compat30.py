"""The last step before serving: a document Connexion's OpenAPI 3.0 schema check accepts.

Connexion validates the spec it is given against the OpenAPI 3.0 JSON schema and refuses to
start on any deviation. Real specs (and 3.1/3.2 documents converted to 3.0) carry fields 3.0
does not know; none of them changes what a request may be or what an answer is:

* ``info``, ``tags``, the top level and path items keep only their 3.0 fields (3.2 ``summary``,
  ``kind``, ``parent``, ``$self``, ``query`` operations ...);
* an ``http`` security scheme's name is lower-cased (``Bearer`` -> ``bearer``), and a scheme of a
  type 3.0 lacks (``mutualTLS``) is removed, so requirements naming it count as undefined;
* a schema ``required`` that is not a list of names (``required: true``) is removed, an empty
  one too, and repeated names are kept once; an empty ``enum`` is removed;
* a ``default`` its own schema refuses is removed (``generators/defaults.py``).

:func:`problems` runs Connexion's own check, so what is still wrong is reported at generation.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from generators.defaults import defaults_valid
from generators.errors import GenerationError, pointer
from generators.operation_ids import METHODS

TOP = frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"})
INFO = frozenset({"title", "description", "termsOfService", "contact", "license", "version"})
TAG = frozenset({"name", "description", "externalDocs"})
PATH_ITEM = frozenset({"$ref", "summary", "description", "servers", "parameters", *METHODS})
COMPONENTS = frozenset(
    {
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
    }
)
SCHEME_TYPES = frozenset({"apiKey", "http", "oauth2", "openIdConnect"})
# Fields whose values are data (examples, defaults, enum values), never rewritten.
DATA = frozenset({"example", "examples", "default", "enum"})


def _keep(node: Any, allowed: frozenset[str]) -> Any:
    if not isinstance(node, dict):
        return node
    return {k: v for k, v in node.items() if k in allowed or k.startswith("x-")}


def compatible(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the fields OpenAPI 3.0 lacks removed (see the module docstring)."""
    out = _keep(document, TOP)
    if "info" in out:
        out["info"] = _keep(out["info"], INFO)
        if isinstance(out["info"].get("license"), dict):
            out["info"]["license"] = _keep(out["info"]["license"], frozenset({"name", "url"}))
    if isinstance(out.get("tags"), list):
        out["tags"] = [_keep(t, TAG) for t in out["tags"]]
    components = out.get("components")
    path_items = components.get("pathItems") if isinstance(components, dict) else None
    if isinstance(out.get("paths"), dict):
        out["paths"] = {p: _keep(_inlined(item, path_items), PATH_ITEM) for p, item in out["paths"].items()}
    if isinstance(components, dict):
        components = out["components"] = _keep(components, COMPONENTS)
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if isinstance(schemes, dict):
        kept = {}
        for name, scheme in schemes.items():
            if isinstance(scheme, dict) and scheme.get("type") not in SCHEME_TYPES:
                continue
            if isinstance(scheme, dict) and scheme.get("type") == "http" and "scheme" in scheme:
                scheme = {**scheme, "scheme": str(scheme["scheme"]).lower()}
            kept[name] = scheme
        out["components"] = {**components, "securitySchemes": kept}
    return _required_lists(out)  # type: ignore[no-any-return]


def _inlined(item: Any, path_items: Any) -> Any:
    """A path item behind ``$ref: '#/components/pathItems/X'`` (3.1) as its target: 3.0 has no pathItems."""
    ref = item.get("$ref") if isinstance(item, dict) else None
    prefix = "#/components/pathItems/"
    if isinstance(ref, str) and ref.startswith(prefix) and isinstance(path_items, dict):
        target = path_items.get(ref[len(prefix) :].replace("~1", "/").replace("~0", "~"))
        if isinstance(target, dict):
            return target
    return item


def _required_lists(node: Any) -> Any:
    if isinstance(node, list):
        return [_required_lists(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: v if k.startswith("x-") or k in DATA else _required_lists(v) for k, v in node.items()}
    if "required" in out and "properties" in out and not isinstance(out["required"], list):
        del out["required"]
    if isinstance(out.get("schema"), dict) and not isinstance(out["schema"].get("required", []), list):
        out["schema"] = {k: v for k, v in out["schema"].items() if k != "required"}
    # 3.0 wants both lists non-empty and `required` without repeats; 3.1 and real specs do not.
    # An empty `required` asks nothing, a repeated name asks it once; an empty `enum` (no value
    # is valid) is left out, which only loosens the check.
    if isinstance(out.get("required"), list):
        out["required"] = list(dict.fromkeys(n for n in out["required"] if isinstance(n, str)))
        if not out["required"]:
            del out["required"]
    if out.get("enum") == []:
        del out["enum"]
    return out


SCHEMA_FILE = ("resources", "schemas", "v3.0", "schema.json")


def openapi30_schema() -> Any:
    """The OpenAPI 3.0 schema Connexion checks specs with: its own file, read without importing
    Connexion (about a second of the generators' start-up), which only the slow path needs."""
    found = importlib.util.find_spec("connexion")
    locations = list(found.submodule_search_locations or ()) if found else []
    if not locations:
        raise RuntimeError("Connexion is not installed; the generators need it (pip install -e .).")
    return json.loads(Path(locations[0]).joinpath(*SCHEMA_FILE).read_text(encoding="utf-8"))


@cache
def _compiled_openapi_schema() -> Any:
    """jsonschema-rs over Connexion's OpenAPI 3.0 schema, compiled once."""
    import jsonschema_rs

    return jsonschema_rs.Draft4Validator(openapi30_schema())


def problems(document: dict[str, Any], spec: str) -> list[GenerationError]:
    """What Connexion's 3.0 schema check still refuses in ``document``, each with its pointer.

    A document jsonschema-rs finds valid and whose ``default`` values pass the check Connexion
    makes of them (:func:`generators.defaults.defaults_valid`) has none; anything else takes
    Connexion's own Python check, which decides and words the errors (~2 s of a 250-operation
    spec's ~3 s otherwise).
    """
    if _compiled_openapi_schema().is_valid(document) and defaults_valid(document):
        return []
    with warnings.catch_warnings():
        # Connexion imports Starlette's test client, which warns about its HTTP backend on import.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from connexion.spec import OpenAPISpecification, create_spec_validator
    validator = create_spec_validator(document)(OpenAPISpecification.openapi_schema)
    found = []
    for error in list(validator.iter_errors(document))[:20]:
        where = pointer(*error.absolute_path)
        found.append(
            GenerationError(
                spec,
                where,
                f"The served OpenAPI 3.0 copy is not valid there ({error.message[:200]}); Connexion, "
                "which serves the generated mock, would refuse to start.",
                "Fix this node of the spec (it is not valid OpenAPI 3.0, 3.1 or 3.2 either, or it is "
                "a construct the generators do not convert yet).",
            )
        )
    return found

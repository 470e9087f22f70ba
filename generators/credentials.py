"""What credentials each operation of a spec asks for, as the generated suite sends them.

For every operation, the alternatives of its security requirement (its own ``security``, else
the document's), each a list of needs: ``["basic"]`` (HTTP basic), ``["bearer"]`` (HTTP bearer,
OAuth2, OpenID Connect: a token in ``Authorization``), ``["apikey", in, name]``. An empty
requirement (``{}``) is the alternative "no credentials" (``[]``). A scheme the suite cannot
satisfy (HTTP digest, mutual TLS) makes its alternative unsatisfiable (``["unsupported"]``).
"""

from __future__ import annotations

from typing import Any

from generators.operation_ids import METHODS

Need = list[str]


def _need(scheme: Any) -> Need:
    kind = str(scheme.get("type", "")) if isinstance(scheme, dict) else ""
    http = str(scheme.get("scheme", "")).lower() if isinstance(scheme, dict) else ""
    if kind == "http" and http == "basic":
        return ["basic"]
    if (kind == "http" and http == "bearer") or kind in ("oauth2", "openIdConnect"):
        return ["bearer"]
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
        return ["apikey", str(scheme["in"]), str(scheme["name"])]
    return ["unsupported"]


def security_needs(document: dict[str, Any]) -> dict[str, list[list[Need]]]:
    """``"METHOD /path"`` -> the alternatives of the operation's security requirement."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    default = document.get("security")
    found: dict[str, list[list[Need]]] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict):
                continue
            requirements = op.get("security", default)
            if not isinstance(requirements, list) or not requirements:
                continue
            found[f"{method.upper()} {path}"] = [
                [_need(schemes.get(name)) for name in requirement]
                for requirement in requirements
                if isinstance(requirement, dict)
            ]
    return found

"""openapi-core over our specs: the independent judge of whether a request or answer is valid.

Used by the validating proxy for live traffic, and by the schema suite to confirm a
Schemathesis "negative data accepted" claim before reporting it (Schemathesis's negative
mutations are heuristics and sometimes produce data the spec allows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict


@dataclass
class CoreRequest:
    """The openapi-core request protocol over a request that was (or will be) sent."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters

    @classmethod
    def build(
        cls,
        *,
        host_url: str,
        path: str,
        method: str,
        query: Iterable[tuple[str, str]] = (),
        headers: Iterable[tuple[str, str]] = (),
        body: bytes | None = None,
        content_type: str = "",
    ) -> CoreRequest:
        return cls(
            host_url=host_url,
            path=path,
            method=method.lower(),
            body=body or None,
            content_type=content_type.lower(),
            parameters=RequestParameters(
                query=ImmutableMultiDict(list(query)),
                header=Headers(list(headers)),
                cookie=ImmutableMultiDict(),
            ),
        )


@dataclass
class CoreResponse:
    """The openapi-core response protocol over the target's answer."""

    status_code: int
    content_type: str
    headers: Headers
    data: bytes


def json_media_types(path: Path) -> Config:
    """openapi-core reads only application/json as JSON: teach it the spec's vendor ``+json`` types."""
    text = path.read_text(encoding="utf-8")
    types = set(re.findall(r"application/[\w.\-]+\+json", text))
    return Config(extra_media_type_deserializers={t: _json for t in types})


def _json(data: bytes | str) -> Any:
    return json.loads(data)


@cache
def load(path: str) -> OpenAPI:
    """The spec at ``path``, ready to validate (parsed once per process)."""
    return OpenAPI.from_file_path(path, config=json_media_types(Path(path)))


def describe(error: Exception) -> str:
    """An openapi-core error as sentences: what failed, then each schema problem with its place.

    ``Request body validation error: at time: 5 is not of type 'string'; at source: 'id' is a
    required property.`` instead of the repr of openapi-core's exception chain.
    """
    cause = error.__cause__
    problems = getattr(cause, "schema_errors", None)
    head = str(error).split(": Value ", 1)[0].rstrip(".")
    if problems:
        parts = []
        for problem in problems:
            where = "/".join(str(p) for p in getattr(problem, "absolute_path", []))
            message = str(getattr(problem, "message", problem))
            parts.append(f"at {where}: {message}" if where else message)
        return f"{head}: {'; '.join(parts)}."
    if cause is not None and str(cause) and str(cause) not in head:
        return f"{head} ({cause})."
    return head if head.endswith(".") else head + "."


def request_errors(spec: OpenAPI, request: CoreRequest) -> list[str]:
    """Why ``request`` breaks the spec, one line per problem; empty when it is valid."""
    return [describe(error) for error in spec.iter_request_errors(request)]

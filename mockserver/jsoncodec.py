"""JSON bytes in and out of the mock's hot paths, exact for every value Python's json accepts.

orjson encodes and decodes several times faster than the standard library, and on a page of
100 measurements JSON is most of the server's time (``bench/http_throughput.py``). But it
refuses some values the standard library accepts (integers beyond 64 bits, strings holding
lone surrogates, non-string keys), and when DEcoding it silently turns an integer beyond
64 bits into a float. So:

* :func:`dumps` tries orjson and falls back to the standard library with ASCII escapes,
  which can represent everything the mock accepts;
* :func:`encode_payload` / :func:`decode_payload` store a document so that it decodes to
  exactly what was stored: bytes orjson wrote (which by construction hold no integer orjson
  cannot read back) are decoded by orjson, anything else is written by the standard library
  behind a one-byte marker and decoded by it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# No JSON text starts with a NUL byte, so it cannot collide with an orjson payload.
_STDLIB_MARK = b"\x00"


def _stdlib_dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")


def dumps(value: Any) -> bytes:
    """Compact JSON bytes of ``value`` (UTF-8, or ASCII escapes where orjson cannot)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return _stdlib_dumps(value)


def encode_payload(document: Any) -> bytes:
    """Bytes that :func:`decode_payload` turns back into an equal document, sized exactly.

    The object orjson returns keeps its whole output buffer allocated (~4 KB here), harmless for
    an answer that lives a moment but 13x the memory for a store that keeps a million of them
    (``bench/measurement_store.py``: 4.1 GB instead of 0.3 GB), so a stored payload is a copy.
    """
    try:
        return bytes(memoryview(orjson.dumps(document)))
    except TypeError:
        return _STDLIB_MARK + _stdlib_dumps(document)


def decode_payload(payload: bytes) -> Any:
    """The document :func:`encode_payload` stored."""
    if payload[:1] == _STDLIB_MARK:
        return json.loads(payload[1:])
    return orjson.loads(payload)


def payload_json(payload: bytes) -> bytes:
    """The JSON text of a stored payload, to splice into an answer without decoding it."""
    return payload[1:] if payload[:1] == _STDLIB_MARK else payload

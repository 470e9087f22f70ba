"""Server-assigned ids: non-empty strings of ASCII decimal digits.

``str.isdigit`` alone is not the test: it accepts superscripts (``"²"``), which ``int()``
then refuses, and other scripts' digits (fullwidth ``"\uff11\uff12"``), which ``int()`` reads as another id.
"""

from __future__ import annotations

from typing import TypeGuard


def is_server_id(value: object) -> TypeGuard[str]:
    """True for a string such as ``"42"`` that could name a resource the server created."""
    return isinstance(value, str) and value.isascii() and value.isdigit()

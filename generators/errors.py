"""Why generation stopped: an unsupported spec construct, located by a JSON pointer.

Every problem the generators detect in a spec is a :class:`GenerationError` naming the spec
file, a JSON pointer to the offending node (RFC 6901, ``/paths/~1pets/get``) and a hint
saying what to change. Nothing is skipped silently: a construct the generators cannot turn
into a working mock stops generation.
"""

from __future__ import annotations


def pointer(*parts: str | int) -> str:
    """The JSON pointer of ``parts``: ``pointer("paths", "/pets", "get")`` -> ``/paths/~1pets/get``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class GenerationError(Exception):
    """The spec holds something the generators do not support (or is not a spec at all)."""

    def __init__(self, spec: str, where: str, message: str, hint: str) -> None:
        self.spec = spec
        self.where = where
        self.message = message
        self.hint = hint
        super().__init__(f"{spec}#{where}: {message} Hint: {hint}")

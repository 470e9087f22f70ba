"""Why generation stopped: unsupported spec constructs, each located by a JSON pointer.

Every problem the generators detect in a spec names the spec file, a JSON pointer to the
offending node (RFC 6901, ``/paths/~1pets/get``) and a hint saying what to change. Nothing is
skipped silently, and nothing is reported one run at a time: a :class:`GenerationError` holds
every :class:`Problem` found in the spec (:meth:`GenerationError.combine`), one per line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def pointer(*parts: str | int) -> str:
    """The JSON pointer of ``parts``: ``pointer("paths", "/pets", "get")`` -> ``/paths/~1pets/get``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class Problem:
    """One construct the generators cannot serve: spec file, JSON pointer, what is wrong, what to do."""

    spec: str
    where: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.spec}#{self.where}: {self.message} Hint: {self.hint}"


class GenerationError(Exception):
    """The spec holds something the generators do not support (or is not a spec at all).

    ``spec``, ``where``, ``message`` and ``hint`` describe the first problem; ``problems`` holds
    all of them, in the order they were found.
    """

    def __init__(self, spec: str, where: str, message: str, hint: str) -> None:
        self.problems: tuple[Problem, ...] = (Problem(spec, where, message, hint),)
        self.spec = spec
        self.where = where
        self.message = message
        self.hint = hint
        super().__init__(str(self.problems[0]))

    @classmethod
    def combine(cls, errors: Iterable[GenerationError]) -> GenerationError:
        """One error carrying the problems of all ``errors`` (duplicates once)."""
        problems = list(dict.fromkeys(p for e in errors for p in e.problems))
        if not problems:
            raise ValueError("GenerationError.combine needs at least one error.")
        first = problems[0]
        combined = cls(first.spec, first.where, first.message, first.hint)
        combined.problems = tuple(problems)
        combined.args = ("\n".join(map(str, problems)),)
        return combined

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))

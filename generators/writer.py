"""The one function that writes generated files to disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputFile:
    """A file to write: its path relative to the output directory and its text.

    ``once`` marks a file the user owns after the first generation (the hooks module): it is
    created when missing and never overwritten.
    """

    path: str
    text: str
    once: bool = False


def write_files(out: Path, files: list[OutputFile]) -> list[Path]:
    """Write ``files`` under ``out``; returns the paths written (``once`` files that exist are kept)."""
    written = []
    for file in files:
        target = out / file.path
        if file.once and target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and target.read_text(encoding="utf-8") == file.text:
            continue
        target.write_text(file.text, encoding="utf-8")
        written.append(target)
    return written

"""Run profiles: how many examples each property gets and how long a run may take."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    """Hypothesis examples per semantic property."""
    schema_examples: int
    """Schemathesis examples per operation and phase."""
    state_steps: int
    """Steps per state-machine run."""
    derandomize: bool
    schema_time: float
    """Time budget of the Schemathesis run of one spec in seconds."""
    max_time: float
    """Default time budget of the whole run in seconds (``--max-time`` overrides it)."""


PROFILES = {
    "quick": Profile(
        "quick",
        max_examples=4,
        schema_examples=3,
        state_steps=12,
        derandomize=True,
        schema_time=10,
        max_time=120,
    ),
    "ci": Profile(
        "ci",
        max_examples=12,
        schema_examples=8,
        state_steps=25,
        derandomize=True,
        schema_time=20,
        max_time=300,
    ),
    "thorough": Profile(
        "thorough",
        max_examples=150,
        schema_examples=100,
        state_steps=60,
        derandomize=False,
        schema_time=600,
        max_time=3600,
    ),
}

"""Fault and latency injection: rules that make chosen requests fail, stall or break.

A rule (``POST /_mock/faults``, or a list in ``--faults FILE``) is a JSON object::

    {"match":  {"method": "GET", "path": "/measurement/*",      # glob, * spans slashes
                "query": {"source": "1001"}, "headers": {"X-Tenant": "t100"}},
     "status": 503, "body": {...} or "text",                    # answer instead of the mock
     "delay": 200, or "delay": {"min": 100, "max": 900},        # milliseconds, before answering
     "drop": true,                                              # close the connection mid-answer
     "malformed": true,                                         # the mock's answer, cut in half
     "times": 1, "after": 3, "probability": 0.25, "seed": 7}

Every ``match`` field is optional (no ``match`` matches every request outside ``/_mock``).
``after: N`` lets the first N matching requests through; ``times: N`` fires N times, then
the rule is spent (kept and listed with ``"spent": true``); ``probability`` fires on that
share of the matches (``seed`` makes the draw repeatable). A ``status`` without ``body``
answers the Cumulocity error shape for that status. A delay alone slows the real answer.
Rules are tried in the order they were added; the first that fires decides.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from mockserver.errors import BadRequest, NotFound, ValidationError

RULE_KEYS = frozenset(
    {"match", "status", "body", "delay", "drop", "malformed", "times", "after", "probability", "seed", "id"}
)
MATCH_KEYS = frozenset({"method", "path", "query", "headers"})
MAX_DELAY_MS = 600_000


class RuleDocument(TypedDict):
    """A rule as the admin API lists it."""

    id: str
    match: dict[str, Any]
    status: int | None
    body: Any
    delay: dict[str, int] | None
    drop: bool
    malformed: bool
    times: int | None
    after: int
    probability: float
    matched: int
    fired: int
    spent: bool


@dataclass(frozen=True)
class Action:
    """What a fired rule does to one request."""

    rule_id: str
    delay_ms: float = 0.0
    status: int | None = None
    body: Any = None
    drop: bool = False
    malformed: bool = False


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, resource="mock")


def _count(rule: Mapping[str, Any], key: str, *, minimum: int) -> int | None:
    value = rule.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or value > 10**9:
        raise _invalid(f"Fault rule field {key} must be an integer from {minimum} to 10^9, got {value!r}.")
    return value


def _delay(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        low, high = value.get("min"), value.get("max")
    else:
        low = high = value
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int) or not 0 <= bound <= MAX_DELAY_MS:
            raise _invalid(
                f"Fault rule delay must be milliseconds (0 to {MAX_DELAY_MS}) or {{min, max}}, got {value!r}."
            )
    assert isinstance(low, int)
    assert isinstance(high, int)
    if low > high:
        raise _invalid(f"Fault rule delay min {low} is above max {high}.")
    return low, high


def _string_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _invalid(f"Fault rule match.{where} must be an object of strings, got {value!r}.")
    return dict(value)


@dataclass
class Rule:
    """One parsed rule with its counters (see module docstring)."""

    id: str
    match: dict[str, Any]
    path: re.Pattern[str] | None
    status: int | None
    body: Any
    delay: tuple[int, int] | None
    drop: bool
    malformed: bool
    times: int | None
    after: int
    probability: float
    rng: random.Random = field(repr=False)
    matched: int = 0
    fired: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def applies(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str]
    ) -> bool:
        wanted = self.match
        if "method" in wanted and wanted["method"].upper() != method:
            return False
        if self.path is not None and not self.path.fullmatch(path):
            return False
        if any(value not in query.get(name, []) for name, value in wanted.get("query", {}).items()):
            return False
        return all(headers.get(name.lower()) == value for name, value in wanted.get("headers", {}).items())

    def document(self) -> RuleDocument:
        low_high = {"min": self.delay[0], "max": self.delay[1]} if self.delay else None
        return {
            "id": self.id,
            "match": self.match,
            "status": self.status,
            "body": self.body,
            "delay": low_high,
            "drop": self.drop,
            "malformed": self.malformed,
            "times": self.times,
            "after": self.after,
            "probability": self.probability,
            "matched": self.matched,
            "fired": self.fired,
            "spent": self.spent,
        }


def parse_rule(doc: Any, rule_id: str) -> Rule:
    """A :class:`Rule` from its JSON document, or a 422 naming the offending field."""
    if not isinstance(doc, Mapping):
        raise _invalid(f"A fault rule must be a JSON object, got {type(doc).__name__}.")
    unknown = sorted(set(doc) - RULE_KEYS)
    if unknown:
        raise _invalid(f"Fault rule has unknown fields {unknown}; expected some of {sorted(RULE_KEYS)}.")
    match = doc.get("match") or {}
    if not isinstance(match, Mapping) or set(match) - MATCH_KEYS:
        raise _invalid(
            f"Fault rule match must be an object with some of {sorted(MATCH_KEYS)}, got {match!r}."
        )
    method, path = match.get("method"), match.get("path")
    for key, value in (("method", method), ("path", path)):
        if value is not None and (not isinstance(value, str) or not value):
            raise _invalid(f"Fault rule match.{key} must be a non-empty string, got {value!r}.")
    clean: dict[str, Any] = {k: v for k, v in (("method", method), ("path", path)) if v is not None}
    for key in ("query", "headers"):
        if key in match:
            clean[key] = _string_map(match[key], key)
    status = doc.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599
    ):
        raise _invalid(f"Fault rule status must be an HTTP status from 200 to 599, got {status!r}.")
    probability = doc.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float) or not 0 <= probability <= 1:
        raise _invalid(f"Fault rule probability must be a number from 0 to 1, got {probability!r}.")
    flags = {key: doc.get(key, False) for key in ("drop", "malformed")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise _invalid(f"Fault rule field {key} must be true or false, got {value!r}.")
    delay = _delay(doc.get("delay"))
    if status is None and delay is None and not flags["drop"] and not flags["malformed"]:
        raise _invalid("A fault rule needs something to do: status, delay, drop or malformed.")
    seed = doc.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise _invalid(f"Fault rule seed must be an integer, got {seed!r}.")
    return Rule(
        id=rule_id,
        match=clean,
        path=re.compile(fnmatch.translate(path).replace("(?s:", "(?:")) if path else None,
        status=status,
        body=doc.get("body"),
        delay=delay,
        drop=flags["drop"],
        malformed=flags["malformed"],
        times=_count(doc, "times", minimum=1),
        after=_count(doc, "after", minimum=0) or 0,
        probability=float(probability),
        rng=random.Random(seed),
    )


class FaultBook:
    """The rules of one app, tried in order on every request outside ``/_mock``."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._ids = itertools.count(1)

    def add(self, doc: Any) -> RuleDocument:
        rule = parse_rule(doc, str(next(self._ids)))
        self._rules[rule.id] = rule
        return rule.document()

    def add_all(self, docs: Any) -> list[RuleDocument]:
        """Add a list of rules (or ``{"rules": [...]}``) all or nothing."""
        if isinstance(docs, Mapping) and set(docs) == {"rules"}:
            docs = docs["rules"]
        if not isinstance(docs, list):
            raise _invalid('A fault rules document must be a list of rules or {"rules": [...]}.')
        for index, doc in enumerate(docs):
            try:
                parse_rule(doc, "check")
            except ValidationError as exc:
                raise _invalid(f"rules[{index}]: {exc.message}") from None
        return [self.add(doc) for doc in docs]

    def rules(self) -> list[RuleDocument]:
        return [rule.document() for rule in self._rules.values()]

    def get(self, rule_id: str) -> RuleDocument:
        return self._require(rule_id).document()

    def delete(self, rule_id: str) -> None:
        self._require(rule_id)
        del self._rules[rule_id]

    def clear(self) -> int:
        cleared = len(self._rules)
        self._rules.clear()
        return cleared

    def _require(self, rule_id: str) -> Rule:
        rule = self._rules.get(rule_id)
        if rule is None:
            raise NotFound(f"Finding fault rule {rule_id[:40]!r} failed: no such rule.", resource="mock")
        return rule

    def decide(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str]
    ) -> Action | None:
        """The action of the first rule that fires for this request, counting every match."""
        for rule in self._rules.values():
            if rule.spent or not rule.applies(method, path, query, headers):
                continue
            rule.matched += 1
            if rule.matched <= rule.after or rule.rng.random() >= rule.probability:
                continue
            rule.fired += 1
            delay = rule.rng.uniform(*rule.delay) if rule.delay else 0.0
            return Action(rule.id, delay, rule.status, rule.body, rule.drop, rule.malformed)
        return None


def parse_latency(text: str) -> tuple[int, int]:
    """``--latency`` value: ``MS`` or ``MIN-MAX`` milliseconds."""
    low, _, high = text.partition("-")
    try:
        bounds = _delay({"min": int(low), "max": int(high or low)})
    except (ValueError, ValidationError):
        raise BadRequest(
            f"--latency {text!r} must be MS or MIN-MAX milliseconds (0 to {MAX_DELAY_MS})."
        ) from None
    assert bounds is not None
    return bounds

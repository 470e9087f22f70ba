"""What a check reports when the target breaks a rule.

A :class:`ContractFailure` carries a stable ``title`` named after what was observed
(``ItemsSkippedByPaging``), the ``expected`` and ``received`` halves of the message, and the
request that reproduces it (rendered as a curl command with credentials masked). Checks raise it;
the runner records it against the check's requirement id.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    """One request the harness sent, enough to rebuild it as a curl command."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def as_curl(self, *, multiline: bool = False) -> str:
        """A curl command line that repeats the request, with credentials as a placeholder.

        Basic credentials become ``-u "$C8Y_AUTH"`` (set ``C8Y_AUTH=tenant/user:password``), a
        bearer token ``"Authorization: Bearer $C8Y_TOKEN"``: the command can be pasted as it is.
        ``multiline`` puts each option on its own line with a trailing backslash.
        """
        groups = [f"curl -sS -X {shlex.quote(self.method)}"]
        for name, value in self.headers.items():
            if name.lower() in ("user-agent", "accept-encoding", "connection", "content-length", "host"):
                continue
            if name.lower() == "authorization":
                scheme = value.split(" ", 1)[0]
                basic = scheme.lower() == "basic"
                groups.append('-u "$C8Y_AUTH"' if basic else f'-H "Authorization: {scheme} $C8Y_TOKEN"')
                continue
            groups.append("-H " + shlex.quote(f"{name}: {value}"))
        if self.body:
            text = self.body.decode("utf-8", "replace")
            if len(text) > 2000:
                text = text[:2000] + "...(truncated)"
            groups.append("--data-binary " + shlex.quote(text))
        groups.append(shlex.quote(self.url))
        return (" \\\n  " if multiline else " ").join(groups)


class CouldNotTest(BaseException):
    """The target cannot be tested at all: it is down, refuses the credentials, or the arguments are bad.

    The CLI turns it into exit status 2 with the message as the one-line diagnosis. It derives from
    BaseException so that Hypothesis stops at once instead of shrinking against a dead target.
    """


class RequestTimedOut(BaseException):
    """One request got no answer within the per-request timeout while the target is otherwise up.

    The runner records it as the failure ``RequestTimedOut`` of the check that sent it and moves on
    (BaseException, like :class:`CouldNotTest`, so Hypothesis does not retry it while shrinking).
    """

    def __init__(self, message: str, request: RecordedRequest) -> None:
        super().__init__(message)
        self.request = request


class NotRun(BaseException):
    """A check could not run to a verdict; the requirement ends as ``not run`` with this reason.

    Reasons are sentences starting with their kind: ``time budget``, ``prerequisite failed``,
    ``target timed out``, ``not applicable`` or ``refused by the safety guard``. A BaseException,
    so Hypothesis stops at once instead of shrinking.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RefusedByGuard(NotRun):
    """The safety guard did not send a request: it could reach data the run did not create."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"refused by the safety guard: {reason}")


class Stopped(KeyboardInterrupt):
    """A request was not sent because the run is being interrupted (SIGINT or SIGTERM)."""


class ContractFailure(AssertionError):
    """A check observed behaviour that breaks a requirement."""

    def __init__(
        self,
        title: str,
        expected: Any,
        received: Any,
        *,
        request: RecordedRequest | None = None,
        detail: str = "",
    ) -> None:
        self.title = title
        self.expected = _text(expected)
        self.received = _text(received)
        self.request = request
        self.detail = detail
        self.others: list[ContractFailure] = []
        """Further distinct failures found by the same check (Schemathesis reports several)."""
        super().__init__(f"{title}: Expected {self.expected} / Received {self.received}")

    @property
    def curl(self) -> str:
        return self.request.as_curl() if self.request else ""


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 1500 else text[:1500] + "...(truncated)"


def expect(
    condition: bool, title: str, expected: Any, received: Any, request: RecordedRequest | None
) -> None:
    """Raise a :class:`ContractFailure` unless ``condition`` holds."""
    if not condition:
        raise ContractFailure(title, expected, received, request=request)

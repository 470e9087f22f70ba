"""Fixed answers for operations that are not part of a resource (reports, actions, images).

The generator picks, per operationId, the lowest documented success status and a body that
validates against its schema (the spec's example, or a minimal instance it synthesised).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from mockserver.errors import MockError

Handler = Callable[..., Awaitable[tuple[Any, int] | tuple[Any, int, dict[str, str]]]]


class NotImplementedByMock(MockError):
    """The operation has neither a generated nor a user handler, nor a canned answer."""

    status = 501
    name = "Not Implemented"


class CannedResponses:
    """operationId -> (body, status, media type); :meth:`handler` turns one into a handler."""

    def __init__(self, answers: Mapping[str, tuple[Any, int, str | None]]) -> None:
        self.answers = dict(answers)

    def handler(self, operation_id: str) -> Handler:
        """An async handler answering the canned response of ``operation_id`` (501 if none)."""
        answer = self.answers.get(operation_id)

        async def canned(**_: Any) -> tuple[Any, int] | tuple[Any, int, dict[str, str]]:
            if answer is None:
                raise NotImplementedByMock(
                    f"Operation {operation_id!r} has no handler in this mock; "
                    "add a method for it to the project's hooks module."
                )
            body, status, media_type = answer
            if media_type is None:
                return None, status
            return copy.deepcopy(body), status, {"Content-Type": media_type}

        return canned

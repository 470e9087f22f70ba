"""Handlers of the journal and fault hooks (``/_mock/journal``, ``/_mock/faults``)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.http.double import DoubleSettings
from mockserver.http.journal import JournalQuery
from mockserver.http.media import current_request, json_response


def _filters() -> JournalQuery:
    return JournalQuery.from_params(dict(current_request().query))


class DoubleHandlers:
    """What the client sent (the journal) and how the mock misbehaves on purpose (fault rules)."""

    public_operations: ClassVar[frozenset[str]] = frozenset(
        {
            "getJournal",
            "countJournal",
            "clearJournal",
            "listFaults",
            "addFaults",
            "clearFaults",
            "getFault",
            "deleteFault",
        }
    )

    def __init__(self, settings: DoubleSettings) -> None:
        self.settings = settings

    async def get_journal(self, **_: Any) -> Response:
        journal = self.settings.journal
        size = dict(current_request().query).get("pageSize")
        entries = journal.select(_filters(), int(size) if size else None)
        return json_response({"requests": entries, "capacity": journal.capacity, "dropped": journal.dropped})

    async def count_journal(self, **_: Any) -> Response:
        return json_response({"count": self.settings.journal.count(_filters())})

    async def clear_journal(self) -> Response:
        return json_response({"cleared": self.settings.journal.clear()})

    async def list_faults(self) -> Response:
        return json_response({"rules": self.settings.faults.rules()})

    async def add_faults(self, payload: Any = None, body: Any = None) -> Response:
        rules = payload if payload is not None else body
        if isinstance(rules, dict) and "rules" not in rules:
            rules = [rules]  # one rule
        added = self.settings.faults.add_all(rules)
        return json_response({"rules": added}, 201)

    async def clear_faults(self) -> Response:
        return json_response({"cleared": self.settings.faults.clear()})

    async def get_fault(self, id_: str) -> Response:
        return json_response(self.settings.faults.get(id_))

    async def delete_fault(self, id_: str) -> Response:
        self.settings.faults.delete(id_)
        return json_response(None, 204)

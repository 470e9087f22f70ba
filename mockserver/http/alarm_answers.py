"""Alarm answers spliced from the stored JSON: ``id``, ``self`` and ``source`` written around it.

The store keeps each alarm's answer members after ``source`` as JSON bytes
(:meth:`~mockserver.alarms.AlarmRecord.tail`); a page is those bytes joined, with the links of
the request's host, never a decode and re-encode (``tests/unit/test_alarm_answers.py`` holds it
equal to encoding the document).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mockserver.alarms import StoredAlarm
from mockserver.jsoncodec import dumps
from mockserver.paging import PageRequest, page_links, statistics

ALARMS = "/alarm/alarms"
MANAGED_OBJECTS = "/inventory/managedObjects"


def alarm_url(base_url: str, id: int | str) -> str:
    return f"{base_url}{ALARMS}/{id}"


def present_alarm(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """An alarm document as GET answers it (the order :func:`alarms_json` writes): ``id``,
    ``self``, ``source`` with its ``self``, then the rest; for realtime notifications."""
    id = doc["id"]
    answer: dict[str, Any] = {"id": id, "self": alarm_url(base_url, id)}
    source = doc.get("source")
    if isinstance(source, dict) and "id" in source:
        answer["source"] = {**source, "self": f"{base_url}{MANAGED_OBJECTS}/{source['id']}"}
    answer.update((key, value) for key, value in doc.items() if key not in answer)
    return answer


def alarms_json(stored: Sequence[StoredAlarm], base_url: str) -> list[bytes]:
    """The JSON bytes of each alarm as answered: id, self, source with its self, then the rest."""
    prefix = dumps(alarm_url(base_url, ""))[:-1]  # the URL's JSON string, left open
    sources = {
        source: b'"source":{"id":%s,"self":%s}'
        % (dumps(source), dumps(f"{base_url}{MANAGED_OBJECTS}/{source}"))
        for source in {a.source for a in stored}
    }
    return [
        b'{"id":"%d","self":%s%d",%s,%s' % (a.id, prefix, a.id, sources[a.source], a.tail) for a in stored
    ]


def alarm_json(stored: StoredAlarm, base_url: str) -> bytes:
    (answer,) = alarms_json([stored], base_url)
    return answer


def alarm_page_json(
    stored: Sequence[StoredAlarm],
    total: int | None,
    page: PageRequest,
    *,
    base_url: str,
    collection_url: str,
    query: Iterable[tuple[str, str]],
) -> bytes:
    """An alarm collection answer: the page's alarms, ``statistics``, ``self``/``next``/``prev``
    echoing the request's query (the collection and the DTM roll-up alike). ``total`` may be None
    only when the request asks for no totals."""
    rest = dumps({"statistics": statistics(page, total or 0), **page_links(collection_url, query, page)})
    return b'{"alarms":[%s],%s' % (b",".join(alarms_json(stored, base_url)), rest[1:])

"""Broken inventory-query and identity mocks, each breaking one rule of spec/inventory.yaml or
spec/identity.yaml in one observable way; the harness must report it with the expected title.

The rules broken are the documented ones: `*` wildcards in `eq`, `or`, `$orderby`, refusing an
unreadable query, `q` meaning devices only, the fragmentType, ids and text filters (`text` is
equality with a string value), the totals; one pair one managed object, deleted external ids
gone, external ids deleted with their managed object. ``IN_MAKE_TEST`` names the variants
`make test` runs (one per rule family, to keep its time); `make inventory-variants` runs them all.
"""

from __future__ import annotations

import re
from typing import Any

from harness_faults import Exchange, Fault

MOS = "/inventory/managedObjects"


def on_list(rewrite: Any) -> Any:
    def before(ex: Exchange) -> None:
        if ex.method == "GET" and ex.path == MOS:
            rewrite(ex)

    return before


def or_as_and(ex: Exchange) -> None:
    query = ex.param("query")
    if query:
        ex.set("query", query.replace(" or ", " and "))


def drop_orderby(ex: Exchange) -> None:
    query = ex.param("query")
    if query and "$orderby=" in query:
        ex.set("query", re.sub(r"\s*\$orderby=.*$", "", query))


def q_as_query(ex: Exchange) -> None:
    q = ex.param("q")
    if q is not None:
        ex.drop("q")
        ex.set("query", q)


def totals_off_by_one(ex: Exchange) -> None:
    if (
        ex.method == "GET"
        and ex.path == MOS
        and ex.status == 200
        and "totalElements" in ex.answer["statistics"]
    ):
        ex.answer["statistics"]["totalElements"] += 1


def exact_eq(monkeypatch: Any) -> None:
    from mockserver.inventory import matching

    monkeypatch.setattr(matching, "wildcard_match", lambda pattern, text: pattern == text)


def text_as_name_substring(monkeypatch: Any) -> None:
    """The mock's old reading of ``text``: a case-sensitive substring of ``name``."""
    from mockserver.inventory import matching

    monkeypatch.setattr(
        matching, "has_string_value", lambda document, text: text in str(document.get("name", ""))
    )


def lenient_parser(monkeypatch: Any) -> None:
    from mockserver.errors import BadRequest
    from mockserver.http.handlers import inventory
    from mockserver.inventory.query import from_parameters

    def ignore_errors(query: str | None, q: str | None) -> Any:
        try:
            return from_parameters(query, q)
        except BadRequest:
            return None

    monkeypatch.setattr(inventory, "from_parameters", ignore_errors)


def keep_external_ids(monkeypatch: Any) -> None:
    from mockserver.inventory.identity import IdentityStore

    monkeypatch.setattr(IdentityStore, "forget_managed_object", lambda self, managed_object: None)


def accept_duplicates(monkeypatch: Any) -> None:
    from mockserver.inventory.identity import IdentityStore

    original = IdentityStore.create

    def overwrite(self: IdentityStore, managed_object: str, body: Any) -> Any:
        """The second create of a pair moves it to the new managed object instead of a 409."""
        if isinstance(body, dict) and self.resolve(str(body.get("type")), str(body.get("externalId"))):
            self.delete(str(body["type"]), str(body["externalId"]))
        return original(self, managed_object, body)

    monkeypatch.setattr(IdentityStore, "create", overwrite)


def ignore_deletes(monkeypatch: Any) -> None:
    from mockserver.inventory.identity import IdentityStore

    monkeypatch.setattr(IdentityStore, "delete", lambda self, type_, external_id: None)


QUERY_FAULTS = [
    Fault("eq-ignores-wildcards", "INV-QUERY-1", "QuerySelectedWrongItems|QueryIgnored", patch=exact_eq),
    Fault("or-read-as-and", "INV-QUERY-1", "QuerySelectedWrongItems", before=on_list(or_as_and)),
    Fault("query-ignored", "INV-QUERY-1", "QueryIgnored", before=on_list(lambda ex: ex.drop("query"))),
    Fault("orderby-ignored", "INV-QUERY-2", "QueryOrderWrong", before=on_list(drop_orderby)),
    Fault("unreadable-query-ignored", "INV-QUERY-3", "UnreadableQueryNotRefused", patch=lenient_parser),
    Fault(
        "q-not-restricted-to-devices", "INV-QUERY-4", "QNotRestrictedToDevices", before=on_list(q_as_query)
    ),
]
FILTER_FAULTS = [
    Fault(
        "fragment-type-ignored",
        "INV-FILTER-1",
        "InventoryFilterWrong",
        before=on_list(lambda ex: ex.drop("fragmentType")),
    ),
    Fault("ids-ignored", "INV-FILTER-1", "InventoryFilterWrong", before=on_list(lambda ex: ex.drop("ids"))),
    Fault("text-as-name-substring", "INV-FILTER-1", "InventoryFilterWrong", patch=text_as_name_substring),
    Fault("total-elements-off-by-one", "INV-FILTER-1", "WrongTotals", after=totals_off_by_one),
]
IDENTITY_FAULTS = [
    Fault(
        "external-id-kept-after-its-managed-object",
        "ID-EXT-3",
        "ExternalIdOutlivesManagedObject",
        patch=keep_external_ids,
    ),
    Fault(
        "duplicate-external-ids-accepted", "ID-EXT-2", "DuplicateExternalIdAccepted", patch=accept_duplicates
    ),
    Fault("external-id-delete-ignored", "ID-EXT-1", "DeletedExternalIdStillFound", patch=ignore_deletes),
]
INVENTORY_FAULTS = [*QUERY_FAULTS, *FILTER_FAULTS, *IDENTITY_FAULTS]
IN_MAKE_TEST = {
    "or-read-as-and",
    "orderby-ignored",
    "unreadable-query-ignored",
    "ids-ignored",
    "text-as-name-substring",
    "external-id-kept-after-its-managed-object",
    "duplicate-external-ids-accepted",
}

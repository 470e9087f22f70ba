"""The inventory query language and identity requirements (spec/inventory.yaml, spec/identity.yaml).

Rows in the shape of :data:`contracts.requirements._ROWS`: id, suite, sentence, spec, pointer.
"""

from __future__ import annotations

_I = "inventory.yaml"
_ID = "identity.yaml"
_LIST = "/paths/~1inventory~1managedObjects/get"

INVENTORY_ROWS: list[tuple[str, str, str, str, str]] = [
    (
        "INV-QUERY-1",
        "inventory-query",
        "`query=$filter=(...)` selects exactly the managed objects the rules select: eq/ne with `*` "
        "wildcards, gt/ge/lt/le within one JSON type, dotted paths, has(), and, or, not; values of other "
        "types never match; AND-ed with the other filters, by id.",
        _I,
        _LIST,
    ),
    (
        "INV-QUERY-2",
        "inventory-query",
        "`$orderby=<path> asc|desc, ...` sorts by the first key, then the next (missing and null first, "
        "then numbers, strings, objects, arrays, booleans); ties keep id order.",
        _I,
        _LIST,
    ),
    (
        "INV-QUERY-3",
        "inventory-query",
        "A query that cannot be read (unknown operator or function, missing quote or parenthesis, number "
        "out of range, over 8192 characters) is a 400 `inventory/Bad Request` whose message names the "
        "position; it is never ignored.",
        _I,
        _LIST,
    ),
    (
        "INV-QUERY-4",
        "inventory-query",
        "`q` is the same language restricted to managed objects with `c8y_IsDevice`.",
        _I,
        f"{_LIST}/parameters",
    ),
    (
        "INV-FILTER-1",
        "inventory-query",
        "type (exact), fragmentType (a top-level key), owner, text (a string value at any depth equal to it, "
        "never a part of one nor a number), ids (a list; answer "
        "still by id) select exactly the matching managed objects, AND-ed; withTotalElements and "
        "withTotalPages add the totals to statistics.",
        _I,
        _LIST,
    ),
    (
        "ID-EXT-1",
        "identity",
        "A created external id answers 201 with Location = its self and {externalId, type, managedObject}; "
        "it is found by type and value, listed on its managed object with the others in creation order, "
        "and 404 after its DELETE (the managed object stays).",
        _ID,
        "/info/description",
    ),
    (
        "ID-EXT-2",
        "identity",
        "A pair (type, externalId) names one managed object: creating it again, for any managed object, is "
        "a 409 and changes nothing; an unknown pair or managed object is a 404 `identity/Not Found`.",
        _ID,
        "/info/description",
    ),
    (
        "ID-EXT-3",
        "identity",
        "Deleting a managed object deletes its external ids: their lookup is a 404 and the pair can be "
        "created again.",
        _ID,
        "/info/description",
    ),
]

INVENTORY_SUITES = {"inventory-query": "inventory", "identity": "identity"}

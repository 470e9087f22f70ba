"""External ids (spec/identity.yaml): one pair, one managed object; gone with the managed object."""

from __future__ import annotations

import pytest

from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.inventory.identity import ExternalId, IdentityStore
from mockserver.inventory.store import InventoryStore


@pytest.fixture
def stores() -> tuple[InventoryStore, IdentityStore]:
    inventory = InventoryStore()
    return inventory, IdentityStore(inventory)


def test_an_external_id_names_its_managed_object(stores: tuple[InventoryStore, IdentityStore]) -> None:
    inventory, identity = stores
    mo = inventory.create({}, owner="admin")["id"]
    identity.create(mo, {"type": "c8y_Serial", "externalId": "A"})
    identity.create(mo, {"type": "c8y_IMEI", "externalId": "A"})
    assert identity.get("c8y_Serial", "A") == ExternalId("c8y_Serial", "A", mo)
    assert [r.type for r in identity.of(mo)] == ["c8y_Serial", "c8y_IMEI"]
    assert identity.resolve("c8y_serial", "A") is None


def test_a_pair_that_exists_is_a_409_also_for_the_same_managed_object(
    stores: tuple[InventoryStore, IdentityStore],
) -> None:
    inventory, identity = stores
    first, second = (inventory.create({}, owner="admin")["id"] for _ in range(2))
    identity.create(first, {"type": "t", "externalId": "x"})
    for mo in (first, second):
        with pytest.raises(Conflict, match="already names managed object"):
            identity.create(mo, {"type": "t", "externalId": "x"})
    assert identity.resolve("t", "x") == first


def test_deleting_the_managed_object_deletes_its_external_ids(
    stores: tuple[InventoryStore, IdentityStore],
) -> None:
    inventory, identity = stores
    mo, other = (inventory.create({}, owner="admin")["id"] for _ in range(2))
    identity.create(mo, {"type": "t", "externalId": "x"})
    identity.create(other, {"type": "t", "externalId": "y"})
    inventory.delete(mo)
    with pytest.raises(NotFound):
        identity.get("t", "x")
    identity.create(other, {"type": "t", "externalId": "x"})
    assert identity.resolve("t", "x") == other
    assert identity.resolve("t", "y") == other


def test_unknown_managed_objects_and_pairs_are_404_and_bad_bodies_422(
    stores: tuple[InventoryStore, IdentityStore],
) -> None:
    inventory, identity = stores
    with pytest.raises(NotFound, match="'9'"):
        identity.create("9", {"type": "t", "externalId": "x"})
    with pytest.raises(NotFound, match="'9'"):
        identity.of("9")
    with pytest.raises(NotFound, match="'x' of type 't'"):
        identity.delete("t", "x")
    mo = inventory.create({}, owner="admin")["id"]
    for body in (
        {"type": "t"},
        {"type": "t", "externalId": ""},
        {"type": 3, "externalId": "x"},
        {"type": "t", "externalId": "a/b"},
        ["x"],
    ):
        with pytest.raises(ValidationError):
            identity.create(mo, body)
    assert len(identity) == 0

"""One status -> error class mapping for the hand-written and the generated mocks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import errors
from mockserver.errors import BY_STATUS, MockError, error_for_status


def _every_error_class() -> list[type[MockError]]:
    found: list[type[MockError]] = []
    pending = list(MockError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("status", sorted(BY_STATUS), ids=str)
def test_error_for_status_gives_the_class_of_that_status(status: int) -> None:
    error = error_for_status(status, "Something went wrong.", resource="measurement")
    assert type(error) is BY_STATUS[status]
    assert error.status == status
    assert error.to_body()["error"] == f"measurement/{BY_STATUS[status].name}"


@given(st.integers(min_value=400, max_value=599).filter(lambda s: s not in BY_STATUS))
def test_a_status_without_a_class_keeps_its_status(status: int) -> None:
    error = error_for_status(status, "Slow down.")
    assert error.status == status
    assert isinstance(error, MockError)
    assert type(error_for_status(status, "again")) is type(error)


def test_every_direct_error_class_of_the_errors_module_is_in_the_mapping() -> None:
    module_classes = [
        cls
        for cls in _every_error_class()
        if cls.__module__ == errors.__name__
        and cls.__bases__ == (MockError,)
        and not cls.__name__.startswith("HttpError")  # made by error_for_status for unlisted statuses
    ]
    assert module_classes, "the scan found no error classes"
    assert sorted(c.__name__ for c in module_classes) == sorted(c.__name__ for c in BY_STATUS.values())


def test_no_two_error_classes_of_the_package_claim_one_status_unrelated() -> None:
    """A second class for a status must refine the mapped one (SeedError is a ValidationError)."""
    import mockserver.http.app  # noqa: F401  (imports every error class the mock defines)

    for cls in _every_error_class():
        if not cls.__module__.startswith("mockserver.") or cls.__name__.startswith("HttpError"):
            continue
        mapped = BY_STATUS.get(cls.status)
        where = f"{cls.__module__}.{cls.__name__} answers {cls.status}"
        assert mapped is not None, f"{where}, a status without a class in BY_STATUS"
        assert issubclass(cls, mapped), f"{where} but is not a {mapped.__name__}"

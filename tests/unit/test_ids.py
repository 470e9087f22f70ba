"""Which strings can name a resource the server created."""

from __future__ import annotations

import pytest

from mockserver.ids import is_server_id


@pytest.mark.parametrize("value", ["0", "7", "123456789012345678901234567890"])
def test_ascii_digit_strings_are_ids(value: str) -> None:
    assert is_server_id(value)


@pytest.mark.parametrize(
    "value",
    ["", "\u00b2", "\uff11\uff12", "\u0661", "-1", "1.0", " 1", "1a", 12, None, b"12"],
    ids=[
        "empty",
        "superscript",
        "fullwidth",
        "arabic-indic",
        "negative",
        "decimal",
        "space",
        "letter",
        "int",
        "none",
        "bytes",
    ],
)
def test_everything_else_is_not_an_id(value: object) -> None:
    assert not is_server_id(value)

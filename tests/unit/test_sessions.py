"""Login sessions (mockserver/sessions.py): tokens, their XSRF values, expiry and logout."""

from __future__ import annotations

import pytest

from mockserver.errors import Unauthorized
from mockserver.sessions import LIFETIME_S, LoginSessions


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_names_its_user_as_bearer_and_with_its_xsrf_value() -> None:
    sessions = LoginSessions()
    session = sessions.open("t200", "ann")
    assert sessions.login_of(session.token, xsrf=None) == ("t200", "ann")
    assert sessions.login_of(session.token, xsrf=session.xsrf) == ("t200", "ann")


def test_another_xsrf_value_is_refused() -> None:
    sessions = LoginSessions()
    session, other = sessions.open("t100", "a"), sessions.open("t100", "a")
    with pytest.raises(Unauthorized, match="X-XSRF-TOKEN"):
        sessions.login_of(session.token, xsrf=other.xsrf)


def test_every_login_is_a_new_session() -> None:
    sessions = LoginSessions()
    first, second = sessions.open("t100", "a"), sessions.open("t100", "a")
    assert first.token != second.token
    assert first.xsrf != second.xsrf


def test_a_token_expires_after_its_lifetime() -> None:
    clock = Clock()
    sessions = LoginSessions(clock)
    session = sessions.open("t100", "a")
    clock.now += LIFETIME_S - 1
    assert sessions.login_of(session.token, xsrf=None) == ("t100", "a")
    clock.now += 2
    with pytest.raises(Unauthorized, match="expired"):
        sessions.login_of(session.token, xsrf=None)


def test_a_token_of_another_server_is_refused() -> None:
    token = LoginSessions().open("t100", "a").token
    with pytest.raises(Unauthorized, match="not one this server issued"):
        LoginSessions().login_of(token, xsrf=None)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "Basic xyz"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(Unauthorized):
        LoginSessions().login_of(token, xsrf=None)


def test_close_ends_that_session_only() -> None:
    sessions = LoginSessions()
    first, second = sessions.open("t100", "a"), sessions.open("t100", "a")
    assert sessions.close(first.token) is True
    assert sessions.close(first.token) is False
    assert sessions.close("not-a-token") is False
    with pytest.raises(Unauthorized, match="logged out"):
        sessions.login_of(first.token, xsrf=None)
    assert sessions.login_of(second.token, xsrf=None) == ("t100", "a")


def test_clear_ends_every_session() -> None:
    sessions = LoginSessions()
    session = sessions.open("t100", "a")
    sessions.clear()
    with pytest.raises(Unauthorized):
        sessions.login_of(session.token, xsrf=None)

"""Who may call the mock: users, their roles and bearer tokens, as plain data.

The HTTP edge parses the ``Authorization`` header; this module only answers "which user is
this?" for a (tenant, username, password) triple or a token, so it stays testable without a
server. The default directory holds tenant ``t100`` user ``admin`` password ``admin`` with
every role, as the platform rules require.

A users file (``--users FILE``, YAML or JSON) looks like::

    users:
      - {tenant: t100, username: reader, password: secret, roles: [ROLE_MEASUREMENT_READ]}
    tokens:
      abc123: reader            # token -> username (tenant t100), or "t200/reader"

``roles`` may be omitted (no roles) or the string ``ALL`` (every known role). A tenant exists by
having a user: ``{tenant: t200, username: admin, ...}`` makes ``t200``, whose data is its own
(``mockserver/state.py``). Login sessions of the OAuth internal login are ``sessions``
(:mod:`mockserver.sessions`); ``reset`` ends them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mockserver.errors import Unauthorized
from mockserver.sessions import LoginSessions
from mockserver.tenancy import DEFAULT_TENANT as DEFAULT_TENANT

ALL_ROLES: frozenset[str] = frozenset(
    {
        "ROLE_MEASUREMENT_READ",
        "ROLE_MEASUREMENT_ADMIN",
        "ROLE_ALARM_READ",
        "ROLE_ALARM_ADMIN",
        "ROLE_INVENTORY_READ",
        "ROLE_INVENTORY_ADMIN",
        "ROLE_INVENTORY_CREATE",
        "ROLE_IDENTITY_READ",
        "ROLE_IDENTITY_ADMIN",
        "ROLE_DIGITAL_TWIN_ASSETS_ADMIN",
        "ROLE_DIGITAL_TWIN_ASSETS_CREATE",
        "ROLE_DIGITAL_TWIN_ASSETS_UPDATE",
        "ROLE_NOTIFICATION_2_ADMIN",
    }
)


class UsersFileError(ValueError):
    """A users file or seed entry does not describe a valid user or token."""


@dataclass(frozen=True)
class User:
    """One configured user; ``roles`` decide which operations it may call."""

    tenant: str
    username: str
    password: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return any(role in self.roles for role in roles)


DEFAULT_USER = User(DEFAULT_TENANT, "admin", "admin", ALL_ROLES)


class UserDirectory:
    """The configured users and bearer tokens; looked up on every authenticated request."""

    def __init__(self, users: Iterable[User] = (DEFAULT_USER,), tokens: Mapping[str, User] | None = None):
        self._users: dict[tuple[str, str], User] = {}
        self._tokens: dict[str, User] = {}
        self.sessions = LoginSessions()
        for user in users:
            self.add(user)
        for token, user in (tokens or {}).items():
            self.add_token(token, user)

    def add(self, user: User) -> None:
        """Add or replace a user (same tenant and username)."""
        self._users[(user.tenant, user.username)] = user

    def add_token(self, token: str, user: User) -> None:
        if not token:
            raise UsersFileError("A bearer token must be a non-empty string.")
        self._tokens[token] = user

    def users(self) -> list[User]:
        return list(self._users.values())

    def tokens(self) -> dict[str, User]:
        return dict(self._tokens)

    def find(self, tenant: str, username: str) -> User | None:
        return self._users.get((tenant, username))

    def authenticate(self, login: str, password: str) -> User | None:
        """The user for a Basic login ``tenant/user`` or ``user`` (default tenant), else None.

        A bare ``user`` is looked up in the default tenant first, then in any tenant that has
        exactly one user of that name.
        """
        if "/" in login:
            tenant, _, username = login.partition("/")
            candidates = [self._users.get((tenant, username))]
        else:
            candidates = [self._users.get((DEFAULT_TENANT, login))]
            candidates += [u for (t, n), u in self._users.items() if n == login and t != DEFAULT_TENANT]
        for user in candidates:
            if user is not None and user.password == password:
                return user
        return None

    def authenticate_token(self, token: str) -> User | None:
        return self._tokens.get(token)

    def session_user(self, token: str, *, xsrf: str | None) -> User:
        """The user of an open login session (see :mod:`mockserver.sessions`), else Unauthorized."""
        tenant, username = self.sessions.login_of(token, xsrf=xsrf)
        user = self.find(tenant, username)
        if user is None:
            raise Unauthorized(f"The user {tenant}/{username} of the access token is no longer configured.")
        return user

    def reset(self) -> None:
        """Back to the default directory: only t100/admin, no tokens, no login sessions."""
        self.sessions.clear()
        self._users = {(DEFAULT_USER.tenant, DEFAULT_USER.username): DEFAULT_USER}
        self._tokens = {}

    def load(self, data: Mapping[str, Any]) -> None:
        """Add the ``users`` and ``tokens`` of a parsed users document (see module docstring)."""
        users = data.get("users", [])
        if not isinstance(users, list):
            raise UsersFileError(f"'users' must be a list of user objects, got {type(users).__name__}.")
        for index, entry in enumerate(users):
            self.add(parse_user(entry, where=f"users[{index}]"))
        tokens = data.get("tokens", {})
        if not isinstance(tokens, Mapping):
            raise UsersFileError(
                f"'tokens' must be an object of token -> username, got {type(tokens).__name__}."
            )
        for token, login in tokens.items():
            if not isinstance(login, str):
                raise UsersFileError(f"tokens[{token!r}] must be a username string, got {login!r}.")
            tenant, _, username = login.rpartition("/")
            user = self.find(tenant or DEFAULT_TENANT, username)
            if user is None:
                raise UsersFileError(f"tokens[{token!r}] names user {login!r}, which is not configured.")
            self.add_token(str(token), user)


def parse_user(entry: Any, *, where: str = "user") -> User:
    """One user object ``{tenant?, username, password, roles?}``; errors name ``where``."""
    if not isinstance(entry, Mapping):
        raise UsersFileError(f"{where} must be an object with username and password, got {entry!r}.")
    unknown = set(entry) - {"tenant", "username", "password", "roles"}
    if unknown:
        raise UsersFileError(
            f"{where} has unknown keys {sorted(unknown)}; expected tenant, username, password, roles."
        )
    for key in ("username", "password"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise UsersFileError(f"{where}.{key} must be a non-empty string, got {entry.get(key)!r}.")
    tenant = entry.get("tenant", DEFAULT_TENANT)
    if not isinstance(tenant, str) or not tenant or "/" in tenant:
        raise UsersFileError(f"{where}.tenant must be a non-empty string without '/', got {tenant!r}.")
    roles = entry.get("roles", [])
    if roles == "ALL":
        roles = sorted(ALL_ROLES)
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise UsersFileError(f"{where}.roles must be a list of role names or 'ALL', got {roles!r}.")
    return User(tenant, entry["username"], entry["password"], frozenset(roles))


def read_document(path: Path) -> Any:
    """Parse a JSON or YAML file (chosen by content: JSON is valid YAML, so YAML parses both)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def load_users_file(path: Path, directory: UserDirectory | None = None) -> UserDirectory:
    """A directory with the default admin plus the users and tokens of ``path``."""
    directory = directory or UserDirectory()
    try:
        data = read_document(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise UsersFileError(f"Cannot read users file {path}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise UsersFileError(f"Users file {path} must hold an object with 'users' and 'tokens'.")
    directory.load(data)
    return directory

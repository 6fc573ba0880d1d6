"""Who calls: the org's users and OAuth clients, their roles and permissions, and the tokens issued to them.

A bearer token acts for a ``Principal``, a user or an OAuth client, holding Genesys permission
strings (``conversation:callback:create``; a ``*`` segment holds every value of that segment, as
the admin role's ``*:*:*`` does). A token names its principal in one of these ways:

- a token this part issued (``POST /oauth/token``, or the control API's ``POST /tokens``): its
  user or client, until it expires on the server clock;
- ``agent:<n>`` or ``agent:<userId>``: the org's ``n``-th agent (from 0), or the org user with that
  id (an agent, the supervisor, or one a test added);
- anything else: a user of its own with the default role, its id a UUID derived from the token (the
  same token, the same user, in every run and process). A server with ``TOKENS`` set lets only
  those through (the views' hook checks that before asking here).

Seeded (and restored by a reset): the roles ``agent`` and ``admin`` (``*:*:*`` and the mock's own
``mock:participant:any``, not ``mock:conversation:any``: it lists what Genesys lists a user), the org's agents with the
agent role, a supervisor with the admin role, and the default OAuth client (``DEFAULT_CLIENT_ID``,
``DEFAULT_CLIENT_SECRET``) with the admin role. The agent role's permission set is the mock's
choice of what an agent's callbacks need (inferred: Genesys orgs define their own roles).

``Identity`` is a ``Tracked`` part: each user, client, role and token is a piece, so with the Redis
store every process sees a token issued by any. Nothing here imports Flask.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import attrs

from mockserver.state import StateError
from mockserver.store.base import ABSENT, PartShare, Path
from mockserver.store.memory import LocalPartShare

USER = "user"
CLIENT = "client"
AGENT_PREFIX = "agent:"
AGENT_ROLE = "agent"
ADMIN_ROLE = "admin"
DEFAULT_ROLE = ADMIN_ROLE  # what a token of its own acts with: every route, as before identities
DEFAULT_CLIENT_ID = "00000000-0000-4000-8000-00000000c11e"
DEFAULT_CLIENT_SECRET = "callback-contracts-secret"
DEFAULT_TOKEN_SECONDS = 86_400  # a Genesys OAuth client's default access token validity
SUPERVISOR_NAME = "Mock Supervisor"
# What the agent role holds: the callback routes an agent's desktop calls (the mock's choice).
AGENT_PERMISSIONS = (
    "conversation:communication:view",
    "conversation:callback:create",
    "conversation:callback:edit",
    "conversation:communication:disconnect",
    "conversation:participant:wrapup",
    "conversation:communication:blindTransfer",
    "conversation:call:record",
    "routing:queue:view",
)
# The mock's own permissions, no Genesys permission: held only where a role or user names them (a
# ``mock:`` permission, ``mock:*:*`` too), never through a Genesys wildcard (``*:*:*``).
MOCK_DOMAIN = "mock"
# Lets a user act on other users' participants. The admin role names it (so a token of its own
# answers any agent's offer, as every token did before identities); agents do not hold it.
ANY_PARTICIPANT = "mock:participant:any"
ADMIN_PERMISSIONS = ("*:*:*", ANY_PARTICIPANT)
# Lets a user list every active conversation, not only those it takes part in, as the control API
# does (a test wanting the listing every token had before identities puts a role holding it).
ANY_CONVERSATION = "mock:conversation:any"
KNOWN_TOKENS = 10_000  # the most tokens whose principal is kept (a test inventing a token per request)
_NAMESPACE = uuid.UUID("6f1c1d2e-4b8a-4c1e-9d7a-2b5c0e8f4a31")


def derived_user_id(token: str) -> str:
    """The id of the user a token of its own acts for (stable across runs and processes)."""
    return str(uuid.uuid5(_NAMESPACE, token))


def holds(held: Iterable[str], wanted: str) -> bool:
    """Whether a set of permissions holds ``wanted`` (``*`` in a held segment matches any value).

    A ``*`` domain matches only Genesys's: the mock's own permissions (``mock:...``) are held only
    by a permission whose domain is ``mock``, so the admin role's ``*:*:*`` holds none of them.
    """
    parts = wanted.split(":")
    for permission in held:
        mine = permission.split(":")
        if parts[0] == MOCK_DOMAIN and mine[0] != MOCK_DOMAIN:
            continue
        if len(mine) == len(parts) and all(m in ("*", p) for m, p in zip(mine, parts, strict=True)):
            return True
    return False


@attrs.frozen
class Principal:
    """What a token acts for: a user or an OAuth client, with the permissions its roles and own set give.

    Each answer of ``holds`` is kept (``_held``): ``Identity`` hands the same principal to every
    request of a token until the identities change, so a request's check costs a dict lookup.
    """

    id: str
    name: str
    kind: str  # USER or CLIENT
    permissions: frozenset[str]
    _held: dict[str, bool] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @property
    def is_user(self) -> bool:
        return self.kind == USER

    def holds(self, permission: str) -> bool:
        found = self._held.get(permission)
        if found is None:
            found = self._held[permission] = holds(self.permissions, permission)
        return found

    @property
    def lists_for(self) -> str | None:
        """Whose conversations this user's listings hold: its own id, or None (every user's) if it
        holds ``ANY_CONVERSATION``."""
        return None if self.holds(ANY_CONVERSATION) else self.id


@attrs.frozen
class Account:
    """A user or client as kept: its name, roles, own permissions; a client's secret and token lifetime."""

    name: str
    roles: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    secret: str | None = None
    token_seconds: int = DEFAULT_TOKEN_SECONDS

    def dump(self) -> Any:
        return {
            "name": self.name,
            "roles": list(self.roles),
            "permissions": list(self.permissions),
            "secret": self.secret,
            "tokenSeconds": self.token_seconds,
        }

    @classmethod
    def load(cls, data: Any) -> Account:
        return cls(
            data["name"],
            tuple(data["roles"]),
            tuple(data["permissions"]),
            data["secret"],
            int(data["tokenSeconds"]),
        )


class IdentityError(StateError, LookupError):
    """A role, user or client the part does not hold; ``kind`` says which, ``id`` which one."""

    def __init__(self, kind: str, entity_id: str) -> None:
        super().__init__(f"no {kind} {entity_id!r}")
        self.kind = kind
        self.id = entity_id


class TokenExpiredError(StateError):
    """The token was issued here and has expired."""


@attrs.frozen
class Issued:
    """A token issued: the token, its principal, and how many seconds it lives."""

    token: str
    principal: Principal
    expires_in: int


class Identity:
    """The org's users and OAuth clients, their roles, and the tokens issued; a reset restores the seeded."""

    def __init__(
        self,
        agents: Sequence[tuple[str, str]],
        *,
        clock_ms: Callable[[], int],
        share: PartShare | None = None,
    ) -> None:
        """``agents``: the org's (user id, name) pairs, in the org's order."""
        self._share = LocalPartShare() if share is None else share
        self._clock_ms = clock_ms
        self._agents = [user_id for user_id, _ in agents]
        self._roles: dict[str, tuple[str, ...]] = {
            AGENT_ROLE: AGENT_PERMISSIONS,
            ADMIN_ROLE: ADMIN_PERMISSIONS,
        }
        self._users: dict[str, Account] = {user_id: Account(name, (AGENT_ROLE,)) for user_id, name in agents}
        self._users[self.supervisor_id] = Account(SUPERVISOR_NAME, (ADMIN_ROLE,))
        self._clients: dict[str, Account] = {
            DEFAULT_CLIENT_ID: Account("Mock default client", (ADMIN_ROLE,), secret=DEFAULT_CLIENT_SECRET)
        }
        self._tokens: dict[str, tuple[str, str, int]] = {}  # token -> (kind, id, expires at, ms)
        self._baseline = self._state()
        # token -> (its principal, when it expires (ms; None: never)), as ``principal`` found them.
        # Every change of the users, clients, roles or tokens, made here or loaded from another
        # process's (``load``, ``load_changed``), replaces the dict once it is made (``_changed``): a
        # reader holding the old one keeps what it finds there, never in the new one.
        self._known: dict[str, tuple[Principal, int | None]] = {}
        self.generation = 0  # how many times the identities changed (what a token acts for, its expiry)

    @property
    def supervisor_id(self) -> str:
        return derived_user_id("supervisor")

    # Reading

    def principal(self, token: str) -> Principal:
        """What ``token`` acts for; ``TokenExpiredError`` if it was issued here and has expired.

        Found once per token until the identities change (a request's check is then a lookup and,
        for a token issued here, a look at the clock).
        """
        known = self._known
        held = known.get(token)
        if held is None:
            held = self._find(token)
            if len(known) < KNOWN_TOKENS:
                known[token] = held
        principal, expires = held
        if expires is not None and self._clock_ms() >= expires:
            raise TokenExpiredError(token)
        return principal

    def _find(self, token: str) -> tuple[Principal, int | None]:
        issued = self._tokens.get(token)
        expires = None if issued is None else issued[2]  # an issued token expires, whoever it acts for
        if issued is not None:
            found = self._principal(issued[0], issued[1])
            if found is not None:
                return found, expires
        if token.startswith(AGENT_PREFIX):
            wanted = token[len(AGENT_PREFIX) :]
            if wanted.isdigit() and int(wanted) < len(self._agents):
                wanted = self._agents[int(wanted)]
            found = self._principal(USER, wanted)
            if found is not None:
                return found, expires
        user_id = derived_user_id(token)
        default = frozenset(self._roles.get(DEFAULT_ROLE, ()))
        return Principal(user_id, f"Mock User {user_id[:8]}", USER, default), expires

    @property
    def issued(self) -> Collection[str]:
        """The tokens issued here (expired ones too, until a reset)."""
        return self._tokens.keys()

    def users(self) -> list[tuple[str, Account]]:
        """The org's users, (id, account), the agents first in the org's order."""
        return list(self._users.items())

    def clients(self) -> list[tuple[str, Account]]:
        return list(self._clients.items())

    def roles(self) -> dict[str, tuple[str, ...]]:
        return dict(self._roles)

    def principal_of(self, kind: str, entity_id: str) -> Principal | None:
        """The user or client with that id, as a token would act for it; None if there is none."""
        return self._principal(kind, entity_id)

    def _principal(self, kind: str, entity_id: str) -> Principal | None:
        account = (self._users if kind == USER else self._clients).get(entity_id)
        if account is None:
            return None
        permissions = {p for role in account.roles for p in self._roles.get(role, ())}
        return Principal(entity_id, account.name, kind, frozenset(permissions | set(account.permissions)))

    # Changing

    def client_credentials(self, client_id: str, secret: str) -> Issued | None:
        """A token for the client whose id and secret these are; None if they are not one's."""
        account = self._clients.get(client_id)
        if account is None or account.secret is None or not secrets.compare_digest(account.secret, secret):
            return None
        return self.issue(CLIENT, client_id)

    def issue(self, kind: str, entity_id: str, seconds: int | None = None) -> Issued:
        """A fresh token for the user or client (``seconds``: its lifetime; None: the client's, or the default)."""
        with self._share.changing():
            principal = self._principal(kind, entity_id)
            if principal is None:
                raise IdentityError(kind, entity_id)
            if seconds is None:
                seconds = self._clients[entity_id].token_seconds if kind == CLIENT else DEFAULT_TOKEN_SECONDS
            token = secrets.token_urlsafe(32)
            self._tokens[token] = (kind, entity_id, self._clock_ms() + seconds * 1000)
            self._forget_known()
            self._share.changed("tokens", token)
            return Issued(token, principal, seconds)

    def put_user(self, user_id: str, account: Account) -> None:
        """Keep the user (a new one, or replacing the one with that id); its roles must exist."""
        self._put("users", self._users, user_id, account)

    def put_client(self, client_id: str, account: Account) -> None:
        self._put("clients", self._clients, client_id, account)

    def put_role(self, name: str, permissions: Sequence[str]) -> None:
        with self._share.changing():
            self._roles[name] = tuple(permissions)
            self._forget_known()
            self._share.changed("roles", name)

    def _put(self, family: str, accounts: dict[str, Account], entity_id: str, account: Account) -> None:
        with self._share.changing():
            for role in account.roles:
                if role not in self._roles:
                    raise IdentityError("role", role)
            accounts[entity_id] = account
            self._forget_known()
            self._share.changed(family, entity_id)

    def reset(self) -> None:
        """Back to the seeded users, clients and roles; no token issued."""
        with self._share.changing():
            self._place(self._baseline)
            for family in ("users", "clients", "roles", "tokens"):
                self._share.changed(family)

    # As a part: ``{"users": {id: account}, "clients": {id: account}, "roles": {name: [permission]},
    # "tokens": {token: [kind, id, expires]}, "baseline": {...}}``, each entry a piece.

    def _state(self) -> Any:
        return {
            "users": {key: value.dump() for key, value in self._users.items()},
            "clients": {key: value.dump() for key, value in self._clients.items()},
            "roles": {key: list(value) for key, value in self._roles.items()},
            "tokens": {key: list(value) for key, value in self._tokens.items()},
        }

    def _place(self, state: Any) -> None:
        self._users = {key: Account.load(value) for key, value in state["users"].items()}
        self._clients = {key: Account.load(value) for key, value in state["clients"].items()}
        self._roles = {key: tuple(value) for key, value in state["roles"].items()}
        self._tokens = {key: (str(v[0]), str(v[1]), int(v[2])) for key, v in state["tokens"].items()}
        self._forget_known()

    def _forget_known(self) -> None:
        """After a change: the principals found before it are found again (see ``_known``)."""
        self._known = {}
        self.generation += 1

    def expires(self, token: str) -> int | None:
        """When (server ms) a token issued here expires; None for one that does not."""
        issued = self._tokens.get(token)
        return None if issued is None else issued[2]

    def dump(self) -> Any:
        return {**self._state(), "baseline": self._baseline}

    def dump_at(self, path: Path) -> Any:
        if len(path) == 2 and path[0] != "baseline":
            value = self._family(path[0]).get(path[1])
            if value is None:
                return ABSENT
            return _dumped(path[0], value)
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._baseline = data["baseline"]
        self._place(data)

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        changed: set[tuple[str, str]] = set()
        for path in paths:
            if len(path) < 2 or path[0] == "baseline":
                self.load(data)
                return
            changed.add((path[0], path[1]))
        for family, key in changed:
            value = data[family].get(key)
            held = self._family(family)
            if value is None:
                held.pop(key, None)
            elif family in ("users", "clients"):
                held[key] = Account.load(value)
            elif family == "roles":
                held[key] = tuple(value)
            else:
                held[key] = (str(value[0]), str(value[1]), int(value[2]))
        self._forget_known()

    def _family(self, family: str) -> dict[str, Any]:
        families: dict[str, dict[str, Any]] = {
            "users": self._users,
            "clients": self._clients,
            "roles": self._roles,
            "tokens": self._tokens,
        }
        return families[family]


def _dumped(family: str, value: Any) -> Any:
    if family in ("users", "clients"):
        return value.dump()
    return list(value)

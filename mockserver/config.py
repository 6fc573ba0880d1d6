"""The server's settings in one table, and its fixed paths; importable without Flask.

Each setting is declared once, in ``SETTINGS``: its default, its parser (``config_parsers``), its
``CALLBACK_MOCK_*`` variable, ``serve``'s option and what it does. ``DEFAULTS``, ``PARSERS``, serve's
options and the documentation's table (``settings_markdown``) are derived from it.

One parser per setting, used for all of its sources, so a variable means exactly what the option
means and what the config's value means: ``CALLBACK_MOCK_TOKENS=secret`` and ``{"TOKENS": "secret"}``
are both the one token ``secret`` (a JSON array, or a list, gives several),
``CALLBACK_MOCK_ADMIN_TOKEN=12345`` is the string ``"12345"``. A bad value is refused with the
setting's name, what it takes and what arrived, rather than read as something else, so ``serve``'s
supervising process checks every setting before it starts.

``Paths`` says once, for the views, the middlewares and the document alike, whether a path belongs
to the real API, the control API or the document.
"""

from __future__ import annotations

import difflib
import enum
import os
from collections.abc import Callable, Collection, Mapping
from typing import Any

from attrs import frozen

from mockserver import config_parsers as parsers
from mockserver.config_parsers import API_PREFIX as API_PREFIX  # where the real API's paths start
from mockserver.errors import MockServerError

PREFIX = "CALLBACK_MOCK_"


@frozen(kw_only=True)
class Setting:
    """One setting: its name, default and parser, what it does, and ``serve``'s option for it."""

    name: str  # its key in the app's config; CALLBACK_MOCK_<name> is its variable
    default: Any
    parse: Callable[[Any], Any]  # text, or a Python value of the setting's type (config_parsers)
    help: str  # what it does: the option's help and the documentation's
    flag: str | None = None  # serve's option, or None where serve has none
    flag_help: str | None = None  # the option's help where it differs (--no-admin: the option says no)
    flag_value: str | None = None  # the option is a switch that gives this text (--frozen: "true")
    metavar: str | None = None
    multiple: bool = False  # the option is repeatable; its values are one JSON array
    shown: str | None = None  # the default as serve's help shows it, where serve's own differs
    derived: bool = False  # serve sets it from another option (STREAMING_HOST from --host)
    secret: bool = False  # never shown back (the control API's settings redact it)

    @property
    def variable(self) -> str:
        """The environment variable that gives it: ``CALLBACK_MOCK_<NAME>``."""
        return PREFIX + self.name

    @property
    def option(self) -> str:
        """The name of serve's parameter for it (click's)."""
        return self.name.lower()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        name="SEED", default=0, parse=parsers.integer(0), help="Seed of the generated dataset.", flag="--seed"
    ),
    Setting(
        name="CONVERSATIONS",
        default=50,
        parse=parsers.integer(0),
        help="Conversations generated at start and restored by every reset.",
        flag="--conversations",
    ),
    Setting(
        name="NOW",
        default=None,
        parse=parsers.now,
        help="The clock's start (ISO-8601); it runs on from there. None: the real time.",
        flag="--now",
        flag_help="The clock's start (ISO-8601); it runs on from there.",
        metavar="ISO",
    ),
    Setting(
        name="CLOCK_FROZEN",
        default=False,
        parse=parsers.boolean,
        help="The clock stands still until set or advanced.",
        flag="--frozen",
        flag_value="true",
    ),
    Setting(
        name="LIFECYCLE",
        default=None,
        parse=parsers.lifecycle,
        help="How conversations live: auto, manual, off, or a JSON object of the control API's Lifecycle.",
        flag="--lifecycle",
        metavar="MODE",
    ),
    Setting(
        name="TOKENS",
        default=(),
        parse=parsers.tokens,
        help="Accept only these bearer tokens (repeatable); none accepts any bearer token.",
        flag="--token",
        flag_help="Accept only these bearer tokens (repeatable).",
        multiple=True,
        secret=True,
    ),
    Setting(
        name="MAX_CONTENT_LENGTH",
        default=1024 * 1024,
        parse=parsers.integer(1),
        help="Bytes of a request body; a larger one gets 413, however it is framed.",
        flag="--max-body",
        flag_help="Bytes of a request body; a larger one gets 413.",
        metavar="N",
    ),
    Setting(
        name="BODY_TIMEOUT",
        default=10.0,
        parse=parsers.seconds,
        help="Seconds a client has to send a body; slower ones get 408.",
        flag="--body-timeout",
    ),
    Setting(
        name="ADMIN",
        default=True,
        parse=parsers.boolean,
        help="Serve the control API.",
        flag="--no-admin",
        flag_help="Serve no control API (its paths answer 404).",
        flag_value="false",
    ),
    Setting(
        name="ADMIN_PREFIX",
        default="/__admin",
        parse=parsers.admin_prefix,
        help="Where the control API lives.",
        flag="--admin-prefix",
    ),
    Setting(
        name="ADMIN_TOKEN",
        default=None,
        parse=parsers.token,
        help="Require this bearer token on the control API.",
        flag="--admin-token",
        secret=True,
    ),
    Setting(
        name="JOURNAL",
        default=True,
        parse=parsers.boolean,
        help="Record every API request for the control API to show and verify.",
        flag="--no-journal",
        flag_help="Record no requests (the journal is off).",
        flag_value="false",
    ),
    Setting(
        name="JOURNAL_LIMIT",
        default=10_000,
        parse=parsers.integer(1),
        help="Requests the journal keeps; the oldest go first.",
        flag="--journal-limit",
        metavar="N",
    ),
    Setting(
        name="JOURNAL_BYTES",
        default=64 * 1024 * 1024,
        parse=parsers.integer(1),
        help="Bytes of bodies the journal keeps (with headers, paths and queries); the oldest go first.",
        flag="--journal-bytes",
        flag_help="Bytes of bodies the journal keeps.",
        metavar="N",
    ),
    Setting(
        name="RATE_LIMIT",
        default=None,
        parse=parsers.rate_limit,
        help="Allow each bearer token so many requests per window, e.g. 300/60; more get 429.",
        flag="--rate-limit",
        metavar="REQUESTS/SECONDS",
    ),
    Setting(
        name="STREAMING_HOST",
        default="127.0.0.1",
        parse=parsers.token,
        help="Where the notification stream binds; serve binds it where the API binds (--host).",
        derived=True,
    ),
    Setting(
        name="STREAMING_PORT",
        default=0,
        parse=parsers.integer(0, 65_535),
        help="Port of the notification stream (the channels' connectUri; printed on serve's second line); "
        "0 or none picks a free one.",
        flag="--streaming-port",
        shown="a free one",
    ),
    Setting(
        name="STREAMING_URL",
        default=None,
        parse=parsers.websocket_url,
        help="The stream's address in channels' connectUri, if clients reach it elsewhere (ws://balancer:8081).",
        flag="--streaming-url",
        metavar="URL",
    ),
    Setting(
        name="HEARTBEAT_SECONDS",
        default=30.0,
        parse=parsers.seconds,
        help="Seconds between channel.metadata heartbeats on each socket (real time).",
        flag="--heartbeat",
    ),
    Setting(
        name="EVENT_SINK",
        default=None,
        parse=parsers.http_url,
        help="A URL every detail event is POSTed to, in the EventBridge envelope of Genesys's partner source.",
        flag="--event-sink",
        metavar="URL",
    ),
    Setting(
        name="NOTIFICATIONS_LIMIT",
        default=1000,
        parse=parsers.integer(1),
        help="Pushed notifications the control API keeps; the oldest go first.",
        flag="--notifications-limit",
        metavar="N",
    ),
    Setting(
        name="STORE",
        default="memory",
        parse=parsers.store,
        help="Where the state lives: memory, or redis://HOST:PORT/DB, shared by every serve pointed at it.",
        flag="--store",
        metavar="URL",
    ),
    Setting(
        name="STORE_PREFIX",
        default="callback-mock",
        parse=parsers.namespace,
        help="The namespace of this mock's keys in a shared store.",
        flag="--store-prefix",
        metavar="NAME",
    ),
    Setting(
        name="WORKERS",
        default=1,
        parse=parsers.integer(1),
        help="Worker processes; more than one needs a shared --store.",
        flag="--workers",
        metavar="N",
    ),
    Setting(
        name="READ_WORKERS",
        default=0,
        parse=parsers.integer(0, 64),
        help="Processes that answer GET by id on every core from the memory store's shared copy, beside"
        " the one that owns the store (docs/server.md); 0: the owner alone.",
        flag="--read-workers",
        metavar="N",
    ),
    Setting(
        name="THREADS",
        default=2,
        parse=parsers.integer(1),
        help="Threads serving requests (each worker's, while a fault is set).",
        metavar="N",
        flag="--threads",
        flag_help="Threads serving requests.",
    ),
    Setting(
        name="STORE_TIMEOUT",
        default=3.0,
        parse=parsers.seconds,
        help="Seconds a shared store's command may take; past it the store counts as down (503).",
        flag="--store-timeout",
    ),
    Setting(
        name="ALLOWED_HOSTS",
        default=(),
        parse=parsers.hosts,
        help="Answer to this host name too (repeatable; .example.com: it and its subdomains; *: any); "
        "other names get 421.",
        flag="--allowed-host",
        multiple=True,
        metavar="NAME",
    ),
    # The bounds of what the API stores (mockserver.state.limits; the mock's own numbers, not the API's):
    Setting(
        name="MAX_CONVERSATIONS",
        default=500_000,
        parse=parsers.integer(1),
        help="Conversations stored at once (at ~8.4 KB each, about 4 GB); a create beyond gets 400.",
        flag="--max-conversations",
        flag_help="Conversations stored at once.",
        metavar="N",
    ),
    Setting(
        name="MAX_TEXT_LENGTH",
        default=1000,
        parse=parsers.integer(1),
        help="Characters of any text in a request body.",
        flag="--max-text-length",
        metavar="N",
    ),
    Setting(
        name="MAX_CALLBACK_NUMBERS",
        default=10,
        parse=parsers.integer(1),
        help="callbackNumbers of one callback.",
        flag="--max-callback-numbers",
        metavar="N",
    ),
    Setting(
        name="MAX_ATTRIBUTES",
        default=100,
        parse=parsers.integer(0),
        help="Entries of a callback's data or attributes.",
        flag="--max-attributes",
        metavar="N",
    ),
    Setting(
        name="MAX_CALLBACKS",
        default=50,
        parse=parsers.integer(1),
        help="Customer callbacks in one conversation.",
        flag="--max-callbacks",
        metavar="N",
    ),
    Setting(
        name="IDLE_SECONDS",
        default=10.0,
        parse=parsers.seconds,
        help="Seconds a connection may stay silent (no request, no handshake, idle keep-alive) before it is closed.",
        flag="--idle-seconds",
    ),
    Setting(
        name="CONNECTIONS",
        default=1024,
        parse=parsers.integer(1),
        help="Connections each worker serves at once; more wait.",
        flag="--connections",
        metavar="N",
    ),
    Setting(
        name="STREAM_OUTBOX_BYTES",
        default=32 * 1024 * 1024,
        parse=parsers.integer(1024),
        help="Bytes a notification socket may leave unread; past it the socket is closed (1008).",
        flag="--stream-outbox-bytes",
        metavar="N",
    ),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}
PARSERS: dict[str, Callable[[Any], Any]] = {setting.name: setting.parse for setting in SETTINGS}
VARIABLES: dict[str, str] = {setting.name: setting.variable for setting in SETTINGS}
SETTING_OF: dict[str, str] = {variable: name for name, variable in VARIABLES.items()}  # CALLBACK_MOCK_X: X
# The settings whose default is None: None given for one of them is its absence.
OPTIONAL = frozenset(name for name, default in DEFAULTS.items() if default is None)


class SettingError(MockServerError, ValueError):
    """A setting's value (its text, or a Python value) that is not what the setting takes."""

    def __init__(self, name: str, text: Any, expected: str) -> None:
        super().__init__(f"{name}: expected {expected}, got {text!r}")
        self.name = name
        self.text = text  # the value as given: text, or a Python value
        self.expected = expected


def parse(name: str, value: Any) -> Any:
    """The value of setting ``name`` (a key of ``DEFAULTS``) given as ``value``: text, or a Python
    value of the setting's type. None is the setting's absence, where its default is None."""
    if value is None and name in OPTIONAL:
        return None
    try:
        return PARSERS[name](value)
    except ValueError as error:
        raise SettingError(name, value, str(error)) from None


def checked(config: Mapping[str, Any], others: Collection[str] = ()) -> dict[str, Any]:
    """``config`` with every setting it gives parsed; keys in ``others`` (Flask's own) are kept as
    given, and any other key is refused, naming the setting it most resembles (a typo such as
    ``NOWW`` must not start a server on the default clock)."""
    for name, value in config.items():
        if name not in PARSERS and name not in others:
            nearest = SETTING_OF.get(name.upper()) or next(
                iter(difflib.get_close_matches(name.upper(), PARSERS, n=1)), None
            )
            hint = f" (did you mean {nearest}?)" if nearest else ""
            raise SettingError(name, value, f"one of the mock's settings{hint} or one of Flask's own")
    return {name: parse(name, value) if name in PARSERS else value for name, value in config.items()}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting a ``CALLBACK_MOCK_*`` variable gives, parsed; other variables are left alone."""
    environ = os.environ if environ is None else environ
    return {s.name: parse(s.name, environ[s.variable]) for s in SETTINGS if s.variable in environ}


REDACTED = "<redacted>"


def shown(config: Mapping[str, Any]) -> dict[str, str]:
    """Every setting ``config`` gives a value, as its variable would say it (``as_text``), secrets
    redacted: each token is ``REDACTED``. Settings without a value (None, an empty list) are left out.

    Mappings and attrs instances must already be plain (the caller's converter makes them so).
    """
    texts = {}
    for setting in SETTINGS:
        value = config.get(setting.name)
        if value is None or value == ():
            continue
        if setting.secret:
            value = tuple(REDACTED for _ in value) if isinstance(value, tuple) else REDACTED
        texts[setting.name] = parsers.as_text(value)
    return texts


def settings_markdown() -> str:
    """The Markdown table of every setting: its name, variable, serve's option, default and what it does."""
    rows = ["| Setting | Variable | serve option | Default | What it does |", "|---|---|---|---|---|"]
    for setting in SETTINGS:
        flag = "(from --host)" if setting.derived else "none"
        if setting.flag is not None:
            flag = f"`{setting.flag}`" if setting.flag_value else f"`{setting.flag} {_metavar(setting)}`"
        cells = (f"`{setting.name}`", f"`{setting.variable}`", flag, _shown(setting), setting.help)
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def _metavar(setting: Setting) -> str:
    return setting.metavar or ("SECONDS" if setting.parse is parsers.seconds else "VALUE")


def _shown(setting: Setting) -> str:
    if setting.default in (None, ()):
        return "none"
    shown = parsers.as_text(setting.default)
    return f"`{shown}`" + (f" ({setting.shown})" if setting.shown else "")


OPENAPI_PATH = "/openapi.json"
CORRELATION_HEADER = "ININ-Correlation-Id"
CONSOLE_PATH = "/ui"  # the console, under the control API's prefix


class Audience(enum.Enum):
    """Whom a path is for: the real API's clients, the tests arranging it, or anyone reading the docs."""

    API = "api"  # the Genesys routes: a bearer token, the journal, faults and rate limits
    CONTROL = "control"  # the control API: the admin token if one is set; never journaled or faulted
    DOCUMENT = "document"  # the OpenAPI document: no token, never journaled or faulted


@frozen
class Paths:
    """The server's fixed paths, and which audience each request path belongs to."""

    admin_prefix: str  # without a trailing slash

    @classmethod
    def of(cls, config: Any) -> Paths:
        return cls(admin_prefix=str(config["ADMIN_PREFIX"]).rstrip("/"))

    @property
    def exempt(self) -> tuple[str, ...]:
        """The path prefixes outside the real API, for the middlewares' ``str.startswith``."""
        return (self.admin_prefix + "/", OPENAPI_PATH)

    @property
    def console_prefix(self) -> str:
        """Where the console's pages live: ``/ui`` under the control API's prefix."""
        return self.admin_prefix + CONSOLE_PATH

    def is_console(self, path: str) -> bool:
        """Whether ``path`` is one of the console's pages (which read their own cookie, not a bearer token)."""
        prefix = self.console_prefix
        return path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] in ("", "/")

    def is_control(self, path: str) -> bool:
        """Whether ``path`` is the control API's: its prefix itself (``/__admin``) or under it."""
        return path.startswith(self.admin_prefix) and path[
            len(self.admin_prefix) : len(self.admin_prefix) + 1
        ] in ("", "/")

    def audience(self, path: str) -> Audience:
        if self.is_control(path):
            return Audience.CONTROL
        if path.startswith(OPENAPI_PATH):
            return Audience.DOCUMENT
        return Audience.API

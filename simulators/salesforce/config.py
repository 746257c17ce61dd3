"""An org's configuration: identity, package version, person accounts, users, connected apps, queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alcsim.simulators.common.config_schema import (
    Integer,
    Key,
    ListOf,
    Record,
    Text,
    http_url,
    read,
    read_file,
)
from alcsim.simulators.salesforce.schema import package_versions, standard_picklist

CURRENT_API_VERSION = "62.0"
OLDEST_API_VERSION = 31  # real orgs serve v31.0 (Summer '14) and later (api_rest "Versions")
# The profiles a fresh org has (Org.install); a user's profile is one of them.
PROFILES = ("System Administrator", "Standard User")
# The permission sets the package brings; an org config may add more.
PACKAGE_PERMISSION_SETS = {"Alcmeon_Admin": "Alcméon Admin", "Alcmeon_Agent": "Alcméon Agent"}


@dataclass
class UserConfig:
    username: str
    last_name: str
    first_name: str = ""
    email: str = ""
    password: str = "alcsim-password"
    security_token: str = "alcsim-token"
    alias: str = ""
    language: str = "en_US"
    locale: str = "en_US"
    timezone: str = "Europe/Paris"
    profile: str = "System Administrator"
    permission_sets: list[str] = field(default_factory=list)
    active: bool = True


@dataclass
class ConnectedApp:
    name: str
    client_id: str
    client_secret: str
    run_as: str = ""  # username the client_credentials flow runs as; default: the integration user


@dataclass
class QueueConfig:
    name: str
    developer_name: str = ""
    sobjects: list[str] = field(default_factory=lambda: ["Case", "alcmeon__Conversation__c"])
    members: list[str] = field(default_factory=list)


@dataclass
class PackageCallout:
    """Where the package reports changes for one Alcméon environment (a Named Credential in a real org)."""

    scope: str  # first part of the scoped ids of that environment's conversations
    url: str
    secret: str
    run_as: str = ""  # the connector's user: its own changes are not reported back


@dataclass
class Automations:
    """Customer automation, never implicit: the package itself creates no Case (PKG-05)."""

    case_per_conversation: bool = False
    omni_routing: bool = False
    agent_capacity: int = 2


@dataclass
class OrgConfig:
    name: str = "alcsim Org"
    seed: int | str = 1
    package_version: str | None = "5.34"
    person_accounts: bool = False
    is_sandbox: bool = False
    session_seconds: int = 7200
    api_daily_limit: int = 15000
    timezone: str = "Europe/Paris"
    users: list[UserConfig] = field(default_factory=list)
    connected_apps: list[ConnectedApp] = field(default_factory=list)
    queues: list[QueueConfig] = field(default_factory=list)
    permission_sets: list[dict] = field(default_factory=list)
    package_callouts: list[PackageCallout] = field(default_factory=list)
    automations: Automations = field(default_factory=Automations)
    # The Alcméon widget on Conversation and Case pages: a URL template with {org_id}, {record_id},
    # {user_id}, {session_id}, {issued_at} and {signature} (HMAC of org, user, record and time with the
    # first package callout secret), served by the connector (WIDGET-01, WIDGET-02).
    widget_url: str | None = None
    journal_capacity: int = 5000  # requests kept by the admin journal; raise it for long benches

    def __post_init__(self):
        if not self.users:
            slug = "".join(c for c in self.name.lower() if c.isalnum()) or "org"
            self.users.append(
                UserConfig(
                    username=f"integration@{slug}.alcsim.example",
                    first_name="Integration",
                    last_name="User",
                    email=f"integration@{slug}.alcsim.example",
                )
            )
        for user in self.users:
            user.email = user.email or user.username
            user.alias = (user.alias or (user.first_name[:1] + user.last_name)[:8]).lower()
        if not self.connected_apps:
            self.connected_apps.append(
                ConnectedApp(
                    name="alcsim",
                    client_id=f"3MVG9alcsim{self.seed}",
                    client_secret=f"alcsim-secret-{self.seed}",
                )
            )

    @property
    def integration_user(self) -> UserConfig:
        return self.users[0]

    @classmethod
    def from_dict(cls, data: dict | None, source: str = "org config") -> OrgConfig:
        """An org config from plain data; a ConfigError lists every problem, each naming `source`."""
        __tracebackhide__ = True
        return read(ORG_CONFIG, data, source)

    @classmethod
    def from_file(cls, path: str | Path) -> OrgConfig:
        """An org config from a YAML file; a ConfigError lists every problem with its line."""
        __tracebackhide__ = True
        return read_file(ORG_CONFIG, path)


def _users_exist(config: OrgConfig, at) -> None:
    """Names that must be users of the org, else the org fails while it starts."""
    usernames = [user.username for user in config.users]
    known = ", ".join(usernames)
    for index, name in enumerate(usernames):
        if name in usernames[:index]:
            at.problem(f"duplicate username {name!r}", "users", index, "username")
    permission_sets = {p.lower() for p in PACKAGE_PERMISSION_SETS} | {
        str(p.get("name", "")).lower() for p in config.permission_sets
    }
    for index, user in enumerate(config.users):
        for position, name in enumerate(user.permission_sets):
            if name.lower() not in permission_sets:
                names = ", ".join(
                    [*PACKAGE_PERMISSION_SETS, *(p.get("name", "") for p in config.permission_sets)]
                )
                at.problem(
                    f"no permission set {name!r}; write one of: {names}, or add it to permission_sets",
                    "users",
                    index,
                    "permission_sets",
                    position,
                )
    for where, items in (
        ("connected_apps", config.connected_apps),
        ("package_callouts", config.package_callouts),
    ):
        for index, item in enumerate(items):
            if item.run_as and item.run_as not in usernames:
                at.problem(f"no user {item.run_as!r}; write one of: {known}", where, index, "run_as")
    for index, queue in enumerate(config.queues):
        for position, member in enumerate(queue.members):
            if member not in usernames:
                at.problem(f"no user {member!r}; write one of: {known}", "queues", index, "members", position)


def _picklist(sobject: str, field_name: str, noun: str) -> Text:
    """A key whose values are a restricted picklist of the org's metadata: one source for both."""
    return Text(lambda: standard_picklist(sobject, field_name), noun)


_USER = Record(
    "user",
    {
        "username": Key("login name, unique in the org; the first user is the integration user"),
        "last_name": Key("last name (User.LastName)"),
        "first_name": Key("first name"),
        "email": Key("email; empty: the username", shown="the username"),
        "password": Key("password for the OAuth username-password flow"),
        "security_token": Key("security token appended to the password in that flow"),
        "alias": Key("short name (User.Alias); empty: first initial and last name", shown="derived"),
        "language": Key(
            "language of the user's pages", _picklist("User", "LanguageLocaleKey", "a language of the org")
        ),
        "locale": Key(
            "locale of dates and numbers", _picklist("User", "LocaleSidKey", "a locale of the org")
        ),
        "timezone": Key(
            "the user's time zone", _picklist("User", "TimeZoneSidKey", "a time zone of the org")
        ),
        "profile": Key("the user's profile", Text(PROFILES, "a profile of the org")),
        "permission_sets": Key("permission sets assigned to the user (e.g. Alcmeon_Agent)"),
        "active": Key("whether the user can log in"),
    },
    UserConfig,
)
_CONNECTED_APP = Record(
    "connected app",
    {
        "name": Key("the app's name"),
        "client_id": Key("consumer key"),
        "client_secret": Key("consumer secret"),
        "run_as": Key("username the client_credentials flow runs as; empty: the integration user"),
    },
    ConnectedApp,
)
_QUEUE = Record(
    "queue",
    {
        "name": Key("the queue's label"),
        "developer_name": Key("the queue's API name; empty: the name with _ for other characters"),
        "sobjects": Key(
            "the sObjects the queue can own (QueueSobject)",
            ListOf(_picklist("QueueSobject", "SobjectType", "an sObject a queue can own")),
        ),
        "members": Key("usernames of the queue's members"),
    },
    QueueConfig,
)
_CALLOUT = Record(
    "package callout",
    {
        "scope": Key("first part of the scoped ids of that environment's conversations"),
        "url": Key("the endpoint the package calls (a Named Credential)", Text(check=http_url)),
        "secret": Key("shared secret the callouts are signed with"),
        "run_as": Key("the connector's user: its own changes are not reported back"),
    },
    PackageCallout,
)
_AUTOMATIONS = Record(
    "automations",
    {
        "case_per_conversation": Key("the customer's flow creates a Case for each new conversation"),
        "omni_routing": Key("records a queue owns are handed out to agents, Omni-Channel style"),
        "agent_capacity": Key("records an agent takes at once under omni_routing", Integer(1)),
    },
    Automations,
)
_PERMISSION_SET = Record(
    "permission set",
    {
        "name": Key("API name", Text(), required=True),
        "label": Key("label; default: the name", Text()),
    },
)
ORG_CONFIG = Record(
    "org config",
    {
        "name": Key("the org's name; the default integration user's username is made from it"),
        "seed": Key("seed of the org's ids and default credentials: orgs with different seeds share no id"),
        "package_version": Key(
            "the Alcméon package version installed (PKG-04); null: no package",
            Text(package_versions, "a released package version"),
        ),
        "person_accounts": Key("person accounts enabled: a customer is a person Account, not a Contact"),
        "is_sandbox": Key("the org is a sandbox"),
        "session_seconds": Key("how long an access token lasts", Integer(1)),
        "api_daily_limit": Key("API requests allowed per 24 hours before REQUEST_LIMIT_EXCEEDED", Integer(0)),
        "timezone": Key(
            "the org's default time zone",
            _picklist("Organization", "TimeZoneSidKey", "a time zone of the org"),
        ),
        "users": Key("users; the first is the integration user", ListOf(_USER), shown="one integration user"),
        "connected_apps": Key(
            "connected apps for OAuth", ListOf(_CONNECTED_APP), shown="one, with credentials from the seed"
        ),
        "queues": Key("queues (Group of type Queue)", ListOf(_QUEUE)),
        "permission_sets": Key(
            "permission sets beside Alcmeon_Admin and Alcmeon_Agent", ListOf(_PERMISSION_SET)
        ),
        "package_callouts": Key(
            "where the package reports changes, one per Alcméon environment", ListOf(_CALLOUT)
        ),
        "automations": Key(
            "customer automation, never implicit: the package creates no Case (PKG-05)", _AUTOMATIONS
        ),
        "widget_url": Key(
            "URL template of the Alcméon widget on Conversation and Case pages, with {org_id}, {record_id},"
            " {user_id}, {session_id}, {issued_at} and {signature} (WIDGET-01, WIDGET-02)",
            Text(check=http_url),
        ),
        "journal_capacity": Key("requests kept by the admin journal; raise it for long benches", Integer(1)),
    },
    OrgConfig,
    checks=[_users_exist],
)

"""An org's configuration: identity, package version, person accounts, users, connected apps, queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

CURRENT_API_VERSION = "62.0"
OLDEST_API_VERSION = 50


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
    def from_dict(cls, data: dict) -> OrgConfig:
        data = dict(data or {})
        data["users"] = [UserConfig(**u) for u in data.get("users", [])]
        data["connected_apps"] = [ConnectedApp(**a) for a in data.get("connected_apps", [])]
        data["queues"] = [QueueConfig(**q) for q in data.get("queues", [])]
        data["package_callouts"] = [PackageCallout(**c) for c in data.get("package_callouts", [])]
        data["automations"] = Automations(**(data.get("automations") or {}))
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> OrgConfig:
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(yaml.safe_load(handle))

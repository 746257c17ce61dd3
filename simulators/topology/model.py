"""What a topology holds: environments, orgs, account links, team mappings and matching, as dataclasses."""

# A topology is the single description a demo, a test and the connector share (DESIGN.md, issue 5).
# simulators/topology/files.py reads and validates the files these are built from.

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from alcsim.connector.scoped_ids import scope_of_instance  # the layout's one home (docs/assumptions.md)

CONVERSATION_SOBJECT = "alcmeon__Conversation__c"
DEFAULT_SEARCH_FIELDS = ["Email", "MobilePhone", "Phone"]
DEFAULT_DISPLAY_FIELDS = ["Name", "Email", "Phone"]
DEFAULT_PROFILE_FIELDS = ["Name", "Email", "Phone", "MailingCity"]


@dataclass
class Matching:
    search_fields: list[str] = field(default_factory=lambda: list(DEFAULT_SEARCH_FIELDS))
    display_fields: list[str] = field(default_factory=lambda: list(DEFAULT_DISPLAY_FIELDS))
    profile_fields: list[str] = field(default_factory=lambda: list(DEFAULT_PROFILE_FIELDS))


@dataclass
class Queue:
    name: str
    developer_name: str
    sobjects: list[str]


@dataclass
class Org:
    name: str
    port: int = 0
    seed: int | str = 1
    package_version: str = "5.34"
    person_accounts: bool = False
    sandbox: bool = False
    case_per_conversation: bool = False
    omni_routing: bool = False
    queues: list[Queue] = field(default_factory=list)
    client_id: str = ""
    client_secret: str = ""

    def queue(self, developer_name: str) -> Queue | None:
        return next((q for q in self.queues if q.developer_name == developer_name), None)


@dataclass
class SocialAccount:
    name: str
    type: str
    org: str | None = None  # the one org it is linked to (SYNC-09), or none
    switch: bool = True
    team: str | None = None  # the team whose inbox its messages arrive in (Alcméon's routing rules)


@dataclass
class Team:
    name: str
    org: str | None = None  # mapped to (org, queue): a Salesforce team (TOPO-05); else it works in Alcméon
    queue: str | None = None


@dataclass
class OrgLink:
    """What an environment's "Salesforce organizations" screen holds for one org (AR 1.8)."""

    sync_mode: str = "team-and-match"
    frequency_seconds: int = 60
    matching: Matching = field(default_factory=Matching)


@dataclass
class Environment:
    name: str
    instance_id: str
    port: int = 0
    secret: str = ""
    rate_limit_per_minute: int = 100_000
    teams: list[Team] = field(default_factory=list)
    social_accounts: list[SocialAccount] = field(default_factory=list)
    salesforce: dict[str, OrgLink] = field(default_factory=dict)
    language: str | None = None  # the brand's market language (alcmeon/content); None: each channel's

    @property
    def scope(self) -> str:
        return scope_of_instance(self.instance_id)

    def org_names(self) -> list[str]:
        """Orgs this environment talks to: linked accounts, mapped teams, configured links."""
        names = {a.org for a in self.social_accounts if a.org} | {t.org for t in self.teams if t.org}
        return sorted(names | set(self.salesforce))

    def link(self, org: str) -> OrgLink:
        return self.salesforce.get(org) or OrgLink()


@dataclass
class Connector:
    port: int = 0
    tls: bool = True
    workers: int = 4
    catch_up_seconds: float = 5.0
    timeout_seconds: float = 10.0  # per HTTP call to an org or an environment
    admin_token: str = ""  # bearer token of its /admin routes; empty: derived (files.py `_complete`)


@dataclass
class Topology:
    name: str
    file: str
    description: str = ""
    connector: Connector = field(default_factory=Connector)
    environments: list[Environment] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)

    def org(self, name: str) -> Org:
        return next(o for o in self.orgs if o.name == name)

    def environment(self, name: str) -> Environment:
        return next(e for e in self.environments if e.name == name)

    def admin_token(self) -> str:
        """The connector's admin token: the file's, or one derived from the topology's name, so a connector
        started apart (`alcsim serve connector`) and the harness that calls it agree (docs/assumptions.md)."""
        return self.connector.admin_token or derived_secret(f"admin:{self.name}")

    def callout_secret(self, org: str, env: str) -> str:
        """The shared secret of the package callouts of (org, environment): derived, so both ends agree."""
        return derived_secret(f"callout:{self.name}:{org}:{env}")

    def with_free_ports(self) -> Topology:
        """The same topology on ports the OS picks, so tests run in parallel."""
        self.connector.port = 0
        for part in (*self.environments, *self.orgs):
            part.port = 0
        return self


def derived_secret(text: str, length: int = 32) -> str:
    """A secret both ends compute alike from what they share (the topology's names and ids)."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]

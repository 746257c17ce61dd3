"""Topology files: environments, orgs, account links, team mappings and matching, loaded and validated."""

# A topology is the single description a demo, a test and the connector share (DESIGN.md, issue 5).
# Validation collects every problem with the file, the path inside it and what is wrong, so an admin
# fixes a file in one pass instead of one error at a time.

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PACKAGE_VERSIONS = ("1.0", "5.3", "5.31", "5.34")  # PKG-04: the versions that introduced fields
SYNC_MODES = ("team-based", "match-based", "team-and-match")  # docs/assumptions.md (open question 10)
CONVERSATION_SOBJECT = "alcmeon__Conversation__c"
DEFAULT_SEARCH_FIELDS = ["Email", "MobilePhone", "Phone"]
DEFAULT_DISPLAY_FIELDS = ["Name", "Email", "Phone"]
DEFAULT_PROFILE_FIELDS = ["Name", "Email", "Phone", "MailingCity"]


# The topology files ship as package data: `scenarios/` beside `simulators/` in the repository and in the
# installed `alcsim` package alike (pyproject.toml, package-dir).
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_path(name: str) -> Path:
    """A file path as is, or the name of a topology file that ships with alcsim ("many-to-one")."""
    path = Path(name)
    return path if path.suffix in (".yaml", ".yml") else SCENARIOS / f"{name}.yaml"


class TopologyError(ValueError):
    """Every problem found in one file; `problems` lists `file: path: message` lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


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

    def callout_secret(self, org: str, env: str) -> str:
        """The shared secret of the package callouts of (org, environment): derived, so both ends agree."""
        return _derived(f"callout:{self.name}:{org}:{env}")

    def with_free_ports(self) -> Topology:
        """The same topology on ports the OS picks, so tests run in parallel."""
        self.connector.port = 0
        for part in (*self.environments, *self.orgs):
            part.port = 0
        return self


def scope_of_instance(instance_id: str) -> str:
    """First part of the environment's scoped ids: the instance id in base 36, at most six characters.

    One place for the layout decided in docs/assumptions.md ("Scoped id"); callouts route by it (TOPO-03).
    """
    if not instance_id.isdigit():
        return instance_id[:6]
    number, digits, out = int(instance_id), "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out[:6]


def _derived(text: str, length: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


class _Reader:
    """Reads plain YAML data into the dataclasses above, recording problems instead of raising at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{self.file}: {path}: {message}")

    def mapping(self, value, path: str, allowed: set[str], required: set[str] = frozenset()) -> dict:
        if not isinstance(value, dict):
            self.problem(path, "expected a mapping")
            return {}
        for key in sorted(set(value) - allowed, key=str):
            self.problem(f"{path}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(value)):
            self.problem(f"{path}.{key}", "required")
        return value

    def typed(self, data: dict, key: str, kind, path: str, default=None):
        value = data.get(key, default)
        if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
            return value
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.problem(f"{path}.{key}", f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return default

    def listing(self, data: dict, key: str, path: str) -> list:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", "expected a list")
            return []
        return value

    def port(self, data: dict, path: str) -> int:
        port = self.typed(data, "port", int, path, 0)
        if port is not None and not 0 <= port <= 65535:
            self.problem(f"{path}.port", f"{port} is not a TCP port")
        return port or 0


def _matching(reader: _Reader, value, path: str) -> Matching:
    data = reader.mapping(value or {}, path, {"search_fields", "display_fields", "profile_fields"})
    matching = Matching()
    for key in ("search_fields", "display_fields", "profile_fields"):
        if key in data:
            fields_ = data[key]
            if not isinstance(fields_, list) or not fields_ or not all(isinstance(f, str) for f in fields_):
                reader.problem(f"{path}.{key}", "expected a non-empty list of field API names")
            else:
                setattr(matching, key, fields_)
    return matching


def _org(reader: _Reader, value, path: str) -> Org:
    allowed = {
        "name",
        "port",
        "seed",
        "package_version",
        "person_accounts",
        "sandbox",
        "queues",
        "case_per_conversation",
        "omni_routing",
        "client_id",
        "client_secret",
    }
    data = reader.mapping(value, path, allowed, {"name"})
    org = Org(name=reader.typed(data, "name", str, path, "") or "", port=reader.port(data, path))
    org.seed = data.get("seed", 1)
    version = reader.typed(data, "package_version", str, path, "5.34")
    if version not in PACKAGE_VERSIONS:
        reader.problem(f"{path}.package_version", f"{version!r} is not one of {', '.join(PACKAGE_VERSIONS)}")
    org.package_version = version or "5.34"
    for key in ("person_accounts", "sandbox", "case_per_conversation", "omni_routing"):
        setattr(org, key, bool(reader.typed(data, key, bool, path, False)))
    org.client_id = reader.typed(data, "client_id", str, path, "") or f"3MVG9alcsim{org.seed}"
    org.client_secret = reader.typed(data, "client_secret", str, path, "") or f"alcsim-secret-{org.seed}"
    for index, raw in enumerate(reader.listing(data, "queues", path)):
        qpath = f"{path}.queues[{index}]"
        qdata = reader.mapping(raw, qpath, {"name", "developer_name", "sobjects"}, {"name"})
        name = reader.typed(qdata, "name", str, qpath, "") or ""
        developer = reader.typed(qdata, "developer_name", str, qpath, "") or name.replace(" ", "_")
        sobjects = qdata.get("sobjects", ["Case", CONVERSATION_SOBJECT])
        if not isinstance(sobjects, list):
            reader.problem(f"{qpath}.sobjects", "expected a list of sObject names")
            sobjects = []
        if any(q.developer_name == developer for q in org.queues):
            reader.problem(f"{qpath}.developer_name", f"duplicate queue {developer!r}")
        org.queues.append(Queue(name, developer, sobjects))
    return org


def _environment(reader: _Reader, value, path: str) -> Environment:
    allowed = {
        "name",
        "instance_id",
        "port",
        "secret",
        "rate_limit_per_minute",
        "teams",
        "social_accounts",
        "salesforce",
    }
    data = reader.mapping(value, path, allowed, {"name", "instance_id"})
    env = Environment(
        name=reader.typed(data, "name", str, path, "") or "",
        instance_id=reader.typed(data, "instance_id", str, path, "") or "",
        port=reader.port(data, path),
    )
    if env.instance_id and not env.instance_id.isdigit():
        reader.problem(f"{path}.instance_id", "an instance id is a number (the segment after #/ in the URL)")
    env.secret = reader.typed(data, "secret", str, path, "") or _derived(f"alcmeon:{env.instance_id}")
    env.rate_limit_per_minute = reader.typed(data, "rate_limit_per_minute", int, path, 100_000) or 100_000
    for index, raw in enumerate(reader.listing(data, "teams", path)):
        tpath = f"{path}.teams[{index}]"
        raw = {"name": raw} if isinstance(raw, str) else raw
        tdata = reader.mapping(raw, tpath, {"name", "org", "queue"}, {"name"})
        team = Team(reader.typed(tdata, "name", str, tpath, "") or "", tdata.get("org"), tdata.get("queue"))
        if bool(team.org) != bool(team.queue):
            reader.problem(tpath, "a team mapped to Salesforce names both an org and a queue (TOPO-05)")
        if any(t.name == team.name for t in env.teams):
            reader.problem(f"{tpath}.name", f"duplicate team {team.name!r}")
        env.teams.append(team)
    for index, raw in enumerate(reader.listing(data, "social_accounts", path)):
        apath = f"{path}.social_accounts[{index}]"
        adata = reader.mapping(raw, apath, {"name", "type", "org", "switch", "team"}, {"name", "type"})
        account = SocialAccount(
            reader.typed(adata, "name", str, apath, "") or "",
            reader.typed(adata, "type", str, apath, "") or "",
            adata.get("org"),
            bool(reader.typed(adata, "switch", bool, apath, True)),
            reader.typed(adata, "team", str, apath, None),
        )
        if account.team is not None and account.team not in {t.name for t in env.teams}:
            reader.problem(f"{apath}.team", f"unknown team {account.team!r} in environment {env.name!r}")
        twin = next((a for a in env.social_accounts if a.name == account.name), None)
        if twin is not None and twin.org != account.org:
            # SYNC-09, AR 1.8: a social account is linked to one org at most.
            reader.problem(
                apath, f"account {account.name!r} is linked to two orgs: {twin.org} and {account.org}"
            )
        elif twin is not None:
            reader.problem(f"{apath}.name", f"duplicate social account {account.name!r}")
        env.social_accounts.append(account)
    links = data.get("salesforce", {}) or {}
    if not isinstance(links, dict):
        reader.problem(f"{path}.salesforce", "expected a mapping of org name to its settings")
        links = {}
    for org_name, raw in links.items():
        lpath = f"{path}.salesforce.{org_name}"
        ldata = reader.mapping(raw or {}, lpath, {"sync_mode", "frequency_seconds", "matching"})
        link = OrgLink(matching=_matching(reader, ldata.get("matching"), f"{lpath}.matching"))
        link.sync_mode = reader.typed(ldata, "sync_mode", str, lpath, "team-and-match")
        if link.sync_mode not in SYNC_MODES:
            reader.problem(f"{lpath}.sync_mode", f"{link.sync_mode!r} is not one of {', '.join(SYNC_MODES)}")
        link.frequency_seconds = reader.typed(ldata, "frequency_seconds", int, lpath, 60) or 60
        env.salesforce[str(org_name)] = link
    return env


def _cross_checks(reader: _Reader, topology: Topology) -> None:
    orgs = {o.name: o for o in topology.orgs}
    known = ", ".join(sorted(orgs)) or "none"
    for kind, items in (("environment", topology.environments), ("org", topology.orgs)):
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.name in seen:
                reader.problem(f"{kind}s[{index}].name", f"duplicate {kind} name {item.name!r}")
            seen.add(item.name)
    scopes: dict[str, str] = {}
    for index, env in enumerate(topology.environments):
        path = f"environments[{index}]"
        # TOPO-03: callouts go back to the environment a conversation came from, told apart by the scope.
        if env.instance_id and env.scope in scopes:
            reader.problem(
                f"{path}.instance_id", f"same scoped-id prefix as environment {scopes[env.scope]!r}"
            )
        scopes.setdefault(env.scope, env.name)
        for aindex, account in enumerate(env.social_accounts):
            if account.org is not None and account.org not in orgs:
                reader.problem(
                    f"{path}.social_accounts[{aindex}].org", f"unknown org {account.org!r} (known: {known})"
                )
        for tindex, team in enumerate(env.teams):
            if team.org is None:
                continue
            tpath = f"{path}.teams[{tindex}]"
            if team.org not in orgs:
                reader.problem(f"{tpath}.org", f"unknown org {team.org!r} (known: {known})")
                continue
            queue = orgs[team.org].queue(team.queue)
            if queue is None:
                names = ", ".join(q.developer_name for q in orgs[team.org].queues) or "none"
                reader.problem(
                    f"{tpath}.queue", f"org {team.org!r} has no queue {team.queue!r} (queues: {names})"
                )
            elif CONVERSATION_SOBJECT not in queue.sobjects:
                reader.problem(
                    f"{tpath}.queue",
                    f"queue {team.queue!r} of org {team.org!r} has no QueueSobject for {CONVERSATION_SOBJECT}",
                )
        for org_name in env.salesforce:
            if org_name not in orgs:
                reader.problem(f"{path}.salesforce.{org_name}", f"unknown org {org_name!r} (known: {known})")
    ports: dict[int, str] = {}
    parts = [("connector", topology.connector.port)]
    parts += [(f"environments[{i}].port", e.port) for i, e in enumerate(topology.environments)]
    parts += [(f"orgs[{i}].port", o.port) for i, o in enumerate(topology.orgs)]
    for where, port in parts:
        if port and port in ports:
            reader.problem(where, f"port {port} is already used by {ports[port]}")
        ports.setdefault(port, where)


def parse(data, file: str = "<topology>") -> Topology:
    """Build a Topology from loaded YAML data; raise TopologyError listing every problem."""
    reader = _Reader(file)
    top = reader.mapping(
        data, "(top)", {"name", "description", "connector", "environments", "orgs"}, {"environments", "orgs"}
    )
    topology = Topology(name=str(top.get("name") or Path(file).stem), file=file)
    topology.description = str(top.get("description") or "")
    cdata = reader.mapping(
        top.get("connector") or {},
        "connector",
        {"port", "tls", "workers", "catch_up_seconds", "timeout_seconds"},
    )
    topology.connector = Connector(
        port=reader.port(cdata, "connector"),
        tls=bool(reader.typed(cdata, "tls", bool, "connector", True)),
        workers=reader.typed(cdata, "workers", int, "connector", 4) or 4,
        catch_up_seconds=float(reader.typed(cdata, "catch_up_seconds", int | float, "connector", 5.0) or 5.0),
        timeout_seconds=float(reader.typed(cdata, "timeout_seconds", int | float, "connector", 10.0) or 10.0),
    )
    topology.orgs = [
        _org(reader, o, f"orgs[{i}]") for i, o in enumerate(reader.listing(top, "orgs", "(top)"))
    ]
    topology.environments = [
        _environment(reader, e, f"environments[{i}]")
        for i, e in enumerate(reader.listing(top, "environments", "(top)"))
    ]
    if top and not topology.environments:
        reader.problem("environments", "at least one environment is needed")
    if top and not topology.orgs:
        reader.problem("orgs", "at least one org is needed")
    _cross_checks(reader, topology)
    if reader.problems:
        raise TopologyError(reader.problems)
    return topology


def load(path: str | Path) -> Topology:
    """Read and validate a topology file; errors name the file, the path inside it and the problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TopologyError([f"{path}: cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top)"
        raise TopologyError([f"{path}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    return parse(data, str(path))

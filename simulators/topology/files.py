"""Topology files: environments, orgs, account links, team mappings and matching, loaded and validated."""

# Validation collects every problem with the file, the line, the path inside it and what to write instead, so
# an admin fixes a file in one pass; `alcsim topology validate` refuses whatever would make `simulate` fail.

from __future__ import annotations

from pathlib import Path

from alcsim.simulators.alcmeon.content import LANGUAGES
from alcsim.simulators.alcmeon.directory import CHANNELS
from alcsim.simulators.common.config_schema import (
    At,
    ConfigError,
    Integer,
    Key,
    ListOf,
    MapOf,
    Number,
    Reading,
    Record,
    Text,
    dotted,
    load_yaml,
)
from alcsim.simulators.salesforce.schema import package_versions, standard_picklist
from alcsim.simulators.topology.model import (
    CONVERSATION_SOBJECT,
    Connector,
    Environment,
    Matching,
    Org,
    OrgLink,
    Queue,
    SocialAccount,
    Team,
    Topology,
    derived_secret,
    scope_of_instance,
)

SYNC_MODES = ("team-based", "match-based", "team-and-match")  # docs/assumptions.md (open question 10)
# The dataclasses live in model.py; these names stay importable from here, where callers found them.
__all__ = ["Topology", "TopologyError", "load", "parse", "scenario_path", "scope_of_instance"]


# The topology files ship as package data: `scenarios/` beside `simulators/` in the repository and in the
# installed `alcsim` package alike (pyproject.toml, package-dir).
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_path(name: str) -> Path:
    """A file path as is, or the name of a topology file that ships with alcsim ("many-to-one")."""
    path = Path(name)
    return path if path.suffix in (".yaml", ".yml") else SCENARIOS / f"{name}.yaml"


class TopologyError(ConfigError):
    """Every problem found in one file; `problems` lists `file:line: path: message` lines."""


def _name(value: str) -> str | None:
    """Org and environment names become parts of the connector's URLs (/package/<org>/<environment>)."""
    bad = sorted({c for c in value if c in "/?#%"})
    return f"a name cannot hold {' or '.join(bad)}: it is part of the connector's URLs" if bad else None


def _instance_id(value: str) -> str | None:
    return None if value.isdigit() else "an instance id is a number (the segment after #/ in the URL)"


PORT = Integer(0, 65535, label="a TCP port (0 to 65535)")
_FIELDS = ListOf(Text(label="a field API name"), at_least=1, noun="field")
_MATCHING = Record(
    "matching",
    {
        "search_fields": Key("Contact fields searched for the customer's email or phone", _FIELDS),
        "display_fields": Key("fields shown for each candidate in the widget", _FIELDS),
        "profile_fields": Key("fields shown on the matched customer's profile", _FIELDS),
    },
    Matching,
)
_QUEUE = Record(
    "queue",
    {
        "name": Key("the queue's label"),
        "developer_name": Key(
            "its API name, which teams name; empty: the name with _ for spaces",
            required=False,
            shown="derived",
        ),
        "sobjects": Key(
            f"the sObjects it can own; a queue a team is mapped to needs {CONVERSATION_SOBJECT}",
            ListOf(
                Text(lambda: standard_picklist("QueueSobject", "SobjectType"), "an sObject a queue can own")
            ),
            default=["Case", CONVERSATION_SOBJECT],
        ),
    },
    Queue,
)
_ORG = Record(
    "org",
    {
        "name": Key(
            "the org's name, unique in the file; accounts, teams and links name it", Text(check=_name)
        ),
        "port": Key("HTTPS port of the org; 0: any free port", PORT),
        "seed": Key("seed of the org's ids and default credentials"),
        "package_version": Key(
            "the Alcméon package version installed (PKG-04)",
            Text(package_versions, "a released package version"),
        ),
        "person_accounts": Key("person accounts enabled: customers are person Accounts, not Contacts"),
        "sandbox": Key("the org is a sandbox"),
        "case_per_conversation": Key("the customer's automation creates a Case per conversation (PKG-05)"),
        "omni_routing": Key("records a queue owns are handed out to agents, Omni-Channel style"),
        "queues": Key("the org's queues", ListOf(_QUEUE)),
        "client_id": Key(
            "consumer key of the connector's connected app; empty: from the seed", shown="derived"
        ),
        "client_secret": Key("its consumer secret; empty: from the seed", shown="derived"),
    },
    Org,
)
_SOCIAL_ACCOUNT = Record(
    "social account",
    {
        "name": Key("the account's name, unique in its environment"),
        "type": Key("the channel (OAS core-api.yaml Account.type)", Text(CHANNELS, "a channel")),
        "org": Key("the one org it is linked to (SYNC-09), or none", Text(label="the name of one org")),
        "switch": Key(
            "the switch next to the linked account: off, its conversations are not synced (AR 1.8)"
        ),
        "team": Key("the team whose inbox its messages arrive in (Alcméon's routing rules)"),
    },
    SocialAccount,
)
_TEAM = Record(
    "team",
    {
        "name": Key("the team's name, unique in its environment"),
        "org": Key(
            "the org it is mapped to, with queue: a Salesforce team (TOPO-05); none: it works in Alcméon"
        ),
        "queue": Key("developer name of the org's queue it is mapped to"),
    },
    Team,
    shorthand="name",  # `- Support`: a team that works in Alcméon
)
_LINK = Record(
    "org link",
    {
        "sync_mode": Key(
            "which conversations reach the org (open question 10)", Text(SYNC_MODES, "a sync mode")
        ),
        "frequency_seconds": Key(
            "how often Alcméon pushes conversations (the Frequency setting)", Integer(1)
        ),
        "matching": Key("the Contact search and display fields", _MATCHING),
    },
    OrgLink,
)
_ENVIRONMENT = Record(
    "environment",
    {
        "name": Key("the environment's name, unique in the file", Text(check=_name)),
        "instance_id": Key(
            "the instance id, the number after #/ in Alcméon's URL; its scope must differ from the others' (TOPO-03)",
            Text(check=_instance_id),
        ),
        "port": Key("HTTPS port of the environment; 0: any free port", PORT),
        "secret": Key(
            "the connector application's secret; empty: derived from the instance id", shown="derived"
        ),
        "rate_limit_per_minute": Key("requests per minute per route", Integer(1)),
        "teams": Key("teams; a bare name is a team that works in Alcméon", ListOf(_TEAM)),
        "social_accounts": Key("the environment's social accounts", ListOf(_SOCIAL_ACCOUNT)),
        "salesforce": Key(
            "the Salesforce organizations screen: settings per org (AR 1.8)", MapOf(_LINK, key_name="org")
        ),
        "language": Key(
            "the brand's market language: its customers write in it, with that market's names and numbers,"
            " and agents answer in it; null: each channel's market (X in English, KakaoTalk in Korean…)",
            Text(LANGUAGES, "a language with phrases"),
        ),
    },
    Environment,
)
_CONNECTOR = Record(
    "connector",
    {
        "port": Key("port of the connector; 0: any free port", PORT),
        "tls": Key("serve HTTPS (false: plain HTTP)"),
        "workers": Key("sync workers", Integer(1)),
        "catch_up_seconds": Key("how often it catches up through GET /actions", Number(above=0)),
        "timeout_seconds": Key("per HTTP call to an org or an environment", Number(above=0)),
        "admin_token": Key(
            "bearer token of the connector's /admin routes (Authorization: Bearer); empty: derived from the"
            " topology's name, so set one wherever the connector is reachable by others",
            shown="derived",
        ),
    },
    Connector,
)
TOPOLOGY = Record(
    "topology",
    {
        "name": Key("the topology's name", required=False, shown="the file's name"),
        "description": Key("one line `alcsim topology show` prints"),
        "connector": Key("the connector between them", _CONNECTOR),
        "environments": Key(
            "Alcméon environments", ListOf(_ENVIRONMENT, at_least=1, noun="environment"), required=True
        ),
        "orgs": Key("Salesforce orgs", ListOf(_ORG, at_least=1, noun="org"), required=True),
    },
    Topology,
    exclude=("file",),
    build=lambda values: Topology(file="", **values),
)


def _complete(topology: Topology, file: str) -> None:
    """Values derived when a file leaves them out, so a separately started connector derives the same."""
    topology.file = file
    topology.name = topology.name or Path(file).stem
    for org in topology.orgs:
        org.client_id = org.client_id or f"3MVG9alcsim{org.seed}"
        org.client_secret = org.client_secret or f"alcsim-secret-{org.seed}"
        for queue in org.queues:
            queue.developer_name = queue.developer_name or queue.name.replace(" ", "_")
    for env in topology.environments:
        env.secret = env.secret or derived_secret(f"alcmeon:{env.instance_id}")
    topology.connector.admin_token = topology.admin_token()


def _duplicates(names: list[str], at: At, what: str, *steps) -> None:
    for index, name in enumerate(names):
        if name and name in names[:index]:
            at.problem(f"duplicate {what} {name!r}", *steps, index, "name")


def _check_org(org: Org, at: At) -> None:
    developers = [q.developer_name for q in org.queues]
    for index, developer in enumerate(developers):
        if developer and developer in developers[:index]:
            at.problem(f"duplicate queue {developer!r}", "queues", index, "developer_name")


def _check_environment(env: Environment, orgs: dict[str, Org], at: At) -> None:
    known = ", ".join(sorted(orgs)) or "none"
    _duplicates([t.name for t in env.teams], at, "team", "teams")
    teams = {t.name for t in env.teams}
    for index, team in enumerate(env.teams):
        if bool(team.org) != bool(team.queue):
            at.problem("a team mapped to Salesforce names both an org and a queue (TOPO-05)", "teams", index)
        if not team.org or not team.queue:
            continue
        if team.org not in orgs:
            at.problem(f"unknown org {team.org!r} (known: {known})", "teams", index, "org")
            continue
        queue = orgs[team.org].queue(team.queue)
        if queue is None:
            names = ", ".join(q.developer_name for q in orgs[team.org].queues) or "none"
            at.problem(
                f"org {team.org!r} has no queue {team.queue!r} (queues: {names})", "teams", index, "queue"
            )
        elif CONVERSATION_SOBJECT not in queue.sobjects:
            message = (
                f"queue {team.queue!r} of org {team.org!r} has no QueueSobject for {CONVERSATION_SOBJECT}"
            )
            at.problem(message, "teams", index, "queue")
    for index, account in enumerate(env.social_accounts):
        if account.team is not None and account.team not in teams:
            at.problem(
                f"unknown team {account.team!r} in environment {env.name!r}", "social_accounts", index, "team"
            )
        if account.org is not None and account.org not in orgs:
            at.problem(f"unknown org {account.org!r} (known: {known})", "social_accounts", index, "org")
        twin = next((a for a in env.social_accounts[:index] if a.name == account.name), None)
        if twin is not None and twin.org != account.org:
            # SYNC-09, AR 1.8: a social account is linked to one org at most.
            message = f"account {account.name!r} is linked to two orgs: {twin.org} and {account.org}"
            at.problem(message, "social_accounts", index)
        elif twin is not None:
            at.problem(f"duplicate social account {account.name!r}", "social_accounts", index, "name")
    for org_name in env.salesforce:
        if org_name not in orgs:
            at.problem(f"unknown org {org_name!r} (known: {known})", "salesforce", org_name)


def _check(topology: Topology, at: At) -> None:
    """What no single key tells: names unique, references resolved, scopes and ports apart."""
    orgs = {o.name: o for o in topology.orgs}
    _duplicates([e.name for e in topology.environments], at, "environment name", "environments")
    _duplicates([o.name for o in topology.orgs], at, "org name", "orgs")
    for index, org in enumerate(topology.orgs):
        _check_org(org, at.child("orgs").child(index))
    scopes: dict[str, str] = {}
    for index, env in enumerate(topology.environments):
        _check_environment(env, orgs, at.child("environments").child(index))
        # TOPO-03: callouts go back to the environment a conversation came from, told apart by the scope.
        if env.instance_id and env.scope in scopes:
            message = f"same scoped-id prefix as environment {scopes[env.scope]!r}"
            at.problem(message, "environments", index, "instance_id")
        scopes.setdefault(env.scope, env.name)
    ports: dict[int, str] = {}
    parts = [(("connector", "port"), topology.connector.port)]
    parts += [(("environments", i, "port"), e.port) for i, e in enumerate(topology.environments)]
    parts += [(("orgs", i, "port"), o.port) for i, o in enumerate(topology.orgs)]
    for steps, port in parts:
        if port and port in ports:
            at.problem(f"port {port} is already used by {ports[port]}", *steps)
        ports.setdefault(port, dotted(steps))


def parse(data, file: str = "<topology>") -> Topology:
    """Build a Topology from loaded YAML data; raise TopologyError listing every problem."""
    __tracebackhide__ = True
    reading = Reading(file, data)
    topology = TOPOLOGY.read(data, At(reading))
    _complete(topology, file)
    _check(topology, At(reading))
    reading.finish(TopologyError)
    return topology


def load(path: str | Path) -> Topology:
    """Read and validate a topology file; problems name the file, the line, the path inside it and the fix."""
    __tracebackhide__ = True
    path = Path(path)
    if not path.exists() and path.parent == SCENARIOS:
        shipped = ", ".join(p.stem for p in sorted(SCENARIOS.glob("*.yaml")))
        raise TopologyError(
            [f"{path.stem}: no such topology; the shipped ones: {shipped}; or give a .yaml file"]
        )
    return parse(load_yaml(path, TopologyError), str(path))

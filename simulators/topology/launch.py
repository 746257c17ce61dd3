"""Start a whole topology in one process: its orgs, its environments and the connector, on one Clock."""

# Order matters: the connector's server binds first so its URL can go into each org's package callouts
# (a Named Credential in a real org) and each environment's webhook URL; then the fakes start; then the
# connector logs in, writes the environments' org-linking settings and starts its workers.

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from simple_salesforce import Salesforce

from alcsim.connector.service import Connector
from alcsim.connector.widget.pages import widget_url_template
from alcsim.simulators.alcmeon import content
from alcsim.simulators.alcmeon.config import ApplicationConfig, EnvironmentConfig
from alcsim.simulators.alcmeon.environment import create_environment
from alcsim.simulators.alcmeon.running import AlcmeonHandle
from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.common.tls import local_ca
from alcsim.simulators.common.waiting import wait_until  # noqa: F401  (re-exported for tests)
from alcsim.simulators.salesforce.config import OrgConfig
from alcsim.simulators.salesforce.running import RunningOrg, start_org, trusting_session
from alcsim.simulators.topology import bootstrap
from alcsim.simulators.topology.files import Topology


def org_config(topology: Topology, name: str, connector_url: str) -> OrgConfig:
    org = topology.org(name)
    slug = "".join(c for c in org.name.lower() if c.isalnum()) or "org"
    callouts = [
        {
            "scope": env.scope,
            "url": f"{connector_url}/package/{org.name}/{env.name}",
            "secret": topology.callout_secret(org.name, env.name),
        }
        for env in topology.environments
        if org.name in env.org_names()
    ]
    config = OrgConfig.from_dict(
        {
            "name": org.name,
            "seed": org.seed,
            "package_version": org.package_version,
            "person_accounts": org.person_accounts,
            "is_sandbox": org.sandbox,
            "users": [
                {
                    "username": f"integration@{slug}.alcsim.example",
                    "first_name": "Integration",
                    "last_name": "User",
                },
                # A Salesforce agent: changes by anyone but the integration user are reported by the package.
                # It holds no Alcméon permission set, so its widget is read-only (WIDGET-04) until one is granted.
                {"username": f"agent@{slug}.alcsim.example", "first_name": "Sam", "last_name": "Agent"},
                # A French-speaking agent who may answer, so demos show the widget following the user.
                {
                    "username": f"agent.fr@{slug}.alcsim.example",
                    "first_name": "Camille",
                    "last_name": "Martin",
                    "language": "fr",
                    "locale": "fr_FR",
                    "timezone": "Europe/Paris",
                    "permission_sets": ["Alcmeon_Agent"],
                },
            ],
            "widget_url": widget_url_template(connector_url, org.name),
            "connected_apps": [
                {"name": "Alcmeon", "client_id": org.client_id, "client_secret": org.client_secret}
            ],
            "queues": [
                {"name": q.name, "developer_name": q.developer_name, "sobjects": q.sobjects}
                for q in org.queues
            ],
            "package_callouts": callouts,
            "automations": {
                "case_per_conversation": org.case_per_conversation,
                "omni_routing": org.omni_routing,
            },
        }
    )
    for callout in config.package_callouts:
        callout.run_as = config.integration_user.username  # the connector's own writes are not reported back
    return config


def environment_config(
    topology: Topology, name: str, connector_url: str | None, ca_bundle: str, data_dir: str | None
) -> EnvironmentConfig:
    env = topology.environment(name)
    teams = [t.name for t in env.teams]
    webhook = f"{connector_url}/alcmeon/{env.name}/notify" if connector_url else None
    return EnvironmentConfig(
        instance_id=env.instance_id,
        seed=env.instance_id,
        applications=[ApplicationConfig(secret=env.secret, webhook_url=webhook)],
        social_accounts=[{"name": a.name, "type": a.type, "team": a.team} for a in env.social_accounts],
        teams=teams,
        agents=[environment_agent(env.name, teams, env.language)],
        rate_limit_per_minute=env.rate_limit_per_minute,
        webhook_ca_bundle=ca_bundle,
        data_dir=data_dir,
    )


def environment_agent(env: str, teams: list[str], language: str | None) -> dict:
    """The environment's agent, in the time zone of the brand's market (ko: Asia/Seoul); without one, the
    agent config's default (docs/assumptions.md, "Agents' time zones")."""
    agent = {"email": f"agent@{env}.alcsim.example", "name": f"{env} agent", "teams": teams}
    zone = content.timezone_of(language)
    return {**agent, "timezone": zone} if zone else agent


def _has_channel_data(topology: Topology, org: str) -> bool:
    version = tuple(int(p) for p in topology.org(org).package_version.split("."))
    return version >= (5, 31)


def free_port() -> int:
    """A port free now, for a connector another process binds later (with_connector=False); in-process
    connectors bind theirs once instead (`bind_connector`), so no other process can take it in between."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _not_started(environ, start_response):  # never served: `mount` replaces it before `start`
    start_response("503 Service Unavailable", [("Content-Type", "application/json")])
    return [b'{"error": "connector-starting"}']


def bind_connector(topology: Topology, port: int) -> ServerThread:
    """The connector's listening socket, bound now and kept from the URL's publication to the end."""
    return ServerThread(_not_started, port=port, tls=topology.connector.tls)


@dataclass
class RunningTopology:
    topology: Topology
    clock: Clock
    connector_url: str
    orgs: dict[str, RunningOrg] = field(default_factory=dict)
    envs: dict[str, AlcmeonHandle] = field(default_factory=dict)
    connector: Connector | None = None
    server: ServerThread | None = None
    data_dir: Path | None = None
    ca_bundle: str = ""
    _admin_sessions: dict = field(default_factory=dict)

    def org(self, name: str) -> RunningOrg:
        return self.orgs[name]

    def env(self, name: str) -> AlcmeonHandle:
        return self.envs[name]

    @property
    def admin_token(self) -> str:
        """The bearer token of the connector's /admin routes (the topology file's, or derived)."""
        return self.topology.admin_token()

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        """The connector's own admin routes (sync errors, jobs, catch-up), with its admin token."""
        headers = {"Authorization": f"Bearer {self.admin_token}", **(kwargs.pop("headers", None) or {})}
        return trusting_session(self.ca_bundle).request(
            method, f"{self.connector_url}/admin{path}", headers=headers, **kwargs
        )

    # -- helpers for tests and demos: ids by name, and what an org holds, read through public APIs --
    def account_id(self, env: str, name: str) -> int:
        accounts = self.envs[env].session.get(
            f"{self.envs[env].url}/v1/social-accounts/", params={"limit": 100}
        )
        return next(a["id"] for a in accounts.json()["data"] if a["name"] == name)

    def team_id(self, env: str, name: str) -> int:
        teams = self.envs[env].session.get(f"{self.envs[env].url}/teams").json()
        return next(t["id"] for t in teams if t["name"] == name)

    def agent_id(self, env: str) -> int:
        agents = self.envs[env].ext("GET", "/agents").json()
        return next(
            a["id"] for a in agents if not a.get("is_bot") and a.get("email", "").startswith("agent@")
        )

    def conversations(self, org: str, where: str = "") -> list[dict]:
        soql = (
            "SELECT Id, OwnerId, alcmeon__scoped_id__c, alcmeon__Status__c, alcmeon__To_SF_Queue_Id__c,"
            " alcmeon__Contact__c, alcmeon__Account__c, alcmeon__Social_media_type__c, alcmeon__User_name__c"
            + (", alcmeon__Channel_specific_user_data__c" if _has_channel_data(self.topology, org) else "")
            + f" FROM alcmeon__Conversation__c {where} ORDER BY CreatedDate, Id"
        )
        return self.orgs[org].client().query_all(soql)["records"]

    def record(self, org: str, scoped_id: str) -> dict | None:
        rows = self.conversations(org, f"WHERE alcmeon__scoped_id__c = '{scoped_id}'")
        return rows[0] if rows else None

    def wait_for_record(self, org: str, scoped_id: str, check=lambda r: True, timeout: float = 15.0) -> dict:
        def found():
            row = self.record(org, scoped_id)
            return row if row and check(row) else None

        return wait_until(found, timeout, 0.05, f"record {scoped_id} in org {org}")

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Every notification delivered and every connector job settled."""

        def settled():
            for handle in self.envs.values():
                stats = handle.ext("GET", "/notifications/stats").json()
                if stats.get("deliveries", {}).get("pending", 0):
                    return False
            if any(self._pending_callouts(name) for name in self.orgs):
                return False  # the package's callouts still queued in an org are work to come
            return self.connector.engine.idle()

        wait_until(settled, timeout, 0.05, "the connector to settle")

    def settle(self, timeout: float = 15.0, clock_step: float = 10.0) -> None:
        """`wait_idle` on simulated time: each quarter second the topology has not settled, the shared
        clock moves on `clock_step` seconds, so the back-offs kept on it (the connector's retries, the
        notifications' and the package callouts' next attempts) end without anyone waiting them out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.wait_idle(max(0.0, min(0.25, deadline - time.monotonic())))
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise
                self.clock.advance(clock_step)

    def _pending_callouts(self, org: str) -> int:
        """Read through the org's extension route, with one session per org opened on first use."""
        running = self.orgs[org]
        if org not in self._admin_sessions:
            session = running.session()
            session.headers["Authorization"] = f"Bearer {running.access_token()}"
            self._admin_sessions[org] = session
        answer = self._admin_sessions[org].get(
            f"{running.instance_url}/_sim/package/callouts", params={"state": "pending"}
        )
        return len(answer.json()["callouts"]) if answer.status_code == 200 else 0

    def agent_client(self, org: str, session: requests.Session | None = None) -> Salesforce:
        """simple-salesforce as the org's agent user (password grant), whose changes the package reports;
        on `session` when the caller keeps one."""
        running = self.orgs[org]
        session = session or running.session()
        answer = running.password_login(running.org.config.users[1], session=session)
        answer.raise_for_status()
        return Salesforce(
            instance_url=running.instance_url,
            session_id=answer.json()["access_token"],
            session=session,
            version="62.0",
        )

    def urls(self) -> dict[str, str]:
        """The base URL of each org and environment, by name."""
        return {
            **{n: o.instance_url for n, o in self.orgs.items()},
            **{n: e.url for n, e in self.envs.items()},
        }

    def new_connector(self) -> Connector:
        """The in-process connector, its endpoints added, not started (on the topology's store and clock)."""
        db = self.data_dir / "connector.sqlite3" if self.data_dir else None
        connector = Connector(bootstrap.connector_config(self.topology, db, self.clock))
        bootstrap.add_endpoints(connector, self.topology, self.urls(), self.ca_bundle)
        return connector

    def start_connector(self, connector: Connector | None = None) -> Connector:
        """Start (or start again, on the same port and store) the in-process connector."""
        connector = connector or self.new_connector()
        if self.server is None:
            # A restart binds the published port again (SO_REUSEADDR: runner.py); others cannot have taken
            # it unless they bound it while no connector listened, as with a real service.
            self.server = bind_connector(self.topology, int(self.connector_url.rsplit(":", 1)[1]))
        self.server.mount(connector.app)
        self.connector = connector
        connector.start()
        self.server.start()
        return connector

    def stop_connector(self) -> None:
        if self.server:
            self.server.stop()
            self.server = None
        if self.connector:
            self.connector.stop()
            self.connector = None

    def stop(self) -> None:
        self.stop_connector()
        # Each server's stop waits for its select loop to notice (up to 50 ms): the fakes stop together.
        parts = [r.stop for r in self.orgs.values()] + [h.env.stop for h in self.envs.values()]
        stoppers = [threading.Thread(target=stop, daemon=True) for stop in parts]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join(timeout=10)


def apply_settings(running: RunningTopology) -> None:
    """Write each environment's org-linking settings (at start, and again after a reset): through the
    environments' settings routes, by a short-lived connector that never serves; the running connector
    reads them back like any admin's change."""
    setup = Connector(bootstrap.connector_config(running.topology, clock=running.clock))
    bootstrap.add_endpoints(setup, running.topology, running.urls(), running.ca_bundle)
    bootstrap.apply_settings(setup, running.topology)
    setup.store.close()


def start_topology(
    topology: Topology,
    clock: Clock | None = None,
    data_dir: str | Path | None = None,
    with_connector: bool = True,
) -> RunningTopology:
    """Start every part of `topology`. With `with_connector=False` the fakes point at a port left free
    for a connector started elsewhere (another process, for the kill -9 test)."""
    clock = clock or Clock()
    ca = local_ca()
    data_dir = Path(data_dir) if data_dir else None
    # The connector's socket is bound before its URL goes into the fakes (the old probe-then-bind let
    # another process take the port in between: EADDRINUSE about one full run in seven).
    server = bind_connector(topology, topology.connector.port) if with_connector else None
    port = server.port if server else topology.connector.port or free_port()
    scheme = "https" if topology.connector.tls else "http"
    running = RunningTopology(
        topology, clock, f"{scheme}://127.0.0.1:{port}", data_dir=data_dir, ca_bundle=ca.ca_bundle
    )
    running.server = server
    try:
        for org in topology.orgs:
            org_dir = data_dir / f"org-{org.name}" if data_dir else None
            running.orgs[org.name] = start_org(
                org_config(topology, org.name, running.connector_url),
                port=org.port,
                data_dir=org_dir,
                clock=clock,
                ca=ca,
            )
        for env in topology.environments:
            config = environment_config(
                topology, env.name, running.connector_url, ca.ca_bundle, str(data_dir) if data_dir else None
            )
            started = create_environment(config, clock=clock, ca=ca).start(port=env.port)
            session = trusting_session(ca.ca_bundle)
            session.auth = (started.instance_id, started.secret)
            running.envs[env.name] = AlcmeonHandle(
                started, started.url, started.instance_id, started.secret, ca.ca_bundle, session
            )
        if with_connector:
            # The connector an admin sets up writes the settings (over the environments' settings routes,
            # as apply_settings' short-lived one does) before it serves: one login per org, not two.
            connector = running.new_connector()
            try:
                bootstrap.apply_settings(connector, topology)
            except BaseException:
                connector.stop()
                raise
            running.start_connector(connector)
        else:
            apply_settings(running)
    except BaseException:
        running.stop()
        raise
    return running

"""`alcsim simulate`: a whole topology in one process with seeded live traffic, a live view and invariants."""

# The topology starts through connector/launch.py (fakes and connector on one clock). Each environment
# gets the Alcméon traffic generator (simulators/alcmeon/traffic.py); on top of it this driver plays the
# agents the generator does not: Alcméon agents who bind a real Contact from the inbox (through the
# connector's matching route) and reply, and Salesforce agents who link a Contact, move a record to
# another mapped queue, or close it. Everything goes over HTTP. `--headless` waits for the connector to
# settle, checks the invariants and exits 1 when one fails.

from __future__ import annotations

import random
import signal
import sys
import threading
import time

import click
import requests
from faker import Faker
from rich.console import Console
from rich.live import Live

from alcsim.simulators.alcmeon.traffic import TrafficGenerator
from alcsim.simulators.common.config_schema import exit_refused
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.files import TopologyError, load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, start_topology
from alcsim.simulators.topology.observe import Observed, check_invariants, poll
from alcsim.simulators.topology.view import render, summary

WRITES = ("new_user", "returning_user", "returning_after_window")
CONTACTS_PER_ORG = 8
PASSWORD = "alcsim-password"  # every user of a fake org (simulators/salesforce/config.py)


class Simulation:
    def __init__(self, rt: RunningTopology, seed: int, observed: Observed):
        self.rt, self.seed, self.observed = rt, seed, observed
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.written = {name: 0 for name in rt.envs}
        self.matched_then_replied: dict[str, set[int]] = {name: set() for name in rt.envs}
        self.contacts: dict[str, list[str]] = {}
        self.generators: dict[str, TrafficGenerator] = {}
        self.sessions: dict[str, requests.Session] = {}

    # -- seeding ----------------------------------------------------------------------------------------
    def seed_all(self) -> None:
        fake = Faker("fr_FR")
        fake.seed_instance(self.seed)
        for name, running in self.rt.orgs.items():
            org = self.rt.topology.org(name)
            sf = running.client()
            ids = []
            for _ in range(CONTACTS_PER_ORG):
                first, last = fake.first_name(), fake.last_name()
                email = f"{first}.{last}@example.com".lower().replace(" ", "")
                if org.person_accounts:
                    record_type = sf.query(
                        "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
                    )["records"][0]["Id"]
                    values = {
                        "RecordTypeId": record_type,
                        "FirstName": first,
                        "LastName": last,
                        "PersonEmail": email,
                    }
                    ids.append(sf.Account.create(values)["id"])
                else:
                    ids.append(
                        sf.Contact.create({"FirstName": first, "LastName": last, "Email": email})["id"]
                    )
            self.contacts[name] = ids
            if org.omni_routing:
                self._agent_on_duty(name)
            self.observed.event(
                name, f"seeded {len(ids)} {'person accounts' if org.person_accounts else 'Contacts'}"
            )
        for name, handle in self.rt.envs.items():
            session = handle.new_session(auth=handle.credentials)
            self.generators[name] = TrafficGenerator(
                handle.url, session, seed=f"{self.seed}:{name}", mix={"match": 0, "route": 14}
            )
            self.sessions[name] = handle.new_session(auth=handle.credentials)

    def _agent_on_duty(self, org: str) -> None:
        """WF-03: the org's agent joins every queue and goes Available, so Omni-Channel hands out Cases."""
        running = self.rt.org(org)
        sf = running.client()
        agent = running.org.config.users[1].username
        agent_id = sf.query(f"SELECT Id FROM User WHERE Username = '{agent}'")["records"][0]["Id"]
        for queue in sf.query("SELECT Id FROM Group WHERE Type = 'Queue'")["records"]:
            sf.GroupMember.create({"GroupId": queue["Id"], "UserOrGroupId": agent_id})
        session = running.session()
        session.headers["Authorization"] = f"Bearer {running.access_token()}"
        session.post(
            f"{running.instance_url}/_sim/omni/presence", json={"username": agent, "status": "Available"}
        ).raise_for_status()

    # -- traffic ----------------------------------------------------------------------------------------
    def run(self, duration: float | None, rate: float) -> None:
        started = time.monotonic()
        done = 0
        while not self.stop.is_set() and (not duration or time.monotonic() - started < duration):
            env = self.random.choice(sorted(self.generators))
            try:
                self.step(env)
            except (requests.RequestException, KeyError, IndexError) as exc:
                self.observed.count(env, "errors")
                self.observed.event(env, f"[red]error[/red] {str(exc)[:90]}")
            done += 1
            self.stop.wait(max(0.0, started + done / rate - time.monotonic()))

    def step(self, env: str) -> None:
        roll = self.random.random()
        generator = self.generators[env]
        if roll < 0.08 and generator.customers:
            return self.bind_and_reply(env, self.random.choice(generator.customers))
        if roll < 0.14:
            return self.salesforce_agent()
        kind = generator.step()
        if kind in WRITES:
            self.written[env] += 1
            self.observed.count(env, "messages")
        counter = {"route": "transfers", "reply": "replies", "close": "closes"}.get(kind)
        if counter:
            self.observed.count(env, counter)
        self.observed.event(env, kind.replace("_", " "))

    def bind_and_reply(self, env: str, customer) -> None:
        """An Alcméon agent binds a seeded Contact from the inbox (connector route), then replies (SYNC-03)."""
        link = next(
            (lk for lk in self._settings(env)["links"] if lk["social_account_id"] == customer.account_id),
            None,
        )
        org = next(
            (n for n, g in self.rt.connector.orgs().items() if link and g.organization_id == link["org_id"]),
            None,
        )
        if org is None or customer.last_task_id is None:
            return
        contact = self.random.choice(self.contacts[org])
        url = f"{self.rt.connector_url}/matching/{env}/accounts/{customer.account_id}/users/{customer.user_id}/bind"
        self.sessions[env].post(url, json={"contact_id": contact}).raise_for_status()
        agent = self.random.choice(self.generators[env].agents)["id"]
        handle = self.rt.env(env)
        self.sessions[env].post(
            f"{handle.url}/_sim/ext/tasks/{customer.last_task_id}/reply",
            json={"agent_id": agent, "content": "Merci, c'est noté."},
        ).raise_for_status()
        self.matched_then_replied[env].add(customer.conversation_id)
        self.observed.count(env, "matches")
        self.observed.count(env, "replies")
        self.observed.event(env, f"bound {customer.name} to {contact} and replied")

    def salesforce_agent(self) -> None:
        """A Salesforce agent works an open record: links a Contact, moves it to another queue, or closes it."""
        org = self.random.choice(sorted(self.rt.orgs))
        admin = self.rt.org(org).client()
        records = admin.query(
            "SELECT Id, OwnerId, alcmeon__Contact__c, alcmeon__Account__c FROM alcmeon__Conversation__c"
            " WHERE alcmeon__Status__c = 'OPEN' ORDER BY CreatedDate DESC LIMIT 20"
        )["records"]
        if not records:
            return
        record = self.random.choice(records)
        agent = self.rt.agent_client(org)
        person = self.rt.topology.org(org).person_accounts
        mapped = [t.queue for e in self.rt.topology.environments for t in e.teams if t.org == org]
        choice = self.random.random()
        if choice < 0.4 and not (record["alcmeon__Contact__c"] or record["alcmeon__Account__c"]):
            field = "alcmeon__Account__c" if person else "alcmeon__Contact__c"
            agent.alcmeon__Conversation__c.update(
                record["Id"], {field: self.random.choice(self.contacts[org])}
            )
            self.observed.event(org, f"agent linked record {record['Id'][-6:]} to a customer")
        elif choice < 0.75 and len(set(mapped)) > 1:
            queue = self.random.choice(sorted(set(mapped)))
            queue_id = admin.query(f"SELECT Id FROM Group WHERE DeveloperName = '{queue}'")["records"][0][
                "Id"
            ]
            if queue_id != record["OwnerId"]:
                agent.alcmeon__Conversation__c.update(record["Id"], {"OwnerId": queue_id})
                self.observed.event(org, f"agent moved record {record['Id'][-6:]} to {queue}")
        else:
            agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})
            self.observed.event(org, f"agent closed record {record['Id'][-6:]}")

    def _settings(self, env: str) -> dict:
        handle = self.rt.env(env)
        return self.sessions[env].get(f"{handle.url}/_sim/ext/salesforce").json()

    # -- observing --------------------------------------------------------------------------------------
    def poll_forever(self, interval: float = 1.0) -> None:
        while not self.stop.is_set():
            try:
                poll(self.rt, self.observed)
            except (requests.RequestException, KeyError) as exc:
                self.observed.event("view", f"poll failed: {exc}")
            self.stop.wait(interval)


def urls(rt: RunningTopology, dashboard_url: str | None = None) -> list[str]:
    lines = [f"dashboard: {dashboard_url}  (the topology, live counters and events)"] if dashboard_url else []
    for name, running in rt.orgs.items():
        users = ", ".join(u.username for u in running.org.config.users)
        lines.append(f"org {name}: {running.instance_url}/  (log in as {users}; password {PASSWORD})")
    for name, handle in rt.envs.items():
        lines.append(
            f"environment {name}: {handle.url}/inbox  (API {handle.url}/openapi.json; client id "
            f"{handle.instance_id}, secret {handle.secret})"
        )
    lines.append(
        f"connector: {rt.connector_url}/admin/health  (sync errors: {rt.connector_url}/admin/orgs;"
        f" admin routes take Authorization: Bearer {rt.admin_token})"
    )
    return lines


@click.command("simulate")
@click.option(
    "--topology",
    "topology_name",
    default="one-to-one",
    show_default=True,
    help="A file, or the name of a file in scenarios/.",
)
@click.option(
    "--duration", type=float, default=0, show_default=True, help="Seconds of traffic; 0 runs until Ctrl-C."
)
@click.option(
    "--rate", type=float, default=5.0, show_default=True, help="Traffic events per second, all environments."
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--headless", is_flag=True, help="No live view: print a final summary; exit 1 if an invariant fails."
)
@click.option("--free-ports", is_flag=True, help="Ignore the file's ports and let the OS choose.")
@click.option("--settle-timeout", type=float, default=60.0, show_default=True)
def simulate(
    topology_name: str,
    duration: float,
    rate: float,
    seed: int,
    headless: bool,
    free_ports: bool,
    settle_timeout: float,
) -> None:
    """Bring a whole topology up in one process, seed it, stream traffic, and show what happens."""
    if rate <= 0:
        raise click.BadParameter("the rate is a positive number of events per second", param_hint="--rate")
    if headless and not duration:
        raise click.BadParameter("--headless needs a --duration", param_hint="--duration")
    try:
        topology = load(scenario_path(topology_name))
    except TopologyError as exc:
        exit_refused(exc)
    if free_ports:
        topology.with_free_ports()
    console = Console()
    if not console.is_terminal:  # a CI log: wide enough for every column
        console = Console(width=150)
    observed = Observed()
    rt = start_topology(topology)
    dashboard = start_dashboard(rt)
    simulation = Simulation(rt, seed, observed)
    signal.signal(signal.SIGTERM, lambda *_: simulation.stop.set())
    problems: list[str] = []
    try:
        simulation.seed_all()
        links = urls(rt, dashboard.url)
        for line in links:
            console.print(line, highlight=False, soft_wrap=True)
        poller = threading.Thread(target=simulation.poll_forever, name="simulate-poll", daemon=True)
        poller.start()
        title = f"alcsim simulate — {topology.name} (seed {seed}, {rate:g} events/s)"
        try:
            if headless:
                simulation.run(duration, rate)
            else:
                with Live(
                    render(observed, title, links, duration), console=console, refresh_per_second=4
                ) as live:
                    runner = threading.Thread(target=simulation.run, args=(duration, rate), daemon=True)
                    runner.start()
                    while runner.is_alive():
                        live.update(render(observed, title, links, duration))
                        runner.join(0.25)
        except KeyboardInterrupt:
            console.print("stopping…")
        simulation.stop.set()
        poller.join(timeout=10)
        if duration or headless:
            rt.wait_idle(settle_timeout)
            poll(rt, observed)
            problems = check_invariants(rt, simulation.written, simulation.matched_then_replied)
            console.print(summary(observed, problems))
    except KeyboardInterrupt:
        console.print("stopping…")
    finally:
        simulation.stop.set()
        dashboard.stop()
        rt.stop()
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    simulate()

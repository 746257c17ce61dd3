"""`alcsim simulate`: a whole topology in one process with seeded live traffic, a live view and invariants."""

# The topology starts through launch.py (fakes and connector on one clock), on the file's ports and the
# dashboard's (ports.py; a taken one is one line, exit 2). Each environment gets the Alcméon traffic
# generator (simulators/alcmeon/traffic.py); on top of it this driver plays the agents the generator does
# not: Alcméon agents who bind a real Contact from the inbox (through the connector's matching route) and
# reply, and Salesforce agents who link a Contact, move a record to another mapped queue, or close it.
# Everything goes over HTTP. The traffic pauses and resumes from the controls (controls.py); a rate of 0
# starts it paused. `--headless` waits for the connector to settle, checks the invariants and exits 1
# when one fails. The Contacts the agents match customers to are seeded by seeding.py.

from __future__ import annotations

import random
import signal
import sys
import threading
import time

import click
import requests
from rich.console import Console
from rich.live import Live
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from alcsim.simulators.alcmeon.traffic import TrafficGenerator
from alcsim.simulators.common.config_schema import exit_refused
from alcsim.simulators.common.runner import PortInUse
from alcsim.simulators.topology import ports, printout, remote, salesforce_agents
from alcsim.simulators.topology.controls import Controls
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.files import TopologyError, load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, start_topology
from alcsim.simulators.topology.observe import Observed, check_invariants, poll
from alcsim.simulators.topology.seeding import seed_contacts
from alcsim.simulators.topology.view import render, summary

WRITES = ("new_user", "returning_user", "returning_after_window")
PASSWORD = printout.PASSWORD
RESUME_RATE = 5.0  # events per second when traffic resumes after a quiet start (RATE=0)
# What the traffic generator's events mean, for the event stream (it reports only the kind).
TOLD = {
    "new_user": "A new customer wrote",
    "returning_user": "A returning customer wrote again",
    "returning_after_window": "A customer wrote again after the silence window",
    "reply": "An agent answered in Alcméon",
    "route": "A conversation went to another team",
    "match": "An agent matched a customer in Alcméon",
    "close": "An agent closed a conversation in Alcméon",
    "acquire": "An agent took a conversation in Alcméon",
}


class Simulation:
    def __init__(self, rt: RunningTopology, seed: int, observed: Observed, rate: float = 5.0):
        self.rt, self.seed, self.observed = rt, seed, observed
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.paused = threading.Event()  # set: no traffic (a quiet start, or paused from the dashboard)
        self.rate = rate
        if rate <= 0:
            self.paused.set()
        self.step_lock = threading.Lock()  # held while one traffic event is in flight
        self.ticks = 0  # rounds of the traffic loop, paused or not: tests wait on these, not on seconds
        self.written = {name: 0 for name in rt.envs}
        self.matched_then_replied: dict[str, set[int]] = {name: set() for name in rt.envs}
        self.contacts: dict[str, list[str]] = {}
        self.generators: dict[str, TrafficGenerator] = {}
        self.sessions: dict[str, requests.Session] = {}
        # Each org's admin and agent clients, logged in on first use and kept: a Salesforce agent works
        # many records in one session, and a fresh login per record cost a token and two TLS handshakes.
        self.org_clients: dict[str, tuple[Salesforce, Salesforce]] = {}

    # -- controls (controls.py) ------------------------------------------------------------------------
    def pause(self) -> None:
        self.paused.set()

    def resume(self, rate: float | None = None) -> None:
        self.rate = rate or (self.rate if self.rate > 0 else RESUME_RATE)
        self.paused.clear()

    def wait_step(self) -> None:
        """Return once the traffic event in flight, if any, has ended."""
        with self.step_lock:
            pass

    def wrote(self, env: str) -> None:
        """A customer message written outside the traffic (the controls'): the lost-message check counts it."""
        self.written[env] = self.written.get(env, 0) + 1
        self.observed.count(env, "messages")

    def forget(self) -> None:
        """After a reset: nothing written, nothing matched."""
        self.written = {name: 0 for name in self.rt.envs}
        self.matched_then_replied = {name: set() for name in self.rt.envs}
        self.org_clients.clear()  # the reset ended the orgs' sessions

    # -- seeding ----------------------------------------------------------------------------------------
    def seed_all(self) -> None:
        self.contacts = seed_contacts(self.rt, self.seed, self.observed)
        for name, handle in self.rt.envs.items():
            session = handle.new_session(auth=handle.credentials)
            self.generators[name] = TrafficGenerator(
                handle.url,
                session,
                seed=f"{self.seed}:{name}",
                mix={"match": 0, "route": 14},
                language=self.rt.topology.environment(name).language,  # the brand's market (content/)
            )
            self.sessions[name] = handle.new_session(auth=handle.credentials)

    # -- traffic ----------------------------------------------------------------------------------------
    def run(self, duration: float | None, steps: int | None = None) -> None:
        """Traffic at `self.rate` events per second until stopped or `duration` seconds have passed;
        while paused the loop only ticks (a resume starts the pace afresh). With `steps`: that many
        events back to back on simulated time, the shared clock moved on 1/rate s after each instead of
        waiting for it, so the fakes and the connector see the same pace and nobody waits."""
        started = time.monotonic()
        paced_from, done, events = started, 0, 0
        while not self.stop.is_set() and (
            events < steps if steps is not None else not duration or time.monotonic() - started < duration
        ):
            self.ticks += 1
            if self.paused.is_set() or self.rate <= 0:
                paced_from, done = time.monotonic(), 0
                self.stop.wait(0.05)
                continue
            env = self.random.choice(sorted(self.generators))
            with self.step_lock:
                if self.paused.is_set():
                    continue
                try:
                    self.step(env)
                except (requests.RequestException, SalesforceExpiredSession, KeyError, IndexError) as exc:
                    self.observed.count(env, "errors")
                    self.observed.event(env, f"A call of the traffic failed: {str(exc)[:90]}")
            done, events = done + 1, events + 1
            if steps is not None:
                self.rt.clock.advance(1 / self.rate)
            else:
                self.stop.wait(max(0.0, paced_from + done / self.rate - time.monotonic()))

    def step(self, env: str) -> None:
        roll = self.random.random()
        generator = self.generators[env]
        workable = generator.workable()  # the traffic's own customers, none a story or a person reserved
        if roll < 0.08 and workable:
            return self.bind_and_reply(env, self.random.choice(workable))
        if roll < 0.14:
            return self.salesforce_agent()
        kind = generator.step()
        if kind in WRITES:
            self.written[env] += 1
            self.observed.count(env, "messages")
        counter = {"route": "transfers", "reply": "replies", "close": "closes"}.get(kind)
        if counter:
            self.observed.count(env, counter)
        self.observed.event(env, f"{TOLD.get(kind, kind.replace('_', ' '))} in environment {env}")

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
        chosen = self.random.choice(self.generators[env].agents)
        agent = chosen.get("name") or chosen["id"]
        handle = self.rt.env(env)
        self.sessions[env].post(
            f"{handle.url}/_sim/ext/tasks/{customer.last_task_id}/reply",
            json={"agent_id": chosen["id"], "content": self.generators[env].agent_answer(customer)},
        ).raise_for_status()
        self.matched_then_replied[env].add(customer.conversation_id)
        self.observed.count(env, "matches")
        self.observed.count(env, "replies")
        self.observed.event(
            env,
            f"Agent {agent} of {env} linked {customer.name} to a Contact of org {org} and answered "
            f"(conversation {customer.conversation_id})",
        )

    def salesforce_agent(self) -> None:
        """A Salesforce agent works an open record: links a Contact, moves it to another queue, or closes it."""
        org = self.random.choice(sorted(self.rt.orgs))
        try:
            self._work_a_record(org)
        except SalesforceExpiredSession:
            self.org_clients.pop(org, None)  # the next Salesforce agent of this org logs in again
            raise

    def _work_a_record(self, org: str) -> None:
        if org not in self.org_clients:
            self.org_clients[org] = (self.rt.org(org).client(), self.rt.agent_client(org))
        admin, agent = self.org_clients[org]
        salesforce_agents.work_a_record(self, org, admin, agent)

    def _settings(self, env: str) -> dict:
        handle = self.rt.env(env)
        return self.sessions[env].get(f"{handle.url}/_sim/ext/salesforce").json()

    # -- observing --------------------------------------------------------------------------------------
    def poll_forever(self, interval: float = 1.0) -> None:
        while not self.stop.is_set():
            try:
                poll(self.rt, self.observed)
            except (requests.RequestException, KeyError) as exc:
                self.observed.event("view", f"reading the counters failed: {exc}")
            self.stop.wait(interval)


def urls(rt: RunningTopology, dashboard_url: str | None = None, token: str = "") -> list[str]:
    """The lines printed at start: where to open what, and who may do what (printout.py)."""
    hint = (
        "controls: alcsim say --env NAME --channel whatsapp --intent refund · alcsim traffic pause|resume"
        " · alcsim reset (they find this run; --dashboard URL --token TOKEN reach another)"
    )
    return printout.lines(rt, dashboard_url, token, hint if dashboard_url else "")


def _refuse(message: str) -> None:
    """One line on stderr, exit 2 (click's usage-error code), no traceback."""
    click.echo(f"alcsim simulate: {message}", err=True)
    sys.exit(2)


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
    "--rate",
    type=float,
    default=5.0,
    show_default=True,
    help="Traffic events per second, all environments; 0 starts quiet (resume it from the dashboard).",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--headless", is_flag=True, help="No live view: print a final summary; exit 1 if an invariant fails."
)
@click.option(
    "--free-ports", is_flag=True, help="Ignore the file's ports and the dashboard's: the OS picks free ones."
)
@click.option(
    "--dashboard-port",
    type=int,
    default=ports.DASHBOARD_PORT,
    show_default=True,
    help="The dashboard's port.",
)
@click.option("--settle-timeout", type=float, default=60.0, show_default=True)
@click.option(
    "--clock",
    "clock_mode",
    type=click.Choice(["wall", "simulated"]),
    default="wall",
    show_default=True,
    help="simulated: the --duration is the topology's clock's, DURATION×RATE events back to back, and"
    " the settling moves the clock on (the tests' headless runs); wall: seconds as they pass.",
)
def simulate(
    topology_name: str,
    duration: float,
    rate: float,
    seed: int,
    headless: bool,
    free_ports: bool,
    dashboard_port: int,
    settle_timeout: float,
    clock_mode: str,
) -> None:
    """Bring a whole topology up in one process, seed it, stream traffic, and show what happens."""
    if rate < 0:
        raise click.BadParameter("the rate is a number of events per second, 0 for none", param_hint="--rate")
    if headless and not duration:
        raise click.BadParameter("--headless needs a --duration", param_hint="--duration")
    if clock_mode == "simulated" and not duration:
        raise click.BadParameter("--clock simulated needs a --duration", param_hint="--duration")
    steps = round(duration * rate) if clock_mode == "simulated" else None
    try:
        topology = load(scenario_path(topology_name))
    except TopologyError as exc:
        exit_refused(exc)
    parts = ports.assign(topology, dashboard_port, free_ports)
    console = Console()
    if not console.is_terminal:  # a CI log: wide enough for every column
        console = Console(width=150)
    observed = Observed()
    try:
        rt = start_topology(topology)
    except PortInUse as exc:
        _refuse(ports.busy_message(parts, exc.port, topology.file))
    simulation = Simulation(rt, seed, observed, rate)
    controls = Controls(rt, simulation)
    try:
        dashboard = start_dashboard(rt, port=parts[-1].port, controls=controls)
    except PortInUse as exc:
        rt.stop()
        _refuse(ports.busy_message(parts, exc.port, topology.file))
    signal.signal(signal.SIGTERM, lambda *_: simulation.stop.set())
    problems: list[str] = []
    run_file = None
    try:
        simulation.seed_all()
        run_file = remote.write_run_file(dashboard.url, rt.admin_token, topology.name)
        printed = urls(rt, dashboard.url, rt.admin_token)
        for line in printed:
            console.print(line, highlight=False, soft_wrap=True, markup=False)
        links = printed[: printed.index("who may do what:")]  # the live view keeps the URLs, not the people
        # The counters feed the live view; headless prints them once, read after the settling, so a
        # round of reads every second would only compete with the traffic (a fifth of its calls).
        poller = threading.Thread(target=simulation.poll_forever, name="simulate-poll", daemon=True)
        if not headless:
            poller.start()
        pace = f"{rate:g} events/s" if rate else "quiet: no traffic until resumed"
        title = f"alcsim simulate — {topology.name} (seed {seed}, {pace})"
        try:
            if headless:
                simulation.run(duration, steps)
            else:
                with Live(
                    render(observed, title, links, duration), console=console, refresh_per_second=4
                ) as live:
                    runner = threading.Thread(target=simulation.run, args=(duration, steps), daemon=True)
                    runner.start()
                    while runner.is_alive():
                        live.update(render(observed, title, links, duration))
                        runner.join(0.25)
        except KeyboardInterrupt:
            console.print("stopping…")
        simulation.stop.set()
        if poller.is_alive():
            poller.join(timeout=10)
        if duration or headless:
            simulation.wait_step()
            if steps is None:
                rt.wait_idle(settle_timeout)
            else:
                rt.settle(settle_timeout)  # back-offs on the shared clock end as the clock moves on
            poll(rt, observed)
            problems = check_invariants(rt, simulation.written, simulation.matched_then_replied)
            console.print(summary(observed, problems))
    except KeyboardInterrupt:
        console.print("stopping…")
    finally:
        simulation.stop.set()
        if run_file:
            run_file.unlink(missing_ok=True)
        dashboard.stop()
        rt.stop()
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    simulate()

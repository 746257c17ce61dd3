"""Started topologies kept per test process and put back in their seeded state between scenarios."""

# Starting a topology (every org's routes and schema, each environment, the connector) cost most of a
# scenario's time. A scenario that passed leaves its topology here, its connector stopped once nothing
# is in flight (notifications, package callouts, connector jobs). The next scenario on the same topology
# gets it back only after everything was returned to what a fresh start gives: every fake's admin reset
# (the orgs' and environments' stores, sessions, API usage, rate limits), the fault rules and journals
# the reset keeps, agents' Omni-Channel presence back to offline (kept in memory, outside the reset),
# each environment's store as the start left it (its snapshot, org-linking settings included), the
# shared clock back to real time, and a new connector (a new in-memory queue and store) on the published
# URL. A scenario that failed takes its topology down with it: nothing it left half-done reaches another.
#
# What stays from one scenario to the next is only what a real client keeps: its HTTP sessions to the
# fakes (a kept-alive TLS connection, about 9 ms of CPU less per request that would open one; logins are
# still made again after each reset, which ends every org session), and the ids the seeds gave (social
# accounts, teams, agents), which the snapshot restore gives back unchanged. Topologies nobody asked for
# lately are stopped: scenarios run grouped by topology (acc_schedule.py), and a waiting topology's servers
# still wake their select loops twenty times a second (8 waiting topologies: 5% of a core).

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.waiting import wait_until
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, start_topology

SETTLE_SECONDS = 10.0  # a topology still busy after this long is stopped instead of reused
FRESH = "acceptance-fresh-start"
MAX_IDLE = 2  # topologies kept waiting; the least recently used beyond these is stopped
POLL = 0.02  # seconds between two looks at a settling topology


@dataclass
class Kept:
    """What a client keeps across the scenarios of one running topology (its fakes, not its connector)."""

    sessions: dict = field(default_factory=dict)  # requests sessions to the fakes, by their use
    ids: dict = field(default_factory=dict)  # seeded ids, by what names them

    def session(self, key: tuple, running):
        """The session kept under `key` to the fake `running` (opened on first use)."""
        if key not in self.sessions:
            self.sessions[key] = running.session()
        return self.sessions[key]


class TopologyPool:
    """`take(name)` a running topology in its seeded state; `give_back(rt, reusable)` after the scenario."""

    def __init__(self):
        self.idle: dict[str, list[RunningTopology]] = {}
        self.kept_by_url: dict[str, Kept] = {}  # by connector URL: one per running topology, kept by resets
        self.started = 0
        self.reused = 0
        self.stopped_idle = 0

    def kept(self, rt: RunningTopology) -> Kept:
        return self.kept_by_url.setdefault(rt.connector_url, Kept())

    def take(self, name: str) -> RunningTopology:
        waiting = self.idle.get(name) or []
        while waiting:
            used = waiting.pop()
            try:
                fresh = reset(used, self.kept(used))
            except Exception:  # noqa: BLE001  (a topology that cannot be reset is replaced, never reused)
                self.stop(used)
                continue
            self.reused += 1
            return fresh
        self.started += 1
        return snapshot(start_topology(load(scenario_path(name)).with_free_ports(), Clock()))

    def give_back(self, rt: RunningTopology, name: str, reusable: bool) -> None:
        """Keep the topology, its connector stopped once nothing is in flight (a waiting topology does no
        background work), or stop it if the scenario failed or the topology does not settle."""
        if reusable:
            try:
                wait_idle(rt, self.kept(rt), SETTLE_SECONDS)  # nothing queued for the connector about to go
                rt.stop_connector()
            except Exception:  # noqa: BLE001  (never reused then)
                reusable = False
        if not reusable:
            self.stop(rt)
            return
        self.idle.setdefault(name, []).append(rt)
        self.idle[name] = self.idle.pop(name)  # most recently given back last
        while sum(len(waiting) for waiting in self.idle.values()) > MAX_IDLE:
            oldest = next(n for n, waiting in self.idle.items() if waiting)
            self.stop(self.idle[oldest].pop(0))
            self.stopped_idle += 1
            if not self.idle[oldest]:
                del self.idle[oldest]

    def stop(self, rt: RunningTopology) -> None:
        for session in self.kept_by_url.pop(rt.connector_url, Kept()).sessions.values():
            session.close()
        stop_quietly(rt)

    def close(self) -> None:
        for waiting in self.idle.values():
            for rt in waiting:
                self.stop(rt)
        self.idle.clear()


def idle(rt: RunningTopology, kept: Kept) -> bool:
    """One look of RunningTopology.wait_idle, on kept sessions (that one opens a session and logs in per
    org for every RunningTopology, so every scenario): each environment's notifications delivered, no
    package callout pending in an org, and no connector job ready or running."""
    for handle in rt.envs.values():
        stats = handle.ext("GET", "/notifications/stats").json()
        if stats.get("deliveries", {}).get("pending", 0):
            return False
    if any(pending_callouts(kept, name, running) for name, running in rt.orgs.items()):
        return False  # the package's callouts still queued in an org are work to come
    return rt.connector.engine.idle()


def wait_idle(rt: RunningTopology, kept: Kept, timeout: float) -> None:
    wait_until(lambda: idle(rt, kept), timeout, POLL, "the connector to settle")


def pending_callouts(kept: Kept, name: str, running) -> int:
    """The org's package callouts still to be delivered, read through its extension route."""
    session = kept.session(("pool", name), running)
    if "Authorization" not in session.headers:
        log_in(session, running)
    url = f"{running.instance_url}/_sim/package/callouts"
    answer = session.get(url, params={"state": "pending"}, timeout=30)
    if answer.status_code == 401:  # a reset, or the clock moved past the session's timeout, ended it
        log_in(session, running)
        answer = session.get(url, params={"state": "pending"}, timeout=30)
    answer.raise_for_status()
    return len(answer.json()["callouts"])


def stop_quietly(rt: RunningTopology) -> None:
    try:
        rt.stop()
    except Exception:  # noqa: BLE001,S110  (stopping is best effort: the process ends soon after)
        pass


def log_in(session, running) -> None:
    """The integration user's session on `session`, its token sent with every request."""
    session.headers["Authorization"] = f"Bearer {running.access_token(session)}"


def snapshot(rt: RunningTopology) -> RunningTopology:
    """Keep each environment's state as the start left it: its seeds and the org-linking settings."""
    for handle in rt.envs.values():
        handle.session.post(f"{handle.url}/_sim/snapshots/{FRESH}", timeout=30).raise_for_status()
    return rt


def reset(used: RunningTopology, kept: Kept) -> RunningTopology:
    """The same running fakes (their connector stopped by give_back), in the state a fresh start gives
    them, under a new connector."""
    clock = used.clock
    clock.unfreeze()
    clock.set(datetime.now(UTC))  # real time first, as a fresh Clock: what the resets create is dated now
    for name, running in used.orgs.items():
        session = kept.session(("pool", name), running)
        admin = f"{running.instance_url}/_sim"
        log_in(session, running)  # the previous reset ended the session this one had
        # Kept in memory, outside what the admin reset clears: fault rules, the journal, Omni presence.
        session.delete(f"{admin}/faults", timeout=30).raise_for_status()
        session.delete(f"{admin}/journal", timeout=30).raise_for_status()
        for user in running.org.config.users if used.topology.org(name).omni_routing else []:
            answer = session.post(
                f"{admin}/omni/presence", json={"username": user.username, "status": "Offline"}, timeout=30
            )
            answer.raise_for_status()
        # The org's records, sessions and API usage: the store made again as at the org's first start.
        session.post(f"{admin}/reset", timeout=30).raise_for_status()
    for handle in used.envs.values():
        # The reset clears what lives in memory (rate limits, journal, faults); the snapshot then gives the
        # store back as the start left it, org-linking settings included (launch.apply_settings wrote them).
        handle.session.post(f"{handle.url}/_sim/reset", timeout=30).raise_for_status()
        answer = handle.session.post(f"{handle.url}/_sim/snapshots/{FRESH}/restore", timeout=30)
        answer.raise_for_status()
    fresh = RunningTopology(
        used.topology,
        clock,
        used.connector_url,
        orgs=used.orgs,
        envs=used.envs,
        ca_bundle=used.ca_bundle,
    )
    fresh.start_connector()
    return fresh

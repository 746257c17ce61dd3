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

from __future__ import annotations

from datetime import UTC, datetime

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, start_topology

SETTLE_SECONDS = 10.0  # a topology still busy after this long is stopped instead of reused
FRESH = "acceptance-fresh-start"


class TopologyPool:
    """`take(name)` a running topology in its seeded state; `give_back(rt, reusable)` after the scenario."""

    def __init__(self):
        self.idle: dict[str, list[RunningTopology]] = {}
        self.started = 0
        self.reused = 0

    def take(self, name: str) -> RunningTopology:
        waiting = self.idle.get(name) or []
        while waiting:
            used = waiting.pop()
            try:
                fresh = reset(used)
            except Exception:  # noqa: BLE001  (a topology that cannot be reset is replaced, never reused)
                stop_quietly(used)
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
                rt.wait_idle(SETTLE_SECONDS)  # nothing queued for the connector that is about to go
                rt.stop_connector()
            except Exception:  # noqa: BLE001  (never reused then)
                reusable = False
        if reusable:
            self.idle.setdefault(name, []).append(rt)
        else:
            stop_quietly(rt)

    def close(self) -> None:
        for waiting in self.idle.values():
            for rt in waiting:
                stop_quietly(rt)
        self.idle.clear()


def stop_quietly(rt: RunningTopology) -> None:
    try:
        rt.stop()
    except Exception:  # noqa: BLE001,S110  (stopping is best effort: the process ends soon after)
        pass


def _login(session, running) -> None:
    """The integration user's session on `session`, as RunningOrg.access_token logs in (client credentials)."""
    answer = session.post(
        running.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": running.app.client_id,
            "client_secret": running.app.client_secret,
        },
        timeout=30,
    )
    answer.raise_for_status()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


def snapshot(rt: RunningTopology) -> RunningTopology:
    """Keep each environment's state as the start left it: its seeds and the org-linking settings."""
    for handle in rt.envs.values():
        handle.session.post(f"{handle.url}/_sim/snapshots/{FRESH}", timeout=30).raise_for_status()
    return rt


def reset(used: RunningTopology) -> RunningTopology:
    """The same running fakes (their connector stopped by give_back), in the state a fresh start gives
    them, under a new connector."""
    clock = used.clock
    clock.unfreeze()
    clock.set(datetime.now(UTC))  # real time first, as a fresh Clock: what the resets create is dated now
    for name, running in used.orgs.items():
        session, admin = running.session(), f"{running.instance_url}/_sim"
        _login(session, running)
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

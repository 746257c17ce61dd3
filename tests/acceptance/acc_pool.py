"""Started topologies kept per test process and put back in their seeded state between scenarios."""

# Starting a topology (every org's routes and schema, each environment, the connector) cost most of a
# scenario's time. A scenario that passed leaves its topology here; the next scenario on the same
# topology gets it back only after everything it held was returned to what a fresh start gives:
# nothing in flight (notifications, package callouts, connector jobs), every fake's admin reset (the
# orgs' and environments' stores, sessions, API usage, rate limits), the fault rules and journals the
# reset keeps cleared, agents' Omni-Channel presence back to offline (kept in memory, outside the
# reset), the shared clock back to real time, the environments' settings written again and a new
# connector (a new in-memory queue and store) on the published URL. A scenario that failed takes its
# topology down with it, so nothing it left half-done reaches another scenario.

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, apply_settings, start_topology

SETTLE_SECONDS = 10.0  # a topology still busy after this long is stopped instead of reused
OUTCOME = pytest.StashKey[bool]()  # False once any phase of the scenario failed (conftest.py records it)


def record_outcome(item, report) -> None:
    if report.failed:
        item.stash[OUTCOME] = False


def scenario_passed(item) -> bool:
    return item.stash.get(OUTCOME, True)


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
        return start_topology(load(scenario_path(name)).with_free_ports(), Clock())

    def give_back(self, rt: RunningTopology, name: str, reusable: bool) -> None:
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


def _org_admin(rt: RunningTopology, org: str):
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session, f"{running.instance_url}/_sim"


def reset(used: RunningTopology) -> RunningTopology:
    """The same running fakes, in the state a fresh start gives them, under a new connector."""
    used.wait_idle(SETTLE_SECONDS)  # nothing queued for the connector that is about to go
    used.stop_connector()
    for name, running in used.orgs.items():
        session, admin = _org_admin(used, name)
        session.post(f"{admin}/reset", timeout=30).raise_for_status()
        session, admin = _org_admin(used, name)  # the reset ended every session, this one's too
        session.delete(f"{admin}/faults", timeout=30).raise_for_status()
        session.delete(f"{admin}/journal", timeout=30).raise_for_status()
        for user in running.org.config.users if used.topology.org(name).omni_routing else []:
            answer = session.post(
                f"{admin}/omni/presence", json={"username": user.username, "status": "Offline"}, timeout=30
            )
            answer.raise_for_status()
    for handle in used.envs.values():
        handle.session.post(f"{handle.url}/_sim/reset", timeout=30).raise_for_status()
    clock = used.clock
    clock.unfreeze()
    clock.set(datetime.now(UTC))  # back to real time, as the fresh Clock of a fresh start
    fresh = RunningTopology(
        used.topology,
        clock,
        used.connector_url,
        orgs=used.orgs,
        envs=used.envs,
        ca_bundle=used.ca_bundle,
    )
    apply_settings(fresh)
    fresh.start_connector()
    return fresh

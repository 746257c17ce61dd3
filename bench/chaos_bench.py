"""Chaos bench: convergence after faults stop (20 % and 40 %), Salesforce API calls per conversation, lost and duplicated.

The many-to-one topology runs simulate.py's seeded driver under simulators/topology/chaos.py's faults (every kind,
on both sides, and a share of the webhook notifications and package callouts); the figures are read from the
org's request journal and the end state, through the fakes' admin APIs, as the chaos test checks them.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.topology.chaos import Chaos, end_state_problems
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import start_topology

SECONDS, RATE, SEED = 20, 6, 13
# The driver's own calls to the org (seeding, a Salesforce agent's clicks), not counted as the connector's.
DRIVER_QUERIES = ("alcmeon__Status__c = 'OPEN'", "FROM Group WHERE", "FROM RecordType", "Username =")
DRIVER_OBJECTS = ("/sobjects/Account", "/sobjects/Contact", "/sobjects/GroupMember")


def _connector_calls(running) -> int:
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    entries = session.get(f"{running.instance_url}/_sim/journal", params={"path": "^/services/data/"}).json()
    calls = 0
    for entry in entries["entries"]:
        path, query = entry["path"], unquote_plus(entry.get("query") or "")
        if any(q in query for q in DRIVER_QUERIES) or path.startswith(
            tuple(f"/services/data/v62.0{o}" for o in DRIVER_OBJECTS)
        ):
            continue
        if (
            entry["method"] == "PATCH"
            and "/sobjects/alcmeon__Conversation__c/" in path
            and "/composite/" not in path
        ):
            continue  # an agent's update of one record
        if path.endswith("/limits"):
            continue
        calls += 1
    return calls


def _one(share: float) -> dict:
    clock = Clock()
    rt = start_topology(load(scenario_path("many-to-one")).with_free_ports(), clock)
    try:
        chaos = Chaos(rt, clock, SEED, share)
        simulation = chaos.traffic(SECONDS, RATE)
        converged = chaos.settle(timeout=120)
        calls = sum(_connector_calls(running) for running in rt.orgs.values())
        records = sum(len(rt.conversations(org)) for org in rt.orgs)
        problems = end_state_problems(rt, simulation)
        invariants = problems.get("invariants", [])
        return {
            "messages": sum(simulation.written.values()),
            "records": records,
            # Real seconds; the clock moves on 61 s (one back-off cap) a turn meanwhile, as a long wait would.
            "converged_seconds_after_faults_stop": round(converged, 1),
            "clock_seconds_moved_while_converging": chaos.clock_moved,
            "salesforce_calls_per_conversation": round(calls / max(records, 1), 2),
            "deliveries_failed": chaos.flaky.failed if chaos.flaky else 0,
            "lost": sum(1 for p in invariants if "lost" in p or "not synced" in p),
            "duplicated": sum(1 for p in invariants if "duplicate" in p),
            "wrong": len(problems.get("wrong", [])),
            "closes_not_applied": len(problems.get("closes", [])),
            "sync_errors": len(problems.get("errors", [])),
        }
    finally:
        rt.stop()


def run(section: dict) -> None:
    section["setup"] = f"many-to-one, {SECONDS} s of traffic at {RATE} events/s, seed {SEED}"
    for label, share in (("no_faults", 0.0), ("faults_20_percent", 0.2), ("faults_40_percent", 0.4)):
        section[label] = _one(share)

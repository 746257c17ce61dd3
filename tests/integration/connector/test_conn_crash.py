"""Issue 13: the connector process killed with SIGKILL mid-backlog and mid-traffic, restarted on its store."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter

from conn_helpers import clear_org_faults, launch_connector_process, org_fault, route, write

from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"
# More conversations than one claim moves in one collection call (200, connector/engine.py), so the
# backlog is drained in several calls and a kill can land between them.
BACKLOG = 230


def _routed(rt, index: int) -> dict:
    message = write(rt, ENV, "Brand WhatsApp", f"3362000{index:04d}", f"message {index}")
    route(rt, ENV, message["task_id"], "Salesforce agents")
    return message


def test_sigkill_mid_backlog_and_mid_traffic_loses_and_doubles_nothing(
    topology_factory, topology_clock, tmp_path
):
    rt = topology_factory("one-to-one", durable=True, with_connector=False)

    def launch() -> subprocess.Popen:
        return launch_connector_process(rt, tmp_path, ORG, ENV)

    def kill(process: subprocess.Popen) -> None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    # A backlog written while no connector runs; a slow org keeps the drain in flight when it is killed.
    messages = [_routed(rt, i) for i in range(BACKLOG)]
    org_fault(rt, ORG, {"kind": "latency", "path": "alcmeon__Conversation__c", "latency_ms": 250})
    process = launch()
    try:
        wait_until(lambda: len(rt.conversations(ORG)) >= 1, 30, 0.02, "a first record of the backlog")
        kill(process)
        assert len(rt.conversations(ORG)) < len(messages)

        process = launch()
        written = threading.Event()

        def traffic():
            for i in range(BACKLOG, BACKLOG + 15):
                messages.append(_routed(rt, i))
            written.set()

        driver = threading.Thread(target=traffic, daemon=True)
        driver.start()
        # Salesforce agents close records while the connector works: callouts to apply in Alcméon.
        first = [rt.wait_for_record(ORG, m["scoped_id"], timeout=30) for m in messages[:3]]
        agent = rt.agent_client(ORG)
        for record in first:
            agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})
        wait_until(lambda: len(messages) >= BACKLOG + 6, 30, 0.02, "traffic under way")
        kill(process)  # mid-traffic: notifications, callouts and writes in flight
        driver.join(30)
        assert written.is_set()
        clear_org_faults(rt, ORG)
        process = launch()
        # The fakes' own redeliveries (webhook, package callouts) back off on the shared clock.
        topology_clock.advance(120)

        def all_there():
            return len(rt.conversations(ORG)) >= len(messages)

        wait_until(all_there, 40, 0.2, "every conversation in the org")
        counts = Counter(r["alcmeon__scoped_id__c"] for r in rt.conversations(ORG))
        assert set(counts) == {m["scoped_id"] for m in messages}
        assert set(counts.values()) == {1}

        def closed_in_alcmeon():
            topology_clock.advance(60)
            views = [
                rt.env(ENV).ext("GET", f"/conversations/{m['conversation_id']}").json() for m in messages[:3]
            ]
            return all(v["status"] == "closed" for v in views)

        wait_until(closed_in_alcmeon, 30, 0.5, "the Salesforce closes applied in Alcméon")
        closed = {
            r["alcmeon__scoped_id__c"] for r in rt.conversations(ORG, "WHERE alcmeon__Status__c = 'CLOSED'")
        }
        assert closed == {m["scoped_id"] for m in messages[:3]}
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_sync_that_read_alcmeon_before_a_salesforce_close_does_not_leave_the_record_open(topology_factory):
    """The crash test's race made deterministic: a sync of the conversation has read it open in Alcméon
    and its upsert is still on the way when the agent closes the record; that sync runs before the
    close's callout (jobs of a conversation run in order) and writes OPEN over the agent's CLOSED. Once
    Alcméon shows the close, the record must be CLOSED again (SYNC-06), not only after the `archive`
    sync that follows, which the same slow upserts hold back here."""
    rt = topology_factory("one-to-one")
    message = _routed(rt, 9001)
    rt.wait_for_record(ORG, message["scoped_id"])
    rt.wait_idle()
    # Only the connector's upserts by scoped id are slow; the agent's own update is not.
    org_fault(
        rt, ORG, {"kind": "latency", "method": "PATCH", "path": "alcmeon__scoped_id__c", "latency_ms": 2000}
    )
    write(rt, ENV, "Brand WhatsApp", "33620009001", "still there?")  # a sync that reads it open

    def sync_in_flight():
        running = rt.admin("GET", "/jobs", params={"state": "running"}).json()
        return any(j["type"] == "alcmeon.action" for j in running)

    wait_until(sync_in_flight, 15, 0.01, "the sync of the new message under way")
    record = rt.record(ORG, message["scoped_id"])
    rt.agent_client(ORG).alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})

    def closed_in_alcmeon():
        view = rt.env(ENV).ext("GET", f"/conversations/{message['conversation_id']}").json()
        return view["status"] == "closed"

    wait_until(closed_in_alcmeon, 30, 0.02, "the Salesforce close applied in Alcméon")
    assert rt.record(ORG, message["scoped_id"])["alcmeon__Status__c"] == "CLOSED"
    clear_org_faults(rt, ORG)
    rt.wait_idle()
    assert rt.record(ORG, message["scoped_id"])["alcmeon__Status__c"] == "CLOSED"

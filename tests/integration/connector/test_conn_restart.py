"""A connector stopped or killed (-9) mid-run and started again: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter

from conn_helpers import launch_connector_process, org_fault, route, write

from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"


def _routed(rt, index: int) -> dict:
    message = write(rt, ENV, "Brand WhatsApp", f"3361000{index:04d}", f"message {index}")
    route(rt, ENV, message["task_id"], "Salesforce agents")
    return message


def _exactly_once(rt, messages: list[dict]) -> None:
    def all_there():
        return len(rt.conversations(ORG)) >= len(messages)

    wait_until(all_there, 60, 0.2, "every conversation in the org")
    counts = Counter(r["alcmeon__scoped_id__c"] for r in rt.conversations(ORG))
    assert set(counts) == {m["scoped_id"] for m in messages}
    assert set(counts.values()) == {1}


def test_a_connector_stopped_mid_run_and_restarted_loses_and_duplicates_nothing(topology_factory):
    rt = topology_factory("one-to-one", durable=True)
    messages = [_routed(rt, i) for i in range(15)]
    rt.stop_connector()  # workers finish their claim; whatever is queued stays in the SQLite file
    messages += [_routed(rt, i) for i in range(15, 25)]  # written while no connector listens
    rt.start_connector()  # catch-up through GET /actions on start
    _exactly_once(rt, messages)


def test_a_connector_killed_with_sigkill_and_restarted_loses_and_duplicates_nothing(
    topology_factory, tmp_path
):
    rt = topology_factory("one-to-one", durable=True, with_connector=False)

    def launch() -> subprocess.Popen:
        return launch_connector_process(rt, tmp_path, ORG, ENV)

    # A slow org keeps the connector busy, so the kill lands while writes are in flight.
    org_fault(rt, ORG, {"kind": "latency", "path": "alcmeon__Conversation__c", "latency_ms": 300})
    process = launch()
    try:
        messages = [_routed(rt, i) for i in range(20)]
        wait_until(lambda: len(rt.conversations(ORG)) >= 1, 30, 0.02, "a first record before the kill")
        os.kill(process.pid, signal.SIGKILL)  # mid-run: jobs queued, some claimed, some written
        process.wait(timeout=10)
        assert len(rt.conversations(ORG)) < len(messages)
        messages += [_routed(rt, i) for i in range(20, 30)]
        process = launch()
        _exactly_once(rt, messages)
    finally:
        process.kill()
        process.wait(timeout=10)

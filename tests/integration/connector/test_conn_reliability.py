"""Issue 13, defects 3-5: errors keyed by what failed, errors before the org is known, outages of 30 clock minutes."""

from __future__ import annotations

import time

from conn_helpers import clear_org_faults, org_fault, route, write

from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"
ACCOUNT = "Brand WhatsApp"


def _env_fault(rt, rule: dict) -> None:
    handle = rt.env(ENV)
    handle.session.post(f"{handle.url}/_sim/faults", json=rule).raise_for_status()


def _clear_env_faults(rt) -> None:
    handle = rt.env(ENV)
    handle.session.delete(f"{handle.url}/_sim/faults").raise_for_status()


def _conversation(rt, conversation_id: int) -> dict:
    answer = rt.env(ENV).ext("GET", f"/conversations/{conversation_id}")
    answer.raise_for_status()
    return answer.json()


def _routed(rt, user: str, text: str = "Hello") -> dict:
    message = write(rt, ENV, ACCOUNT, user, text)
    route(rt, ENV, message["task_id"], "Salesforce agents")
    return message


def _close_in_salesforce(rt, scoped_id: str) -> None:
    record = rt.wait_for_record(ORG, scoped_id)
    rt.agent_client(ORG).alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})


def _pending_errors(rt) -> int:
    return rt.admin("GET", "/orgs").json()[0]["errors_pending"]


def test_a_failed_close_from_salesforce_is_not_resolved_by_a_later_sync_and_its_retry_closes(topology):
    """Defect 3: the callout's error stays pending after a successful sync of the same conversation;
    an admin's retry applies the close in Alcméon."""
    message = _routed(topology, "33612000001")
    topology.wait_idle()
    _env_fault(
        topology,
        {
            "kind": "error",
            "method": "POST",
            "path": r"^/_sim/ext/conversations/\d+/close$",
            "status": 400,
            "error_code": "bad-request",
            "message": "refused by a fault rule",
            "times": 1,
        },
    )
    _close_in_salesforce(topology, message["scoped_id"])
    errors = wait_until(
        lambda: topology.admin("GET", "/sync-errors", params={"org": ORG}).json(),
        15,
        what="the close's error",
    )
    assert [e["job_type"] for e in errors] == ["package.callout"]
    # The customer writes again: a successful sync of the same conversation (it goes back to OPEN).
    again = write(topology, ENV, ACCOUNT, "33612000001", "Still there?")
    assert again["scoped_id"] == message["scoped_id"]
    topology.wait_idle()
    assert topology.record(ORG, message["scoped_id"])["alcmeon__Status__c"] == "OPEN"
    assert [e["id"] for e in topology.admin("GET", "/sync-errors", params={"org": ORG}).json()] == [
        errors[0]["id"]
    ]
    assert _pending_errors(topology) == 1
    topology.admin("POST", f"/sync-errors/{errors[0]['id']}/retry").raise_for_status()
    wait_until(
        lambda: _conversation(topology, message["conversation_id"])["status"] == "closed",
        15,
        what="the close applied in Alcméon",
    )
    topology.wait_for_record(ORG, message["scoped_id"], lambda r: r["alcmeon__Status__c"] == "CLOSED")
    topology.wait_idle()
    assert _pending_errors(topology) == 0


def test_an_error_before_the_org_is_known_counts_under_the_org_and_its_retry_all_retries_it(topology):
    """Defect 4: the conversation read fails for good before the org is decided; the error still belongs
    to the org that the account is linked to."""
    _env_fault(
        topology,
        {
            "kind": "error",
            "method": "GET",
            "path": r"^/_sim/ext/conversations/\d+$",
            "status": 400,
            "error_code": "bad-request",
            "message": "refused by a fault rule",
        },
    )
    message = _routed(topology, "33612000002")
    wait_until(lambda: _pending_errors(topology) == 1, 15, what="the error counted under the org")
    _clear_env_faults(topology)
    [error] = topology.admin("GET", "/sync-errors", params={"org": ORG}).json()
    assert error["org"] == topology.connector.org(ORG).organization_id
    answer = topology.admin("POST", f"/orgs/{ORG}/sync-errors/retry")
    assert [e["id"] for e in answer.json()["retried"]] == [error["id"]]
    topology.wait_for_record(ORG, message["scoped_id"])
    topology.wait_idle()
    assert _pending_errors(topology) == 0


def _advance(clock, seconds: float, step: float = 30.0) -> None:
    """Move the shared clock on by `seconds`, a step at a time, so due back-offs run on the way."""
    moved = 0.0
    while moved < seconds:
        clock.advance(step)
        moved += step
        time.sleep(0.03)


def _converged(rt, clock, messages: list[dict]) -> None:
    """Faults are off: one more back-off cap on the clock, then every record there exactly once."""
    clock.advance(61)

    def there():
        records = rt.conversations(ORG)
        return records if len(records) >= len(messages) else None

    records = wait_until(there, 30, 0.2, "every record after the outage")
    assert sorted(r["alcmeon__scoped_id__c"] for r in records) == sorted(m["scoped_id"] for m in messages)
    rt.wait_idle(30)
    assert rt.admin("GET", "/sync-errors", params={"state": ""}).json() == []


def _open_jobs(rt) -> list[dict]:
    """Jobs not yet done: waiting ones and those a worker is trying at this moment."""
    return [
        j
        for state in ("pending", "running")
        for j in rt.admin("GET", "/jobs", params={"state": state}).json()
    ]


def test_thirty_clock_minutes_of_outage_on_each_side_end_in_convergence(topology, topology_clock):
    """Defect 5: the org, then the environment, answer 503 to the connector for 30 minutes of clock time;
    back-offs (capped at 60 s) keep trying, nothing is lost and no sync error is raised."""
    before = [_routed(topology, f"3361300000{i}") for i in range(2)]
    for message in before:
        topology.wait_for_record(ORG, message["scoped_id"])
    org_fault(topology, ORG, {"kind": "error", "path": r"^/services/data/", "status": 503})
    during_org = [_routed(topology, f"3361310000{i}") for i in range(4)]

    def failing():
        return len({j["key"] for j in _open_jobs(topology) if j["last_error"]}) >= len(during_org)

    wait_until(failing, 15, what="the connector to meet the outage")
    _advance(topology_clock, 30 * 60)
    jobs = _open_jobs(topology)
    # Waiting jobs stay visible to an admin: how many tries, since when, the last error.
    summary = [(j["type"], j["attempts"], j["failing_since"] is not None, j["last_error"]) for j in jobs]
    assert jobs and all(since and "503" in (e or "") for _, _, since, e in summary), summary
    assert max(a for _, a, _, _ in summary) >= 8, summary  # past the old budget of 8 attempts
    clear_org_faults(topology, ORG)
    _converged(topology, topology_clock, before + during_org)

    # The environment's turn: everything the connector calls fails, but customers and agents still act.
    account, team = topology.account_id(ENV, ACCOUNT), topology.team_id(ENV, "Salesforce agents")

    def routed_while_down(user: str) -> dict:
        message = topology.env(ENV).customer_writes(account, user, "Hello")
        answer = topology.env(ENV).ext("POST", f"/tasks/{message['task_id']}/route", json={"team_id": team})
        answer.raise_for_status()
        return message

    _env_fault(
        topology,
        {
            "kind": "error",
            "path": r"^(?!/_sim/ext/(customers/messages|tasks/))",
            "status": 503,
            "error_code": "server-error",
            "message": "down",
        },
    )
    during_env = [routed_while_down(f"3361320000{i}") for i in range(3)]
    _close_in_salesforce(topology, before[0]["scoped_id"])  # a callout that must reach Alcméon later
    _advance(topology_clock, 30 * 60)
    _clear_env_faults(topology)
    _converged(topology, topology_clock, before + during_org + during_env)
    assert _conversation(topology, before[0]["conversation_id"])["status"] == "closed"

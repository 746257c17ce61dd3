"""A topology handed back by one scenario and taken by the next shows nothing of the first (acc_pool.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from acc_pool import TopologyPool
from simple_salesforce import format_soql

from alcsim.simulators.common.waiting import wait_until

NAME = "wf-all-in-salesforce"  # Cases in a queue and Omni-Channel routing: the most state outside records


def _agent(rt) -> str:
    username = rt.org("service").org.config.users[1].username
    sf = rt.org("service").client()
    return sf.query(format_soql("SELECT Id FROM User WHERE Username = {}", username))["records"][0]["Id"]


def _queue(sf) -> str:
    return sf.query("SELECT Id FROM Group WHERE DeveloperName = 'Social_Cases'")["records"][0]["Id"]


def _admin(rt):
    running = rt.org("service")
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session, f"{running.instance_url}/_sim"


def _agent_takes_cases(rt, status: str) -> None:
    sf = rt.org("service").client()
    sf.GroupMember.create({"GroupId": _queue(sf), "UserOrGroupId": _agent(rt)})
    session, admin = _admin(rt)
    username = rt.org("service").org.config.users[1].username
    answer = session.post(f"{admin}/omni/presence", json={"username": username, "status": status})
    assert answer.status_code == 200, answer.text


def _customer_writes(rt, user_id: str) -> str:
    """The Case made for the customer's conversation record, once the connector pushed it."""
    env = rt.env("brand")
    written = env.customer_writes(rt.account_id("brand", "Brand WhatsApp"), user_id, "Hello", name="Ana")
    sf = rt.org("service").client()
    soql = format_soql(
        "SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE alcmeon__scoped_id__c = {}",
        written["scoped_id"],
    )
    return wait_until(
        lambda: next(
            (r["alcmeon__Case__c"] for r in sf.query(soql)["records"] if r["alcmeon__Case__c"]), None
        ),
        20,
        0.05,
        "the customer's Case",
    )


def test_a_reused_topology_starts_from_its_seeded_state():
    pool = TopologyPool()
    try:
        used = pool.take(NAME)
        # The first scenario leaves records, a Case handed to an available agent, a fault rule, a journal
        # and the clock moved on.
        _agent_takes_cases(used, "Available")
        case_id = _customer_writes(used, "33612345678")
        sf = used.org("service").client()
        wait_until(lambda: sf.Case.get(case_id)["OwnerId"] == _agent(used), 20, 0.05, "Omni routing")
        session, admin = _admin(used)
        fault = {"kind": "error", "path": "/nothing-calls-this", "status": 500}
        session.post(f"{admin}/faults", json=fault).raise_for_status()
        used.clock.advance(hours=30)
        used.admin("GET", "/health").raise_for_status()
        pool.give_back(used, NAME, reusable=True)

        fresh = pool.take(NAME)
        assert fresh.orgs is used.orgs and fresh.connector_url == used.connector_url and pool.reused == 1
        sf = fresh.org("service").client()
        for sobject in ("alcmeon__Conversation__c", "Case", "GroupMember", "Contact"):
            assert sf.query(f"SELECT COUNT() FROM {sobject}")["totalSize"] == 0, sobject
        session, admin = _admin(fresh)
        assert session.get(f"{admin}/faults").json()["rules"] == []
        env = fresh.env("brand")
        assert env.session.get(f"{env.url}/actions", params={"min_action_id": 0}).json() == []
        assert fresh.admin("GET", "/sync-errors").json() == []
        assert abs((fresh.clock.now() - datetime.now(UTC)).total_seconds()) < 60
        # The agent is a member of the queue again but has not gone Available in this scenario: the next
        # Case waits in the queue (presence lives outside the org's store; the pool sets it back).
        sf.GroupMember.create({"GroupId": _queue(sf), "UserOrGroupId": _agent(fresh)})
        case_id = _customer_writes(fresh, "33687654321")
        fresh.wait_idle(20)
        assert sf.Case.get(case_id)["OwnerId"] == _queue(sf)
        pool.give_back(fresh, NAME, reusable=False)
    finally:
        pool.close()

"""Transfers from Salesforce: queues mapped to teams or to another org, and closes (UPD-02, TOPO-06/07)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conn_helpers import route, write

from alcsim.simulators.topology.launch import wait_until

ENV = "brand"
TOPOLOGY = str(Path(__file__).parent / "topologies" / "transfers.yaml")


@pytest.fixture
def rt(topology_factory):
    return topology_factory(TOPOLOGY)


def queue_id(rt, org: str, developer_name: str) -> str:
    rows = (
        rt.org(org)
        .client()
        .query(f"SELECT Id FROM Group WHERE Type = 'Queue' AND DeveloperName = '{developer_name}'")["records"]
    )
    return rows[0]["Id"]


def conversation(rt, conversation_id: int) -> dict:
    return rt.env(ENV).ext("GET", f"/conversations/{conversation_id}").json()


def synced(rt, phone: str, team: str = "First agents") -> tuple[dict, dict]:
    message = write(rt, ENV, "Brand WhatsApp", phone, "Bonjour")
    route(rt, ENV, message["task_id"], team)
    record = rt.wait_for_record("first", message["scoped_id"])
    rt.wait_idle()
    return message, record


def test_owner_moved_to_a_queue_mapped_to_an_alcmeon_team_moves_the_conversation(rt):
    """UPD-02, TOPO-06: the record goes to the queue that stands for team Support; in Alcméon the
    conversation is routed to Support (a `tag` action on the Team tag)."""
    message, record = synced(rt, "33680000001")
    agent = rt.agent_client("first")
    agent.alcmeon__Conversation__c.update(record["Id"], {"OwnerId": queue_id(rt, "first", "Alcmeon_Support")})
    support = rt.team_id(ENV, "Support")
    wait_until(
        lambda: conversation(rt, message["conversation_id"])["team_id"] == support, 15, what="transfer"
    )
    rt.wait_idle()
    assert rt.record("first", message["scoped_id"])["OwnerId"] == queue_id(rt, "first", "Alcmeon_Support")
    # TOPO-06 the other way: a Support agent hands it back to the Salesforce team from Alcméon.
    route(rt, ENV, conversation(rt, message["conversation_id"])["tasks"][-1]["id"], "First agents")
    back = queue_id(rt, "first", "First_Queue")
    rt.wait_for_record("first", message["scoped_id"], lambda r: r["OwnerId"] == back)


def test_a_case_moved_to_a_mapped_queue_moves_the_conversation(rt):
    """TOPO-06 through a Case (customer automation records the Case's queue in From_SF_Queue_Id__c)."""
    message, record = synced(rt, "33680000002")
    case_id = (
        rt.org("first")
        .client()
        .query(f"SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE Id = '{record['Id']}'")[
            "records"
        ][0]["alcmeon__Case__c"]
    )
    rt.agent_client("first").Case.update(case_id, {"OwnerId": queue_id(rt, "first", "Alcmeon_Support")})
    support = rt.team_id(ENV, "Support")
    wait_until(
        lambda: conversation(rt, message["conversation_id"])["team_id"] == support, 15, what="transfer"
    )


def test_a_queue_configured_to_push_to_another_org_makes_it_arrive_there(rt):
    """TOPO-07: queue To_Second of the first org routes to team Second agents, mapped to the second org."""
    answer = rt.admin(
        "PUT",
        "/queue-routes",
        json={"env": ENV, "org": "first", "queue": "To_Second", "team": "Second agents"},
    )
    assert answer.status_code == 200, answer.text
    message, record = synced(rt, "33680000003")
    rt.agent_client("first").alcmeon__Conversation__c.update(
        record["Id"], {"OwnerId": queue_id(rt, "first", "To_Second")}
    )
    arrived = rt.wait_for_record("second", message["scoped_id"])
    assert arrived["OwnerId"] == queue_id(rt, "second", "Second_Queue")
    assert conversation(rt, message["conversation_id"])["team_id"] == rt.team_id(ENV, "Second agents")


def test_a_queue_mapped_to_no_team_changes_nothing_in_alcmeon(rt):
    """UPD-02 only for mapped queues: an unmapped queue leaves the conversation in its team."""
    message, record = synced(rt, "33680000004")
    rt.agent_client("first").alcmeon__Conversation__c.update(
        record["Id"], {"OwnerId": queue_id(rt, "first", "Unmapped_Queue")}
    )
    wait_until(
        lambda: any(
            j["type"] == "package.callout" and j["state"] == "done" for j in rt.admin("GET", "/jobs").json()
        ),
        15,
        what="the callout",
    )
    rt.wait_idle()
    assert conversation(rt, message["conversation_id"])["team_id"] == rt.team_id(ENV, "First agents")


def test_closing_the_record_in_salesforce_closes_the_conversation(rt):
    """Status change from Salesforce: CLOSED on the record closes the conversation in Alcméon, as the
    Salesforce user's Alcméon agent (found or created by e-mail)."""
    message, record = synced(rt, "33680000005")
    rt.agent_client("first").alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})
    wait_until(lambda: conversation(rt, message["conversation_id"])["status"] == "closed", 15, what="close")
    agents = rt.env(ENV).ext("GET", "/agents").json()
    assert any(a["email"] == "agent@first.alcsim.example" for a in agents)


def test_a_bad_queue_route_is_refused(rt):
    answer = rt.admin(
        "PUT", "/queue-routes", json={"env": ENV, "org": "first", "queue": "Nope", "team": "Support"}
    )
    assert answer.status_code == 404
    assert rt.admin("GET", "/queue-routes").json() == []

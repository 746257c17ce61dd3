"""The package reports conversation changes to each environment's endpoint: signed, async, retried, ordered."""

from __future__ import annotations

import pytest

from alcsim.simulators.common.waiting import wait_until

pytestmark = pytest.mark.fake_only(reason="configures package callouts and reads the fake's callout queue")

AGENT = "agent@org.example"


def _config(receiver, **extra) -> dict:
    return {
        "users": [
            {"username": "integration@org.example", "last_name": "Integration"},
            {"username": AGENT, "last_name": "Agent", "profile": "Standard User"},
        ],
        "queues": [{"name": "Social", "sobjects": ["Case", "alcmeon__Conversation__c"]}],
        "package_callouts": [
            {
                "scope": "envA",
                "url": receiver.url("envA"),
                "secret": "s3cret",
                "run_as": "integration@org.example",
            },
            {
                "scope": "envB",
                "url": receiver.url("envB"),
                "secret": "s3cret",
                "run_as": "integration@org.example",
            },
        ],
        **extra,
    }


def test_changes_by_agents_are_called_out_to_their_environment(sf_org_factory, callout_receiver, login_as):
    running = sf_org_factory(_config(callout_receiver))
    connector, agent = running.client(), login_as(running, AGENT)
    queue = agent.query("SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Case'")["records"][0][
        "QueueId"
    ]
    first = connector.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "envA:1:2:3"})["id"]
    second = connector.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "envB:1:2:9"})["id"]
    contact = agent.Contact.create({"LastName": "Doe"})["id"]
    agent.alcmeon__Conversation__c.update(first, {"alcmeon__Contact__c": contact})
    agent.alcmeon__Conversation__c.update(second, {"OwnerId": queue})
    received = callout_receiver.wait_for(2)
    by_scope = {c["scope"]: c for c in received}
    assert by_scope["envA"]["record_id"] == first and by_scope["envA"]["scoped_id"] == "envA:1:2:3"
    assert by_scope["envA"]["changes"] == {"alcmeon__Contact__c": {"old": None, "new": contact}}
    assert (
        by_scope["envA"]["organization_id"] == running.org.id
        and by_scope["envA"]["event"] == "conversation.updated"
    )
    assert by_scope["envB"]["owner"] == {"id": queue, "type": "Queue", "developer_name": "Social"}
    assert by_scope["envB"]["changes"]["OwnerId"]["new"] == queue
    assert by_scope["envA"]["id"] < by_scope["envB"]["id"]


def test_the_connectors_own_writes_are_not_echoed(sf_org_factory, callout_receiver, login_as):
    running = sf_org_factory(_config(callout_receiver))
    connector, agent = running.client(), login_as(running, AGENT)
    conversation = connector.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "envA:5:5:5"})["id"]
    connector.alcmeon__Conversation__c.update(conversation, {"alcmeon__Status__c": "CLOSED"})
    agent.alcmeon__Conversation__c.update(conversation, {"alcmeon__Status__c": "OPEN"})
    received = callout_receiver.wait_for(1)
    assert [c["changes"] for c in received] == [{"alcmeon__Status__c": {"old": "CLOSED", "new": "OPEN"}}]


def test_failed_callouts_are_retried_in_order_with_the_same_id(
    sf_org_factory, callout_receiver, sf_clock, login_as
):
    running = sf_org_factory(_config(callout_receiver))
    connector, agent = running.client(), login_as(running, AGENT)
    conversation = connector.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "envA:7:7:7"})["id"]
    callout_receiver.fail_next = 2
    agent.alcmeon__Conversation__c.update(conversation, {"alcmeon__Status__c": "CLOSED"})
    agent.alcmeon__Conversation__c.update(conversation, {"alcmeon__Status__c": "OPEN"})
    admin = running.session()
    admin.headers["Authorization"] = f"Bearer {connector.session_id}"
    for _ in range(2):  # each failure waits for its back-off on the org's clock
        sf_clock.advance(600)
        admin.post(f"{running.instance_url}/_sim/package/callouts/run")
    received = callout_receiver.wait_for(2)
    assert [c["changes"]["alcmeon__Status__c"]["new"] for c in received] == ["CLOSED", "OPEN"]

    def states():  # the receiver records a callout a moment before the org marks it delivered
        callouts = admin.get(f"{running.instance_url}/_sim/package/callouts").json()["callouts"]
        return [(c["state"], c["attempts"]) for c in callouts]

    wait_until(
        lambda: states() == [("delivered", 3), ("delivered", 1)], timeout=10, what="both callouts delivered"
    )


def test_a_rolled_back_change_makes_no_callout(sf_org_factory, callout_receiver, login_as):
    running = sf_org_factory(_config(callout_receiver))
    connector, agent = running.client(), login_as(running, AGENT)
    conversation = connector.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "envA:8:8:8"})["id"]
    agent.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "allOrNone": True,
            "records": [
                {
                    "attributes": {"type": "alcmeon__Conversation__c"},
                    "id": conversation,
                    "alcmeon__Status__c": "CLOSED",
                },
                {"attributes": {"type": "Contact"}, "id": "003000000000000AAA", "LastName": "missing"},
            ],
        },
    )
    agent.alcmeon__Conversation__c.update(conversation, {"alcmeon__User_name__c": "not watched"})
    agent.alcmeon__Conversation__c.update(conversation, {"alcmeon__Status__c": "OPEN"})
    received = callout_receiver.wait_for(1)
    assert [c["changes"]["alcmeon__Status__c"] for c in received] == [{"old": None, "new": "OPEN"}]

"""Notifications and callouts: signatures, an outage then catch-up through GET /actions, durable receipt."""

from __future__ import annotations

import json

from conn_helpers import route, write

from alcsim.connector.signatures import callout_signature, webhook_signature
from alcsim.simulators.salesforce.running import trusting_session

ENV, ORG = "brand", "main"


def test_a_bad_webhook_signature_is_refused_and_applies_nothing(topology):
    path = f"/alcmeon/{ENV}/notify"
    action = {
        "id": 999,
        "type": "task-create",
        "task": {"id": 1, "conversation_id": 1, "conversation": {"id": 1}},
    }
    body = json.dumps({"id": 999, "action": action}).encode()
    session = trusting_session(topology.ca_bundle)
    wrong = webhook_signature("not-the-secret", path, body)
    answer = session.post(
        topology.connector_url + path, data=body, headers={"X-Alcmeon-Webhook-Signature": wrong}
    )
    assert answer.status_code == 401
    missing = session.post(topology.connector_url + path, data=body)
    assert missing.status_code == 401
    assert [j for j in topology.admin("GET", "/jobs").json() if j["dedupe"] == f"action:{ENV}:999"] == []


def test_a_good_signature_is_accepted(topology):
    path = f"/alcmeon/{ENV}/notify"
    body = json.dumps({"id": 5000, "action": {"id": 5000, "type": "comment", "task": {}}}).encode()
    signature = webhook_signature(topology.env(ENV).secret, path, body)
    answer = trusting_session(topology.ca_bundle).post(
        topology.connector_url + path, data=body, headers={"X-Alcmeon-Webhook-Signature": signature}
    )
    assert answer.status_code == 200


def test_a_webhook_outage_is_caught_up_through_actions(topology):
    """The webhook is off (as after Alcméon disables it); the connector reads GET /actions and syncs."""
    env = topology.env(ENV)
    url = f"{topology.connector_url}/alcmeon/{ENV}/notify"
    env.ext("PUT", "/application/webhook", json={"url": url, "enabled": False}).raise_for_status()
    delivered = env.ext("GET", "/notifications/stats").json()["deliveries"].get("delivered", 0)
    message = write(topology, ENV, "Brand WhatsApp", "33612121212")
    route(topology, ENV, message["task_id"], "Salesforce agents")
    topology.admin("POST", "/catch-up").raise_for_status()  # the periodic catch-up may have run already
    record = topology.wait_for_record(ORG, message["scoped_id"])
    assert record["alcmeon__Status__c"] == "OPEN"
    assert env.ext("GET", "/notifications/stats").json()["deliveries"].get("delivered", 0) == delivered
    env.ext("PUT", "/application/webhook", json={"url": url, "enabled": True}).raise_for_status()
    assert topology.admin("POST", "/catch-up").json()["enqueued"] == 0  # nothing twice
    dedupes = [j["dedupe"] for j in topology.admin("GET", "/jobs", params={"limit": 1000}).json()]
    assert len(dedupes) == len(set(dedupes))


def test_package_callouts_are_verified_stored_and_routed_by_environment(topology):
    """A signed callout is stored as a job for its conversation; a bad signature is 401 and stores nothing."""
    path = f"/package/{ORG}/{ENV}"
    callout = {
        "id": 1,
        "organization_id": topology.connector.org(ORG).organization_id,
        "event": "conversation.updated",
        "sobject": "alcmeon__Conversation__c",
        "record_id": "a00000000000001",
        "scoped_id": "39u:1:1:a",
        "changes": {"alcmeon__Status__c": {"old": "OPEN", "new": "CLOSED"}},
        "owner": {"id": "005000000000001", "type": "User", "developer_name": None},
        "user_id": "005000000000001",
        "occurred_at": "2026-11-22T18:00:00.000+0000",
    }
    body = json.dumps(callout).encode()
    session = trusting_session(topology.ca_bundle)
    bad = session.post(
        topology.connector_url + path, data=body, headers={"X-Alcmeon-Package-Signature": "00"}
    )
    assert bad.status_code == 401
    assert [j for j in topology.admin("GET", "/jobs").json() if j["type"] == "package.callout"] == []
    secret = topology.topology.callout_secret(ORG, ENV)
    headers = {"X-Alcmeon-Package-Signature": callout_signature(secret, body)}
    assert session.post(topology.connector_url + path, data=body, headers=headers).status_code == 200
    assert (
        session.post(topology.connector_url + path, data=body, headers=headers).status_code == 200
    )  # a retry
    jobs = [j for j in topology.admin("GET", "/jobs").json() if j["type"] == "package.callout"]
    assert len(jobs) == 1
    assert jobs[0]["key"] == f"{ENV}:10"  # the conversation's ordering key (scoped id part "a" = 10)
    assert jobs[0]["payload"]["callout"]["changes"] == callout["changes"]

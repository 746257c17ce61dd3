"""Failure paths of the Salesforce -> Alcméon side: retried 5xx, and a refused match kept as a sync error."""

from __future__ import annotations

from conn_helpers import route, write

from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"
MATCH_PATH = r"^/custom-field/accounts/\d+/users$"


def env_admin(rt, method: str, path: str, **kwargs):
    handle = rt.env(ENV)
    return handle.session.request(method, f"{handle.url}/_sim{path}", **kwargs)


def link_contact(rt, phone: str) -> tuple[dict, str]:
    message = write(rt, ENV, "Brand WhatsApp", phone, "Hola")
    route(rt, ENV, message["task_id"], "Salesforce agents")
    record = rt.wait_for_record(ORG, message["scoped_id"])
    agent = rt.agent_client(ORG)
    contact = agent.Contact.create({"LastName": "Faure"})["id"]
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Contact__c": contact})
    return message, contact


def matched_to(rt, social_user_id: int) -> str | None:
    return rt.env(ENV).ext("GET", f"/users/{social_user_id}").json()["crm_contact_id"]


def test_a_5xx_from_alcmeon_is_retried_and_the_match_lands(topology):
    """The engine's retries apply to callouts too: two 503s, then the custom field write passes."""
    env_admin(
        topology,
        "POST",
        "/faults",
        json={
            "kind": "error",
            "path": MATCH_PATH,
            "status": 503,
            "times": 2,
            "error_code": "server-error",
            "message": "down",
        },
    ).raise_for_status()
    message, contact = link_contact(topology, "33671000001")
    wait_until(lambda: matched_to(topology, message["social_user_id"]) == contact, 15, what="the match")
    statuses = [
        e["status"]
        for e in env_admin(topology, "GET", "/journal", params={"path": MATCH_PATH}).json()["entries"]
    ]
    assert statuses[:3] == [503, 503, 200]
    topology.wait_idle()
    assert topology.admin("GET", "/sync-errors").json() == []


def test_a_refused_match_is_a_sync_error_an_admin_retries(topology):
    """SYNC-10 for callouts: a permanent refusal stops nothing else, shows as pending for the org, and
    the admin's retry applies it once the cause is gone."""
    env_admin(
        topology,
        "POST",
        "/faults",
        json={
            "kind": "error",
            "path": MATCH_PATH,
            "status": 400,
            "error_code": "invalid-request-body",
            "message": "no",
        },
    ).raise_for_status()
    message, contact = link_contact(topology, "33671000002")
    errors = wait_until(lambda: topology.admin("GET", "/sync-errors").json(), 15, what="the sync error")
    org_id = topology.connector.org(ORG).organization_id
    assert [(e["org"], e["scoped_id"], e["code"]) for e in errors] == [
        (org_id, message["scoped_id"], "CRM_SYNCHRO_ERROR")
    ]
    assert matched_to(topology, message["social_user_id"]) is None
    env_admin(topology, "DELETE", "/faults").raise_for_status()
    topology.admin("POST", f"/sync-errors/{errors[0]['id']}/retry").raise_for_status()
    wait_until(
        lambda: matched_to(topology, message["social_user_id"]) == contact, 15, what="the retried match"
    )

"""The widget backend over running fakes: embed, rights, language, reply and close (WIDGET-01 to 05)."""

from __future__ import annotations

import time

from conn_helpers import route, write

from alcsim.connector.widget.backend import widget_signature
from alcsim.simulators.salesforce.running import trusting_session

ENV, ORG = "brand", "main"


def user_id(rt, org: str, username_prefix: str = "agent@") -> str:
    rows = rt.org(org).client().query(f"SELECT Id FROM User WHERE Username LIKE '{username_prefix}%'")
    return rows["records"][0]["Id"]


def grant(rt, org: str, user: str, permission_set: str) -> None:
    client = rt.org(org).client()
    ps = client.query(f"SELECT Id FROM PermissionSet WHERE Name = '{permission_set}'")["records"][0]["Id"]
    client.PermissionSetAssignment.create({"AssigneeId": user, "PermissionSetId": ps})


def signed(rt, org: str, env: str, user: str, record_id: str, issued_at: int | None = None) -> dict:
    """What the widget's page in the org passes: the user and record, signed with the package's secret."""
    issued_at = int(rt.clock.timestamp()) if issued_at is None else issued_at
    org_id = rt.connector.org(org).organization_id
    secret = rt.topology.callout_secret(org, env)
    return {
        "user_id": user,
        "issued_at": issued_at,
        "signature": widget_signature(secret, org_id, user, record_id, issued_at),
    }


def widget(rt, method: str, org: str, record_id: str, params: dict, suffix: str = "", **kwargs):
    url = f"{rt.connector_url}/widget/{org}/records/{record_id}{suffix}"
    return trusting_session(rt.ca_bundle).request(method, url, params=params, **kwargs)


def synced(rt, org: str, env: str, account: str, phone: str, team: str = "Salesforce agents"):
    message = write(rt, env, account, phone, "Hello")
    route(rt, env, message["task_id"], team)
    return message, rt.wait_for_record(org, message["scoped_id"])


def answers(rt, env: str, conversation_id: int) -> list[dict]:
    handle = rt.env(env)
    groups = handle.session.get(f"{handle.url}/actions/conversations/{conversation_id}").json()
    return [a for g in groups for a in g["actions"] if a["type"] == "answer"]


def test_the_widget_on_a_conversation_record_embeds_in_the_users_language_and_time_zone(topology):
    """WIDGET-01, WIDGET-03: the embed is for the user's e-mail, in French and Paris time."""
    message, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000001")
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Agent")
    topology.org(ORG).client().User.update(
        agent, {"LanguageLocaleKey": "fr", "TimeZoneSidKey": "Europe/Paris"}
    )
    answer = widget(topology, "GET", ORG, record["Id"], signed(topology, ORG, ENV, agent, record["Id"]))
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["mode"] == "conversation"
    assert view["conversation"]["id"] == message["conversation_id"]
    assert (view["user"]["language"], view["user"]["time_zone"]) == ("fr", "Europe/Paris")
    assert "lang=fr" in view["embed"]["url"] and "tz=Europe%2FParis" in view["embed"]["url"]
    page = trusting_session(topology.ca_bundle).get(view["embed"]["url"])
    assert page.status_code == 200  # the page's markup belongs to the pages issue
    agents = {a["email"]: a for a in topology.env(ENV).ext("GET", "/agents").json()}
    assert agents["agent@main.alcsim.example"]["id"] == view["embed"]["account_id"]
    assert agents["agent@main.alcsim.example"]["permission"] == "read-answer"


def test_answering_creates_the_agent_with_the_users_rights_and_sends_on_the_channel(topology):
    """WIDGET-04: the reply goes out as the Alcméon agent made from the user's e-mail (Alcmeon_Admin)."""
    message, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000002")
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Admin")
    params = signed(topology, ORG, ENV, agent, record["Id"])
    sent = widget(
        topology, "POST", ORG, record["Id"], params, "/reply", json={"text": "Hola, ¿en qué puedo ayudar?"}
    )
    assert sent.status_code == 200, sent.text
    replies = answers(topology, ENV, message["conversation_id"])
    assert [a["user"]["email"] for a in replies] == ["agent@main.alcsim.example"]
    agents = {a["email"]: a for a in topology.env(ENV).ext("GET", "/agents").json()}
    assert agents["agent@main.alcsim.example"]["permission"] == "read-answer-moderate"


def test_a_user_without_alcmeon_permission_sets_may_only_read(topology):
    """WIDGET-04: rights come from the permission sets; none gives a read-only embed and no reply."""
    _, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000003")
    agent = user_id(topology, ORG)
    params = signed(topology, ORG, ENV, agent, record["Id"])
    view = widget(topology, "GET", ORG, record["Id"], params).json()
    assert view["user"]["permission"] == "read"
    refused = widget(topology, "POST", ORG, record["Id"], params, "/reply", json={"text": "Hi"})
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient-permissions"


def test_closing_from_the_widget_sends_the_reply_and_closes_in_one_step(topology):
    """WIDGET-05: the reply goes out, the conversation is closed, and the record follows (SYNC-06)."""
    message, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000004")
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Agent")
    params = signed(topology, ORG, ENV, agent, record["Id"])
    closed = widget(topology, "POST", ORG, record["Id"], params, "/close", json={"text": "Bye!"})
    assert closed.status_code == 200, closed.text
    conversation = topology.env(ENV).ext("GET", f"/conversations/{message['conversation_id']}").json()
    assert conversation["status"] == "closed"
    assert answers(topology, ENV, message["conversation_id"])
    topology.wait_for_record(ORG, message["scoped_id"], lambda r: r["alcmeon__Status__c"] == "CLOSED")
    again = widget(topology, "POST", ORG, record["Id"], params, "/reply", json={"text": "Hi"})
    assert again.status_code == 409


def test_bad_or_stale_signatures_are_refused(topology):
    _, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000005")
    agent = user_id(topology, ORG)
    forged = {**signed(topology, ORG, ENV, agent, record["Id"]), "signature": "0" * 64}
    assert widget(topology, "GET", ORG, record["Id"], forged).status_code == 401
    stale = signed(topology, ORG, ENV, agent, record["Id"], int(topology.clock.timestamp()) - 3600)
    assert widget(topology, "GET", ORG, record["Id"], stale).status_code == 401
    other_record = signed(topology, ORG, ENV, agent, "a00000000000000AAA")
    assert widget(topology, "GET", ORG, record["Id"], other_record).status_code == 401


def test_the_widget_on_a_case_resolves_its_conversation(topology_factory):
    """WIDGET-02: on a Case made by the customer's automation, the widget shows its conversation and replies."""
    rt = topology_factory("one-to-many")
    org, env = "production", "brand"
    message, record = synced(rt, org, env, "Brand WhatsApp", "33690000006")
    case_id = (
        rt.org(org)
        .client()
        .query(f"SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE Id = '{record['Id']}'")[
            "records"
        ][0]["alcmeon__Case__c"]
    )
    agent = user_id(rt, org)
    grant(rt, org, agent, "Alcmeon_Agent")
    params = signed(rt, org, env, agent, case_id)
    view = widget(rt, "GET", org, case_id, params).json()
    assert view["mode"] == "conversation" and view["case_id"] == case_id
    assert view["conversation"]["id"] == message["conversation_id"]
    assert widget(rt, "POST", org, case_id, params, "/reply", json={"text": "Hello from the Case"}).ok
    assert answers(rt, env, message["conversation_id"])


def test_the_age_of_a_signature_is_measured_on_the_shared_clock(topology, topology_clock):
    """An hour on the topology's clock: a page signed at the machine's time is an hour old for the
    connector, and one signed on the shared clock is fresh (the connector reads its config's clock)."""
    _, record = synced(topology, ORG, ENV, "Brand WhatsApp", "33690000006")
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Agent")
    topology_clock.advance(hours=1)
    machine_time = signed(topology, ORG, ENV, agent, record["Id"], int(time.time()))
    assert widget(topology, "GET", ORG, record["Id"], machine_time).status_code == 401
    assert widget(topology, "GET", ORG, record["Id"], signed(topology, ORG, ENV, agent, record["Id"])).ok

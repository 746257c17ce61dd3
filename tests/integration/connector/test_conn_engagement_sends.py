"""Engagement over running fakes: consent, channels, send, details, interrupt and the switch (ENG-01..07)."""

from __future__ import annotations

from conn_helpers import write
from test_conn_widget_backend import grant, signed, user_id, widget

from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"


def template(rt, env: str, account: str, channel: str, body: str, language: str = "es") -> int:
    handle = rt.env(env)
    seeded = handle.session.post(
        f"{handle.url}/_sim/seed",
        json={
            "templates": [
                {
                    "channel": channel,
                    "name": "welcome_back",
                    "body": body,
                    "language": language,
                    "account_id": rt.account_id(env, account),
                }
            ]
        },
    )
    seeded.raise_for_status()
    return seeded.json()["templates"][0]["id"]


def consent(rt, env: str, account: str, phone: str) -> None:
    answer = rt.env(env).ext(
        "POST",
        "/customers/consent",
        json={"account_id": rt.account_id(env, account), "user_id": phone, "given": True},
    )
    answer.raise_for_status()


def engagement_on_a_new_case(
    rt, org: str, env: str, account: str, phone: str, channel: str, template_id: int
):
    client = rt.org(org).client()
    case_id = client.Case.create({"Subject": "Follow-up", "Origin": channel})["id"]
    engagement = client.alcmeon__Engagement__c.create(
        {
            "alcmeon__Case__c": case_id,
            "alcmeon__Sender_Id__c": str(rt.account_id(env, account)),
            "alcmeon__Recipient_Id__c": phone,
            "alcmeon__Channel__c": channel,
            "alcmeon__Template_Id__c": str(template_id),
        }
    )["id"]
    return case_id, engagement


def agent(rt, org: str) -> str:
    user = user_id(rt, org)
    grant(rt, org, user, "Alcmeon_Agent")
    return user


def send(rt, org: str, env: str, user: str, case_id: str, engagement: str, **body):
    return widget(
        rt,
        "POST",
        org,
        case_id,
        signed(rt, org, env, user, case_id),
        f"/engagements/{engagement}/send",
        json=body,
    )


def engagement_row(rt, org: str, engagement: str) -> dict:
    return rt.org(org).client().alcmeon__Engagement__c.get(engagement)


def test_consent_then_a_template_send_fills_in_the_sending_details(topology):
    """ENG-03 (no opt-in, no send) then ENG-04: Sent, date, language, content; the send reached Alcméon."""
    phone = "34600000001"
    tid = template(topology, ENV, "Brand WhatsApp", "whatsapp", "Hola {{name}}, ¿seguimos?")
    case_id, engagement = engagement_on_a_new_case(
        topology, ORG, ENV, "Brand WhatsApp", phone, "WhatsApp", tid
    )
    user = agent(topology, ORG)
    refused = send(topology, ORG, ENV, user, case_id, engagement, variables={"body": {"name": "Ana"}})
    assert refused.status_code == 409 and refused.json()["error"] == "no-consent"
    row = engagement_row(topology, ORG, engagement)
    assert row["alcmeon__Status__c"] == "Failed" and "ENG-03" in row["alcmeon__Message_Send_Error__c"]

    consent(topology, ENV, "Brand WhatsApp", phone)
    sent = send(topology, ORG, ENV, user, case_id, engagement, variables={"body": {"name": "Ana"}})
    assert sent.status_code == 200, sent.text
    row = engagement_row(topology, ORG, engagement)
    assert row["alcmeon__Status__c"] == "Sent" and row["alcmeon__Sent_Date__c"]
    assert row["alcmeon__Message_Content__c"] == "Hola Ana, ¿seguimos?"
    assert row["alcmeon__Language_locale__c"] == "en-US"  # WhatsApp's API names no template language
    assert row["alcmeon__Message_Send_Error__c"] is None
    sends = topology.env(ENV).ext("GET", "/template-sends").json()
    assert [(s["to_user"], s["channel"]) for s in sends] == [(phone, "whatsapp")]
    again = send(topology, ORG, ENV, user, case_id, engagement)
    assert again.status_code == 409 and again.json()["error"] == "already-sent"


def test_the_customers_answer_switches_the_case_to_conversation_mode_for_good(topology):
    """ENG-05, ENG-06: engagement mode until the customer answers; then the Case has its conversation and
    a new engagement on it is refused."""
    phone = "34600000002"
    tid = template(topology, ENV, "Brand WhatsApp", "whatsapp", "Hola {{name}}")
    consent(topology, ENV, "Brand WhatsApp", phone)
    case_id, engagement = engagement_on_a_new_case(
        topology, ORG, ENV, "Brand WhatsApp", phone, "WhatsApp", tid
    )
    user = agent(topology, ORG)
    assert send(topology, ORG, ENV, user, case_id, engagement, variables={"body": {"name": "Ana"}}).ok
    view = widget(topology, "GET", ORG, case_id, signed(topology, ORG, ENV, user, case_id)).json()
    assert view["mode"] == "engagement" and [e["status"] for e in view["engagements"]] == ["Sent"]

    answer = write(topology, ENV, "Brand WhatsApp", phone, "¡Sí, gracias!")
    # The Case gets its conversation as soon as the customer answers, before anyone opens the widget.
    wait_until(
        lambda: engagement_row(topology, ORG, engagement)["alcmeon__Conversation__c"], 15, what="the link"
    )
    view = widget(topology, "GET", ORG, case_id, signed(topology, ORG, ENV, user, case_id)).json()
    assert view["mode"] == "conversation" and view["conversation"]["id"] == answer["conversation_id"]
    record = topology.record(ORG, answer["scoped_id"])
    linked = (
        topology.org(ORG)
        .client()
        .query(f"SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE Id = '{record['Id']}'")[
            "records"
        ][0]
    )
    assert linked["alcmeon__Case__c"] == case_id
    assert engagement_row(topology, ORG, engagement)["alcmeon__Conversation__c"] == record["Id"]

    topology.env(ENV).ext(
        "POST", f"/conversations/{answer['conversation_id']}/close", json={"agent_id": topology.agent_id(ENV)}
    ).raise_for_status()
    topology.wait_for_record(ORG, answer["scoped_id"], lambda r: r["alcmeon__Status__c"] == "CLOSED")
    client = topology.org(ORG).client()
    second = client.alcmeon__Engagement__c.create(
        {
            "alcmeon__Case__c": case_id,
            "alcmeon__Sender_Id__c": str(topology.account_id(ENV, "Brand WhatsApp")),
            "alcmeon__Recipient_Id__c": phone,
            "alcmeon__Channel__c": "WhatsApp",
            "alcmeon__Template_Id__c": str(tid),
        }
    )["id"]
    refused = send(topology, ORG, ENV, user, case_id, second)
    assert refused.status_code == 409 and refused.json()["error"] == "case-has-conversation"
    view = widget(topology, "GET", ORG, case_id, signed(topology, ORG, ENV, user, case_id)).json()
    assert view["mode"] == "conversation"  # closed or not, never back to engagement mode


def test_an_ongoing_conversation_is_interrupted_only_when_the_agent_chooses_to(topology):
    """ENG-07: the send API refuses (403); the widget reports it; sent again with the interrupt flag."""
    phone = "34600000003"
    tid = template(topology, ENV, "Brand WhatsApp", "whatsapp", "Hola")
    consent(topology, ENV, "Brand WhatsApp", phone)
    ongoing = write(topology, ENV, "Brand WhatsApp", phone, "Estoy escribiendo")
    case_id, engagement = engagement_on_a_new_case(
        topology, ORG, ENV, "Brand WhatsApp", phone, "WhatsApp", tid
    )
    user = agent(topology, ORG)
    refused = send(topology, ORG, ENV, user, case_id, engagement)
    assert refused.status_code == 409 and refused.json()["error"] == "ongoing-conversation"
    assert engagement_row(topology, ORG, engagement)["alcmeon__Status__c"] == "Failed"
    sent = send(topology, ORG, ENV, user, case_id, engagement, interrupt_ongoing_conversation=True)
    assert sent.status_code == 200, sent.text
    assert engagement_row(topology, ORG, engagement)["alcmeon__Status__c"] == "Sent"
    closed = topology.env(ENV).ext("GET", f"/conversations/{ongoing['conversation_id']}").json()
    assert closed["status"] == "closed"


def test_kakaotalk_sends_record_the_templates_language_and_other_channels_cannot_engage(topology):
    """ENG-02: KakaoTalk engages (language from its template list); a Facebook sender is refused."""
    phone = "821000000004"
    tid = template(topology, ENV, "Brand KakaoTalk", "kakaotalk", "안녕하세요 {{name}}", language="kr")
    consent(topology, ENV, "Brand KakaoTalk", phone)
    case_id, engagement = engagement_on_a_new_case(
        topology, ORG, ENV, "Brand KakaoTalk", phone, "KakaoTalk", tid
    )
    user = agent(topology, ORG)
    assert send(topology, ORG, ENV, user, case_id, engagement, variables={"name": "민준"}).ok
    row = engagement_row(topology, ORG, engagement)
    assert (row["alcmeon__Language_locale__c"], row["alcmeon__Message_Content__c"]) == (
        "kr",
        "안녕하세요 민준",
    )

    fb_case, fb = engagement_on_a_new_case(topology, ORG, ENV, "Brand Facebook page", "fb-1", "WhatsApp", tid)
    refused = send(topology, ORG, ENV, user, fb_case, fb)
    assert refused.status_code == 409 and refused.json()["error"] == "unsupported-channel"


def test_an_org_connected_to_several_environments_cannot_engage(topology_factory):
    """ENG-01: org `service` is fed by two environments (many-to-many)."""
    rt = topology_factory("many-to-many")
    org, env = "service", "eu"
    tid = template(rt, env, "EU WhatsApp", "whatsapp", "Hello")
    case_id, engagement = engagement_on_a_new_case(
        rt, org, env, "EU WhatsApp", "34600000005", "WhatsApp", tid
    )
    user = agent(rt, org)
    view = widget(rt, "GET", org, case_id, signed(rt, org, env, user, case_id)).json()
    assert view["mode"] == "engagement" and view["can_engage"] is False
    refused = send(rt, org, env, user, case_id, engagement)
    assert refused.status_code == 409 and refused.json()["error"] == "multiple-environments"
    wait_until(lambda: engagement_row(rt, org, engagement)["alcmeon__Status__c"] == "Draft", 5, what="draft")


def test_the_engagements_case_wins_over_a_case_made_by_the_customers_automation(topology_factory):
    """ENG-05 with a Case-per-conversation automation: the answered conversation keeps the engagement's Case."""
    rt = topology_factory("one-to-many")
    org, env, phone = "production", "brand", "34600000006"
    tid = template(rt, env, "Brand WhatsApp", "whatsapp", "Hello")
    consent(rt, env, "Brand WhatsApp", phone)
    case_id, engagement = engagement_on_a_new_case(rt, org, env, "Brand WhatsApp", phone, "WhatsApp", tid)
    user = agent(rt, org)
    assert send(rt, org, env, user, case_id, engagement).ok
    answer = write(rt, env, "Brand WhatsApp", phone, "Yes please")
    wait_until(lambda: engagement_row(rt, org, engagement)["alcmeon__Conversation__c"], 15, what="the link")
    record = rt.record(org, answer["scoped_id"])
    client = rt.org(org).client()
    linked = client.query(
        f"SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE Id = '{record['Id']}'"
    )
    assert linked["records"][0]["alcmeon__Case__c"] == case_id
    view = widget(rt, "GET", org, case_id, signed(rt, org, env, user, case_id)).json()
    assert view["mode"] == "conversation" and view["conversation"]["id"] == answer["conversation_id"]

"""The event stream in sentences a demo audience reads, each with the link to what it speaks of."""

from __future__ import annotations

from urllib.parse import unquote

from alcsim.simulators.topology import sentences

INBOX = "https://127.0.0.1:9401"


def action(kind: str, user: dict | None = None, data: dict | None = None, status: str = "ok") -> dict:
    """An Action as GET /actions answers it (synchronize.yaml), as the fake sent them in a recorded run."""
    return {
        "id": 7,
        "type": kind,
        "status": status,
        "user": user or {"id": 1, "email": "bot@alcmeon.invalid", "name": "Alcméon bot", "is_bot": True},
        "task": {
            "id": 3,
            "conversation_id": 12,
            "message": {"id": 1, "content": "Bonjour", "author": {"id": 1, "name": "Léa Roux"}},
        },
        "account": {"id": 1, "name": "Maison Lumière WhatsApp", "type": "whatsapp"},
        "data": data,
    }


def test_a_customer_message_names_the_customer_the_channel_the_brand_and_links_the_conversation():
    event = sentences.action_event("brand", INBOX, action("task-create"))
    assert event.text == "Léa Roux wrote on WhatsApp to Maison Lumière WhatsApp (conversation 12)"
    assert event.link == f"{INBOX}/inbox/conversations/12"
    assert event.kind == "task-create" and event.source == "brand"


def test_an_answer_says_who_answered_and_from_which_product():
    agent = {"id": 3, "email": "Agent@Main.alcsim.example", "name": "Sam Agent", "is_bot": False}
    from_sf = sentences.action_event("brand", INBOX, action("answer", agent), {"agent@main.alcsim.example"})
    assert from_sf.text == "Agent Sam Agent answered from Salesforce on WhatsApp (conversation 12)"
    inbox_agent = {"id": 2, "email": "agent@brand.alcsim.example", "name": "Marie", "is_bot": False}
    in_alcmeon = sentences.action_event("brand", INBOX, action("answer", inbox_agent))
    assert in_alcmeon.text == "Agent Marie answered in Alcméon on WhatsApp (conversation 12)"


def test_routing_delivery_and_closing_read_as_plain_words():
    team = {"next": {"id": 1, "name": {"value": "Team"}, "value": {"id": 2, "value": {"value": "Social"}}}}
    assert sentences.action_event("b", INBOX, action("tag", data=team)).text == (
        "Conversation 12 went to team Social"
    )
    failed = sentences.action_event("b", INBOX, action("execute-answer", data={"answer_status": "fail"}))
    assert failed.text == "WhatsApp could not deliver the answer (conversation 12)"
    assert sentences.action_event("b", INBOX, action("auto-archive")).text == "Alcméon closed conversation 12"
    for kind in ("execute-answer", "tag", "archive", "acquire", "release", "help-request"):
        text = sentences.action_event("b", INBOX, action(kind, data={})).text
        assert "-" not in text.replace("help request", ""), text  # no internal action names


def test_a_salesforce_change_names_the_record_and_links_its_page_in_the_org():
    payload = {
        "org": "Europe",
        "env": "brand",
        "callout": {
            "record_id": "a00X10000000001IAA",
            "sobject": "alcmeon__Conversation__c",
            "changes": {
                "alcmeon__Status__c": {"old": "OPEN", "new": "CLOSED"},
                "alcmeon__Contact__c": {"old": None, "new": "003X1"},
            },
        },
    }
    event = sentences.callout_event(payload, "C-000012")
    assert event.text == (
        "A Salesforce user in org Europe linked Conversation C-000012 to a Contact and closed it;"
        " the connector tells brand"
    )
    assert "alcmeon__Status__c" not in event.text
    assert (
        unquote(event.link)
        == "/enter/Europe?to=/lightning/r/alcmeon__Conversation__c/a00X10000000001IAA/view"
    )
    moved = {
        **payload,
        "callout": {**payload["callout"], "changes": {"OwnerId": {}}, "owner": {"developer_name": "VIP"}},
    }
    assert "moved Conversation C-000012 to queue VIP" in sentences.callout_event(moved, "C-000012").text


def test_a_record_the_connector_created_is_told_with_its_name_and_conversation():
    row = {
        "Id": "a00X10000000012IAA",
        "Name": "C-000012",
        "alcmeon__scoped_id__c": "39u:1:1:12",
        "alcmeon__Social_media_type__c": "kakaotalk",
    }
    event = sentences.record_event("Europe", row)
    assert (
        event.text
        == "The connector created Conversation C-000012 in org Europe for KakaoTalk conversation 12"
    )
    assert event.link.startswith("/enter/Europe?to=") and event.link_text == "open C-000012"
    case = sentences.case_event("Europe", {"Id": "500X1", "CaseNumber": "00001001"})
    assert case.text == "Org Europe opened Case 00001001 for the customer" and "Case%2F500X1" in case.link

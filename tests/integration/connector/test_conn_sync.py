"""Alcméon -> Salesforce over running fakes: eligibility, upsert, close, new conversations, history."""

from __future__ import annotations

from conn_helpers import close, match, reply, route, write

ENV, ORG = "brand", "main"


def test_a_message_routed_to_a_mapped_team_becomes_one_record_owned_by_the_queue(topology):
    """SYNC-01, SYNC-02: one record in the mapped org, owner and To-queue set to the mapped queue."""
    first = write(topology, ENV, "Brand WhatsApp", "33611111111", "Bonjour")
    route(topology, ENV, first["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, first["scoped_id"])
    topology.wait_idle()
    record = topology.record(ORG, first["scoped_id"])
    queue = (
        topology.org(ORG)
        .client()
        .query(
            "SELECT QueueId FROM QueueSobject WHERE Queue.DeveloperName = 'Social_Queue'"
            " AND SobjectType = 'alcmeon__Conversation__c'"
        )["records"][0]["QueueId"]
    )
    assert record["alcmeon__Status__c"] == "OPEN"
    assert record["OwnerId"] == record["alcmeon__To_SF_Queue_Id__c"] == queue
    assert record["alcmeon__Social_media_type__c"] == "whatsapp"

    second = write(topology, ENV, "Brand WhatsApp", "33611111111", "Encore moi")
    assert second["scoped_id"] == first["scoped_id"]
    topology.wait_idle()
    assert len(topology.conversations(ORG)) == 1  # SYNC-01: later syncs update, never duplicate


def test_an_unrouted_unmatched_conversation_is_not_pushed(topology):
    """SYNC-04: routed to a team that works in Alcméon and answered without a match: nothing in the org."""
    message = write(topology, ENV, "Brand WhatsApp", "33622222222")
    route(topology, ENV, message["task_id"], "Support")
    reply(topology, ENV, message["task_id"])
    topology.wait_idle()
    assert topology.conversations(ORG) == []


def test_a_reply_after_a_match_syncs_with_the_contact(topology):
    """SYNC-03: an agent matched the customer to a Contact and replied; the record links the Contact."""
    contact = (
        topology.org(ORG).client().Contact.create({"LastName": "Durand", "Email": "d@example.com"})["id"]
    )
    message = write(topology, ENV, "Brand Facebook page", "fb-100", "Hi")
    match(topology, ENV, message["social_user_id"], contact)
    topology.wait_idle()
    assert topology.conversations(ORG) == []  # a match alone is not a reply
    reply(topology, ENV, message["task_id"])
    record = topology.wait_for_record(ORG, message["scoped_id"])
    assert record["alcmeon__Contact__c"] == contact
    assert record["alcmeon__Account__c"] is None  # MATCH-06: never both lookups


def test_close_sets_closed_and_the_next_message_starts_a_new_record(topology):
    """SYNC-06 then SYNC-07: a manual close closes the record; the next message opens a new one."""
    first = write(topology, ENV, "Brand WhatsApp", "33633333333")
    route(topology, ENV, first["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, first["scoped_id"])
    close(topology, ENV, first["conversation_id"])
    topology.wait_for_record(ORG, first["scoped_id"], lambda r: r["alcmeon__Status__c"] == "CLOSED")

    again = write(topology, ENV, "Brand WhatsApp", "33633333333", "One more thing")
    assert again["scoped_id"] != first["scoped_id"]
    route(topology, ENV, again["task_id"], "Salesforce agents")
    record = topology.wait_for_record(ORG, again["scoped_id"])
    assert record["alcmeon__Status__c"] == "OPEN"
    assert len(topology.conversations(ORG)) == 2


def test_after_the_silence_window_a_new_record_and_history_closed(topology, topology_clock):
    """SYNC-07 (96 h window on WhatsApp) and SYNC-05: the earlier conversation is pushed CLOSED."""
    old = write(topology, ENV, "Brand WhatsApp", "33644444444", "Before")  # not routed: not pushed
    topology.wait_idle()
    assert topology.conversations(ORG) == []
    topology_clock.advance(hours=97)
    new = write(topology, ENV, "Brand WhatsApp", "33644444444", "After the window")
    assert new["scoped_id"] != old["scoped_id"]
    route(topology, ENV, new["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, new["scoped_id"])
    records = {r["alcmeon__scoped_id__c"]: r["alcmeon__Status__c"] for r in topology.conversations(ORG)}
    assert records == {old["scoped_id"]: "CLOSED", new["scoped_id"]: "OPEN"}  # only the latest is open


def test_channel_data_is_sent_as_json_when_the_package_has_the_field(topology):
    """SYNC-08: KakaoTalk app_user_id lands in alcmeon__Channel_specific_user_data__c (5.34 org)."""
    message = write(
        topology,
        ENV,
        "Brand KakaoTalk",
        "821012345678",
        "안녕하세요",
        channel_data={"app_user_id": "kakao-42"},
    )
    route(topology, ENV, message["task_id"], "Salesforce agents")
    record = topology.wait_for_record(ORG, message["scoped_id"])
    assert '"app_user_id": "kakao-42"' in record["alcmeon__Channel_specific_user_data__c"]


def test_an_unlinked_account_or_a_switch_off_syncs_nothing(topology):
    """SYNC-09: the X account is not linked; the WhatsApp account's switch is turned off."""
    unlinked = write(topology, ENV, "Brand on X", "x-user-1")
    route(topology, ENV, unlinked["task_id"], "Salesforce agents")
    account = topology.account_id(ENV, "Brand WhatsApp")
    org_id = topology.connector.org(ORG).organization_id
    off = topology.env(ENV).ext(
        "PUT", f"/salesforce/links/{account}", json={"org_id": org_id, "enabled": False}
    )
    off.raise_for_status()
    topology.admin("POST", "/settings/refresh").raise_for_status()
    switched_off = write(topology, ENV, "Brand WhatsApp", "33655555555")
    route(topology, ENV, switched_off["task_id"], "Salesforce agents")
    topology.wait_idle()
    assert topology.conversations(ORG) == []


def test_a_match_pushes_the_users_earlier_conversations_closed_with_the_contact(topology):
    """SYNC-05 (on a match) with SYNC-03: the earlier, never-synced conversation arrives CLOSED and linked."""
    earlier = write(topology, ENV, "Brand Facebook page", "fb-200", "First time")
    close(topology, ENV, earlier["conversation_id"])
    later = write(topology, ENV, "Brand Facebook page", "fb-200", "Back again")
    assert later["scoped_id"] != earlier["scoped_id"]
    topology.wait_idle()
    assert topology.conversations(ORG) == []  # neither routed nor answered after a match
    contact = topology.org(ORG).client().Contact.create({"LastName": "Moreau"})["id"]
    match(topology, ENV, later["social_user_id"], contact)
    reply(topology, ENV, later["task_id"])
    topology.wait_for_record(ORG, later["scoped_id"])
    topology.wait_idle()
    records = {r["alcmeon__scoped_id__c"]: r for r in topology.conversations(ORG)}
    assert {k: r["alcmeon__Status__c"] for k, r in records.items()} == {
        earlier["scoped_id"]: "CLOSED",
        later["scoped_id"]: "OPEN",
    }
    assert {r["alcmeon__Contact__c"] for r in records.values()} == {contact}


def test_changing_the_team_moves_the_owner_to_the_new_queue(topology_factory):
    """TOPO-06 (the Alcméon side) and TOPO-02: routed to a team of another org, it arrives there with its queue."""
    rt = topology_factory("one-to-many")
    message = write(rt, "brand", "Brand WhatsApp", "33600000011")
    route(rt, "brand", message["task_id"], "Salesforce agents")
    rt.wait_for_record("production", message["scoped_id"])
    route(rt, "brand", message["task_id"], "Staging agents")
    record = rt.wait_for_record("sandbox", message["scoped_id"], lambda r: r["OwnerId"].startswith("00G"))
    assert record["alcmeon__To_SF_Queue_Id__c"] == record["OwnerId"]

"""The Alcméon -> Salesforce rules on plain data (connector/rules/to_salesforce.py)."""

from __future__ import annotations

import json

from alcsim.connector.rules import to_salesforce as rules

ORG, OTHER = "00DX00000000001MAA", "00DX00000000002MAA"
QUEUE, QUEUE2 = "00GX00000000001MAA", "00GX00000000002MAA"


def settings(enabled=True, mode="team-and-match", linked=True, person=False, version="5.34") -> dict:
    return {
        "organizations": [
            {"org_id": ORG, "sync_mode": mode, "person_account_mode": person, "package_version": version},
            {"org_id": OTHER, "sync_mode": "team-and-match"},
        ],
        "links": [{"social_account_id": 7, "org_id": ORG, "enabled": enabled}] if linked else [],
        "team_queues": [
            {"team_id": 2, "org_id": ORG, "queue_id": QUEUE},
            {"team_id": 3, "org_id": OTHER, "queue_id": QUEUE2},
        ],
    }


def conversation(team=None, contact=None, status="open", channel_data=None, cid=10) -> dict:
    return {
        "id": cid,
        "scoped_id": f"39u:7:5:{cid}",
        "status": status,
        "team_id": team,
        "account": {"id": 7, "name": "Brand WhatsApp", "type": "whatsapp"},
        "social_user": {
            "id": 5,
            "user_id": "33611111111",
            "name": "Ana",
            "crm_contact_id": contact,
            "channel_data": channel_data or {},
        },
    }


def tag(team_id: int) -> dict:
    return {"type": "tag", "data": {"next": {"id": 1, "value": {"id": team_id}}}, "task": {"url": "u2"}}


def answer(bot=False) -> dict:
    return {"type": "answer", "user": {"is_bot": bot}, "task": {"url": "u3"}}


CREATED = {"type": "task-create", "task": {"tags": [], "url": "u1"}, "user": {"is_bot": True}}


def test_routed_to_a_mapped_team_goes_to_its_org_and_queue():  # SYNC-02
    decided = rules.target(conversation(team=2), [CREATED, tag(2)], settings())
    assert (decided.org_id, decided.queue_id) == (ORG, QUEUE)
    assert decided.reason.startswith("SYNC-02")


def test_a_team_that_works_in_alcmeon_is_not_eligible():  # SYNC-04, TOPO-05
    decided = rules.target(conversation(team=1), [CREATED, tag(1)], settings())
    assert decided.org_id is None and decided.reason.startswith("SYNC-04")


def test_a_later_team_mapped_to_another_org_moves_it_there():  # TOPO-02, TOPO-07
    decided = rules.target(conversation(team=3), [CREATED, tag(2), tag(3)], settings())
    assert (decided.org_id, decided.queue_id) == (OTHER, QUEUE2)


def test_routed_once_to_a_mapped_team_stays_eligible_without_moving_the_owner():  # SYNC-02
    decided = rules.target(conversation(team=1), [CREATED, tag(2), tag(1)], settings())
    assert (decided.org_id, decided.queue_id) == (ORG, None)


def test_a_task_created_in_a_mapped_team_inbox_counts_as_routed():
    created = {"type": "task-create", "task": {"tags": [{"id": 1, "value": {"id": 2}}]}}
    assert rules.routed_teams([created]) == [2]


def test_a_reply_after_a_match_goes_to_the_linked_org():  # SYNC-03
    decided = rules.target(conversation(contact="003X"), [CREATED, answer()], settings())
    assert (decided.org_id, decided.queue_id) == (ORG, None) and decided.reason.startswith("SYNC-03")


def test_a_match_without_a_reply_or_a_bot_reply_is_not_eligible():  # SYNC-03, SYNC-04
    assert rules.target(conversation(contact="003X"), [CREATED], settings()).org_id is None
    assert rules.target(conversation(contact="003X"), [CREATED, answer(bot=True)], settings()).org_id is None
    assert rules.target(conversation(), [CREATED, answer()], settings()).org_id is None


def test_sync_modes_restrict_the_paths():  # AR 1.8 sync mode
    assert rules.target(conversation(contact="003X"), [answer()], settings(mode="team-based")).org_id is None
    assert rules.target(conversation(team=2), [tag(2)], settings(mode="match-based")).org_id is None
    assert rules.target(conversation(contact="003X"), [answer()], settings(mode="match-based")).org_id == ORG


def test_an_unlinked_account_or_a_switch_off_syncs_nothing():  # SYNC-09
    off = rules.target(conversation(team=2), [tag(2)], settings(enabled=False))
    unlinked = rules.target(conversation(team=2), [tag(2)], settings(linked=False))
    assert off.org_id is None and "switch" in off.reason
    assert unlinked.org_id is None and "not linked" in unlinked.reason


def test_an_already_synced_conversation_keeps_updating():  # SYNC-01 (close after a transfer back)
    assert rules.target(conversation(status="closed"), [CREATED], settings(), already_in=ORG).org_id == ORG


def test_status():  # SYNC-06, SYNC-07
    assert rules.status_of({"status": "open"}) == "OPEN"
    assert rules.status_of({"status": "closed"}) == "CLOSED"
    assert rules.status_of({"status": "expired"}) == "CLOSED"


def test_contact_or_person_account_never_both():  # MATCH-06
    assert rules.contact_fields("003X", False) == {"alcmeon__Contact__c": "003X", "alcmeon__Account__c": None}
    assert rules.contact_fields("001X", True) == {"alcmeon__Account__c": "001X", "alcmeon__Contact__c": None}
    assert rules.contact_fields(None, True) == {}


def test_channel_data_only_from_5_31():  # SYNC-08, PKG-04
    data = {"app_user_id": "k-1"}
    assert (
        json.loads(rules.channel_data_field(data, "5.34")["alcmeon__Channel_specific_user_data__c"]) == data
    )
    assert rules.channel_data_field(data, "5.31") != {}
    assert rules.channel_data_field(data, "5.3") == {}
    assert rules.channel_data_field({}, "5.34") == {}


def test_owner_is_set_once_per_move():  # owner to the mapped queue
    assert rules.owner_fields(QUEUE, None) == {"alcmeon__To_SF_Queue_Id__c": QUEUE, "OwnerId": QUEUE}
    assert rules.owner_fields(QUEUE, QUEUE) == {}
    assert rules.owner_fields(QUEUE2, QUEUE)["OwnerId"] == QUEUE2
    assert rules.owner_fields(None, QUEUE) == {}


def test_the_record_is_keyed_by_the_scoped_id():  # SYNC-01
    record = rules.conversation_record(
        conversation(contact="003X", channel_data={"a": 1}),
        {"package_version": "5.34"},
        url="u",
        queue_id=QUEUE,
    )
    assert record["alcmeon__scoped_id__c"] == "39u:7:5:10"
    assert record["alcmeon__Status__c"] == "OPEN"
    assert record["alcmeon__Contact__c"] == "003X" and record["OwnerId"] == QUEUE
    assert record["alcmeon__Social_media_type__c"] == "whatsapp" and record["alcmeon__url__c"] == "u"
    old_org = rules.conversation_record(conversation(channel_data={"a": 1}), {"package_version": "1.0"})
    assert "alcmeon__Channel_specific_user_data__c" not in old_org and "OwnerId" not in old_org


def test_history_is_every_earlier_conversation_of_the_user():  # SYNC-05
    conversations = [
        conversation(cid=12),
        conversation(cid=11, status="expired"),
        conversation(cid=9, status="closed"),
    ]
    earlier = rules.history(conversations, "39u:7:5:11")
    assert [c["id"] for c in earlier] == [9]
    assert rules.history(conversations, "nope") == []
    records = [
        rules.conversation_record(c, {}, status=rules.CLOSED)
        for c in rules.history(conversations, "39u:7:5:12")
    ]
    assert {r["alcmeon__Status__c"] for r in records} == {"CLOSED"}


def test_history_is_needed_on_first_contact_or_a_new_match():  # SYNC-05
    assert rules.needs_history(False, None, None)
    assert not rules.needs_history(True, None, None)
    assert rules.needs_history(True, None, "003X")
    assert not rules.needs_history(True, "003X", "003X")


def test_latest_url():
    assert rules.latest_url([CREATED, tag(2), {"type": "comment", "task": {}}]) == "u2"
    assert rules.latest_url([]) is None


def test_a_contact_goes_only_to_the_org_the_account_is_linked_to():
    """MATCH-01, TOPO-07: handed over to another org, the record carries no Contact of the first org."""
    from alcsim.connector.rules.to_salesforce import as_seen_by, conversation_record

    settings = {"links": [{"social_account_id": 7, "org_id": "00DRETAIL", "enabled": True}]}
    conversation = {
        "scoped_id": "a:b:c:d",
        "account": {"id": 7, "type": "whatsapp", "name": "Brand WhatsApp"},
        "social_user": {"id": 1, "name": "Léa", "crm_contact_id": "003RETAILCONTACT"},
    }
    home = conversation_record(as_seen_by(conversation, settings, "00DRETAIL"), {})
    away = conversation_record(as_seen_by(conversation, settings, "00DWHOLESALE"), {})
    assert home["alcmeon__Contact__c"] == "003RETAILCONTACT"
    assert "alcmeon__Contact__c" not in away and "alcmeon__Account__c" not in away
    assert conversation["social_user"]["crm_contact_id"] == "003RETAILCONTACT"  # the input is left as it was

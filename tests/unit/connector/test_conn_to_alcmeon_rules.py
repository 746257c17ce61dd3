"""Unit tests of the Salesforce -> Alcméon callout rules (UPD-01, UPD-02, MATCH-01/02/06, TOPO-06/07)."""

from __future__ import annotations

from alcsim.connector.rules.to_alcmeon import (
    Link,
    QueueRoute,
    closed_in_salesforce,
    linked_party,
    lookup_updates,
    match_value,
    queue_moved_to,
    same_id,
    transfer_team,
)

CONTACT, PERSON, QUEUE, OTHER_QUEUE = (
    "003A00000000001AAA",
    "001A00000000001AAA",
    "00GA0000000001AAA",
    "00GA00000000002",
)
ORG = "00DA00000000001AAA"
SETTINGS = {"team_queues": [{"team_id": 4, "org_id": ORG, "queue_id": QUEUE}]}


def test_a_contact_set_on_a_record_is_a_link():  # UPD-01, MATCH-01
    changes = {"alcmeon__Contact__c": {"old": None, "new": CONTACT}}
    assert linked_party(changes, person_accounts=False) == Link(CONTACT)


def test_a_contact_cleared_is_an_unlink():  # MATCH-01
    assert linked_party({"alcmeon__Contact__c": {"old": CONTACT, "new": None}}, False) == Link(None)


def test_person_account_mode_reads_the_account_lookup_only():  # MATCH-06
    changes = {
        "alcmeon__Account__c": {"old": None, "new": PERSON},
        "alcmeon__Contact__c": {"old": None, "new": CONTACT},
    }
    assert linked_party(changes, person_accounts=True) == Link(PERSON)
    assert linked_party({"alcmeon__Contact__c": {"old": None, "new": CONTACT}}, True) is None


def test_no_lookup_change_is_no_link():
    assert linked_party({"OwnerId": {"old": "005x", "new": QUEUE}}, False) is None


def test_an_owner_moved_to_a_queue_is_a_queue_move():  # UPD-02
    assert queue_moved_to({"OwnerId": {"old": "005A0000000001A", "new": QUEUE}}) == QUEUE


def test_an_owner_moved_to_a_user_is_not():  # an agent taking the record
    assert queue_moved_to({"OwnerId": {"old": QUEUE, "new": "005A0000000001AAA"}}) is None


def test_the_case_automations_from_queue_counts_as_a_move():  # TOPO-06 through a Case (AR 1.12)
    assert queue_moved_to({"alcmeon__From_SF_Queue_Id__c": {"old": None, "new": QUEUE}}) == QUEUE


def test_the_team_mapped_to_the_queue_takes_the_conversation():  # UPD-02, TOPO-06
    assert transfer_team(SETTINGS, "brand", ORG, QUEUE, []) == 4
    assert transfer_team(SETTINGS, "brand", ORG[:15], QUEUE[:15], []) == 4  # 15- or 18-character ids


def test_an_unmapped_queue_or_another_org_has_no_team():
    assert transfer_team(SETTINGS, "brand", ORG, OTHER_QUEUE, []) is None
    assert transfer_team(SETTINGS, "brand", "00DA00000000009AAA", QUEUE, []) is None


def test_a_queue_route_to_another_orgs_team_wins():  # TOPO-07
    routes = [QueueRoute("brand", ORG, QUEUE, 9), QueueRoute("other", ORG, OTHER_QUEUE, 7)]
    assert transfer_team(SETTINGS, "brand", ORG, QUEUE, routes) == 9
    assert (
        transfer_team(SETTINGS, "brand", ORG, OTHER_QUEUE, routes) is None
    )  # a route of another environment


def test_closing_is_a_change_to_closed_only():
    assert closed_in_salesforce({"alcmeon__Status__c": {"old": "OPEN", "new": "CLOSED"}})
    assert closed_in_salesforce({"alcmeon__Status__c": {"old": "OPEN", "new": "Closed"}})
    assert not closed_in_salesforce({"alcmeon__Status__c": {"old": "CLOSED", "new": "OPEN"}})
    assert not closed_in_salesforce({"alcmeon__Status__c": {"old": "closed", "new": "CLOSED"}})
    assert not closed_in_salesforce({})


def test_every_other_record_of_the_user_is_linked_and_never_both_lookups():  # MATCH-02, MATCH-06
    records = [
        {"Id": "a1", "alcmeon__Contact__c": CONTACT, "alcmeon__Account__c": None},  # already linked
        {"Id": "a2", "alcmeon__Contact__c": None, "alcmeon__Account__c": None},
        {"Id": "a3", "alcmeon__Contact__c": CONTACT[:15], "alcmeon__Account__c": PERSON},  # both: fix it
    ]
    assert lookup_updates(records, CONTACT, person_accounts=False) == [
        {"Id": "a2", "alcmeon__Contact__c": CONTACT, "alcmeon__Account__c": None},
        {"Id": "a3", "alcmeon__Contact__c": CONTACT, "alcmeon__Account__c": None},
    ]
    assert lookup_updates(records[:2], PERSON, person_accounts=True) == [
        {"Id": "a1", "alcmeon__Account__c": PERSON, "alcmeon__Contact__c": None},
        {"Id": "a2", "alcmeon__Account__c": PERSON, "alcmeon__Contact__c": None},
    ]


def test_the_match_is_read_from_the_contact_custom_field():
    values = [{"field_id": 2, "field_value": "x"}, {"field_id": 1, "field_value": CONTACT}]
    assert match_value(values, 1) == CONTACT
    assert match_value(values, 3) is None and match_value(None, 1) is None


def test_ids_compare_on_their_15_character_form():
    assert same_id(CONTACT, CONTACT[:15]) and not same_id(CONTACT, None) and not same_id(None, None)

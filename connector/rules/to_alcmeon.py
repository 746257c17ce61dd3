"""Salesforce -> Alcméon rules: what a package callout asks of Alcméon (match, team transfer, close)."""

# A callout (docs/assumptions.md "Package callouts") names the fields that changed on a conversation
# record, old and new. The rules below are plain functions over that dictionary and the environment's
# org-linking settings; connector/callouts.py does the I/O (reads the conversation, writes the match in
# the user custom field "Salesforce Contact Id", routes, closes, links the user's other records).

from __future__ import annotations

from dataclasses import dataclass

from alcsim.connector.rules.to_salesforce import CLOSED

CONTACT, ACCOUNT = "alcmeon__Contact__c", "alcmeon__Account__c"
QUEUE_PREFIX = "00G"  # Group key prefix: an owner id starting with it is a queue (salesforce-contract 3.1)


@dataclass(frozen=True)
class Link:
    """A change of the Contact (or person Account) on a record: `party_id` None means unlinked."""

    party_id: str | None


@dataclass(frozen=True)
class QueueRoute:
    """TOPO-07: a queue of an org configured to push its conversations to a team (mapped to another org)."""

    env: str
    org_id: str
    queue_id: str
    team_id: int


def same_id(a: str | None, b: str | None) -> bool:
    """15- and 18-character forms of one Salesforce id are the same id."""
    return bool(a) and bool(b) and a[:15] == b[:15]


def linked_party(changes: dict, person_accounts: bool) -> Link | None:
    """UPD-01, MATCH-01, MATCH-06: the Contact, or in person-account mode the Account, set or cleared."""
    change = changes.get(ACCOUNT if person_accounts else CONTACT)
    if change is None:
        return None
    return Link(change.get("new") or None)


def queue_moved_to(changes: dict) -> str | None:
    """UPD-02, TOPO-06: the queue the record went to: its owner became a queue, or the customer's Case
    automation recorded the Case's new queue in alcmeon__From_SF_Queue_Id__c (AR 1.12)."""
    for field in ("OwnerId", "alcmeon__From_SF_Queue_Id__c"):
        new = (changes.get(field) or {}).get("new")
        if isinstance(new, str) and new.startswith(QUEUE_PREFIX):
            return new
    return None


def closed_in_salesforce(changes: dict) -> bool:
    """The record's status went to CLOSED (docs/assumptions.md: OPEN/CLOSED, compared case-insensitively)."""
    change = changes.get("alcmeon__Status__c") or {}
    new, old = (change.get("new") or "").upper(), (change.get("old") or "").upper()
    return new == CLOSED and old != CLOSED


def transfer_team(
    settings: dict, env: str, org_id: str, queue_id: str, routes: list[QueueRoute]
) -> int | None:
    """The Alcméon team a queue hands the conversation to.

    TOPO-07 first: a queue configured to push to another org names a team mapped to that org. Otherwise
    UPD-02 / TOPO-06: the team mapped to this (org, queue) in the environment's team/queue mapping."""
    for route in routes:
        if route.env == env and same_id(route.org_id, org_id) and same_id(route.queue_id, queue_id):
            return route.team_id
    for mapping in settings.get("team_queues", []):
        if same_id(mapping.get("org_id"), org_id) and same_id(mapping.get("queue_id"), queue_id):
            return int(mapping["team_id"])
    return None


def lookup_updates(records: list[dict], party_id: str, person_accounts: bool) -> list[dict]:
    """MATCH-02, MATCH-06: the user's records in the org that must point at the matched party; the other
    lookup is cleared so a record never holds both."""
    field, other = (ACCOUNT, CONTACT) if person_accounts else (CONTACT, ACCOUNT)
    updates = []
    for record in records:
        if same_id(record.get(field), party_id) and not record.get(other):
            continue
        updates.append({"Id": record["Id"], field: party_id, other: None})
    return updates


def match_value(fields: list[dict] | None, field_id: int) -> str | None:
    """The contact id stored in the user's "Salesforce Contact Id" custom field, if any."""
    return next((f.get("field_value") for f in fields or [] if f.get("field_id") == field_id), None)

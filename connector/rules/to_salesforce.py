"""Sync rules from Alcméon to Salesforce, as plain functions over plain data (RULES.md, SYNC and MATCH)."""

# Inputs are what the gateways read: the conversation view (status, scoped id, account, social user,
# team), the conversation's actions (synchronize.yaml shapes), and the environment's org-linking
# settings (accounts -> org with switch, team -> (org, queue), per-org sync mode and options). Nothing
# here does I/O, so every rule is unit-tested on dictionaries.

from __future__ import annotations

import json
from dataclasses import dataclass

TEAM_TAG_ID = 1  # docs/assumptions.md: routing to a team is a `tag` action on the reserved tag id 1
REPLY_TYPES = ("answer", "execute-answer")
STATUS = "alcmeon__Status__c"
OPEN, CLOSED = "OPEN", "CLOSED"  # docs/assumptions.md: alcmeon__Status__c picklist values
CHANNEL_DATA_SINCE = "5.31"  # AR 1.2: alcmeon__Channel_specific_user_data__c exists from 5.31


@dataclass(frozen=True)
class Target:
    """Where a conversation goes, or why it goes nowhere (`org_id` None)."""

    org_id: str | None
    queue_id: str | None = None
    reason: str = ""


def version_tuple(version: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in str(version or "0").split(".") if p.isdigit())


def org_settings(settings: dict, org_id: str) -> dict:
    return next((o for o in settings.get("organizations", []) if o.get("org_id") == org_id), {})


def person_accounts(settings: dict, org_id: str) -> bool:
    """MATCH-06: the org matches users to person Accounts instead of Contacts."""
    return bool(org_settings(settings, org_id).get("person_account_mode"))


def account_link(settings: dict, account_id: int) -> dict | None:
    return next((lk for lk in settings.get("links", []) if lk.get("social_account_id") == account_id), None)


def team_mapping(settings: dict, team_id: int | None) -> dict | None:
    if team_id is None:
        return None
    return next((m for m in settings.get("team_queues", []) if m.get("team_id") == team_id), None)


def routed_teams(actions: list[dict]) -> list[int]:
    """Teams the conversation's messages were routed to, oldest first: `tag` actions on the Team tag,
    and the team a message arrived in (a task created in a team's inbox carries its tag)."""
    teams: list[int] = []
    for action in actions:
        data = action.get("data") or {}
        if action.get("type") == "tag" and (data.get("next") or {}).get("id") == TEAM_TAG_ID:
            teams.append(data["next"]["value"]["id"])
        elif action.get("type") == "task-create":
            for tag in (action.get("task") or {}).get("tags", []):
                if tag.get("id") == TEAM_TAG_ID:
                    teams.append(tag["value"]["id"])
    return teams


def agent_replied(actions: list[dict]) -> bool:
    """A human agent answered (bots do not count: FO speaks of a support agent)."""
    return any(a.get("type") in REPLY_TYPES and not (a.get("user") or {}).get("is_bot") for a in actions)


def target(conversation: dict, actions: list[dict], settings: dict, already_in: str | None = None) -> Target:
    """Decide the org a conversation syncs to (SYNC-01 to SYNC-04, SYNC-09, TOPO-02, TOPO-07)."""
    account_id = conversation["account"]["id"]
    link = account_link(settings, account_id)
    # SYNC-09: an account syncs only once it is linked to an org and its switch is on.
    if link is None:
        return Target(None, reason=f"SYNC-09: account {account_id} is not linked to an org")
    if not link.get("enabled"):
        return Target(None, reason=f"SYNC-09: the switch of account {account_id} is off")
    # SYNC-02: a message routed to a team mapped to Salesforce; the latest mapped team decides the org and
    # queue (TOPO-02: each team maps to one org; TOPO-07: a later team may push it to another org).
    current = team_mapping(settings, conversation.get("team_id"))
    mapped = current or next(
        (m for m in (team_mapping(settings, t) for t in reversed(routed_teams(actions))) if m), None
    )
    if mapped is not None and _mode_allows(settings, mapped["org_id"], "team"):
        return Target(
            mapped["org_id"], mapped["queue_id"] if current else None, "SYNC-02: routed to a mapped team"
        )
    # SYNC-03: an agent replied and matched the customer to a Salesforce Contact; it goes to the linked org.
    matched = bool((conversation.get("social_user") or {}).get("crm_contact_id"))
    if matched and agent_replied(actions) and _mode_allows(settings, link["org_id"], "match"):
        return Target(link["org_id"], None, "SYNC-03: replied after a match")
    # SYNC-01: once a record exists, later changes (close, new messages) keep updating it.
    if already_in is not None:
        return Target(already_in, None, "SYNC-01: already synced")
    # SYNC-04: neither routed to a mapped team nor answered after a match.
    return Target(None, reason="SYNC-04: not routed to a mapped team nor answered after a match")


def _mode_allows(settings: dict, org_id: str, kind: str) -> bool:
    """The org's sync mode (AR 1.8, 'synchronization mode'): team-based, match-based or both."""
    mode = org_settings(settings, org_id).get("sync_mode", "team-and-match")
    return mode == "team-and-match" or mode == f"{kind}-based"


def status_of(conversation: dict) -> str:
    """SYNC-06: closed in Alcméon is CLOSED; a conversation whose silence window passed is over too (SYNC-07)."""
    return OPEN if conversation.get("status") == "open" else CLOSED


def as_seen_by(conversation: dict, settings: dict, org_id: str) -> dict:
    """MATCH-01, TOPO-07: a user is matched to a Contact of the org their social account is linked to. A
    conversation handed over to another org goes there without that Contact, whose id means nothing there."""
    link = account_link(settings, (conversation.get("account") or {}).get("id"))
    home = (link or {}).get("org_id")
    if home is None or home == org_id or not (conversation.get("social_user") or {}).get("crm_contact_id"):
        return conversation
    return {**conversation, "social_user": {**conversation["social_user"], "crm_contact_id": None}}


def contact_fields(crm_contact_id: str | None, person_accounts: bool) -> dict:
    """MATCH-06: a Contact lookup, or in person-account mode the Account lookup, never both at once."""
    if not crm_contact_id:
        return {}
    if person_accounts:
        return {"alcmeon__Account__c": crm_contact_id, "alcmeon__Contact__c": None}
    return {"alcmeon__Contact__c": crm_contact_id, "alcmeon__Account__c": None}


def channel_data_field(channel_data: dict | None, package_version: str | None) -> dict:
    """SYNC-08 / PKG-04: the channel's user data as JSON, only where the org's package has the field."""
    if version_tuple(package_version) < version_tuple(CHANNEL_DATA_SINCE) or not channel_data:
        return {}
    return {
        "alcmeon__Channel_specific_user_data__c": json.dumps(channel_data, sort_keys=True, ensure_ascii=False)
    }


def owner_fields(queue_id: str | None, last_queue: str | None) -> dict:
    """Owner set to the mapped queue when the team mapping sends it there (SYNC-02, TOPO-06), once per
    move: re-sending it on every update would pull the record back from the agent who took it."""
    if not queue_id or queue_id == last_queue:
        return {}
    return {"alcmeon__To_SF_Queue_Id__c": queue_id, "OwnerId": queue_id}


def conversation_record(
    conversation: dict,
    org: dict,
    *,
    url: str | None = None,
    status: str | None = None,
    queue_id: str | None = None,
    last_queue: str | None = None,
) -> dict:
    """The alcmeon__Conversation__c values for one conversation, keyed by its scoped id (SYNC-01)."""
    user = conversation.get("social_user") or {}
    account = conversation.get("account") or {}
    record = {
        "alcmeon__scoped_id__c": conversation["scoped_id"],
        STATUS: status or status_of(conversation),
        "alcmeon__User_name__c": (user.get("name") or user.get("user_id") or "")[:255],
        "alcmeon__Social_media_type__c": (account.get("type") or "")[:40],
        "alcmeon__Social_media_account__c": (account.get("name") or "")[:255],
    }
    if url:
        record["alcmeon__url__c"] = url[:255]
    record.update(contact_fields(user.get("crm_contact_id"), bool(org.get("person_account_mode"))))
    record.update(channel_data_field(user.get("channel_data"), org.get("package_version")))
    record.update(owner_fields(queue_id, last_queue))
    return record


def latest_url(actions: list[dict]) -> str | None:
    """The task URL of the newest message; customer automation reads its change as a new message (AR 1.2b)."""
    for action in reversed(actions):
        url = (action.get("task") or {}).get("url")
        if url:
            return url
    return None


def history(conversations: list[dict], current_scoped_id: str) -> list[dict]:
    """SYNC-05: on first contact since the account was connected, or on a match, the user's earlier
    conversations are pushed too, all CLOSED; only the latest (the current one) stays open."""
    current = next((c for c in conversations if c.get("scoped_id") == current_scoped_id), None)
    if current is None:
        return []
    return [c for c in conversations if c["id"] < current["id"] and c.get("scoped_id")]


def needs_history(synced_before: bool, contact_then: str | None, contact_now: str | None) -> bool:
    """SYNC-05: first time this user reaches the org through the connector, or matched since last time."""
    return not synced_before or (bool(contact_now) and contact_now != contact_then)

"""Salesforce -> Alcméon: the package callouts become matches, team transfers and closes in Alcméon."""

# A callout (docs/assumptions.md "Package callouts") names the fields that changed on a conversation
# record, old and new. The rules below are plain functions over that dictionary and the environment's
# org-linking settings; `CalloutHandler` does the I/O: it reads the conversation from Alcméon, writes the
# match in the user custom field "Salesforce Contact Id" (the match's source of truth), routes the
# conversation to the team a queue stands for, closes it, and links the user's other records (MATCH-02).

from __future__ import annotations

import logging
from dataclasses import dataclass

from alcsim.connector import alcmeon_calls as alc
from alcsim.connector import org_records as sf
from alcsim.connector.engine import Outcome
from alcsim.connector.retry import Permanent, Retryable
from alcsim.connector.rules import to_salesforce as sync_rules
from alcsim.connector.store import Job

log = logging.getLogger("alcsim.connector.to_alcmeon")
CALLOUT_JOB = "package.callout"  # enqueued by Connector.receive_callout (connector/service.py)
PROPAGATE_JOB = "match.propagate"  # a bind from Alcméon: link the user's records in the org (MATCH-02)
RESYNC_JOB = "alcmeon.action"  # the core's state-based sync; a synthetic job re-reads the conversation
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
    return new == sync_rules.CLOSED and old != sync_rules.CLOSED


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


# -- I/O ----------------------------------------------------------------------------------------------
class CalloutHandler:
    """`package.callout` jobs, one group per conversation, in callout order."""

    def __init__(self, connector):
        self.connector = connector

    def __call__(self, groups: list[list[Job]]) -> list[Outcome]:
        return [self._group(group) for group in groups]

    def _group(self, group: list[Job]) -> Outcome:
        payload = group[-1].payload
        info = {
            "conversation_id": payload.get("conversation_id"),
            "scoped_id": (payload.get("callout") or {}).get("scoped_id"),
        }
        try:
            info["org"] = self.connector.org(payload["org"]).organization_id
            done = [self.apply(job.payload) for job in group]
        except Retryable as exc:
            return Outcome("retry", str(exc), exc.retry_after, info)
        except Permanent as exc:
            return Outcome("error", str(exc), info=info)
        return Outcome.done("; ".join(d for d in done if d))

    def apply(self, payload: dict) -> str:
        env, org = payload["env"], payload["org"]
        callout = payload["callout"]
        changes = callout.get("changes") or {}
        env_gw, org_gw = self.connector.environment(env), self.connector.org(org)
        settings = self.connector.settings.get(env)
        org_id = org_gw.organization_id
        person = bool(sync_rules.org_settings(settings, org_id).get("person_account_mode"))
        conversation = env_gw.conversation(payload["conversation_id"])
        did = []
        link = linked_party(changes, person)
        if link is not None:
            did.append(self.match(env, org, conversation, link.party_id))
            if link.party_id:
                did.append(propagate(self.connector, env, org, conversation, link.party_id, callout["id"]))
        queue = queue_moved_to(changes)
        if queue:
            team = transfer_team(settings, env, org_id, queue, queue_routes(self.connector.store, env))
            if team is None:
                did.append(f"queue {queue} is mapped to no team")
            elif conversation.get("team_id") == team:
                did.append(f"already in team {team}")
            elif conversation.get("status") == "closed":
                did.append("closed: not transferred")
            else:
                alc.route_conversation(env_gw, conversation["id"], team)  # UPD-02, TOPO-06, TOPO-07
                did.append(f"routed to team {team}")
        if closed_in_salesforce(changes) and conversation.get("status") == "open":
            agent = self._agent_for(org_gw, env_gw, callout.get("user_id"))
            alc.close_conversation(env_gw, conversation["id"], agent)
            did.append("closed")
        return ", ".join(did)

    def match(self, env: str, org: str, conversation: dict, party_id: str | None) -> str:
        """MATCH-01: the social user is linked to the party in Alcméon (so are its future conversations)."""
        env_gw = self.connector.environment(env)
        user, account = conversation["social_user"], conversation["account"]
        if user.get("crm_contact_id") == party_id:
            return "already matched"
        field = alc.contact_field_id(env_gw)
        alc.set_user_field(env_gw, account["id"], user["user_id"], field, party_id)
        return f"matched to {party_id}" if party_id else "unmatched"

    def _agent_for(self, org_gw, env_gw, user_id: str | None) -> int:
        """The Alcméon agent acting for the Salesforce user who closed the record (by e-mail)."""
        rows = sf.query(org_gw, f"SELECT Email, Name FROM User WHERE Id = '{sf.soql_text(user_id or '')}'")
        if not rows:
            raise Permanent(f"no Salesforce user {user_id} to close the conversation as")
        return alc.agent_by_email(env_gw, rows[0]["Email"], rows[0]["Name"])


def propagate(connector, env: str, org: str, conversation: dict, party_id: str, source) -> str:
    """MATCH-02: every record of the user's conversations in this org points at the party, and the
    conversation is synced again so its earlier conversations are pushed too (SYNC-05 on a match)."""
    env_gw, org_gw = connector.environment(env), connector.org(org)
    settings = connector.settings.get(env)
    person = bool(sync_rules.org_settings(settings, org_gw.organization_id).get("person_account_mode"))
    user = conversation["social_user"]
    scoped = [
        c["scoped_id"]
        for c in env_gw.user_conversations(conversation["account"]["id"], user["id"])
        if c.get("scoped_id")
    ]
    records = []
    if scoped:
        records = sf.query(
            org_gw,
            f"SELECT Id, {CONTACT}, {ACCOUNT} FROM alcmeon__Conversation__c"
            f" WHERE alcmeon__scoped_id__c IN ({sf.soql_list(scoped)})",
        )
    updates = lookup_updates(records, party_id, person)
    failed = [r for r in sf.update_many(org_gw, "alcmeon__Conversation__c", updates) if not r.get("success")]
    if failed:
        raise Permanent(f"MATCH-02: {len(failed)} record(s) not linked: {failed[0].get('errors')}")
    if records:
        resync(connector, env, conversation["id"], f"{org}:{source}")
    return f"{len(updates)} record(s) linked"


def resync(connector, env: str, conversation_id: int, source: str) -> None:
    """Ask the core sync to read the conversation again (it is state-based, so this is idempotent)."""
    from alcsim.connector.service import conversation_key

    payload = {
        "env": env,
        "conversation_id": conversation_id,
        "action": {
            "id": None,
            "type": "match",
            "user": {},
            "data": None,
            "task": {"id": None, "url": None, "tags": [], "message": {"id": None}},
        },
    }
    if connector.store.enqueue(
        RESYNC_JOB, conversation_key(env, conversation_id), f"resync:{env}:{source}", payload
    ):
        connector.engine.wake()


class PropagateHandler:
    """`match.propagate` jobs: a bind made from Alcméon links the user's records in the org (MATCH-02)."""

    def __init__(self, connector):
        self.connector = connector

    def __call__(self, groups: list[list[Job]]) -> list[Outcome]:
        outcomes = []
        for group in groups:
            payload = group[-1].payload
            try:
                conversation = self.connector.environment(payload["env"]).conversation(
                    payload["conversation_id"]
                )
                message = propagate(
                    self.connector,
                    payload["env"],
                    payload["org"],
                    conversation,
                    payload["party_id"],
                    f"bind:{group[-1].id}",
                )
                outcomes.append(Outcome.done(message))
            except Retryable as exc:
                outcomes.append(Outcome("retry", str(exc), exc.retry_after))
            except Permanent as exc:
                outcomes.append(
                    Outcome("error", str(exc), info={"conversation_id": payload.get("conversation_id")})
                )
        return outcomes


def queue_routes(store, env: str | None = None) -> list[QueueRoute]:
    from alcsim.connector.queue_routes import routes

    return [r for r in routes(store) if env is None or r.env == env]


def register(connector) -> None:
    from alcsim.connector import matching_api
    from alcsim.connector import queue_routes as transfers

    transfers.create_table(connector.store)
    connector.dispatcher.register(CALLOUT_JOB, CalloutHandler(connector))
    connector.dispatcher.register(PROPAGATE_JOB, PropagateHandler(connector))
    connector.app.register_blueprint(transfers.blueprint(connector))
    connector.app.register_blueprint(matching_api.blueprint(connector))

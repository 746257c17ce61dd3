"""The package callouts' I/O (UPD-01, UPD-02, MATCH-01/02, TOPO-06/07): match, transfer and close in Alcméon."""

# The decisions are the plain rules of connector/rules/to_alcmeon.py; this module reads the conversation
# from Alcméon, writes the match in the user custom field "Salesforce Contact Id" (the match's source of
# truth), routes the conversation to the team a queue stands for, closes it (putting the record's CLOSED
# back first, `keep_closed`), and links the user's other records in the org (MATCH-02), for
# `package.callout` jobs and for the `match.propagate` jobs a bind made from Alcméon enqueues
# (connector/matching_api.py).

from __future__ import annotations

from alcsim.connector import queue_routes
from alcsim.connector.engine import Outcome
from alcsim.connector.jobs import ACTION_JOB, CALLOUT_JOB, PROPAGATE_JOB, conversation_key
from alcsim.connector.retry import CallFailed, Permanent, Retryable
from alcsim.connector.rules import to_salesforce as sync_rules
from alcsim.connector.rules.to_alcmeon import (
    ACCOUNT,
    CONTACT,
    closed_in_salesforce,
    linked_party,
    lookup_updates,
    queue_moved_to,
    transfer_team,
)
from alcsim.connector.salesforce import CONVERSATION, SCOPED_ID
from alcsim.connector.soql import is_id, soql
from alcsim.connector.store import Job


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
        person = sync_rules.person_accounts(settings, org_id)
        conversation = env_gw.conversation(payload["conversation_id"])
        did = []
        link = linked_party(changes, person)
        if link is not None:
            did.append(self.match(env, conversation, link.party_id))
            if link.party_id:
                did.append(propagate(self.connector, env, org, conversation, link.party_id, callout["id"]))
        queue = queue_moved_to(changes)
        if queue:
            team = transfer_team(settings, env, org_id, queue, queue_routes.routes(self.connector.store, env))
            if team is None:
                did.append(f"queue {queue} is mapped to no team")
            elif conversation.get("team_id") == team:
                did.append(f"already in team {team}")
            elif conversation.get("status") == "closed":
                did.append("closed: not transferred")
            else:
                env_gw.route_conversation(conversation["id"], team)  # UPD-02, TOPO-06, TOPO-07
                did.append(f"routed to team {team}")
        if closed_in_salesforce(changes):
            is_open = conversation.get("status") == "open"
            agent = self._agent_for(org_gw, env_gw, callout.get("user_id")) if is_open else None
            did.append(keep_closed(org_gw, callout))
            if agent is not None:
                did.append(close_once(env_gw, conversation["id"], agent))
        return ", ".join(did)

    def match(self, env: str, conversation: dict, party_id: str | None) -> str:
        """MATCH-01: the social user is linked to the party in Alcméon (so are its future conversations)."""
        env_gw = self.connector.environment(env)
        user, account = conversation["social_user"], conversation["account"]
        if user.get("crm_contact_id") == party_id:
            return "already matched"
        env_gw.set_user_field(account["id"], user["user_id"], env_gw.contact_field_id(), party_id)
        return f"matched to {party_id}" if party_id else "unmatched"

    def _agent_for(self, org_gw, env_gw, user_id: str | None) -> int:
        """The Alcméon agent acting for the Salesforce user who closed the record (by e-mail)."""
        if not is_id(user_id):
            raise Permanent(f"no Salesforce user {user_id!r} to close the conversation as")
        rows = org_gw.query_all(soql("SELECT Email, Name FROM User WHERE Id = {:id}", user_id))
        if not rows:
            raise Permanent(f"no Salesforce user {user_id} to close the conversation as")
        return env_gw.agent_by_email(rows[0]["Email"], rows[0]["Name"])


def propagate(connector, env: str, org: str, conversation: dict, party_id: str, source) -> str:
    """MATCH-02: every record of the user's conversations in this org points at the party, and the
    conversation is synced again so its earlier conversations are pushed too (SYNC-05 on a match)."""
    env_gw, org_gw = connector.environment(env), connector.org(org)
    person = sync_rules.person_accounts(connector.settings.get(env), org_gw.organization_id)
    user = conversation["social_user"]
    mine = [
        c for c in env_gw.user_conversations(conversation["account"]["id"], user["id"]) if c.get("scoped_id")
    ]
    scoped = [c["scoped_id"] for c in mine]
    records = []
    if scoped:
        records = org_gw.query_all(
            soql(
                "SELECT Id, {:name}, {:name} FROM {:name} WHERE {:name} IN {:strs}",
                CONTACT,
                ACCOUNT,
                CONVERSATION,
                SCOPED_ID,
                scoped,
            )
        )
    updates = lookup_updates(records, party_id, person)
    failed = [r for r in org_gw.update_many(CONVERSATION, updates) if not r.get("success")]
    if failed:
        raise Permanent(f"MATCH-02: {len(failed)} record(s) not linked: {failed[0].get('errors')}")
    # Each of the user's conversations is synced again, behind any sync of it already under way (jobs of
    # one conversation run in order): one that read the user before the match and writes after this
    # update would otherwise leave its record unlinked. The sync is state-based, so this is idempotent.
    for c in mine or [conversation]:
        resync(connector, env, c["id"], f"{org}:{source}")
    return f"{len(updates)} record(s) linked"


def resync(connector, env: str, conversation_id: int, source: str) -> None:
    """Ask the core sync to read the conversation again (it is state-based, so this is idempotent)."""
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
        ACTION_JOB,
        conversation_key(env, conversation_id),
        f"resync:{env}:{conversation_id}:{source}",
        payload,
    ):
        connector.engine.wake()


class PropagateHandler:
    """`match.propagate` jobs: a bind made from Alcméon links the user's records in the org (MATCH-02).
    The job is state-based: it reads the user's newest conversation and current match when it runs, so
    the newest of a user's jobs covers the older ones and a rebind's follow-up links the new party."""

    def __init__(self, connector):
        self.connector = connector

    def __call__(self, groups: list[list[Job]]) -> list[Outcome]:
        return [self._group(group) for group in groups]

    def _group(self, group: list[Job]) -> Outcome:
        payload = group[-1].payload
        env = payload["env"]
        info = {"conversation_id": payload.get("conversation_id")}
        try:
            env_gw = self.connector.environment(env)
            if "user_id" in payload:
                conversation = env_gw.latest_user_conversation(payload["account_id"], payload["user_id"])
                if conversation is None:
                    return Outcome.done("the user has no conversation to link")
                info["conversation_id"] = conversation["id"]
                party_id = conversation["social_user"]["crm_contact_id"]
            else:  # a job queued before the job read the match itself (a kept --data-dir)
                conversation = env_gw.conversation(payload["conversation_id"])
                party_id = payload["party_id"]
            if not party_id:
                return Outcome.done("the user is matched to nobody")
            message = propagate(
                self.connector, env, payload["org"], conversation, party_id, f"bind:{group[-1].id}"
            )
        except Retryable as exc:
            return Outcome("retry", str(exc), exc.retry_after, info)
        except Permanent as exc:
            return Outcome("error", str(exc), info=info)
        return Outcome.done(message)


def register(connector) -> None:
    connector.dispatcher.register(CALLOUT_JOB, CalloutHandler(connector))
    connector.dispatcher.register(PROPAGATE_JOB, PropagateHandler(connector))


def keep_closed(org_gw, callout: dict) -> str:
    """The agent's close is the newest state of the record: put CLOSED back before Alcméon closes.

    A sync of this conversation that read Alcméon before this close was applied runs before this callout
    (jobs of a key run in order) and may have written OPEN over the agent's CLOSED; the `archive` sync
    that follows the close in Alcméon would bring CLOSED back only later. Alcméon has no reopen
    (docs/assumptions.md, "Callouts to Alcméon"), so once the conversation is or gets closed the record's
    status is CLOSED for good (SYNC-06): written here, the org shows it as soon as Alcméon does."""
    record_id = callout.get("record_id")
    if not is_id(record_id):
        return "no record to keep closed"
    try:
        org_gw.update(CONVERSATION, record_id, {sync_rules.STATUS: sync_rules.CLOSED})
    except Permanent as exc:
        if exc.status == 404:  # the record was deleted since: nothing to keep closed in the org
            return "record deleted"
        raise
    return "record kept CLOSED"


def close_once(env_gw, conversation_id: int, agent: int) -> str:
    """Close a conversation read as open; someone closing it in Alcméon meanwhile (409 conversation-closed)
    leaves it as the Case asked, so that is done, not a sync error."""
    try:
        env_gw.close_conversation(conversation_id, agent)
    except CallFailed as exc:
        if (
            exc.status == 409
            and isinstance(exc.body, dict)
            and exc.body.get("error") == "conversation-closed"
        ):
            return "already closed in Alcméon"
        raise
    return "closed"

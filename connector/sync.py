"""The "alcmeon.action" handler: read each notified conversation, apply the SYNC rules, upsert in batches."""

# The sync is state-based: an action only says "this conversation changed"; the handler reads the
# conversation as it is now and writes the whole record. Replaying an action, a redelivery or a
# catch-up therefore writes the same values again (idempotent upsert on the scoped id, SYNC-01), which
# is what makes a restart mid-run safe. Records of one claim are grouped per org into collections.

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from alcsim.connector.conversation_reads import ConversationReader
from alcsim.connector.engine import Outcome
from alcsim.connector.retry import Permanent, Retryable
from alcsim.connector.rules import to_salesforce as rules
from alcsim.connector.store import Job

log = logging.getLogger("alcsim.connector.sync")
RELEVANT_ACTIONS = frozenset(
    {"task-create", "tag", "answer", "execute-answer", "archive", "auto-archive", "anonymize-gdpr"}
)


class SettingsCache:
    """Each environment's org-linking settings, re-read after `ttl` seconds or when invalidated."""

    def __init__(self, read, ttl: float = 1.0):
        self._read = read  # env name -> settings dict
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, dict]] = {}

    def get(self, env: str) -> dict:
        with self._lock:
            hit = self._cached.get(env)
        # A cache lifetime is real elapsed time (monotonic), not a moment on the shared clock.
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        value = self._read(env)
        with self._lock:
            self._cached[env] = (time.monotonic(), value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._cached.clear()


@dataclass
class _Plan:
    """What one conversation group will write: its records (the conversation first) and bookkeeping."""

    env: str
    org_id: str
    scoped_id: str
    records: list[dict]
    queue_id: str | None
    social_user_id: int
    contact: str | None
    info: dict = field(default_factory=dict)
    history_of: dict | None = None  # SYNC-05: the conversation as read, whose user's earlier ones follow
    org: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)


class ConversationSync:
    def __init__(self, connector):
        self.connector = connector
        self.store = connector.store
        self._readers: dict[str, ConversationReader] = {}
        self._readers_lock = threading.Lock()

    def reader(self, env: str) -> ConversationReader:
        """The environment's batched conversation reads (connector/conversation_reads.py)."""
        with self._readers_lock:
            if env not in self._readers:
                self._readers[env] = ConversationReader(self.connector.environment(env))
            return self._readers[env]

    def __call__(self, groups: list[list[Job]]) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(groups)
        plans: dict[int, _Plan] = {}
        views = self._views(groups)
        for index, group in enumerate(groups):
            try:
                plan = self._plan(group, views)
            except Retryable as exc:
                outcomes[index] = Outcome("retry", str(exc), exc.retry_after, _info(group))
                continue
            except Permanent as exc:
                outcomes[index] = Outcome("error", str(exc), info=_info(group))
                continue
            if plan is None:
                outcomes[index] = Outcome.done("not eligible")
            else:
                plans[index] = plan
        self._add_history(groups, plans, outcomes)
        by_org: dict[str, list[int]] = {}
        for index, plan in plans.items():
            by_org.setdefault(plan.org_id, []).append(index)
        for org_id, indexes in by_org.items():
            for index, outcome in self._write(org_id, [(i, plans[i]) for i in indexes]).items():
                outcomes[index] = outcome
        return [o or Outcome.done() for o in outcomes]

    def _views(self, groups: list[list[Job]]) -> dict[tuple[str, int], dict]:
        """The claim's conversations read in list pages where that takes fewer calls than one GET each."""
        ids: dict[str, set[int]] = {}
        for group in groups:
            payload = group[0].payload
            if isinstance(payload.get("conversation_id"), int):
                ids.setdefault(payload["env"], set()).add(payload["conversation_id"])
        views: dict[tuple[str, int], dict] = {}
        for env, wanted in ids.items():
            try:
                found = self.reader(env).views(wanted)
            except (KeyError, Retryable, Permanent) as exc:
                # Each conversation is then read alone and its own failure is its group's outcome.
                log.info("list read of %s conversations failed: %s", env, exc)
                continue
            views.update({(env, cid): view for cid, view in found.items()})
        return views

    def _plan(self, group: list[Job], views: dict[tuple[str, int], dict]) -> _Plan | None:
        env_name = group[0].payload["env"]
        conversation_id = group[0].payload["conversation_id"]
        gateway = self.connector.environment(env_name)
        conversation = views.get((env_name, conversation_id)) or gateway.conversation(conversation_id)
        read = conversation
        settings = self.connector.settings.get(env_name)
        scoped_id = conversation["scoped_id"]
        known = self.store.all("SELECT org FROM records WHERE scoped_id = ? LIMIT 1", scoped_id)
        already_in = known[0]["org"] if known else None
        # The notified actions often decide alone (its team is mapped, or it is already synced); the
        # conversation's whole action history is read only when they do not.
        actions = [job.payload["action"] for job in group]
        decision = rules.target(conversation, actions, settings, already_in)
        if decision.org_id is None or decision.reason.startswith("SYNC-01"):
            actions = gateway.conversation_actions(conversation_id)
            decision = rules.target(conversation, actions, settings, already_in)
        if decision.org_id is None:
            log.debug("%s not synced: %s", scoped_id, decision.reason)
            return None
        if self.connector.org_by_id(decision.org_id) is None:
            raise Permanent(
                f"org {decision.org_id} is linked in {env_name} but not connected to this connector"
            )
        org = rules.org_settings(settings, decision.org_id)
        conversation = rules.as_seen_by(conversation, settings, decision.org_id)
        last = self.store.record(decision.org_id, scoped_id) or {}
        user = conversation["social_user"]
        record = rules.conversation_record(
            conversation,
            org,
            url=rules.latest_url(actions),
            queue_id=decision.queue_id,
            last_queue=last.get("to_queue"),
        )
        synced_before, contact_then = self.store.user_synced(decision.org_id, env_name, user["id"])
        # SYNC-05: the user's earlier conversations, all CLOSED, in the same collection call (_add_history).
        history = rules.needs_history(synced_before, contact_then, user.get("crm_contact_id"))
        return _Plan(
            env_name,
            decision.org_id,
            scoped_id,
            [record],
            decision.queue_id or last.get("to_queue"),
            user["id"],
            user.get("crm_contact_id"),
            _info(group, scoped_id),
            read if history else None,
            org,
            settings,
        )

    def _add_history(self, groups: list[list[Job]], plans: dict[int, _Plan], outcomes: list) -> None:
        """SYNC-05 for the claim's first-time users: from the environment's index of earlier
        conversations when it can answer, else one read of the user's conversations each."""
        by_env: dict[str, list[int]] = {}
        for index, plan in plans.items():
            if plan.history_of is not None:
                by_env.setdefault(plan.env, []).append(index)
        for env, indexes in by_env.items():
            wanted = [_user_key(plans[i].history_of) + (plans[i].history_of["id"],) for i in indexes]
            try:
                known = self.reader(env).earlier(wanted)
            except (Retryable, Permanent) as exc:
                log.info("list read of %s conversations failed: %s", env, exc)
                known = None  # each user's own read below reports its own failure
            for index in indexes:
                plan, read = plans[index], plans[index].history_of
                try:
                    if known is None:
                        earlier = self.connector.environment(env).user_conversations(*_user_key(read))
                    else:
                        earlier = [{**read, "id": i, "scoped_id": s} for i, s in known[_user_key(read)]]
                        earlier.append(read)
                except Retryable as exc:
                    outcomes[index] = Outcome("retry", str(exc), exc.retry_after, _info(groups[index]))
                    del plans[index]
                    continue
                except Permanent as exc:
                    outcomes[index] = Outcome("error", str(exc), info=_info(groups[index]))
                    del plans[index]
                    continue
                for old in rules.history(earlier, plan.scoped_id):
                    old = rules.as_seen_by(old, plan.settings, plan.org_id)
                    plan.records.append(rules.conversation_record(old, plan.org, status=rules.CLOSED))

    def _write(self, org_id: str, plans: list[tuple[int, _Plan]]) -> dict[int, Outcome]:
        gateway = self.connector.org_by_id(org_id)
        # One value per scoped id in a call: a conversation's own record wins over a history copy of it.
        chosen: dict[str, dict] = {}
        for _, plan in plans:
            for position, record in enumerate(plan.records):
                key = record["alcmeon__scoped_id__c"]
                if position == 0 or key not in chosen:
                    chosen[key] = record
        try:
            results = {r.scoped_id: r for r in gateway.upsert_conversations(list(chosen.values()))}
        except Retryable as exc:
            return {
                i: Outcome("retry", str(exc), exc.retry_after, {**p.info, "org": org_id}) for i, p in plans
            }
        except Permanent as exc:
            return {i: Outcome("error", str(exc), info={**p.info, "org": org_id}) for i, p in plans}
        outcomes: dict[int, Outcome] = {}
        saved: list[tuple] = []
        users: list[tuple] = []
        for index, plan in plans:
            mine = [results[r["alcmeon__scoped_id__c"]] for r in plan.records]
            failed = [r for r in mine if not r.ok]
            if not failed:
                for result, record in zip(mine, plan.records, strict=True):
                    queue = plan.queue_id if result.scoped_id == plan.scoped_id else None
                    saved.append(
                        (org_id, result.scoped_id, result.record_id, queue, record["alcmeon__Status__c"])
                    )
                users.append((org_id, plan.env, plan.social_user_id, plan.contact))
                outcomes[index] = Outcome.done()
                continue
            message = "; ".join(f"{r.scoped_id}: {r.error}" for r in failed)
            kind = "retry" if all(r.retryable for r in failed) else "error"
            outcomes[index] = Outcome(kind, message, info={**plan.info, "org": org_id})
        # In the claim's order, one transaction each: what a later record of the same id says wins.
        self.store.save_records(saved)
        self.store.mark_users_synced(users)
        return outcomes


def _user_key(conversation: dict) -> tuple[int, int]:
    return conversation["account"]["id"], conversation["social_user"]["id"]


def _info(group: list[Job], scoped_id: str | None = None) -> dict:
    """Where a sync error belongs (AR 1.11: attached to the affected message)."""
    action = group[-1].payload.get("action") or {}
    task = action.get("task") or {}
    return {
        "conversation_id": group[-1].payload.get("conversation_id"),
        "task_id": task.get("id"),
        "message_id": (task.get("message") or {}).get("id"),
        "scoped_id": scoped_id,
    }

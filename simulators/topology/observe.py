"""What `alcsim simulate` observes of a running topology, read through the fakes' and connector's HTTP APIs."""

# Counters come from public and admin routes only (Salesforce REST/SOQL and /limits, the Alcméon
# extensions, notification stats and request journal, the connector's /admin routes), so the live view
# shows what an operator of the real services could see. The invariants are checked the same way.

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

TEAM_TAG_ID = 1  # docs/assumptions.md: routing to a team is a `tag` action on the reserved tag id 1
HUMAN_REPLIES = ("answer", "execute-answer")


@dataclass
class EnvCounters:
    messages: int = 0  # customer messages the traffic wrote
    conversations: int = 0
    matches: int = 0
    transfers: int = 0  # routes to a team
    replies: int = 0
    closes: int = 0
    errors: int = 0  # calls of the traffic that failed
    api_calls: int = 0  # requests the environment answered (its journal)
    notifications: int = 0  # delivered to the connector


@dataclass
class OrgCounters:
    records: int = 0  # alcmeon__Conversation__c
    open_records: int = 0
    matched: int = 0  # records linked to a Contact or person Account
    cases: int = 0
    transfers: int = 0  # changes made by Salesforce agents that the package reported
    errors_pending: int = 0  # SYNC-10
    api_used: int = 0  # DailyApiRequests used (GET /limits)
    api_max: int = 0


@dataclass
class Observed:
    """Shared between the traffic thread, the poller and the view; every change under `lock`."""

    envs: dict[str, EnvCounters] = field(default_factory=dict)
    orgs: dict[str, OrgCounters] = field(default_factory=dict)
    events: deque = field(default_factory=lambda: deque(maxlen=14))
    jobs: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def event(self, where: str, text: str) -> None:
        with self.lock:
            self.events.append((time.strftime("%H:%M:%S"), where, text))

    def count(self, env: str, name: str, by: int = 1) -> None:
        with self.lock:
            counters = self.envs.setdefault(env, EnvCounters())
            setattr(counters, name, getattr(counters, name) + by)


def poll(rt, observed: Observed) -> None:
    """Refresh the counters read from the fakes and the connector (one round of HTTP calls)."""
    for name, handle in rt.envs.items():
        conversations = handle.ext("GET", "/conversations").json()
        stats = handle.ext("GET", "/notifications/stats").json()
        last = handle.session.get(f"{handle.url}/_sim/journal", params={"limit": 1}).json()["entries"]
        with observed.lock:
            counters = observed.envs.setdefault(name, EnvCounters())
            counters.conversations = max(counters.conversations, len(conversations))
            counters.notifications = (stats.get("deliveries") or {}).get("delivered", 0)
            counters.api_calls = last[0]["seq"] if last else 0
    errors = {o["name"]: o["errors_pending"] for o in rt.admin("GET", "/orgs").json()}
    jobs = rt.admin("GET", "/health").json().get("jobs", {})
    for name, running in rt.orgs.items():
        sf = running.client()
        records = sf.query_all(
            "SELECT alcmeon__Status__c, alcmeon__Contact__c, alcmeon__Account__c"
            " FROM alcmeon__Conversation__c"
        )["records"]
        cases = sf.query("SELECT COUNT() FROM Case")["totalSize"]
        limits = sf.restful("limits")["DailyApiRequests"]
        callouts = _reported_changes(running)
        with observed.lock:
            counters = observed.orgs.setdefault(name, OrgCounters())
            before = (counters.records, counters.cases, counters.errors_pending)
            counters.records = len(records)
            counters.open_records = sum(1 for r in records if r["alcmeon__Status__c"] == "OPEN")
            counters.matched = sum(1 for r in records if r["alcmeon__Contact__c"] or r["alcmeon__Account__c"])
            counters.cases = cases
            counters.transfers = callouts
            counters.errors_pending = errors.get(name, 0)
            counters.api_max = limits["Max"]
            counters.api_used = limits["Max"] - limits["Remaining"]
            after = (counters.records, counters.cases, counters.errors_pending)
        told = (
            "The connector created {n} Conversation record{s} in org {org} ({now} in all)",
            "Org {org} opened {n} Case{s} for its customers ({now} in all)",
            "The connector could not sync {n} change{s} to org {org}: see its sync errors ({now} pending)",
        )
        for sentence, was, now in zip(told, before, after, strict=True):
            if now > was:
                count = now - was
                observed.event(name, sentence.format(n=count, s="s" if count > 1 else "", org=name, now=now))
    with observed.lock:
        observed.jobs = dict(jobs)


def _reported_changes(running) -> int:
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    answer = session.get(f"{running.instance_url}/_sim/package/callouts")
    if answer.status_code != 200:
        return 0
    body = answer.json()
    rows = body.get("callouts", body) if isinstance(body, dict) else body
    return len(rows) if isinstance(rows, list) else 0


# -- invariants (issue 6: an eligible conversation not synced, a duplicate record, a lost message) --------
def _social_accounts(handle) -> list[dict]:
    """Every social account, following `next` (core-api.yaml pages them, 100 at most)."""
    accounts, page = [], 0
    while True:
        body = handle.session.get(
            f"{handle.url}/v1/social-accounts/", params={"limit": 100, "page": page}
        ).json()
        accounts += body["data"]
        if not body.get("next"):
            return accounts
        page += 1


def conversations_of(handle, account_id: int) -> list[dict]:
    """Every conversation of an account: the extension answers 200 a page (issue 13: the checker used to
    read only the first page and reported the rest as lost messages)."""
    found: list[dict] = []
    params = {"account_id": account_id, "limit": 200}
    while True:
        page = handle.ext("GET", "/conversations", params=params).json()
        found += page
        if len(page) < params["limit"]:
            return found
        params["before_id"] = page[-1]["id"]


def _routed_teams(actions: list[dict]) -> set[int]:
    teams = set()
    for action in actions:
        data = action.get("data") or {}
        if action.get("type") == "tag" and (data.get("next") or {}).get("id") == TEAM_TAG_ID:
            teams.add(data["next"]["value"]["id"])
        for tag in (action.get("task") or {}).get("tags") or []:
            if action.get("type") == "task-create" and tag.get("id") == TEAM_TAG_ID:
                teams.add(tag["value"]["id"])
    return teams


def check_invariants(rt, written: dict[str, int], matched_then_replied: dict[str, set[int]]) -> list[str]:
    """Problems found once everything settled; empty when every invariant holds."""
    problems: list[str] = []
    scoped_by_org: dict[str, list[str]] = {}
    for org in rt.orgs:
        rows = rt.orgs[org].client().query_all("SELECT alcmeon__scoped_id__c FROM alcmeon__Conversation__c")
        scoped_by_org[org] = [r["alcmeon__scoped_id__c"] for r in rows["records"]]
        dupes = sorted({s for s in scoped_by_org[org] if scoped_by_org[org].count(s) > 1})
        if dupes:
            problems.append(f"duplicate record in org {org}: {', '.join(dupes[:5])}")
    everywhere = {s for ids in scoped_by_org.values() for s in ids}
    for env, handle in rt.envs.items():
        settings = handle.ext("GET", "/salesforce").json()
        links = {lk["social_account_id"]: lk for lk in settings["links"] if lk["enabled"]}
        modes = {o["org_id"]: o.get("sync_mode", "team-and-match") for o in settings["organizations"]}
        mapped = {m["team_id"]: m["org_id"] for m in settings["team_queues"]}
        conversations = [
            c for account in _social_accounts(handle) for c in conversations_of(handle, account["id"])
        ]
        tasks = sum(len(c["tasks"]) for c in conversations)
        if tasks != written.get(env, 0):
            problems.append(f"lost message in {env}: {written.get(env, 0)} written, {tasks} in the inbox")
        for conversation in conversations:
            link = links.get(conversation["account"]["id"])
            if link is None or conversation["scoped_id"] in everywhere:
                continue
            mode = modes.get(link["org_id"], "team-and-match")
            tasks = handle.session.get(f"{handle.url}/actions/conversations/{conversation['id']}").json()
            actions = [a for task in tasks for a in task.get("actions", [])]
            by_team = mode != "match-based" and any(t in mapped for t in _routed_teams(actions))
            by_match = mode != "team-based" and conversation["id"] in matched_then_replied.get(env, set())
            if by_team or by_match:
                why = "routed to a mapped team" if by_team else "answered after a match"
                problems.append(
                    f"eligible conversation not synced: {env} {conversation['scoped_id']} ({why})"
                )
        stats = handle.ext("GET", "/notifications/stats").json().get("deliveries", {})
        undelivered = {k: v for k, v in stats.items() if k not in ("delivered", "skipped") and v}
        if undelivered:
            problems.append(f"notifications of {env} not delivered: {undelivered}")
    return problems

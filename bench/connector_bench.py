"""Connector bench: API calls per synced conversation on both sides, backlog drain time, message-to-record latency.

Everything runs over HTTPS against the fakes, as the integration tests do. API calls are counted from the
org's and the environment's request journals (their admin API), so they are what each fake saw, not what
the connector thinks it sent.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from alcsim.simulators.topology.files import parse
from alcsim.simulators.topology.launch import start_topology, wait_until

SINGLE_EVENTS = 30
BACKLOG_CALLS = 1_000
BACKLOG_DRAIN = 10_000
RATE_PER_SECOND = 20
RATE_SECONDS = 10
# Goals of issue 15 (and the figures it measured before: 1,000 in 7.3 s, 10,000 in 53 s, 0.032 calls).
DRAIN_GOAL_SECONDS = 20.0  # 10,000 conversations
SALESFORCE_GOAL = 0.01  # Salesforce API calls per conversation on a 1,000 backlog
ALCMEON_GOAL_RATIO = 2.0  # the connector's Alcméon calls within 2x of the floor
ACTIONS_PAGE = 10  # AR 3.3: GET /actions answers at most 10 actions a call
LIST_PAGE = 1000  # the conversation list's largest page (simulators/alcmeon/README.md)
COLLECTION = 200  # salesforce-contract.md 7: records per sObject collection call

# One environment, one org; the WhatsApp account's messages arrive in the mapped team's inbox, so one
# customer message makes a conversation eligible (SYNC-02) with no agent step in between.
TOPOLOGY = {
    "name": "bench",
    "connector": {"workers": 8, "catch_up_seconds": 3600},
    "environments": [
        {
            "name": "brand",
            "instance_id": "7373",
            "teams": [{"name": "Salesforce agents", "org": "main", "queue": "Social_Queue"}],
            "social_accounts": [
                {"name": "Brand WhatsApp", "type": "whatsapp", "org": "main", "team": "Salesforce agents"}
            ],
        }
    ],
    "orgs": [
        {"name": "main", "seed": 73, "queues": [{"name": "Social Queue", "developer_name": "Social_Queue"}]}
    ],
}


def _topology():
    return start_topology(parse(TOPOLOGY, "bench"))


def _org_session(running):
    org = running.org("main")
    session = org.session()
    session.headers["Authorization"] = f"Bearer {org.access_token()}"
    return org, session


def _api_calls(running, since: int) -> tuple[int, int]:
    """(REST data calls the org answered after journal entry `since`, the last entry's sequence)."""
    org, session = _org_session(running)
    entries = session.get(f"{org.instance_url}/_sim/journal", params={"since": since}).json()["entries"]
    data = [e for e in entries if e["path"].startswith("/services/data/")]
    return len(data), max([since, *(e["seq"] for e in entries)])


def _journal_head(running) -> int:
    return _api_calls(running, 0)[1]


def _env_journal(running, since: int) -> list[dict]:
    env = running.env("brand")
    return env.session.get(f"{env.url}/_sim/journal", params={"since": since}).json()["entries"]


def _env_head(running) -> int:
    env = running.env("brand")
    entries = env.session.get(f"{env.url}/_sim/journal", params={"limit": 1}).json()["entries"]
    return entries[-1]["seq"] if entries else 0


def _alcmeon_calls(running, since: int) -> dict[str, int] | None:
    """Requests the environment answered after journal entry `since`, per route (ids folded); None when
    the journal's ring (5,000 entries) has dropped some of them."""
    entries = [
        e for e in _env_journal(running, since) if (e.get("tags") or {}).get("direction") != "outgoing"
    ]
    if entries and entries[0]["seq"] != since + 1:
        return None
    routes = Counter(
        f"{e['method']} {'/'.join('{id}' if p.isdigit() else p for p in e['path'].split('/'))}"
        for e in entries
    )
    return dict(routes.most_common())


def alcmeon_floor(conversations: int, actions: int) -> int:
    """The fewest Alcméon reads the public API allows for what the rules need on this backlog.

    - 1 token (POST /v1/oauth2/token, valid one hour, AR 3.1) and 1 read of the org-linking settings
      (SYNC-09, SYNC-02 need the account links and team mappings);
    - the catch-up: GET /actions gives at most 10 actions a call and only a short page says the end
      (AR 3.3), so floor(actions / 10) + 1 reads;
    - each conversation's state (status, scoped id, team, user with contact and channel data: SYNC-01..08)
      comes 1,000 a page from the conversation list: ceil(conversations / 1000);
    - SYNC-05 (every user here is new): their earlier conversations are in those same pages, the
      account holding only the backlog; and the notified task-create in a mapped team's inbox decides
      SYNC-02 alone, so no conversation's action history is read.
    """
    return 1 + 1 + actions // ACTIONS_PAGE + 1 + math.ceil(conversations / LIST_PAGE)


def _write(running, account: int, user: str) -> dict:
    return running.env("brand").customer_writes(account, user, "Bonjour")


def _backlog(running, count: int, prefix: str) -> None:
    """`count` eligible conversations written while the connector is down (the webhook is off)."""
    env = running.env("brand")
    account = running.account_id("brand", "Brand WhatsApp")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: _write(running, account, f"{prefix}{i:07d}"), range(count)))
    assert env.ext("GET", "/notifications/stats").json() is not None
    # The customers are gone: their idle keep-alive connections would count against the server's limit
    # of 10 (cheroot's keep_alive_conn_limit) and make it close the connector's after each answer.
    env.session.close()
    time.sleep(0.6)  # cheroot notices the closed sockets on its next select (expiration_interval 0.5 s)


def _drain(running, count: int) -> dict:
    """Start the connector on a backlog; it catches up through GET /actions and writes in collections."""
    head = _journal_head(running)
    env_head = _env_head(running)
    actions = running.env("brand").env.actions.last_id()  # a new connector's store reads all from 0
    started = time.perf_counter()
    connector = running.start_connector()

    def drained() -> bool:
        return connector.store.counts().get("done", 0) >= count and connector.engine.idle()

    wait_until(drained, 600, 0.05, "the backlog to drain")
    elapsed = time.perf_counter() - started
    calls, _ = _api_calls(running, head)
    alcmeon = _alcmeon_calls(running, env_head)
    floor = alcmeon_floor(count, actions)
    total = sum(alcmeon.values()) if alcmeon is not None else None
    return {
        "conversations": count,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1),
        "salesforce_api_calls": calls,
        "api_calls_per_conversation": round(calls / count, 4),
        "salesforce_floor_per_conversation": round(math.ceil(count / COLLECTION) / count, 4),
        "alcmeon_calls": total,
        "alcmeon_calls_per_conversation": round(total / count, 4) if total is not None else None,
        "alcmeon_floor_calls": floor,
        "alcmeon_floor_per_conversation": round(floor / count, 4),
        "alcmeon_ratio_to_floor": round(total / floor, 2) if total is not None else None,
        "alcmeon_calls_by_route": alcmeon if alcmeon is not None else "more than the journal's 5,000 entries",
        "actions_caught_up": actions,
    }


def _stopped_with_webhook_off(running) -> None:
    running.stop_connector()
    env = running.env("brand")
    env.ext("PUT", "/application/webhook", json={"url": None, "enabled": False}).raise_for_status()


def single_events(results: dict) -> None:
    running = _topology()
    try:
        account = running.account_id("brand", "Brand WhatsApp")
        running.wait_idle()
        head = _journal_head(running)
        for i in range(SINGLE_EVENTS):
            _write(running, account, f"3360{i:07d}")
            running.wait_idle(30)  # one conversation at a time: no batching possible
        calls, _ = _api_calls(running, head)
        results["single_events"] = {
            "conversations": SINGLE_EVENTS,
            "salesforce_api_calls": calls,
            "api_calls_per_conversation": round(calls / SINGLE_EVENTS, 3),
        }
    finally:
        running.stop()


def backlogs(results: dict) -> None:
    for key, count in (("backlog_1000", BACKLOG_CALLS), ("backlog_10000_drain", BACKLOG_DRAIN)):
        running = _topology()
        try:
            _stopped_with_webhook_off(running)
            started = time.perf_counter()
            _backlog(running, count, "3361")
            built = time.perf_counter() - started
            results[key] = {**_drain(running, count), "backlog_built_seconds": round(built, 1)}
        finally:
            running.stop()
    small, large = results["backlog_1000"], results["backlog_10000_drain"]
    results["backlog_goals"] = {
        "drain_10000_seconds": large["seconds"],
        "drain_10000_goal_seconds": DRAIN_GOAL_SECONDS,
        "drain_10000_met": large["seconds"] < DRAIN_GOAL_SECONDS,
        "drain_1000_seconds": small["seconds"],
        "per_second_1000": small["per_second"],
        "per_second_10000": large["per_second"],
        "salesforce_calls_per_conversation_1000": small["api_calls_per_conversation"],
        "salesforce_goal_per_conversation": SALESFORCE_GOAL,
        "salesforce_met": small["api_calls_per_conversation"] <= SALESFORCE_GOAL,
        "alcmeon_calls_per_conversation_1000": small["alcmeon_calls_per_conversation"],
        "alcmeon_floor_per_conversation_1000": small["alcmeon_floor_per_conversation"],
        "alcmeon_ratio_to_floor_1000": small["alcmeon_ratio_to_floor"],
        "alcmeon_goal_ratio": ALCMEON_GOAL_RATIO,
        "alcmeon_met": (small["alcmeon_ratio_to_floor"] or float("inf")) <= ALCMEON_GOAL_RATIO,
        "note": "seconds depend on the machine's load; call counts and ratios do not",
    }


def latency(results: dict) -> None:
    """A customer message every 1/20 s; the time until its record shows in a SOQL query on the org."""
    running = _topology()
    try:
        account = running.account_id("brand", "Brand WhatsApp")
        sf = running.org("main").client()
        written: dict[str, float] = {}
        seen: dict[str, float] = {}
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set() or len(seen) < len(written):
                rows = sf.query_all("SELECT alcmeon__scoped_id__c FROM alcmeon__Conversation__c")["records"]
                now = time.perf_counter()
                for row in rows:
                    seen.setdefault(row["alcmeon__scoped_id__c"], now)
                if stop.is_set() and time.perf_counter() - stopped_at[0] > 30:
                    return

        stopped_at = [0.0]
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        total = RATE_PER_SECOND * RATE_SECONDS
        begin = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:

            def one(i: int) -> None:
                at = time.perf_counter()
                answer = _write(running, account, f"3362{i:07d}")
                written[answer["scoped_id"]] = at

            for i in range(total):
                pause = begin + i / RATE_PER_SECOND - time.perf_counter()
                if pause > 0:
                    stop.wait(pause)  # pacing the generator, not waiting for a result
                pool.submit(one, i)
        stopped_at[0] = time.perf_counter()
        stop.set()
        watcher.join(timeout=60)
        latencies = sorted(seen[s] - t for s, t in written.items() if s in seen)
        results["latency_at_20_per_second"] = {
            "messages": total,
            "visible": len(latencies),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1)
            if latencies
            else None,
            "note": "time from the customer write to the record in a SOQL result, polled back to back",
        }
    finally:
        running.stop()


def run(results: dict) -> None:
    single_events(results)
    backlogs(results)
    latency(results)


if __name__ == "__main__":
    import json

    figures: dict = {}
    run(figures)
    print(json.dumps(figures, indent=2))

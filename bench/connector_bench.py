"""Connector bench: Salesforce API calls per synced conversation, backlog drain time, message-to-record latency.

Everything runs over HTTPS against the fakes, as the integration tests do. API calls are counted from the
org's request journal (its admin API), so they are what the org saw, not what the connector thinks it sent.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from alcsim.simulators.topology.files import parse
from alcsim.simulators.topology.launch import start_topology, wait_until

SINGLE_EVENTS = 30
BACKLOG_CALLS = 1_000
BACKLOG_DRAIN = 10_000
RATE_PER_SECOND = 20
RATE_SECONDS = 10

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


def _write(running, account: int, user: str) -> dict:
    return running.env("brand").customer_writes(account, user, "Bonjour")


def _backlog(running, count: int, prefix: str) -> None:
    """`count` eligible conversations written while the connector is down (the webhook is off)."""
    env = running.env("brand")
    account = running.account_id("brand", "Brand WhatsApp")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: _write(running, account, f"{prefix}{i:07d}"), range(count)))
    assert env.ext("GET", "/notifications/stats").json() is not None


def _drain(running, count: int) -> dict:
    """Start the connector on a backlog; it catches up through GET /actions and writes in collections."""
    head = _journal_head(running)
    started = time.perf_counter()
    connector = running.start_connector()

    def drained() -> bool:
        return connector.store.counts().get("done", 0) >= count and connector.engine.idle()

    wait_until(drained, 600, 0.05, "the backlog to drain")
    elapsed = time.perf_counter() - started
    calls, _ = _api_calls(running, head)
    return {
        "conversations": count,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1),
        "salesforce_api_calls": calls,
        "api_calls_per_conversation": round(calls / count, 4),
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

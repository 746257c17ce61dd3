"""SOQL engine at 100,000 Contacts: latency in-process and over HTTPS, the SQLite floor, simple-mockforce, memory."""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

from alcsim.simulators.salesforce.ids import make_id
from alcsim.simulators.salesforce.org import Org
from alcsim.simulators.salesforce.running import start_org
from alcsim.simulators.salesforce.soql.engine import engine_for
from bench.timing import measure

CONTACTS, ACCOUNTS = 100_000, 1_000
REPEAT = 500
MOCKFORCE_SIZES = (1_000, 10_000, 100_000)
MOCKFORCE_BUDGET_SECONDS = 30  # per query shape and size; fewer calls are made when one call is slow
EXTERNAL_ID = "alcmeon__Alcmeon_User_Id__c"
SELECT = "SELECT Id, Name, Email FROM Contact"
RELATIONSHIP = "SELECT Id, Name, Account.Name, Account.Owner.Name FROM Contact WHERE Account.Name = '{}'"
ORDERED = "SELECT Id, Name FROM Contact ORDER BY Name LIMIT 10"
FLOOR_BY_ID = 'SELECT Id, Name, Email FROM "Contact" WHERE Id = ? AND IsDeleted = 0'
FLOOR_BY_EXTERNAL_ID = (
    f'SELECT Id, Name, Email FROM "Contact" WHERE "{EXTERNAL_ID}" = ? COLLATE NOCASE AND IsDeleted = 0'
)
FLOOR_RELATIONSHIP = (
    'SELECT c.Id, c.Name, a.Id, a.Name, u.Id, u.Name FROM "Contact" c JOIN "Account" a ON a.Id = c.AccountId '
    'LEFT JOIN "User" u ON u.Id = a.OwnerId WHERE a.Name = ? COLLATE NOCASE AND c.IsDeleted = 0'
)
FLOOR_ORDERED = 'SELECT Id, Name FROM "Contact" WHERE IsDeleted = 0 ORDER BY Name COLLATE NOCASE LIMIT 10'


def populate(org: Org, contacts: int, accounts: int) -> tuple[list[str], list[str]]:
    """Rows straight into the store (set-up speed), shaped as the org's own DML would store them."""
    now, user = org.now_text(), org.integration_user_id
    system = {
        "IsDeleted": 0,
        "CreatedDate": now,
        "LastModifiedDate": now,
        "SystemModstamp": now,
        "CreatedById": user,
        "LastModifiedById": user,
        "OwnerId": user,
    }
    account_ids = [make_id("001", org.pod, 1_000_000 + i) for i in range(accounts)]
    org.store.insert_many(
        org.schema.get("Account"),
        [{**system, "Id": a, "Name": f"Account {i:04d}"} for i, a in enumerate(account_ids)],
    )
    contact_ids = [make_id("003", org.pod, 1_000_000 + i) for i in range(contacts)]
    rows = [
        {
            **system,
            "Id": c,
            "FirstName": "Bench",
            "LastName": f"Contact {i:06d}",
            "Name": f"Bench Contact {i:06d}",
            "Email": f"c{i}@example.com",
            "AccountId": account_ids[i % accounts],
            EXTERNAL_ID: f"ext-{i}",
            "IsPersonAccount": 0,
        }
        for i, c in enumerate(contact_ids)
    ]
    for start in range(0, len(rows), 20_000):
        org.store.insert_many(org.schema.get("Contact"), rows[start : start + 20_000])
    org.store.execute("ANALYZE")
    return contact_ids, account_ids


def _ratio(engine: dict, floor: dict) -> float:
    return round(engine["median_ms"] / floor["median_ms"], 2) if floor["median_ms"] else 0.0


def _in_process(org: Org, contact_ids: list[str], results: dict) -> None:
    engine = engine_for(org)
    user = org.integration_user_id

    def run(text: str) -> dict:
        return engine.query(text, user_id=user, version="62.0")

    def fetch(sql: str, params: list) -> list:
        with org.store.lock:
            return org.store.connection.execute(sql, params).fetchall()

    n = len(contact_ids)
    figures = {
        # A distinct literal per call, as a client without bind variables sends them: every text is parsed.
        "by_id_distinct_text": measure(
            lambda i: run(f"{SELECT} WHERE Id = '{contact_ids[i * 7919 % n]}'"), REPEAT
        ),
        "by_external_id_distinct_text": measure(
            lambda i: run(f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-{i * 7919 % n}'"), REPEAT
        ),
        # The same text again: the checked plan is reused, only SQL and shaping remain.
        "by_id_repeated_text": measure(lambda i: run(f"{SELECT} WHERE Id = '{contact_ids[42]}'"), REPEAT),
        "by_external_id_repeated_text": measure(
            lambda i: run(f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-42'"), REPEAT
        ),
        "relationship_two_levels_100_rows": measure(
            lambda i: run(RELATIONSHIP.format(f"Account {i % 1000:04d}")), 200
        ),
        "ordered_limit_10": measure(lambda i: run(ORDERED), REPEAT),
    }
    floors = {
        "by_id": measure(lambda i: fetch(FLOOR_BY_ID, [contact_ids[i * 7919 % n]]), REPEAT),
        "by_external_id": measure(lambda i: fetch(FLOOR_BY_EXTERNAL_ID, [f"ext-{i * 7919 % n}"]), REPEAT),
        "relationship_two_levels_100_rows": measure(
            lambda i: fetch(FLOOR_RELATIONSHIP, [f"Account {i % 1000:04d}"]), 200
        ),
        "ordered_limit_10": measure(lambda i: fetch(FLOOR_ORDERED, []), REPEAT),
    }
    floor_of = {
        "by_id_distinct_text": "by_id",
        "by_id_repeated_text": "by_id",
        "by_external_id_distinct_text": "by_external_id",
        "by_external_id_repeated_text": "by_external_id",
        "relationship_two_levels_100_rows": "relationship_two_levels_100_rows",
        "ordered_limit_10": "ordered_limit_10",
    }
    for name, figure in figures.items():
        figure["ratio_to_sqlite_floor"] = _ratio(figure, floors[floor_of[name]])
    results["in_process"] = figures
    results["sqlite_floor"] = floors


def _over_https(running, contact_ids: list[str], results: dict) -> None:
    sf = running.client()
    n = len(contact_ids)
    results["https_simple_salesforce"] = {
        "by_id": measure(lambda i: sf.query(f"{SELECT} WHERE Id = '{contact_ids[i * 7919 % n]}'"), REPEAT),
        "by_external_id": measure(
            lambda i: sf.query(f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-{i * 7919 % n}'"), REPEAT
        ),
        "relationship_two_levels_100_rows": measure(
            lambda i: sf.query(RELATIONSHIP.format(f"Account {i % 1000:04d}")), 200
        ),
    }


def _budgeted(call, budget: float, most: int) -> dict:
    """At least 3 calls, then as many as fit in the budget (simple-mockforce is slow at 100,000)."""
    latencies, started = [], time.perf_counter()
    while len(latencies) < most and (len(latencies) < 3 or time.perf_counter() - started < budget):
        t = time.perf_counter()
        call(len(latencies))
        latencies.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - started
    latencies.sort()
    return {
        "count": len(latencies),
        "median_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 3),
        "requests_per_second": round(len(latencies) / total, 1),
    }


def _peer_at(size: int, virtual_salesforce) -> dict:
    """simple-mockforce and this engine, in-process, on the same rows and the same two query shapes."""
    virtual_salesforce.provision()
    virtual_salesforce.data["Contact"] = [
        {
            "Id": make_id("003", "X1", i + 1),
            "IsDeleted": False,
            "Name": f"Bench Contact {i:06d}",
            "Email": f"c{i}@example.com",
            EXTERNAL_ID: f"ext-{i}",
        }
        for i in range(size)
    ]
    selective = f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-{size // 2}'"
    assert len(virtual_salesforce.query(selective)) == 1
    peer = {
        "selective_by_external_id": _budgeted(
            lambda i: virtual_salesforce.query(selective), MOCKFORCE_BUDGET_SECONDS, REPEAT
        ),
        "ordered_limit_10": _budgeted(
            lambda i: virtual_salesforce.query(ORDERED), MOCKFORCE_BUDGET_SECONDS, REPEAT
        ),
    }
    org = Org()
    populate(org, size, max(1, size // 100))
    engine, user = engine_for(org), org.integration_user_id
    ours = {
        "selective_by_external_id": measure(
            lambda i: engine.query(
                f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-{i * 7919 % size}'", user_id=user, version="62.0"
            ),
            REPEAT,
        ),
        "ordered_limit_10": measure(lambda i: engine.query(ORDERED, user_id=user, version="62.0"), REPEAT),
    }
    org.close()
    return {
        "simple_mockforce": peer,
        "alcsim": ours,
        "ratio_mockforce_to_alcsim": {k: _ratio(peer[k], ours[k]) for k in peer},
    }


def _mockforce(results: dict) -> None:
    from simple_mockforce.virtual import virtual_salesforce

    logging.getLogger("simple_mockforce.virtual").setLevel(logging.ERROR)
    results["peer_simple_mockforce_in_process"] = {
        str(size): _peer_at(size, virtual_salesforce) for size in MOCKFORCE_SIZES
    }
    results["peer_simple_mockforce_in_process"]["note"] = (
        "simple-mockforce evaluates SOQL in Python over a list (virtual_salesforce.query, no HTTP); at 100,000 rows "
        f"each shape is timed for as many calls as fit in {MOCKFORCE_BUDGET_SECONDS} s (at least 3)"
    )
    virtual_salesforce.provision()


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process from /proc (ru_maxrss would include the parent's)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def memory_probe(contacts: int) -> dict:
    """Run in a fresh interpreter: resident memory of an org before and after it holds `contacts` Contacts."""
    org = Org()
    empty, _ = _rss_mb()
    populate(org, contacts, ACCOUNTS)
    engine_for(org).query(
        f"{SELECT} WHERE {EXTERNAL_ID} = 'ext-1'", user_id=org.integration_user_id, version="62.0"
    )
    current, peak = _rss_mb()
    return {
        "contacts": contacts,
        "peak_rss_mb": round(peak, 1),
        "rss_mb": round(current, 1),
        "empty_org_rss_mb": round(empty, 1),
        "rss_added_by_rows_mb": round(current - empty, 1),
    }


def _memory(results: dict) -> None:
    code = (
        f"import json; from bench.soql_bench import memory_probe; print(json.dumps(memory_probe({CONTACTS})))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        results["memory"] = {"error": done.stderr.strip().splitlines()[-1:]}
        return
    results["memory"] = json.loads(done.stdout.strip().splitlines()[-1])
    results["memory"]["method"] = (
        "VmRSS and VmHWM (peak) from /proc of a fresh interpreter holding the in-memory org, SQLite pages included"
    )


def run(results: dict) -> None:
    running = start_org()
    try:
        started = time.perf_counter()
        contact_ids, _ = populate(running.org, CONTACTS, ACCOUNTS)
        results["setup"] = {
            "contacts": CONTACTS,
            "accounts": ACCOUNTS,
            "seconds": round(time.perf_counter() - started, 1),
        }
        _in_process(running.org, contact_ids, results)
        _over_https(running, contact_ids, results)
    finally:
        running.stop()
    _mockforce(results)
    _memory(results)

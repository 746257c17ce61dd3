"""Org over HTTPS with keep-alive (create, get, upsert, describe, against a bare route), the same in-process,
and an empty org's memory with the full standard schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask import Flask, jsonify

from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.salesforce import describe as describing
from alcsim.simulators.salesforce.running import start_org, trusting_session
from bench.timing import measure

COUNT = 1000
IN_PROCESS = 2000
# Run in a fresh interpreter: resident memory once the org's modules are imported, then with an empty org.
MEMORY_PROBE = """
import gc, json
def rss():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
from alcsim.simulators.salesforce.org import Org
imported = rss()
org = Org()
gc.collect()
fields = sum(len(o.fields) for o in org.schema.objects.values())
print(json.dumps({"imported_rss_mb": round(imported, 1), "empty_org_rss_mb": round(rss(), 1),
                  "org_added_mb": round(rss() - imported, 1), "objects": len(org.schema.objects),
                  "fields": fields}))
"""


def _memory() -> dict:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE], capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return {
        **json.loads(done.stdout.strip().splitlines()[-1]),
        "method": "VmRSS from /proc, fresh interpreter",
    }


def _in_process(running) -> dict:
    """The Records API and the describe builder without HTTP: what the schema costs per record or call."""
    org = running.org
    contact = org.schema.get("Contact")
    user = org.integration_user_id

    def create(i: int) -> None:
        org.records.create(contact, {"LastName": f"In process {i}", "Email": f"p{i}@example.com"}, user)

    return {
        "create_contact_records_api": measure(create, IN_PROCESS),
        "describe_contact": measure(lambda i: describing.describe(org, contact, "62.0"), COUNT // 5),
        "global_describe": measure(lambda i: describing.global_describe(org, "62.0"), COUNT // 5),
    }


def _floor(ca_bundle: str) -> dict:
    """The same server runner and TLS serving a route that does nothing: the cost of the stack alone."""
    app = Flask("floor")

    @app.get("/ping")
    def ping():
        return jsonify({"ok": True})

    with ServerThread(app) as server:
        session = trusting_session(ca_bundle)
        url = f"{server.url}/ping"
        session.get(url)
        return measure(lambda i: session.get(url).raise_for_status(), COUNT)


def run(results: dict) -> None:
    running = start_org()
    try:
        session = running.session()  # one session: HTTP/1.1 keep-alive, one TLS handshake
        session.headers.update(
            {"Authorization": f"Bearer {running.access_token()}", "Content-Type": "application/json"}
        )
        base = f"{running.instance_url}/services/data/v62.0/sobjects"
        ids: list[str] = []

        def create(i: int) -> None:
            answer = session.post(
                f"{base}/Contact/", json={"LastName": f"Bench {i}", "Email": f"b{i}@example.com"}
            )
            answer.raise_for_status()
            ids.append(answer.json()["id"])

        def get(i: int) -> None:
            session.get(f"{base}/Contact/{ids[i % len(ids)]}").raise_for_status()

        def upsert(i: int) -> None:
            value = f"bench-user-{i % (COUNT // 2)}"  # half create, half update
            session.patch(
                f"{base}/Contact/alcmeon__Alcmeon_User_Id__c/{value}", json={"LastName": f"U{i}"}
            ).raise_for_status()

        def describe(i: int) -> None:
            # The full standard schema (issue 11) makes describes larger: Contact's and the global one.
            session.get(f"{base}/Contact/describe" if i % 2 else f"{base}/").raise_for_status()

        results["create_https"] = measure(create, COUNT)
        results["get_by_id_https"] = measure(get, COUNT)
        results["upsert_by_external_id_https"] = measure(upsert, COUNT)
        results["describe_contact_and_global_https"] = measure(describe, COUNT // 5)
        floor = _floor(running.ca_bundle)
        results["floor_bare_flask_route_https"] = floor
        for name in (
            "create_https",
            "get_by_id_https",
            "upsert_by_external_id_https",
            "describe_contact_and_global_https",
        ):
            results[name]["ratio_to_floor_median"] = round(results[name]["median_ms"] / floor["median_ms"], 2)
        results["in_process"] = _in_process(running)
    finally:
        running.stop()
    results["memory"] = _memory()

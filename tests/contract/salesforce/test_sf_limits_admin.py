"""API limits, the admin API (reset, snapshots, seed, journal, faults) and persistence across restarts."""

from __future__ import annotations

import pytest
import requests
from simple_salesforce import SalesforceGeneralError, SalesforceRefusedRequest

pytestmark = pytest.mark.fake_only(reason="the admin API, the fake's allowance, fault rules and restarts")


def _admin(running, sf):
    session = running.session()
    session.headers["Authorization"] = f"Bearer {sf.session_id}"
    return session, f"{running.instance_url}/_sim"


def test_limit_info_header_and_limits_route(sf):
    sf.Contact.create({"LastName": "Count"})
    limits = sf.limits()
    used, allowance = sf.api_usage["api-usage"]  # parsed from Sforce-Limit-Info (SC 1.1)
    assert (used, allowance) == (2, 15000)
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 15000 - used}


def test_request_limit_exceeded(sf_org_factory):
    running = sf_org_factory({"api_daily_limit": 3})
    sf = running.client()
    for name in ("a", "b", "c"):
        sf.Contact.create({"LastName": name})
    with pytest.raises(SalesforceRefusedRequest) as refused:
        sf.Contact.create({"LastName": "d"})
    assert refused.value.content == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]


def test_fault_rules_error_latency_and_count(sf_org, sf):
    admin, base = _admin(sf_org, sf)
    rule = admin.post(
        f"{base}/faults",
        json={
            "kind": "error",
            "method": "POST",
            "path": "/sobjects/Contact",
            "times": 1,
            "status": 503,
            "error_code": "SERVER_UNAVAILABLE",
            "message": "down",
        },
    )
    assert rule.status_code == 201
    with pytest.raises(SalesforceGeneralError) as failed:
        sf.Contact.create({"LastName": "x"})
    assert failed.value.status == 503 and failed.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert sf.Contact.create({"LastName": "y"})["success"]  # the rule was for one call only
    assert admin.post(f"{base}/faults", json={"kind": "error", "status": 200}).status_code == 400
    assert admin.post(f"{base}/faults", json={"kind": "teleport"}).status_code == 400


def test_fault_rule_drops_the_connection(sf_org, sf):
    admin, base = _admin(sf_org, sf)
    admin.post(f"{base}/faults", json={"kind": "drop", "path": "/sobjects/Account", "times": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        sf.Account.create({"Name": "x"})
    assert sf.Account.create({"Name": "after"})["success"]


def test_probability_rules_repeat_for_a_seed(sf_org, sf):
    admin, base = _admin(sf_org, sf)

    def pattern() -> list[int]:
        admin.delete(f"{base}/faults")
        admin.post(f"{base}/faults", json={"seed": 7})
        admin.post(
            f"{base}/faults",
            json={
                "kind": "error",
                "path": "/limits",
                "probability": 0.5,
                "status": 500,
                "error_code": "UNKNOWN_EXCEPTION",
            },
        )
        return [
            admin.get(f"{sf_org.instance_url}/services/data/v62.0/limits/").status_code for _ in range(12)
        ]

    first = pattern()
    assert first == pattern() and {200, 500} == set(first)


def test_journal_filters(sf_org, sf):
    sf.Contact.create({"LastName": "J"})
    admin, base = _admin(sf_org, sf)
    entries = admin.get(f"{base}/journal", params={"method": "POST", "path": "sobjects/Contact"}).json()[
        "entries"
    ]
    assert len(entries) == 1 and entries[0]["status"] == 201 and '"LastName"' in entries[0]["request_body"]
    assert admin.get(f"{base}/journal", params={"path": "("}).status_code == 400


def test_snapshot_restore_reset_and_seed(sf_org, sf):
    admin, base = _admin(sf_org, sf)
    seeded = admin.post(
        f"{base}/seed",
        json={
            "Account": [{"_ref": "acme", "Name": "Acme"}],
            "Contact": [{"LastName": "Doe", "AccountId": "@acme"}],
        },
    )
    assert seeded.status_code == 201 and seeded.json()["created"] == {"Account": 1, "Contact": 1}
    contact = sf.Contact.get(sf.Contact.metadata()["recentItems"][0]["Id"])
    assert contact["AccountId"] == seeded.json()["refs"]["acme"]
    assert admin.post(f"{base}/snapshots/before").status_code == 201
    sf.Account.create({"Name": "Later"})
    assert admin.post(f"{base}/snapshots/before/restore").status_code == 200
    assert [i["Name"] for i in sf.Account.metadata()["recentItems"]] == ["Acme"]
    assert admin.post(f"{base}/snapshots/nope/restore").status_code == 404
    bad = admin.post(f"{base}/seed", json={"Contact": [{"LastName": "ok"}, {"Nope__c": 1}]})
    assert bad.status_code == 400 and bad.json()[0]["message"].startswith("Contact[1]:")
    admin.post(f"{base}/reset")
    assert (
        requests.codes.unauthorized == admin.get(f"{base}/journal").status_code
    )  # a reset ends every session


def test_restart_with_data_dir_keeps_records(sf_org_factory, tmp_path):
    first = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    sf = first.client()
    kept = sf.Contact.create({"LastName": "Kept"})["id"]
    org_id = first.org.id
    first.stop()
    second = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    sf2 = second.client()
    assert sf2.Contact.get(kept)["LastName"] == "Kept"
    assert sf2.Contact.create({"LastName": "Next"})["id"] != kept
    assert second.org.id == org_id


def test_fault_rule_headers_reach_the_client(sf_org, sf):
    admin, base = _admin(sf_org, sf)
    rule = {
        "kind": "error",
        "path": "/limits",
        "times": 1,
        "status": 503,
        "error_code": "SERVER_UNAVAILABLE",
        "headers": {"Retry-After": "2"},
    }
    assert admin.post(f"{base}/faults", json=rule).status_code == 201
    answer = admin.get(f"{sf_org.instance_url}/services/data/v62.0/limits/")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert admin.post(f"{base}/faults", json={**rule, "headers": {"Retry-After": 2}}).status_code == 400


def test_extensions_are_journaled_and_faultable_but_admin_routes_are_not(sf_org, sf):
    admin, base = _admin(sf_org, sf)
    admin.post(
        f"{base}/faults",
        json={"kind": "error", "path": "^/_sim/", "status": 503, "error_code": "SERVER_UNAVAILABLE"},
    )
    assert admin.get(f"{base}/package/callouts").status_code == 503
    assert admin.get(f"{base}/journal").status_code == 200
    paths = [e["path"] for e in admin.get(f"{base}/journal").json()["entries"]]
    assert "/_sim/package/callouts" in paths and "/_sim/journal" not in paths

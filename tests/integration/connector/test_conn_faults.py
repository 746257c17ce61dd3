"""Failures on the org side: retried with back-off, nothing lost or duplicated; permanent ones are SYNC-10 errors."""

from __future__ import annotations

from conn_helpers import clear_org_faults, org_fault, org_journal, route, write

ENV, ORG = "brand", "main"
UPSERTS = r"/sobjects/alcmeon__Conversation__c/alcmeon__scoped_id__c"


# A permanent refusal of every upsert: the org answers as it does for a field it does not have.
NO_SUCH_COLUMN = {
    "kind": "error",
    "path": UPSERTS,
    "status": 400,
    "error_code": "INVALID_FIELD",
    "message": "No such column",
}


def _routed(rt, user: str) -> dict:
    message = write(rt, ENV, "Brand WhatsApp", user)
    route(rt, ENV, message["task_id"], "Salesforce agents")
    return message


def test_503_request_limit_and_dropped_connections_are_retried_without_duplicates(topology):
    org_fault(topology, ORG, {"kind": "error", "path": UPSERTS, "status": 503, "times": 2})
    org_fault(
        topology,
        ORG,
        {
            "kind": "error",
            "path": UPSERTS,
            "status": 403,
            "error_code": "REQUEST_LIMIT_EXCEEDED",
            "message": "TotalRequests Limit exceeded.",
            "times": 2,
        },
    )
    org_fault(topology, ORG, {"kind": "drop", "path": UPSERTS, "times": 2})
    messages = [_routed(topology, f"3369000000{i}") for i in range(5)]
    for message in messages:
        topology.wait_for_record(ORG, message["scoped_id"])
    topology.wait_idle()
    records = topology.conversations(ORG)
    assert sorted(r["alcmeon__scoped_id__c"] for r in records) == sorted(m["scoped_id"] for m in messages)
    faulted = [e for e in org_journal(topology, ORG, UPSERTS) if e["fault"]]
    assert len(faulted) == 6  # every injected failure was met, and the sync still completed
    assert topology.admin("GET", "/sync-errors").json() == []


def test_a_permanent_failure_is_a_sync_error_that_an_admin_retries(topology):
    """SYNC-10: CRM_SYNCHRO_ERROR per message, errors pending per org, retry one; the flow goes on."""
    org_fault(topology, ORG, NO_SUCH_COLUMN)
    failed = _routed(topology, "33680000001")
    topology.wait_idle()
    clear_org_faults(topology, ORG)
    errors = topology.admin("GET", "/sync-errors", params={"org": ORG}).json()
    assert [(e["code"], e["scoped_id"]) for e in errors] == [("CRM_SYNCHRO_ERROR", failed["scoped_id"])]
    assert errors[0]["message_id"] is not None
    assert topology.admin("GET", "/orgs").json()[0]["errors_pending"] == 1
    # The message carries CRM_SYNCHRO_ERROR in Alcméon too, and the org shows errors pending there.
    marked = _crm_errors(topology, "pending")
    assert [(e["message_id"], e["code"]) for e in marked["errors"]] == [
        (errors[0]["message_id"], "CRM_SYNCHRO_ERROR")
    ]
    assert list(marked["pending_by_org"].values()) == [1]

    later = _routed(topology, "33680000002")  # the error does not stop the flow
    topology.wait_for_record(ORG, later["scoped_id"])

    topology.admin("POST", f"/sync-errors/{errors[0]['id']}/retry").raise_for_status()
    topology.wait_for_record(ORG, failed["scoped_id"])
    assert topology.admin("GET", "/orgs").json()[0]["errors_pending"] == 0
    topology.wait_idle()
    assert _crm_errors(topology, "pending")["errors"] == []
    assert [e["message_id"] for e in _crm_errors(topology, "resolved")["errors"]] == [errors[0]["message_id"]]


def _crm_errors(rt, state: str) -> dict:
    answer = rt.env(ENV).ext("GET", "/crm-errors", params={"state": state})
    answer.raise_for_status()
    return answer.json()


def test_retry_all_and_ignore(topology):
    org_fault(topology, ORG, NO_SUCH_COLUMN)
    first, second, third = (_routed(topology, f"3367000000{i}") for i in range(3))
    topology.wait_idle()
    clear_org_faults(topology, ORG)
    errors = topology.admin("GET", "/sync-errors", params={"org": ORG}).json()
    assert len(errors) == 3, errors
    assert sorted(e["scoped_id"] for e in errors) == sorted(m["scoped_id"] for m in (first, second, third)), (
        errors
    )
    ignored = next(e for e in errors if e["scoped_id"] == third["scoped_id"])
    assert topology.admin("POST", f"/sync-errors/{ignored['id']}/ignore").json()["state"] == "ignored"
    topology.admin("POST", f"/orgs/{ORG}/sync-errors/retry").raise_for_status()
    topology.wait_for_record(ORG, first["scoped_id"])
    topology.wait_for_record(ORG, second["scoped_id"])
    topology.wait_idle()
    assert topology.record(ORG, third["scoped_id"]) is None
    assert topology.admin("GET", "/sync-errors").json() == []
    assert [e["message_id"] for e in _crm_errors(topology, "ignored")["errors"]] == [ignored["message_id"]]
    assert _crm_errors(topology, "pending")["errors"] == []


def test_an_expired_session_is_renewed(topology):
    """INVALID_SESSION_ID: the connector logs in again and the write goes through."""
    org_fault(
        topology,
        ORG,
        {
            "kind": "error",
            "path": UPSERTS,
            "status": 401,
            "error_code": "INVALID_SESSION_ID",
            "message": "Session expired or invalid",
            "times": 1,
        },
    )
    message = _routed(topology, "33660000001")
    topology.wait_for_record(ORG, message["scoped_id"])
    logins = [e for e in org_journal(topology, ORG, r"/services/oauth2/token") if e["status"] == 200]
    assert len(logins) >= 2


def _env_admin(rt, method: str, path: str, **kwargs):
    handle = rt.env(ENV)
    return handle.session.request(method, f"{handle.url}/_sim{path}", **kwargs)


def test_alcmeon_5xx_and_429_are_retried_honouring_rate_limited_until(topology):
    """An unrouted message makes the connector read the conversation's action history (to decide SYNC-04);
    that route fails twice, then rate-limits once, and the job still completes."""
    from alcsim.simulators.topology.launch import wait_until

    path = r"^/actions/conversations/"
    _env_admin(
        topology,
        "POST",
        "/faults",
        json={
            "kind": "error",
            "path": path,
            "status": 503,
            "times": 2,
            "error_code": "server-error",
            "message": "down",
        },
    ).raise_for_status()
    _env_admin(
        topology,
        "POST",
        "/faults",
        json={
            "kind": "error",
            "path": path,
            "status": 429,
            "times": 1,
            "error_code": "Rate limit reached",
            "message": "{'rate_limited_until': '2000-01-01T00:00:00Z'}",
        },
    ).raise_for_status()
    message = write(topology, ENV, "Brand Facebook page", "fb-429")

    def answered():
        entries = _env_admin(topology, "GET", "/journal", params={"path": path}).json()["entries"]
        return [e["status"] for e in entries] if any(e["status"] == 200 for e in entries) else None

    assert wait_until(answered, 15, what="the history read to succeed")[:4] == [503, 503, 429, 200]
    route(topology, ENV, message["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, message["scoped_id"])
    assert topology.admin("GET", "/sync-errors").json() == []


def test_expired_tokens_on_both_sides_are_renewed(topology, topology_clock):
    """Two hours on the shared clock: the org session (7200 s) and the Alcméon token (3600 s) are both
    expired; the connector logs in again on INVALID_SESSION_ID and takes a new token on 401."""
    first = _routed(topology, "33650000001")
    topology.wait_for_record(ORG, first["scoped_id"])
    topology_clock.advance(hours=2, seconds=5)
    second = _routed(topology, "33650000002")
    topology.wait_for_record(ORG, second["scoped_id"])
    refused = [e for e in org_journal(topology, ORG, UPSERTS) if e["status"] == 401]
    assert refused  # the old session was refused once, then the write went through on a new one


def test_a_slow_org_times_out_and_the_write_is_retried(topology_factory, tmp_path):
    """A call slower than the connector's timeout is abandoned and retried; the record is written once."""
    import yaml

    from alcsim.simulators.topology.files import scenario_path

    data = yaml.safe_load(scenario_path("one-to-one").read_text())
    data["connector"]["timeout_seconds"] = 0.5
    quick = tmp_path / "one-to-one-quick.yaml"
    quick.write_text(yaml.safe_dump(data))
    rt = topology_factory(str(quick))
    org_fault(rt, ORG, {"kind": "latency", "path": UPSERTS, "latency_ms": 1500, "times": 1})
    message = _routed(rt, "33640000001")
    rt.wait_for_record(ORG, message["scoped_id"])
    rt.wait_idle()
    assert [r["alcmeon__scoped_id__c"] for r in rt.conversations(ORG)] == [message["scoped_id"]]
    # The slow call was abandoned, though the org applied it; the retry's upsert finds the same record.
    from alcsim.simulators.topology.launch import wait_until

    def both_calls():
        calls = org_journal(rt, ORG, UPSERTS)
        return calls if len(calls) >= 2 else None

    calls = wait_until(both_calls, 10, what="the abandoned call in the journal too")
    assert sorted(str(e["fault"]) for e in calls) == ["None", "latency"]
    assert all(e["status"] < 300 for e in calls)

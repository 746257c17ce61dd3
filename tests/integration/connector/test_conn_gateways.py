"""The gateways against single fakes: refresh-token and client-credentials logins, collections, Alcméon auth."""

from __future__ import annotations

import pytest

from alcsim.connector.alcmeon import EnvironmentEndpoint, EnvironmentGateway
from alcsim.connector.retry import Permanent
from alcsim.connector.salesforce import OrgEndpoint, OrgGateway


def _endpoint(org, **changes) -> OrgEndpoint:
    values = {
        "name": "o",
        "token_url": org.token_url,
        "client_id": org.app.client_id,
        "client_secret": org.app.client_secret,
        "ca_bundle": org.ca_bundle,
        **changes,
    }
    return OrgEndpoint(**values)


def test_refresh_token_login_names_the_org_and_upserts_in_collections(sf_org):
    gateway = OrgGateway(_endpoint(sf_org, refresh_token=sf_org.refresh_token()))
    gateway.login()
    assert gateway.organization_id == sf_org.org.id
    records = [{"alcmeon__scoped_id__c": f"9:1:1:{i}", "alcmeon__Status__c": "OPEN"} for i in range(3)]
    first = gateway.upsert_conversations(records)
    assert all(r.ok and r.created for r in first)
    again = gateway.upsert_conversations(records)  # SYNC-01: the same scoped ids update, never duplicate
    assert all(r.ok and not r.created for r in again)
    assert [r.record_id for r in again] == [r.record_id for r in first]
    one = gateway.upsert_conversations([{"alcmeon__scoped_id__c": "9:1:1:0", "alcmeon__Status__c": "CLOSED"}])
    assert one[0].ok and not one[0].created
    assert gateway.get_conversation("9:1:1:0")["alcmeon__Status__c"] == "CLOSED"


def test_a_refused_login_is_permanent(sf_org):
    with pytest.raises(Permanent, match="login refused"):
        OrgGateway(_endpoint(sf_org, client_secret="wrong")).login()


def test_a_record_level_failure_in_a_collection_is_reported_per_record(sf_org):
    gateway = OrgGateway(_endpoint(sf_org))
    results = gateway.upsert_conversations(
        [
            {"alcmeon__scoped_id__c": "9:1:2:1", "alcmeon__Status__c": "OPEN"},
            {"alcmeon__scoped_id__c": "9:1:2:2", "alcmeon__User_name__c": "x" * 300},
        ]
    )
    assert results[0].ok and not results[1].ok and not results[1].retryable
    assert "STRING_TOO_LONG" in results[1].error


def test_alcmeon_token_and_bad_secret(alcmeon_env):
    good = EnvironmentGateway(
        EnvironmentEndpoint(
            "e", alcmeon_env.url, alcmeon_env.instance_id, alcmeon_env.secret, alcmeon_env.ca_bundle
        )
    )
    assert "Support" in good.teams()
    assert good.actions_after(0) == []
    bad = EnvironmentGateway(
        EnvironmentEndpoint("e", alcmeon_env.url, alcmeon_env.instance_id, "nope", alcmeon_env.ca_bundle)
    )
    with pytest.raises(Permanent, match="401"):
        bad.teams()


def test_request_limit_exceeded_honours_retry_after():
    """The org fake's fault rules cannot set headers, so a minimal org answers REQUEST_LIMIT_EXCEEDED with a
    Retry-After; the gateway reports it as retryable after that many seconds."""
    from flask import Flask, jsonify

    from alcsim.connector.retry import Retryable
    from alcsim.simulators.common.runner import ServerThread

    app = Flask("limited-org")
    base = {}

    @app.post("/services/oauth2/token")
    def token():
        return jsonify(
            {
                "access_token": "t",
                "instance_url": base["url"],
                "id": f"{base['url']}/id/00D000000000001/005000000000001",
            }
        )

    @app.patch("/services/data/v62.0/sobjects/alcmeon__Conversation__c/alcmeon__scoped_id__c/<path:key>")
    def limited(key):
        body = [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]
        return jsonify(body), 403, {"Retry-After": "7"}

    with ServerThread(app) as server:
        base["url"] = server.url
        gateway = OrgGateway(
            OrgEndpoint("o", f"{server.url}/services/oauth2/token", "c", "s", server.ca.ca_bundle)
        )
        with pytest.raises(Retryable) as caught:
            gateway.upsert_conversations([{"alcmeon__scoped_id__c": "1:1:1:1", "alcmeon__Status__c": "OPEN"}])
    assert caught.value.retry_after == 7.0 and "REQUEST_LIMIT_EXCEEDED" in str(caught.value)

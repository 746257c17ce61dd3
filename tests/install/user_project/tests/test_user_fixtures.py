"""A user's tests: alcsim's fixtures from the installed plugin, beside the project's own `connector`."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from simple_salesforce import SalesforceExpiredSession, format_soql

import connector
import simulators

PROJECT = Path(__file__).resolve().parents[1]


def test_the_project_imports_its_own_connector_and_simulators():
    assert connector.NAME == "user"
    assert Path(connector.__file__).resolve() == PROJECT / "connector" / "__init__.py"
    assert simulators.NAME == "user simulators"
    assert Path(simulators.__file__).resolve() == PROJECT / "simulators.py"


def test_sf_creates_and_queries_a_contact(sf_org, sf):
    assert sf_org.instance_url.startswith("https://127.0.0.1:")
    created = sf.Contact.create({"LastName": "Doe", "Email": "doe@example.com"})
    found = sf.query(format_soql("SELECT Id, LastName, Email FROM Contact WHERE Id = {}", created["id"]))
    assert [(r["LastName"], r["Email"]) for r in found["records"]] == [("Doe", "doe@example.com")]


def test_sf_org_factory_takes_a_config(sf_org_factory, sf):
    org = sf_org_factory({"name": "Person Org", "person_accounts": True, "package_version": "5.31"})
    client = org.client()
    assert "IsPersonAccount" in {f["name"] for f in client.Account.describe()["fields"]}
    assert "IsPersonAccount" not in {f["name"] for f in sf.Account.describe()["fields"]}
    # The Engagement object came with package 5.34: an org still on 5.31 does not have it.
    assert "alcmeon__Engagement__c" not in {o["name"] for o in client.describe()["sobjects"]}
    assert "alcmeon__Engagement__c" in {o["name"] for o in sf.describe()["sobjects"]}


def test_sf_clock_expires_a_session(sf_org_factory, sf_clock):
    org = sf_org_factory({"session_seconds": 600})
    client = org.client()
    assert client.query("SELECT Id FROM Contact")["totalSize"] == 0
    sf_clock.advance(601)
    with pytest.raises(SalesforceExpiredSession):
        client.query("SELECT Id FROM Contact")


def test_alcmeon_env_serves_the_api(alcmeon_env):
    accounts = alcmeon_env.session.get(f"{alcmeon_env.url}/v1/social-accounts/", params={"limit": 100})
    assert accounts.status_code == 200
    assert "whatsapp" in {a["type"] for a in accounts.json()["data"]}
    refused = alcmeon_env.new_session().get(f"{alcmeon_env.url}/v1/social-accounts/")
    assert refused.status_code == 401


def test_a_customer_message_reaches_the_webhook(alcmeon_env, alcmeon_webhook_receiver):
    subscribed = alcmeon_env.ext("PUT", "/application/webhook", json={"url": alcmeon_webhook_receiver.url})
    assert subscribed.status_code == 200
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "100200300", "Hello")
    (got,) = alcmeon_webhook_receiver.wait_for(1)
    assert json.loads(got["body"])["action"]["type"] == "task-create"
    assert got["json"]["id"] == sent["action_id"]
    signed = hmac.new(alcmeon_env.secret.encode(), b"/alcmeon/notify " + got["body"], hashlib.sha256)
    assert got["headers"]["X-Alcmeon-Webhook-Signature"] == signed.hexdigest()


def test_many_to_one_syncs_a_conversation_into_the_shared_org(topology_factory):
    running = topology_factory("many-to-one")
    assert (len(running.orgs), sorted(running.envs)) == (1, ["brand-fr", "brand-kr"])
    fr = running.env("brand-fr")
    sent = fr.customer_writes(running.account_id("brand-fr", "Marque WhatsApp"), "33600000003", "Bonjour")
    routed = fr.ext(
        "POST",
        f"/tasks/{sent['task_id']}/route",
        json={"team_id": running.team_id("brand-fr", "Salesforce agents")},
    )
    assert routed.status_code == 200
    record = running.wait_for_record("shared", sent["scoped_id"])
    assert record["alcmeon__Social_media_type__c"] == "whatsapp"

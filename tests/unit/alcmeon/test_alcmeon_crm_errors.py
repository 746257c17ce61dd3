"""The CRM sync-error extension: an error on a message, pending per org, resolved or ignored (SYNC-10)."""

from __future__ import annotations


def test_an_error_waits_on_the_message_until_settled(alcmeon_env):
    written = alcmeon_env.customer_writes(alcmeon_env.account_id("whatsapp"), "33612345678", "Bonjour")
    message_id = written["message_id"]
    reported = alcmeon_env.ext(
        "PUT", f"/messages/{message_id}/crm-errors/00DORG1", json={"details": "Salesforce said 503"}
    )
    assert reported.status_code == 200 and reported.json()["code"] == "CRM_SYNCHRO_ERROR"
    assert reported.json()["state"] == "pending"
    listing = alcmeon_env.ext("GET", "/crm-errors", params={"state": "pending"}).json()
    assert listing["pending_by_org"] == {"00DORG1": 1} and listing["errors"][0]["message_id"] == message_id
    assert (
        alcmeon_env.ext(
            "DELETE", f"/messages/{message_id}/crm-errors/00DORG1", params={"state": "ignored"}
        ).status_code
        == 204
    )
    assert alcmeon_env.ext("GET", "/crm-errors").json()["pending_by_org"] == {}
    assert (
        alcmeon_env.ext("GET", "/crm-errors", params={"state": "ignored"}).json()["errors"][0]["state"]
        == "ignored"
    )


def test_bad_input_gets_the_documented_envelope(alcmeon_env):
    missing = alcmeon_env.ext("PUT", "/messages/999999/crm-errors/00DORG1", json={})
    assert missing.status_code == 404 and set(missing.json()) == {"error", "details"}
    assert alcmeon_env.ext("GET", "/crm-errors", params={"state": "lost"}).status_code == 400
    assert alcmeon_env.ext("DELETE", "/messages/1/crm-errors/none").status_code == 404

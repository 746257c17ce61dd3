"""Issue 13, defect 1: a signed widget URL with SOQL appended to its Case id is refused before the org hears it."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import unquote_plus

from conn_helpers import org_journal
from test_conn_widget_backend import grant, signed, user_id, widget

from alcsim.connector.widget.backend import widget_signature
from alcsim.simulators.salesforce.running import trusting_session

ENV, ORG = "brand", "main"
ROUTES = (  # every widget route that takes a record id, JSON and HTML
    ("GET", "/widget/{org}/records/{id}", {}),
    ("POST", "/widget/{org}/records/{id}/reply", {"json": {"text": "hi"}}),
    ("POST", "/widget/{org}/records/{id}/close", {"json": {"text": "bye"}}),
    ("POST", "/widget/{org}/records/{id}/engagements/{engagement}/send", {"json": {}}),
    ("GET", "/widget/{org}/page/{id}", {}),
    ("POST", "/widget/{org}/page/{id}/act", {"data": {"text": "hi"}}),
    ("POST", "/widget/{org}/page/{id}/engagements/{engagement}/send", {"data": {}}),
)


def signed_as_before(rt, user: str, record_id: str) -> dict:
    """What passed before the fix: a signature over the first 15 characters of each id only."""
    params = signed(rt, ORG, ENV, user, record_id[:15])
    org_id = rt.connector.org(ORG).organization_id
    text = f"{org_id[:15]}\n{user[:15]}\n{record_id[:15]}\n{params['issued_at']}"
    secret = rt.topology.callout_secret(ORG, ENV)
    return {**params, "signature": hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()}


def org_queries(rt, since: int) -> list[str]:
    """The SOQL and SOSL texts the org received after journal entry `since`, decoded."""
    entries = org_journal(rt, ORG, r"/(query|queryAll|search)/?$")
    return [unquote_plus(e["query"]) for e in entries if e["seq"] > since]


def last_seq(rt) -> int:
    return max((e["seq"] for e in org_journal(rt, ORG, "")), default=0)


def test_soql_appended_to_a_signed_case_id_is_refused_and_never_reaches_the_org(topology):
    client = topology.org(ORG).client()
    case_id = client.Case.create({"Subject": "Follow-up", "Origin": "WhatsApp"})["id"]
    secret_case = client.Case.create({"Subject": "Secret merger", "Origin": "Web"})["id"]
    engagement = client.alcmeon__Engagement__c.create(
        {
            "alcmeon__Case__c": case_id,
            "alcmeon__Sender_Id__c": str(topology.account_id(ENV, "Brand WhatsApp")),
            "alcmeon__Recipient_Id__c": "33690009999",
            "alcmeon__Channel__c": "WhatsApp",
            "alcmeon__Template_Id__c": "1",
        }
    )["id"]
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Agent")
    injected = f"{case_id}' OR (Id = '{secret_case}' AND alcmeon__Case__r.Subject LIKE 'Secret%') OR Id = '"
    credentials = {
        "the Case's own signature": signed(topology, ORG, ENV, agent, case_id),
        "a signature over the first 15 characters": signed_as_before(topology, agent, injected),
        "a signature over the whole text": {
            **signed(topology, ORG, ENV, agent, case_id),
            "signature": widget_signature(
                topology.topology.callout_secret(ORG, ENV),
                topology.connector.org(ORG).organization_id,
                agent,
                injected,
                int(topology.clock.timestamp()),
            ),
        },
    }
    session = trusting_session(topology.ca_bundle)
    before = last_seq(topology)
    for method, path, body in ROUTES:
        for record_id in (injected, case_id[:15] + "' OR ''='", case_id + " "):
            url = topology.connector_url + path.format(org=ORG, id=record_id, engagement=engagement)
            for what, params in credentials.items():
                answer = session.request(method, url, params=params, allow_redirects=False, **body)
                assert answer.status_code in (400, 401), (method, path, what, answer.status_code, answer.text)
                if "/records/" in path:  # the JSON routes answer in the connector's envelope
                    assert set(answer.json()) == {"error", "details"}, answer.text
    heard = org_queries(topology, before)
    assert not [q for q in heard if "Secret" in q or " OR " in q], heard
    assert heard == []  # refused before any query: the org heard nothing at all

    # The same signature still opens the Case itself, in either form of its id.
    for form in (case_id, case_id[:15]):
        opened = widget(topology, "GET", ORG, form, credentials["the Case's own signature"])
        assert opened.status_code == 200, opened.text
        assert opened.json()["mode"] == "engagement"
    case_queries = [q for q in org_queries(topology, before) if "alcmeon__Case__c" in q]
    assert case_queries and all(f"'{case_id}'" in q for q in case_queries)

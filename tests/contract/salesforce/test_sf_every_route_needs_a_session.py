"""No route answers without a valid session except the logins, the admin health check and the version list."""

from __future__ import annotations

import re

import pytest

# The version list needs no session on a real org (api_rest "Versions": "Authentication: none").
OPEN = {
    "/services/oauth2/token",
    "/services/oauth2/revoke",
    "/services/Soap/u/<version>",
    "/_sim/health",
    "/services/data",
}
# Pages answer a browser without a session with the login form, as a real org does.
LOGIN = {"/", "/secur/frontdoor.jsp"}


def _concrete(rule: str) -> str:
    """A path for a URL rule: every variable filled with a plausible value."""
    return re.sub(
        r"<(?:[a-z]+:)?([a-z_]+)>",
        lambda m: {"version": "62.0", "name": "Contact"}.get(m.group(1), "003000000000000AAA"),
        rule,
    )


@pytest.mark.fake_only(reason="walks the fake's own URL map")
def test_every_route_refuses_a_missing_or_bad_session(sf_org):
    app = sf_org.server.app
    session = sf_org.session()
    walked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/static") or rule.rule in OPEN | LOGIN:
            continue
        if rule.endpoint.startswith("pages."):
            for headers in ({}, {"Cookie": "sid=00Dforged!token"}):
                answer = session.get(
                    sf_org.instance_url + _concrete(rule.rule), headers=headers, allow_redirects=False
                )
                assert answer.status_code == 302 and answer.headers["Location"].startswith("/?startURL="), (
                    rule.rule
                )
            walked += 1
            continue
        if rule.rule.startswith("/services/async/"):
            # Bulk API 1.0 reads X-SFDC-Session and refuses with its own 400 InvalidSessionId (SC 1.5).
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for headers in ({}, {"X-SFDC-Session": "00Dforged!token"}):
                    answer = session.request(
                        method, sf_org.instance_url + _concrete(rule.rule), headers=headers
                    )
                    assert answer.status_code == 400, (method, rule.rule, answer.status_code)
                    assert b"<exceptionCode>InvalidSessionId</exceptionCode>" in answer.content, rule.rule
            walked += 1
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, {"Authorization": "Bearer 00Dforged!token"}):
                answer = session.request(
                    method, sf_org.instance_url + _concrete(rule.rule), headers=headers, json={}
                )
                assert answer.status_code == 401, (method, rule.rule, answer.status_code)
                assert answer.json()[0]["errorCode"] == "INVALID_SESSION_ID"
            walked += 1
    assert walked >= 30


@pytest.mark.parametrize("path", ["/_sim/health"])
@pytest.mark.fake_only(reason="the admin API's /_sim/health")
def test_health_answers_without_a_session(sf_org, path):
    assert sf_org.session().get(sf_org.instance_url + path).json()["status"] == "ok"


def test_unknown_paths_are_refused_without_a_session(sf_org):
    answer = sf_org.session().get(sf_org.instance_url + "/services/data/v62.0/whatever")
    assert answer.status_code == 401

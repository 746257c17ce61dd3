"""Logins and sessions through raw requests and the unmodified simple-salesforce client (SC 1.2, 3.1)."""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from simple_salesforce import Salesforce, SalesforceAuthenticationFailed, SalesforceExpiredSession


@pytest.mark.fake_only(reason="reads the fake's org id and connected app")
def test_client_credentials_token_opens_a_session(sf_org):
    session = sf_org.session()
    answer = session.post(
        sf_org.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": sf_org.app.client_id,
            "client_secret": sf_org.app.client_secret,
        },
    ).json()
    assert answer["instance_url"] == sf_org.instance_url
    assert answer["token_type"] == "Bearer"
    assert answer["access_token"].startswith(sf_org.org.id[:15] + "!")
    listed = session.get(
        f"{sf_org.instance_url}/services/data/", headers={"Authorization": "Bearer " + answer["access_token"]}
    )
    assert listed.status_code == 200
    assert listed.json()[0]["version"] == "31.0"


def test_password_grant_and_bad_password(sf_org):
    session = sf_org.session()
    form = {
        "grant_type": "password",
        "client_id": sf_org.app.client_id,
        "client_secret": sf_org.app.client_secret,
        "username": sf_org.user.username,
        "password": sf_org.user.password + sf_org.user.security_token,
    }
    assert session.post(sf_org.token_url, data=form).status_code == 200
    refused = session.post(sf_org.token_url, data={**form, "password": "wrong"})
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant", "error_description": "authentication failure"}


def test_refresh_token_grant(sf_org):
    session = sf_org.session()
    form = {
        "grant_type": "refresh_token",
        "client_id": sf_org.app.client_id,
        "client_secret": sf_org.app.client_secret,
    }
    answer = session.post(sf_org.token_url, data={**form, "refresh_token": sf_org.refresh_token()})
    assert answer.status_code == 200 and answer.json()["access_token"]
    assert (
        session.post(sf_org.token_url, data={**form, "refresh_token": "nope"}).json()["error"]
        == "invalid_grant"
    )


def test_unsupported_grant(sf_org):
    answer = sf_org.session().post(sf_org.token_url, data={"grant_type": "magic"})
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"


class ToOrg(requests.adapters.HTTPAdapter):
    """Sends the client's hard-coded login.salesforce.com calls to the fake (SC 2.2 B)."""

    def __init__(self, netloc: str):
        super().__init__()
        self.netloc = netloc

    def send(self, request, **kwargs):
        parts = urllib.parse.urlsplit(request.url)
        request.url = urllib.parse.urlunsplit(("https", self.netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)


def _login_session(sf_org) -> requests.Session:
    session = sf_org.session()
    session.mount("https://login.salesforce.com", ToOrg(sf_org.instance_url.removeprefix("https://")))
    return session


def test_soap_login_through_simple_salesforce(sf_org):
    sf = Salesforce(
        username=sf_org.user.username,
        password=sf_org.user.password,
        security_token=sf_org.user.security_token,
        session=_login_session(sf_org),
    )
    assert sf.sf_instance == sf_org.instance_url.removeprefix("https://")
    assert sf.Contact.create({"LastName": "Soap"})["success"] is True


def test_soap_login_failure_raises_authentication_failed(sf_org):
    with pytest.raises(SalesforceAuthenticationFailed) as failure:
        Salesforce(
            username=sf_org.user.username, password="bad", security_token="", session=_login_session(sf_org)
        )
    assert failure.value.code == "INVALID_LOGIN"


@pytest.mark.fake_only(reason="moves the fake's clock")
def test_expired_session_relogs_and_retries(sf_org, sf_clock):
    """A client that logged in with a password meets a 401, logs in again and retries (SC 2.2 B)."""
    sf = Salesforce(
        username=sf_org.user.username,
        password=sf_org.user.password,
        security_token=sf_org.user.security_token,
        session=_login_session(sf_org),
    )
    first = sf.session_id
    sf_clock.advance(sf_org.org.config.session_seconds + 1)
    created = sf.Contact.create({"LastName": "After expiry"})
    assert created["success"] is True
    assert sf.session_id != first


@pytest.mark.fake_only(reason="moves the fake's clock")
def test_expired_session_with_direct_token_raises(sf_org, sf_clock):
    sf = sf_org.client()
    sf_clock.advance(sf_org.org.config.session_seconds + 1)
    with pytest.raises(SalesforceExpiredSession) as expired:
        sf.Contact.create({"LastName": "x"})
    assert expired.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


@pytest.mark.fake_only(reason="starts two fake orgs")
def test_token_of_one_org_is_refused_by_another(sf_org_factory):
    first, second = (
        sf_org_factory({"name": "First", "seed": 1}),
        sf_org_factory({"name": "Second", "seed": 2}),
    )
    token = first.access_token()
    answer = second.session().get(
        f"{second.instance_url}/services/data/v62.0/sobjects", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 401
    assert answer.json()[0]["errorCode"] == "INVALID_SESSION_ID"


@pytest.mark.fake_only(reason="restarts a fake org on its data folder")
def test_refresh_token_survives_a_restart_and_can_be_revoked(sf_org_factory, tmp_path):
    first = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    token = first.refresh_token()
    first.stop()
    second = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    session = second.session()
    form = {"grant_type": "refresh_token", "client_id": second.app.client_id, "refresh_token": token}
    assert session.post(second.token_url, data=form).status_code == 200
    assert (
        session.post(f"{second.instance_url}/services/oauth2/revoke", data={"token": token}).status_code
        == 200
    )
    assert session.post(second.token_url, data=form).json()["error"] == "invalid_grant"


@pytest.mark.fake_only(reason="compares with the fake's integration user and its zone")
def test_userinfo_and_identity_url_name_the_sessions_user(sf_org):
    session = sf_org.session()
    answer = session.post(
        sf_org.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": sf_org.app.client_id,
            "client_secret": sf_org.app.client_secret,
        },
    ).json()
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    info = session.get(f"{sf_org.instance_url}/services/oauth2/userinfo", headers=headers).json()
    assert info["user_id"] == sf_org.org.integration_user_id and info["organization_id"] == sf_org.org.id
    assert (info["preferred_username"], info["zoneinfo"], info["language"]) == (
        sf_org.user.username,
        "Europe/Paris",
        "en_US",
    )
    assert session.get(answer["id"], headers=headers).json()["sub"] == answer["id"]
    assert session.get(f"{sf_org.instance_url}/services/oauth2/userinfo").status_code == 401

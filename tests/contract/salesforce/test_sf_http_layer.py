"""The HTTP layer of the org: doubled slashes served, the server's own refusals in Salesforce's envelope."""

from __future__ import annotations

import json
import socket
import ssl
from urllib.parse import urlsplit

import pytest


def _raw(running, request_line: bytes, token: str) -> tuple[int, dict, bytes]:
    """Send one request as written, below any client library, and read the whole answer."""
    url = urlsplit(running.instance_url)
    context = ssl.create_default_context(cafile=running.ca_bundle)
    # A real org's instance URL names no port: HTTPS's own, 443.
    with socket.create_connection((url.hostname, url.port or 443), timeout=10) as plain:
        with context.wrap_socket(plain, server_hostname=url.hostname) as tls:
            tls.sendall(
                request_line
                + b"\r\nHost: "
                + url.netloc.encode()
                + b"\r\nAuthorization: Bearer "
                + token.encode()
                + b"\r\nConnection: close\r\n\r\n"
            )
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _journal(running, token: str, path: str) -> list[dict]:
    answer = running.session().get(
        f"{running.instance_url}/_sim/journal",
        params={"path": path},
        headers={"Authorization": f"Bearer {token}"},
    )
    return answer.json()["entries"]


@pytest.mark.fake_only(reason="reads the journal")
def test_doubled_slash_is_served_like_a_single_one(sf_org):
    # The Salesforce CLI stores the instance URL with a trailing slash and calls `//services/data/...`.
    token = sf_org.access_token()
    session = sf_org.session()
    headers = {"Authorization": f"Bearer {token}"}
    for path in (
        "//services/data/v62.0/sobjects",
        "/services//data/v62.0/sobjects/",
        "///services/data/v62.0/",
    ):
        answer = session.get(sf_org.instance_url + path, headers=headers, allow_redirects=False)
        assert answer.status_code == 200, (path, answer.text[:200])
        assert answer.headers["Content-Type"].startswith("application/json")
    status, _, body = _raw(sf_org, b"GET //services/data/v62.0/limits HTTP/1.1", token)
    assert status == 200 and "DailyApiRequests" in json.loads(body)
    entries = _journal(sf_org, token, "limits")
    assert entries and all(e["path"] == "/services/data/v62.0/limits" for e in entries)


def test_absolute_form_target_is_served(sf_org):
    # RFC 9112 §3.2.2: a server must accept the absolute-form.
    token = sf_org.access_token()
    target = f"{sf_org.instance_url}/services/data/v62.0/limits".encode()
    status, _, body = _raw(sf_org, b"GET " + target + b" HTTP/1.1", token)
    assert status == 200 and "DailyApiRequests" in json.loads(body)


def test_doubled_slash_through_simple_salesforce(sf_org):
    sf = sf_org.client()
    sf.base_url = sf.base_url.replace("/services/", "//services/")
    created = sf.Account.create({"Name": "Doubled"})
    assert (
        sf.query(f"SELECT Name FROM Account WHERE Id = '{created['id']}'")["records"][0]["Name"] == "Doubled"
    )


@pytest.mark.parametrize(
    "request_line, code",
    [
        (b"GET /services/data/v62.0/sobjects#part HTTP/1.1", "BAD_REQUEST"),
        (b"get /services/data/v62.0/sobjects HTTP/1.1", "BAD_REQUEST"),
        (b"GET services/data/v62.0/sobjects HTTP/1.1", "BAD_REQUEST"),
    ],
)
@pytest.mark.fake_only(reason="reads the journal")
def test_a_request_the_server_refuses_answers_in_the_envelope_and_is_journaled(sf_org, request_line, code):
    token = sf_org.access_token()
    status, headers, body = _raw(sf_org, request_line, token)
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    errors = json.loads(body)
    assert isinstance(errors, list) and errors[0]["errorCode"] == code and errors[0]["message"]
    refused = [e for e in _journal(sf_org, token, ".") if e["status"] == 400]
    assert refused and json.loads(refused[-1]["response_body"]) == errors


@pytest.mark.fake_only(reason="reads the journal")
def test_a_request_over_the_limits_is_journaled(sf_org):
    token = sf_org.access_token()
    answer = sf_org.session().get(
        f"{sf_org.instance_url}/services/data/v62.0/query",
        params={"q": "SELECT Id FROM Account WHERE Name = '" + "x" * 17_000 + "'"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 414 and answer.json()[0]["errorCode"] == "URI_TOO_LONG"
    assert [e["status"] for e in _journal(sf_org, token, "query$")] == [414]

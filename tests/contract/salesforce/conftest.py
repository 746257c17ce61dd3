"""Helpers for the org's contract tests: a client for any configured user, and a callout receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading

import pytest
from flask import Flask, request
from simple_salesforce import Salesforce

from alcsim.simulators.common.runner import ServerThread


def client_as(running, username: str, password: str = "alcsim-password") -> Salesforce:
    """A simple-salesforce client logged in as `username` through the OAuth password grant."""
    session = running.session()
    answer = session.post(
        running.token_url,
        data={
            "grant_type": "password",
            "client_id": running.app.client_id,
            "client_secret": running.app.client_secret,
            "username": username,
            "password": password,
        },
    )
    answer.raise_for_status()
    return Salesforce(
        instance_url=running.instance_url, session_id=answer.json()["access_token"], session=session
    )


class CalloutReceiver:
    """An HTTPS endpoint that checks the package's signature, records callouts and fails when told to."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: list[dict] = []
        self.refused = 0
        self.fail_next = 0
        self.arrived = threading.Condition()
        app = Flask("receiver")

        @app.post("/callouts/<scope>")
        def receive(scope: str):
            body = request.get_data()
            expected = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, request.headers.get("X-Alcmeon-Package-Signature", "")):
                self.refused += 1
                return "bad signature", 401
            if self.fail_next:
                self.fail_next -= 1
                return "busy", 503
            with self.arrived:
                self.received.append({"scope": scope, **json.loads(body)})
                self.arrived.notify_all()
            return "", 204

        self.server = ServerThread(app).start()

    def url(self, scope: str) -> str:
        return f"{self.server.url}/callouts/{scope}"

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), self.received
            return list(self.received)


@pytest.fixture
def callout_receiver():
    receiver = CalloutReceiver("s3cret")
    yield receiver
    receiver.server.stop()


@pytest.fixture
def login_as():
    """`login_as(running_org, username)`: a simple-salesforce client for that user."""
    return client_as

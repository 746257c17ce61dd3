"""Start an environment and hand out what a client needs (URL, credentials, CA); a local webhook receiver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from flask import Flask, request

from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.environment import AlcmeonEnvironment, create_environment
from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.runner import ServerThread

# Tests make many calls a minute; the faithful 15 per minute is switched back on where a test wants it.
TEST_RATE_LIMIT = 100_000


@dataclass
class AlcmeonHandle:
    """What a test needs: the URL, the application credentials, the CA and a ready session."""

    env: AlcmeonEnvironment
    url: str
    instance_id: str
    secret: str
    ca_bundle: str
    session: requests.Session

    @property
    def credentials(self) -> tuple[str, str]:
        return (self.instance_id, self.secret)

    @property
    def token_url(self) -> str:
        return f"{self.url}/v1/oauth2/token"

    @property
    def clock(self) -> Clock:
        return self.env.clock

    def new_session(self, auth=None) -> requests.Session:
        """A session that trusts the local CA whatever REQUESTS_CA_BUNDLE says."""
        session = requests.Session()
        session.trust_env = False
        session.verify = self.ca_bundle
        session.auth = auth
        return session

    def ext(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.url}/_sim/ext{path}", **kwargs)

    def customer_writes(self, account_id: int, user_id: str, content: str, **extra) -> dict:
        body = {"account_id": account_id, "user_id": user_id, "content": content, **extra}
        response = self.ext("POST", "/customers/messages", json=body)
        response.raise_for_status()
        return response.json()

    def account_id(self, channel: str) -> int:
        return self.env.store.value(
            "SELECT id FROM social_accounts WHERE type = ? ORDER BY id LIMIT 1", channel
        )


def start_environment(
    config: EnvironmentConfig | dict | None = None,
    clock: Clock | None = None,
    source: str = "start_environment(config)",
) -> AlcmeonHandle:
    __tracebackhide__ = True
    if config is None or isinstance(config, dict):
        values = {"rate_limit_per_minute": TEST_RATE_LIMIT, **(config or {})}
        config = EnvironmentConfig.from_dict(values, source)  # `source` names the argument in a problem
    env = create_environment(config, clock=clock).start()
    handle = AlcmeonHandle(env, env.url, env.instance_id, env.secret, env.ca.ca_bundle, requests.Session())
    handle.session = handle.new_session(auth=handle.credentials)
    return handle


@dataclass
class WebhookReceiver:
    """A local notify endpoint (plain HTTP) that keeps what it got; tests wait on it, never sleep."""

    status: int = 200
    received: list[dict] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    server: ServerThread | None = None
    path: str = "/alcmeon/notify"
    # While set, the receiver holds each request until the event fires: a slow receiver, for timeouts.
    hold: threading.Event | None = None
    tls: bool = False
    # A receiver slow on some notifications: those whose payload `slow_when` accepts wait `slow_seconds`.
    slow_when: Callable[[dict], bool] | None = None
    slow_seconds: float = 2.0

    def start(self) -> WebhookReceiver:
        app = Flask("webhook-receiver")

        @app.post(self.path)
        def notify():
            payload = json.loads(request.get_data() or b"null")
            slow = self.slow_when is not None and self.slow_when(payload)
            with self._cond:
                self.received.append(
                    {
                        "body": request.get_data(),
                        "headers": dict(request.headers),
                        "path": request.path,
                        "json": payload,
                        "answered": self.status,
                        "slow": slow,
                        "at": time.monotonic(),
                    }
                )
                self._cond.notify_all()
            if self.hold is not None:
                self.hold.wait(timeout=10)
            if slow:
                time.sleep(self.slow_seconds)
            return ("ok", self.status)

        self.server = ServerThread(app, tls=self.tls).start()
        return self

    @property
    def url(self) -> str:
        return f"{self.server.url}{self.path}"

    def wait_for(self, count: int, timeout: float = 5.0, answered: int | None = None) -> list[dict]:
        def enough() -> bool:
            return len([r for r in self.received if answered is None or r["answered"] == answered]) >= count

        with self._cond:
            if not self._cond.wait_for(enough, timeout):
                raise AssertionError(f"expected {count} notifications, got {len(self.received)}")
            return list(self.received)

    def ids(self, answered: int | None = 200) -> list[int]:
        return [r["json"]["id"] for r in self.received if answered is None or r["answered"] == answered]

    def stop(self) -> None:
        if self.server:
            self.server.stop()

"""Start an org on a port and hand out what a client needs: URLs, credentials, CA bundle, clients."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests
from simple_salesforce import Salesforce

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.common.tls import LocalCA, local_ca
from alcsim.simulators.salesforce.app import create_app
from alcsim.simulators.salesforce.config import CURRENT_API_VERSION, OrgConfig
from alcsim.simulators.salesforce.org import Org


def trusting_session(ca_bundle: str) -> requests.Session:
    """A session that trusts the local CA. trust_env is off because REQUESTS_CA_BUNDLE in the
    environment would otherwise override `verify` (DESIGN.md, salesforce-contract.md 2.2 A)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ca_bundle
    return session


@dataclass
class RunningOrg:
    org: Org
    server: ServerThread
    ca: LocalCA
    stopped: bool = False

    @property
    def instance_url(self) -> str:
        return self.server.url

    @property
    def token_url(self) -> str:
        return f"{self.server.url}/services/oauth2/token"

    @property
    def ca_bundle(self) -> str:
        return self.ca.ca_bundle

    @property
    def app(self):
        return self.org.config.connected_apps[0]

    @property
    def user(self):
        return self.org.config.integration_user

    def session(self) -> requests.Session:
        return trusting_session(self.ca_bundle)

    def access_token(self, session: requests.Session | None = None, timeout: float = 30) -> str:
        """Log in with the client credentials grant, as the connector's integration does (on `session`,
        kept by the caller, or a new one)."""
        response = (session or self.session()).post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.app.client_id,
                "client_secret": self.app.client_secret,
            },
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def password_login(
        self, user, timeout: float = 10, session: requests.Session | None = None
    ) -> requests.Response:
        """The OAuth password grant as `user` (password and security token appended, SC 1.2), unread."""
        return (session or self.session()).post(
            self.token_url,
            data={
                "grant_type": "password",
                "client_id": self.app.client_id,
                "client_secret": self.app.client_secret,
                "username": user.username,
                "password": user.password + user.security_token,
            },
            timeout=timeout,
        )

    def client(
        self, version: str = CURRENT_API_VERSION, session: requests.Session | None = None
    ) -> Salesforce:
        """An unmodified simple-salesforce client of the integration user, on `session` (kept by the
        caller, with its connection) or a fresh one."""
        session = session or self.session()
        return Salesforce(
            instance_url=self.instance_url,
            session_id=self.access_token(session),
            session=session,
            version=version,
        )

    def refresh_token(self) -> str:
        return self.org.sessions.refresh_token(self.app.client_id, self.user.username)

    def describe(self) -> dict:
        return {
            "instance_url": self.instance_url,
            "token_url": self.token_url,
            "organization_id": self.org.id,
            "username": self.user.username,
            "password": self.user.password,
            "security_token": self.user.security_token,
            "client_id": self.app.client_id,
            "client_secret": self.app.client_secret,
            "refresh_token": self.refresh_token(),
            "ca_bundle": self.ca_bundle,
            "api_version": CURRENT_API_VERSION,
        }

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.server.stop()
        self.org.close()


def start_org(
    config: OrgConfig | None = None,
    port: int = 0,
    data_dir: str | Path | None = None,
    clock: Clock | None = None,
    ca: LocalCA | None = None,
) -> RunningOrg:
    org = Org(config or OrgConfig(), clock=clock, data_dir=data_dir)
    ca = ca or local_ca()
    server = ServerThread(create_app(org), port=port, ca=ca).start()
    if org.package:
        org.package.start()
    return RunningOrg(org, server, ca)

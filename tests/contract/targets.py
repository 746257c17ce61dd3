"""The org under test as the contract tests see it, fake or real, and the parity settings that name one."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from bulk_cleanup import BeforeJobDelete, BulkJobs  # beside this file, on sys.path as the conftest is
from simple_salesforce import Salesforce

from alcsim.simulators.salesforce.config import CURRENT_API_VERSION

PREFIX = "ALCSIM_PARITY_"
# A record already gone (a cascade delete, or the test deleted it itself) is not a cleanup failure.
GONE = {"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "NOT_FOUND"}
COLLECTION_LIMIT = 200  # sObject Collections take at most 200 ids (api_rest "sObject Collections")


@dataclass(frozen=True)
class ConnectedApp:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class LoginUser:
    username: str
    password: str
    security_token: str = ""


def created_ids(method: str, status: int, body) -> list[str]:
    """The ids of the records an answer says it created: one sObject, collections, composite, batch, tree.

    Conservative on purpose: an id counts only where the answer says it was created, so a cleanup never
    deletes a record the test merely updated (an upsert that matched answers `created: false`)."""
    if isinstance(body, list):  # sObject Collections: create (POST) or upsert (PATCH, with `created`)
        return [
            item["id"]
            for item in body
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and (
                item.get("created") is True
                or (method == "POST" and item.get("success") is True and "created" not in item)
            )
        ]
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("compositeResponse"), list):
        # A subrequest's method is not in its answer: PATCH keeps only what says `created`.
        return [
            found
            for sub in body["compositeResponse"]
            if isinstance(sub, dict)
            for found in created_ids("PATCH", sub.get("httpStatusCode") or 0, sub.get("body"))
        ]
    if isinstance(body.get("results"), list):
        found = []
        for result in body["results"]:
            if not isinstance(result, dict):
                continue
            if "statusCode" in result:  # /composite/batch
                found += created_ids("PATCH", result["statusCode"], result.get("result"))
            elif "referenceId" in result and isinstance(result.get("id"), str) and not body.get("hasErrors"):
                found.append(result["id"])  # /composite/tree
        return found
    # One record: 201 Created (a create, or an upsert that inserted, with or without `created`).
    return [body["id"]] if status == 201 and isinstance(body.get("id"), str) else []


class OrgTarget:
    """One org as the tests see it: URLs, CA bundle, version, a token, sessions and clients.

    It answers what a RunningOrg answers that any org has (`instance_url`, `token_url`, `ca_bundle`,
    `session()`, `access_token()`, `client()`); what only the fake has (`.org`, `.server`) fails the test
    with a hint to mark it fake_only."""

    def __init__(
        self,
        instance_url: str,
        login: Callable[[], str],
        ca_bundle: str | None = None,
        api_version: str = CURRENT_API_VERSION,
        app: ConnectedApp | None = None,
        user: LoginUser | None = None,
        refresh: Callable[[], str] | None = None,
        track: bool = False,
    ):
        self.instance_url = instance_url.rstrip("/")
        self.token_url = f"{self.instance_url}/services/oauth2/token"
        self.ca_bundle = ca_bundle
        self.api_version = api_version
        self._login, self._token = login, None
        self._app, self._user, self._refresh = app, user, refresh
        self.track = track
        self.created: list[str] = []
        self.bulk = BulkJobs(self.session(plain=True), self.instance_url, api_version)

    @classmethod
    def of_fake(cls, running) -> OrgTarget:
        """The target for a fake org started by the plugin (a RunningOrg)."""
        app, user = running.app, running.user
        return cls(
            running.instance_url,
            running.access_token,
            running.ca_bundle,
            app=ConnectedApp(app.client_id, app.client_secret),
            user=LoginUser(user.username, user.password, user.security_token),
            refresh=running.refresh_token,
        )

    def session(self, plain: bool = False) -> requests.Session:
        """A session that trusts the target's CA. trust_env is off: REQUESTS_CA_BUNDLE in the environment
        would otherwise override `verify` (README, the REQUESTS_CA_BUNDLE trap)."""
        session = requests.Session()
        session.trust_env = False
        session.verify = self.ca_bundle or True
        if self.track and not plain:
            session.hooks["response"].append(self._note_created)
            session.mount("https://", BeforeJobDelete(self.bulk))
        return session

    def access_token(self) -> str:
        if self._token is None:
            self._token = self._login()
        return self._token

    def client(self, version: str | None = None) -> Salesforce:
        """An unmodified simple-salesforce client on the target's token."""
        return Salesforce(
            instance_url=self.instance_url,
            session_id=self.access_token(),
            session=self.session(),
            version=version or self.api_version,
        )

    @property
    def app(self) -> ConnectedApp:
        if self._app is None:
            pytest.skip(f"needs a connected app: set {PREFIX}CLIENT_ID and {PREFIX}CLIENT_SECRET")
        return self._app

    @property
    def user(self) -> LoginUser:
        if self._user is None:
            pytest.skip(f"needs a user's login: set {PREFIX}USERNAME and {PREFIX}PASSWORD")
        return self._user

    def refresh_token(self) -> str:
        if self._refresh is None:
            pytest.skip(f"needs a refresh token: set {PREFIX}REFRESH_TOKEN")
        return self._refresh()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        pytest.fail(f"sf_org.{name} exists only on a fake org: mark the test @pytest.mark.fake_only")

    def _note_created(self, response: requests.Response, *args, **kwargs) -> None:
        method = response.request.method
        if kwargs.get("stream") or method not in ("POST", "PATCH", "PUT") or not response.ok:
            return
        try:
            if self.bulk.note(response):
                return
            if "/services/data/" not in response.url or "json" not in response.headers.get(
                "Content-Type", ""
            ):
                return
            body = response.json()
        except ValueError:  # not the JSON or XML it claims: nothing to note
            return
        self.created += created_ids(method, response.status_code, body)

    def delete_created(self) -> None:
        """Delete what the test created, newest first (children before parents), 200 ids a call."""
        headers = {"Authorization": f"Bearer {self.access_token()}"}
        self.created += self.bulk.settle(self.access_token())
        session, failed = self.session(plain=True), self.bulk.problems
        ids = list(dict.fromkeys(reversed(self.created)))
        self.created, self.bulk.problems = [], []
        url = f"{self.instance_url}/services/data/v{self.api_version}/composite/sobjects"
        for start in range(0, len(ids), COLLECTION_LIMIT):
            chunk = ids[start : start + COLLECTION_LIMIT]
            answer = session.delete(
                url, params={"ids": ",".join(chunk), "allOrNone": "false"}, headers=headers
            )
            if not answer.ok:
                failed.append(f"{chunk}: {answer.status_code} {answer.text[:300]}")
                continue
            for result in answer.json():
                codes = {e.get("statusCode") for e in result.get("errors") or []}
                if not result.get("success") and not codes <= GONE:
                    failed.append(f"{result.get('id')}: {result.get('errors')}")
        if failed:
            pytest.fail("records the test created were not deleted:\n" + "\n".join(failed))


@dataclass(frozen=True)
class Parity:
    """The org that the ALCSIM_PARITY_* variables name."""

    instance_url: str
    access_token: str | None
    ca_bundle: str | None
    api_version: str
    app: ConnectedApp | None
    user: LoginUser | None
    refresh_token: str | None
    empty_org: bool

    @classmethod
    def from_environment(cls) -> Parity | None:
        env = {k.removeprefix(PREFIX): v for k, v in os.environ.items() if k.startswith(PREFIX) and v}
        if "INSTANCE_URL" not in env:
            return None
        app = ConnectedApp(env["CLIENT_ID"], env.get("CLIENT_SECRET", "")) if "CLIENT_ID" in env else None
        user = None
        if "USERNAME" in env and "PASSWORD" in env:
            user = LoginUser(env["USERNAME"], env["PASSWORD"], env.get("SECURITY_TOKEN", ""))
        if "ACCESS_TOKEN" not in env and app is None:
            raise pytest.UsageError(
                f"{PREFIX}INSTANCE_URL is set: also set {PREFIX}ACCESS_TOKEN, or {PREFIX}CLIENT_ID "
                f"(with {PREFIX}CLIENT_SECRET, and {PREFIX}USERNAME/{PREFIX}PASSWORD for the password grant)"
            )
        return cls(
            instance_url=env["INSTANCE_URL"].rstrip("/"),
            access_token=env.get("ACCESS_TOKEN"),
            ca_bundle=env.get("CA_BUNDLE"),
            api_version=env.get("API_VERSION", CURRENT_API_VERSION),
            app=app,
            user=user,
            refresh_token=env.get("REFRESH_TOKEN"),
            empty_org=env.get("EMPTY_ORG", "") not in ("", "0"),
        )

    def login(self) -> str:
        """The given token, else one from the OAuth token endpoint: password grant with a user, else
        client credentials (api_rest "OAuth 2.0 Client Credentials Flow")."""
        if self.access_token:
            return self.access_token
        form = {"client_id": self.app.client_id, "client_secret": self.app.client_secret}
        if self.user:
            form.update(
                grant_type="password",
                username=self.user.username,
                password=self.user.password + self.user.security_token,
            )
        else:
            form["grant_type"] = "client_credentials"
        session = requests.Session()
        session.trust_env = False
        session.verify = self.ca_bundle or True
        answer = session.post(f"{self.instance_url}/services/oauth2/token", data=form)
        if not answer.ok:
            pytest.fail(f"the parity login was refused: {answer.status_code} {answer.text[:300]}")
        return answer.json()["access_token"]

    def target(self, token: Callable[[], str]) -> OrgTarget:
        refresh = (lambda: self.refresh_token) if self.refresh_token else None
        return OrgTarget(
            self.instance_url,
            token,
            self.ca_bundle,
            self.api_version,
            app=self.app,
            user=self.user,
            refresh=refresh,
            track=True,
        )

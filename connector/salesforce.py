"""The connector's way into one org: simple-salesforce over a session that trusts the given CA bundle."""

# Pointed at a real org it makes the same calls: OAuth2 token endpoint (refresh token or client
# credentials), REST upsert by external id, composite sObject collections, SOQL. Each worker thread
# gets its own simple-salesforce client and HTTP session (requests sessions are not thread-safe);
# the access token is shared and renewed once when the org answers INVALID_SESSION_ID.

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from alcsim.connector.retry import Permanent, Retryable, classify_salesforce, parse_retry_after

API_VERSION = "62.0"
CONVERSATION = "alcmeon__Conversation__c"
SCOPED_ID = "alcmeon__scoped_id__c"
COLLECTION_LIMIT = 200  # salesforce-contract.md 7: at most 200 records per sObject collection call


@dataclass
class OrgEndpoint:
    """How to reach and authenticate to one org (a connected app and its integration user)."""

    name: str
    token_url: str
    client_id: str
    client_secret: str
    ca_bundle: str | bool = True
    refresh_token: str | None = None  # the web-server flow's token when there is one; else client credentials
    timeout: float = 10.0


@dataclass
class SaveResult:
    scoped_id: str
    ok: bool
    record_id: str | None = None
    created: bool = False
    error: str = ""
    retryable: bool = False


class OrgGateway:
    def __init__(self, endpoint: OrgEndpoint):
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._token: str | None = None
        self._instance_url = ""
        self.organization_id = ""
        self.user_id = ""
        self._local = threading.local()

    # -- authentication ---------------------------------------------------------------------------
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify (salesforce-contract 2.2)
            session.verify = self.endpoint.ca_bundle
            session.hooks["response"].append(self._remember)
            self._local.session = session
        return session

    def _remember(self, response: requests.Response, *args, **kwargs) -> None:
        self._local.retry_after = response.headers.get("Retry-After")

    def login(self) -> str:
        """OAuth2 token grant; the identity URL `.../id/<org id>/<user id>` names the org and the user."""
        body = {"client_id": self.endpoint.client_id, "client_secret": self.endpoint.client_secret}
        if self.endpoint.refresh_token:
            body.update(grant_type="refresh_token", refresh_token=self.endpoint.refresh_token)
        else:
            body.update(grant_type="client_credentials")
        try:
            answer = self._session().post(self.endpoint.token_url, data=body, timeout=self.endpoint.timeout)
        except requests.RequestException as exc:
            raise Retryable(f"token endpoint unreachable: {exc.__class__.__name__}") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise Retryable(f"token endpoint answered {answer.status_code}")
        if answer.status_code != 200:
            raise Permanent(f"login refused ({answer.status_code}): {answer.text[:200]}", "CRM_AUTH_ERROR")
        data = answer.json()
        parts = data.get("id", "").rstrip("/").split("/")
        with self._lock:
            self._token = data["access_token"]
            self._instance_url = data["instance_url"]
            if len(parts) >= 2:
                self.organization_id, self.user_id = parts[-2], parts[-1]
        return self._token

    def _client(self, renew: bool = False) -> Salesforce:
        with self._lock:
            token = self._token
        if token is None or renew:
            token = self.login()
        client = getattr(self._local, "client", None)
        if client is None or client.session_id != token:
            client = Salesforce(
                instance_url=self._instance_url,
                session_id=token,
                session=self._session(),
                version=API_VERSION,
            )
            self._local.client = client
        return client

    def _call(self, operation):
        """Run `operation(client)`; renew the session once on INVALID_SESSION_ID, classify other failures."""
        self._local.retry_after = None
        for attempt in (0, 1):
            client = self._client(renew=attempt == 1)
            try:
                return operation(client)
            except SalesforceExpiredSession:
                if attempt == 1:
                    raise Retryable("INVALID_SESSION_ID after a fresh login") from None
            except SalesforceError as exc:
                retryable, message = classify_salesforce(exc.status, exc.content)
                wait = parse_retry_after(getattr(self._local, "retry_after", None), datetime.now(UTC))
                if retryable:
                    raise Retryable(message, wait) from None
                raise Permanent(message) from None
            except requests.Timeout:
                raise Retryable("timed out") from None
            except requests.RequestException as exc:
                raise Retryable(f"connection failed: {exc.__class__.__name__}") from None
        raise AssertionError("unreachable")

    # -- calls ------------------------------------------------------------------------------------
    def query_all(self, soql: str) -> list[dict]:
        return self._call(lambda sf: sf.query_all(soql, timeout=self.endpoint.timeout))["records"]

    def queues(self, sobject: str = CONVERSATION) -> dict[str, str]:
        """Queue DeveloperName -> Group id, for the queues that may own `sobject` (a QueueSobject row)."""
        rows = self.query_all(
            f"SELECT QueueId, Queue.DeveloperName FROM QueueSobject WHERE SobjectType = '{_soql_text(sobject)}'"
        )
        return {r["Queue"]["DeveloperName"]: r["QueueId"] for r in rows}

    def upsert_conversations(self, records: list[dict]) -> list[SaveResult]:
        """Upsert on the scoped id (SYNC-01): one record by URL, several in collections of 200."""
        if not records:
            return []
        # The org must not hand a record that the connector assigns to a queue to someone else.
        headers = {"Sforce-Auto-Assign": "FALSE"} if any("OwnerId" in r for r in records) else {}
        if len(records) == 1:
            return [self._upsert_one(records[0], headers)]
        results: list[SaveResult] = []
        for start in range(0, len(records), COLLECTION_LIMIT):
            results += self._upsert_collection(records[start : start + COLLECTION_LIMIT], headers)
        return results

    def _upsert_one(self, record: dict, headers: dict) -> SaveResult:
        key = record[SCOPED_ID]
        body = {k: v for k, v in record.items() if k != SCOPED_ID}
        path = f"sobjects/{CONVERSATION}/{SCOPED_ID}/{quote(key, safe='')}"

        def run(sf: Salesforce):
            return sf._call_salesforce(
                "PATCH",
                sf.base_url + path,
                name=path,
                json=body,
                headers=headers,
                timeout=self.endpoint.timeout,
            )

        answer = self._call(run)
        data = answer.json() if answer.content else {}
        return SaveResult(key, True, data.get("id"), answer.status_code == 201)

    def _upsert_collection(self, records: list[dict], headers: dict) -> list[SaveResult]:
        path = f"composite/sobjects/{CONVERSATION}/{SCOPED_ID}"
        body = {"allOrNone": False, "records": [{"attributes": {"type": CONVERSATION}, **r} for r in records]}
        answers = self._call(
            lambda sf: sf.restful(
                path, method="PATCH", json=body, headers=headers, timeout=self.endpoint.timeout
            )
        )
        results = []
        for record, answer in zip(records, answers, strict=True):
            if answer.get("success"):
                results.append(
                    SaveResult(record[SCOPED_ID], True, answer.get("id"), bool(answer.get("created")))
                )
            else:
                retryable, message = classify_salesforce(400, answer.get("errors"))
                results.append(SaveResult(record[SCOPED_ID], False, error=message, retryable=retryable))
        return results

    def get_conversation(self, scoped_id: str) -> dict | None:
        """The record by its scoped id, or None."""
        soql = (
            "SELECT Id, OwnerId, alcmeon__Status__c, alcmeon__To_SF_Queue_Id__c, alcmeon__Contact__c,"
            f" alcmeon__Account__c FROM {CONVERSATION} WHERE {SCOPED_ID} = '{_soql_text(scoped_id)}'"
        )
        rows = self.query_all(soql)
        return rows[0] if rows else None


def _soql_text(value: str) -> str:
    """Escape a string literal for SOQL (salesforce-contract.md 5: backslash and quote)."""
    return value.replace("\\", "\\\\").replace("'", "\\'")

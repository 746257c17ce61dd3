"""The connector's way into one org: simple-salesforce over a session that trusts the given CA bundle."""

# Pointed at a real org it makes the same calls: OAuth2 token endpoint (refresh token or client
# credentials), REST upsert by external id, composite sObject collections, SOQL, SOSL, describe. Each
# worker thread gets its own simple-salesforce client and HTTP session (requests sessions are not
# thread-safe); the access token is shared and renewed once when the org answers INVALID_SESSION_ID.
# Every call goes through `call`, so the sync, matching, the widget and engagement share that session,
# the re-login and the Retryable/Permanent classification (one place for the wire behaviour).

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import quote

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from alcsim.connector.clock import Clock, SystemClock
from alcsim.connector.retry import Permanent, Retryable, classify_salesforce, parse_retry_after
from alcsim.connector.soql import Query, soql

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
    def __init__(self, endpoint: OrgEndpoint, clock: Clock | None = None):
        self.endpoint = endpoint
        self.clock = clock or SystemClock()
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

    def call(self, operation):
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
                wait = parse_retry_after(getattr(self._local, "retry_after", None), self.clock.now())
                if retryable:
                    raise Retryable(message, wait, exc.status, exc.content) from None
                raise Permanent(message, status=exc.status, body=exc.content) from None
            except requests.Timeout:
                raise Retryable("timed out") from None
            except requests.RequestException as exc:
                raise Retryable(f"connection failed: {exc.__class__.__name__}") from None
        raise AssertionError("unreachable")

    # -- records ----------------------------------------------------------------------------------
    def query_all(self, query: Query) -> list[dict]:
        """A SOQL query made by `connector.soql.soql` (the one place values become query text)."""
        return self.call(lambda sf: sf.query_all(query, timeout=self.endpoint.timeout))["records"]

    def search(self, sosl: Query) -> list[dict]:
        answer = self.call(lambda sf: sf.search(sosl)) or {}
        return answer.get("searchRecords", []) if isinstance(answer, dict) else answer

    def create(self, sobject: str, values: dict) -> str:
        return self.call(lambda sf: getattr(sf, sobject).create(values))["id"]

    def update(self, sobject: str, record_id: str, values: dict) -> None:
        if values:
            self.call(lambda sf: getattr(sf, sobject).update(record_id, values))

    def update_many(self, sobject: str, rows: list[dict]) -> list[dict]:
        """Composite sObject collection update (at most 200 per call, salesforce-contract.md 7)."""
        results: list[dict] = []
        for start in range(0, len(rows), COLLECTION_LIMIT):
            chunk = [{"attributes": {"type": sobject}, **r} for r in rows[start : start + COLLECTION_LIMIT]]
            body = {"allOrNone": False, "records": chunk}
            results += self.call(
                lambda sf, body=body: sf.restful("composite/sobjects", method="PATCH", json=body)
            )
        return results

    def field_names(self, sobject: str) -> set[str]:
        """The object's field API names, lower-cased (describe), so settings naming missing fields are skipped."""
        return {
            f["name"].lower() for f in self.call(lambda sf: getattr(sf, sobject).describe()).get("fields", [])
        }

    def queues(self, sobject: str = CONVERSATION) -> dict[str, str]:
        """Queue DeveloperName -> Group id, for the queues that may own `sobject` (a QueueSobject row)."""
        rows = self.query_all(
            soql("SELECT QueueId, Queue.DeveloperName FROM QueueSobject WHERE SobjectType = {:str}", sobject)
        )
        return {r["Queue"]["DeveloperName"]: r["QueueId"] for r in rows}

    # -- conversations ----------------------------------------------------------------------------

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

        answer = self.call(
            lambda sf: sf.restful(
                path, method="PATCH", json=body, headers=headers, timeout=self.endpoint.timeout
            )
        )
        # salesforce-contract.md 3.2: from v46 an upsert answers {id, success, errors, created} either way.
        data = answer or {}
        return SaveResult(key, True, data.get("id"), bool(data.get("created")))

    def _upsert_collection(self, records: list[dict], headers: dict) -> list[SaveResult]:
        path = f"composite/sobjects/{CONVERSATION}/{SCOPED_ID}"
        body = {"allOrNone": False, "records": [{"attributes": {"type": CONVERSATION}, **r} for r in records]}
        answers = self.call(
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
        query = soql(
            "SELECT Id, OwnerId, alcmeon__Status__c, alcmeon__To_SF_Queue_Id__c, alcmeon__Contact__c,"
            " alcmeon__Account__c FROM {:name} WHERE {:name} = {:str}",
            CONVERSATION,
            SCOPED_ID,
            scoped_id,
        )
        rows = self.query_all(query)
        return rows[0] if rows else None

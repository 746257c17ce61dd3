"""The package's Apex side: changes it reports to Alcméon become signed, retried, asynchronous callouts.

A real org enqueues a queueable that calls out through a Named Credential once the transaction commits;
here a worker thread plays the queueable, and each Alcméon environment gets its own callouts (TOPO-03)
through the `scope` (first part of the scoped id) of its endpoint. The contract is in docs/assumptions.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import requests

from alcsim.simulators.common.tls import local_ca
from alcsim.simulators.salesforce.values import format_datetime, parse_datetime

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.config import PackageCallout
    from alcsim.simulators.salesforce.org import Org
    from alcsim.simulators.salesforce.schema import SObject

CONVERSATION = "alcmeon__Conversation__c"
# What the package reports: the Contact or Account linked (UPD-01), the owner moved (UPD-02, TOPO-06/07),
# a status change, and the demo trigger's "sent back from Salesforce" queue field.
WATCHED = (
    "alcmeon__Contact__c",
    "alcmeon__Account__c",
    "OwnerId",
    "alcmeon__Status__c",
    "alcmeon__From_SF_Queue_Id__c",
)
SIGNATURE_HEADER = "X-Alcmeon-Package-Signature"
BACKOFF_SECONDS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
TIMEOUT_SECONDS = 5


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class PackageCallouts:
    def __init__(self, org: Org):
        self.org = org
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would override verify (DESIGN.md)
        self.http.verify = local_ca().ca_bundle
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._delivering = threading.Lock()
        self._thread: threading.Thread | None = None
        org.listeners.append(self.on_change)

    def create_table(self) -> None:
        self.org.store.execute(
            "CREATE TABLE IF NOT EXISTS _package_callouts (id INTEGER PRIMARY KEY, scope TEXT NOT NULL, body TEXT NOT NULL, "
            "state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL, last_error TEXT)"
        )

    # -- enqueue ------------------------------------------------------------------------------------------
    def endpoint(self, scope: str) -> PackageCallout | None:
        return next((c for c in self.org.config.package_callouts if c.scope == scope), None)

    def on_change(self, sobject: SObject, before: dict | None, after: dict | None, user_id: str) -> None:
        if sobject.name != CONVERSATION or before is None or after is None:
            return
        changes = {
            f: {"old": before.get(f), "new": after.get(f)} for f in WATCHED if before.get(f) != after.get(f)
        }
        if not changes:
            return
        scoped_id = after.get("alcmeon__scoped_id__c") or ""
        endpoint = self.endpoint(scoped_id.split(":", 1)[0])
        if endpoint is None:
            return
        if endpoint.run_as and self.org.user_id(endpoint.run_as) == user_id:
            return  # the connector's own writes are not echoed back
        callout_id = self.org.store.next_counter("package_callout")
        payload = {
            "id": callout_id,
            "organization_id": self.org.id,
            "event": "conversation.updated",
            "sobject": CONVERSATION,
            "record_id": after["Id"],
            "scoped_id": scoped_id,
            "changes": changes,
            "owner": self._owner(after.get("OwnerId")),
            "user_id": user_id,
            "occurred_at": after["LastModifiedDate"],
        }
        self.org.store.execute(
            "INSERT INTO _package_callouts (id, scope, body, state, next_at) VALUES (?, ?, ?, 'pending', ?)",
            (callout_id, endpoint.scope, json.dumps(payload), self.org.now_text()),
        )
        self._wake.set()

    def _owner(self, owner_id: str | None) -> dict | None:
        if not owner_id:
            return None
        if owner_id.startswith("00G"):
            row = self.org.store.execute(
                'SELECT DeveloperName FROM "Group" WHERE Id = ?', (owner_id,)
            ).fetchone()
            return {"id": owner_id, "type": "Queue", "developer_name": row[0] if row else None}
        return {"id": owner_id, "type": "User", "developer_name": None}

    # -- deliver ------------------------------------------------------------------------------------------
    def run_due(self) -> int:
        """Deliver every callout that is due, in id order per endpoint; a failing one holds back the rest
        of its endpoint so the connector never sees a conversation's changes out of order."""
        delivered = 0
        with self._delivering:
            now = self.org.now_text()
            rows = self.org.store.execute(
                "SELECT id, scope, body, attempts, next_at FROM _package_callouts WHERE state = 'pending' ORDER BY id"
            ).fetchall()
            blocked: set[str] = set()
            for row in rows:
                if row["scope"] in blocked:
                    continue
                if row["next_at"] > now:
                    blocked.add(row["scope"])
                    continue
                if self._deliver(row):
                    delivered += 1
                else:
                    blocked.add(row["scope"])
        return delivered

    def _deliver(self, row) -> bool:
        endpoint = self.endpoint(row["scope"])
        if endpoint is None:
            self._update(row["id"], "failed", row["attempts"], "no endpoint configured any more")
            return True
        body = row["body"].encode()
        error = None
        try:
            answer = self.http.post(
                endpoint.url,
                data=body,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(endpoint.secret, body)},
                timeout=TIMEOUT_SECONDS,
            )
            if 200 <= answer.status_code < 300:
                self._update(row["id"], "delivered", row["attempts"] + 1, None)
                return True
            error = f"HTTP {answer.status_code}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        attempts = row["attempts"] + 1
        if attempts > len(BACKOFF_SECONDS):
            self._update(row["id"], "failed", attempts, error)
            return True
        retry_at = parse_datetime(self.org.now_text()) + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])
        self._update(row["id"], "pending", attempts, error, format_datetime(retry_at))
        return False

    def _update(
        self, callout_id: int, state: str, attempts: int, error: str | None, next_at: str | None = None
    ) -> None:
        self.org.store.execute(
            "UPDATE _package_callouts SET state = ?, attempts = ?, last_error = ?, next_at = COALESCE(?, next_at) WHERE id = ?",
            (state, attempts, error, next_at, callout_id),
        )

    def callouts(self, state: str | None = None) -> list[dict]:
        sql = "SELECT id, scope, body, state, attempts, next_at, last_error FROM _package_callouts"
        rows = self.org.store.execute(
            sql + (" WHERE state = ?" if state else "") + " ORDER BY id", (state,) if state else ()
        )
        return [{**dict(r), "body": json.loads(r["body"])} for r in rows]

    # -- the queueable's thread ------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="package-callouts", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_due()
            except Exception:  # a closed store at shutdown; the next loop ends
                if self._stopping.is_set():
                    return
            self._wake.wait(0.2)
            self._wake.clear()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=TIMEOUT_SECONDS + 1)

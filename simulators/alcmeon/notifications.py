"""The notify webhook: each Action POSTed, signed, to each application's URL from a worker thread (AR 3.2, 3.3)."""

# Redelivery follows the real-time guide (retries with growing delays for 24 h, then the webhook is
# disabled) unless the environment is configured with `webhook_redelivery: none`, which follows the
# notify reference (no second delivery). Delays run on the environment's clock, so a test can advance
# the clock and call `run_due()` instead of waiting. The guide promises delivery within 10 s, not an
# order, so a slow or failing notification holds back only the later ones of its own conversation:
# each application has a bounded pool of senders, one conversation per sender at a time (issue 13).
# Choices are in docs/assumptions.md.

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from alcsim.simulators.alcmeon.actions import ActionLog
from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.store import Store, dumps, loads
from alcsim.simulators.common.journal import Journal

SIGNATURE_HEADER = "X-Alcmeon-Webhook-Signature"
REALTIME_PERMISSION = "Realtime notification API"
# Seconds to wait after the n-th consecutive failure; the last value repeats until 24 h have passed.
BACKOFF_SECONDS = (10, 30, 60, 300, 900, 1800, 3600)
GIVE_UP_AFTER_SECONDS = 24 * 3600
ERRORS_KEPT = 100
# Deliveries in flight at once per application: enough that one receiver call stuck for the whole
# timeout does not hold the others, few enough not to flood a receiver.
SENDERS_PER_APPLICATION = 4


def signature(secret: str, path: str, body: bytes) -> str:
    """AR 3.2: hex HMAC-SHA256 keyed by the application secret over path, one space, body (code sample)."""
    return hmac.new(secret.encode(), path.encode() + b" " + body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> int:
    return BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]


class Notifier:
    def __init__(
        self,
        store: Store,
        actions: ActionLog,
        config: EnvironmentConfig,
        now: Callable[[], float],
        journal: Journal | None = None,
    ):
        self.store = store
        self.journal = journal
        self.actions = actions
        self.config = config
        self.now = now
        # `session` holds the TLS settings; each sender thread posts through its own copy of them.
        self.session = requests.Session()
        # The machine's REQUESTS_CA_BUNDLE would override `verify`; a receiver's CA is set explicitly.
        self.session.trust_env = False
        self.session.verify = config.webhook_ca_bundle or True
        self._local = threading.local()
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self._in_flight: dict[tuple[int, object], Future] = {}
        self._dispatching = threading.Lock()
        self._jobs: deque[Callable[[], None]] = deque()
        self._wake = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.latencies: deque[float] = deque(maxlen=10000)
        actions.listeners.append(self.on_action)

    # Worker lifecycle.
    def start(self) -> None:
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._loop, name="alcmeon-notify", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._dispatching:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)

    def _loop(self) -> None:
        while True:
            with self._wake:
                if self._stop:
                    return
                if not self._jobs:
                    self._wake.wait(timeout=0.2)
                if self._stop:
                    return
            try:
                self._dispatch()
            except Exception:  # a worker that dies silently loses notifications; keep it alive
                import logging

                logging.getLogger("alcsim.alcmeon").exception("notification worker")

    def later(self, job: Callable[[], None]) -> None:
        with self._wake:
            self._jobs.append(job)
            self._wake.notify_all()

    # Queueing.
    def subscribers(self) -> list[dict]:
        apps = self.store.all(
            "SELECT * FROM applications WHERE webhook_url IS NOT NULL AND webhook_enabled = 1"
        )
        return [a for a in apps if REALTIME_PERMISSION in loads(a["permissions"], [])]

    def on_action(self, action_id: int, kind: str) -> None:
        for app in self.subscribers():
            types = loads(app["notification_types"])
            if types is not None and kind not in types:
                continue
            self.store.run(
                "INSERT OR IGNORE INTO deliveries (application_id, action_id, next_attempt_at, state)"
                " VALUES (?, ?, ?, 'pending')",
                app["id"],
                action_id,
                self.now(),
            )
        with self._wake:
            self._wake.notify_all()

    # Delivery.
    def run_due(self) -> dict:
        """Run queued channel jobs and every delivery whose time has come, and wait for them; counts."""
        self._wait(
            list(self._in_flight.copy().values())
        )  # deliveries already started by the worker finish first
        started = self._dispatch()
        # A conversation the worker started in between is skipped by `_dispatch`: wait for it as well.
        self._wait(started + list(self._in_flight.copy().values()))
        done = {"delivered": 0, "failed": 0}
        for future in started:
            for key, value in (future.result() or {}).items():
                done[key] += value
        return done

    @staticmethod
    def _wait(futures: list[Future]) -> None:
        wait(futures)

    def _dispatch(self) -> list[Future]:
        """Start one sender per conversation whose oldest pending notification is due; never block."""
        started: list[Future] = []
        with self._dispatching:
            while True:
                with self._wake:
                    job = self._jobs.popleft() if self._jobs else None
                if job is None:
                    break
                job()
            now = self.now()
            for app in self.subscribers():
                rows = self.store.all(
                    "SELECT d.action_id, d.next_attempt_at, a.conversation_id FROM deliveries d"
                    " LEFT JOIN actions a ON a.id = d.action_id"
                    " WHERE d.application_id = ? AND d.state = 'pending' ORDER BY d.action_id",
                    app["id"],
                )
                heads: dict = {}
                for row in rows:
                    # Notifications without a conversation are independent of each other.
                    key = row["conversation_id"] if row["conversation_id"] is not None else -row["action_id"]
                    heads.setdefault(key, row)
                for key, head in heads.items():
                    if head["next_attempt_at"] > now or (app["id"], key) in self._in_flight:
                        continue
                    pool = self._pools.get(app["id"])
                    if pool is None:
                        pool = ThreadPoolExecutor(SENDERS_PER_APPLICATION, f"alcmeon-notify-{app['id']}")
                        self._pools[app["id"]] = pool
                    future = pool.submit(self._deliver_conversation, app, key)
                    self._in_flight[(app["id"], key)] = future
                    future.add_done_callback(lambda _f, k=(app["id"], key): self._finished(k))
                    started.append(future)
        return started

    def _finished(self, key) -> None:
        self._in_flight.pop(key, None)
        with self._wake:
            self._wake.notify_all()  # later notifications of that conversation may be due now

    def _deliver_conversation(self, app: dict, key) -> dict:
        """Deliver one conversation's pending notifications in id order until one fails or is not due."""
        done = {"delivered": 0, "failed": 0}
        where = "a.conversation_id = ?" if key >= 0 else "d.action_id = ?"
        while True:
            delivery = self.store.one(
                "SELECT d.* FROM deliveries d LEFT JOIN actions a ON a.id = d.action_id"
                f" WHERE d.application_id = ? AND d.state = 'pending' AND {where}"  # `where` is ours
                " ORDER BY d.action_id LIMIT 1",
                app["id"],
                key if key >= 0 else -key,
            )
            now = self.now()
            if delivery is None or delivery["next_attempt_at"] > now:
                return done
            action = self.actions.get(delivery["action_id"])
            if action is None:
                self._set(app, delivery, state="dropped")
                continue
            failure = self._post(app, {"id": action["id"], "action": action})
            if failure is None:
                self._set(app, delivery, state="delivered", delivered_at=self.now())
                created = self.store.value("SELECT created_at FROM actions WHERE id = ?", action["id"])
                self.latencies.append(self.now() - created)
                done["delivered"] += 1
                continue
            done["failed"] += 1
            self._record_error(app, failure)
            if self.config.webhook_redelivery == "none":
                self._set(app, delivery, state="failed")
                continue
            # The real-time guide's retries: this notification waits, and so do the later ones of its
            # conversation; other conversations go on.
            attempts = delivery["attempts"] + 1
            first = delivery["first_failure_at"] or now
            if now - first >= GIVE_UP_AFTER_SECONDS:
                self.disable(app["id"], reason="persistent failure")
                return done
            self._set(
                app,
                delivery,
                attempts=attempts,
                first_failure_at=first,
                next_attempt_at=now + backoff(attempts),
            )
            return done

    def _set(self, app: dict, delivery: dict, **values) -> None:
        assignments = ", ".join(f"{k} = ?" for k in values)  # keys are ours, never client input
        self.store.run(
            f"UPDATE deliveries SET {assignments} WHERE application_id = ? AND action_id = ?",
            *values.values(),
            app["id"],
            delivery["action_id"],
        )

    def _post(self, app: dict, payload: dict) -> dict | None:
        body = dumps(payload).encode()
        path = urlsplit(app["webhook_url"]).path or "/"
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(app["secret"], path, body)}
        failure = {
            "method": "POST",
            "path": path,
            "request_headers": [{"name": k, "value": v} for k, v in headers.items()],
        }
        started = time.perf_counter()
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False
        session.verify = self.session.verify
        try:
            response = session.post(
                app["webhook_url"], data=body, headers=headers, timeout=self.config.webhook_timeout_seconds
            )
        except requests.RequestException as exc:
            self._journal(app, body, None, type(exc).__name__, started)
            return {**failure, "status": None, "response_headers": [], "details": type(exc).__name__}
        self._journal(app, body, response.status_code, response.text, started)
        if response.status_code == 200:
            return None
        return {
            **failure,
            "status": response.status_code,
            "response_headers": [{"name": k, "value": v} for k, v in response.headers.items()],
            # OAS application.yaml Error.details: the first 100 bytes of the response body.
            "details": response.content[:100].decode("utf-8", "replace"),
        }

    def _journal(self, app: dict, body: bytes, status: int | None, answer: str, started: float) -> None:
        """Outgoing notifications go in the request journal too, tagged, so a live view shows them."""
        if self.journal is None:
            return
        self.journal.record(
            time=datetime.fromtimestamp(self.now(), UTC).isoformat(),
            method="POST",
            path=app["webhook_url"],
            query="",
            status=status or 0,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            request_body=body.decode("utf-8", "replace"),
            response_body=answer,
            tags={"direction": "outgoing", "application_id": app["id"]},
        )

    def _record_error(self, app: dict, failure: dict, direction: str = "outgoing") -> None:
        with self.store.transaction():  # senders run in parallel; the next id is read and used at once
            self._store_error(app, failure, direction)

    def _store_error(self, app: dict, failure: dict, direction: str) -> None:
        error = {
            "id": str(uuid.UUID(int=self.store.value("SELECT COALESCE(MAX(id), 0) + 1 FROM app_errors"))),
            "datetime": datetime.fromtimestamp(self.now(), UTC).isoformat(),
            "direction": direction,
            "is_internal": False,
            **failure,
        }
        self.store.run(
            "INSERT INTO app_errors (application_id, body) VALUES (?, ?)", app["id"], json.dumps(error)
        )
        self.store.run(
            "DELETE FROM app_errors WHERE application_id = ? AND id NOT IN"
            " (SELECT id FROM app_errors WHERE application_id = ? ORDER BY id DESC LIMIT ?)",
            app["id"],
            app["id"],
            ERRORS_KEPT,
        )

    def record_incoming_error(self, app_id: int, method: str, path: str, status: int, details: str) -> None:
        if method not in ("GET", "POST", "PUT", "DELETE"):
            return
        failure = {
            "method": method,
            "path": path,
            "status": status,
            "request_headers": [],
            "response_headers": [],
            "details": details[:100],
        }
        self._record_error({"id": app_id}, failure, direction="incoming")

    def errors(self, app_id: int) -> list[dict]:
        rows = self.store.all("SELECT body FROM app_errors WHERE application_id = ? ORDER BY id DESC", app_id)
        return [loads(r["body"]) for r in rows]

    # Webhook status (AR 3.4, rule 35).
    def disable(self, app_id: int, reason: str = "") -> None:
        with self.store.transaction():
            self.store.run("UPDATE applications SET webhook_enabled = 0 WHERE id = ?", app_id)
            # Notifications of a disabled webhook are not kept for later; GET /actions is the catch-up.
            self.store.run(
                "UPDATE deliveries SET state = 'dropped' WHERE application_id = ? AND state = 'pending'",
                app_id,
            )

    def enable(self, app_id: int) -> None:
        self.store.run("UPDATE applications SET webhook_enabled = 1 WHERE id = ?", app_id)

    def stats(self) -> dict:
        counts = {
            r["state"]: r["n"]
            for r in self.store.all("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
        }
        ordered = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 6) if ordered else None

        return {"deliveries": counts, "latency_p50_seconds": pct(0.5), "latency_p99_seconds": pct(0.99)}

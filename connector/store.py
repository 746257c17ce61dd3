"""The connector's durable state in SQLite: the job queue, catch-up cursors, pushed records, sync errors."""

# Durability: a job is committed before its notification or callout is acknowledged, so a kill -9
# after the 200 loses nothing; each source event has a unique dedupe key, so a redelivery, a catch-up
# through GET /actions and a restart add nothing twice. WAL with synchronous=FULL survives power loss.
# One connection behind a lock: SQLite serialises writers anyway, and the queue's writes are tiny.
# Two times: `created_at`/`updated_at` are moments on the given clock (the topology's shared clock in
# the harness); `not_before` schedules a back-off in real seconds (time.time(), persisted so a restart
# keeps it), since a retry waits for real elapsed time whatever a test does with the shared clock.

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alcsim.connector.clock import Clock, SystemClock

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    key TEXT NOT NULL,
    dedupe TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, id);
CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs (key, state, id);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    org TEXT NOT NULL, scoped_id TEXT NOT NULL, record_id TEXT, to_queue TEXT, status TEXT,
    PRIMARY KEY (org, scoped_id)
);
CREATE TABLE IF NOT EXISTS users_synced (
    org TEXT NOT NULL, env TEXT NOT NULL, social_user_id INTEGER NOT NULL, contact TEXT,
    PRIMARY KEY (org, env, social_user_id)
);
CREATE TABLE IF NOT EXISTS sync_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org TEXT, env TEXT NOT NULL, conversation_id INTEGER, task_id INTEGER, message_id INTEGER,
    scoped_id TEXT, job_id INTEGER NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', created_at REAL NOT NULL
);
"""
OPEN_STATES = ("pending", "running")


@dataclass
class Job:
    id: int
    type: str
    key: str
    payload: dict
    attempts: int
    dedupe: str = ""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        return cls(
            row["id"], row["type"], row["key"], json.loads(row["payload"]), row["attempts"], row["dedupe"]
        )


class Store:
    def __init__(self, path: str | Path | None = None, clock: Clock | None = None):
        self.path = str(path) if path else ":memory:"
        self.clock = clock or SystemClock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        # A job that was running when the process died did not finish: it runs again (idempotent upserts).
        self._db.execute("UPDATE jobs SET state = 'pending' WHERE state = 'running'")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def all(self, sql: str, *args) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def value(self, sql: str, *args):
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
            return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the queue ----------------------------------------------------------------------------------
    def enqueue(self, type_: str, key: str, dedupe: str, payload: dict, state: str = "pending") -> int | None:
        """Add a job unless one with the same dedupe key was ever added; returns its id or None.

        `state="skipped"` keeps a trace of an event that needs no work, so catch-up knows it was seen."""
        now = self.clock.timestamp()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO jobs (type, key, dedupe, payload, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (type_, key, dedupe, json.dumps(payload), state, now, now),
            )
            return cursor.lastrowid if cursor.rowcount else None

    def claim(self, limit: int, types: set[str]) -> list[list[Job]]:
        """Up to `limit` groups of ready jobs, one group per key, each key's jobs in order.

        Per-conversation ordering: a key is claimable only when its oldest open job is ready and not
        running, and a group takes that job and the later ready ones of the same type behind it.
        """
        due, now = time.time(), self.clock.timestamp()
        marks = ",".join("?" * len(types)) or "NULL"
        with self.transaction() as db:
            heads = db.execute(
                f"SELECT * FROM jobs j WHERE state = 'pending' AND not_before <= ? AND type IN ({marks})"
                " AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.key = j.key AND e.id < j.id"
                " AND e.state IN ('pending', 'running')) ORDER BY id LIMIT ?",
                (due, *sorted(types), limit),
            ).fetchall()
            groups = []
            for head in heads:
                rows = db.execute(
                    "SELECT * FROM jobs WHERE key = ? AND state = 'pending' AND type = ? AND not_before <= ?"
                    " AND id >= ? ORDER BY id LIMIT 50",
                    (head["key"], head["type"], due, head["id"]),
                ).fetchall()
                # Stop at the first job of another type or not yet due, so order is kept.
                blockers = db.execute(
                    "SELECT MIN(id) FROM jobs WHERE key = ? AND state = 'pending' AND id > ?"
                    " AND (type != ? OR not_before > ?)",
                    (head["key"], head["id"], head["type"], due),
                ).fetchone()[0]
                rows = [r for r in rows if blockers is None or r["id"] < blockers]
                db.executemany(
                    "UPDATE jobs SET state = 'running', updated_at = ? WHERE id = ?",
                    [(now, r["id"]) for r in rows],
                )
                groups.append([Job.from_row(r) for r in rows])
            return groups

    def finish(self, job_ids: list[int], state: str = "done", error: str | None = None) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE jobs SET state = ?, last_error = ?, updated_at = ? WHERE id = ?",
                [(state, error, self.clock.timestamp(), i) for i in job_ids],
            )

    def retry_later(self, job_ids: list[int], delay: float, error: str) -> None:
        due, now = time.time() + delay, self.clock.timestamp()
        with self.transaction() as db:
            db.executemany(
                "UPDATE jobs SET state = 'pending', attempts = attempts + 1, not_before = ?, last_error = ?,"
                " updated_at = ? WHERE id = ?",
                [(due, error, now, i) for i in job_ids],
            )

    def requeue(self, job_id: int) -> bool:
        """An admin's retry: the job runs again from a fresh attempt count."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'pending', attempts = 0, not_before = 0, updated_at = ?"
                " WHERE id = ? AND state IN ('error', 'ignored', 'parked')",
                (self.clock.timestamp(), job_id),
            )
            return bool(cursor.rowcount)

    def next_due(self) -> float | None:
        """When the next back-off ends, in real seconds (time.time())."""
        return self.value("SELECT MIN(not_before) FROM jobs WHERE state = 'pending'")

    def counts(self) -> dict[str, int]:
        rows = self.all("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        return {r["state"]: r["n"] for r in rows}

    def jobs(self, state: str | None = None, limit: int = 100) -> list[dict]:
        if state:
            return self.all("SELECT * FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?", state, limit)
        return self.all("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", limit)

    # -- cursors (last action id per environment, for catch-up) ----------------------------------------
    def advance_contiguous(self, name: str, dedupe_prefix: str) -> int:
        """Move a cursor over every id already seen right after it: the last action id with no gap before."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
            value = row[0] if row else 0
            while db.execute(
                "SELECT 1 FROM jobs WHERE dedupe = ?", (f"{dedupe_prefix}{value + 1}",)
            ).fetchone():
                value += 1
            db.execute("INSERT OR REPLACE INTO cursors (name, value) VALUES (?, ?)", (name, value))
            return value

    # -- what was pushed ---------------------------------------------------------------------------
    def record(self, org: str, scoped_id: str) -> dict | None:
        rows = self.all("SELECT * FROM records WHERE org = ? AND scoped_id = ?", org, scoped_id)
        return rows[0] if rows else None

    def save_record(self, org: str, scoped_id: str, record_id: str | None, to_queue: str | None, status: str):
        with self.transaction() as db:
            db.execute(
                "INSERT INTO records (org, scoped_id, record_id, to_queue, status) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (org, scoped_id) DO UPDATE SET record_id = COALESCE(excluded.record_id, record_id),"
                " to_queue = COALESCE(excluded.to_queue, to_queue), status = excluded.status",
                (org, scoped_id, record_id, to_queue, status),
            )

    def user_synced(self, org: str, env: str, social_user_id: int) -> tuple[bool, str | None]:
        rows = self.all(
            "SELECT contact FROM users_synced WHERE org = ? AND env = ? AND social_user_id = ?",
            org,
            env,
            social_user_id,
        )
        return (True, rows[0]["contact"]) if rows else (False, None)

    def mark_user_synced(self, org: str, env: str, social_user_id: int, contact: str | None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO users_synced (org, env, social_user_id, contact) VALUES (?, ?, ?, ?)",
                (org, env, social_user_id, contact),
            )

    # -- sync errors (SYNC-10) ---------------------------------------------------------------------
    def add_sync_error(self, job_id: int, env: str, error: dict) -> int:
        with self.transaction() as db:
            # One pending error per conversation: the sync is state-based, so the newest failure covers older ones.
            db.execute(
                "UPDATE sync_errors SET state = 'superseded' WHERE state = 'pending' AND (job_id = ?"
                " OR (env = ? AND conversation_id IS ? AND org IS ?))",
                (job_id, env, error.get("conversation_id"), error.get("org")),
            )
            cursor = db.execute(
                "INSERT INTO sync_errors (org, env, conversation_id, task_id, message_id, scoped_id, job_id, code,"
                " detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    error.get("org"),
                    env,
                    error.get("conversation_id"),
                    error.get("task_id"),
                    error.get("message_id"),
                    error.get("scoped_id"),
                    job_id,
                    error["code"],
                    error["detail"],
                    self.clock.timestamp(),
                ),
            )
            return cursor.lastrowid

    def resolve_errors(self, env: str, conversation_id) -> list[dict]:
        """A later successful sync of the conversation settles its pending errors; returns them."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT * FROM sync_errors WHERE state IN ('pending', 'retried') AND env = ? AND conversation_id IS ?",
                (env, conversation_id),
            ).fetchall()
            db.execute(
                "UPDATE sync_errors SET state = 'resolved' WHERE state IN ('pending', 'retried') AND env = ?"
                " AND conversation_id IS ?",
                (env, conversation_id),
            )
        return [dict(r) for r in rows]

    def sync_errors(self, org: str | None = None, state: str | None = "pending") -> list[dict]:
        sql, args = "SELECT * FROM sync_errors WHERE 1 = 1", []
        if org is not None:
            sql, args = sql + " AND org = ?", [*args, org]
        if state is not None:
            sql, args = sql + " AND state = ?", [*args, state]
        return self.all(sql + " ORDER BY id", *args)

    def set_error_state(self, error_id: int, state: str) -> dict | None:
        with self.transaction() as db:
            db.execute("UPDATE sync_errors SET state = ? WHERE id = ?", (state, error_id))
        rows = self.all("SELECT * FROM sync_errors WHERE id = ?", error_id)
        return rows[0] if rows else None

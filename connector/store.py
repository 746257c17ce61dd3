"""The connector's durable state in SQLite: the job queue, catch-up cursors, pushed records, sync errors."""

# Durability: a job is committed before its notification or callout is acknowledged, so a kill -9
# after the 200 loses nothing; each source event has a unique dedupe key, so a redelivery, a catch-up
# through GET /actions and a restart add nothing twice. WAL with synchronous=FULL survives power loss.
# One connection behind a lock: SQLite serialises writers anyway, and the queue's writes are tiny.
# Times are moments on the given clock (the topology's shared clock in the harness). A back-off is
# persisted twice, `not_before` on that clock and `not_before_real` in real seconds (time.time()): a job
# is due when either is reached, so a test that advances the shared clock fast-forwards every back-off
# (an outage of 30 clock minutes takes seconds) and one that freezes it still sees retries fire.
# With the system clock both are the same moment. `first_failed_at` (clock) starts a job's retry window.

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
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
    not_before_real REAL NOT NULL DEFAULT 0,
    first_failed_at REAL,
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
-- Which org already holds a conversation (SYNC-01), asked once per synced conversation.
CREATE INDEX IF NOT EXISTS records_by_scoped_id ON records (scoped_id);
CREATE TABLE IF NOT EXISTS users_synced (
    org TEXT NOT NULL, env TEXT NOT NULL, social_user_id INTEGER NOT NULL, contact TEXT,
    PRIMARY KEY (org, env, social_user_id)
);
CREATE TABLE IF NOT EXISTS sync_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org TEXT, env TEXT NOT NULL, conversation_id INTEGER, task_id INTEGER, message_id INTEGER,
    scoped_id TEXT, job_id INTEGER NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', created_at REAL NOT NULL,
    job_type TEXT, job_key TEXT, dedupe TEXT
);
"""
# Columns added after the first release: a store written by an older connector gets them on open.
ADDED_COLUMNS = {
    "jobs": {"not_before_real": "REAL NOT NULL DEFAULT 0", "first_failed_at": "REAL"},
    "sync_errors": {"job_type": "TEXT", "job_key": "TEXT", "dedupe": "TEXT"},
}
OPEN_STATES = ("pending", "running")
# An error still waiting for an admin: pending, or retried and not yet settled by its job.
UNSETTLED = ("pending", "retried")
DUE = "(not_before <= ? OR not_before_real <= ?)"


@dataclass
class Job:
    id: int
    type: str
    key: str
    payload: dict
    attempts: int
    dedupe: str = ""
    first_failed_at: float | None = None  # on the clock: when this job's current run of failures began

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        return cls(
            row["id"],
            row["type"],
            row["key"],
            json.loads(row["payload"]),
            row["attempts"],
            row["dedupe"],
            row["first_failed_at"],
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
        for table, columns in ADDED_COLUMNS.items():
            have = {r["name"] for r in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
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
        return self.enqueue_many([(type_, key, dedupe, payload, state)])[0]

    def enqueue_many(self, jobs: list[tuple[str, str, str, dict, str]]) -> list[int | None]:
        """`enqueue` of (type, key, dedupe, payload, state) rows in one transaction, in order (a page
        of a catch-up); the id of each job added, None for one already known."""
        now = self.clock.timestamp()
        ids: list[int | None] = []
        with self.transaction() as db:
            for type_, key, dedupe, payload, state in jobs:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO jobs (type, key, dedupe, payload, state, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (type_, key, dedupe, json.dumps(payload), state, now, now),
                )
                ids.append(cursor.lastrowid if cursor.rowcount else None)
        return ids

    def claim(self, limit: int, types: set[str]) -> list[list[Job]]:
        """Up to `limit` groups of ready jobs, one group per key, each key's jobs in order.

        Per-conversation ordering: a key is claimable only when its oldest open job is ready and not
        running, and a group takes that job and the later ready ones of the same type behind it.
        """
        real, now = time.time(), self.clock.timestamp()
        marks = ",".join("?" * len(types)) or "NULL"
        with self.transaction() as db:
            heads = db.execute(
                f"SELECT * FROM jobs j WHERE state = 'pending' AND {DUE} AND type IN ({marks})"
                " AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.key = j.key AND e.id < j.id"
                " AND e.state IN ('pending', 'running')) ORDER BY id LIMIT ?",
                (now, real, *sorted(types), limit),
            ).fetchall()
            groups = []
            for head in heads:
                rows = db.execute(
                    f"SELECT * FROM jobs WHERE key = ? AND state = 'pending' AND type = ? AND {DUE}"
                    " AND id >= ? ORDER BY id LIMIT 50",
                    (head["key"], head["type"], now, real, head["id"]),
                ).fetchall()
                # Stop at the first job of another type or not yet due, so order is kept.
                blockers = db.execute(
                    "SELECT MIN(id) FROM jobs WHERE key = ? AND state = 'pending' AND id > ?"
                    f" AND (type != ? OR NOT {DUE})",
                    (head["key"], head["id"], head["type"], now, real),
                ).fetchone()[0]
                rows = [r for r in rows if blockers is None or r["id"] < blockers]
                db.executemany(
                    "UPDATE jobs SET state = 'running', updated_at = ? WHERE id = ?",
                    [(now, r["id"]) for r in rows],
                )
                groups.append([Job.from_row(r) for r in rows])
            return groups

    def finish(self, job_ids: list[int], state: str = "done", error: str | None = None) -> None:
        if not job_ids:
            return
        with self.transaction() as db:
            db.executemany(
                "UPDATE jobs SET state = ?, last_error = ?, updated_at = ? WHERE id = ?",
                [(state, error, self.clock.timestamp(), i) for i in job_ids],
            )

    def retry_later(self, job_ids: list[int], delay: float, error: str) -> None:
        """Back to pending after `delay` seconds (of the clock or of real time, whichever passes first)."""
        real, now = time.time(), self.clock.timestamp()
        with self.transaction() as db:
            db.executemany(
                "UPDATE jobs SET state = 'pending', attempts = attempts + 1, not_before = ?, not_before_real = ?,"
                " first_failed_at = COALESCE(first_failed_at, ?), last_error = ?, updated_at = ? WHERE id = ?",
                [(now + delay, real + delay, now, error, now, i) for i in job_ids],
            )

    def requeue(self, job_id: int) -> bool:
        """An admin's retry: the job runs again from a fresh attempt count."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'pending', attempts = 0, not_before = 0, not_before_real = 0,"
                " first_failed_at = NULL, updated_at = ? WHERE id = ? AND state IN ('error', 'ignored', 'parked')",
                (self.clock.timestamp(), job_id),
            )
            return bool(cursor.rowcount)

    def seconds_to_next_due(self) -> float | None:
        """Real seconds until the next back-off ends if nobody moves the clock; None with nothing pending."""
        return self.value(
            "SELECT MIN(MIN(not_before - ?, not_before_real - ?)) FROM jobs WHERE state = 'pending'",
            self.clock.timestamp(),
            time.time(),
        )

    def counts(self) -> dict[str, int]:
        rows = self.all("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        return {r["state"]: r["n"] for r in rows}

    def jobs(self, state: str | None = None, limit: int = 100) -> list[dict]:
        """Newest first; a job waiting for a back-off shows `next_attempt` (ISO, on the clock)."""
        if state:
            rows = self.all("SELECT * FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?", state, limit)
        else:
            rows = self.all("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", limit)
        now = self.clock.timestamp()
        for row in rows:
            waiting = row["state"] == "pending" and row["not_before"] > now
            row["next_attempt"] = _iso(row["not_before"]) if waiting else None
            row["failing_since"] = _iso(row["first_failed_at"]) if row["first_failed_at"] else None
        return rows

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
        self.save_records([(org, scoped_id, record_id, to_queue, status)])

    def save_records(self, rows: list[tuple]) -> None:
        """(org, scoped id, record id, queue, status) rows in one transaction, later rows last."""
        if not rows:
            return
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO records (org, scoped_id, record_id, to_queue, status) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (org, scoped_id) DO UPDATE SET record_id = COALESCE(excluded.record_id, record_id),"
                " to_queue = COALESCE(excluded.to_queue, to_queue), status = excluded.status",
                rows,
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
        self.mark_users_synced([(org, env, social_user_id, contact)])

    def mark_users_synced(self, rows: list[tuple]) -> None:
        """(org, env, social user id, contact) rows in one transaction."""
        if not rows:
            return
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO users_synced (org, env, social_user_id, contact) VALUES (?, ?, ?, ?)",
                rows,
            )

    # -- sync errors (SYNC-10) ---------------------------------------------------------------------
    # An error is keyed by the job that failed (its type, ordering key and dedupe key). Only a job type
    # whose handler is state-based (it rewrites the whole record from the source, `covers_key`) lets a
    # newer job of the same key supersede or resolve it; any other job's error (a package callout, a
    # MATCH-02 propagation) stays until that very job succeeds or an admin ignores it.
    def add_sync_error(
        self, job_id: int, env: str, error: dict, job: Job | None = None, covers_key: bool = False
    ) -> int:
        job_type, job_key, dedupe = (job.type, job.key, job.dedupe) if job else (None, None, None)
        with self.transaction() as db:
            db.execute(
                f"UPDATE sync_errors SET state = 'superseded' WHERE state IN {UNSETTLED} AND (job_id = ?"
                " OR (? AND job_type = ? AND job_key = ?))",
                (job_id, covers_key, job_type, job_key),
            )
            cursor = db.execute(
                "INSERT INTO sync_errors (org, env, conversation_id, task_id, message_id, scoped_id, job_id, code,"
                " detail, created_at, job_type, job_key, dedupe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    job_type,
                    job_key,
                    dedupe,
                ),
            )
            return cursor.lastrowid

    def has_unsettled_errors(self) -> bool:
        """Whether any sync error waits to be settled (most claims then need no look-up per job)."""
        return self.value(f"SELECT 1 FROM sync_errors WHERE state IN {UNSETTLED} LIMIT 1") is not None

    def pending_count(self, at_most: int) -> int:
        """Pending jobs, counted up to `at_most` on the state index alone (back-offs not looked at)."""
        return self.value(
            "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE state = 'pending' LIMIT ?)", at_most
        )

    def resolve_errors(self, jobs: list[Job], covers_key: bool = False) -> list[dict]:
        """The errors that the success of `jobs` settles (theirs, and with `covers_key` their key's); returns them."""
        if not jobs:
            return []
        ids = [job.id for job in jobs]
        where = (
            f"state IN {UNSETTLED} AND (job_id IN ({','.join('?' * len(ids))})"
            " OR (? AND job_type = ? AND job_key = ?))"
        )
        args = (*ids, covers_key, jobs[0].type, jobs[0].key)
        with self.transaction() as db:
            rows = db.execute(f"SELECT * FROM sync_errors WHERE {where}", args).fetchall()
            db.execute(f"UPDATE sync_errors SET state = 'resolved' WHERE {where}", args)
        return [dict(r) for r in rows]

    def sync_errors(
        self, org: str | None = None, state: str | None = "pending", envs: tuple[str, ...] = ()
    ) -> list[dict]:
        """Errors of `org`, and those without an org from one of `envs` (the org's environments)."""
        sql, args = "SELECT * FROM sync_errors WHERE 1 = 1", []
        if org is not None:
            marks = ",".join("?" * len(envs)) or "NULL"
            sql, args = sql + f" AND (org = ? OR (org IS NULL AND env IN ({marks})))", [*args, org, *envs]
        if state is not None:
            sql, args = sql + " AND state = ?", [*args, state]
        return self.all(sql + " ORDER BY id", *args)

    def set_error_state(self, error_id: int, state: str) -> dict | None:
        with self.transaction() as db:
            db.execute("UPDATE sync_errors SET state = ? WHERE id = ?", (state, error_id))
        rows = self.all("SELECT * FROM sync_errors WHERE id = ?", error_id)
        return rows[0] if rows else None


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")

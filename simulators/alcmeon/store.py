"""The environment's state in SQLite (stdlib): in memory by default, in a file under a data directory."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    id INTEGER PRIMARY KEY, name TEXT, secret TEXT UNIQUE, permissions TEXT, webhook_url TEXT,
    webhook_enabled INTEGER, notification_types TEXT, embed_domain TEXT);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, application_id INTEGER, expires_at REAL);
CREATE TABLE IF NOT EXISTS teams (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE IF NOT EXISTS roles (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE IF NOT EXISTS agents (
    id INTEGER PRIMARY KEY, email TEXT UNIQUE COLLATE NOCASE, name TEXT, is_active INTEGER DEFAULT 1,
    is_bot INTEGER DEFAULT 0, roles TEXT DEFAULT '[]', teams TEXT DEFAULT '[]', permission TEXT);
CREATE TABLE IF NOT EXISTS social_accounts (
    id INTEGER PRIMARY KEY, name TEXT, type TEXT, enabled INTEGER, created_at TEXT, group_id INTEGER,
    default_team_id INTEGER);
CREATE TABLE IF NOT EXISTS profiles (id INTEGER PRIMARY KEY, custom_fields TEXT DEFAULT '[]');
CREATE TABLE IF NOT EXISTS social_users (
    id INTEGER PRIMARY KEY, account_id INTEGER, user_id TEXT, name TEXT, group_id INTEGER,
    channel_data TEXT DEFAULT '{}', crm_contact_id TEXT, UNIQUE (account_id, user_id));
CREATE TABLE IF NOT EXISTS custom_fields (
    id INTEGER PRIMARY KEY, scope TEXT, label TEXT, description TEXT, type TEXT, teams TEXT,
    optional INTEGER, allowed TEXT, editable INTEGER DEFAULT 1, last_updater_admin_user_email TEXT,
    last_modified_on TEXT);
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY, account_id INTEGER, social_user_id INTEGER, scoped_id TEXT UNIQUE,
    status TEXT, team_id INTEGER, opened_at REAL, last_customer_message_at REAL, closed_at REAL,
    custom_fields TEXT DEFAULT '[]');
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, conversation_id INTEGER, external_id TEXT, content TEXT, is_private INTEGER,
    authored_at REAL, attachments TEXT DEFAULT '[]', social_user_id INTEGER, agent_id INTEGER,
    direction TEXT);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY, conversation_id INTEGER, message_id INTEGER, state TEXT, team_id INTEGER,
    assignee_id INTEGER, tags TEXT DEFAULT '[]');
CREATE INDEX IF NOT EXISTS tasks_by_conversation ON tasks (conversation_id);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id);
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER, type TEXT, created_at REAL, body TEXT);
CREATE TABLE IF NOT EXISTS deliveries (
    application_id INTEGER, action_id INTEGER, attempts INTEGER DEFAULT 0, first_failure_at REAL,
    next_attempt_at REAL, state TEXT, delivered_at REAL, PRIMARY KEY (application_id, action_id));
CREATE TABLE IF NOT EXISTS app_errors (id INTEGER PRIMARY KEY, application_id INTEGER, body TEXT);
CREATE TABLE IF NOT EXISTS crm_errors (
    message_id INTEGER, org_id TEXT, code TEXT, details TEXT, state TEXT, created_at REAL, updated_at REAL,
    PRIMARY KEY (message_id, org_id));
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS embeds (
    token TEXT PRIMARY KEY, agent_id INTEGER, task_id INTEGER, conversation_id INTEGER, permission TEXT,
    expires_at REAL);
CREATE TABLE IF NOT EXISTS attachments (
    token TEXT PRIMARY KEY, account_id INTEGER, file_name TEXT, mime_type TEXT, data TEXT, size INTEGER,
    expires_at REAL);
CREATE TABLE IF NOT EXISTS optins (
    id INTEGER PRIMARY KEY, name TEXT UNIQUE, type TEXT, creator_admin_user_email TEXT,
    updater_admin_user_email TEXT, update_time TEXT);
CREATE TABLE IF NOT EXISTS user_optins (
    id INTEGER PRIMARY KEY, optin_id INTEGER, account_id INTEGER, user_phone_number TEXT,
    last_optin_time TEXT, UNIQUE (optin_id, account_id, user_phone_number));
CREATE TABLE IF NOT EXISTS user_optouts (
    id INTEGER PRIMARY KEY, optin_id INTEGER, account_id INTEGER, user_phone_number TEXT, output_at TEXT,
    last_optin_time TEXT);
CREATE TABLE IF NOT EXISTS templates (
    id INTEGER PRIMARY KEY, channel TEXT, account_id INTEGER, name TEXT, language TEXT, body TEXT,
    category TEXT, status TEXT, created_at TEXT, last_modified_at TEXT);
CREATE TABLE IF NOT EXISTS template_sends (
    id TEXT PRIMARY KEY, seq INTEGER, channel TEXT, account_id INTEGER, template_id INTEGER, to_user TEXT,
    sender INTEGER, sent_at TEXT, status TEXT, content TEXT, conversation_id INTEGER);
CREATE TABLE IF NOT EXISTS global_variables (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS scenario_starts (
    id INTEGER PRIMARY KEY, starting_box TEXT, account_id INTEGER, user_id TEXT, variables TEXT,
    interrupted INTEGER, started_at REAL);
CREATE TABLE IF NOT EXISTS rcs_templates (
    id INTEGER PRIMARY KEY, account_id INTEGER, name TEXT, language TEXT, title TEXT, body TEXT,
    buttons TEXT DEFAULT '[]', created_at TEXT, last_modified_at TEXT);
CREATE TABLE IF NOT EXISTS rcs_campaigns (
    id TEXT PRIMARY KEY, account_id INTEGER, template_id INTEGER, created_at REAL);
CREATE TABLE IF NOT EXISTS rcs_recipients (
    id INTEGER PRIMARY KEY, campaign_id TEXT, phone_number TEXT, variables TEXT, send_at REAL,
    message_id TEXT);
"""


class Store:
    """One SQLite connection shared by the request threads and the webhook worker, behind one lock."""

    def __init__(self, path: str | Path | None = None):
        self.path = str(path) if path else ":memory:"
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(SCHEMA)
        self._snapshots: dict[str, sqlite3.Connection] = {}
        self._depth = 0

    def all(self, sql: str, *args) -> list[dict]:
        with self.lock:
            return [dict(row) for row in self._db.execute(sql, args).fetchall()]

    def one(self, sql: str, *args) -> dict | None:
        with self.lock:
            row = self._db.execute(sql, args).fetchone()
            return dict(row) if row else None

    def value(self, sql: str, *args):
        row = self.one(sql, *args)
        return next(iter(row.values())) if row else None

    def run(self, sql: str, *args) -> int:
        """Execute a write; return the new row id (inserts) or the number of rows changed."""
        with self.lock:
            cursor = self._db.execute(sql, args)
            return cursor.lastrowid if sql.lstrip().upper().startswith("INSERT") else cursor.rowcount

    def transaction(self):
        return _Transaction(self)

    def is_empty(self) -> bool:
        return self.value("SELECT COUNT(*) FROM applications") == 0

    def wipe(self) -> None:
        with self.lock:
            tables = [r["name"] for r in self.all("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                if table != "sqlite_sequence":
                    self._db.execute(f"DELETE FROM {table}")  # names come from sqlite_master
            if "sqlite_sequence" in tables:
                self._db.execute("DELETE FROM sqlite_sequence")

    def snapshot(self, name: str) -> None:
        with self.lock:
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            self._db.backup(copy)
            self._snapshots[name] = copy

    def restore(self, name: str) -> bool:
        with self.lock:
            copy = self._snapshots.get(name)
            if copy is None:
                return False
            copy.backup(self._db)
            return True

    def close(self) -> None:
        with self.lock:
            self._db.close()


class _Transaction:
    """`with store.transaction():` groups writes so a half-applied event is never visible."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self):
        self.store.lock.acquire()
        self.store._depth += 1
        if self.store._depth == 1:
            self.store._db.execute("BEGIN")
        return self.store

    def __exit__(self, exc_type, *exc):
        try:
            self.store._depth -= 1
            if self.store._depth == 0:
                self.store._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.lock.release()


def dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | None, default=None):
    return json.loads(text) if text else default

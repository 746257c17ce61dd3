"""The org's SQLite store: one table per sObject, one column per stored field, canonical names quoted.

Values are stored in a form that sorts and compares like Salesforce's: datetimes as the API's own
UTC text `YYYY-MM-DDTHH:MM:SS.000+0000`, dates as `YYYY-MM-DD`, booleans as 0/1.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from alcsim.simulators.salesforce.schema import Schema, SObject


def quote(identifier: str) -> str:
    """Identifiers come from metadata only, never from request text; quoting still guards keywords (Group)."""
    return '"' + identifier.replace('"', '""') + '"'


class Store:
    def __init__(self, path: str | Path | None = None):
        self.path = str(path) if path else ":memory:"
        self.connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.connection.row_factory = sqlite3.Row
        if path:
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
        self.lock = threading.RLock()
        self._depth = 0
        self._pending: list[list] = []
        self.connection.execute("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS _deleted (Id TEXT PRIMARY KEY, sobject TEXT NOT NULL, deletedDate TEXT NOT NULL)"
        )

    def create_tables(self, schema: Schema) -> None:
        with self.lock:
            fresh = not self.connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_meta', '_deleted')"
            ).fetchone()
            if fresh and not self._depth:
                # A new store (every start of an in-memory org): all tables and indexes in one script and
                # one transaction; there is no older table to compare columns with.
                script = [s for sobject in schema.objects.values() for s in self._definitions(sobject)]
                self.connection.executescript("BEGIN;\n" + ";\n".join(script) + ";\nCOMMIT;")
                return
        with self.transaction():
            for sobject in schema.objects.values():
                self._create_table(sobject)

    def _create_table(self, sobject: SObject) -> None:
        table = quote(sobject.name)
        create, *indexes = self._definitions(sobject)
        self.connection.execute(create)
        existing = {row["name"].lower() for row in self.connection.execute(f"PRAGMA table_info({table})")}
        for f in sobject.stored_fields:
            if f.name.lower() not in existing:  # a package upgrade on a stored org adds its new fields
                self.connection.execute(f"ALTER TABLE {table} ADD COLUMN {quote(f.name)} {f.sql_type}")
        for index in indexes:
            self.connection.execute(index)

    @staticmethod
    def _definitions(sobject: SObject) -> list[str]:
        """CREATE TABLE, then CREATE INDEX for each column looked up by value (names from metadata, quoted)."""
        table = quote(sobject.name)
        columns = []
        for f in sobject.stored_fields:
            column = f"{quote(f.name)} {f.sql_type}"
            if f.name == "Id":
                column += " PRIMARY KEY"
            columns.append(column)
        statements = [f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})"]
        for f in sobject.stored_fields:
            ordered = f.name in ("SystemModstamp", "Name", "Email")  # also read in order: every row indexed
            # CreatedById, LastModifiedById and OwnerId are read towards the User (its primary key), never
            # searched by value, so every insert would keep three indexes for nothing (docs/assumptions.md).
            looked_up = f.type == "reference" and not f.system or f.external_id or f.unique
            if not (ordered or looked_up):
                continue
            collate = "" if f.type == "reference" or f.case_sensitive else " COLLATE NOCASE"
            index = quote(f"ix_{sobject.name}_{f.name}")
            # A column searched by value only (= and IN imply a value) skips its nulls: most records leave
            # most lookups empty, and an insert then adds no entry for them.
            partial = "" if ordered else f" WHERE {quote(f.name)} IS NOT NULL"
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({quote(f.name)}{collate}){partial}"
            )
        return statements

    @contextmanager
    def transaction(self):
        """Nested transactions are savepoints, so a composite request with allOrNone rolls back as one.

        Work registered with `on_commit` runs once the outermost transaction commits, and is dropped
        with any savepoint that rolls back, as Apex enqueues a queueable only when its transaction commits.
        """
        with self.lock:
            name = f"sp{self._depth}"
            self.connection.execute(f"SAVEPOINT {name}")
            self._depth += 1
            self._pending.append([])
            try:
                yield self.connection
            except BaseException:
                self.connection.execute(f"ROLLBACK TO {name}")
                self.connection.execute(f"RELEASE {name}")
                self._pending.pop()
                raise
            else:
                self.connection.execute(f"RELEASE {name}")
                done = self._pending.pop()
                if self._pending:
                    self._pending[-1].extend(done)
                    done = []
            finally:
                self._depth -= 1
        for callback in done:
            callback()

    def on_commit(self, callback) -> None:
        with self.lock:
            if self._pending:
                self._pending[-1].append(callback)
                return
        callback()

    def execute(self, sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.connection.execute(sql, params)

    def fetch(self, sobject: SObject, record_id: str) -> dict | None:
        row = self.execute(f"SELECT * FROM {quote(sobject.name)} WHERE Id = ?", (record_id,)).fetchone()
        return dict(row) if row else None

    def insert(self, sobject: SObject, values: dict) -> None:
        names = list(values)
        sql = (
            f"INSERT INTO {quote(sobject.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        self.execute(sql, [values[n] for n in names])

    def insert_many(self, sobject: SObject, rows: list[dict], names: list[str] | None = None) -> None:
        """One executemany of `rows`; `names` (default: the first row's keys) are the columns written, a
        column left out is NULL."""
        if not rows:
            return
        names = list(rows[0]) if names is None else names
        sql = (
            f"INSERT INTO {quote(sobject.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        with self.transaction() as connection:
            connection.executemany(sql, map(values, rows))

    def update(self, sobject: SObject, record_id: str, values: dict) -> None:
        assignments = ", ".join(f"{quote(n)} = ?" for n in values)
        self.execute(
            f"UPDATE {quote(sobject.name)} SET {assignments} WHERE Id = ?", [*values.values(), record_id]
        )

    def ids_where(self, sobject: SObject, field_name: str, value, nocase: bool) -> list[str]:
        collate = " COLLATE NOCASE" if nocase else ""
        sql = f"SELECT Id FROM {quote(sobject.name)} WHERE {quote(field_name)} = ?{collate} AND IsDeleted = 0 ORDER BY Id"
        return [row[0] for row in self.execute(sql, (value,))]

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.execute("SELECT value FROM _meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)", (key, value))

    def next_counter(self, name: str) -> int:
        with self.transaction():
            value = int(self.meta(f"counter:{name}", "0")) + 1
            self.set_meta(f"counter:{name}", str(value))
            return value

    def log_deletion(self, sobject: SObject, record_id: str, when: str) -> None:
        self.execute(
            "INSERT OR REPLACE INTO _deleted (Id, sobject, deletedDate) VALUES (?, ?, ?)",
            (record_id, sobject.name, when),
        )

    def forget_deletion(self, record_id: str) -> None:
        self.execute("DELETE FROM _deleted WHERE Id = ?", (record_id,))

    def drop_everything(self) -> None:
        with self.lock:
            tables = [
                r[0] for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                if table in ("_meta", "_deleted"):
                    self.connection.execute(f"DELETE FROM {quote(table)}")
                else:
                    self.connection.execute(f"DROP TABLE {quote(table)}")

    def copy_to(self, target: sqlite3.Connection) -> None:
        with self.lock:
            self.connection.backup(target)

    def copy_from(self, source: sqlite3.Connection) -> None:
        with self.lock:
            source.backup(self.connection)

    def close(self) -> None:
        with self.lock:
            self.connection.close()

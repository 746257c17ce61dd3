"""Bulk API 2.0 jobs, their uploaded data and their results, in the org's SQLite store.

Being in the store, jobs follow the org through --data-dir, admin snapshots, restores and resets. The tables
are made on first use and again after a reset dropped them; every identifier is a constant of this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import make_id, to18

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

TABLES = (
    "CREATE TABLE IF NOT EXISTS _bulk2_jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, operation TEXT NOT NULL, "
    "object TEXT NOT NULL, externalIdFieldName TEXT, query TEXT, state TEXT NOT NULL, createdById TEXT NOT NULL, "
    "createdDate TEXT NOT NULL, systemModstamp TEXT NOT NULL, apiVersion TEXT NOT NULL, "
    "columnDelimiter TEXT NOT NULL, lineEnding TEXT NOT NULL, errorMessage TEXT, "
    "rowsDone INTEGER NOT NULL DEFAULT 0, numberRecordsProcessed INTEGER NOT NULL DEFAULT 0, "
    "numberRecordsFailed INTEGER NOT NULL DEFAULT 0, totalProcessingTime INTEGER NOT NULL DEFAULT 0, "
    "uploadedBytes INTEGER NOT NULL DEFAULT 0, resultRows INTEGER NOT NULL DEFAULT 0)",
    # An upload is kept as the bytes received, in parts, so reading it back is a stream too.
    "CREATE TABLE IF NOT EXISTS _bulk2_parts (jobId TEXT NOT NULL, upload INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "data BLOB NOT NULL, PRIMARY KEY (jobId, upload, seq))",
    # Results as CSV text without header, one piece per processed chunk; `firstRow` orders and pages them.
    "CREATE TABLE IF NOT EXISTS _bulk2_results (jobId TEXT NOT NULL, kind TEXT NOT NULL, firstRow INTEGER NOT NULL, "
    "rows INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (jobId, kind, firstRow))",
)
COLUMNS = (
    "id kind operation object externalIdFieldName query state createdById createdDate systemModstamp "
    "apiVersion columnDelimiter lineEnding errorMessage rowsDone numberRecordsProcessed numberRecordsFailed "
    "totalProcessingTime uploadedBytes resultRows"
).split()
JOB_PREFIX = "750"  # AsyncApexJob/bulk job ids start with 750 (api_asynch "Get Information About a Job")
TERMINAL = ("JobComplete", "Failed", "Aborted")
NOT_FOUND = "The requested resource does not exist"


class Jobs:
    def __init__(self, org: Org):
        self.org = org

    @property
    def store(self):
        return self.org.store

    def ensure(self) -> None:
        with self.store.lock:
            for statement in TABLES:
                self.store.execute(statement)

    def create(self, values: dict) -> dict:
        self.ensure()
        job_id = make_id(JOB_PREFIX, self.org.pod, self.store.next_counter(f"id:{JOB_PREFIX}"))
        now = self.org.now_text()
        job = dict.fromkeys(COLUMNS)
        job.update(values, id=job_id, createdDate=now, systemModstamp=now)
        for counter in ("rowsDone", "numberRecordsProcessed", "numberRecordsFailed", "totalProcessingTime"):
            job[counter] = 0
        job["uploadedBytes"] = job["resultRows"] = 0
        names = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        self.store.execute(f"INSERT INTO _bulk2_jobs ({names}) VALUES ({marks})", [job[c] for c in COLUMNS])
        return job

    def get(self, job_id: str, kind: str) -> dict:
        """The job, or Salesforce's 404 for an id that names no job of this kind (api_asynch "Errors")."""
        self.ensure()
        full = to18(job_id) or job_id
        row = self.store.execute(
            "SELECT * FROM _bulk2_jobs WHERE id = ? AND kind = ?", (full, kind)
        ).fetchone()
        if row is None:
            raise errors.NotFound(NOT_FOUND)
        return dict(row)

    def page(self, kind: str, offset: int, size: int) -> list[dict]:
        self.ensure()
        rows = self.store.execute(
            "SELECT * FROM _bulk2_jobs WHERE kind = ? ORDER BY createdDate, id LIMIT ? OFFSET ?",
            (kind, size, offset),
        )
        return [dict(r) for r in rows]

    def update(self, job_id: str, **values) -> None:
        values["systemModstamp"] = self.org.now_text()
        unknown = set(values) - set(COLUMNS)
        if unknown:
            raise ValueError(f"not a job column: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.store.execute(f"UPDATE _bulk2_jobs SET {assignments} WHERE id = ?", [*values.values(), job_id])

    def move(self, job_id: str, source: tuple[str, ...], target: str, **values) -> bool:
        """Change the state only if it is still one of `source`: the worker and the routes never race."""
        with self.store.lock:
            row = self.store.execute("SELECT state FROM _bulk2_jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None or row[0] not in source:
                return False
            self.update(job_id, state=target, **values)
            return True

    def delete(self, job_id: str) -> None:
        with self.store.transaction():
            for table in ("_bulk2_parts", "_bulk2_results", "_bulk2_jobs"):
                column = "id" if table == "_bulk2_jobs" else "jobId"
                self.store.execute(f"DELETE FROM {table} WHERE {column} = ?", (job_id,))

    def pending(self) -> list[dict]:
        """Jobs the worker owes work: closed uploads, and jobs a stopped org left in progress."""
        self.ensure()
        rows = self.store.execute(
            "SELECT * FROM _bulk2_jobs WHERE state IN ('UploadComplete', 'InProgress') ORDER BY createdDate, id"
        )
        return [dict(r) for r in rows]

    # -- uploaded data ---------------------------------------------------------------------------------
    def add_part(self, job_id: str, upload: int, seq: int, data: bytes) -> None:
        self.store.execute(
            "INSERT INTO _bulk2_parts (jobId, upload, seq, data) VALUES (?, ?, ?, ?)",
            (job_id, upload, seq, data),
        )

    def uploads(self, job_id: str) -> list[int]:
        rows = self.store.execute(
            "SELECT DISTINCT upload FROM _bulk2_parts WHERE jobId = ? ORDER BY upload", (job_id,)
        )
        return [r[0] for r in rows]

    def parts(self, job_id: str, upload: int):
        """The parts of one upload, each read when the reader reaches it."""
        seq = 0
        while True:
            row = self.store.execute(
                "SELECT data FROM _bulk2_parts WHERE jobId = ? AND upload = ? AND seq = ?",
                (job_id, upload, seq),
            ).fetchone()
            if row is None:
                return
            yield row[0]
            seq += 1

    # -- results -----------------------------------------------------------------------------------------
    def add_result(self, job_id: str, kind: str, first_row: int, rows: int, data: str) -> None:
        if rows:
            self.store.execute(
                "INSERT OR REPLACE INTO _bulk2_results (jobId, kind, firstRow, rows, data) VALUES (?, ?, ?, ?, ?)",
                (job_id, kind, first_row, rows, data),
            )

    def results(self, job_id: str, kind: str, start: int = 0, end: int | None = None):
        """(firstRow, rows, data) of the pieces that overlap rows start..end, in order, read one at a time."""
        after = -1
        while True:
            row = self.store.execute(
                "SELECT firstRow, rows, data FROM _bulk2_results WHERE jobId = ? AND kind = ? AND firstRow > ? "
                "AND firstRow + rows > ? ORDER BY firstRow LIMIT 1",
                (job_id, kind, after, start),
            ).fetchone()
            if row is None or (end is not None and row[0] >= end):
                return
            after = row[0]
            yield row[0], row[1], row[2]

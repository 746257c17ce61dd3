"""Bulk API 1.0 jobs, batches and results in the org's SQLite store, so --data-dir, reset and snapshots keep them.

The tables are made on first use (and again after an admin reset dropped them), through the store's
own connection and lock; every value is a parameter, every identifier a constant of this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce.bulk.v1.errors import invalid_batch, invalid_job
from alcsim.simulators.salesforce.ids import make_id, to18

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

TABLES = (
    "CREATE TABLE IF NOT EXISTS _bulk1_jobs (id TEXT PRIMARY KEY, operation TEXT NOT NULL, object TEXT NOT NULL, "
    "externalIdFieldName TEXT, concurrencyMode TEXT NOT NULL, contentType TEXT NOT NULL, state TEXT NOT NULL, "
    "createdById TEXT NOT NULL, createdDate TEXT NOT NULL, systemModstamp TEXT NOT NULL, apiVersion TEXT NOT NULL, "
    "assignmentRuleId TEXT)",
    "CREATE TABLE IF NOT EXISTS _bulk1_batches (id TEXT PRIMARY KEY, jobId TEXT NOT NULL, state TEXT NOT NULL, "
    "stateMessage TEXT, createdDate TEXT NOT NULL, systemModstamp TEXT NOT NULL, "
    "numberRecordsProcessed INTEGER NOT NULL DEFAULT 0, numberRecordsFailed INTEGER NOT NULL DEFAULT 0, "
    "totalProcessingTime INTEGER NOT NULL DEFAULT 0, request TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_bulk1_batches_job ON _bulk1_batches (jobId, id)",
    "CREATE TABLE IF NOT EXISTS _bulk1_results (batchId TEXT NOT NULL, seq INTEGER NOT NULL, recordId TEXT, "
    "success INTEGER NOT NULL, created INTEGER NOT NULL, errors TEXT NOT NULL, PRIMARY KEY (batchId, seq))",
    "CREATE TABLE IF NOT EXISTS _bulk1_query_results (id TEXT PRIMARY KEY, batchId TEXT NOT NULL, "
    "seq INTEGER NOT NULL, body TEXT NOT NULL)",
)
BATCH_STATES = ("Queued", "InProgress", "Completed", "Failed", "NotProcessed")


@dataclass
class Job:
    id: str
    operation: str
    object: str
    externalIdFieldName: str | None
    concurrencyMode: str
    contentType: str
    state: str
    createdById: str
    createdDate: str
    systemModstamp: str
    apiVersion: str
    assignmentRuleId: str | None

    @property
    def is_query(self) -> bool:
        return self.operation in ("query", "queryAll")


@dataclass
class Batch:
    id: str
    jobId: str
    state: str
    stateMessage: str | None
    createdDate: str
    systemModstamp: str
    numberRecordsProcessed: int
    numberRecordsFailed: int
    totalProcessingTime: int
    request: str


@dataclass
class RecordResult:
    id: str | None
    success: bool
    created: bool
    errors: list[dict]


class Jobs:
    """The org's Bulk API 1.0 jobs; the org is reached only through its public store and clock."""

    def __init__(self, org: Org):
        self.org = org

    @property
    def store(self):
        return self.org.store

    def ensure(self) -> None:
        with self.store.lock:
            for statement in TABLES:
                self.store.execute(statement)

    def _new_id(self, prefix: str) -> str:
        return make_id(prefix, self.org.pod, self.store.next_counter(f"id:{prefix}"))

    # -- jobs ------------------------------------------------------------------------------------------
    def create_job(self, spec: dict, user_id: str, version: str) -> Job:
        self.ensure()
        now = self.org.now_text()
        job = Job(
            id=self._new_id("750"),
            operation=spec["operation"],
            object=spec["object"],
            externalIdFieldName=spec.get("externalIdFieldName"),
            concurrencyMode=spec.get("concurrencyMode") or "Parallel",
            contentType=spec.get("contentType") or "XML",
            state="Open",
            createdById=user_id,
            createdDate=now,
            systemModstamp=now,
            apiVersion=version,
            assignmentRuleId=spec.get("assignmentRuleId"),
        )
        values = vars(job)
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.store.execute(f"INSERT INTO _bulk1_jobs ({names}) VALUES ({marks})", list(values.values()))
        return job

    def job(self, job_id: str) -> Job:
        self.ensure()
        full = to18(job_id or "")
        row = (
            self.store.execute("SELECT * FROM _bulk1_jobs WHERE id = ?", (full,)).fetchone() if full else None
        )
        if row is None:
            raise invalid_job(job_id)
        return Job(**dict(row))

    def set_job_state(self, job: Job, state: str) -> Job:
        now = self.org.now_text()
        with self.store.transaction():
            self.store.execute(
                "UPDATE _bulk1_jobs SET state = ?, systemModstamp = ? WHERE id = ?", (state, now, job.id)
            )
            if state == "Aborted":
                # Batches not started yet are never processed (Bulk API Developer Guide, "Abort a Job").
                self.store.execute(
                    "UPDATE _bulk1_batches SET state = 'NotProcessed', systemModstamp = ? "
                    "WHERE jobId = ? AND state = 'Queued'",
                    (now, job.id),
                )
        return self.job(job.id)

    def job_counts(self, job: Job) -> dict:
        rows = self.store.execute(
            "SELECT state, COUNT(*), SUM(numberRecordsProcessed), SUM(numberRecordsFailed), "
            "SUM(totalProcessingTime) FROM _bulk1_batches WHERE jobId = ? GROUP BY state",
            (job.id,),
        ).fetchall()
        counts = {state: 0 for state in BATCH_STATES}
        processed = failed = elapsed = 0
        for state, count, done, bad, took in rows:
            counts[state] = count
            processed, failed, elapsed = processed + (done or 0), failed + (bad or 0), elapsed + (took or 0)
        return {
            "numberBatchesQueued": counts["Queued"],
            "numberBatchesInProgress": counts["InProgress"],
            "numberBatchesCompleted": counts["Completed"],
            "numberBatchesFailed": counts["Failed"],
            "numberBatchesTotal": sum(counts.values()),
            "numberRecordsProcessed": processed,
            "numberRecordsFailed": failed,
            "totalProcessingTime": elapsed,
        }

    # -- batches -----------------------------------------------------------------------------------------
    def add_batch(self, job: Job, request_text: str) -> Batch:
        now = self.org.now_text()
        batch = Batch(self._new_id("751"), job.id, "Queued", None, now, now, 0, 0, 0, request_text)
        values = vars(batch)
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.store.execute(f"INSERT INTO _bulk1_batches ({names}) VALUES ({marks})", list(values.values()))
        return batch

    def batch(self, job: Job, batch_id: str) -> Batch:
        full = to18(batch_id or "")
        row = (
            self.store.execute(
                "SELECT * FROM _bulk1_batches WHERE id = ? AND jobId = ?", (full, job.id)
            ).fetchone()
            if full
            else None
        )
        if row is None:
            raise invalid_batch(batch_id)
        return Batch(**dict(row))

    def batches(self, job: Job) -> list[Batch]:
        rows = self.store.execute("SELECT * FROM _bulk1_batches WHERE jobId = ? ORDER BY id", (job.id,))
        return [Batch(**dict(row)) for row in rows]

    def next_batch(self) -> tuple[Job, Batch] | None:
        """The batch to work on: one already InProgress (a restart resumes it) before the oldest Queued."""
        row = self.store.execute(
            "SELECT * FROM _bulk1_batches WHERE state IN ('InProgress', 'Queued') "
            "ORDER BY state = 'Queued', createdDate, id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        batch = Batch(**dict(row))
        return self.job(batch.jobId), batch

    def start_batch(self, batch: Batch) -> bool:
        """Queued → InProgress, unless something (an abort) moved the batch first."""
        changed = self.store.execute(
            "UPDATE _bulk1_batches SET state = 'InProgress', systemModstamp = ? WHERE id = ? AND state = 'Queued'",
            (self.org.now_text(), batch.id),
        )
        return changed.rowcount == 1

    def set_batch_state(self, batch: Batch, state: str, message: str | None = None, took_ms: int = 0) -> None:
        self.store.execute(
            "UPDATE _bulk1_batches SET state = ?, stateMessage = ?, systemModstamp = ?, "
            "totalProcessingTime = totalProcessingTime + ? WHERE id = ?",
            (state, message, self.org.now_text(), took_ms, batch.id),
        )

    # -- results -----------------------------------------------------------------------------------------
    def results_done(self, batch: Batch) -> int:
        """How many rows of the batch already have a result: where a resumed batch goes on."""
        row = self.store.execute("SELECT COUNT(*) FROM _bulk1_results WHERE batchId = ?", (batch.id,))
        return row.fetchone()[0]

    def add_results(self, batch: Batch, start: int, results: list[RecordResult]) -> None:
        """Called inside the transaction that saved the records, so records and results commit together."""
        self.store.connection.executemany(
            "INSERT INTO _bulk1_results (batchId, seq, recordId, success, created, errors) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (batch.id, seq, r.id, int(r.success), int(r.created), json.dumps(r.errors))
                for seq, r in enumerate(results, start=start)
            ],
        )
        self.store.execute(
            "UPDATE _bulk1_batches SET numberRecordsProcessed = numberRecordsProcessed + ?, "
            "numberRecordsFailed = numberRecordsFailed + ?, systemModstamp = ? WHERE id = ?",
            (len(results), sum(not r.success for r in results), self.org.now_text(), batch.id),
        )

    def results(self, batch: Batch) -> list[RecordResult]:
        rows = self.store.execute(
            "SELECT recordId, success, created, errors FROM _bulk1_results WHERE batchId = ? ORDER BY seq",
            (batch.id,),
        )
        return [RecordResult(r[0], bool(r[1]), bool(r[2]), json.loads(r[3])) for r in rows]

    def add_query_result(self, batch: Batch, seq: int, body: str) -> str:
        result_id = self._new_id("752")
        self.store.execute(
            "INSERT INTO _bulk1_query_results (id, batchId, seq, body) VALUES (?, ?, ?, ?)",
            (result_id, batch.id, seq, body),
        )
        return result_id

    def query_result_ids(self, batch: Batch) -> list[str]:
        rows = self.store.execute(
            "SELECT id FROM _bulk1_query_results WHERE batchId = ? ORDER BY seq", (batch.id,)
        )
        return [r[0] for r in rows]

    def query_result(self, batch: Batch, result_id: str) -> str | None:
        row = self.store.execute(
            "SELECT body FROM _bulk1_query_results WHERE batchId = ? AND id = ?",
            (batch.id, to18(result_id or "")),
        ).fetchone()
        return row[0] if row else None

    def clear_query_results(self, batch: Batch) -> None:
        self.store.execute("DELETE FROM _bulk1_query_results WHERE batchId = ?", (batch.id,))

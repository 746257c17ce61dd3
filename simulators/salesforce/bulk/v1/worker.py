"""The org's Bulk API 1.0 worker: batches go Queued → InProgress → Completed (or Failed) in a background thread.

Each record is saved by the same `Records` calls the REST API uses, so validation and error codes are
REST's; a record and its result commit in one transaction, so a batch cut short by a restart resumes at
the first record without a result and never half-writes one (Bulk API Developer Guide, "Batch States").
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk.v1 import render
from alcsim.simulators.salesforce.bulk.v1.errors import BulkError
from alcsim.simulators.salesforce.bulk.v1.formats import batch_records
from alcsim.simulators.salesforce.bulk.v1.tables import Batch, Job, Jobs, RecordResult
from alcsim.simulators.salesforce.soql.engine import engine_for

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

log = logging.getLogger("alcsim.salesforce.bulk")
CHUNK = 2_000  # records per commit: one savepoint each inside, so a failed record undoes only itself
RESULT_RECORDS = 50_000  # records per query result file (the guide splits results by size; see assumptions)
QUERY_PAGE = 2_000
IDLE_SECONDS = 5.0  # a new batch wakes the worker at once; idle, it only looks again now and then


class BatchWorker:
    """One thread per org, started with the org's app, woken by each new batch, ended when the store closes."""

    def __init__(self, org: Org):
        self.org = org
        self.jobs = Jobs(org)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="bulk1-worker", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            try:
                self.jobs.ensure()
                found = self.jobs.next_batch()
            except sqlite3.ProgrammingError:
                return  # the org was closed
            except sqlite3.OperationalError:
                found = None  # an admin reset dropped the tables between two statements
            if found is None:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()
                continue
            try:
                self.process(*found)
            except sqlite3.ProgrammingError:
                return
            except sqlite3.OperationalError:
                log.warning("bulk batch %s interrupted by a store change", found[1].id)
            except Exception:  # a bug must not stop every later batch; the batch fails visibly instead
                log.exception("bulk batch %s failed", found[1].id)
                self.jobs.set_batch_state(
                    found[1], "Failed", "UnknownException : an unexpected error occurred"
                )

    # -- processing -------------------------------------------------------------------------------------
    def process(self, job: Job, batch: Batch) -> None:
        started = time.monotonic()
        if batch.state == "Queued" and not self.jobs.start_batch(batch):
            return  # its job was aborted meanwhile: the batch is NotProcessed
        try:
            if job.is_query:
                self._query(job, batch)
            else:
                self._dml(job, batch)
        except BulkError as exc:
            # A batch that cannot be processed fails as a whole: "InvalidBatch : Field name not found : X".
            self.jobs.set_batch_state(batch, "Failed", f"{exc.code} : {exc.message}", _ms(started))
            return
        self.jobs.set_batch_state(batch, "Completed", None, _ms(started))

    def _dml(self, job: Job, batch: Batch) -> None:
        sobject = self.org.schema.get(job.object)
        header, rows = batch_records(batch.request, job.contentType)
        if header is not None:
            for name in header:
                found = sobject.field(name)
                if found is None or not found.stored:
                    raise BulkError("InvalidBatch", f"Field name not found : {name}")
        rows = [_canonical(sobject, row) for row in rows]
        store = self.org.store
        # An upsert batch is saved in one piece: a key given twice in one batch fails both rows.
        size = len(rows) if job.operation == "upsert" else CHUNK
        done = self.jobs.results_done(batch)
        for start in range(done, len(rows), max(size, 1)):
            chunk = rows[start : start + size]
            with store.transaction():
                # The DML Bulk API 2.0 uses too: REST's validation, each record saved or failed on its own.
                outcomes = self.org.records.save_many(
                    sobject, job.operation, chunk, job.createdById, job.externalIdFieldName
                )
                results = [
                    RecordResult(
                        None if error else record_id,
                        error is None,
                        created,
                        [_error_of(error)] if error else [],
                    )
                    for record_id, created, error in outcomes
                ]
                self.jobs.add_results(batch, start, results)

    def _query(self, job: Job, batch: Batch) -> None:
        engine = engine_for(self.org)
        include_deleted = job.operation == "queryAll"
        try:
            page = engine.query(
                batch.request.strip(),
                user_id=job.createdById,
                version=job.apiVersion,
                include_deleted=include_deleted,
                batch_size=QUERY_PAGE,
            )
            records = list(page["records"])
            while not page["done"]:
                locator = page["nextRecordsUrl"].rsplit("/", 1)[-1]
                page = engine.query_more(locator, user_id=job.createdById, version=job.apiVersion)
                records.extend(page["records"])
        except errors.SalesforceError as exc:
            # Failed to process query: the same code and message /query answers (guide, "Bulk Query").
            raise BulkError(
                "InvalidBatch", f"Failed to process query: {exc.error_code}: {exc.message}"
            ) from None
        shaped = [self._bulk_values(r, job.contentType) for r in records]
        with self.org.store.transaction():
            self.jobs.clear_query_results(batch)
            for seq, start in enumerate(range(0, max(len(shaped), 1), RESULT_RECORDS)):
                body = render.query_records(shaped[start : start + RESULT_RECORDS], job.contentType)
                self.jobs.add_query_result(batch, seq, body)
            self.org.store.execute(
                "UPDATE _bulk1_batches SET numberRecordsProcessed = ? WHERE id = ?", (len(shaped), batch.id)
            )

    def _bulk_values(self, record: dict, kind: str) -> dict:
        """Dates as Bulk writes them: epoch milliseconds in JSON results, `…Z` in CSV and XML (assumptions)."""
        sobject = self.org.schema.get(record.get("attributes", {}).get("type", ""))
        shaped = {}
        for key, value in record.items():
            if isinstance(value, dict) and "attributes" in value:
                value = self._bulk_values(value, kind)
            elif isinstance(value, str) and sobject is not None:
                f = sobject.field(key)
                if f is not None and f.type in ("datetime", "date"):
                    value = _bulk_date(value, f.type, kind)
            shaped[key] = value
        return shaped


def _bulk_date(value: str, kind_of_field: str, kind: str):
    if kind == "JSON":
        if kind_of_field == "date":
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
        else:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
        return int(moment.timestamp() * 1000)
    return render.xml_datetime(value) if kind_of_field == "datetime" else value


def _canonical(sobject, row: dict) -> dict:
    """Field names as the metadata spells them (API names are case-insensitive); unknown ones stay, to fail."""
    canonical = {}
    for key, value in row.items():
        f = sobject.field(key) if key != "attributes" else None
        canonical[f.name if f is not None else key] = value
    return canonical


def _error_of(exc: errors.SalesforceError) -> dict:
    return {"statusCode": exc.error_code, "message": exc.message, "fields": list(exc.fields or [])}


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def worker_for(org: Org) -> BatchWorker:
    """The org's worker, kept on the org instance (no module-level state), as the SOQL engine is."""
    worker = org.__dict__.get("bulk1_worker")
    if worker is None:
        worker = org.__dict__.setdefault("bulk1_worker", BatchWorker(org))
    return worker

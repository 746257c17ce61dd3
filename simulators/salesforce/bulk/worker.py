"""One background worker per org that moves Bulk API 2.0 jobs through their states, as Salesforce's queue does.

UploadComplete -> InProgress -> JobComplete | Failed (api_asynch "Job States"). The worker finds its work in
the store, so a job a stopped org left in progress resumes after a restart, a restore or a reset alike.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce.bulk import csvio
from alcsim.simulators.salesforce.bulk.extract import Extract
from alcsim.simulators.salesforce.bulk.ingest import Ingest
from alcsim.simulators.salesforce.bulk.jobs import Jobs

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

log = logging.getLogger("alcsim.salesforce.bulk")
IDLE_SECONDS = 0.5
UNEXPECTED = "InternalServerError : An unexpected error occurred while processing the job"  # how often an idle worker looks again for jobs a restore or a restart brought back


class Worker:
    def __init__(self, org: Org):
        self.org = org
        self.jobs = Jobs(org)
        self.ingest = Ingest(org, self.jobs)
        self.extract = Extract(org, self.jobs)
        self._wake = threading.Event()
        self._held = threading.Event()  # set: jobs wait in UploadComplete (tests of a stopped org)
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> Worker:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="bulk2-worker", daemon=True)
                self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def hold(self) -> None:
        """Leave closed jobs queued: what a busy Salesforce queue looks like from outside."""
        self._held.set()

    def release(self) -> None:
        self._held.clear()
        self.wake()

    def stop(self) -> None:
        self._stopped = True
        self.wake()

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(IDLE_SECONDS)
            self._wake.clear()
            try:
                if self.org.store.connection.total_changes < 0:  # raises once the org closed its store
                    return
                if self._held.is_set():
                    continue
                while not self._stopped and not self._held.is_set() and self.step():
                    pass
            except sqlite3.ProgrammingError:
                return  # the org closed its store: it stopped
            except Exception:
                log.exception("bulk worker")

    def step(self, chunks: int | None = None) -> bool:
        """Work on the oldest pending job; False when there is none. `chunks` stops an ingest job early."""
        pending = self.jobs.pending()
        if not pending:
            return False
        job = pending[0]
        if job["state"] == "UploadComplete" and not self.jobs.move(
            job["id"], ("UploadComplete",), "InProgress"
        ):
            return True
        try:
            if job["kind"] == "query":
                state, message = self.extract.run(job)
                if state == "Failed":
                    self.jobs.move(job["id"], ("InProgress",), "Failed", errorMessage=message)
                return True
            return self._ingest(job, chunks)
        except sqlite3.ProgrammingError:
            raise
        except Exception:
            # Never a job left spinning: an unexpected failure fails the job, as a real org reports it.
            log.exception("bulk job %s", job["id"])
            self.jobs.move(job["id"], ("InProgress",), "Failed", errorMessage=UNEXPECTED)
            return True

    def _ingest(self, job: dict, chunks: int | None) -> bool:
        budget = [chunks]

        def still_running() -> bool:
            if budget[0] is not None:
                if budget[0] <= 0:
                    raise _Paused
                budget[0] -= 1
            return self.jobs.get(job["id"], "ingest")["state"] == "InProgress"

        try:
            outcome = self.ingest.run(job, still_running)
        except csvio.CsvProblem as problem:
            self.jobs.move(job["id"], ("InProgress",), "Failed", errorMessage=problem.message)
            return True
        except _Paused:
            return False
        if outcome == "JobComplete":
            self.jobs.move(job["id"], ("InProgress",), "JobComplete")
        return True


class _Paused(Exception):
    """A step with a chunk budget used it up; the job stays InProgress with its chunks committed."""


def worker_for(org: Org) -> Worker:
    """The org's worker, made and started on first use and kept on the org instance."""
    worker = org.__dict__.get("bulk2_worker")
    if worker is None:
        worker = org.__dict__.setdefault("bulk2_worker", Worker(org))
    return worker.start()
